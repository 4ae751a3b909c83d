#pragma once
// Internal to dialects/types: splits the short type spellings used by the
// rule files, the golden tests and the neutral type's text form into tokens.
// Words are lower-cased; quoted labels keep their case and are unescaped.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::type_text {

struct Token {
  enum class Kind { kWord, kNumber, kQuoted, kPunct };
  Kind kind = Kind::kWord;
  std::string text;   // word (lower-cased), digits, unescaped label, or "(" ")" "," "[" "]" ".."
  int64_t number = 0;
  size_t offset = 0;  // byte offset in the input, for messages
};

// Returns false and sets *error on an unterminated quote or a stray character.
bool Lex(std::string_view text, std::vector<Token>* out, std::string* error);

// 'it''s' style quoting for printing labels.
std::string QuoteLabel(std::string_view label);

}  // namespace sluice::type_text
