#pragma once
// Interpreting what pg_catalog reports: type names from format_type and
// typmod, defaults from pg_get_expr, constraint and partition-key text,
// int2vector columns and trigger type bits. Pure functions, unit-tested
// without a server.

#include <string>
#include <vector>

#include "catalog/catalog.h"

namespace sluice {

// What the reader fetches about a column's (or domain's) type.
struct PgTypeInfo {
  std::string raw;             // format_type(atttypid, atttypmod): "character varying(20)", "integer[]"
  int typmod = -1;             // atttypmod (applies to the element type of arrays)
  bool is_array = false;       // pg_type.typcategory = 'A'
  int ndims = 0;               // attndims (0 when not declared)
  std::string base_canonical;  // format_type(element type, NULL): "character varying", "timestamp with time zone"
  std::string base_typname;    // pg_type.typname of the element type: "varchar", "mood"
  std::string base_typtype;    // b(ase) e(num) d(omain) c(omposite) r(ange) m(ultirange) p(seudo)
  std::string base_schema;     // namespace of the element type
};

TypeName PgTypeName(const PgTypeInfo& info);

// pg_get_expr(adbin) classified: nextval('s'::regclass) -> kSequence "s";
// 'abc'::text, 42, -1.5, true -> kLiteral; NULL::text -> kNone; anything
// else (now(), CURRENT_TIMESTAMP, gen_random_uuid()) -> kExpression.
ColumnDefault PgColumnDefault(const std::string& expr);

// pg_get_constraintdef of a CHECK: "CHECK ((a > 0)) NOT VALID" -> "(a > 0)".
std::string PgCheckExpression(const std::string& constraintdef);

// pg_get_partkeydef: "RANGE (placed)" -> {"range", "placed"}.
std::pair<std::string, std::string> PgPartitionKey(const std::string& keydef);

// int2vector / oidvector text "1 0 3" -> {1, 0, 3}.
std::vector<int> ParsePgIntVector(const std::string& text);

// pg_trigger.tgtype bits -> timing (BEFORE / AFTER / INSTEAD OF), events in
// INSERT, UPDATE, DELETE, TRUNCATE order, orientation (ROW / STATEMENT).
struct PgTriggerType {
  std::string timing;
  std::vector<std::string> events;
  std::string orientation;
};
PgTriggerType DecodePgTriggerType(int tgtype);

}  // namespace sluice
