#pragma once
// Value conversion for the full copy (and, through the canonical form, for
// change apply): a source engine's text for a column -> the canonical text of
// docs/values.md -> the text the target engine's bulk loader reads for that
// column. A value that cannot be represented on the target is never changed
// silently: the conversion returns the reason, and the copy applies the
// plan's `on_bad_row` / `zero_date` policy.

#include <optional>
#include <string>
#include <string_view>

#include "common/dialect.h"
#include "dialects/types/neutral_type.h"

namespace sluice {

struct ColumnCodec {
  Dialect source = Dialect::kMySQL;
  Dialect target = Dialect::kMySQL;
  std::optional<NeutralType> neutral;  // absent: a `types:` override, passed through as text
  std::string target_type;             // the target column's type text (for messages)
  std::string zero_date = "fail";      // fail | null | reject: MySQL zero dates on a target without them
  int tz_offset_minutes = 0;           // plan full.time_zone for tz values landing in a type without tz
  bool target_has_tz = false;          // the target type keeps a time zone (timestamptz, MySQL TIMESTAMP)

  // The SELECT expression that reads `quoted_column` in a form this codec
  // understands (e.g. MySQL FLOAT widened to double so no digit is lost).
  std::string SourceExpression(const std::string& quoted_column) const;
};

struct Converted {
  enum class Kind { kValue, kNull, kBad };
  Kind kind = Kind::kValue;
  std::string text;    // kValue: the target's text for the value
  std::string reason;  // kBad: why the value cannot be represented
  // kBad because of a MySQL zero date and the policy says null / reject.
  bool zero_date = false;
};

// Source text (NULL handled by the caller) -> target text.
Converted ConvertValue(const ColumnCodec& codec, std::string_view source_text);

// Canonical text of `source_text` (as read from the source), or a reason.
Converted ToCanonical(const ColumnCodec& codec, std::string_view source_text);
// Canonical text -> the target's text.
Converted FromCanonical(const ColumnCodec& codec, std::string_view canonical);

// "YYYY-MM-DD HH:MM:SS[.f]" moved by `minutes`: days roll over correctly
// (proleptic Gregorian), fractions are kept. nullopt when malformed.
std::optional<std::string> ShiftTimestamp(std::string_view ts, int minutes);

// Parses "UTC", "SYSTEM" (as UTC) or "+HH:MM"/"-HH:MM" into minutes east of
// UTC; nullopt for zone names (which need the server's zone tables).
std::optional<int> ParseFixedOffset(const std::string& tz);

// A PostgreSQL array literal ({1,2,"a b",NULL}) as a JSON array; element
// quoting follows `element_is_numeric`. nullopt when malformed.
std::optional<std::string> PgArrayToJson(std::string_view array, bool element_is_numeric);

}  // namespace sluice
