#include "dialects/types/type_text_lexer.h"

#include <cctype>
#include <charconv>

namespace sluice::type_text {

namespace {

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

}  // namespace

bool Lex(std::string_view text, std::vector<Token>* out, std::string* error) {
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    Token t;
    t.offset = i;
    if (c == '\'' || c == '"') {
      // Labels: the quote doubled inside stands for itself ('it''s').
      char q = c;
      std::string value;
      size_t j = i + 1;
      bool closed = false;
      while (j < text.size()) {
        if (text[j] == q) {
          if (j + 1 < text.size() && text[j + 1] == q) {
            value += q;
            j += 2;
            continue;
          }
          closed = true;
          break;
        }
        value += text[j++];
      }
      if (!closed) {
        *error = "unterminated quote starting at offset " + std::to_string(i);
        return false;
      }
      t.kind = Token::Kind::kQuoted;
      t.text = std::move(value);
      out->push_back(std::move(t));
      i = j + 1;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '-' && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1])))) {
      size_t j = i + 1;
      while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
      if (j < text.size() && IsWordChar(text[j])) {
        // "int4range", "uint8" start with letters; "8bit" is not a type: fall through as a word.
        size_t k = j;
        while (k < text.size() && IsWordChar(text[k])) ++k;
        t.kind = Token::Kind::kWord;
        for (size_t m = i; m < k; ++m) t.text += static_cast<char>(std::tolower(static_cast<unsigned char>(text[m])));
        out->push_back(std::move(t));
        i = k;
        continue;
      }
      t.kind = Token::Kind::kNumber;
      t.text = std::string(text.substr(i, j - i));
      auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), t.number);
      if (ec != std::errc() || p != t.text.data() + t.text.size()) {
        *error = "number out of range: " + t.text;
        return false;
      }
      out->push_back(std::move(t));
      i = j;
      continue;
    }
    if (IsWordChar(c)) {
      size_t j = i;
      // A dot joins a schema-qualified name ("public.mood") but not "1970..2038".
      while (j < text.size() &&
             (IsWordChar(text[j]) || (text[j] == '.' && j + 1 < text.size() &&
                                      std::isalpha(static_cast<unsigned char>(text[j + 1]))))) {
        ++j;
      }
      t.kind = Token::Kind::kWord;
      for (size_t m = i; m < j; ++m) t.text += static_cast<char>(std::tolower(static_cast<unsigned char>(text[m])));
      out->push_back(std::move(t));
      i = j;
      continue;
    }
    if (c == '.' && i + 1 < text.size() && text[i + 1] == '.') {
      t.kind = Token::Kind::kPunct;
      t.text = "..";
      out->push_back(std::move(t));
      i += 2;
      continue;
    }
    if (c == '(' || c == ')' || c == ',' || c == '[' || c == ']') {
      t.kind = Token::Kind::kPunct;
      t.text = std::string(1, c);
      out->push_back(std::move(t));
      ++i;
      continue;
    }
    *error = std::string("unexpected character '") + c + "' at offset " + std::to_string(i);
    return false;
  }
  return true;
}

std::string QuoteLabel(std::string_view label) {
  std::string out = "'";
  for (char c : label) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

}  // namespace sluice::type_text
