// Reads the simple native spellings described in the header with a token
// cursor: name words until a "(" or a modifier keyword, then arguments, then
// modifiers in any order. Printing follows each family's DDL conventions.

#include "dialects/types/native_type_text.h"

#include <set>
#include <vector>

#include "dialects/types/type_text_lexer.h"

namespace sluice {

namespace {

using type_text::Token;

bool IsModifierWord(const std::vector<Token>& t, size_t i) {
  const std::string& w = t[i].text;
  if (w == "unsigned" || w == "signed" || w == "zerofill" || w == "with" || w == "without" ||
      w == "charset" || w == "collate" || w == "array") {
    return true;
  }
  return w == "character" && i + 1 < t.size() && t[i + 1].text == "set";
}

bool IsIntervalField(const std::string& w) {
  static const std::set<std::string> kFields = {"year", "month", "day", "hour", "minute", "second", "to"};
  return kFields.count(w) > 0;
}

}  // namespace

std::optional<TypeName> ParseSimpleTypeName(std::string_view text, std::string* error) {
  std::string local;
  if (error == nullptr) error = &local;
  error->clear();
  std::vector<Token> t;
  if (!type_text::Lex(text, &t, error)) return std::nullopt;
  size_t i = 0;
  auto fail = [&](std::string msg) -> std::optional<TypeName> {
    *error = std::move(msg);
    return std::nullopt;
  };
  auto is_word = [&](size_t k) { return k < t.size() && t[k].kind == Token::Kind::kWord; };
  auto is_punct = [&](size_t k, const char* p) {
    return k < t.size() && t[k].kind == Token::Kind::kPunct && t[k].text == p;
  };
  if (!is_word(0)) return fail("expected a type name");
  TypeName tn;
  tn.raw = std::string(text);
  std::string first = t[i++].text;
  if (auto dot = first.find('.'); dot != std::string::npos) {
    tn.schema = first.substr(0, dot);
    first = first.substr(dot + 1);
  }
  tn.name = first;
  bool is_interval = tn.name == "interval";
  while (is_word(i) && !IsModifierWord(t, i)) {
    if (is_interval && IsIntervalField(t[i].text)) {
      if (!tn.interval_fields.empty()) tn.interval_fields += ' ';
      tn.interval_fields += t[i++].text;
      continue;
    }
    tn.name += ' ';
    tn.name += t[i++].text;
  }
  if (tn.name == "timestamptz" || tn.name == "timetz") {
    tn.name = tn.name == "timestamptz" ? "timestamp" : "time";
    tn.with_time_zone = true;
  }
  if (is_punct(i, "(")) {
    ++i;
    while (true) {
      if (i < t.size() && t[i].kind == Token::Kind::kNumber) {
        tn.params.push_back(t[i++].number);
      } else if (i < t.size() && t[i].kind == Token::Kind::kQuoted) {
        tn.labels.push_back(t[i++].text);
      } else if (is_punct(i, ")") && tn.params.empty() && tn.labels.empty()) {
        break;  // enum() / set() with no labels
      } else {
        return fail("expected a number or a quoted label in the argument list");
      }
      if (is_punct(i, ",")) { ++i; continue; }
      break;
    }
    if (!is_punct(i, ")")) return fail("expected ')'");
    ++i;
    if (!tn.params.empty() && !tn.labels.empty()) return fail("arguments mix numbers and labels");
  }
  while (i < t.size()) {
    if (is_punct(i, "[")) {
      ++i;
      if (i < t.size() && t[i].kind == Token::Kind::kNumber) ++i;
      if (!is_punct(i, "]")) return fail("expected ']'");
      ++i;
      ++tn.array_dims;
      continue;
    }
    if (!is_word(i)) return fail("unexpected '" + t[i].text + "'");
    std::string w = t[i++].text;
    if (w == "unsigned") {
      tn.is_unsigned = true;
    } else if (w == "signed") {
      tn.is_unsigned = false;
    } else if (w == "zerofill") {
      tn.zerofill = true;
    } else if (w == "array") {
      ++tn.array_dims;
    } else if (w == "with" || w == "without") {
      if (!(is_word(i) && t[i].text == "time" && is_word(i + 1) && t[i + 1].text == "zone")) {
        return fail("expected 'time zone' after '" + w + "'");
      }
      i += 2;
      tn.with_time_zone = (w == "with");
    } else if (w == "character" || w == "charset" || w == "collate") {
      if (w == "character") ++i;  // "set"
      if (i >= t.size() || (t[i].kind != Token::Kind::kWord && t[i].kind != Token::Kind::kQuoted)) {
        return fail("expected a name after '" + w + "'");
      }
      (w == "collate" ? tn.collation : tn.charset) = t[i++].text;
    } else if (is_interval && IsIntervalField(w)) {
      if (!tn.interval_fields.empty()) tn.interval_fields += ' ';
      tn.interval_fields += w;
    } else {
      return fail("unexpected '" + w + "'");
    }
  }
  return tn;
}

std::string NativeTypeText(const TypeName& t, Dialect dialect) {
  std::string out;
  if (!t.schema.empty()) out += t.schema + ".";
  out += t.name;
  bool pg = dialect == Dialect::kPostgreSQL;
  if (pg && !t.interval_fields.empty()) out += " " + t.interval_fields;
  bool user_type = !t.schema.empty();
  if (!t.labels.empty() && !(pg && user_type)) {
    out += "(";
    for (size_t k = 0; k < t.labels.size(); ++k) {
      if (k) out += ",";
      out += type_text::QuoteLabel(t.labels[k]);
    }
    out += ")";
  } else if (!t.params.empty()) {
    out += "(";
    for (size_t k = 0; k < t.params.size(); ++k) {
      if (k) out += ",";
      out += std::to_string(t.params[k]);
    }
    out += ")";
  }
  if (t.is_unsigned) out += " unsigned";
  if (t.zerofill) out += " zerofill";
  if (t.with_time_zone.has_value() && pg) {
    out += *t.with_time_zone ? " with time zone" : " without time zone";
  }
  for (int d = 0; d < t.array_dims; ++d) out += "[]";
  if (!t.charset.empty() && !pg) out += " CHARACTER SET " + t.charset;
  if (!t.collation.empty()) {
    out += pg ? " COLLATE \"" + t.collation + "\"" : " COLLATE " + t.collation;
  }
  return out;
}

}  // namespace sluice
