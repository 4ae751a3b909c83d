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

// Normalisers, exposed for tests.
std::string NormaliseDecimal(std::string_view v);
std::string NormaliseFraction(std::string_view v);  // time / timestamp: trailing fraction zeros
std::string NormaliseJson(std::string_view v);      // sorted keys, no spaces; raw text if not JSON
std::string QuantiseFloat(std::string_view v, bool float32, double rel_tolerance);
}  // namespace sluice
