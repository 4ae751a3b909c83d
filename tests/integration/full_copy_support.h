#pragma once
// Support for the full-copy integration tests (full_copy_*_test.cc): running
// the real `sluice` binary as a subprocess, writing plans, loading the
// datasets of testdata/full_copy/, and comparing a source table with its
// copy row by row.
//
// The comparison deliberately shares no code with Sluice's runtime: each
// column is read on both sides through SQL the test writes (hex for binary,
// formatted timestamps in UTC, bits as binary digits, ...), then compared in
// C++ after an explicit, per-column normalisation (decimal zeros, floats as
// IEEE values, JSON as parsed documents, CHAR padding). Rows are matched by
// their key, never by position, so the two engines' collations cannot hide or
// fake a difference; a keyless table is compared as a multiset.

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/test_env.h"

namespace sluice::fctest {

using testing::Row;
using testing::Rows;

// ---- the sluice binary ----

struct RunResult {
  int exit_code = -1;  // -1: killed by a signal or timed out
  std::string out;
  std::string err;
  double seconds = 0;
};

std::string SluiceBinary();
// Runs `sluice args...` to completion (killed after timeout_seconds).
// `env` is added to the environment.
RunResult RunSluice(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {},
                    int timeout_seconds = 180);

// A sluice process running in the background, its output in files.
class SluiceProcess {
 public:
  SluiceProcess(const std::vector<std::string>& args, const std::string& work_dir,
                const std::map<std::string, std::string>& env = {});
  ~SluiceProcess();
  SluiceProcess(const SluiceProcess&) = delete;
  SluiceProcess& operator=(const SluiceProcess&) = delete;
  // Exit code when it has exited (reaped), nullopt while it runs.
  std::optional<int> Poll();
  // Waits until it exits (killing it after timeout_seconds); -1 when killed.
  int Wait(int timeout_seconds = 180);
  void Kill9();
  std::string Out() const;
  std::string Err() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::string out_path_, err_path_;
};

// Rows of the chunks the state store in `state_dir` records as done, read
// directly (-1 when there is no store yet): polling `sluice status` in a
// subprocess is too slow to catch a copy of this size mid-way.
int64_t RowsCheckpointed(const std::string& state_dir);
// Makes the state store say that the first chunk of `task_id` (the lowest
// keys) was started and not finished, as after a kill -9 right after its
// commit: the next apply redoes it. Throws when there is nothing to mark.
void MarkFirstChunkInterrupted(const std::string& state_dir, const std::string& task_id);

// ---- files and plans ----

std::string MakeTempDir(const std::string& prefix);
void WriteFile(const std::string& path, const std::string& text);
std::string ReadFile(const std::string& path);
// Every byte of every file under dir, concatenated (for the secrets check).
std::string ReadAllFiles(const std::string& dir);
std::string DataFile(const std::string& name);  // testdata/full_copy/<name>

// "scheme://user@host:port/<database>" from a test server's DSN.
std::string DsnWithDatabase(const std::string& dsn, const std::string& database);

// The database statements of a dataset file, split at ";\n" outside comments.
std::vector<std::string> SqlStatements(const std::string& text);

// ---- reading and comparing tables ----

enum class Engine { kMariaDb, kPostgres };

// A read-only session on either engine, in UTC.
class Side {
 public:
  Side(Engine engine, const std::string& database);
  Engine engine() const { return engine_; }
  Rows Query(const std::string& sql);
  std::optional<std::string> Scalar(const std::string& sql);
  void Exec(const std::string& sql);
  // An identifier quoted for this engine.
  std::string Q(const std::string& ident) const;

 private:
  Engine engine_;
  std::optional<testing::MariaDbSession> my_;
  std::optional<testing::PgSession> pg_;
};

enum class Norm {
  kExact,     // byte for byte
  kDecimal,   // numbers as text: trailing fraction zeros and "-0" normalised
  kFloat,     // parsed as double, compared bit for bit (so -0 differs from 0)
  kJson,      // parsed and compared as JSON documents
  kCharPad,   // CHAR(n): trailing spaces are padding on both engines
};

// One compared column: the SQL expression read on each side, and how the two
// texts are compared.
struct ColumnCheck {
  std::string name;  // for messages
  std::string source_sql;
  std::string target_sql;
  Norm norm = Norm::kExact;
};

struct TableCheck {
  std::string source_table;  // qualified, quoted for the source engine
  std::string target_table;  // qualified, quoted for the target engine
  std::vector<ColumnCheck> key;  // empty: keyless, compared as a multiset
  std::vector<ColumnCheck> columns;
  std::string source_where;  // a filter applied to the source ("" = all rows)
};

// Compares every row; returns "" when equal, else a description of (up to
// 10) differences. *rows receives the number of source rows.
std::string CompareTable(Side& source, Side& target, const TableCheck& check, int64_t* rows = nullptr);

// Expressions per engine for the usual normalisations.
struct Expr {
  Engine engine;
  std::string Col(const std::string& c) const;          // the column as text
  std::string Hex(const std::string& c) const;          // upper-case hex of bytes
  std::string Ts(const std::string& c) const;           // YYYY-MM-DD HH:MM:SS.ffffff (session in UTC)
  std::string Time(const std::string& c) const;         // [-]HH:MM:SS.ffffff
  std::string Double(const std::string& c) const;       // a float widened to double, as text
  std::string Bits(const std::string& c, int n) const;  // n binary digits
};

}  // namespace sluice::fctest
