// Text interpretation for the MySQL-family catalog reader.
//
// COLUMN_TYPE is small and regular: a base name, an optional parenthesised
// list (numbers, or quoted labels for enum/set), then attribute words
// (unsigned, zerofill). Defaults follow the rules in the header. View
// references are found by a tiny scanner that walks backquoted identifiers
// and skips string literals, since MySQL and MariaDB store view bodies with
// every table written `schema`.`table`.

#include "dialects/mysql/mysql_catalog_text.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

namespace sluice {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// Reads a quoted literal starting at s[i] == quote; returns its value and
// moves i past the closing quote. Doubled quotes and backslash escapes both
// occur in what MySQL-family servers print.
std::string ReadQuoted(const std::string& s, size_t& i) {
  char quote = s[i++];
  std::string out;
  while (i < s.size()) {
    char c = s[i];
    if (c == quote) {
      if (i + 1 < s.size() && s[i + 1] == quote) {
        out += quote;
        i += 2;
        continue;
      }
      ++i;
      return out;
    }
    if (c == '\\' && quote != '`' && i + 1 < s.size()) {
      char n = s[i + 1];
      switch (n) {
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case '0': out += '\0'; break;
        case 'Z': out += '\x1a'; break;
        case 'b': out += '\b'; break;
        default: out += n; break;
      }
      i += 2;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

}  // namespace

TypeName MySqlTypeName(const std::string& data_type, const std::string& column_type) {
  TypeName t;
  t.raw = column_type;
  t.name = Lower(data_type);
  size_t open = column_type.find('(');
  size_t after = 0;
  if (open != std::string::npos) {
    size_t i = open + 1;
    if (t.name == "enum" || t.name == "set") {
      while (i < column_type.size() && column_type[i] != ')') {
        if (column_type[i] == '\'') {
          t.labels.push_back(ReadQuoted(column_type, i));
        } else {
          ++i;  // the comma between labels
        }
      }
      after = i + 1;
    } else {
      size_t close = column_type.find(')', open);
      if (close == std::string::npos) close = column_type.size();
      std::string inner = column_type.substr(open + 1, close - open - 1);
      size_t start = 0;
      while (start <= inner.size()) {
        size_t comma = inner.find(',', start);
        std::string part = Trim(inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (!part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
          t.params.push_back(std::stoll(part));
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      after = close + 1;
    }
  } else {
    after = column_type.find(' ');
    if (after == std::string::npos) after = column_type.size();
  }
  std::string rest = " " + Lower(after < column_type.size() ? column_type.substr(after) : "") + " ";
  t.is_unsigned = rest.find(" unsigned ") != std::string::npos;
  t.zerofill = rest.find(" zerofill ") != std::string::npos;
  return t;
}

std::string UnquoteMySqlLiteral(const std::string& text) {
  if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'') {
    size_t i = 0;
    return ReadQuoted(text, i);
  }
  return text;
}

ColumnDefault MySqlColumnDefault(const std::optional<std::string>& column_default, const std::string& extra,
                                 bool mariadb_quoting) {
  ColumnDefault d;
  if (!column_default) return d;
  const std::string& raw = *column_default;
  if (mariadb_quoting && raw == "NULL") return d;
  d.raw = raw;
  static const std::regex kNumber(R"(^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$)");
  static const std::regex kBitOrHex(R"(^([bBxX]'[0-9a-fA-F]*'|0x[0-9a-fA-F]+)$)");
  static const std::regex kCurrentTimestamp(R"(^(current_timestamp|now|localtime|localtimestamp)(\(\d*\))?$)",
                                            std::regex::icase);
  if (mariadb_quoting) {
    if (raw.size() >= 2 && raw.front() == '\'' && raw.back() == '\'') {
      d.kind = DefaultKind::kLiteral;
      d.value = UnquoteMySqlLiteral(raw);
    } else if (std::regex_match(raw, kNumber) || std::regex_match(raw, kBitOrHex)) {
      d.kind = DefaultKind::kLiteral;
      d.value = raw;
    } else {
      d.kind = DefaultKind::kExpression;
      d.value = raw;
    }
    return d;
  }
  d.value = raw;
  d.kind = ExtraHas(extra, "DEFAULT_GENERATED") || std::regex_match(raw, kCurrentTimestamp)
               ? DefaultKind::kExpression
               : DefaultKind::kLiteral;
  return d;
}

bool ExtraHas(const std::string& extra, const std::string& words) {
  std::string hay = " " + Lower(extra) + " ";
  return hay.find(" " + Lower(words) + " ") != std::string::npos;
}

std::string MySqlOnUpdate(const std::string& extra) {
  std::string lower = Lower(extra);
  size_t at = lower.find("on update ");
  if (at == std::string::npos) return "";
  size_t start = at + 10;
  size_t end = start;
  int depth = 0;
  while (end < extra.size() && (depth > 0 || !std::isspace(static_cast<unsigned char>(extra[end])))) {
    if (extra[end] == '(') ++depth;
    if (extra[end] == ')') --depth;
    ++end;
  }
  return extra.substr(start, end - start);
}

std::vector<std::pair<std::string, std::string>> MySqlQualifiedReferences(const std::string& sql) {
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::pair<std::string, std::string>> seen;
  std::optional<std::string> previous;  // the identifier just before a '.'
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      ReadQuoted(sql, i);
      previous.reset();
    } else if (c == '`') {
      std::string ident = ReadQuoted(sql, i);
      if (previous) {
        auto ref = std::make_pair(*previous, ident);
        if (seen.insert(ref).second) out.push_back(ref);
      }
      previous.reset();
      if (i < sql.size() && sql[i] == '.' && i + 1 < sql.size() && sql[i + 1] == '`') {
        previous = ident;
        ++i;
      }
    } else {
      previous.reset();
      ++i;
    }
  }
  return out;
}

std::vector<std::string> SplitMySqlIdentList(const std::string& text) {
  std::vector<std::string> out;
  size_t i = 0;
  std::string current;
  bool quoted = false;
  while (i < text.size()) {
    char c = text[i];
    if (c == '`') {
      current += ReadQuoted(text, i);
      quoted = true;
    } else if (c == ',') {
      out.push_back(quoted ? current : Trim(current));
      current.clear();
      quoted = false;
      ++i;
    } else {
      if (!std::isspace(static_cast<unsigned char>(c)) || !quoted) current += c;
      ++i;
    }
  }
  if (!current.empty() || quoted) out.push_back(quoted ? current : Trim(current));
  return out;
}

std::string MySqlPartitionBound(const std::string& method, bool columns_form,
                                const std::optional<std::string>& description) {
  if (!description) return "";
  if (method == "range") {
    if (*description == "MAXVALUE" && !columns_form) return "VALUES LESS THAN MAXVALUE";
    return "VALUES LESS THAN (" + *description + ")";
  }
  if (method == "list") return "VALUES IN (" + *description + ")";
  return "";
}

}  // namespace sluice
