#pragma once
// Resolve: the plan's object rules applied to a real source catalog.
//
// Decides which source tables and views are migrated, their target names,
// which columns go where, and which key each table is copied and synced by.
// Problems are diagnostics at the plan line that caused them: a rename of a
// column that does not exist, a literal table that is not there, two tables
// landing on one name, a table without any usable key.

#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/diagnostics.h"
#include "compiler/plan.h"

namespace sluice {

// Name of the column (and, with "_key" appended, the unique index) Sluice adds
// on the target to a table that has no usable key. Dropped at switchover.
inline constexpr const char* kHiddenKeyColumn = "__sluice_row_id";

enum class KeySource {
  kPrimaryKey,   // the table's primary key
  kUniqueKey,    // a unique index on NOT NULL columns
  kPlanKey,      // `objects[].key` in the plan
  kHiddenKey,    // none: a hidden key column is added on the target
};
const char* KeySourceName(KeySource k);

struct ColumnMap {
  std::string source;   // source column name
  std::string target;   // target column name (renamed or the same)
  Column column;        // the source column as read
};

struct TableMapping {
  std::string source_schema;
  std::string source_table;
  std::string target_schema;
  std::string target_table;
  size_t rule_index = 0;               // index into Plan::objects
  SourceLoc loc;                       // the rule's `from`, for messages
  std::vector<ColumnMap> columns;  // source ordinal order, dropped columns removed
  std::vector<std::string> dropped;    // source columns not migrated
  KeySource key_source = KeySource::kPrimaryKey;
  std::vector<std::string> key;        // source column names of the key (empty for hidden)
  std::string key_index;               // the unique index chosen, for kUniqueKey
  std::string where;                   // row filter in the source dialect, "" when none
  std::optional<int64_t> row_estimate;
  const Table* source = nullptr;       // into the source catalog given to Resolve

  std::string SourceName() const { return source_schema + "." + source_table; }
  std::string TargetName() const { return target_schema + "." + target_table; }
  const ColumnMap* FindBySource(const std::string& name) const;
};

struct ViewMapping {
  std::string source_schema;
  std::string source_view;
  std::string target_schema;
  std::string target_view;
  size_t rule_index = 0;
  SourceLoc loc;
  const View* source = nullptr;
};

struct ResolvedPlan {
  std::vector<TableMapping> tables;  // sorted by source schema, then name
  std::vector<ViewMapping> views;    // in dependency order

  const TableMapping* FindSource(const std::string& schema, const std::string& table) const;
};

// Which rule a source object falls under: a rule whose `from` is a literal
// name wins over globs; among globs the first in the file wins. An object
// matched by its rule's `exclude` is not migrated (it does not fall through
// to later rules).
std::optional<size_t> MatchObjectRule(const Plan& plan, const std::string& schema,
                                      const std::string& name);

// `source` must outlive the result (mappings point into it).
ResolvedPlan Resolve(const Plan& plan, const Catalog& source, DiagnosticSink& diags);

}  // namespace sluice
