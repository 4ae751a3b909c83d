#pragma once
// The state store: what a migration has done so far, so `apply` can be
// re-run after any interruption and pick up where it stopped. One SQLite
// file per plan (<state dir>/state.db), written in transactions, so a kill -9
// at any instant leaves either the old or the new state, never a torn one.
//
// The schema is versioned (meta.schema_version); a store written by a newer
// Sluice is refused rather than misread. Nothing secret is ever stored.
// Behind the StateStore interface so that a shared PostgreSQL store can
// replace it when workers run on several hosts (DESIGN.md).

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sluice {

enum class TaskState { kPending, kRunning, kDone, kFailed, kSkipped };
const char* TaskStateName(TaskState s);  // "pending", "running", "done", "failed", "skipped"

struct TaskRecord {
  std::string id;
  std::string kind;
  TaskState state = TaskState::kPending;
  int attempts = 0;
  std::string error;          // last error, secrets already removed
  double started_at = 0;      // Unix seconds; 0 when never started
  double finished_at = 0;
  int64_t rows = 0;           // rows written (copy tasks)
  int64_t bytes = 0;
  int64_t rows_total = 0;     // expected rows (estimate), for progress
};

// A key range of a table: rows with key > lo (exclusive) and key <= hi
// (inclusive). Both are JSON arrays of canonical key values; "" means
// unbounded on that side.
struct ChunkRecord {
  int64_t no = 0;
  std::string lo;
  std::string hi;
  TaskState state = TaskState::kPending;
  int64_t rows = 0;
  int64_t bytes = 0;
  int attempts = 0;
};

class StateStore {
 public:
  virtual ~StateStore() = default;

  virtual std::optional<std::string> GetMeta(const std::string& key) = 0;
  virtual void SetMeta(const std::string& key, const std::string& value) = 0;

  virtual std::optional<TaskRecord> GetTask(const std::string& id) = 0;
  virtual std::vector<TaskRecord> AllTasks() = 0;
  // Creates the task row if missing (pending); existing rows are kept.
  virtual void EnsureTask(const std::string& id, const std::string& kind) = 0;
  virtual void StartTask(const std::string& id) = 0;  // running, attempts + 1
  virtual void FinishTask(const std::string& id, TaskState state, const std::string& error) = 0;
  virtual void SetTaskProgress(const std::string& id, int64_t rows, int64_t bytes, int64_t rows_total) = 0;

  // The chunk plan of a copy task: saved once, then only states change.
  virtual std::vector<ChunkRecord> GetChunks(const std::string& task_id) = 0;
  virtual void SaveChunks(const std::string& task_id, const std::vector<ChunkRecord>& chunks) = 0;
  virtual void StartChunk(const std::string& task_id, int64_t no) = 0;
  virtual void FinishChunk(const std::string& task_id, int64_t no, int64_t rows, int64_t bytes) = 0;

  virtual std::optional<std::string> GetPosition(const std::string& name) = 0;
  virtual void SetPosition(const std::string& name, const std::string& value) = 0;

  // `sluice stop` asks a running apply to stop at the next safe point.
  virtual void RequestStop() = 0;
  virtual bool StopRequested() = 0;
  virtual void ClearStop() = 0;
};

inline constexpr int kStateSchemaVersion = 1;

// Opens (creating) <dir>/state.db. Throws std::runtime_error with a clear
// message when the directory cannot be created or the file is from a newer
// Sluice or is not a state store.
std::unique_ptr<StateStore> OpenSqliteStateStore(const std::string& dir);

// Opens an existing store read-only for `status`; nullptr when none exists.
std::unique_ptr<StateStore> OpenSqliteStateStoreIfExists(const std::string& dir);

}  // namespace sluice
