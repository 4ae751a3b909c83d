#pragma once
// PostgreSQL text values -> the canonical text forms of docs/values.md.
//
// pgoutput sends every column in the walsender's text output format, which
// depends on session settings (DateStyle, TimeZone, IntervalStyle,
// extra_float_digits, bytea_output). The replication connection pins them with
// kPgCanonicalSessionOptions; a full-copy reader that wants byte-identical
// text for the types passed through (arrays, intervals, dates) should set the
// same options on its connections.

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

// libpq "options" value (server -c settings) that fixes every setting the
// text output of a value depends on.
inline constexpr const char* kPgCanonicalSessionOptions =
    "-c DateStyle=ISO,YMD -c TimeZone=UTC -c IntervalStyle=postgres -c extra_float_digits=1 "
    "-c bytea_output=hex";

// Built-in type OIDs (pg_type.dat) the converter treats specially.
namespace pgoid {
inline constexpr uint32_t kBool = 16;
inline constexpr uint32_t kBytea = 17;
inline constexpr uint32_t kInt8 = 20;
inline constexpr uint32_t kInt2 = 21;
inline constexpr uint32_t kInt4 = 23;
inline constexpr uint32_t kText = 25;
inline constexpr uint32_t kJson = 114;
inline constexpr uint32_t kFloat4 = 700;
inline constexpr uint32_t kFloat8 = 701;
inline constexpr uint32_t kBpchar = 1042;
inline constexpr uint32_t kVarchar = 1043;
inline constexpr uint32_t kDate = 1082;
inline constexpr uint32_t kTime = 1083;
inline constexpr uint32_t kTimestamp = 1114;
inline constexpr uint32_t kTimestamptz = 1184;
inline constexpr uint32_t kInterval = 1186;
inline constexpr uint32_t kTimetz = 1266;
inline constexpr uint32_t kBit = 1560;
inline constexpr uint32_t kVarbit = 1562;
inline constexpr uint32_t kNumeric = 1700;
inline constexpr uint32_t kUuid = 2950;
inline constexpr uint32_t kJsonb = 3802;
// OIDs below this are built in (FirstNormalObjectId); user types (enums,
// domains, composites) are above and need a PgTypeResolver.
inline constexpr uint32_t kFirstNormalObjectId = 16384;
}  // namespace pgoid

// Name of a built-in type OID for messages ("timestamptz"), or "oid 12345".
std::string PgTypeName(uint32_t oid);

struct PgCanonicalValue {
  bool ok = false;
  std::string text;   // canonical text when ok
  std::string error;  // what is wrong with the input when !ok
};

// `text` is PostgreSQL's output (under kPgCanonicalSessionOptions) of a value
// of built-in type `type_oid` with type modifier `typmod` (-1: none). Types
// whose PostgreSQL text already is canonical (integers, numeric, text, json,
// uuid, date, interval, arrays, enums, ...) pass through unchanged:
//   bool         t / f                          -> 1 / 0
//   bytea        \x0aff                         -> the raw bytes
//   float4/8     shortest round-trip; Infinity  -> inf, -inf, nan
//   timestamp(p) fraction padded to p digits (p = 6 without typmod)
//   timestamptz  converted to UTC, offset dropped, fraction padded
//   time(p)      fraction padded to p digits
//   bit(n)       '0101' -> big-endian bytes, ceil(n/8) of them
PgCanonicalValue PgTextToCanonical(uint32_t type_oid, int32_t typmod, std::string_view text);

}  // namespace sluice
