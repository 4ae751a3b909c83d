#pragma once
// The canonical row encoding and hash of `sluice verify` (docs/verify.md).
//
// Each side's text for a column is first read into the canonical text of
// docs/values.md (value_codec's ToCanonical, with the side's dialect), then
// normalised further so that equal values give equal bytes whatever engine
// printed them: decimals without insignificant zeros, time fractions without
// trailing zeros, JSON re-serialised with sorted keys, CHAR without its pad,
// floats quantised to the digits the tolerance allows. A row is encoded
// length-prefixed (NULL, '' and 'NULL' are three different encodings; no
// separator can be forged by a value) and hashed with XXH3-128.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/dialect.h"
#include "runtime/value_codec.h"

namespace sluice {

// A 128-bit hash. Multiset hashes add row hashes modulo 2^128 (duplicates
// count, unlike XOR, where two equal rows cancel out).
struct Hash128 {
  uint64_t hi = 0, lo = 0;
  bool operator==(const Hash128&) const = default;
  Hash128& operator+=(const Hash128& o);
  std::string Hex() const;
};

// Relative tolerance of float comparisons: |a - b| <= rel * max(|a|, |b|).
// The defaults match the digits each format is guaranteed to survive a
// decimal round trip with (DBL_DIG = 15, FLT_DIG + 1 = 7); 0 is bit-exact.
struct FloatTolerance {
  double float64 = 1e-14;
  double float32 = 1e-6;
};

// How one column's values are read and compared on one side.
struct VerifyValueSpec {
  ColumnCodec codec;            // codec.source = the dialect that printed the text
  bool target_side = false;     // reading the target (undoes full.time_zone shifts)
  FloatTolerance tolerance;
};

// The normalised canonical text of one non-NULL value. Never fails: a value
// the codec cannot read is kept as its raw text behind a marker, so it still
// compares (and differs from every readable value).
std::string VerifyCanonical(const VerifyValueSpec& spec, std::string_view raw);

// Whether a source value and a target value of a column are equal: their
// normalised texts are, except floats, which are equal within the tolerance
// (compared on the unquantised values). nullopt is NULL.
bool VerifyValuesEqual(const VerifyValueSpec& source_spec, const std::optional<std::string_view>& source_raw,
                       const VerifyValueSpec& target_spec, const std::optional<std::string_view>& target_raw);

// The text a report shows for a value: its canonical text, floats unquantised.
std::string VerifyDisplay(const VerifyValueSpec& spec, std::string_view raw);

// Appends one value to a row encoding: 0x00 for NULL, else 0x01, the length
// as 8 little-endian bytes, and the bytes.
void AppendEncoded(std::string& out, const std::optional<std::string_view>& value);

Hash128 HashBytes(std::string_view bytes);

// --- The same canonical encoding computed inside the databases -------------
//
// A chunk whose every column has a canonical text both engines can print in
// SQL is compared without shipping rows: each side returns its row count and
// the SHA-256 of the concatenation, in key order, of its rows' canonical
// encodings (SqlChunkDigestQuery). Each value is a self-delimiting field:
//
//   'N'                       NULL
//   <text> ','                integers, booleans (0/1), dates, times, timestamps
//                             (texts that are never empty and hold no ',' or 'N')
//   <byte length> ':' <bytes> everything else (strings in UTF-8, decimals,
//                             binary as upper-case hex, ...)
//
// and when both sides are MariaDB, the cheaper form of "everything else":
//
//   <bytes> 0xFF, NULL 0xFE   (bytes that UTF-8 never holds, and MariaDB never
//                             stores in a UTF-8 column)
//
// so the bytes of a chunk determine its rows: ('a,b','c') and ('a','b,c'),
// NULL, '' and 'NULL', values swapped between rows, all hash apart. Equal
// digests mean equal chunks; a column whose texts could be equal for values
// Sluice's own comparison calls different is never put in SQL (floats across
// engines, time zones, JSON across engines, ...): its table is streamed.

// What one side's catalog (information_schema.columns) says about a column.
struct SqlColumnFacts {
  std::string data_type;    // DATA_TYPE, lower case ("int", "varchar", "timestamp without time zone")
  std::string column_type;  // MySQL-family COLUMN_TYPE ("int(5) unsigned zerofill"); "" on PostgreSQL
  std::string charset;      // MySQL-family CHARACTER_SET_NAME; "" when none
  bool nullable = true;
  int scale = -1;           // NUMERIC_SCALE; -1 when the type has no fixed scale
  int fsp = 0;              // MySQL-family DATETIME_PRECISION (fraction digits always printed)
};

struct SqlFieldSide {
  Dialect dialect = Dialect::kMySQL;
  std::string column;           // quoted identifier
  std::string read_expression;  // what the streaming path selects (ColumnCodec::SourceExpression)
  SqlColumnFacts facts;
};

// One column's field, as GROUP_CONCAT arguments (MySQL family) or a text
// expression (PostgreSQL), for each side.
struct SqlField {
  std::string source, target;
};

// Whether the engines SqlChunkDigestQuery supports compute chunk digests.
bool SupportsSqlDigest(Dialect d);

// The canonical field of a column on both sides, or nullopt with *why (the
// table is then streamed). `same_type`: same dialect and same column type on
// both sides, where the engine's own text is canonical for equality.
std::optional<SqlField> CanonicalSqlField(const std::optional<NeutralType>& neutral, bool same_type,
                                          const SqlFieldSide& source, const SqlFieldSide& target, std::string* why);

// SELECT <row count>, <lower-case hex SHA-256 of the chunk's fields, NULL when
// empty> FROM table [WHERE where]. `order_by` lists the key columns; "" keeps
// the scan order (a MySQL-family range scan of the primary key is in key order).
std::string SqlChunkDigestQuery(Dialect d, const std::vector<std::string>& fields, const std::string& table,
                                const std::string& where, const std::string& order_by);

// Normalisers, exposed for tests.
std::string NormaliseDecimal(std::string_view v);
std::string NormaliseFraction(std::string_view v);  // time / timestamp: trailing fraction zeros
std::string NormaliseJson(std::string_view v);      // sorted keys, no spaces; raw text if not JSON
std::string QuantiseFloat(std::string_view v, bool float32, double rel_tolerance);
}  // namespace sluice
