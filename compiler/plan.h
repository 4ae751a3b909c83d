#pragma once
// The typed plan: what a plan file says once it has been loaded and
// validated. Every value keeps the location it came from so later stages
// (resolve, translate, lower) can point back at the YAML.
//
// Secrets are never held here: a password is a reference (an environment
// variable name or a file path), read only when a connection is opened.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/dialect.h"
#include "common/source_file.h"
#include "common/dsn.h"
#include "compiler/name_glob.h"

namespace sluice {

// In the order they run, whatever order the plan lists them in.
enum class Step { kSchema, kFull, kIncremental, kVerify, kSwitchover, kReverse };
const char* StepName(Step s);
std::optional<Step> ParseStep(const std::string& name);
std::vector<std::string> StepNames();

template <typename T>
struct Located {
  T value{};
  SourceLoc loc;  // invalid when the value is a default
};

// Where a password comes from. Only the reference is stored.
struct SecretRef {
  enum class Kind { kNone, kEnv, kFile };
  Kind kind = Kind::kNone;
  std::string name;  // environment variable name, or file path
  SourceLoc loc;
};

// Change-capture settings of one endpoint (used for the source by
// `incremental`, for the target by `reverse`).
struct CaptureOptions {
  std::optional<uint32_t> server_id;  // MySQL family: replica server id of the binlog client
  std::string slot;                   // PostgreSQL: replication slot name
  std::string publication;            // PostgreSQL: publication name
  std::string kafka_brokers;          // TiDB: TiCDC's Kafka sink (canal-json)
  std::string kafka_topic;
  SourceLoc loc;
};

struct Endpoint {
  SourceLoc loc;
  Located<Dialect> dialect;
  Located<std::string> version;  // server version hint, e.g. "8.0"; empty = detect
  Located<Dsn> dsn;
  SecretRef password;
  CaptureOptions capture;
};

struct ColumnMapping {
  std::vector<std::pair<Located<std::string>, Located<std::string>>> rename;  // from -> to
  std::vector<Located<std::string>> drop;
};

// One entry of `objects`: which source tables, and where they go.
struct ObjectRule {
  SourceLoc loc;
  Located<NameGlob> from;
  std::vector<Located<NameGlob>> exclude;
  Located<NameTemplate> to;  // default {schema}.{table}
  ColumnMapping columns;
  Located<std::string> where;                 // row filter, source dialect SQL expression
  std::vector<Located<std::string>> key;      // key columns for a table without one
};

// One entry of `types`: an override of the dialect rules; first match wins.
struct TypeRule {
  SourceLoc loc;
  Located<std::string> match_type;      // source type name, e.g. "jsonb"
  std::optional<Located<NameGlob>> match_column;  // schema.table.column
  Located<std::string> to;              // target type, e.g. "decimal(18,4)"
};

enum class BadRowPolicy { kFail, kReject };
enum class ZeroDatePolicy { kFail, kNull, kReject };
// Whether the full copy's rows go to a MySQL-family target's binary log.
enum class TargetBinlogPolicy { kWrite, kSkip };
enum class DdlPolicy { kApply, kPause, kIgnore };
enum class FixPolicy { kNone, kSqlFile, kApply };

struct FullOptions {
  Located<int64_t> parallel{4, {}};
  Located<int64_t> chunk_rows{50000, {}};
  Located<BadRowPolicy> on_bad_row{BadRowPolicy::kFail, {}};
  Located<std::string> reject_file;  // default: <state dir>/rejects.tsv
  Located<ZeroDatePolicy> zero_date{ZeroDatePolicy::kFail, {}};
  Located<std::string> time_zone{"UTC", {}};
  Located<TargetBinlogPolicy> target_binlog{TargetBinlogPolicy::kWrite, {}};
};

struct IncrementalOptions {
  Located<int64_t> batch_rows{25000, {}};
  Located<int64_t> parallel{4, {}};
  Located<DdlPolicy> ddl{DdlPolicy::kApply, {}};
  Located<int64_t> heartbeat_ms{10000, {}};
  Located<uint64_t> buffer_max_bytes{8ull << 30, {}};
  Located<uint64_t> retained_warn_bytes{1ull << 30, {}};
};

struct VerifyOptions {
  Located<FixPolicy> fix{FixPolicy::kSqlFile, {}};
  Located<std::string> fix_sql;  // default: <state dir>/fix.sql
  Located<int64_t> chunk_rows{10000, {}};
  Located<int64_t> parallel{2, {}};
};

struct RetryOptions {
  Located<int64_t> attempts{8, {}};
  Located<int64_t> backoff_min_ms{200, {}};
  Located<int64_t> backoff_max_ms{30000, {}};
};

struct Plan {
  std::shared_ptr<const SourceFile> file;
  Located<int64_t> version;
  Located<std::string> name;
  Endpoint source;
  Endpoint target;
  std::vector<Located<Step>> steps;  // sorted in run order, no duplicates
  std::vector<ObjectRule> objects;
  std::vector<TypeRule> types;
  FullOptions full;
  IncrementalOptions incremental;
  VerifyOptions verify;
  RetryOptions retry;

  bool HasStep(Step s) const;
};

}  // namespace sluice
