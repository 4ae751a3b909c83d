#pragma once
// A column type as written in one engine's SQL ("native"), broken into parts.
// Produced by the type-name parser (grammar/) from text such as
//   int(11) unsigned zerofill · decimal(10,2) · enum('a','b') · varchar(20) CHARACTER SET utf8mb4
//   character varying(20) · timestamp(3) with time zone · numeric · integer[] · public.mood
// and by catalog readers from structured catalog columns. The type rules in
// dialects/types/ map a TypeName to the neutral type system and back.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice {

struct TypeName {
  // Lower-case base name with multi-word names normalised to single spaces:
  // "int", "bigint", "character varying", "double precision", "timestamp",
  // "time", "enum", "set", "bit varying". Schema-qualified user types keep
  // their qualifier in `schema` and the name as written in `name`.
  std::string name;
  std::string schema;                // user-defined types (PostgreSQL enums, domains)
  std::vector<int64_t> params;       // (p) or (p,s) or (n); empty when absent
  std::vector<std::string> labels;   // enum / set labels, unescaped, in order
  bool is_unsigned = false;          // MySQL family
  bool zerofill = false;             // MySQL family
  // timestamp / time: nullopt when not stated; true for "with time zone" and
  // PostgreSQL's timestamptz / timetz aliases (name stays "timestamp"/"time").
  std::optional<bool> with_time_zone;
  std::string interval_fields;       // PostgreSQL interval field restriction, e.g. "day to second"
  int array_dims = 0;                // PostgreSQL: integer[] -> 1, integer[][] -> 2
  std::string charset;               // CHARACTER SET / CHARSET clause
  std::string collation;             // COLLATE clause
  bool binary = false;               // MySQL BINARY attribute (varchar(10) BINARY): the charset's _bin collation
  std::optional<int64_t> srid;       // MySQL spatial types: SRID n
  std::string raw;                   // the text it was parsed from (may be empty)

  bool operator==(const TypeName&) const = default;
};

}  // namespace sluice
