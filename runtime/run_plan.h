#pragma once
// The runtime's view of a compiled plan: plan.json parsed into typed structs.
// The runtime depends on this file format only, never on the YAML front end,
// so a reviewed plan.json is applied exactly as reviewed.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/dialect.h"
#include "common/dsn.h"
#include "common/secrets.h"

namespace sluice {

struct RunEndpoint {
  Dialect dialect = Dialect::kMySQL;
  Dsn dsn;
  SecretSource password;
  std::string server_version;
  std::optional<uint32_t> server_id;
  std::string slot, publication, kafka_brokers, kafka_topic;
};

struct RunColumn {
  std::string source;
  std::string source_type;
  std::string neutral;      // neutral type text (dialects/types); "" for overrides
  std::string target;
  std::string target_type;
  bool generated = false;   // never read or written by the copy
};

enum class RunKeyKind { kPrimaryKey, kUniqueKey, kPlanKey, kHiddenKey };

struct RunTable {
  std::string source_schema, source_table;
  std::string target_schema, target_table;
  RunKeyKind key_kind = RunKeyKind::kPrimaryKey;
  std::vector<std::string> key;  // source column names
  // The source's other unique keys over migrated columns (source names).
  std::vector<std::vector<std::string>> unique_keys;
  bool hidden_key = false;
  std::string where;             // source-dialect row filter, "" for all rows
  std::optional<int64_t> row_estimate;
  std::vector<RunColumn> columns;
  std::vector<std::string> dropped_columns;  // source columns the plan leaves out

  std::string SourceName() const { return source_schema + "." + source_table; }
  std::string TargetName() const { return target_schema + "." + target_table; }
  const RunColumn* FindSource(const std::string& name) const;
};

struct RunTask {
  std::string id;
  std::string kind;    // "full.table", "schema.table", ... (compiler/task_graph.h)
  std::string object;  // target object name
  std::string source;  // source object name
  std::vector<std::string> deps;
  std::vector<std::string> sql;
  std::string description;
  std::string origin;  // plan file:line:col
};

struct RunSettings {
  int64_t full_parallel = 4;
  int64_t full_chunk_rows = 50000;
  std::string on_bad_row = "fail";   // fail | reject
  std::string reject_file;
  std::string zero_date = "fail";    // fail | null | reject
  std::string target_binlog = "write";  // write | skip: the full copy in a MySQL-family target's binlog
  std::string time_zone = "UTC";
  // incremental
  int64_t incremental_batch_rows = 25000;   // rows per target transaction (source transactions grouped)
  int64_t incremental_parallel = 4;        // apply workers
  std::string incremental_ddl = "apply";   // apply | pause | ignore
  int64_t heartbeat_ms = 10000;
  int64_t buffer_max_bytes = int64_t{8} << 30;      // the on-disk change log while the copy runs
  int64_t retained_warn_bytes = int64_t{1} << 30;   // PostgreSQL slot retention warning
  // verify
  std::string verify_fix = "sql-file";     // sql-file | apply
  std::string verify_fix_sql;              // "" : <state dir>/fix.sql
  int64_t verify_chunk_rows = 10000;
  int64_t verify_parallel = 2;
  // retry
  int64_t retry_attempts = 8;
  int64_t backoff_min_ms = 200;
  int64_t backoff_max_ms = 30000;
};

struct RunPlan {
  std::string name;
  std::string plan_file;
  std::string plan_fingerprint;
  std::string source_schema_fingerprint;
  RunEndpoint source, target;
  std::vector<std::string> steps;
  RunSettings settings;
  std::vector<RunTable> tables;
  std::vector<RunTask> tasks;
  nlohmann::ordered_json source_schema;  // the planned source catalog (for the stale check)

  const RunTable* FindTableByTarget(const std::string& target_name) const;
  bool HasStep(const std::string& step) const;
};

// Parses plan.json. Returns nullopt and sets *error (naming the bad field)
// when the document is not a plan this Sluice can run.
std::optional<RunPlan> ParseRunPlan(const nlohmann::ordered_json& json, std::string* error);

}  // namespace sluice
