// Embeds sentiment/data/default.model with `.incbin`, so load_scorer("default") works from
// any working directory. The build passes the data folder as EARSHOT_SENTIMENT_DATA_DIR and
// lists the model in this object's OBJECT_DEPENDS: retraining the model rebuilds this object.
#include <cstddef>
#include <string_view>

#include "sentiment/linear_model.h"

#ifndef EARSHOT_SENTIMENT_DATA_DIR
#error "EARSHOT_SENTIMENT_DATA_DIR must name the sentiment/data folder"
#endif

#if defined(__APPLE__)
#define EARSHOT_MODEL_SYM(name) "_" #name
#define EARSHOT_MODEL_RODATA ".const_data\n"
#else
#define EARSHOT_MODEL_SYM(name) #name
#define EARSHOT_MODEL_RODATA ".section .rodata\n"
#endif

__asm__(EARSHOT_MODEL_RODATA
        ".balign 64\n"
        ".globl " EARSHOT_MODEL_SYM(earshot_default_model) "\n"
        EARSHOT_MODEL_SYM(earshot_default_model) ":\n"
        ".incbin \"" EARSHOT_SENTIMENT_DATA_DIR "/default.model\"\n"
        ".globl " EARSHOT_MODEL_SYM(earshot_default_model_end) "\n"
        EARSHOT_MODEL_SYM(earshot_default_model_end) ":\n"
        ".byte 0\n"
        ".previous\n");

extern "C" {
extern const char earshot_default_model[];
extern const char earshot_default_model_end[];
}

namespace earshot::sentiment {

std::string_view default_model_bytes() {
  return {earshot_default_model,
          static_cast<std::size_t>(earshot_default_model_end - earshot_default_model)};
}

}  // namespace earshot::sentiment
