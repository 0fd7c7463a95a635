// earshot::sentiment — data files compiled into the binary.
//
// The lexicon files under sentiment/data/ are embedded with an assembler `.incbin` (see
// embedded_data.cc), so every binary that links earshot_sentiment scores text without
// looking for files at run time, whatever its working directory.
//
//   std::string_view lexicon = earshot::sentiment::embedded::vader_lexicon();
//   // lexicon is the exact bytes of sentiment/data/vader_lexicon.txt
//
// Thread safety: the views point into read-only static storage; read them from any thread.
// Lifetime: static — the views stay valid for the whole life of the program.
#pragma once

#include <string_view>

namespace earshot::sentiment::embedded {

// Bytes of sentiment/data/vader_lexicon.txt (token TAB valence TAB stddev TAB ratings).
std::string_view vader_lexicon();
// Bytes of sentiment/data/emoji_utf8_lexicon.txt (emoji TAB description).
std::string_view emoji_lexicon();
// Bytes of sentiment/data/lexicon_afinn_translated.tsv and lexicon_earshot.tsv (lang TAB word
// TAB valence; lexicon_scorer.h).
std::string_view afinn_translated_lexicon();
std::string_view earshot_multilingual_lexicon();

}  // namespace earshot::sentiment::embedded
