// earshot::sentiment::Tokenizer — splits social-media text into typed tokens.
//
// Posts are not prose: they carry URLs, @mentions (also fediverse @user@instance and
// Bluesky @name.bsky.social), #hashtags, emoticons (":-)", "<3", ":'(", "xD"), emoji
// (ZWJ sequences, skin tones and flags stay one token), elongations ("soooo"), shouting
// (ALL CAPS), "!!!"/"?!" runs and contractions. The tokenizer types each piece so scorers
// and feature extractors can treat them differently. Tokens are views — a byte offset and
// length into the caller's text — so spans map back to the post exactly.
//
//   using namespace earshot::sentiment;
//   std::string_view text = "SOOO happy w/ @acme :) #BestDayEver https://acme.example";
//   std::vector<Token> tokens;                // reuse across calls: no allocation once grown
//   tokenize(text, tokens);
//   // tokens[0]: word "SOOO", has(Token::all_caps) && has(Token::elongated)
//   // then "happy", "w", "/", mention "@acme", emoticon ":)", hashtag "#BestDayEver", url
//   std::vector<Token> parts;
//   split_hashtag(text, tokens[6], parts);    // "Best", "Day", "Ever"
//
// Rules in brief: whitespace separates; a word is letters/digits with inner apostrophes
// (' and ’) and hyphens; "3.5" and "1,000" are numbers; "!!!", "?!", "..." are one
// punctuation token each; anything else is one grapheme cluster per token (kind other).
// Invalid UTF-8 never stops it: each invalid sequence is one `other` token.
//
// Thread safety: stateless free functions; call from any thread. Lifetime: tokens refer to
// the text passed in and are meaningless after that text changes or dies. Texts longer than
// 4 GiB - 1 bytes are tokenized up to that length (offsets are 32-bit).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace earshot::sentiment {

enum class TokenKind : std::uint8_t {
  word,         // letters/digits, inner ' ’ -  ("don't", "well-known", "gr8")
  number,       // digits with inner . or ,  ("3.5", "1,000")
  url,          // http://, https://, www.
  mention,      // @user, @user@instance.example, @name.bsky.social
  hashtag,      // #tag (the '#' included)
  emoticon,     // :) :-( <3 :'( :D ;) :P xD ...
  emoji,        // one emoji cluster (ZWJ sequence, flag, keycap, skin tone, ...)
  punctuation,  // . , ; : and runs such as !!! ?! ...
  other,        // any other cluster, including invalid bytes
};

std::string_view to_string(TokenKind kind);

struct Token {
  // Bits of `flags`.
  enum Flag : std::uint16_t {
    all_caps = 1u << 0,     // word with >= 2 letters, all upper case ("GREAT", not "I")
    elongated = 1u << 1,    // a letter repeated >= 3 times ("soooo")
    negation = 1u << 2,     // "not", "never", "no", "cannot", "*n't", ...
    contraction = 1u << 3,  // word with an apostrophe ("don't", "I'm")
    exclamation = 1u << 4,  // punctuation containing '!'
    question = 1u << 5,     // punctuation containing '?'
  };

  std::uint32_t offset = 0;  // byte offset into the text
  std::uint32_t length = 0;  // bytes
  TokenKind kind = TokenKind::other;
  std::uint16_t flags = 0;

  std::string_view view(std::string_view text) const { return text.substr(offset, length); }
  bool has(Flag f) const { return (flags & f) != 0; }
};

// Clears `out` and appends the tokens of `text`, in order.
void tokenize(std::string_view text, std::vector<Token>& out);

// Appends the camelCase / digit / underscore parts of hashtag `tag` (a token of `text`) as
// word tokens: "#NotHappy" -> "Not" "Happy", "#iPhone12" -> "i" "Phone" "12",
// "#HTMLParser" -> "HTML" "Parser", "#acme_air" -> "acme" "air".
void split_hashtag(std::string_view text, const Token& tag, std::vector<Token>& out);

// True for negation words ("not", "no", "never", "cannot", "nothing", ..., "*n't").
// `word` may be in any ASCII case.
bool is_negation_word(std::string_view word);

// Appends `word` lower-cased with letter runs longer than 2 squashed to 2 ("SOOOO" -> "soo").
void append_normalized(std::string_view word, std::string* out);

}  // namespace earshot::sentiment
