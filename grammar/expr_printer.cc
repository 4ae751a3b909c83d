// How printing works.
//
// Printer walks the AST once. Each node prints to {text, level}, where level
// is the node's precedence in the TARGET family (translation_tables.h: higher
// binds tighter, kAtom for primaries); a parent asks for its operands at a
// minimum level and wraps them in parentheses below it. So parentheses follow
// the target's grammar, not the source's.
//
// Translation is decided per node from the node's source dialect and the
// target: same family prints the construct as written (modulo identifier
// quoting and the MySQL-family variant table); across families the function,
// operator and cast tables decide. Every lossy or unsupported step appends a
// message and raises the result's outcome (exact < lossy < unsupported).

#include "grammar/expr_printer.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "grammar/translation_tables.h"

namespace sluice {
namespace {

using tables::Family;
using tables::FamilyOf;
using tables::kAtom;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

const char* FamilyName(Family f) { return f == Family::kMySQL ? "MySQL" : "PostgreSQL"; }

// Precedence levels of the non-binary constructs, per family (see the level
// comment in translation_tables.cc).
struct Levels {
  int not_;
  int is;        // IS NULL / IS TRUE / IS DISTINCT
  int cmp;
  int pred;      // IN, BETWEEN, LIKE, REGEXP
  int unary;
  int collate;
  int at_tz;
  int subscript;
  int cast;
};
constexpr Levels kMyLevels{4, 6, 6, 7, 14, 15, 15, 16, kAtom};
constexpr Levels kPgLevels{3, 4, 5, 6, 13, 12, 11, 14, 15};

// EXTRACT fields that differ between the families.
struct ExtractRule {
  Family from;
  const char* field;
  const char* out;  // template with $1; nullptr unsupported
  Outcome outcome;
  const char* note;
};
const ExtractRule kExtractRules[] = {
    {Family::kPostgreSQL, "epoch", "UNIX_TIMESTAMP($1)", Outcome::kLossy,
     "MySQL UNIX_TIMESTAMP reads DATETIME values in the session time zone"},
    {Family::kPostgreSQL, "dow", "op:add DAYOFWEEK($1) - 1", Outcome::kExact, nullptr},
    {Family::kPostgreSQL, "doy", "DAYOFYEAR($1)", Outcome::kExact, nullptr},
    {Family::kPostgreSQL, "isodow", "op:add WEEKDAY($1) + 1", Outcome::kExact, nullptr},
    {Family::kPostgreSQL, "century", nullptr, Outcome::kUnsupported, "MySQL EXTRACT has no CENTURY"},
    {Family::kPostgreSQL, "decade", nullptr, Outcome::kUnsupported, "MySQL EXTRACT has no DECADE"},
    {Family::kPostgreSQL, "millennium", nullptr, Outcome::kUnsupported, "MySQL EXTRACT has no MILLENNIUM"},
    {Family::kPostgreSQL, "milliseconds", nullptr, Outcome::kUnsupported, "MySQL EXTRACT has no MILLISECONDS"},
    {Family::kPostgreSQL, "microseconds", nullptr, Outcome::kUnsupported,
     "PostgreSQL MICROSECONDS includes the seconds; MySQL MICROSECOND does not"},
    {Family::kPostgreSQL, "timezone", nullptr, Outcome::kUnsupported, "MySQL values carry no time zone"},
    {Family::kPostgreSQL, "julian", nullptr, Outcome::kUnsupported, "MySQL EXTRACT has no JULIAN"},
    {Family::kPostgreSQL, "isoyear", nullptr, Outcome::kUnsupported, "use YEARWEEK(x, 3) DIV 100"},
    {Family::kMySQL, "microsecond", "op:mul CAST(EXTRACT(MICROSECONDS FROM $1) AS integer) % 1000000", Outcome::kExact, nullptr},
    {Family::kMySQL, "week", "EXTRACT(WEEK FROM $1)", Outcome::kLossy,
     "MySQL EXTRACT(WEEK) uses week mode 0 (weeks start on Sunday); PostgreSQL uses ISO weeks"},
};

// PostgreSQL interval string units -> MySQL units.
struct IntervalUnitRow {
  const char* pg;     // singular and plural spellings are both accepted
  const char* mysql;
};
const IntervalUnitRow kIntervalUnits[] = {
    {"microsecond", "MICROSECOND"}, {"second", "SECOND"}, {"sec", "SECOND"}, {"minute", "MINUTE"},
    {"min", "MINUTE"}, {"hour", "HOUR"}, {"day", "DAY"}, {"week", "WEEK"}, {"month", "MONTH"},
    {"mon", "MONTH"}, {"year", "YEAR"},
};

// MySQL compound interval units -> PostgreSQL interval qualifiers.
struct CompoundUnitRow {
  const char* mysql;
  const char* pg;  // nullptr: unsupported
};
const CompoundUnitRow kCompoundUnits[] = {
    {"year_month", "YEAR TO MONTH"},  {"day_hour", "DAY TO HOUR"},
    {"day_minute", "DAY TO MINUTE"},  {"day_second", "DAY TO SECOND"},
    {"hour_minute", "HOUR TO MINUTE"}, {"hour_second", "HOUR TO SECOND"},
    {"minute_second", "MINUTE TO SECOND"}, {"second_microsecond", nullptr},
    {"minute_microsecond", nullptr}, {"hour_microsecond", nullptr}, {"day_microsecond", nullptr},
};

bool IsInteger(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsNumber(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.empty()) return false;
  bool digit = false, dot = false, exp = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') digit = true;
    else if (c == '.' && !dot && !exp) dot = true;
    else if ((c == 'e' || c == 'E') && digit && !exp) {
      exp = true;
      digit = false;
      if (i + 1 < s.size() && (s[i + 1] == '-' || s[i + 1] == '+')) ++i;
    } else return false;
  }
  return digit;
}

bool SimpleWord(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

struct Out {
  std::string text;
  int level = kAtom;
};

// Concatenation with left-to-right evaluation: the parts of a braced list are
// evaluated in order, unlike the operands of +, and printing has side effects
// (messages, parameter numbering) that must not depend on the compiler.
std::string Cat(std::initializer_list<std::string> parts) {
  std::string out;
  for (const auto& p : parts) out += p;
  return out;
}

class Printer {
 public:
  Printer(Dialect target, const PrintOptions& opts)
      : target_(target), tf_(FamilyOf(target)), opts_(opts),
        lv_(tf_ == Family::kMySQL ? kMyLevels : kPgLevels) {}

  void Note(Outcome o, std::string message) {
    if (o == Outcome::kExact) return;
    if (static_cast<int>(o) > static_cast<int>(outcome_)) outcome_ = o;
    if (std::find(messages_.begin(), messages_.end(), message) == messages_.end()) {
      messages_.push_back(std::move(message));
    }
  }

  PrintResult Result(std::string text) { return PrintResult{std::move(text), outcome_, messages_}; }

  // ------------------------------------------------------------ basics

  std::string Name(const Identifier& id, Dialect source) {
    // PostgreSQL folds unquoted names to lower case; quoting keeps that meaning.
    if (!id.quoted && source == Dialect::kPostgreSQL) return QuoteIdentifier(Lower(id.name), target_);
    return QuoteIdentifier(id.name, target_);
  }

  std::string Names(const std::vector<Identifier>& ids, Dialect source) {
    std::string out;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i > 0) out += '.';
      out += Name(ids[i], source);
    }
    return out;
  }

  std::string Str(std::string_view value) {
    auto q = QuoteString(value, target_);
    if (!q) {
      Note(Outcome::kUnsupported, "PostgreSQL strings cannot contain NUL bytes");
      return "''";
    }
    return *q;
  }

  std::string At(const Expr& e, int min_level) {
    ++depth_;
    Out o = Print(e);
    --depth_;
    if (o.level < min_level) return "(" + o.text + ")";
    return o.text;
  }

  std::string Args(const std::vector<ExprPtr>& args, size_t from = 0) {
    std::string out;
    for (size_t i = from; i < args.size(); ++i) {
      if (i > from) out += ", ";
      out += args[i] ? At(*args[i], 0) : "NULL";
    }
    return out;
  }

  // ------------------------------------------------------------ templates

  // Level of a template's result: "op:NAME " prefixes name the top operator
  // (the result is then wrapped by the parent like any operator); otherwise
  // the template is a call, CASE or keyword and counts as atomic.
  int TemplateLevel(std::string_view tmpl) {
    if (tmpl.substr(0, 3) != "op:") return kAtom;
    std::string_view name = tmpl.substr(3, tmpl.find(' ') - 3);
    if (name == "add") return tables::BinaryLevel(tf_, BinaryOp::kAdd);
    if (name == "mul") return tables::BinaryLevel(tf_, BinaryOp::kMul);
    if (name == "cmp") return lv_.cmp;
    if (name == "is") return lv_.is;
    if (name == "other") return tables::BinaryLevel(tf_, BinaryOp::kConcat);
    if (name == "atz") return lv_.at_tz;
    return 0;
  }

  // Expands a template: $n an argument as is, @n wrapped unless atomic,
  // <n at the template's own level (left operand), >n one above it (right
  // operand), $* every argument.
  Out ApplyTemplate(std::string_view tmpl, const Expr& e) {
    int level = TemplateLevel(tmpl);
    if (tmpl.substr(0, 3) == "op:") tmpl.remove_prefix(tmpl.find(' ') + 1);
    return {Apply(tmpl, e, level), level};
  }

  std::string Apply(std::string_view tmpl, const Expr& e, int level = kAtom) {
    std::string out;
    for (size_t i = 0; i < tmpl.size(); ++i) {
      char c = tmpl[i];
      if ((c == '<' || c == '>') && i + 1 < tmpl.size() && tmpl[i + 1] >= '1' && tmpl[i + 1] <= '9') {
        size_t idx = static_cast<size_t>(tmpl[i + 1] - '1');
        if (idx < e.args.size() && e.args[idx]) out += At(*e.args[idx], c == '<' ? level : level + 1);
        ++i;
        continue;
      }
      if ((c == '$' || c == '@') && i + 1 < tmpl.size()) {
        char n = tmpl[i + 1];
        if (n == '*') {
          out += Args(e.args);
          ++i;
          continue;
        }
        if (n >= '1' && n <= '9') {
          size_t idx = static_cast<size_t>(n - '1');
          if (idx < e.args.size() && e.args[idx]) out += At(*e.args[idx], c == '@' ? kAtom : 0);
          ++i;
          continue;
        }
      }
      out += c;
    }
    return out;
  }

  // Renames are written "name()": the call keeps its own argument list.
  static bool IsRename(std::string_view t) { return t.size() > 2 && t.substr(t.size() - 2) == "()"; }

  // ------------------------------------------------------------ expressions

  Out Print(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kLiteral: return Literal(e);
      case ExprKind::kParam: return Param(e);
      case ExprKind::kColumnRef: return {Names(e.name, e.source), kAtom};
      case ExprKind::kStar: return {e.name.empty() ? "*" : Names(e.name, e.source) + ".*", kAtom};
      case ExprKind::kFunction: return Function(e);
      case ExprKind::kCurrent: return Current(e.text, e.precision, e.parens, e.source);
      case ExprKind::kUnary: return Unary(e);
      case ExprKind::kBinary: return Binary(e);
      case ExprKind::kCast: return Cast(e);
      case ExprKind::kConvertUsing:
        if (tf_ == Family::kMySQL) {
          return {Cat({"CONVERT(", At(*e.args[0], 0), " USING ", CollationName(e.text), ")"}), kAtom};
        }
        Note(Outcome::kLossy, "CONVERT(x USING " + e.text +
                                  ") dropped: PostgreSQL text always has the database encoding");
        return Print(*e.args[0]);
      case ExprKind::kCase: return Case(e);
      case ExprKind::kInList: {
        std::string s = Cat({At(*e.args[0], lv_.pred + 1), e.negated ? " NOT IN (" : " IN (", Args(e.args, 1), ")"});
        return {s, lv_.pred};
      }
      case ExprKind::kInSubquery:
        return {Cat({At(*e.args[0], lv_.pred + 1), e.negated ? " NOT IN (" : " IN (", SelectText(*e.select), ")"}),
                lv_.pred};
      case ExprKind::kQuantified: return Quantified(e);
      case ExprKind::kBetween: {
        if (e.symmetric && tf_ == Family::kMySQL) {
          Note(Outcome::kUnsupported, "BETWEEN SYMMETRIC has no MySQL form; write (x BETWEEN a AND b OR x BETWEEN b AND a)");
        }
        std::string s = Cat({At(*e.args[0], lv_.pred + 1), e.negated ? " NOT BETWEEN " : " BETWEEN ",
                             e.symmetric && tf_ == Family::kPostgreSQL ? "SYMMETRIC " : "",
                             At(*e.args[1], lv_.pred + 1), " AND ", At(*e.args[2], lv_.pred + 1)});
        return {s, lv_.pred};
      }
      case ExprKind::kLike: return Like(e);
      case ExprKind::kRegex: return Regex(e);
      case ExprKind::kIsNull:
        return {At(*e.args[0], lv_.is + 1) + (e.negated ? " IS NOT NULL" : " IS NULL"), lv_.is};
      case ExprKind::kIsBool: {
        int level = tf_ == Family::kMySQL ? 5 : lv_.is;
        return {At(*e.args[0], level + 1) + (e.negated ? " IS NOT " : " IS ") + Upper(e.text), level};
      }
      case ExprKind::kIsDistinct: return IsDistinct(e);
      case ExprKind::kSubquery: return {"(" + SelectText(*e.select) + ")", kAtom};
      case ExprKind::kExists: return {"EXISTS (" + SelectText(*e.select) + ")", kAtom};
      case ExprKind::kArray:
        if (tf_ == Family::kMySQL) Note(Outcome::kUnsupported, "the MySQL family has no arrays; store them as JSON (JSON_ARRAY)");
        if (e.select) return {"ARRAY(" + SelectText(*e.select) + ")", kAtom};
        return {"ARRAY[" + Args(e.args) + "]", kAtom};
      case ExprKind::kRow:
        if (e.args.size() == 1) return {"ROW(" + Args(e.args) + ")", kAtom};
        return {"(" + Args(e.args) + ")", kAtom};
      case ExprKind::kSubscript: {
        if (tf_ == Family::kMySQL) Note(Outcome::kUnsupported, "the MySQL family has no array subscripts");
        std::string s = At(*e.args[0], lv_.subscript);
        s += "[" + (e.args[1] ? At(*e.args[1], 0) : "");
        if (e.slice) s += ":" + (e.args.size() > 2 && e.args[2] ? At(*e.args[2], 0) : std::string());
        return {s + "]", lv_.subscript};
      }
      case ExprKind::kInterval: return Interval(e);
      case ExprKind::kCollate: {
        if (FamilyOf(e.source) != tf_) {
          Note(Outcome::kUnsupported, "collation '" + e.text + "' is " + FamilyName(FamilyOf(e.source)) +
                                          "-specific; map the collation to a " + FamilyName(tf_) + " one first");
        }
        return {Cat({At(*e.args[0], lv_.collate), " COLLATE ", CollationName(e.text)}), lv_.collate};
      }
      case ExprKind::kAtTimeZone:
        if (tf_ == Family::kMySQL) {
          Note(Outcome::kUnsupported, "AT TIME ZONE has no MySQL form; use CONVERT_TZ(ts, from_zone, to_zone)");
        }
        return {Cat({At(*e.args[0], lv_.at_tz + 1), " AT TIME ZONE ", At(*e.args[1], lv_.at_tz + 1)}), lv_.at_tz};
    }
    return {"?", kAtom};
  }

  std::string CollationName(const std::string& name) {
    if (tf_ == Family::kMySQL && SimpleWord(Lower(name))) return name;
    return QuoteIdentifier(name, target_);
  }

  Out Literal(const Expr& e) {
    Family sf = FamilyOf(e.source);
    switch (e.literal_kind) {
      case LiteralKind::kNull: return {"NULL", kAtom};
      case LiteralKind::kBool:
        if (opts_.booleans_as_integers && tf_ == Family::kMySQL) return {e.text == "true" ? "1" : "0", kAtom};
        return {e.text == "true" ? "TRUE" : "FALSE", kAtom};
      case LiteralKind::kInteger:
        if (opts_.integers_as_booleans && depth_ == 1 && (e.text == "0" || e.text == "1")) {
          return {e.text == "1" ? "TRUE" : "FALSE", kAtom};
        }
        return {e.text, kAtom};
      case LiteralKind::kDecimal:
      case LiteralKind::kFloat: return {e.text, kAtom};
      case LiteralKind::kString: {
        if (tf_ == Family::kMySQL) {
          if (e.introducer == "N") return {"N" + Str(e.text), kAtom};
          if (!e.introducer.empty() && sf == Family::kMySQL) return {"_" + e.introducer + Str(e.text), kAtom};
          return {Str(e.text), kAtom};
        }
        if (e.introducer == "binary") {
          Note(Outcome::kLossy, "_binary string printed as text");
        }
        return {Str(e.text), kAtom};
      }
      case LiteralKind::kHexString:
        if (tf_ == Family::kMySQL) {
          std::string intro = e.introducer.empty() ? "" : "_" + e.introducer;
          return {intro + (e.hex_number ? "0x" + e.text : "X'" + e.text + "'"), kAtom};
        }
        Note(Outcome::kLossy, "MySQL hex literal printed as bytea; use a number or a string if the column is not binary");
        return {"'\\x" + e.text + "'::bytea", lv_.cast};
      case LiteralKind::kBitString:
        if (tf_ == Family::kMySQL) {
          if (sf == Family::kPostgreSQL) Note(Outcome::kLossy, "PostgreSQL bit string printed as a MySQL bit-value literal");
          return {e.hex_number ? "0b" + e.text : "b'" + e.text + "'", kAtom};
        }
        if (sf == Family::kMySQL) Note(Outcome::kLossy, "MySQL bit-value literal printed as a PostgreSQL bit string");
        return {"B'" + e.text + "'", kAtom};
      case LiteralKind::kDate: return {"DATE " + Str(e.text), kAtom};
      case LiteralKind::kTime: return {"TIME " + Str(e.text), kAtom};
      case LiteralKind::kTimestamp: return {"TIMESTAMP " + Str(e.text), kAtom};
    }
    return {"NULL", kAtom};
  }

  Out Param(const Expr& e) {
    ++param_count_;
    if (tf_ == Family::kPostgreSQL) {
      if (e.text == "?") return {"$" + std::to_string(param_count_), kAtom};
      return {e.text, kAtom};
    }
    if (e.text != "?" && e.text != "$" + std::to_string(param_count_)) {
      Note(Outcome::kUnsupported, "parameter " + e.text + " is out of order; MySQL '?' placeholders are positional");
    }
    return {"?", kAtom};
  }

  Out Current(const std::string& which, std::optional<int> precision, bool parens, Dialect source) {
    Family sf = FamilyOf(source);
    std::string kw = which;
    bool timestamp_like = kw == "current_timestamp" || kw == "localtimestamp";
    if (tf_ == Family::kMySQL) {
      if (sf == Family::kPostgreSQL && kw == "current_time") {
        Note(Outcome::kLossy, "PostgreSQL CURRENT_TIME carries a time zone; MySQL's does not");
      }
      if (!precision && timestamp_like) precision = opts_.current_timestamp_precision;
      if (target_ == Dialect::kMariaDB && kw != "current_date") {
        return {kw + "(" + (precision ? std::to_string(*precision) : "") + ")", kAtom};
      }
      std::string out = Upper(kw);
      if (precision) out += "(" + std::to_string(*precision) + ")";
      else if (parens && sf == Family::kMySQL) out += "()";
      return {out, kAtom};
    }
    if (sf == Family::kMySQL && kw == "current_time") kw = "localtime";
    std::string out = Upper(kw);
    if (precision && kw != "current_date") out += "(" + std::to_string(*precision) + ")";
    return {out, kAtom};
  }

  Out Unary(const Expr& e) {
    const Expr& x = *e.args[0];
    switch (e.unary_op) {
      case UnaryOp::kNot: return {"NOT " + At(x, lv_.not_), lv_.not_};
      case UnaryOp::kBinary:
        if (tf_ == Family::kPostgreSQL) {
          Note(Outcome::kUnsupported, "MySQL BINARY x (byte-wise comparison) has no PostgreSQL operator; use COLLATE \"C\"");
        }
        return {"BINARY " + At(x, lv_.unary), lv_.unary};
      default: {
        std::string op = e.unary_op == UnaryOp::kNegate ? "-" : e.unary_op == UnaryOp::kPlus ? "+" : "~";
        std::string t = At(x, lv_.unary);
        if (!t.empty() && (t[0] == '-' || t[0] == '+' || t[0] == '~')) t = "(" + t + ")";
        return {op + t, lv_.unary};
      }
    }
  }

  Out Binary(const Expr& e) {
    Family sf = FamilyOf(e.source);
    const auto& rule = tables::OperatorRuleFor(e.binary_op);
    if (sf != tf_) {
      Outcome o = tf_ == Family::kMySQL ? rule.to_mysql : rule.to_postgresql;
      const char* note = tf_ == Family::kMySQL ? rule.to_mysql_note : rule.to_postgresql_note;
      if (note) Note(o, note);
    }
    // PostgreSQL a || b || c printed for MySQL: one CONCAT with every operand.
    if (e.binary_op == BinaryOp::kConcat && tf_ == Family::kMySQL) {
      std::vector<const Expr*> parts;
      Flatten(e, &parts);
      std::string out = "CONCAT(";
      for (size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) out += ", ";
        out += At(*parts[i], 0);
      }
      return {out + ")", kAtom};
    }
    std::string spelling = tf_ == Family::kMySQL ? rule.mysql : rule.postgresql;
    if (spelling.find('1') != std::string::npos) return ApplyTemplate(spelling, e);
    int level = tables::BinaryLevel(tf_, e.binary_op);
    bool comparison = level == lv_.cmp && e.binary_op != BinaryOp::kAnd && e.binary_op != BinaryOp::kOr;
    // PostgreSQL comparisons do not associate: parenthesise a comparison on the left too.
    int left_min = comparison && tf_ == Family::kPostgreSQL ? level + 1 : level;
    return {Cat({At(*e.args[0], left_min), " ", spelling, " ", At(*e.args[1], level + 1)}), level};
  }

  void Flatten(const Expr& e, std::vector<const Expr*>* out) {
    // Iterative on the left spine (chains can be long).
    std::vector<const Expr*> rights;
    const Expr* cur = &e;
    while (cur->kind == ExprKind::kBinary && cur->binary_op == BinaryOp::kConcat) {
      rights.push_back(cur->args[1].get());
      cur = cur->args[0].get();
    }
    out->push_back(cur);
    for (auto it = rights.rbegin(); it != rights.rend(); ++it) out->push_back(*it);
  }

  Out Case(const Expr& e) {
    std::string s = "CASE";
    if (e.operand) s += " " + At(*e.operand, 0);
    for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
      s += Cat({" WHEN ", At(*e.args[i], 0), " THEN ", At(*e.args[i + 1], 0)});
    }
    if (e.else_expr) s += " ELSE " + At(*e.else_expr, 0);
    return {s + " END", kAtom};
  }

  Out Quantified(const Expr& e) {
    const auto& rule = tables::OperatorRuleFor(e.binary_op);
    std::string op = tf_ == Family::kMySQL ? rule.mysql : rule.postgresql;
    std::string q = e.text == "all" ? "ALL" : "ANY";
    if (e.select) {
      return {Cat({At(*e.args[0], lv_.cmp + 1), " ", op, " ", q, " (", SelectText(*e.select), ")"}), lv_.cmp};
    }
    const Expr& rhs = *e.args[1];
    if (tf_ == Family::kMySQL) {
      bool in = e.binary_op == BinaryOp::kEq && q == "ANY";
      bool not_in = e.binary_op == BinaryOp::kNe && q == "ALL";
      if (rhs.kind == ExprKind::kArray && !rhs.select && !rhs.args.empty() && (in || not_in)) {
        return {Cat({At(*e.args[0], lv_.pred + 1), in ? " IN (" : " NOT IN (", Args(rhs.args), ")"}), lv_.pred};
      }
      Note(Outcome::kUnsupported, "op ANY/ALL (array) has no MySQL form; only = ANY(ARRAY[...]) and <> ALL(ARRAY[...]) are rewritten to IN lists");
    }
    return {Cat({At(*e.args[0], lv_.cmp + 1), " ", op, " ", q, " (", At(rhs, 0), ")"}), lv_.cmp};
  }

  Out Like(const Expr& e) {
    std::string op;
    if (e.similar) {
      if (tf_ == Family::kMySQL) Note(Outcome::kUnsupported, "SIMILAR TO has no MySQL form; rewrite it with REGEXP");
      op = e.negated ? " NOT SIMILAR TO " : " SIMILAR TO ";
    } else if (e.case_insensitive && tf_ == Family::kMySQL) {
      Note(Outcome::kLossy,
           "ILIKE printed as LIKE: case-insensitivity then depends on the column collation (_ci collations ignore case); "
           "compare LOWER(x) LIKE LOWER(pattern) if the collation is case-sensitive");
      op = e.negated ? " NOT LIKE " : " LIKE ";
    } else {
      op = std::string(e.negated ? " NOT " : " ") + (e.case_insensitive ? "ILIKE " : "LIKE ");
    }
    std::string s = Cat({At(*e.args[0], lv_.pred + 1), op, At(*e.args[1], lv_.pred + 1)});
    if (e.args.size() > 2) s += " ESCAPE " + At(*e.args[2], lv_.pred + 1);
    return {s, lv_.pred};
  }

  Out Regex(const Expr& e) {
    Family sf = FamilyOf(e.source);
    std::string op;
    if (tf_ == Family::kMySQL) {
      if (sf == Family::kPostgreSQL) {
        Note(Outcome::kLossy,
             "PostgreSQL regular expression printed as REGEXP: the syntax differs (POSIX ARE vs ICU in MySQL 8, PCRE in "
             "MariaDB) and case sensitivity follows the column collation");
      }
      op = e.negated ? " NOT REGEXP " : " REGEXP ";
    } else {
      if (sf == Family::kMySQL) {
        Note(Outcome::kLossy,
             "MySQL REGEXP printed as ~: the regular-expression syntax differs and MySQL ignores case under _ci "
             "collations (use ~* for that)");
      }
      op = std::string(" ") + (e.negated ? "!~" : "~") + (e.case_insensitive ? "* " : " ");
    }
    int level = tf_ == Family::kMySQL ? lv_.pred : 7;
    return {Cat({At(*e.args[0], level + 1), op, At(*e.args[1], level + 1)}), level};
  }

  Out IsDistinct(const Expr& e) {
    if (tf_ == Family::kMySQL) {
      std::string s = Cat({At(*e.args[0], lv_.cmp), " <=> ", At(*e.args[1], lv_.cmp + 1)});
      if (e.negated) return {s, lv_.cmp};
      return {"NOT " + s, lv_.not_};  // <=> binds tighter than NOT
    }
    return {Cat({At(*e.args[0], lv_.is + 1), e.negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ",
                 At(*e.args[1], lv_.is + 1)}),
            lv_.is};
  }

  Out Interval(const Expr& e) {
    Family sf = FamilyOf(e.source);
    const Expr& v = *e.args[0];
    if (sf == tf_) {
      if (tf_ == Family::kMySQL) return {"INTERVAL " + At(v, kAtom) + " " + Upper(e.text), kAtom};
      std::string s = "INTERVAL " + At(v, kAtom);
      if (!e.text.empty()) s += " " + Upper(e.text);
      if (e.precision) s += "(" + std::to_string(*e.precision) + ")";
      return {s, kAtom};
    }
    if (tf_ == Family::kMySQL) {
      // PostgreSQL: INTERVAL 'n unit' or INTERVAL 'n' UNIT.
      std::string value = v.kind == ExprKind::kLiteral ? v.text : "";
      std::string unit = e.text;
      std::string number;
      if (unit.empty()) {
        std::string s = Lower(value);
        size_t sp = s.find_first_not_of(" \t");
        s = sp == std::string::npos ? "" : s.substr(sp);
        size_t end = s.find(' ');
        if (end != std::string::npos) {
          number = s.substr(0, end);
          size_t unit_at = s.find_first_not_of(' ', end);  // npos: only spaces after the number
          unit = unit_at == std::string::npos ? "" : s.substr(unit_at);
          while (!unit.empty() && unit.back() == ' ') unit.pop_back();
          if (unit.size() > 1 && unit.back() == 's') unit.pop_back();
        }
      } else if (unit.find(' ') == std::string::npos) {
        number = value;
      }
      for (const auto& row : kIntervalUnits) {
        if (IsInteger(number) && unit == row.pg) return {"INTERVAL " + number + " " + row.mysql, kAtom};
      }
      Note(Outcome::kUnsupported, "interval '" + value + "'" + (e.text.empty() ? "" : " " + Upper(e.text)) +
                                      " has no single-unit MySQL form; write INTERVAL n UNIT");
      return {"INTERVAL " + Str(value) + (e.text.empty() ? "" : " " + Upper(e.text)), kAtom};
    }
    // MySQL -> PostgreSQL.
    std::string unit = Lower(e.text);
    for (const auto& row : kCompoundUnits) {
      if (unit == row.mysql) {
        if (!row.pg || v.kind != ExprKind::kLiteral || v.literal_kind != LiteralKind::kString) {
          Note(Outcome::kUnsupported, "INTERVAL ... " + Upper(unit) + " has no PostgreSQL form; write INTERVAL '...' with units");
          return {"INTERVAL " + At(v, kAtom) + " " + Upper(unit), kAtom};
        }
        return {"INTERVAL " + Str(v.text) + " " + row.pg, kAtom};
      }
    }
    int factor = 1;
    if (unit == "quarter") unit = "month", factor = 3;
    std::optional<std::string> number;
    if (v.kind == ExprKind::kLiteral && (v.literal_kind == LiteralKind::kInteger ||
                                         (v.literal_kind == LiteralKind::kString && IsInteger(v.text)))) {
      number = v.text;
    } else if (v.kind == ExprKind::kUnary && v.unary_op == UnaryOp::kNegate && v.args[0]->kind == ExprKind::kLiteral &&
               v.args[0]->literal_kind == LiteralKind::kInteger) {
      number = "-" + v.args[0]->text;
    }
    if (number && factor == 1) return {"INTERVAL " + Str(*number + " " + unit), kAtom};
    if (number && number->size() < 10) {
      return {"INTERVAL " + Str(std::to_string(std::stol(*number) * factor) + " " + unit), kAtom};
    }
    std::string one = "INTERVAL " + Str(std::to_string(factor) + " " + unit);
    return {At(v, 9 + 1) + " * " + one, 9};
  }

  // ------------------------------------------------------------ casts

  std::string TypeArgs(const char* tmpl, const TypeName& t) {
    std::string out;
    std::string_view s(tmpl);
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '$') {
        if (s.substr(i, 3) == "$ps") {
          if (!t.params.empty()) {
            out += "(" + std::to_string(t.params[0]);
            if (t.params.size() > 1) out += "," + std::to_string(t.params[1]);
            out += ")";
          } else if (tf_ == Family::kMySQL) {
            out += "(65,30)";
            Note(Outcome::kLossy, "numeric without precision cast as DECIMAL(65,30) (MySQL's largest)");
          }
          i += 2;
          continue;
        }
        if (s.substr(i, 2) == "$n" || s.substr(i, 2) == "$p") {
          if (!t.params.empty()) out += "(" + std::to_string(t.params[0]) + ")";
          i += 1;
          continue;
        }
      }
      out += s[i];
    }
    return out;
  }

  Out Cast(const Expr& e) {
    Family sf = FamilyOf(e.source);
    const Expr& x = *e.args[0];
    std::string type_text;
    if (opts_.map_cast_type) {
      TypeMapping m = opts_.map_cast_type(e.type, target_);
      if (!m.message.empty()) Note(m.outcome, m.message);
      else if (m.outcome != Outcome::kExact) Note(m.outcome, "cast to " + e.type.raw + " changed");
      type_text = m.text;
    } else if (sf == tf_) {
      PrintResult r = PrintTypeName(e.type, target_);
      for (auto& msg : r.messages) Note(r.outcome, msg);
      type_text = r.text;
    } else {
      const tables::CastRule* rule = nullptr;
      for (const auto& r : tables::CastRules()) {
        if (r.from == sf && e.type.name == r.type && e.type.schema.empty()) {
          rule = &r;
          break;
        }
      }
      bool string_arg = x.kind == ExprKind::kLiteral && x.literal_kind == LiteralKind::kString;
      bool user_type = rule == nullptr && (sf == Family::kPostgreSQL);
      // 'x'::character varying, '0'::numeric, 'a'::mood (an enum): the literal alone.
      if (string_arg && e.type.array_dims == 0) {
        tables::Fold fold = rule ? rule->fold : (user_type ? tables::Fold::kString : tables::Fold::kNone);
        if (fold == tables::Fold::kString || fold == tables::Fold::kTemporal) return Print(x);
        if (fold == tables::Fold::kNumber && IsNumber(x.text)) return {x.text, x.text[0] == '-' ? lv_.unary : kAtom};
      }
      if (e.type.array_dims > 0) {
        Note(Outcome::kUnsupported, "cast to an array type has no " + std::string(FamilyName(tf_)) + " form");
        type_text = e.type.raw;
      } else if (rule == nullptr || rule->out == nullptr) {
        std::string why = rule && rule->note ? rule->note : "no " + std::string(FamilyName(tf_)) + " cast target for type '" + e.type.raw + "'";
        Note(Outcome::kUnsupported, "cast to " + e.type.raw + ": " + why);
        type_text = e.type.raw;
      } else {
        if (rule->note) Note(rule->outcome, "cast to " + e.type.raw + ": " + rule->note);
        if (e.type.with_time_zone.value_or(false) && tf_ == Family::kMySQL) {
          Note(Outcome::kLossy, "cast to " + e.type.raw + ": the MySQL family has no time zone in temporal values; the zone is dropped");
        }
        type_text = TypeArgs(rule->out, e.type);
      }
    }
    if (tf_ == Family::kPostgreSQL && sf == tf_ && e.cast_syntax == CastSyntax::kColons) {
      return {At(x, lv_.cast) + "::" + type_text, lv_.cast};
    }
    if (tf_ == Family::kMySQL && sf == tf_ && e.cast_syntax == CastSyntax::kConvert) {
      return {"CONVERT(" + At(x, 0) + ", " + type_text + ")", kAtom};
    }
    return {"CAST(" + At(x, 0) + " AS " + type_text + ")", kAtom};
  }

  // ------------------------------------------------------------ functions

  std::string FunctionNameText(const Expr& e) {
    std::string out;
    for (size_t i = 0; i < e.name.size(); ++i) {
      if (i > 0) out += '.';
      out += e.name[i].quoted ? Name(e.name[i], e.source) : e.name[i].name;
    }
    return out;
  }

  // name(args) with DISTINCT, ORDER BY, SEPARATOR, FILTER and OVER as parsed.
  std::string Call(const Expr& e, const std::string& name) {
    std::string s = name + "(";
    if (e.star) {
      s += "*";
    } else {
      if (e.distinct) s += "DISTINCT ";
      for (size_t i = 0; i < e.args.size(); ++i) {
        if (i > 0) s += ", ";
        if (i < e.arg_names.size() && !e.arg_names[i].empty()) s += e.arg_names[i] + " => ";
        s += At(*e.args[i], 0);
      }
      if (!e.order_by.empty()) s += " ORDER BY " + OrderList(e.order_by, e.source);
      if (e.separator) s += " SEPARATOR " + Str(*e.separator);
    }
    s += ")";
    if (!e.within_group.empty()) {
      if (tf_ == Family::kMySQL) Note(Outcome::kUnsupported, "WITHIN GROUP has no MySQL form");
      s += " WITHIN GROUP (ORDER BY " + OrderList(e.within_group, e.source) + ")";
    }
    if (e.filter) {
      if (tf_ == Family::kMySQL) {
        Note(Outcome::kUnsupported, "FILTER (WHERE ...) has no MySQL form; move the condition into CASE WHEN inside the aggregate");
      }
      s += " FILTER (WHERE " + At(*e.filter, 0) + ")";
    }
    if (e.over) s += " OVER " + Window(*e.over, e.source);
    return s;
  }

  std::string Window(const WindowSpec& w, Dialect source) {
    if (w.partition_by.empty() && w.order_by.empty() && w.frame.empty()) {
      if (!w.ref_name.empty()) return QuoteIdentifier(w.ref_name, target_);
      return "()";
    }
    std::vector<std::string> parts;
    if (!w.ref_name.empty()) parts.push_back(QuoteIdentifier(w.ref_name, target_));
    if (!w.partition_by.empty()) parts.push_back("PARTITION BY " + Args(w.partition_by));
    if (!w.order_by.empty()) parts.push_back("ORDER BY " + OrderList(w.order_by, source));
    if (!w.frame.empty()) {
      if (FamilyOf(source) != tf_) Note(Outcome::kLossy, "window frame copied as written: " + w.frame);
      parts.push_back(w.frame);
    }
    std::string s = "(";
    for (size_t i = 0; i < parts.size(); ++i) s += (i ? " " : "") + parts[i];
    return s + ")";
  }

  Out Function(const Expr& e) {
    Family sf = FamilyOf(e.source);
    std::string fname = e.FunctionName();
    bool qualified = e.name.size() > 1;
    switch (e.syntax) {
      case FunctionSyntax::kExtract: {
        if (sf != tf_) {
          for (const auto& r : kExtractRules) {
            if (r.from == sf && e.text == r.field) {
              if (r.note) Note(r.outcome, std::string("EXTRACT(") + Upper(e.text) + "): " + r.note);
              if (r.out) return ApplyTemplate(r.out, e);
              break;
            }
          }
          if (sf == Family::kMySQL && e.text.find('_') != std::string::npos) {
            Note(Outcome::kUnsupported, "EXTRACT(" + Upper(e.text) + ") has no PostgreSQL form; extract each field separately");
          }
        }
        return {"EXTRACT(" + Upper(e.text) + " FROM " + At(*e.args[0], 0) + ")", kAtom};
      }
      case FunctionSyntax::kSubstringFrom: {
        std::string s = Cat({"SUBSTRING(", At(*e.args[0], 0), " FROM ", At(*e.args[1], 0)});
        if (e.args.size() > 2) s += " FOR " + At(*e.args[2], 0);
        return {s + ")", kAtom};
      }
      case FunctionSyntax::kTrim: {
        std::string s = "TRIM(";
        if (!e.text.empty()) s += Upper(e.text) + " ";
        if (e.args.size() > 1) s += At(*e.args[1], 0) + " ";
        return {s + "FROM " + At(*e.args[0], 0) + ")", kAtom};
      }
      case FunctionSyntax::kPosition:
        return {Cat({"POSITION(", At(*e.args[0], lv_.pred + 1), " IN ", At(*e.args[1], 0), ")"}), kAtom};
      case FunctionSyntax::kPlain: break;
    }
    int n = static_cast<int>(e.args.size());
    if (sf == tf_) {
      if (tf_ == Family::kMySQL && !qualified) {
        for (const auto& r : tables::VariantRules()) {
          if (r.target == target_ && fname == r.name) {
            if (r.note) Note(r.outcome, Upper(fname) + "(): " + r.note);
            if (r.out) return {Call(e, r.out), kAtom};
            return {Call(e, FunctionNameText(e)), kAtom};
          }
        }
      }
      return {Call(e, FunctionNameText(e)), kAtom};
    }
    if (!qualified || (sf == Family::kPostgreSQL && Lower(e.name[0].name) == "pg_catalog")) {
      if (sf == Family::kMySQL && fname == "group_concat" && n == 1 && !e.star) return GroupConcat(e);
      for (const auto& r : tables::FunctionRules()) {
        if (r.from != sf || fname != r.name || n < r.min_args || (r.max_args >= 0 && n > r.max_args)) continue;
        std::string what = std::string(FamilyName(sf)) + " " + fname + "()";
        if (r.out == nullptr) {
          Note(Outcome::kUnsupported, what + ": " + (r.note ? r.note : "no equivalent"));
          return {Call(e, FunctionNameText(e)), kAtom};
        }
        if (r.note) Note(r.outcome, what + ": " + r.note);
        if (std::string_view(r.out) == "CURRENT_TIMESTAMP") return Current("current_timestamp", std::nullopt, false, e.source);
        if (IsRename(r.out)) {
          std::string_view out(r.out);
          return {Call(e, std::string(out.substr(0, out.size() - 2))), kAtom};
        }
        if (e.distinct || !e.order_by.empty() || e.filter || e.over || e.star) {
          Note(Outcome::kUnsupported, what + " with DISTINCT, ORDER BY, FILTER or OVER cannot be rewritten");
        }
        return ApplyTemplate(r.out, e);
      }
      for (const char* shared : tables::SharedFunctions()) {
        if (fname == shared) return {Call(e, FunctionNameText(e)), kAtom};
      }
    }
    Note(Outcome::kUnsupported, "no known " + std::string(FamilyName(tf_)) + " equivalent for " + FamilyName(sf) +
                                    " function " + FunctionNameText(e) +
                                    "(); rewrite the expression for the target or override it in the plan");
    return {Call(e, FunctionNameText(e)), kAtom};
  }

  // GROUP_CONCAT(x [ORDER BY ..] [SEPARATOR s]) -> string_agg(CAST(x AS text), s [ORDER BY ..]).
  Out GroupConcat(const Expr& e) {
    Note(Outcome::kLossy,
         "GROUP_CONCAT printed as string_agg: MySQL truncates the result at group_concat_max_len (1024 bytes by default)");
    std::string s = "string_agg(";
    if (e.distinct) s += "DISTINCT ";
    s += Cat({"CAST(", At(*e.args[0], 0), " AS text), ", Str(e.separator.value_or(","))});
    if (!e.order_by.empty()) s += " ORDER BY " + OrderList(e.order_by, e.source);
    s += ")";
    if (e.over) s += " OVER " + Window(*e.over, e.source);
    return {s, kAtom};
  }

  // ------------------------------------------------------------ SELECT

  std::string OrderList(const std::vector<OrderItem>& items, Dialect source) {
    Family sf = FamilyOf(source);
    std::string s;
    for (size_t i = 0; i < items.size(); ++i) {
      const OrderItem& o = items[i];
      if (i > 0) s += ", ";
      bool desc = o.descending.value_or(false);
      // Where NULLs sort: PostgreSQL treats NULL as larger than any value,
      // MySQL as smaller. Keep the source's order explicitly when it differs.
      bool nulls_first = o.nulls_first.value_or(sf == Family::kPostgreSQL ? desc : !desc);
      std::string x = At(*o.expr, 0);
      if (tf_ == Family::kMySQL) {
        Out atom = Print(*o.expr);
        std::string lhs = atom.level > lv_.is ? atom.text : "(" + atom.text + ")";
        if (nulls_first != !desc) s += lhs + (nulls_first ? " IS NULL DESC, " : " IS NULL, ");
        s += x + (o.descending ? (desc ? " DESC" : " ASC") : "");
      } else {
        s += x + (o.descending ? (desc ? " DESC" : " ASC") : "");
        if (o.nulls_first.has_value() || nulls_first != desc) s += nulls_first ? " NULLS FIRST" : " NULLS LAST";
      }
    }
    return s;
  }

  std::string Table(const TableRef& t, Dialect source) {
    switch (t.kind) {
      case TableRef::Kind::kTable: {
        std::string s = Names(t.name, source);
        if (t.alias) s += " AS " + Name(*t.alias, source);
        return s;
      }
      case TableRef::Kind::kDerived: {
        std::string s = std::string(t.lateral ? "LATERAL " : "") + "(" + SelectText(*t.subquery) + ")";
        if (t.alias) s += " AS " + Name(*t.alias, source);
        if (!t.column_aliases.empty()) s += " (" + Names(t.column_aliases, source, ", ") + ")";
        return s;
      }
      case TableRef::Kind::kJoin: {
        std::string left = Table(*t.left, source);
        std::string right = Table(*t.right, source);
        if (t.right->kind == TableRef::Kind::kJoin) right = "(" + right + ")";
        std::string kind;
        switch (t.join_type) {
          case JoinType::kInner: kind = "JOIN"; break;
          case JoinType::kLeft: kind = "LEFT JOIN"; break;
          case JoinType::kRight: kind = "RIGHT JOIN"; break;
          case JoinType::kFull:
            kind = "FULL JOIN";
            if (tf_ == Family::kMySQL) Note(Outcome::kUnsupported, "FULL JOIN has no MySQL form; use a UNION of LEFT and RIGHT joins");
            break;
          case JoinType::kCross: kind = "CROSS JOIN"; break;
        }
        std::string s = left + " " + (t.natural ? "NATURAL " : "") + kind + " " + right;
        if (t.on) s += " ON " + At(*t.on, 0);
        if (!t.using_columns.empty()) s += " USING (" + Names(t.using_columns, source, ", ") + ")";
        return s;
      }
    }
    return "";
  }

  std::string Names(const std::vector<Identifier>& ids, Dialect source, const char* sep) {
    std::string out;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i > 0) out += sep;
      out += Name(ids[i], source);
    }
    return out;
  }

  static int SetLevel(const Select& s) {
    if (s.kind != Select::Kind::kSetOp) return 3;
    return s.set_op == SetOp::kIntersect ? 2 : 1;
  }

  std::string SetChild(const Select& child, int parent_level, bool right) {
    std::string t = SelectText(child);
    bool tail = !child.order_by.empty() || child.limit || child.offset || !child.with.empty();
    int level = SetLevel(child);
    if (tail || level < parent_level || (right && level == parent_level)) return "(" + t + ")";
    return t;
  }

  std::string SelectText(const Select& s) {
    ++depth_;
    std::string out;
    if (!s.with.empty()) {
      out += s.recursive ? "WITH RECURSIVE " : "WITH ";
      for (size_t i = 0; i < s.with.size(); ++i) {
        const Cte& c = s.with[i];
        if (i > 0) out += ", ";
        out += Name(c.name, s.source);
        if (!c.columns.empty()) out += " (" + Names(c.columns, s.source, ", ") + ")";
        out += " AS (" + SelectText(*c.query) + ")";
      }
      out += " ";
    }
    switch (s.kind) {
      case Select::Kind::kCore: {
        out += s.distinct ? "SELECT DISTINCT " : "SELECT ";
        for (size_t i = 0; i < s.items.size(); ++i) {
          if (i > 0) out += ", ";
          out += At(*s.items[i].expr, 0);
          if (s.items[i].alias) out += " AS " + Name(*s.items[i].alias, s.source);
        }
        if (!s.from.empty()) {
          out += " FROM ";
          for (size_t i = 0; i < s.from.size(); ++i) out += (i ? ", " : "") + Table(s.from[i], s.source);
        }
        if (s.where) out += " WHERE " + At(*s.where, 0);
        if (!s.group_by.empty()) out += " GROUP BY " + Args(s.group_by);
        if (s.having) out += " HAVING " + At(*s.having, 0);
        break;
      }
      case Select::Kind::kSetOp: {
        int level = SetLevel(s);
        const char* op = s.set_op == SetOp::kUnion ? " UNION " : s.set_op == SetOp::kIntersect ? " INTERSECT " : " EXCEPT ";
        out += Cat({SetChild(*s.left, level, false), op, s.set_all ? "ALL " : "", SetChild(*s.right, level, true)});
        break;
      }
      case Select::Kind::kNested: out += "(" + SelectText(*s.left) + ")"; break;
    }
    if (!s.order_by.empty()) out += " ORDER BY " + OrderList(s.order_by, s.source);
    if (s.limit) out += " LIMIT " + At(*s.limit, 0);
    if (s.offset) {
      if (!s.limit && tf_ == Family::kMySQL) out += " LIMIT 18446744073709551615";
      out += " OFFSET " + At(*s.offset, 0);
    }
    --depth_;
    return out;
  }

  // The expression nesting depth (1 = the top level), for top-level-only options.
  int depth_ = 0;

 private:
  Dialect target_;
  Family tf_;
  const PrintOptions& opts_;
  Levels lv_;
  Outcome outcome_ = Outcome::kExact;
  std::vector<std::string> messages_;
  int param_count_ = 0;
};

}  // namespace

std::string QuoteIdentifier(std::string_view name, Dialect target) {
  char q = IsMySQLFamily(target) ? '`' : '"';
  std::string out(1, q);
  for (char c : name) {
    out += c;
    if (c == q) out += q;
  }
  out += q;
  return out;
}

std::optional<std::string> QuoteString(std::string_view value, Dialect target) {
  if (IsMySQLFamily(target)) {
    std::string out = "'";
    for (size_t i = 0; i < value.size(); ++i) {
      char c = value[i];
      // MySQL reads \% and \_ as two characters (LIKE escapes); keep them so.
      if (c == '\\' && i + 1 < value.size() && (value[i + 1] == '%' || value[i + 1] == '_')) {
        out += c;
        continue;
      }
      switch (c) {
        case '\'': out += "''"; break;
        case '\\': out += "\\\\"; break;
        case '\0': out += "\\0"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\x1A': out += "\\Z"; break;
        default: out += c;
      }
    }
    return out + "'";
  }
  bool control = false;
  for (char c : value) {
    if (c == '\0') return std::nullopt;
    if (static_cast<unsigned char>(c) < 0x20) control = true;
  }
  if (!control) {
    std::string out = "'";
    for (char c : value) {
      out += c;
      if (c == '\'') out += '\'';
    }
    return out + "'";
  }
  // Control characters: an E'' string so the text stays on one line.
  std::string out = "E'";
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\'') out += "''";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (u < 0x20) {
      static const char* kHex = "0123456789ABCDEF";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else out += c;
  }
  return out + "'";
}

PrintResult PrintExpression(const Expr& expr, Dialect target, const PrintOptions& options) {
  Printer p(target, options);
  std::string text = p.At(expr, 0);
  return p.Result(std::move(text));
}

PrintResult PrintSelect(const Select& select, Dialect target, const PrintOptions& options) {
  Printer p(target, options);
  p.depth_ = 1;  // select items are never "top level" for the boolean option
  std::string text = p.SelectText(select);
  return p.Result(std::move(text));
}

PrintResult PrintTypeName(const TypeName& t, Dialect target) {
  PrintResult r;
  auto note = [&](Outcome o, std::string m) {
    if (static_cast<int>(o) > static_cast<int>(r.outcome)) r.outcome = o;
    r.messages.push_back(std::move(m));
  };
  bool my = IsMySQLFamily(target);
  // Built-in names are lower-case words; several words only for the known
  // multi-word types. Anything else is a user type and is quoted.
  static const char* const kMultiWord[] = {
      "double precision", "character varying", "char varying", "national character varying",
      "national char varying", "national character", "national char", "bit varying", "nchar varying",
      "varchar varying"};
  bool plain = std::all_of(t.name.begin(), t.name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == ' ';
  });
  if (plain && t.name.find(' ') != std::string::npos) {
    plain = std::any_of(std::begin(kMultiWord), std::end(kMultiWord),
                        [&](const char* w) { return t.name == w; });
  }
  std::string s;
  if (!t.schema.empty()) s = QuoteIdentifier(t.schema, target) + "." + QuoteIdentifier(t.name, target);
  else if (!plain) s = QuoteIdentifier(t.name, target);
  else s = t.name;
  if (t.name == "interval" && !t.interval_fields.empty()) s += " " + t.interval_fields;
  if (!t.params.empty() || !t.labels.empty()) {
    s += "(";
    for (size_t i = 0; i < t.params.size(); ++i) s += (i ? "," : "") + std::to_string(t.params[i]);
    for (size_t i = 0; i < t.labels.size(); ++i) {
      auto q = QuoteString(t.labels[i], target);
      s += (i ? "," : "") + q.value_or("''");
    }
    s += ")";
    if (!t.labels.empty() && !my) {
      note(Outcome::kUnsupported, "PostgreSQL enums are separate types (CREATE TYPE ... AS ENUM)");
    }
  }
  if (t.is_unsigned && t.name != "unsigned") {
    s += " unsigned";
    if (!my) note(Outcome::kUnsupported, "PostgreSQL has no unsigned types");
  }
  if (t.zerofill) {
    s += " zerofill";
    if (!my) note(Outcome::kUnsupported, "PostgreSQL has no ZEROFILL");
  }
  if (t.with_time_zone.has_value()) {
    if (*t.with_time_zone) {
      if (my) note(Outcome::kUnsupported, "the MySQL family has no time-zone-aware " + t.name + " type");
      else s += " with time zone";
    } else if (!my) {
      s += " without time zone";
    }
  }
  if (t.name == "interval" && my) note(Outcome::kUnsupported, "the MySQL family has no interval type");
  if (t.binary) {
    s += " BINARY";
    if (!my) note(Outcome::kUnsupported, "PostgreSQL has no BINARY attribute; use COLLATE \"C\"");
  }
  if (!t.charset.empty()) {
    s += " CHARACTER SET " + t.charset;
    if (!my) note(Outcome::kUnsupported, "PostgreSQL columns have no character set");
  }
  if (!t.collation.empty()) {
    s += " COLLATE " + (my ? t.collation : QuoteIdentifier(t.collation, target));
  }
  if (t.srid) {
    s += " SRID " + std::to_string(*t.srid);
    if (!my) note(Outcome::kUnsupported, "SRID column attributes are MySQL syntax; PostGIS writes geometry(Point, 4326)");
  }
  for (int i = 0; i < t.array_dims; ++i) s += "[]";
  if (t.array_dims > 0 && my) note(Outcome::kUnsupported, "the MySQL family has no array types; store them as JSON");
  r.text = s;
  return r;
}

bool IsSequenceDefault(const Expr& expr, std::string* sequence_name) {
  if (expr.kind != ExprKind::kFunction || expr.FunctionName() != "nextval" || expr.args.size() != 1) return false;
  if (expr.name.size() == 2 && Lower(expr.name[0].name) != "pg_catalog") return false;
  if (expr.name.size() > 2) return false;
  const Expr* arg = expr.args[0].get();
  if (arg->kind == ExprKind::kCast && (arg->type.name == "regclass" || arg->type.name == "text")) {
    arg = arg->args[0].get();
  }
  if (arg->kind != ExprKind::kLiteral || arg->literal_kind != LiteralKind::kString) return false;
  if (sequence_name) *sequence_name = arg->text;
  return true;
}

}  // namespace sluice
