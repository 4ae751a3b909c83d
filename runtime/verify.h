#pragma once
// Full verification (`sluice verify`, the plan's `verify` step): every
// selected table compared after mapping (renames, dropped columns, row
// filters, type conversions), the source being the baseline.
//
// A table with a key is compared in key-range chunks: both sides of a chunk
// are streamed at once, each row reduced to its canonical key and a 128-bit
// hash of its canonical encoding (verify_canonical.h); rows whose hashes
// differ, or that exist on one side only, are then compared column by column.
// A table without a key is compared as a multiset: row count plus the sum of
// its row hashes modulo 2^128 (duplicates count).
//
// While changes still stream, a difference may only be lag: `RecheckPolicy`
// re-reads the differing rows after a delay, or once a caller-supplied
// "caught up" callback returns, and only differences that persist are
// reported. Correction SQL makes the target match the source.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runtime/endpoints.h"
#include "runtime/executor.h"
#include "runtime/run_plan.h"
#include "runtime/verify_canonical.h"

namespace sluice {

enum class FixMode { kNone, kSqlFile, kApply };

// A difference seen once may be replication lag. Before reporting, the rows
// that differ are re-read `rounds` times; before each round Sluice waits for
// `caught_up` (when set: it returns once the target has applied everything
// the source had when it was called) and then `delay`.
struct RecheckPolicy {
  int rounds = 0;
  std::chrono::milliseconds delay{0};
  std::function<void()> caught_up;
};

struct VerifyRunOptions {
  int64_t chunk_rows = 10000;
  int parallel = 2;
  FixMode fix = FixMode::kNone;
  std::string fix_sql;            // where correction SQL is written ("" with kSqlFile: none written)
  int64_t fix_batch_rows = 500;   // statements per transaction when applying
  FloatTolerance tolerance;
  RecheckPolicy recheck;
  // Compare chunks by digests computed in the databases when every column has
  // a canonical SQL text on both sides (verify_canonical.h); chunks whose
  // digests differ are streamed. false: stream every chunk.
  bool in_database = true;
  std::vector<std::string> tables;  // globs on the target (or source) name; empty: all
  size_t max_rows_reported = 1000;  // per table and kind; counts stay exact
  size_t max_value_chars = 60;      // longer values are shortened in reports
  std::function<bool()> stop_requested;
};

struct ColumnDiff {
  std::string column;         // target name
  std::string source_column;  // source name
  std::optional<std::string> source, target;  // display texts (shortened), nullopt = NULL
};

enum class RowDiffKind { kMissing, kExtra, kDiffering };
const char* RowDiffKindName(RowDiffKind k);  // "missing", "extra", "differing"

struct RowDiff {
  RowDiffKind kind = RowDiffKind::kDiffering;
  std::vector<std::pair<std::string, std::string>> key;  // target column name, display value
  std::vector<ColumnDiff> columns;                       // kDiffering only
};

struct TableReport {
  std::string source, target;  // qualified names
  bool keyed = true;
  int64_t rows_checked = 0;    // source rows compared
  int64_t rows_target = 0;     // target rows seen
  int64_t missing = 0, extra = 0, differing = 0;
  int64_t resolved_by_recheck = 0;  // differences seen once, gone when re-read
  // Keyed tables: chunks compared, those whose in-database digests were
  // equal (no row shipped), and those streamed row by row (no digest for the
  // table's columns, or digests that differed).
  int64_t chunks = 0, chunks_equal_in_database = 0, chunks_streamed = 0;
  bool multiset_differs = false;    // keyless tables
  std::string source_hash, target_hash;  // keyless: the multiset hashes
  std::vector<RowDiff> rows;        // the first max_rows_reported of each kind, in key order
  std::vector<std::string> notes;
  std::string error;                // set when the table could not be verified
  // Correction.
  int64_t fix_statements = 0;
  bool fix_applied = false;
  bool fixed = false;               // applied, and the re-verified rows are now equal
  std::string fix_error;

  bool differs() const { return missing + extra + differing > 0 || multiset_differs; }
};

struct VerifyReport {
  std::vector<TableReport> tables;
  std::string fix_sql_path;  // written, or ""
  double seconds = 0;
  bool has_errors() const;
  bool has_differences() const;  // differences not fixed
};

// Verifies one table of the plan. Correction SQL for it is returned in
// *fix_sql (target dialect, one statement per line) when fix is not kNone,
// and applied when kApply. Never throws for a database error: it lands in
// TableReport::error.
TableReport VerifyTable(const RunPlan& plan, const RunTable& table, const Endpoints& endpoints,
                        const VerifyRunOptions& options, std::string* fix_sql);

// Verifies the plan's tables matching options.tables, writes options.fix_sql
// when there is something to correct.
VerifyReport VerifyPlan(const RunPlan& plan, const Endpoints& endpoints, const VerifyRunOptions& options);

// Whether options.tables selects the table (fnmatch globs on either name).
bool VerifySelects(const VerifyRunOptions& options, const RunTable& table);

// 0 equal (or everything fixed), 2 differences, 1 error.
int VerifyExitCode(const VerifyReport& report);
std::string RenderVerifyText(const VerifyReport& report);
nlohmann::ordered_json VerifyReportJson(const VerifyReport& report);

// The plan's settings.verify (fix, fix_sql, chunk_rows, parallel) applied to
// options: fix "sql-file" (default) writes `fix_sql`, or <state dir>/fix.sql
// when it is empty; "apply" also applies it; "none" reports only. Unknown
// values and non-positive sizes are errors. `sluice verify`'s flags are
// applied after this, so they override the plan.
bool ApplyVerifySettings(const RunSettings& settings, const std::string& state_dir, VerifyRunOptions* options,
                         std::string* error);

// The runner of task kind "verify.table" for `apply`: the plan's verify
// settings as ApplyVerifySettings reads them; a table that still differs
// (after the correction, with fix: apply) fails its task (so switchover
// waits), naming the fix file.
std::shared_ptr<TaskRunner> MakeVerifyRunner(const Endpoints& endpoints, const std::string& state_dir);

}  // namespace sluice
