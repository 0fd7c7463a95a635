// earshot::sentiment::latin_fold — a Latin letter's plain lower-case ASCII form, for cue
// matching that must not care how a post spells its accents (internal to intent.cc).
//
// Customer-service cues in de/fr/es/pt/it/nl are full of accents ("Kündigung", "remboursé",
// "cancelación", "não funciona"), and posts write them in every form: precomposed (NFC),
// letter + combining mark (NFD, as some keyboards and macOS file names do), upper case
// ("ANNULÉ"), or with the accent left out ("rembourse"). Folding both the cue lists and the
// post's words to ASCII makes all of these one form:
//
//   std::string out;
//   latin_fold::append("Rückerstattung", &out);      // out == "ruckerstattung"
//   latin_fold::append("Ru\u0308ckerstattung", &out); // NFD: the same
//   latin_fold::fold('\u00DF') -> "ss", fold(U+0301) -> "" (a mark), fold(U+4E00) -> nullopt
//
// Covered: ASCII, Latin-1 Supplement, Latin Extended-A, Romanian ș/ț; combining marks
// U+0300–U+036F fold to nothing (they continue the word). Every other code point is not a
// Latin letter (nullopt). A fold is never longer in bytes than the UTF-8 it replaces.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace earshot::sentiment::latin_fold {

// The lower-case ASCII letters `cp` folds to ("" for a combining mark); nullopt when `cp` is
// not an ASCII letter or digit, a Latin letter, or a combining mark.
std::optional<std::string_view> fold(char32_t cp);

// Appends the fold of every code point of `text` to *out; code points with no fold are kept
// as they are (spaces, '*', apostrophes: cue phrases keep their shape).
void append(std::string_view text, std::string* out);

}  // namespace earshot::sentiment::latin_fold
