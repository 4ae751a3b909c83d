// SQLite state store. One connection, serialised by a mutex (workers are few
// and each write is tiny); WAL journal so `sluice status` can read while
// `apply` writes; synchronous=FULL so a committed checkpoint survives a crash
// of the machine, not just of the process.
//
// Readers (`status`, `stop`) open an existing file read-write but never
// create one: after a kill -9 of `apply` the newest commits may sit in the
// WAL only, and a read-only connection cannot recover a WAL whose index
// (-shm) is missing or stale; a read-write one replays it. Such an open
// changes no state and creates no directory.

#include "runtime/state_store.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>

namespace sluice {

const char* TaskStateName(TaskState s) {
  switch (s) {
    case TaskState::kPending: return "pending";
    case TaskState::kRunning: return "running";
    case TaskState::kDone: return "done";
    case TaskState::kFailed: return "failed";
    case TaskState::kSkipped: return "skipped";
  }
  return "?";
}

namespace {

TaskState ParseState(const std::string& s) {
  if (s == "running") return TaskState::kRunning;
  if (s == "done") return TaskState::kDone;
  if (s == "failed") return TaskState::kFailed;
  if (s == "skipped") return TaskState::kSkipped;
  return TaskState::kPending;
}

double Now() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count() / 1e6;
}

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tasks (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '', started_at REAL NOT NULL DEFAULT 0, finished_at REAL NOT NULL DEFAULT 0,
  rows INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0, rows_total INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS chunks (
  task_id TEXT NOT NULL, no INTEGER NOT NULL, lo TEXT NOT NULL, hi TEXT NOT NULL, state TEXT NOT NULL,
  rows INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (task_id, no));
CREATE TABLE IF NOT EXISTS positions (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS control (key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql";

class SqliteStateStore : public StateStore {
 public:
  // kCreate: the writer of `apply`; kExisting: a reader that must see the
  // latest commit, WAL included, and never creates the file.
  enum class Mode { kCreate, kExisting };

  SqliteStateStore(const std::string& path, Mode mode) {
    int flags = SQLITE_OPEN_READWRITE | (mode == Mode::kCreate ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw std::runtime_error("cannot open the state store " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db_, 10000);
    try {
      std::optional<std::string> version;
      if (mode == Mode::kCreate) {
        Exec("PRAGMA journal_mode=WAL");
        Exec("PRAGMA synchronous=FULL");
        Exec(kSchema);
        version = GetMetaLocked("schema_version");
        if (!version) SetMetaLocked("schema_version", std::to_string(kStateSchemaVersion));
      } else {
        // The first read replays the WAL a killed writer left behind. A file
        // that a writer created but never got to fill reads as empty.
        empty_ = !HasTable("meta");
        if (!empty_) version = GetMetaLocked("schema_version");
      }
      if (version && *version != std::to_string(kStateSchemaVersion)) {
        throw std::runtime_error("the state store " + path + " has schema version " + *version +
                                 "; this Sluice reads version " + std::to_string(kStateSchemaVersion) +
                                 " (use the Sluice that wrote it, or a new --state-dir)");
      }
    } catch (...) {
      sqlite3_close(db_);
      db_ = nullptr;
      throw;
    }
  }

  // A reader's file holds no state yet (created, killed before the schema).
  bool empty() const { return empty_; }
  ~SqliteStateStore() override { sqlite3_close(db_); }

  std::optional<std::string> GetMeta(const std::string& key) override {
    std::lock_guard<std::mutex> lock(mu_);
    return GetMetaLocked(key);
  }
  void SetMeta(const std::string& key, const std::string& value) override {
    std::lock_guard<std::mutex> lock(mu_);
    SetMetaLocked(key, value);
  }

  std::optional<TaskRecord> GetTask(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(db_, "SELECT id, kind, state, attempts, error, started_at, finished_at, rows, bytes, rows_total "
                "FROM tasks WHERE id = ?");
    s.Bind(1, id);
    if (!s.Step()) return std::nullopt;
    return ReadTask(s);
  }

  std::vector<TaskRecord> AllTasks() override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(db_, "SELECT id, kind, state, attempts, error, started_at, finished_at, rows, bytes, rows_total "
                "FROM tasks ORDER BY id");
    std::vector<TaskRecord> out;
    while (s.Step()) out.push_back(ReadTask(s));
    return out;
  }

  void EnsureTask(const std::string& id, const std::string& kind) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(db_, "INSERT OR IGNORE INTO tasks (id, kind, state) VALUES (?, ?, 'pending')");
    s.Bind(1, id);
    s.Bind(2, kind);
    s.Run();
  }

  void StartTask(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(db_, "UPDATE tasks SET state = 'running', attempts = attempts + 1, error = '', started_at = ? WHERE id = ?");
    s.Bind(1, Now());
    s.Bind(2, id);
    s.Run();
  }

  void FinishTask(const std::string& id, TaskState state, const std::string& error) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(db_, "UPDATE tasks SET state = ?, error = ?, finished_at = ? WHERE id = ?");
    s.Bind(1, TaskStateName(state));
    s.Bind(2, error);
    s.Bind(3, Now());
    s.Bind(4, id);
    s.Run();
  }

  void SetTaskProgress(const std::string& id, int64_t rows, int64_t bytes, int64_t rows_total) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(db_, "UPDATE tasks SET rows = ?, bytes = ?, rows_total = ? WHERE id = ?");
    s.Bind(1, rows);
    s.Bind(2, bytes);
    s.Bind(3, rows_total);
    s.Bind(4, id);
    s.Run();
  }

  std::vector<ChunkRecord> GetChunks(const std::string& task_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(db_, "SELECT no, lo, hi, state, rows, bytes, attempts FROM chunks WHERE task_id = ? ORDER BY no");
    s.Bind(1, task_id);
    std::vector<ChunkRecord> out;
    while (s.Step()) {
      ChunkRecord c;
      c.no = s.Int(0);
      c.lo = s.Text(1);
      c.hi = s.Text(2);
      c.state = ParseState(s.Text(3));
      c.rows = s.Int(4);
      c.bytes = s.Int(5);
      c.attempts = static_cast<int>(s.Int(6));
      out.push_back(std::move(c));
    }
    return out;
  }

  void SaveChunks(const std::string& task_id, const std::vector<ChunkRecord>& chunks) override {
    std::lock_guard<std::mutex> lock(mu_);
    Exec("BEGIN IMMEDIATE");
    try {
      Stmt del(db_, "DELETE FROM chunks WHERE task_id = ?");
      del.Bind(1, task_id);
      del.Run();
      Stmt ins(db_, "INSERT INTO chunks (task_id, no, lo, hi, state) VALUES (?, ?, ?, ?, 'pending')");
      for (const auto& c : chunks) {
        ins.Reset();
        ins.Bind(1, task_id);
        ins.Bind(2, c.no);
        ins.Bind(3, c.lo);
        ins.Bind(4, c.hi);
        ins.Run();
      }
      Exec("COMMIT");
    } catch (...) {
      Exec("ROLLBACK");
      throw;
    }
  }

  void StartChunk(const std::string& task_id, int64_t no) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(db_, "UPDATE chunks SET state = 'running', attempts = attempts + 1 WHERE task_id = ? AND no = ?");
    s.Bind(1, task_id);
    s.Bind(2, no);
    s.Run();
  }

  void FinishChunk(const std::string& task_id, int64_t no, int64_t rows, int64_t bytes) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(db_, "UPDATE chunks SET state = 'done', rows = ?, bytes = ? WHERE task_id = ? AND no = ?");
    s.Bind(1, rows);
    s.Bind(2, bytes);
    s.Bind(3, task_id);
    s.Bind(4, no);
    s.Run();
  }

  std::optional<std::string> GetPosition(const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(db_, "SELECT value FROM positions WHERE name = ?");
    s.Bind(1, name);
    if (!s.Step()) return std::nullopt;
    return s.Text(0);
  }

  void SetPosition(const std::string& name, const std::string& value) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(db_, "INSERT INTO positions (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value");
    s.Bind(1, name);
    s.Bind(2, value);
    s.Run();
  }

  void RequestStop() override {
    std::lock_guard<std::mutex> lock(mu_);
    Exec("INSERT INTO control (key, value) VALUES ('stop', '1') ON CONFLICT(key) DO UPDATE SET value = '1'");
  }
  bool StopRequested() override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(db_, "SELECT value FROM control WHERE key = 'stop'");
    return s.Step() && s.Text(0) == "1";
  }
  void ClearStop() override {
    std::lock_guard<std::mutex> lock(mu_);
    Exec("DELETE FROM control WHERE key = 'stop'");
  }

 private:
  // A prepared statement; throws on errors with SQLite's message.
  class Stmt {
   public:
    Stmt(sqlite3* db, const char* sql) : db_(db) {
      if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) Fail();
    }
    ~Stmt() { sqlite3_finalize(stmt_); }
    void Bind(int i, const std::string& v) { sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
    void Bind(int i, const char* v) { Bind(i, std::string(v)); }
    void Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
    void Bind(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
    bool Step() {
      int rc = sqlite3_step(stmt_);
      if (rc == SQLITE_ROW) return true;
      if (rc == SQLITE_DONE) return false;
      Fail();
    }
    void Run() { Step(); }
    void Reset() { sqlite3_reset(stmt_); sqlite3_clear_bindings(stmt_); }
    int64_t Int(int col) { return sqlite3_column_int64(stmt_, col); }
    double Real(int col) { return sqlite3_column_double(stmt_, col); }
    std::string Text(int col) {
      const unsigned char* t = sqlite3_column_text(stmt_, col);
      return t ? std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(stmt_, col)) : "";
    }

   private:
    [[noreturn]] void Fail() { throw std::runtime_error(std::string("state store: ") + sqlite3_errmsg(db_)); }
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
  };

  TaskRecord ReadTask(Stmt& s) {
    TaskRecord t;
    t.id = s.Text(0);
    t.kind = s.Text(1);
    t.state = ParseState(s.Text(2));
    t.attempts = static_cast<int>(s.Int(3));
    t.error = s.Text(4);
    t.started_at = s.Real(5);
    t.finished_at = s.Real(6);
    t.rows = s.Int(7);
    t.bytes = s.Int(8);
    t.rows_total = s.Int(9);
    return t;
  }

  std::optional<std::string> GetMetaLocked(const std::string& key) {
    Stmt s(db_, "SELECT value FROM meta WHERE key = ?");
    s.Bind(1, key);
    if (!s.Step()) return std::nullopt;
    return s.Text(0);
  }
  void SetMetaLocked(const std::string& key, const std::string& value) {
    Stmt s(db_, "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    s.Bind(1, key);
    s.Bind(2, value);
    s.Run();
  }
  bool HasTable(const char* name) {
    Stmt s(db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    s.Bind(1, name);
    return s.Step();
  }
  void Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw std::runtime_error("state store: " + msg);
    }
  }

  std::mutex mu_;
  sqlite3* db_ = nullptr;
  bool empty_ = false;
};

}  // namespace

std::unique_ptr<StateStore> OpenSqliteStateStore(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create the state directory " + dir + ": " + ec.message());
  return std::make_unique<SqliteStateStore>(dir + "/state.db", SqliteStateStore::Mode::kCreate);
}

std::unique_ptr<StateStore> OpenSqliteStateStoreIfExists(const std::string& dir) {
  // Checked first so that nothing (directory or file) is ever created here;
  // the open itself has no SQLITE_OPEN_CREATE either, for the race where the
  // file goes away in between.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir + "/state.db", ec)) return nullptr;
  auto store = std::make_unique<SqliteStateStore>(dir + "/state.db", SqliteStateStore::Mode::kExisting);
  if (store->empty()) return nullptr;
  return store;
}

}  // namespace sluice
