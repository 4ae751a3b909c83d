// Text and bit interpretation for the PostgreSQL catalog reader.
//
// Type parameters come from typmod rather than from parsing format_type's
// text: numeric packs (precision << 16 | scale) + 4 (VARHDRSZ), character
// types add 4 to the length, bit types and datetime types store the number
// directly, interval keeps its precision in the low 16 bits (0xFFFF = none).

#include "dialects/postgresql/pg_catalog_text.h"

#include <regex>
#include <sstream>

namespace sluice {

namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\n");
  return s.substr(b, e - b + 1);
}

std::string UnescapeSingleQuoted(const std::string& inner) {
  std::string out;
  for (size_t i = 0; i < inner.size(); ++i) {
    out += inner[i];
    if (inner[i] == '\'' && i + 1 < inner.size() && inner[i + 1] == '\'') ++i;
  }
  return out;
}

// True when s[0] == '(' and its matching ')' is the last character.
bool WrappedInParens(const std::string& s) {
  if (s.size() < 2 || s.front() != '(' || s.back() != ')') return false;
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\'') in_string = false;
      continue;
    }
    if (c == '\'') in_string = true;
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0 && i + 1 != s.size()) return false;
  }
  return depth == 0;
}

}  // namespace

TypeName PgTypeName(const PgTypeInfo& info) {
  TypeName t;
  t.raw = info.raw;
  bool builtin = info.base_schema == "pg_catalog" &&
                 (info.base_typtype == "b" || info.base_typtype == "r" || info.base_typtype == "m" ||
                  info.base_typtype == "p");
  if (!builtin) {
    t.name = info.base_typname;
    t.schema = info.base_schema;
  } else {
    t.name = info.base_canonical;
    for (const char* base : {"timestamp", "time"}) {
      std::string b = base;
      if (t.name == b + " with time zone") {
        t.name = b;
        t.with_time_zone = true;
      } else if (t.name == b + " without time zone") {
        t.name = b;
        t.with_time_zone = false;
      }
    }
  }
  if (info.is_array) t.array_dims = info.ndims > 0 ? info.ndims : 1;
  int m = info.typmod;
  if (m >= 0 && builtin) {
    const std::string& n = info.base_typname;
    if (n == "numeric" && m >= 4) {
      int packed = m - 4;
      int scale = ((packed & 0x7ff) ^ 1024) - 1024;  // PostgreSQL 15 allows negative scales
      t.params = {(packed >> 16) & 0xffff, scale};
    } else if ((n == "varchar" || n == "bpchar") && m >= 4) {
      t.params = {m - 4};
    } else if (n == "bit" || n == "varbit" || n == "timestamp" || n == "timestamptz" || n == "time" ||
               n == "timetz") {
      t.params = {m};
    } else if (n == "interval") {
      if ((m & 0xffff) != 0xffff) t.params = {m & 0xffff};
    }
  }
  if (info.base_typname == "interval") {
    // format_type prints the field restriction: "interval day to second(3)".
    std::string rest = info.raw.size() > 8 && info.raw.rfind("interval", 0) == 0 ? info.raw.substr(8) : "";
    size_t cut = rest.find_first_of("([");
    t.interval_fields = Trim(rest.substr(0, cut));
  }
  return t;
}

ColumnDefault PgColumnDefault(const std::string& expr) {
  ColumnDefault d;
  if (expr.empty()) return d;
  static const std::regex kNull(R"(^NULL(::[^']+)?$)");
  if (std::regex_match(expr, kNull)) return d;
  d.raw = expr;
  static const std::regex kNextval(R"(^nextval\('((?:[^']|'')*)'::regclass\)$)");
  static const std::regex kString(R"(^'((?:[^']|'')*)'(::[^']+)?$)");
  static const std::regex kNumber(R"(^\(?-?\d+(\.\d+)?([eE][-+]?\d+)?\)?(::[a-z ]+)?$)");
  std::smatch m;
  if (std::regex_match(expr, m, kNextval)) {
    d.kind = DefaultKind::kSequence;
    d.value = UnescapeSingleQuoted(m[1].str());
  } else if (std::regex_match(expr, m, kString)) {
    d.kind = DefaultKind::kLiteral;
    d.value = UnescapeSingleQuoted(m[1].str());
  } else if (std::regex_match(expr, kNumber)) {
    d.kind = DefaultKind::kLiteral;
    std::string v = expr.substr(0, expr.find("::"));
    if (WrappedInParens(v)) v = v.substr(1, v.size() - 2);
    d.value = v;
  } else if (expr == "true" || expr == "false") {
    d.kind = DefaultKind::kLiteral;
    d.value = expr;
  } else {
    d.kind = DefaultKind::kExpression;
    d.value = expr;
  }
  return d;
}

std::string PgCheckExpression(const std::string& constraintdef) {
  std::string s = Trim(constraintdef);
  if (s.rfind("CHECK ", 0) == 0) s = s.substr(6);
  for (const char* suffix : {" NOT VALID", " NO INHERIT"}) {
    std::string suf = suffix;
    while (s.size() > suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0) {
      s = s.substr(0, s.size() - suf.size());
    }
  }
  s = Trim(s);
  if (WrappedInParens(s)) s = s.substr(1, s.size() - 2);
  return s;
}

std::pair<std::string, std::string> PgPartitionKey(const std::string& keydef) {
  size_t open = keydef.find('(');
  std::string method = Trim(keydef.substr(0, open));
  for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string expr = open == std::string::npos ? "" : Trim(keydef.substr(open));
  if (WrappedInParens(expr)) expr = expr.substr(1, expr.size() - 2);
  return {method, expr};
}

std::vector<int> ParsePgIntVector(const std::string& text) {
  std::vector<int> out;
  std::istringstream in(text);
  int v;
  while (in >> v) out.push_back(v);
  return out;
}

PgTriggerType DecodePgTriggerType(int tgtype) {
  PgTriggerType t;
  t.orientation = (tgtype & 1) ? "ROW" : "STATEMENT";
  t.timing = (tgtype & 64) ? "INSTEAD OF" : (tgtype & 2) ? "BEFORE" : "AFTER";
  if (tgtype & 4) t.events.push_back("INSERT");
  if (tgtype & 16) t.events.push_back("UPDATE");
  if (tgtype & 8) t.events.push_back("DELETE");
  if (tgtype & 32) t.events.push_back("TRUNCATE");
  return t;
}

}  // namespace sluice
