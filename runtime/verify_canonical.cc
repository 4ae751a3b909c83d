// Verification's canonical values. ToCanonical (value_codec) removes what
// differs between engines' printers for the same type; the normalisers here
// remove what differs between equal values of one type (0012.50 and 12.5, a
// fraction's trailing zeros, JSON key order, a CHAR's pad) so that equality of
// the bytes is equality of the values. Floats are the one inexact kind: their
// hash input is rounded to the digits the tolerance allows, so values within
// the tolerance usually hash alike, and the final word is always the
// tolerance comparison of the unrounded values (a hash mismatch only makes
// the row be looked at).

#include "runtime/verify_canonical.h"

#include <xxhash.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

namespace sluice {

Hash128& Hash128::operator+=(const Hash128& o) {
  uint64_t lo_sum = lo + o.lo;
  hi += o.hi + (lo_sum < lo ? 1 : 0);
  lo = lo_sum;
  return *this;
}

std::string Hash128::Hex() const {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(hi),
                static_cast<unsigned long long>(lo));
  return buf;
}

Hash128 HashBytes(std::string_view bytes) {
  XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return Hash128{h.high64, h.low64};
}

void AppendEncoded(std::string& out, const std::optional<std::string_view>& value) {
  if (!value) {
    out += '\0';
    return;
  }
  out += '\1';
  uint64_t n = value->size();
  char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  out.append(len, 8);
  out.append(value->data(), value->size());
}

namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string StripLeadingZeros(std::string_view v) {
  bool neg = !v.empty() && v[0] == '-';
  std::string_view d = v.substr(neg || (!v.empty() && v[0] == '+') ? 1 : 0);
  if (d.empty() || !AllDigits(d)) return std::string(v);
  size_t first = d.find_first_not_of('0');
  if (first == std::string_view::npos) return "0";
  return (neg ? "-" : "") + std::string(d.substr(first));
}

std::optional<double> ParseDouble(std::string_view v) {
  if (v == "nan" || v == "NaN") return std::nan("");
  if (v == "inf" || v == "Infinity") return HUGE_VAL;
  if (v == "-inf" || v == "-Infinity") return -HUGE_VAL;
  std::string s(v);
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) return std::nullopt;
  return d;
}

bool IsFloatKind(const VerifyValueSpec& s) {
  return s.codec.neutral &&
         (s.codec.neutral->kind == NeutralKind::kFloat32 || s.codec.neutral->kind == NeutralKind::kFloat64);
}

constexpr std::string_view kUnreadable = "\x02unreadable:";

}  // namespace

std::string NormaliseDecimal(std::string_view v) {
  std::string_view t = v;
  bool neg = !t.empty() && t[0] == '-';
  if (neg || (!t.empty() && t[0] == '+')) t.remove_prefix(1);
  size_t dot = t.find('.');
  std::string_view ip = t.substr(0, dot);
  std::string_view fp = dot == std::string_view::npos ? std::string_view() : t.substr(dot + 1);
  if ((ip.empty() && fp.empty()) || !AllDigits(ip) || !AllDigits(fp)) return std::string(v);
  size_t first = ip.find_first_not_of('0');
  ip = first == std::string_view::npos ? std::string_view() : ip.substr(first);
  size_t last = fp.find_last_not_of('0');
  fp = last == std::string_view::npos ? std::string_view() : fp.substr(0, last + 1);
  std::string out = ip.empty() ? "0" : std::string(ip);
  if (!fp.empty()) out += "." + std::string(fp);
  if (neg && out != "0") out.insert(0, "-");
  return out;
}

std::string NormaliseFraction(std::string_view v) {
  size_t colon = v.rfind(':');
  size_t dot = v.find('.', colon == std::string_view::npos ? 0 : colon);
  if (colon == std::string_view::npos || dot == std::string_view::npos) return std::string(v);
  std::string_view frac = v.substr(dot + 1);
  if (!AllDigits(frac)) return std::string(v);
  size_t last = frac.find_last_not_of('0');
  if (last == std::string_view::npos) return std::string(v.substr(0, dot));
  return std::string(v.substr(0, dot + 2 + last));
}

std::string NormaliseJson(std::string_view v) {
  // nlohmann::json keeps objects in a std::map: dump() sorts keys.
  nlohmann::json j = nlohmann::json::parse(v, nullptr, false);
  if (j.is_discarded()) return std::string(v);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string QuantiseFloat(std::string_view v, bool float32, double rel) {
  auto d = ParseDouble(v);
  if (!d) return std::string(v);
  double x = *d;
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  if (x == 0) return "0";  // -0 is 0
  char buf[64];
  if (rel <= 0) {
    auto r = float32 ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(x))
                     : std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, r.ptr);
  }
  // Equal after rounding to d significant digits implies |a-b| <= 10^(1-d) * |a|:
  // d = ceil(1 - log10(rel)) keeps that within the tolerance.
  int digits = static_cast<int>(std::ceil(1 - std::log10(rel)));
  digits = std::max(1, std::min(digits, float32 ? 9 : 17));
  if (float32) x = static_cast<float>(x);
  std::snprintf(buf, sizeof buf, "%.*e", digits - 1, x);
  return buf;
}

namespace {

std::string Canonical(const VerifyValueSpec& spec, std::string_view raw, double float_rel) {
  const ColumnCodec& c = spec.codec;
  if (!c.neutral) return std::string(raw);
  Converted conv = ToCanonical(c, raw);
  if (conv.kind != Converted::Kind::kValue) return std::string(kUnreadable) + std::string(raw);
  std::string& v = conv.text;
  const NeutralType& n = *c.neutral;
  switch (n.kind) {
    case NeutralKind::kDecimal:
    case NeutralKind::kMoney:
      return NormaliseDecimal(v);
    case NeutralKind::kFloat32:
      return QuantiseFloat(v, true, float_rel);
    case NeutralKind::kFloat64:
      return QuantiseFloat(v, false, float_rel);
    case NeutralKind::kChar: {
      // CHAR's trailing spaces are padding on every engine (PostgreSQL
      // prints them, MySQL-family engines strip them).
      size_t end = v.find_last_not_of(' ');
      v.erase(end == std::string::npos ? 0 : end + 1);
      return v;
    }
    case NeutralKind::kTime:
      return NormaliseFraction(v);
    case NeutralKind::kTimestamp:
      if (n.with_tz && spec.target_side && !c.target_has_tz && c.tz_offset_minutes != 0) {
        // The copy wrote UTC + full.time_zone into a column without a zone.
        if (auto shifted = ShiftTimestamp(v, -c.tz_offset_minutes)) v = *shifted;
      }
      return NormaliseFraction(v);
    case NeutralKind::kJson:
      return NormaliseJson(v);
    case NeutralKind::kArray: {
      if (!IsMySQLFamily(c.target)) return v;
      // Arrays land on MySQL-family targets as JSON arrays.
      if (spec.target_side) return NormaliseJson(v);
      const auto& e = n.element;
      bool numeric = !e.empty() && (IsIntegerKind(e[0].kind) || e[0].kind == NeutralKind::kDecimal ||
                                    e[0].kind == NeutralKind::kFloat32 || e[0].kind == NeutralKind::kFloat64);
      auto json = PgArrayToJson(v, numeric);
      return json ? NormaliseJson(*json) : std::string(kUnreadable) + v;
    }
    case NeutralKind::kUuid:
      for (auto& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      return v;
    default:
      if (IsIntegerKind(n.kind)) return StripLeadingZeros(v);  // ZEROFILL prints leading zeros
      return v;
  }
}

double FloatRel(const VerifyValueSpec& s) {
  bool f32 = s.codec.neutral && s.codec.neutral->kind == NeutralKind::kFloat32;
  return f32 ? s.tolerance.float32 : s.tolerance.float64;
}

}  // namespace

std::string VerifyCanonical(const VerifyValueSpec& spec, std::string_view raw) {
  return Canonical(spec, raw, FloatRel(spec));
}

std::string VerifyDisplay(const VerifyValueSpec& spec, std::string_view raw) { return Canonical(spec, raw, 0); }

bool VerifyValuesEqual(const VerifyValueSpec& ss, const std::optional<std::string_view>& a,
                       const VerifyValueSpec& ts, const std::optional<std::string_view>& b) {
  if (!a || !b) return !a && !b;
  if (IsFloatKind(ss)) {
    Converted ca = ToCanonical(ss.codec, *a), cb = ToCanonical(ts.codec, *b);
    auto x = ParseDouble(ca.text), y = ParseDouble(cb.text);
    if (ca.kind == Converted::Kind::kValue && cb.kind == Converted::Kind::kValue && x && y) {
      double u = *x, v = *y;
      if (ss.codec.neutral->kind == NeutralKind::kFloat32) {
        u = static_cast<float>(u);
        v = static_cast<float>(v);
      }
      if (std::isnan(u) || std::isnan(v)) return std::isnan(u) && std::isnan(v);
      if (u == v) return true;
      if (std::isinf(u) || std::isinf(v)) return false;
      return std::fabs(u - v) <= FloatRel(ss) * std::max(std::fabs(u), std::fabs(v));
    }
  }
  return VerifyCanonical(ss, *a) == VerifyCanonical(ts, *b);
}

namespace {

enum class SqlCategory { kInt, kBool, kDecimal, kFloat, kString, kBinary, kDate, kTime, kDatetime, kTimestampTz, kOther };

SqlCategory CategoryOf(Dialect d, const SqlColumnFacts& f) {
  const std::string& t = f.data_type;
  if (IsMySQLFamily(d)) {
    if (t == "tinyint" || t == "smallint" || t == "mediumint" || t == "int" || t == "integer" || t == "bigint") {
      return SqlCategory::kInt;
    }
    if (t == "decimal" || t == "numeric") return SqlCategory::kDecimal;
    if (t == "float" || t == "double") return SqlCategory::kFloat;
    if (t == "char" || t == "varchar" || t == "tinytext" || t == "text" || t == "mediumtext" || t == "longtext" ||
        t == "enum" || t == "set") {
      return f.charset == "binary" ? SqlCategory::kBinary : SqlCategory::kString;
    }
    if (t == "binary" || t == "varbinary" || t == "tinyblob" || t == "blob" || t == "mediumblob" || t == "longblob" ||
        t == "bit") {
      return SqlCategory::kBinary;
    }
    if (t == "date") return SqlCategory::kDate;
    if (t == "time") return SqlCategory::kTime;
    if (t == "datetime") return SqlCategory::kDatetime;
    if (t == "timestamp") return SqlCategory::kTimestampTz;
    return SqlCategory::kOther;
  }
  if (t == "smallint" || t == "integer" || t == "bigint") return SqlCategory::kInt;
  if (t == "boolean") return SqlCategory::kBool;
  if (t == "numeric") return SqlCategory::kDecimal;
  if (t == "real" || t == "double precision") return SqlCategory::kFloat;
  if (t == "character" || t == "character varying" || t == "text") return SqlCategory::kString;
  if (t == "bytea") return SqlCategory::kBinary;
  if (t == "date") return SqlCategory::kDate;
  if (t == "time without time zone") return SqlCategory::kTime;
  if (t == "timestamp without time zone") return SqlCategory::kDatetime;
  if (t == "timestamp with time zone") return SqlCategory::kTimestampTz;
  return SqlCategory::kOther;
}

bool Utf8Charset(const std::string& cs) { return cs == "utf8mb4" || cs == "utf8mb3" || cs == "utf8" || cs == "ascii"; }

// kDelimited is kLengthPrefixed's cheaper twin for MariaDB on both sides
// (each value is read once, not twice for its length; docs/verify.md): the value's
// UTF-8 bytes and a 0xFF, NULL a lone 0xFE. Neither byte occurs in UTF-8 and
// MariaDB refuses to store either in a UTF-8 column whatever the sql_mode or
// connection charset, so the field ends at the first 0xFF. MariaDB passes
// CHAR(255) into a utf8mb4 GROUP_CONCAT unconverted (an integration test
// would see a '?' in its place: ('a?','b') against ('a','?b')).
enum class Form { kPlain, kLengthPrefixed, kDelimited };

// A value expression of one side and the field form it goes in.
struct SideValue {
  std::string expr;
  Form form = Form::kLengthPrefixed;
};

std::string Wrap(const SqlFieldSide& side, const SideValue& v) {
  const std::string& e = v.expr;
  if (IsMySQLFamily(side.dialect)) {
    // GROUP_CONCAT skips a row with any NULL argument: nullable columns are
    // folded into one never-NULL argument.
    if (v.form == Form::kPlain) {
      return side.facts.nullable ? "IFNULL(CONCAT(" + e + ", ','), 'N')" : e + ", ','";
    }
    if (v.form == Form::kDelimited) {
      // Inside CONCAT, a binary argument keeps the 0xFF (CHAR(255) alone
      // would be converted to the column's charset, as '?').
      return side.facts.nullable ? "IFNULL(CONCAT(" + e + ", CAST(CHAR(255) AS BINARY)), CHAR(254))"
                                 : e + ", CHAR(255)";
    }
    return side.facts.nullable ? "IFNULL(CONCAT(LENGTH(" + e + "), ':', " + e + "), 'N')"
                               : "LENGTH(" + e + "), ':', " + e;
  }
  if (v.form == Form::kPlain) return "coalesce((" + e + ") || ',', 'N')";
  return "coalesce(octet_length(" + e + ")::text || ':' || (" + e + "), 'N')";
}

// MySQL-family strings as UTF-8 text. The aggregate's result is utf8mb4 (the
// connection's charset), so a utf8mb3 or ascii value goes in with its own
// bytes and LENGTH() counts exactly those; any other charset is converted
// first, so that the length prefix counts the bytes that follow it.
std::string MyStringBytes(const std::string& e, const std::string& charset) {
  if (Utf8Charset(charset)) return e;
  return "CONVERT(" + e + " USING utf8mb4)";
}

// MySQL-family time texts print exactly fsp fraction digits; PostgreSQL
// drops trailing zeros (and the point). Both become the latter.
std::string MyTrimFraction(const std::string& e, int fsp) {
  if (fsp <= 0) return e;
  return "TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM " + e + "))";
}

// The engine's own text, used when both sides have the same dialect and type.
std::optional<SideValue> RawValue(const SqlFieldSide& side, SqlCategory cat) {
  const std::string& e = side.read_expression;
  if (IsMySQLFamily(side.dialect)) {
    switch (cat) {
      case SqlCategory::kInt:
      case SqlCategory::kDate:
      case SqlCategory::kTime:
      case SqlCategory::kDatetime:
      case SqlCategory::kTimestampTz:
        return SideValue{e, Form::kPlain};
      case SqlCategory::kDecimal:
      case SqlCategory::kFloat:  // printed shortest-exact (FLOAT widened by read_expression)
        return SideValue{e, Form::kLengthPrefixed};
      case SqlCategory::kString:
        return SideValue{MyStringBytes(e, side.facts.charset), Form::kLengthPrefixed};
      case SqlCategory::kBinary:
        return SideValue{"HEX(" + e + ")", Form::kLengthPrefixed};
      default:
        return std::nullopt;  // spatial, INET6, UUID, ...: no text both sides are known to print alike
    }
  }
  switch (cat) {
    case SqlCategory::kInt:
    case SqlCategory::kDate:
    case SqlCategory::kTime:
    case SqlCategory::kDatetime:
    case SqlCategory::kTimestampTz:
      return SideValue{"(" + e + ")::text", Form::kPlain};
    case SqlCategory::kBool:
      return SideValue{"CASE WHEN " + e + " THEN '1' ELSE '0' END", Form::kPlain};
    case SqlCategory::kBinary:
      return SideValue{"upper(encode(" + e + ", 'hex'))", Form::kLengthPrefixed};
    default:
      // Text output is deterministic for every PostgreSQL type (the session
      // settings are fixed by the connection): json, arrays, uuid, floats...
      return SideValue{"(" + e + ")::text", Form::kLengthPrefixed};
  }
}

std::optional<SideValue> CrossValue(const SqlFieldSide& side, SqlCategory cat, const NeutralType& n) {
  const std::string& q = side.column;
  bool my = IsMySQLFamily(side.dialect);
  auto text = [&](const std::string& e) { return my ? e : "(" + e + ")::text"; };
  switch (cat) {
    case SqlCategory::kInt:
      if (!my) return SideValue{text(q), Form::kPlain};
      // ZEROFILL prints leading zeros; arithmetic drops them (and keeps unsigned).
      return SideValue{side.facts.column_type.find("zerofill") != std::string::npos ? "(" + q + " + 0)" : q,
                       Form::kPlain};
    case SqlCategory::kBool:
      return SideValue{"CASE WHEN " + q + " THEN '1' ELSE '0' END", Form::kPlain};
    case SqlCategory::kDecimal:
      return SideValue{text(q), Form::kLengthPrefixed};
    case SqlCategory::kString: {
      std::string e = my ? MyStringBytes(q, side.facts.charset) : q + "::text";
      if (n.kind == NeutralKind::kChar) e = my ? "TRIM(TRAILING ' ' FROM " + e + ")" : "rtrim(" + e + ", ' ')";
      return SideValue{e, Form::kLengthPrefixed};
    }
    case SqlCategory::kBinary:
      return SideValue{my ? "HEX(" + q + ")" : "upper(encode(" + q + ", 'hex'))", Form::kLengthPrefixed};
    case SqlCategory::kDate:
      return SideValue{text(q), Form::kPlain};
    case SqlCategory::kTime:
    case SqlCategory::kDatetime:
    case SqlCategory::kTimestampTz:
      return SideValue{my ? MyTrimFraction(q, side.facts.fsp) : text(q), Form::kPlain};
    default:
      return std::nullopt;
  }
}

// Whether a cross-engine (or cross-type) pair of categories has one
// canonical SQL text for values of the neutral kind `n`.
bool CrossCompatible(const NeutralType& n, Dialect sd, SqlCategory s, const SqlColumnFacts& sf, Dialect td,
                     SqlCategory t, const SqlColumnFacts& tf) {
  auto both = [&](SqlCategory c) { return s == c && t == c; };
  if (IsIntegerKind(n.kind)) return both(SqlCategory::kInt);
  switch (n.kind) {
    case NeutralKind::kBool:
      return (s == SqlCategory::kInt || s == SqlCategory::kBool) && (t == SqlCategory::kInt || t == SqlCategory::kBool);
    case NeutralKind::kDecimal:
      // Equal scales print equal values alike (no exponent, no insignificant
      // zeros beyond the scale); unbounded numeric does not.
      return both(SqlCategory::kDecimal) && sf.scale >= 0 && sf.scale == tf.scale;
    case NeutralKind::kChar:
    case NeutralKind::kVarchar:
    case NeutralKind::kText:
    case NeutralKind::kEnum:
    case NeutralKind::kSet:
    case NeutralKind::kJson:  // equal bytes, equal re-serialisations (the reverse is left to streaming)
    case NeutralKind::kUuid:
      return both(SqlCategory::kString);
    case NeutralKind::kBinary:
    case NeutralKind::kVarbinary:
    case NeutralKind::kBlob:
      return both(SqlCategory::kBinary) && sf.data_type != "bit" && tf.data_type != "bit";
    case NeutralKind::kDate:
      return both(SqlCategory::kDate);
    case NeutralKind::kTime:
      return !n.with_tz && both(SqlCategory::kTime);
    case NeutralKind::kTimestamp:
      if (!n.with_tz) return both(SqlCategory::kDatetime);
      // MySQL-family TIMESTAMPs print in the session zone, UTC on both sides.
      return IsMySQLFamily(sd) && IsMySQLFamily(td) && both(SqlCategory::kTimestampTz);
    default:
      return false;
  }
}

}  // namespace

bool SupportsSqlDigest(Dialect d) {
  return d == Dialect::kMySQL || d == Dialect::kMariaDB || d == Dialect::kPostgreSQL;
}

std::optional<SqlField> CanonicalSqlField(const std::optional<NeutralType>& neutral, bool same_type,
                                          const SqlFieldSide& source, const SqlFieldSide& target, std::string* why) {
  if (!SupportsSqlDigest(source.dialect) || !SupportsSqlDigest(target.dialect)) {
    *why = "no in-database digest on this engine";
    return std::nullopt;
  }
  SqlCategory sc = CategoryOf(source.dialect, source.facts), tc = CategoryOf(target.dialect, target.facts);
  std::optional<SideValue> sv, tv;
  if (same_type && source.dialect == target.dialect && sc == tc) {
    sv = RawValue(source, sc);
    tv = RawValue(target, tc);
  } else if (neutral && CrossCompatible(*neutral, source.dialect, sc, source.facts, target.dialect, tc, target.facts)) {
    sv = CrossValue(source, sc, *neutral);
    tv = CrossValue(target, tc, *neutral);
  }
  if (!sv || !tv || sv->form != tv->form) {
    *why = source.facts.data_type + " -> " + target.facts.data_type + " has no canonical text in both SQL dialects";
    return std::nullopt;
  }
  // Every length-prefixed MariaDB text is UTF-8 (strings are converted to
  // utf8mb4, binary is hex, numbers are digits).
  if (sv->form == Form::kLengthPrefixed && source.dialect == Dialect::kMariaDB && target.dialect == Dialect::kMariaDB) {
    sv->form = tv->form = Form::kDelimited;
  }
  return SqlField{Wrap(source, *sv), Wrap(target, *tv)};
}

std::string SqlChunkDigestQuery(Dialect d, const std::vector<std::string>& fields, const std::string& table,
                                const std::string& where, const std::string& order_by) {
  std::string w = where.empty() ? "" : " WHERE " + where;
  std::string list;
  if (IsMySQLFamily(d)) {
    for (size_t i = 0; i < fields.size(); ++i) list += (i ? ", " : "") + fields[i];
    return "SELECT COUNT(*), SHA2(GROUP_CONCAT(" + list + (order_by.empty() ? "" : " ORDER BY " + order_by) +
           " SEPARATOR ''), 256) FROM " + table + w;
  }
  for (size_t i = 0; i < fields.size(); ++i) list += (i ? " || " : "") + fields[i];
  return "SELECT count(*), encode(sha256(convert_to(string_agg(" + list +
         ", ''" + (order_by.empty() ? "" : " ORDER BY " + order_by) + "), 'UTF8')), 'hex') FROM " + table + w;
}

}  // namespace sluice
