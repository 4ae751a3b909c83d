#pragma once
// The neutral type system: the one vocabulary every dialect maps to and from,
// so N engines need 2N rule tables instead of N². A NeutralType prints as
// short text ("decimal(18,4)", "timestamp(6) with tz", "varchar(255) charset
// utf8mb4 collate utf8mb4_bin"), which appears in `sluice plan` output and in
// the rule files, and parses back from the same text.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

enum class NeutralKind {
  kBool,
  kInt8, kInt16, kInt24, kInt32, kInt64,
  kUInt8, kUInt16, kUInt24, kUInt32, kUInt64,
  kDecimal,        // decimal(p,s); precision < 0 means unbounded (PostgreSQL numeric)
  kFloat32, kFloat64,
  kChar, kVarchar, kText,            // text has a size class
  kBinary, kVarbinary, kBlob,        // blob has a size class
  kDate,
  kTime,           // time(p) [with tz]
  kTimestamp,      // timestamp(p) [with tz] [range(1970..Y)]
  kYear,
  kInterval,       // interval [(p)] [fields ...]
  kJson,           // jsonb flag: normalised binary form, key order and duplicates not kept
  kUuid,
  kEnum, kSet,     // labels
  kBit,            // bit(n), fixed width
  kVarbit,         // bit varying(n)
  kArray,          // array(T)
  kGeometry,       // geometry[(subtype[,srid])] — OGC spatial (MySQL GIS, PostGIS)
  kVector,         // vector(n) of float32 (MySQL 9, MariaDB 11.7, TiDB 8.4, OceanBase 4.3, pgvector)
  // Engine-specific families, named so rules can speak about them precisely.
  kInet, kCidr, kMacaddr, kMacaddr8,  // PostgreSQL network types
  kInet4, kInet6,                     // MariaDB INET4 / INET6
  kMoney, kXml, kTsvector, kTsquery,  // PostgreSQL
  kRange, kMultirange,                // PostgreSQL range types: range(T)
  kGeometric,                         // PostgreSQL built-in geometric(point|line|lseg|box|path|polygon|circle)
  kPgLsn,                             // PostgreSQL pg_lsn
};

// Size classes of text and blob, named after MySQL's TINY/-/MEDIUM/LONG.
enum class SizeClass { kTiny, kNormal, kMedium, kLong };
// Largest value of a size class in bytes: 255, 65535, 16777215, 4294967295.
int64_t SizeClassMaxBytes(SizeClass c);
const char* SizeClassName(SizeClass c);  // "tiny", "normal", "medium", "long"

struct NeutralType {
  NeutralKind kind = NeutralKind::kInt32;
  int64_t length = -1;     // char/varchar/binary/varbinary/bit/varbit/vector: n; -1 when absent
  int precision = -1;      // decimal p (-1 unbounded); time/timestamp/interval fsp (-1 unstated)
  int scale = 0;           // decimal s (may be negative in PostgreSQL 15+)
  SizeClass size = SizeClass::kNormal;  // text / blob
  bool is_unsigned = false;  // decimal / float32 / float64 (integers carry it in the kind)
  int display_width = 0;     // integers: MySQL display width, 0 when none
  bool zerofill = false;     // integers, decimal, floats
  bool with_tz = false;      // time / timestamp
  // timestamp with tz stored as seconds since 1970 (MySQL TIMESTAMP): the last
  // year it can hold (2038, or 2106 for MariaDB >= 11.5); 0 = full range.
  int range_end_year = 0;
  bool jsonb = false;
  std::string charset;     // char/varchar/text/enum/set; empty = the target's default
  std::string collation;   // likewise
  std::vector<std::string> labels;  // enum / set
  std::string subtype;     // geometry subtype ("point"), geometric kind ("box"), interval fields ("day to second")
  int64_t srid = -1;       // geometry
  std::vector<NeutralType> element;  // array / range / multirange: exactly one element type

  bool operator==(const NeutralType&) const = default;
};

// "int32", "decimal", "varchar", ... (the head word of the printed form).
const char* NeutralKindName(NeutralKind k);
std::optional<NeutralKind> ParseNeutralKindName(std::string_view name);
std::vector<std::string> NeutralKindNames();

bool IsIntegerKind(NeutralKind k);
bool IsCharacterKind(NeutralKind k);  // char, varchar, text, enum, set: carry charset/collation

// Text form, e.g. "uint64 display(20) zerofill", "decimal(18,4)", "text(medium) charset utf8mb4",
// "timestamp(0) with tz range(1970..2038)", "enum('a','b''c')", "array(int32)".
std::string ToString(const NeutralType& t);

// Parses the text form back. Returns nullopt and sets *error when the text is
// not a neutral type. ParseNeutralType(ToString(t)) == t for every t.
std::optional<NeutralType> ParseNeutralType(std::string_view text, std::string* error);

// Bytes one character can take in a charset (utf8mb4 4, utf8mb3 3, latin1 1, ...);
// 4 for an empty or unknown charset (the safe assumption).
int MaxBytesPerChar(std::string_view charset);

}  // namespace sluice
