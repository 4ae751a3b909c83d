#pragma once
// The difference between the translated (desired) target schema and what the
// target already holds, as the statements `apply` would run. Sluice adds and
// changes; it never drops a target object: what exists only on the target is
// reported and kept.

#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "compiler/translate.h"
#include "dialects/ddl_writer.h"

namespace sluice {

enum class ChangeAction { kCreate, kAlter, kNone };
const char* ChangeSymbol(ChangeAction a);  // "+", "~", "="

struct ObjectChange {
  ChangeAction action = ChangeAction::kCreate;
  std::string kind;                         // "database", "schema", "table", "view"
  std::string name;                         // target name, "schema.table"
  std::string source_name;                  // "" for databases
  std::vector<std::string> details;         // "+ column x int", "~ column y: int -> bigint", ...
  std::vector<std::string> create_sql;      // at schema time: CREATE TABLE, or ALTERs
  std::vector<std::string> index_sql;       // after the copy
  std::vector<std::string> constraint_sql;  // foreign keys and CHECKs: at switchover
  const TranslatedTable* table = nullptr;
  const TranslatedView* view = nullptr;
};

struct SchemaDiff {
  std::vector<ObjectChange> changes;  // databases, then tables, then views, each by name
  int to_add = 0;
  int to_change = 0;
  int unchanged = 0;
  bool target_inspected = false;      // false: no target catalog, everything is new

  bool HasChanges() const { return to_add + to_change > 0; }
};

// `existing` may be null (the target was not inspected: every object is new).
SchemaDiff Diff(const TargetSchema& desired, const Catalog* existing, const DdlWriter& writer);

// Type names compared the way engines report them (case, spaces, integer
// display widths and MariaDB's spellings folded).
bool SameColumnType(const std::string& a, const std::string& b);

}  // namespace sluice
