// Embeds sentiment/data/*.txt with `.incbin`. The build passes the data folder as
// EARSHOT_SENTIMENT_DATA_DIR and lists the files in this object's OBJECT_DEPENDS, so an
// edit to a data file rebuilds this object.
#include "sentiment/embedded_data.h"

#ifndef EARSHOT_SENTIMENT_DATA_DIR
#error "EARSHOT_SENTIMENT_DATA_DIR must name the sentiment/data folder"
#endif

#if defined(__APPLE__)
#define EARSHOT_SYM(name) "_" #name
#define EARSHOT_RODATA ".const_data\n"
#else
#define EARSHOT_SYM(name) #name
#define EARSHOT_RODATA ".section .rodata\n"
#endif

// Each blob gets a start and an end symbol; a NUL after the end keeps C readers safe.
#define EARSHOT_INCBIN(name, file) \
  __asm__(EARSHOT_RODATA                                             \
          ".balign 16\n"                                             \
          ".globl " EARSHOT_SYM(earshot_blob_##name) "\n"            \
          EARSHOT_SYM(earshot_blob_##name) ":\n"                     \
          ".incbin \"" EARSHOT_SENTIMENT_DATA_DIR "/" file "\"\n"    \
          ".globl " EARSHOT_SYM(earshot_blob_##name##_end) "\n"      \
          EARSHOT_SYM(earshot_blob_##name##_end) ":\n"               \
          ".byte 0\n"                                                \
          ".previous\n")

EARSHOT_INCBIN(vader_lexicon, "vader_lexicon.txt");
EARSHOT_INCBIN(emoji_lexicon, "emoji_utf8_lexicon.txt");
EARSHOT_INCBIN(afinn_translated, "lexicon_afinn_translated.tsv");
EARSHOT_INCBIN(earshot_multilingual, "lexicon_earshot.tsv");

extern "C" {
extern const char earshot_blob_vader_lexicon[];
extern const char earshot_blob_vader_lexicon_end[];
extern const char earshot_blob_emoji_lexicon[];
extern const char earshot_blob_emoji_lexicon_end[];
extern const char earshot_blob_afinn_translated[];
extern const char earshot_blob_afinn_translated_end[];
extern const char earshot_blob_earshot_multilingual[];
extern const char earshot_blob_earshot_multilingual_end[];
}

namespace earshot::sentiment::embedded {

std::string_view vader_lexicon() {
  return {earshot_blob_vader_lexicon,
          static_cast<std::size_t>(earshot_blob_vader_lexicon_end - earshot_blob_vader_lexicon)};
}

std::string_view emoji_lexicon() {
  return {earshot_blob_emoji_lexicon,
          static_cast<std::size_t>(earshot_blob_emoji_lexicon_end - earshot_blob_emoji_lexicon)};
}

std::string_view afinn_translated_lexicon() {
  return {
      earshot_blob_afinn_translated,
      static_cast<std::size_t>(earshot_blob_afinn_translated_end - earshot_blob_afinn_translated)};
}

std::string_view earshot_multilingual_lexicon() {
  return {earshot_blob_earshot_multilingual,
          static_cast<std::size_t>(earshot_blob_earshot_multilingual_end -
                                   earshot_blob_earshot_multilingual)};
}

}  // namespace earshot::sentiment::embedded
