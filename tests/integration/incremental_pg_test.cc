// Incremental sync PostgreSQL -> MariaDB on the real servers: the real
// `sluice apply` with steps [schema, full, incremental] (capture.start's slot
// and exported snapshot, the full copy, then catch-up and stream from the
// slot), while pgbench changes the source with testdata/incremental_pg/
// load.sql (inserts, updates that change keys, leave TOASTed values alone or
// set NULLs, deletes, arrays, jsonb, a keyless REPLICA IDENTITY FULL table).
// Once the load has stopped, `sluice wait --caught-up` must return, and then
// every table is compared row by row with CompareTable (full_copy_support.h:
// SQL of the test's own on both sides, no code shared with Sluice; the
// keyless table as a multiset).
//
// The cases: a clean run; kill -9 during the copy and again while streaming;
// the same kill with TOASTed rows re-keyed while the copy is down (a
// deterministic form of what case 2 hits at random); PostgreSQL restarted
// while streaming; what `sluice stop` leaves on the source (the slot); and a
// column added on the source while streaming, which must pause the sync
// rather than put rows in the wrong columns.
//
// Each case has its own databases and a plan name with the test's pid in it,
// so slots (cluster-wide names) never clash with another run; every case
// drops the slots it made at the end, since the test servers allow only a
// few.

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "tests/integration/full_copy_support.h"

namespace sluice::fctest {
namespace {

using testing::TestServersFromEnv;
using Clock = std::chrono::steady_clock;

constexpr int kLoadRate = 150;  // pgbench transactions per second (-R), both clients together

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Before every fork: a child inherits the test's unflushed stdout buffer and
// would write it again when it reopens stdout (doctest's messages appeared
// many times over otherwise).
void FlushOutput() {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
}

RunResult Sluice(const std::vector<std::string>& args, int timeout_seconds) {
  FlushOutput();
  return RunSluice(args, {}, timeout_seconds);
}

// "X/Y" (hex) as a number; 0 when it is not an LSN.
uint64_t Lsn(const std::string& s) {
  size_t slash = s.find('/');
  if (slash == std::string::npos) return 0;
  try {
    return (std::stoull(s.substr(0, slash), nullptr, 16) << 32) | std::stoull(s.substr(slash + 1), nullptr, 16);
  } catch (const std::exception&) {
    return 0;
  }
}

std::string TestData(const std::string& name) {
  std::string path = std::string(SLUICE_SOURCE_DIR) + "/tests/integration/testdata/incremental_pg/" + name;
  if (!std::filesystem::exists(path)) throw std::runtime_error("missing test data " + path);
  return path;
}

// ---- a child process that is not sluice (pgbench) ---------------------------

class Child {
 public:
  Child(const std::vector<std::string>& args, const std::string& dir, const std::map<std::string, std::string>& env) {
    static int counter = 0;
    std::string base = dir + "/child" + std::to_string(++counter);
    out_ = base + ".out";
    err_ = base + ".err";
    FlushOutput();
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      if (std::freopen(out_.c_str(), "wb", stdout) == nullptr || std::freopen(err_.c_str(), "wb", stderr) == nullptr) {
        _exit(126);
      }
      for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
      std::vector<std::string> a = args;
      std::vector<char*> argv;
      for (auto& s : a) argv.push_back(s.data());
      argv.push_back(nullptr);
      execvp(argv[0], argv.data());
      _exit(127);
    }
  }
  ~Child() { Kill9(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  std::optional<int> Poll() {
    if (status_) return status_;
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_) status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return status_;
  }
  int Wait(int timeout_seconds) {
    auto until = Clock::now() + std::chrono::seconds(timeout_seconds);
    while (!Poll()) {
      if (Clock::now() > until) {
        Kill9();
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return *status_;
  }
  void Kill9() {
    if (status_) return;
    kill(pid_, SIGKILL);
    int st = 0;
    waitpid(pid_, &st, 0);
    status_ = -1;
  }
  std::string Out() const { return ReadFile(out_); }
  std::string Err() const { return ReadFile(err_); }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::string out_, err_;
};

std::string PgbenchBinary() {
  const char* dir = std::getenv("SLUICE_PG_BINDIR");
  std::string bin = std::string(dir ? dir : "/usr/lib/postgresql/15/bin") + "/pgbench";
  return std::filesystem::exists(bin) ? bin : "pgbench";
}

// pgbench running load.sql on `db` for `seconds`, two clients, kLoadRate tps.
std::unique_ptr<Child> StartLoad(const std::string& db, int seconds, const std::string& dir) {
  const auto& s = TestServersFromEnv().postgres;
  return std::make_unique<Child>(
      std::vector<std::string>{PgbenchBinary(), "-n", "-h", s.host, "-p", std::to_string(s.port), "-U", s.admin_user,
                               "-f", TestData("load.sql"), "-c", "2", "-j", "2", "-T", std::to_string(seconds), "-R",
                               std::to_string(kLoadRate), db},
      dir, std::map<std::string, std::string>{{"PGCLIENTENCODING", "UTF8"}, {"PGAPPNAME", "pgsync-load"}});
}

// pgbench's "number of transactions actually processed: N" (-1 if absent).
int64_t LoadTransactions(const Child& load) {
  std::smatch m;
  std::string out = load.Out();
  if (std::regex_search(out, m, std::regex("actually processed: ([0-9]+)"))) return std::stoll(m[1]);
  return -1;
}

// Waits for a load that should run without errors and reports what it did.
void FinishLoad(Child& load, int timeout_seconds = 90) {
  int code = load.Wait(timeout_seconds);
  INFO("pgbench stdout:\n" << load.Out() << "\npgbench stderr:\n" << load.Err());
  REQUIRE(code == 0);
  CHECK(load.Out().find("number of failed transactions: 0 ") != std::string::npos);
  CHECK(LoadTransactions(load) > 300);
  MESSAGE("pgbench: " << LoadTransactions(load) << " transactions");
}

// ---- source, target, plan ----------------------------------------------------

struct Migration {
  std::string name;  // plan name; the slot is sluice_<name with '-' as '_'>
  std::string src_db, tgt_db;
  std::string dir, plan, state;
  std::string Slot() const {
    std::string s = "sluice_" + name;
    for (char& c : s) {
      if (c == '-') c = '_';
    }
    return s;
  }
};

// Fresh databases, source.sql loaded (plus `filler_rows` narrow rows in a
// table of their own, to make the copy last), and the plan.
Migration Prepare(const std::string& tag, int filler_rows, const std::string& full = "{ parallel: 2, chunk_rows: 250 }") {
  Migration m;
  m.name = "pgsync-" + tag + "-" + std::to_string(getpid());
  m.src_db = testing::CreateFreshPgDatabase("pgsync_src");
  m.tgt_db = testing::CreateFreshMariaDbDatabase("pgsync_tgt");
  {
    testing::PgSession pg(TestServersFromEnv().postgres.Admin(m.src_db));
    for (const auto& stmt : SqlStatements(ReadFile(TestData("source.sql")))) pg.Exec(stmt);
    if (filler_rows > 0) {
      pg.Exec("CREATE TABLE filler (id int PRIMARY KEY, pad text)");
      pg.Exec("INSERT INTO filler SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, " +
              std::to_string(filler_rows) + ") g");
    }
    pg.Exec("ANALYZE");
  }
  m.dir = MakeTempDir("pgsync-" + tag);
  m.plan = m.dir + "/plan.yaml";
  m.state = m.dir + "/state";
  const auto& s = TestServersFromEnv();
  WriteFile(m.plan, "version: 1\n"
                    "name: " + m.name + "\n"
                    "source: { dialect: postgresql, dsn: \"" + DsnWithDatabase(s.postgres.dsn, m.src_db) + "\" }\n"
                    "target: { dialect: mariadb, dsn: \"" + DsnWithDatabase(s.mariadb.dsn, m.tgt_db) + "\" }\n"
                    "steps: [schema, full, incremental]\n"
                    "objects:\n"
                    "  - from: public.*\n"
                    "    to: " + m.tgt_db + ".{table}\n"
                    "full: " + full + "\n"
                    "incremental: { heartbeat: 1s, parallel: 4, batch_rows: 500 }\n"
                    "retry: { attempts: 30, backoff: 200ms..2s }\n");
  return m;
}

std::unique_ptr<SluiceProcess> StartApply(const Migration& m) {
  FlushOutput();
  return std::make_unique<SluiceProcess>(std::vector<std::string>{"apply", m.plan, "--state-dir", m.state}, m.dir);
}

nlohmann::json Status(const Migration& m) {
  RunResult r = Sluice({"status", m.plan, "--state-dir", m.state, "--json"}, 30);
  if (r.exit_code != 0) return nullptr;
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception&) {
    return nullptr;
  }
}

// The state of the plan's tasks of `kind`: "done" when all are, else the
// first other state ("" when there are none yet).
std::string KindState(const nlohmann::json& status, const std::string& kind) {
  if (status.is_null() || !status.contains("tasks")) return "";
  std::string out;
  for (const auto& t : status["tasks"]) {
    if (t["kind"] != kind) continue;
    std::string s = t["state"].get<std::string>();
    if (s != "done") return s;
    out = "done";
  }
  return out;
}

std::string SyncPhase(const nlohmann::json& status) {
  if (status.is_null() || !status.contains("sync")) return "";
  return status["sync"].value("phase", "");
}

// Polls `sluice status` until `done` says so, the apply exits, or timeout.
bool PollStatus(const Migration& m, SluiceProcess& apply, const std::function<bool(const nlohmann::json&)>& done,
                int timeout_seconds) {
  auto until = Clock::now() + std::chrono::seconds(timeout_seconds);
  while (Clock::now() < until) {
    if (done(Status(m))) return true;
    if (apply.Poll()) return done(Status(m));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

bool Streaming(const nlohmann::json& s) {
  return KindState(s, "incremental.catch-up") == "done" && SyncPhase(s) == "stream";
}

// The copy is over and the sync has applied changes committed after it (past
// the end-of-copy position, where replay is exact), whatever the phase.
bool PastCopy(const nlohmann::json& s) {
  if (KindState(s, "full.table") != "done" || s.is_null() || !s.contains("sync")) return false;
  uint64_t applied = Lsn(s["sync"].value("applied_position", "")), end = Lsn(s["sync"].value("end_of_copy", ""));
  return end > 0 && applied > end;
}

RunResult WaitCaughtUp(const Migration& m) {
  auto t = Clock::now();
  RunResult r = Sluice({"wait", m.plan, "--state-dir", m.state, "--caught-up", "--timeout", "120"}, 150);
  MESSAGE("sluice wait --caught-up: exit " << r.exit_code << " after " << Since(t) << "s: " << r.err);
  return r;
}

// `sluice stop`, then the apply must end with 0 (only the stream was left).
void StopApply(const Migration& m, SluiceProcess& apply) {
  RunResult stop = Sluice({"stop", m.plan, "--state-dir", m.state}, 30);
  CHECK_MESSAGE(stop.exit_code == 0, stop.err);
  int code = apply.Wait(60);
  INFO("apply stderr:\n" << apply.Err());
  CHECK(code == 0);
}

// Drops the slots and the publication a plan left on the source (the apply
// must have ended). Returns the names of the slots dropped.
std::vector<std::string> DropSluiceCapture(const Migration& m) {
  testing::PgSession pg(TestServersFromEnv().postgres.Admin(m.src_db));
  std::string slot = m.Slot();
  Rows rows = pg.Query("SELECT slot_name FROM pg_replication_slots WHERE slot_name = " + pg.Quote(slot) +
                       " OR left(slot_name, " + std::to_string(slot.size() + 2) + ") = " + pg.Quote(slot + "__") +
                       " ORDER BY slot_name");
  std::vector<std::string> dropped;
  for (const auto& r : rows) {
    pg.Exec("SELECT pg_drop_replication_slot(" + pg.Quote(*r[0]) + ")");
    dropped.push_back(*r[0]);
  }
  pg.Exec("DROP PUBLICATION IF EXISTS \"" + slot + "\"");
  return dropped;
}

// ---- the comparison -----------------------------------------------------------

std::vector<TableCheck> Checks(const Migration& m, bool filler) {
  Expr S{Engine::kPostgres}, T{Engine::kMariaDb};
  auto col = [&](const std::string& c, Norm n = Norm::kExact) { return ColumnCheck{c, S.Col(c), T.Col(c), n}; };
  auto tgt = [&](const std::string& t) { return "`" + m.tgt_db + "`.`" + t + "`"; };
  std::vector<TableCheck> out;

  TableCheck rich;
  rich.source_table = "public.rich";
  rich.target_table = tgt("rich");
  rich.key = {col("id")};
  rich.columns = {col("i"),
                  col("n", Norm::kDecimal),
                  col("t"),
                  {"b", S.Hex("b"), T.Hex("b"), Norm::kExact},
                  {"tstz", S.Ts("tstz"), T.Ts("tstz"), Norm::kExact},
                  {"ts", S.Ts("ts"), T.Ts("ts"), Norm::kExact},
                  col("d"),
                  // boolean -> tinyint(1)
                  {"flag", "CASE WHEN flag THEN '1' WHEN NOT flag THEN '0' END", T.Col("flag"), Norm::kExact},
                  col("j", Norm::kJson),
                  // arrays -> JSON
                  {"ia", "array_to_json(ia)::text", T.Col("ia"), Norm::kJson},
                  {"ta", "array_to_json(ta)::text", T.Col("ta"), Norm::kJson},
                  col("u"),
                  col("big")};
  out.push_back(rich);

  TableCheck composite;
  composite.source_table = "public.composite";
  composite.target_table = tgt("composite");
  composite.key = {col("a"), col("b")};
  composite.columns = {col("v"), col("note")};
  out.push_back(composite);

  TableCheck keyless;
  keyless.source_table = "public.keyless";
  keyless.target_table = tgt("keyless");
  keyless.columns = {col("k"), col("n"), col("note")};
  out.push_back(keyless);

  if (filler) {
    TableCheck f;
    f.source_table = "public.filler";
    f.target_table = tgt("filler");
    f.key = {col("id")};
    f.columns = {col("pad")};
    out.push_back(f);
  }
  return out;
}

// Every table equal, and no key twice on the target.
void CompareAll(const Migration& m, bool filler) {
  Side src(Engine::kPostgres, m.src_db), tgt(Engine::kMariaDb, m.tgt_db);
  for (const auto& c : Checks(m, filler)) {
    int64_t rows = 0;
    std::string diff = CompareTable(src, tgt, c, &rows);
    INFO("table " << c.target_table << " (" << rows << " source rows)");
    CHECK_MESSAGE(diff.empty(), diff);
    CHECK(rows > 0);
  }
  std::string db = "`" + m.tgt_db + "`.";
  CHECK(tgt.Scalar("SELECT COUNT(*) - COUNT(DISTINCT id) FROM " + db + "rich") == "0");
  CHECK(tgt.Scalar("SELECT COUNT(*) - COUNT(DISTINCT a, b) FROM " + db + "composite") == "0");
  CHECK(tgt.Scalar("SELECT COUNT(*) FROM " + db + "keyless") == src.Scalar("SELECT COUNT(*) FROM keyless"));
}

// Statements whose effect the comparison then pins, so that each path is taken
// whatever pgbench's random choices were: a TOASTed value left unchanged by an
// update and by a key change, NULLs, a keyless duplicate deleted once.
void DeterministicChanges(const Migration& m) {
  testing::PgSession pg(TestServersFromEnv().postgres.Admin(m.src_db));
  // Ids above pgbench's range (it uses 1..8000): nobody else touches them.
  pg.Exec("INSERT INTO rich (id, i, t, big) SELECT 900000 + g, g, 'det', "
          "(SELECT string_agg(md5(g::text || s::text), '') FROM generate_series(1, 300) s) FROM generate_series(1, 3) g");
  pg.Exec("UPDATE rich SET i = 42, t = E'unchanged toast \\t ''q''' WHERE id = 900001");
  pg.Exec("UPDATE rich SET id = 900010, i = 43 WHERE id = 900002");
  pg.Exec("UPDATE rich SET big = NULL, t = NULL, i = NULL WHERE id = 900003");
  pg.Exec("INSERT INTO keyless VALUES ('det', 1, 'same'), ('det', 1, 'same'), ('det', 1, 'same')");
  pg.Exec("DELETE FROM keyless WHERE ctid = (SELECT ctid FROM keyless WHERE k = 'det' LIMIT 1)");
}

void CheckDeterministicChanges(const Migration& m) {
  testing::MariaDbSession my(TestServersFromEnv().mariadb.Admin(m.tgt_db));
  CHECK(my.Scalar("SELECT CONCAT(i, '|', LENGTH(big)) FROM rich WHERE id = 900001") == "42|9600");
  CHECK(my.Scalar("SELECT CONCAT(i, '|', LENGTH(big)) FROM rich WHERE id = 900010") == "43|9600");
  CHECK(my.Scalar("SELECT COUNT(*) FROM rich WHERE id = 900002") == "0");
  CHECK(my.Scalar("SELECT COUNT(*) FROM rich WHERE id = 900003 AND big IS NULL AND t IS NULL AND i IS NULL") == "1");
  CHECK(my.Scalar("SELECT COUNT(*) FROM keyless WHERE k = 'det'") == "2");
}

// The apply runs' stderr (their ends), for the messages of failed checks.
struct ApplyLog {
  std::vector<SluiceProcess*> runs;
  std::string Text() const {
    std::string out;
    for (auto* r : runs) {
      std::string e = r->Err();
      if (e.size() > 6000) e = "..." + e.substr(e.size() - 6000);
      out += "---- apply run ----\n" + e;
    }
    return out;
  }
};

// ---- 1. schema, full and incremental under load -------------------------------

TEST_CASE("PostgreSQL -> MariaDB incremental: copy and stream under pgbench load, then identical") {
  auto t0 = Clock::now();
  Migration m = Prepare("c1", 0);
  auto load = StartLoad(m.src_db, 20, m.dir);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  REQUIRE_MESSAGE(!load->Poll(), load->Err());
  auto apply = StartApply(m);
  ApplyLog log{{apply.get()}};

  // The copy finishes while the load still runs: changes are made before
  // capture.start, during the copy and after it.
  REQUIRE_MESSAGE(PollStatus(m, *apply, [](const nlohmann::json& s) { return KindState(s, "full.table") == "done"; }, 60),
                  log.Text());
  auto copy_done = Clock::now();
  CHECK_MESSAGE(!load->Poll(), "pgbench ended before the copy did: the test no longer loads the copy");
  MESSAGE("copy done after " << Since(t0) << "s");
  // Under the load the sync gets past the end of the copy (exact replay)...
  REQUIRE_MESSAGE(PollStatus(m, *apply, PastCopy, 60), log.Text());
  CHECK_MESSAGE(!load->Poll(), "pgbench ended before the sync got past the copy");
  // ... and catch-up, a backlog of a few seconds at 150 tps, ends while the
  // load goes on: a busy source must not keep a migration in catch-up.
  bool streaming_under_load = PollStatus(m, *apply, [&](const nlohmann::json& s) { return Streaming(s) || load->Poll(); }, 60) &&
                              !load->Poll();
  CHECK_MESSAGE(streaming_under_load, "incremental.catch-up did not finish while pgbench ran (it ran for "
                                          << Since(copy_done) << "s after the copy): catch-up ends only when a poll of "
                                          "the feed comes back empty (IncrementalSync::Sync), which a steady load "
                                          "never allows");
  DeterministicChanges(m);
  FinishLoad(*load);
  REQUIRE_MESSAGE(!apply->Poll(), log.Text());

  RunResult w = WaitCaughtUp(m);
  REQUIRE_MESSAGE(w.exit_code == 0, log.Text());
  CompareAll(m, false);
  CheckDeterministicChanges(m);

  nlohmann::json st = Status(m);
  REQUIRE(!st.is_null());
  CHECK(KindState(st, "capture.start") == "done");
  CHECK(KindState(st, "full.table") == "done");
  CHECK(KindState(st, "incremental.catch-up") == "done");
  CHECK(KindState(st, "incremental.stream") == "running");
  CHECK(st["sync"]["rows"].get<int64_t>() > 300);
  CHECK(st["sync"]["rejected"].get<int64_t>() == 0);
  StopApply(m, *apply);
  DropSluiceCapture(m);
  MESSAGE("case 1: " << Since(t0) << "s");
}

// ---- 2. kill -9 during the copy and while streaming ------------------------------

TEST_CASE("PostgreSQL -> MariaDB incremental: kill -9 during the copy and while streaming, resume, identical") {
  auto t0 = Clock::now();
  constexpr int kFiller = 60000;
  Migration m = Prepare("c2", kFiller, "{ parallel: 2, chunk_rows: 500 }");
  auto load = StartLoad(m.src_db, 30, m.dir);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  std::vector<std::unique_ptr<SluiceProcess>> runs;
  ApplyLog log;
  auto start = [&] {
    runs.push_back(StartApply(m));
    log.runs.push_back(runs.back().get());
    return runs.back().get();
  };

  // Kill #1: mid-copy, once some chunks are checkpointed.
  SluiceProcess* a = start();
  auto until = Clock::now() + std::chrono::seconds(60);
  while (!a->Poll() && Clock::now() < until && RowsCheckpointed(m.state) < 4000) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  REQUIRE(!a->Poll());
  a->Kill9();
  int64_t at_kill = RowsCheckpointed(m.state);
  MESSAGE("kill -9 #1 after " << Since(t0) << "s with " << at_kill << " rows checkpointed");
  CHECK(at_kill >= 4000);
  CHECK(at_kill < kFiller);  // the copy was not over
  REQUIRE(!load->Poll());

  // Kill #2: while streaming (past the end of the copy), load still running.
  a = start();
  REQUIRE_MESSAGE(PollStatus(m, *a, PastCopy, 90), log.Text());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  REQUIRE_MESSAGE(!load->Poll(), "pgbench ended before the second kill");
  REQUIRE(!a->Poll());
  a->Kill9();
  nlohmann::json st = Status(m);
  MESSAGE("kill -9 #2 after " << Since(t0) << "s, sync at " << (st.is_null() ? "?" : st["sync"].dump()));

  // The copy's own snapshot slot (made by the resumed copy) is gone once the copy is over.
  {
    testing::PgSession pg(TestServersFromEnv().postgres.Admin(m.src_db));
    CHECK(pg.Scalar("SELECT COUNT(*) FROM pg_replication_slots WHERE slot_name = " + pg.Quote(m.Slot() + "__copy")) ==
          "0");
  }

  a = start();
  FinishLoad(*load);
  REQUIRE(!a->Poll());
  RunResult w = WaitCaughtUp(m);
  REQUIRE_MESSAGE(w.exit_code == 0, log.Text());
  CompareAll(m, true);
  StopApply(m, *a);
  DropSluiceCapture(m);
  MESSAGE("case 2: " << Since(t0) << "s");
}

// ---- 3. PostgreSQL restarted while streaming under load ----------------------------

TEST_CASE("PostgreSQL -> MariaDB incremental: PostgreSQL restarted while streaming under load") {
  auto t0 = Clock::now();
  Migration m = Prepare("c3", 0);
  std::vector<std::unique_ptr<SluiceProcess>> runs;
  ApplyLog log;
  runs.push_back(StartApply(m));
  log.runs.push_back(runs.back().get());
  SluiceProcess* a = runs.back().get();
  REQUIRE_MESSAGE(PollStatus(m, *a, Streaming, 60), log.Text());

  auto load = StartLoad(m.src_db, 60, m.dir);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  REQUIRE(!load->Poll());
  nlohmann::json before = Status(m);
  REQUIRE(!before.is_null());
  CHECK(before["sync"]["rows"].get<int64_t>() > 0);  // the load was streaming when the server went away
  testing::RestartPostgres();  // pgbench's clients lose their connections and stop
  MESSAGE("PostgreSQL restarted after " << Since(t0) << "s; pgbench exited " << load->Wait(30) << " after "
                                        << LoadTransactions(*load) << " transactions");
  // More load after the restart, then quiet.
  auto load2 = StartLoad(m.src_db, 5, m.dir);
  FinishLoad(*load2);

  if (auto code = a->Poll()) {
    MESSAGE("apply exited " << *code << " after the restart; running it again. Its stderr:\n" << a->Err());
    runs.push_back(StartApply(m));
    log.runs.push_back(runs.back().get());
    a = runs.back().get();
  } else {
    MESSAGE("apply kept running through the restart");
  }
  RunResult w = WaitCaughtUp(m);
  REQUIRE_MESSAGE(w.exit_code == 0, log.Text());
  CompareAll(m, false);
  StopApply(m, *a);
  DropSluiceCapture(m);
  MESSAGE("case 3: " << Since(t0) << "s");
}

// ---- 2b. the resumed copy's second snapshot and TOASTed keys moved meanwhile ----------
//
// Case 2 fails now and then with "Duplicate entry ... for key 'PRIMARY'" (this
// cause, or the apply positions of change_apply.cc going back after a retry);
// this case makes the first cause deterministic. A copy resumed after kill -9 reads its
// remaining chunks in a new snapshot (the slot "<slot>__copy"), later than
// the chunks copied before, and the replay from capture.start is idempotent
// up to the end of the copy. A key change of a row whose TOASTed value is
// unchanged reaches pgoutput without that value, so the replay cannot upsert
// the new row: it runs UPDATE ... SET id = new WHERE id = old. Moving such a
// row between a chunk copied before the kill and one copied after it then
// either collides with the new key (copied after the move) or finds no old
// row (copied after the move) and loses the row silently. The same moves of
// a row without a TOASTed value are the control: their images are complete.

TEST_CASE("PostgreSQL -> MariaDB incremental: TOASTed rows re-keyed while a killed copy is down") {
  auto t0 = Clock::now();
  constexpr int kRows = 40000;  // even ids 2..80000
  Migration m = Prepare("c2b", 0, "{ parallel: 2, chunk_rows: 500 }");
  {
    testing::PgSession pg(TestServersFromEnv().postgres.Admin(m.src_db));
    pg.Exec("CREATE TABLE toasty (id int PRIMARY KEY, v int, big text)");
    pg.Exec("ALTER TABLE toasty ALTER COLUMN big SET STORAGE EXTERNAL");
    pg.Exec("INSERT INTO toasty SELECT 2 * g, g, 'small ' || g FROM generate_series(1, " + std::to_string(kRows) + ") g");
    // Out-of-line values on the rows the test moves (and a few others).
    pg.Exec("UPDATE toasty SET big = (SELECT string_agg(md5(id::text || s::text), '') FROM generate_series(1, 300) s) "
            "WHERE id IN (2, 4, 79996, 79998) OR id % 997 = 0");
  }
  auto a = StartApply(m);
  ApplyLog log{{a.get()}};
  testing::MariaDbSession my(TestServersFromEnv().mariadb.Admin(m.tgt_db));
  // Chunks finish out of order (two workers): past 12,000 rows, also wait
  // for the lowest chunk, which a slow start can leave behind its neighbours.
  auto scene_set = [&] {
    return RowsCheckpointed(m.state) >= 12000 &&
           my.Scalar("SELECT COUNT(*) FROM toasty WHERE id IN (2, 4, 6)") == "3";
  };
  auto until = Clock::now() + std::chrono::seconds(60);
  while (!a->Poll() && Clock::now() < until && !scene_set()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  REQUIRE_MESSAGE(!a->Poll(), log.Text());
  a->Kill9();
  // The scene: the low ids are on the target (copied in the first snapshot),
  // the high ones are not (their chunks were not copied yet).
  REQUIRE(my.Scalar("SELECT COUNT(*) FROM toasty WHERE id IN (2, 4, 6)") == "3");
  REQUIRE(my.Scalar("SELECT COUNT(*) FROM toasty WHERE id >= 79990") == "0");
  MESSAGE("killed with " << RowsCheckpointed(m.state) << " rows checkpointed");

  testing::PgSession pg(TestServersFromEnv().postgres.Admin(m.src_db));
  SUBCASE("a TOASTed row moved out of a copied chunk into one copied after the resume") {
    pg.Exec("UPDATE toasty SET id = 79999, v = -1 WHERE id = 2");  // TOASTed: the replay gets no big
    pg.Exec("UPDATE toasty SET id = 79997, v = -2 WHERE id = 6");  // control: complete image
  }
  SUBCASE("a TOASTed row moved out of a chunk copied after the resume into a copied one") {
    pg.Exec("UPDATE toasty SET id = 1, v = -1 WHERE id = 79998");  // TOASTed
    pg.Exec("UPDATE toasty SET id = 3, v = -2 WHERE id = 79994");  // control
  }
  auto b = StartApply(m);
  log.runs.push_back(b.get());
  bool streaming = PollStatus(m, *b, Streaming, 90);
  CHECK_MESSAGE(streaming, "the resumed apply did not get to streaming:\n" << log.Text());
  if (streaming) {
    REQUIRE(WaitCaughtUp(m).exit_code == 0);
    Side src(Engine::kPostgres, m.src_db), tgt(Engine::kMariaDb, m.tgt_db);
    Expr S{Engine::kPostgres}, T{Engine::kMariaDb};
    TableCheck t;
    t.source_table = "public.toasty";
    t.target_table = "`" + m.tgt_db + "`.`toasty`";
    t.key = {{"id", S.Col("id"), T.Col("id"), Norm::kExact}};
    t.columns = {{"v", S.Col("v"), T.Col("v"), Norm::kExact}, {"big", S.Col("big"), T.Col("big"), Norm::kExact}};
    std::string diff = CompareTable(src, tgt, t);
    CHECK_MESSAGE(diff.empty(), diff);
    StopApply(m, *b);
  } else {
    b->Kill9();
  }
  DropSluiceCapture(m);
  MESSAGE("case 2b: " << Since(t0) << "s");
}

// ---- 4. what `sluice stop` leaves on the source -------------------------------------

TEST_CASE("PostgreSQL -> MariaDB incremental: sluice stop keeps the slot, a re-run resumes from it; "
          "stop --drop-capture leaves nothing behind") {
  auto t0 = Clock::now();
  Migration m = Prepare("c4", 0);
  auto apply = StartApply(m);
  ApplyLog log{{apply.get()}};
  REQUIRE(PollStatus(m, *apply, Streaming, 60));
  DeterministicChanges(m);
  REQUIRE(WaitCaughtUp(m).exit_code == 0);
  StopApply(m, *apply);
  nlohmann::json st = Status(m);
  REQUIRE(!st.is_null());
  std::string applied = st["sync"]["applied_position"].get<std::string>();
  CHECK(KindState(st, "incremental.stream") == "pending");

  // The slot outlives the stop (it is how a re-run resumes), inactive; the
  // copy's snapshot slot is gone; the slot has been confirmed up to what the
  // target applied, so it holds no WAL the target still needs... but from
  // now on it retains all WAL the source writes.
  testing::PgSession pg(TestServersFromEnv().postgres.Admin(m.src_db));
  Rows slots = pg.Query("SELECT slot_name, plugin, database, active::text, "
                        "(confirmed_flush_lsn >= " + pg.Quote(applied) + "::pg_lsn)::text "
                        "FROM pg_replication_slots WHERE left(slot_name, " + std::to_string(m.Slot().size()) + ") = " +
                        pg.Quote(m.Slot()) + " ORDER BY slot_name");
  REQUIRE(slots.size() == 1);
  CHECK(slots[0][0] == m.Slot());
  CHECK(slots[0][1] == "pgoutput");
  CHECK(slots[0][2] == m.src_db);
  CHECK(slots[0][3] == "false");
  CHECK_MESSAGE(slots[0][4] == "true", "the slot's confirmed_flush_lsn is behind the applied position " << applied);
  CHECK(pg.Scalar("SELECT COUNT(*) FROM pg_publication WHERE pubname = " + pg.Quote(m.Slot())) == "1");

  // Changes made while stopped stay in the slot's WAL, and a re-run replays them.
  pg.Exec("INSERT INTO rich (id, i, t) SELECT 910000 + g, g, 'while stopped' FROM generate_series(1, 50) g");
  pg.Exec("DELETE FROM composite WHERE a = 1");
  pg.Exec("UPDATE keyless SET n = n + 100 WHERE ctid = (SELECT ctid FROM keyless WHERE k = 'det' LIMIT 1)");
  CHECK(pg.Scalar("SELECT (pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) > 0)::text "
                  "FROM pg_replication_slots WHERE slot_name = " + pg.Quote(m.Slot())) == "true");
  auto again = StartApply(m);
  log.runs.push_back(again.get());
  REQUIRE(WaitCaughtUp(m).exit_code == 0);
  CompareAll(m, false);
  CheckDeterministicChanges(m);
  StopApply(m, *again);

  // After the last stop the slot is still there (a plain stop keeps it so a
  // re-run can resume); `sluice stop --drop-capture` finishes the migration:
  // no slot and no publication are left behind, and apply cannot resume.
  CHECK(pg.Scalar("SELECT COUNT(*) FROM pg_replication_slots WHERE slot_name = " + pg.Quote(m.Slot())) == "1");
  RunResult drop = Sluice({"stop", m.plan, "--state-dir", m.state, "--drop-capture"}, 90);
  INFO(drop.err);
  CHECK(drop.exit_code == 0);
  CHECK(pg.Scalar("SELECT COUNT(*) FROM pg_replication_slots WHERE left(slot_name, " + std::to_string(m.Slot().size()) +
                  ") = " + pg.Quote(m.Slot())) == "0");
  CHECK(pg.Scalar("SELECT COUNT(*) FROM pg_publication WHERE pubname = " + pg.Quote(m.Slot())) == "0");
  RunResult resumed = Sluice({"apply", m.plan, "--state-dir", m.state}, 60);
  CHECK(resumed.exit_code == 1);
  CHECK(resumed.err.find("no longer exists") != std::string::npos);
  MESSAGE("case 4: " << Since(t0) << "s");
}

// ---- 5. a column added on the source while streaming ----------------------------------

TEST_CASE("PostgreSQL -> MariaDB incremental: ALTER TABLE ADD COLUMN on the source pauses the sync") {
  auto t0 = Clock::now();
  Migration m = Prepare("c5", 0);
  auto apply = StartApply(m);
  ApplyLog log{{apply.get()}};
  REQUIRE(PollStatus(m, *apply, Streaming, 60));

  testing::PgSession pg(TestServersFromEnv().postgres.Admin(m.src_db));
  pg.Exec("INSERT INTO rich (id, i, t) VALUES (920001, 1, 'before the drift')");
  REQUIRE(WaitCaughtUp(m).exit_code == 0);
  testing::MariaDbSession my(TestServersFromEnv().mariadb.Admin(m.tgt_db));
  REQUIRE(my.Scalar("SELECT t FROM rich WHERE id = 920001") == "before the drift");
  std::string i_before = *my.Scalar("SELECT i FROM rich WHERE id = 1");

  pg.Exec("ALTER TABLE rich ADD COLUMN extra_note text DEFAULT 'x'");
  pg.Exec("INSERT INTO rich (id, i, t, extra_note) VALUES (920002, 2, 'after the drift', 'new')");
  pg.Exec("UPDATE rich SET i = -777 WHERE id = 1");
  pg.Exec("INSERT INTO composite VALUES (999, 'after', 1, 'after the drift')");

  int code = apply->Wait(60);
  std::string err = apply->Err();
  CHECK_MESSAGE(code == 1, err);
  // The error names the table, the column, and where in the WAL.
  CHECK_MESSAGE(err.find("schema drift on public.rich at ") != std::string::npos, err);
  CHECK_MESSAGE(err.find(" at 0/0:") == std::string::npos, err);
  CHECK_MESSAGE(err.find("column 'extra_note' added") != std::string::npos, err);
  nlohmann::json st = Status(m);
  REQUIRE(!st.is_null());
  CHECK(KindState(st, "incremental.stream") == "failed");
  for (const auto& t : st["tasks"]) {
    if (t["kind"] == "incremental.stream") CHECK(t["error"].get<std::string>().find("extra_note") != std::string::npos);
  }
  // Nothing past the change was applied: not the row with the new column,
  // not the update after it, not later transactions on other tables.
  CHECK(my.Scalar("SELECT COUNT(*) FROM rich WHERE id = 920002") == "0");
  CHECK(my.Scalar("SELECT i FROM rich WHERE id = 1") == i_before);
  CHECK(my.Scalar("SELECT COUNT(*) FROM composite WHERE a = 999") == "0");
  CHECK(my.Scalar("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '" + m.tgt_db +
                  "' AND TABLE_NAME = 'rich' AND COLUMN_NAME = 'extra_note'") == "0");

  // Running apply again does not get past the change either.
  RunResult again = Sluice({"apply", m.plan, "--state-dir", m.state}, 60);
  MESSAGE("apply after the drift: exit " << again.exit_code << ":\n" << again.err);
  CHECK(again.exit_code == 1);
  CHECK(my.Scalar("SELECT COUNT(*) FROM rich WHERE id = 920002") == "0");
  CHECK(my.Scalar("SELECT i FROM rich WHERE id = 1") == i_before);
  DropSluiceCapture(m);
  MESSAGE("case 5: " << Since(t0) << "s");
}

}  // namespace
}  // namespace sluice::fctest
