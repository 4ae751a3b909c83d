// Value conversion, one neutral kind at a time. Reading normalises what each
// engine prints into the canonical text; writing produces what the target's
// bulk path (LOAD DATA / COPY) reads back as exactly that value. Checks that
// the target would otherwise enforce by silently rounding or truncating
// (decimal scale, time ranges, NUL in PostgreSQL text) are made here.

#include "runtime/value_codec.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <functional>

namespace sluice {

namespace {

Converted Value(std::string t) { return Converted{Converted::Kind::kValue, std::move(t), {}, false}; }
Converted Bad(std::string why) { return Converted{Converted::Kind::kBad, {}, std::move(why), false}; }

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string Hex(std::string_view bytes) {
  static const char* k = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += k[c >> 4];
    out += k[c & 15];
  }
  return out;
}

std::optional<std::string> Unhex(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  auto v = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = v(hex[i]), lo = v(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

bool IsZeroDate(std::string_view s) {
  // 0000-00-00, 2024-00-10, 2024-05-00 and their datetime forms.
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  return s.substr(0, 4) == "0000" || s.substr(5, 2) == "00" || s.substr(8, 2) == "00";
}

// A decimal literal checked against decimal(p,s): digits before the point at
// most p-s, fraction digits at most s (extra zeros are dropped, anything else
// would be rounded by the target: refused). Returns the text with exactly s
// fraction digits.
Converted FitDecimal(std::string_view v, int p, int s) {
  std::string t(v);
  bool neg = !t.empty() && t[0] == '-';
  if (neg || (!t.empty() && t[0] == '+')) t.erase(0, 1);
  size_t dot = t.find('.');
  std::string ip = t.substr(0, dot), fp = dot == std::string::npos ? "" : t.substr(dot + 1);
  if ((!ip.empty() && !IsDigits(ip)) || (!fp.empty() && !IsDigits(fp)) || (ip.empty() && fp.empty())) {
    return Bad("'" + std::string(v) + "' is not a finite decimal number");
  }
  while (ip.size() > 1 && ip[0] == '0') ip.erase(0, 1);
  if (ip.empty()) ip = "0";
  if (p < 0) {  // unbounded target (PostgreSQL numeric): keep as is
    return Value(std::string(neg ? "-" : "") + ip + (fp.empty() ? "" : "." + fp));
  }
  while (static_cast<int>(fp.size()) > s && fp.back() == '0') fp.pop_back();
  if (static_cast<int>(fp.size()) > s) {
    return Bad("'" + std::string(v) + "' has more than " + std::to_string(s) + " digits after the point");
  }
  if (ip != "0" && static_cast<int>(ip.size()) > p - s) {
    return Bad("'" + std::string(v) + "' has more than " + std::to_string(p - s) + " digits before the point");
  }
  fp.append(static_cast<size_t>(s) - fp.size(), '0');
  bool zero = ip == "0" && fp.find_first_not_of('0') == std::string::npos;
  return Value(std::string(neg && !zero ? "-" : "") + ip + (s > 0 ? "." + fp : ""));
}

// PostgreSQL prints timestamptz as "... +00" / "+05:30" in the session zone
// (always UTC for Sluice's sessions); the canonical form drops the offset.
std::optional<std::string> StripUtcOffset(std::string_view v) {
  size_t pos = v.find_last_of("+-");
  if (pos == std::string_view::npos || pos < 19) return std::string(v);
  std::string_view off = v.substr(pos + 1);
  if (off != "00" && off != "00:00") return std::nullopt;
  return std::string(v.substr(0, pos));
}

std::string BitsFromBytes(std::string_view bytes, int64_t n) {
  std::string bits;
  for (unsigned char c : bytes) {
    for (int i = 7; i >= 0; --i) bits += ((c >> i) & 1) ? '1' : '0';
  }
  if (n >= 0 && static_cast<int64_t>(bits.size()) > n) bits = bits.substr(bits.size() - static_cast<size_t>(n));
  return bits;
}

std::optional<std::string> BytesFromBits(std::string_view bits) {
  std::string padded(std::string((8 - bits.size() % 8) % 8, '0') + std::string(bits));
  std::string out;
  for (size_t i = 0; i < padded.size(); i += 8) {
    unsigned char c = 0;
    for (size_t k = 0; k < 8; ++k) {
      char b = padded[i + k];
      if (b != '0' && b != '1') return std::nullopt;
      c = static_cast<unsigned char>((c << 1) | (b == '1'));
    }
    out += static_cast<char>(c);
  }
  return out;
}

std::string UnsignedFromBytes(std::string_view bytes) {
  unsigned long long v = 0;
  for (unsigned char c : bytes) v = (v << 8) | c;
  return std::to_string(v);
}

}  // namespace

std::optional<std::string> ShiftTimestamp(std::string_view ts, int minutes) {
  if (minutes == 0) return std::string(ts);
  int y, mo, d, h, mi, sec;
  if (ts.size() < 19 || std::sscanf(std::string(ts.substr(0, 19)).c_str(), "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &sec) != 6) {
    return std::nullopt;
  }
  // Days from civil (Howard Hinnant's algorithm), then back.
  auto days_from_civil = [](int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
  };
  int64_t total = days_from_civil(y, mo, d) * 1440 + h * 60 + mi + minutes;
  int64_t days = total >= 0 ? total / 1440 : (total - 1439) / 1440;
  int64_t mins = total - days * 1440;
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned dd = doy - (153 * mp + 2) / 5 + 1;
  const unsigned mm = mp < 10 ? mp + 3 : mp - 9;
  yy += mm <= 2;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02lld:%02lld:%02d", static_cast<long long>(yy), mm, dd,
                static_cast<long long>(mins / 60), static_cast<long long>(mins % 60), sec);
  return std::string(buf) + std::string(ts.substr(19));
}

std::optional<int> ParseFixedOffset(const std::string& tz) {
  if (tz == "UTC" || tz == "SYSTEM" || tz == "+00:00" || tz == "-00:00") return 0;
  if (tz.size() == 6 && (tz[0] == '+' || tz[0] == '-') && tz[3] == ':') {
    int h = std::atoi(tz.substr(1, 2).c_str()), m = std::atoi(tz.substr(4, 2).c_str());
    int total = h * 60 + m;
    return tz[0] == '-' ? -total : total;
  }
  return std::nullopt;
}

std::string ColumnCodec::SourceExpression(const std::string& col) const {
  if (!neutral) return col;
  switch (neutral->kind) {
    case NeutralKind::kFloat32:
      // MySQL prints FLOAT with 6 digits; widened to double, every bit survives.
      return IsMySQLFamily(source) ? "(" + col + " + 0E0)" : col;
    case NeutralKind::kMoney:
      return source == Dialect::kPostgreSQL ? col + "::numeric" : col;
    default:
      return col;
  }
}

Converted ToCanonical(const ColumnCodec& c, std::string_view v) {
  if (!c.neutral) return Value(std::string(v));
  const NeutralType& n = *c.neutral;
  bool pg = c.source == Dialect::kPostgreSQL;
  switch (n.kind) {
    case NeutralKind::kBool:
      if (v == "t" || v == "true" || v == "1") return Value("1");
      if (v == "f" || v == "false" || v == "0") return Value("0");
      return Bad("'" + std::string(v) + "' is not a boolean");
    case NeutralKind::kDecimal:
      if (v == "NaN" || v == "Infinity" || v == "-Infinity") return Bad("numeric " + std::string(v) + " has no equivalent");
      return Value(std::string(v));
    case NeutralKind::kFloat32:
    case NeutralKind::kFloat64:
      if (v == "NaN") return Value("nan");
      if (v == "Infinity") return Value("inf");
      if (v == "-Infinity") return Value("-inf");
      return Value(std::string(v));
    case NeutralKind::kBinary:
    case NeutralKind::kVarbinary:
    case NeutralKind::kBlob:
      if (pg) {
        if (v.substr(0, 2) != "\\x") return Bad("bytea not in hex form");
        auto raw = Unhex(v.substr(2));
        if (!raw) return Bad("malformed bytea hex");
        return Value(*raw);
      }
      return Value(std::string(v));
    case NeutralKind::kDate:
    case NeutralKind::kTimestamp: {
      std::string s(v);
      if (pg && (s == "infinity" || s == "-infinity")) return Bad("PostgreSQL " + s + " has no equivalent");
      if (pg && s.size() > 3 && s.substr(s.size() - 3) == " BC") return Bad("a date before the year 1 (" + s + ")");
      if (n.kind == NeutralKind::kTimestamp && n.with_tz && pg) {
        auto stripped = StripUtcOffset(s);
        if (!stripped) return Bad("timestamp '" + s + "' not in UTC (the session time zone must be UTC)");
        s = *stripped;
      }
      if (!pg && IsZeroDate(s)) {
        Converted z = Value(s);
        z.zero_date = true;
        return z;
      }
      return Value(s);
    }
    case NeutralKind::kTime:
      if (pg && n.with_tz) {
        // timetz: keep the clock time; the type rule reported the offset as lost.
        size_t pos = v.find_last_of("+-");
        return Value(std::string(pos != std::string_view::npos && pos >= 8 ? v.substr(0, pos) : v));
      }
      return Value(std::string(v));
    case NeutralKind::kBit:
    case NeutralKind::kVarbit:
      if (pg) {
        auto bytes = BytesFromBits(v);
        if (!bytes) return Bad("malformed bit string");
        return Value(*bytes);
      }
      return Value(std::string(v));
    default:
      return Value(std::string(v));
  }
}

Converted FromCanonical(const ColumnCodec& c, std::string_view v) {
  if (!c.neutral) return Value(std::string(v));
  const NeutralType& n = *c.neutral;
  bool to_pg = c.target == Dialect::kPostgreSQL;
  switch (n.kind) {
    case NeutralKind::kBool:
      return Value(to_pg ? (v == "1" ? "t" : "f") : std::string(v));
    case NeutralKind::kDecimal:
      // The target keeps the source's precision (exact rules) or a bounded
      // stand-in (lossy rules: PostgreSQL numeric -> DECIMAL(65,30)); a
      // value outside what the target column holds is a bad row, never rounded.
      if (!to_pg && n.precision < 0) return FitDecimal(v, 65, 30);
      return FitDecimal(v, n.precision, n.scale < 0 ? 0 : n.scale);
    case NeutralKind::kFloat32:
    case NeutralKind::kFloat64:
      if (!to_pg && (v == "nan" || v == "inf" || v == "-inf")) {
        return Bad("floating-point " + std::string(v) + " cannot be stored by MySQL-family engines");
      }
      if (to_pg) {
        if (v == "nan") return Value("NaN");
        if (v == "inf") return Value("Infinity");
        if (v == "-inf") return Value("-Infinity");
      }
      if (!to_pg && n.kind == NeutralKind::kFloat32) {
        // MySQL reads a FLOAT's text as a double and refuses it above
        // FLT_MAX; the shortest text of FLT_MAX ("3.4028235e+38") is, as a
        // double, just above it. Write the float's exact value as a double.
        std::string text(v);
        char* end = nullptr;
        float f = std::strtof(text.c_str(), &end);
        if (end != text.c_str() && *end == '\0') {
          char buf[40];
          std::snprintf(buf, sizeof buf, "%.17g", static_cast<double>(f));
          return Value(buf);
        }
      }
      return Value(std::string(v));
    case NeutralKind::kEnum:
    case NeutralKind::kSet:
      // MySQL stores an invalid ENUM value as '' (index 0) when not in strict
      // mode. No target holds it (PostgreSQL's CHECK on the labels, added
      // after the copy, would fail without naming the row): a bad row.
      if (!n.labels.empty()) {
        std::string_view rest = v;
        while (n.kind == NeutralKind::kEnum || !rest.empty()) {
          size_t comma = n.kind == NeutralKind::kSet ? rest.find(',') : std::string_view::npos;
          std::string_view label = rest.substr(0, comma);
          bool known = false;
          for (const auto& l : n.labels) known = known || l == label;
          if (!known) {
            return Bad("'" + std::string(label) + "' is not a label of " +
                       (n.kind == NeutralKind::kEnum ? "the ENUM" : "the SET") +
                       " (MySQL keeps invalid values as '' outside strict mode)");
          }
          if (comma == std::string_view::npos) break;
          rest = rest.substr(comma + 1);
        }
      }
      [[fallthrough]];
    case NeutralKind::kChar:
    case NeutralKind::kVarchar:
    case NeutralKind::kText:
    case NeutralKind::kJson:
      if (to_pg && v.find('\0') != std::string_view::npos) {
        return Bad("PostgreSQL text cannot hold a NUL byte");
      }
      return Value(std::string(v));
    case NeutralKind::kBinary:
    case NeutralKind::kVarbinary:
    case NeutralKind::kBlob:
      return Value(to_pg ? "\\x" + Hex(v) : std::string(v));
    case NeutralKind::kDate:
    case NeutralKind::kTimestamp: {
      std::string s(v);
      if (IsZeroDate(s)) {
        if (!to_pg) return Value(s);  // MySQL-family targets keep zero dates
        Converted z;
        z.zero_date = true;
        if (c.zero_date == "null") return Converted{Converted::Kind::kNull, {}, {}, true};
        z.kind = Converted::Kind::kBad;
        z.reason = "zero date '" + s + "' has no PostgreSQL equivalent (full.zero_date: " + c.zero_date + ")";
        return z;
      }
      if (n.kind == NeutralKind::kTimestamp && n.with_tz) {
        if (to_pg) return Value(s + "+00");
        if (!c.target_has_tz && c.tz_offset_minutes != 0) {
          auto shifted = ShiftTimestamp(s, c.tz_offset_minutes);
          if (!shifted) return Bad("malformed timestamp '" + s + "'");
          return Value(*shifted);
        }
      }
      return Value(s);
    }
    case NeutralKind::kTime:
      if (to_pg && (v.front() == '-' || (v.size() > 2 && v[2] != ':'))) {
        return Bad("time '" + std::string(v) + "' is outside PostgreSQL's 00:00:00..24:00:00");
      }
      return Value(std::string(v));
    case NeutralKind::kBit:
    case NeutralKind::kVarbit:
      return Value(to_pg ? BitsFromBytes(v, n.length) : UnsignedFromBytes(v));
    case NeutralKind::kArray: {
      if (to_pg) return Value(std::string(v));
      bool numeric = !n.element.empty() && (IsIntegerKind(n.element[0].kind) ||
                                            n.element[0].kind == NeutralKind::kDecimal ||
                                            n.element[0].kind == NeutralKind::kFloat32 ||
                                            n.element[0].kind == NeutralKind::kFloat64);
      auto json = PgArrayToJson(v, numeric);
      if (!json) return Bad("malformed array '" + std::string(v) + "'");
      return Value(*json);
    }
    default:
      return Value(std::string(v));
  }
}

Converted ConvertValue(const ColumnCodec& codec, std::string_view source_text) {
  Converted canon = ToCanonical(codec, source_text);
  if (canon.kind != Converted::Kind::kValue) return canon;
  return FromCanonical(codec, canon.text);
}

std::optional<std::string> PgArrayToJson(std::string_view a, bool numeric) {
  // Grammar: '{' [elem (',' elem)*] '}' where elem is an array, NULL, a
  // quoted string with backslash escapes, or an unquoted token.
  size_t i = 0;
  auto json_string = [](const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out += static_cast<char>(c);
          }
      }
    }
    return out + "\"";
  };
  std::function<std::optional<std::string>(int)> parse_array = [&](int depth) -> std::optional<std::string> {
    if (depth > 32 || i >= a.size() || a[i] != '{') return std::nullopt;
    ++i;
    std::string out = "[";
    bool first = true;
    if (i < a.size() && a[i] == '}') {
      ++i;
      return std::string("[]");
    }
    while (i < a.size()) {
      if (!first) out += ",";
      first = false;
      if (a[i] == '{') {
        auto inner = parse_array(depth + 1);
        if (!inner) return std::nullopt;
        out += *inner;
      } else if (a[i] == '"') {
        std::string s;
        for (++i; i < a.size() && a[i] != '"'; ++i) {
          if (a[i] == '\\' && i + 1 < a.size()) ++i;
          s += a[i];
        }
        if (i >= a.size()) return std::nullopt;
        ++i;
        out += json_string(s);
      } else {
        size_t start = i;
        while (i < a.size() && a[i] != ',' && a[i] != '}') ++i;
        std::string tok(a.substr(start, i - start));
        if (tok == "NULL") out += "null";
        else if (numeric) out += tok;
        else out += json_string(tok);
      }
      if (i >= a.size()) return std::nullopt;
      if (a[i] == ',') {
        ++i;
        continue;
      }
      if (a[i] == '}') {
        ++i;
        return out + "]";
      }
      return std::nullopt;
    }
    return std::nullopt;
  };
  auto result = parse_array(0);
  if (!result || i != a.size()) return std::nullopt;
  return result;
}

}  // namespace sluice
