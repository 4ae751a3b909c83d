// PostgreSQL text output -> canonical text (docs/values.md).
//
// Most types pass through: under kPgCanonicalSessionOptions PostgreSQL already
// prints integers, numeric, dates, intervals, uuids and JSON in the canonical
// form. The rest are rewritten by small parsers that accept exactly what
// PostgreSQL prints and report anything else as an error (never a guess).
// Timestamps with a time zone are shifted to UTC with civil-date arithmetic
// (days from 1970-01-01 in the proleptic Gregorian calendar), so an offset
// other than +00 still gives the right instant.

#include "dialects/postgresql/pgoutput_values.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>

namespace sluice {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Precision of a time/timestamp type modifier: -1 (none) means 6.
int FractionDigits(int32_t typmod) { return typmod >= 0 && typmod <= 6 ? typmod : 6; }

// Pads (never truncates) the fraction of "HH:MM:SS[.fff]"-shaped text so it has
// exactly `digits` fraction digits; a value printed with more is kept as is.
std::string PadFraction(std::string_view hms, int digits) {
  std::string out(hms);
  size_t dot = out.find('.');
  size_t have = dot == std::string::npos ? 0 : out.size() - dot - 1;
  if (static_cast<int>(have) >= digits) return out;
  if (dot == std::string::npos) out += '.';
  out.append(static_cast<size_t>(digits) - have, '0');
  return out;
}

PgCanonicalValue Ok(std::string text) { return {true, std::move(text), {}}; }
PgCanonicalValue Bad(std::string_view type, std::string_view text) {
  std::string shown(text.substr(0, 64));
  return {false, {}, "invalid " + std::string(type) + " text '" + shown + "'"};
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

PgCanonicalValue Bytea(std::string_view text) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0) return Bad("bytea", text);
  std::string out;
  out.reserve((text.size() - 2) / 2);
  for (size_t i = 2; i < text.size(); i += 2) {
    int hi = HexValue(text[i]), lo = HexValue(text[i + 1]);
    if (hi < 0 || lo < 0) return Bad("bytea", text);
    out += static_cast<char>(hi * 16 + lo);
  }
  return Ok(std::move(out));
}

template <typename F>
PgCanonicalValue Float(std::string_view text, const char* type) {
  if (text == "Infinity") return Ok("inf");
  if (text == "-Infinity") return Ok("-inf");
  if (text == "NaN") return Ok("nan");
  F value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return Bad(type, text);
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, value);
  return Ok(std::string(buf, res.ptr));
}

PgCanonicalValue Bit(std::string_view text, int32_t typmod) {
  size_t n = typmod > 0 ? static_cast<size_t>(typmod) : text.size();
  if (text.size() != n) return Bad("bit", text);
  std::string out((n + 7) / 8, '\0');
  // The bit string is a number: its last character is the lowest bit of the last byte.
  for (size_t i = 0; i < n; ++i) {
    char c = text[n - 1 - i];
    if (c != '0' && c != '1') return Bad("bit", text);
    if (c == '1') out[out.size() - 1 - i / 8] = static_cast<char>(out[out.size() - 1 - i / 8] | (1 << (i % 8)));
  }
  return Ok(std::move(out));
}

// Days since 1970-01-01 of a proleptic Gregorian date (y may be <= 0).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}

// Reads exactly `width` digits (or at least `width` when `width_is_min`).
std::optional<int64_t> Digits(std::string_view s, size_t& pos, size_t width, bool width_is_min = false) {
  size_t start = pos;
  while (pos < s.size() && IsDigit(s[pos]) && (width_is_min || pos - start < width)) ++pos;
  if (pos - start < width || pos - start > 9) return std::nullopt;
  int64_t v = 0;
  for (size_t i = start; i < pos; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

// "YYYY-MM-DD HH:MM:SS[.f][+HH[:MM[:SS]]][ BC]" (the offset only when with_tz).
PgCanonicalValue Timestamp(std::string_view text, int32_t typmod, bool with_tz) {
  const char* type = with_tz ? "timestamptz" : "timestamp";
  if (text == "infinity" || text == "-infinity") return Ok(std::string(text));
  bool bc = false;
  std::string_view s = text;
  if (s.size() > 3 && s.substr(s.size() - 3) == " BC") {
    bc = true;
    s.remove_suffix(3);
  }
  size_t pos = 0;
  auto year = Digits(s, pos, 4, true);
  if (!year || pos >= s.size() || s[pos++] != '-') return Bad(type, text);
  auto month = Digits(s, pos, 2);
  if (!month || pos >= s.size() || s[pos++] != '-') return Bad(type, text);
  auto day = Digits(s, pos, 2);
  if (!day || pos >= s.size() || s[pos++] != ' ') return Bad(type, text);
  size_t time_start = pos;
  auto hh = Digits(s, pos, 2);
  if (!hh || pos >= s.size() || s[pos++] != ':') return Bad(type, text);
  auto mi = Digits(s, pos, 2);
  if (!mi || pos >= s.size() || s[pos++] != ':') return Bad(type, text);
  auto ss = Digits(s, pos, 2);
  if (!ss) return Bad(type, text);
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t f = pos;
    while (pos < s.size() && IsDigit(s[pos])) ++pos;
    if (pos == f) return Bad(type, text);
  }
  std::string_view hms = s.substr(time_start, pos - time_start);
  int64_t offset_seconds = 0;
  if (with_tz) {
    if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return Bad(type, text);
    int sign = s[pos++] == '-' ? -1 : 1;
    auto oh = Digits(s, pos, 2);
    if (!oh) return Bad(type, text);
    int64_t om = 0, os = 0;
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      auto v = Digits(s, pos, 2);
      if (!v) return Bad(type, text);
      om = *v;
      if (pos < s.size() && s[pos] == ':') {
        ++pos;
        auto w = Digits(s, pos, 2);
        if (!w) return Bad(type, text);
        os = *w;
      }
    }
    offset_seconds = sign * (*oh * 3600 + om * 60 + os);
  }
  if (pos != s.size() || *month < 1 || *month > 12 || *day < 1 || *day > 31 || *hh > 24 || *mi > 59 || *ss > 60) {
    return Bad(type, text);
  }
  std::string date(s.substr(0, time_start - 1));
  std::string time = PadFraction(hms, FractionDigits(typmod));
  if (offset_seconds != 0) {
    // Local time minus offset = UTC. Whole seconds move; the fraction stays.
    int64_t astro_year = bc ? 1 - *year : *year;
    int64_t secs = DaysFromCivil(astro_year, static_cast<unsigned>(*month), static_cast<unsigned>(*day)) * 86400 +
                   *hh * 3600 + *mi * 60 + *ss - offset_seconds;
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t rem = secs - days * 86400;
    int64_t y;
    unsigned m, d;
    CivilFromDays(days, y, m, d);
    bc = y <= 0;
    if (bc) y = 1 - y;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
    date = buf;
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(rem / 3600),
                  static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
    size_t dot = time.find('.');
    time = std::string(buf) + (dot == std::string::npos ? "" : time.substr(dot));
  }
  return Ok(date + " " + time + (bc ? " BC" : ""));
}

PgCanonicalValue Time(std::string_view text, int32_t typmod) {
  size_t pos = 0;
  auto hh = Digits(text, pos, 2);
  if (!hh || pos >= text.size() || text[pos++] != ':') return Bad("time", text);
  auto mi = Digits(text, pos, 2);
  if (!mi || pos >= text.size() || text[pos++] != ':') return Bad("time", text);
  auto ss = Digits(text, pos, 2);
  if (!ss) return Bad("time", text);
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t f = pos;
    while (pos < text.size() && IsDigit(text[pos])) ++pos;
    if (pos == f) return Bad("time", text);
  }
  if (pos != text.size()) return Bad("time", text);
  return Ok(PadFraction(text, FractionDigits(typmod)));
}

}  // namespace

std::string PgTypeName(uint32_t oid) {
  switch (oid) {
    case pgoid::kBool: return "bool";
    case pgoid::kBytea: return "bytea";
    case pgoid::kInt8: return "int8";
    case pgoid::kInt2: return "int2";
    case pgoid::kInt4: return "int4";
    case pgoid::kText: return "text";
    case pgoid::kJson: return "json";
    case pgoid::kFloat4: return "float4";
    case pgoid::kFloat8: return "float8";
    case pgoid::kBpchar: return "bpchar";
    case pgoid::kVarchar: return "varchar";
    case pgoid::kDate: return "date";
    case pgoid::kTime: return "time";
    case pgoid::kTimestamp: return "timestamp";
    case pgoid::kTimestamptz: return "timestamptz";
    case pgoid::kInterval: return "interval";
    case pgoid::kTimetz: return "timetz";
    case pgoid::kBit: return "bit";
    case pgoid::kVarbit: return "varbit";
    case pgoid::kNumeric: return "numeric";
    case pgoid::kUuid: return "uuid";
    case pgoid::kJsonb: return "jsonb";
    default: return "oid " + std::to_string(oid);
  }
}

PgCanonicalValue PgTextToCanonical(uint32_t type_oid, int32_t typmod, std::string_view text) {
  switch (type_oid) {
    case pgoid::kBool:
      if (text == "t") return Ok("1");
      if (text == "f") return Ok("0");
      return Bad("bool", text);
    case pgoid::kBytea: return Bytea(text);
    case pgoid::kFloat4: return Float<float>(text, "float4");
    case pgoid::kFloat8: return Float<double>(text, "float8");
    case pgoid::kTimestamp: return Timestamp(text, typmod, false);
    case pgoid::kTimestamptz: return Timestamp(text, typmod, true);
    case pgoid::kTime: return Time(text, typmod);
    case pgoid::kBit: return Bit(text, typmod);
    default: return Ok(std::string(text));
  }
}

}  // namespace sluice
