#pragma once
// How one planned table's values travel from source to target: per column
// the value codec (runtime/value_codec.h), which columns form the key, the
// quoted table names on both sides, and target literals. The full copy and
// change apply share it, so a row lands the same whether it was copied or
// replayed.

#include <optional>
#include <string>
#include <vector>

#include "catalog/sql_connection.h"
#include "runtime/run_plan.h"
#include "runtime/value_codec.h"

namespace sluice {

struct TableColumn {
  std::string source;
  std::string target;
  ColumnCodec codec;
  bool bit_target = false;  // MySQL BIT targets take numbers, not strings
  bool binary = false;      // binary/varbinary/blob: hex literals on MySQL targets
};

struct TableCodec {
  const RunTable* table = nullptr;
  Dialect source = Dialect::kMySQL;
  Dialect target = Dialect::kMySQL;
  std::vector<TableColumn> cols;  // the migrated, non-generated columns, in plan order
  std::vector<size_t> key;        // indexes into cols; empty when keyless
  std::vector<std::vector<size_t>> unique_keys;  // the other unique keys, indexes into cols
  bool keyless = false;
  std::string source_table_sql;
  std::string target_table_sql;

  std::string QuoteSource(const std::string& name) const;
  std::string QuoteTarget(const std::string& name) const;
  // Index into cols of a source column name; nullopt when not migrated.
  std::optional<size_t> FindSource(const std::string& source_name) const;
};

// Throws TaskError when the plan's settings cannot be honoured (e.g. a time
// zone name instead of an offset) or a key column is not migrated.
TableCodec MakeTableCodec(const RunPlan& plan, const RunTable& table);

// A value already in the target's text form (FromCanonical / ConvertValue)
// as a literal of the target's SQL.
std::string TargetTextLiteral(SqlConnection& target, const TableColumn& column, const std::string& target_text);

// A canonical value as a literal of the target's SQL; nullopt with `reason`
// set when the value cannot be represented on the target.
std::optional<std::string> CanonicalTargetLiteral(SqlConnection& target, const TableColumn& column,
                                                  const std::string& canonical, std::string* reason);

std::string HexDigits(std::string_view bytes);

}  // namespace sluice
