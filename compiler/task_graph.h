#pragma once
// Lowering: the translated schema and the plan's steps become a DAG of typed
// tasks, the unit the runtime executes, checkpoints and retries.
//
// Task ids derive from the plan (kind plus target object), so they are stable
// across runs; the list is topologically sorted with ties broken by id, so
// the same inputs give the same order byte for byte.

#include <optional>
#include <string>
#include <vector>

#include "common/source_file.h"
#include "compiler/diff.h"
#include "compiler/plan.h"
#include "compiler/translate.h"

namespace sluice {

enum class TaskKind {
  kPrecheck,                // connections, privileges, log settings, keys: before any data moves
  kCaptureStart,            // record the source's log position / create the slot, before any row is read
  kSchemaCreate,            // CREATE DATABASE / SCHEMA
  kSchemaTable,             // CREATE TABLE (columns and primary key only) or ALTER for a difference
  kFullTable,               // copy the rows (split into key-range chunks at run time)
  kSchemaIndexes,           // secondary indexes, after the data
  kSchemaView,              // CREATE VIEW, after the tables it reads
  kSchemaConstraints,       // foreign keys and held-back CHECKs, when there is no switchover
  kIncrementalCatchUp,      // replay captured changes until the target has caught up once
  kIncrementalStream,       // keep replaying until switchover stops it (long-running)
  kVerifyTable,             // compare source and target rows
  kSwitchoverStopForward,   // wait for catch-up, stop forward sync, record the final position
  kSwitchoverDropHiddenKeys,
  kSwitchoverAddConstraints,
  kReverseCaptureStart,     // record the target's log position at switchover
  kReverseStream,           // target -> source sync for fall-back (long-running)
};
const char* TaskKindName(TaskKind k);  // "schema.table", "full.table", ...

struct Task {
  std::string id;                 // "full.table:shop.orders"
  TaskKind kind = TaskKind::kPrecheck;
  std::string object;             // target object ("shop.orders"), "" for global tasks
  std::string source_object;      // source object, when there is one
  std::vector<std::string> deps;  // ids, sorted
  std::vector<std::string> sql;   // statements run on the target (schema tasks)
  std::string description;        // one line for humans
  SourceLoc origin;               // the plan line the task comes from
  std::optional<int64_t> row_estimate;
  int64_t chunk_estimate = 0;     // full.table: rows / chunk_rows, rounded up
};

struct TaskGraph {
  std::vector<Task> tasks;  // topological order, ties by id

  const Task* Find(const std::string& id) const;
};

TaskGraph Lower(const Plan& plan, const TargetSchema& target, const SchemaDiff& diff);

}  // namespace sluice
