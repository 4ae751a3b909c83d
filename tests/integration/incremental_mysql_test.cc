// Incremental migration from MariaDB (issue 6), proven on the real servers:
// `sluice apply` (the real binary) runs schema, full and incremental while
// sysbench oltp_write_only and a type-rich writer change the source -- during
// the copy and after it. Once the writers stop and `sluice wait --caught-up`
// returns, the test's own row-by-row comparison (datasets.h; nothing of
// Sluice's runtime) must find zero differences.
//
// MariaDB -> MariaDB: kill -9 of Sluice during the copy and again during
// sync, then DDL during sync (ADD COLUMN, MODIFY COLUMN, RENAME TABLE) with
// later rows landing in the right columns.
// MariaDB -> PostgreSQL: kill -9 during sync, then the source server
// restarted during sync.

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "tests/integration/datasets.h"
#include "tests/integration/full_copy_support.h"

namespace sluice::fctest {
namespace {

using testing::TestServersFromEnv;

// Changes the type-rich dataset in small transactions until told to stop:
// rows copied to new keys (so every type's values travel through the binlog),
// updates to NULL and to large values, key updates, deletes, keyless rows.
// Errors (a restarted server) are counted and the session reopened.
class Writer {
 public:
  Writer(std::string db, uint64_t seed) : db_(std::move(db)), rng_(seed) {}
  ~Writer() { Stop(); }

  void Start() {
    thread_ = std::thread([this] { Loop(); });
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int64_t transactions() const { return transactions_; }
  int64_t errors() const { return errors_; }

 private:
  int Pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  std::string Statement() {
    int id = Pick(1, 520);
    std::string n = std::to_string(next_id_++);
    std::string i = std::to_string(id);
    switch (Pick(0, 13)) {
      case 0: return "INSERT INTO nums SELECT " + n + ", d, d2, du, f, dbl FROM nums WHERE id = " + i;
      case 1: return "INSERT INTO times SELECT " + n + ", d, dt, dt0, ts, t, t0, y FROM times WHERE id = " + i;
      case 2: return "INSERT INTO strs SELECT " + n + ", c, vc, tx, mt, e, s, j FROM strs WHERE id = " + i;
      case 3: return "INSERT INTO bins SELECT " + n + ", b, vb, bl, lb, bit1, bit64, bit10 FROM bins WHERE id = " + i;
      case 4: return "UPDATE strs SET vc = CONCAT(LEFT(COALESCE(vc, ''), 20), ' \xE2\x9C\x93\xF0\x9F\x98\x80 ', " + n +
                     "), tx = IF(" + n + " % 3 = 0, NULL, REPEAT('\xC3\xBC', 20000)), j = JSON_OBJECT('n', " + n +
                     ", 'a', JSON_ARRAY(1, 'two', NULL)) WHERE id = " + i;
      case 5: return "UPDATE ints SET id = " + n + " WHERE id = " + i;  // a key update
      case 6: return "DELETE FROM times WHERE id = " + i;
      case 7: return "UPDATE nums SET d = -d, f = NULL, dbl = dbl / 3 WHERE id = " + i;
      case 8: return "INSERT INTO keyless VALUES (" + std::to_string(id % 7) + ", 'w" + n + "')";
      case 9: return "DELETE FROM keyless WHERE a = " + std::to_string(id % 7) + " LIMIT 1";
      case 10: return "UPDATE keyless SET b = CONCAT(COALESCE(b, ''), '+') WHERE a = " + std::to_string(id % 7) + " LIMIT 1";
      case 11: return "UPDATE composite SET n = n + 100000 WHERE n = " + i;
      case 12: return "UPDATE people SET full_name = CONCAT('p', " + n + "), born = born + INTERVAL 1 DAY WHERE id = " + i;
      default: return "UPDATE bins SET vb = UNHEX(MD5(" + n + ")), bl = NULL, bit10 = b'1010101010' WHERE id = " + i;
    }
  }

  void Loop() {
    std::optional<testing::MariaDbSession> my;
    for (int k = 0; k < 100000 && !stop_; ++k) {
      try {
        if (!my) {
          my.emplace(TestServersFromEnv().mariadb.Admin(db_));
          my->Exec("SET time_zone = '+00:00'");
        }
        std::string txn = "START TRANSACTION";
        int ops = Pick(1, 4);
        for (int o = 0; o < ops; ++o) txn += "; " + Statement();
        my->Exec(txn + "; COMMIT");
        ++transactions_;
      } catch (const std::exception&) {
        ++errors_;
        my.reset();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  std::string db_;
  std::mt19937_64 rng_;
  int64_t next_id_ = 1000000;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> transactions_{0}, errors_{0};
  std::thread thread_;
};

// A background thread joined however the test case ends (a failed REQUIRE
// must not leave a joinable std::thread behind).
class Background {
 public:
  explicit Background(std::function<void()> f) : thread_(std::move(f)) {}
  ~Background() { Join(); }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
};

std::string Sysbench(const std::string& db, const std::string& command, const std::string& extra) {
  const auto& s = TestServersFromEnv();
  return "sysbench oltp_write_only --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port=" +
         std::to_string(s.mariadb.port) + " --mysql-user=root --mysql-db=" + db +
         " --tables=2 --table-size=1500 " + extra + " " + command + " > /dev/null 2>&1";
}

std::string IncrementalPlan(const std::string& name, const std::string& src_db, Engine tgt, const std::string& tgt_db,
                            const std::string& full, const std::vector<std::string>& exclude) {
  std::string tgt_schema = tgt == Engine::kMariaDb ? tgt_db : "public";
  std::string ex = src_db + ".filtered, " + src_db + ".people";
  for (const auto& e : exclude) ex += ", " + src_db + "." + e;
  return "version: 1\nname: " + name + "\nsource: " + EndpointYaml(Engine::kMariaDb, src_db) +
         "\ntarget: " + EndpointYaml(tgt, tgt_db) +
         "\nsteps: [schema, full, incremental]\n"
         "objects:\n"
         "  - from: " + src_db + ".*\n"
         "    exclude: [" + ex + "]\n"
         "    to: " + tgt_schema + ".{table}\n"
         "  - from: " + src_db + ".people\n"
         "    to: " + tgt_schema + ".people\n"
         "    columns: { rename: { full_name: name }, drop: [legacy_flag] }\n"
         "full: " + full + "\n"
         "incremental: { batch_rows: 300, parallel: 2, heartbeat: 500ms }\n";
}

// The state of a task in `sluice status --json` ("" when unknown).
std::string TaskState(const std::string& plan, const std::string& state, const std::string& id) {
  RunResult st = RunSluice({"status", plan, "--state-dir", state, "--json"});
  if (st.exit_code != 0) {
    MESSAGE("status exited " << st.exit_code << ": " << st.err);
    return "";
  }
  try {
    nlohmann::json j = nlohmann::json::parse(st.out);  // alive through the loop
    for (const auto& t : j["tasks"]) {
      if (t["id"] == id) return t["state"].get<std::string>();
    }
  } catch (const std::exception& e) {
    MESSAGE("status --json unreadable: " << e.what() << ": " << st.out.substr(0, 300));
  }
  return "";
}

bool WaitForTask(const std::string& plan, const std::string& state, const std::string& id, const std::string& want,
                 int seconds) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  std::string seen;
  while (std::chrono::steady_clock::now() < until) {
    std::string now = TaskState(plan, state, id);
    if (now == want) return true;
    if (seen.size() < 200 && (seen.empty() || seen.substr(seen.rfind(' ') + 1) != now)) seen += " " + now;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  MESSAGE(id << " never became " << want << "; seen:" << seen);
  return false;
}

std::vector<TableCheck> SysbenchChecks(Engine tgt, const std::string& src_db, const std::string& tgt_schema) {
  Checks k{Engine::kMariaDb, tgt, src_db, tgt_schema};
  std::vector<TableCheck> out;
  for (const char* name : {"sbtest1", "sbtest2"}) {
    TableCheck t = k.Table(name);
    t.key = {k.Col("id")};
    t.columns = {k.Col("k"), k.Col("c", Norm::kCharPad), k.Col("pad", Norm::kCharPad)};
    out.push_back(t);
  }
  return out;
}

// The port of "metrics: http://127.0.0.1:PORT/metrics" in an apply's output (0: not yet).
int MetricsPort(const std::string& err) {
  const std::string prefix = "metrics: http://127.0.0.1:";
  auto at = err.find(prefix);
  return at == std::string::npos ? 0 : std::atoi(err.c_str() + at + prefix.size());
}

void WaitCaughtUp(const std::string& plan, const std::string& state) {
  RunResult w = RunSluice({"wait", plan, "--state-dir", state, "--caught-up", "--timeout", "120"}, {}, 150);
  INFO(w.err);
  REQUIRE(w.exit_code == 0);
  MESSAGE("caught up in " << w.seconds << "s");
}

TEST_CASE("MariaDB -> MariaDB: sysbench and a type-rich writer through schema, full and incremental; "
          "kill -9 during copy and sync; DDL during sync") {
  auto start = std::chrono::steady_clock::now();
  std::string src_db = testing::CreateFreshMariaDbDatabase("inc_src");
  std::string tgt_db = testing::CreateFreshMariaDbDatabase("inc_tgt");
  LoadMariaDb(src_db, "mariadb_types.sql");
  REQUIRE(std::system(Sysbench(src_db, "prepare", "").c_str()) == 0);
  std::string dir = MakeTempDir("inc-my-my");
  std::string plan = dir + "/plan.yaml", state = dir + "/state";
  WriteFile(plan, IncrementalPlan("inc-my-my", src_db, Engine::kMariaDb, tgt_db, "{ parallel: 2, chunk_rows: 50 }", {}));

  // The writers run through the copy and the first part of sync.
  Writer writer(src_db, 42);
  writer.Start();
  Background bench([&] { std::system(Sysbench(src_db, "run", "--threads=2 --time=12 --rate=150").c_str()); });

  // kill -9 during the copy...
  auto first = std::make_unique<SluiceProcess>(std::vector<std::string>{"apply", plan, "--state-dir", state}, dir);
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (RowsCheckpointed(state) < 1500 && !first->Poll() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  INFO(first->Err());
  REQUIRE(!first->Poll());
  first->Kill9();
  MESSAGE("kill -9 during the copy with " << RowsCheckpointed(state) << " rows checkpointed");

  // ...and during sync.
  auto second = std::make_unique<SluiceProcess>(std::vector<std::string>{"apply", plan, "--state-dir", state}, dir);
  REQUIRE_MESSAGE(WaitForTask(plan, state, "incremental.stream", "running", 60), second->Err());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  REQUIRE(!second->Poll());
  second->Kill9();
  MESSAGE("kill -9 during sync");

  SluiceProcess third({"apply", plan, "--state-dir", state}, dir);
  // While it syncs under load, /metrics answers with the sync's figures.
  std::string metrics;
  for (int i = 0; i < 100 && metrics.find("sluice_sync_rows_total ") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (int port = MetricsPort(third.Err())) metrics = testing::HttpBody(testing::HttpGet(port, "/metrics"));
  }
  INFO(metrics);
  for (const char* name : {"sluice_sync_rows_total ", "sluice_sync_lag_seconds ", "sluice_sync_rows_per_second ",
                           "sluice_sync_received_kb_per_second ", "sluice_sync_backlog", "sluice_sync_caught_up "}) {
    CHECK(metrics.find(name) != std::string::npos);
  }
  bench.Join();
  writer.Stop();
  MESSAGE("writer: " << writer.transactions() << " transactions, " << writer.errors() << " errors");
  CHECK(writer.transactions() > 100);
  WaitCaughtUp(plan, state);

  Side src(Engine::kMariaDb, src_db), tgt(Engine::kMariaDb, tgt_db);
  std::vector<TableCheck> checks = MariaDbSourceChecks(Engine::kMariaDb, src_db, tgt_db);
  checks.erase(std::remove_if(checks.begin(), checks.end(),
                              [](const TableCheck& c) { return c.target_table.find("`filtered`") != std::string::npos; }),
               checks.end());
  for (auto& c : SysbenchChecks(Engine::kMariaDb, src_db, tgt_db)) checks.push_back(c);
  CompareAll(src, tgt, checks);
  for (const char* t : {"sbtest1", "ints", "strs"}) {
    CHECK(tgt.Scalar(std::string("SELECT COUNT(*) FROM `") + tgt_db + "`.`" + t + "`") ==
          src.Scalar(std::string("SELECT COUNT(*) FROM `") + src_db + "`.`" + t + "`"));
  }

  // DDL during sync: later rows land in the right columns.
  src.Exec("ALTER TABLE `" + src_db + "`.sbtest1 ADD COLUMN extra VARCHAR(20) DEFAULT 'd' AFTER k");
  src.Exec("UPDATE `" + src_db + "`.sbtest1 SET extra = CONCAT('e', id), c = 'after add' WHERE id <= 40");
  src.Exec("ALTER TABLE `" + src_db + "`.sbtest2 MODIFY c VARCHAR(200) NOT NULL DEFAULT ''");
  src.Exec("UPDATE `" + src_db + "`.sbtest2 SET c = REPEAT('m', 190) WHERE id <= 30");
  src.Exec("RENAME TABLE `" + src_db + "`.people TO `" + src_db + "`.persons");
  src.Exec("INSERT INTO `" + src_db + "`.persons VALUES (9001, 'after rename', 'N', '2001-02-03')");
  src.Exec("UPDATE `" + src_db + "`.persons SET full_name = 'renamed row' WHERE id = 1");
  WaitCaughtUp(plan, state);
  Checks k{Engine::kMariaDb, Engine::kMariaDb, src_db, tgt_db};
  TableCheck sb1 = k.Table("sbtest1");
  sb1.key = {k.Col("id")};
  sb1.columns = {k.Col("k"), k.Col("extra"), k.Col("c"), k.Col("pad")};
  TableCheck sb2 = k.Table("sbtest2");
  sb2.key = {k.Col("id")};
  sb2.columns = {k.Col("k"), k.Col("c"), k.Col("pad")};
  TableCheck persons = k.Table("persons");
  persons.key = {k.Col("id")};
  persons.columns = {{"full_name -> name", k.S.Col("full_name"), k.T.Col("name"), Norm::kExact}, k.Col("born")};
  CompareAll(src, tgt, {sb1, sb2, persons});
  CHECK(tgt.Scalar("SELECT extra FROM `" + tgt_db + "`.sbtest1 WHERE id = 7") == "e7");
  CHECK(tgt.Scalar("SELECT name FROM `" + tgt_db + "`.persons WHERE id = 9001") == "after rename");

  RunResult stop = RunSluice({"stop", plan, "--state-dir", state});
  CHECK(stop.exit_code == 0);
  int code = third.Wait(60);
  INFO(third.Err());
  CHECK(code == 0);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE("MariaDB -> MariaDB incremental: " << secs << "s");
}

TEST_CASE("MariaDB -> PostgreSQL: incremental under load, kill -9 during sync, the source restarted during sync") {
  auto start = std::chrono::steady_clock::now();
  std::string src_db = testing::CreateFreshMariaDbDatabase("inc_src");
  std::string tgt_db = testing::CreateFreshPgDatabase("inc_tgt");
  LoadMariaDb(src_db, "mariadb_types.sql");
  REQUIRE(std::system(Sysbench(src_db, "prepare", "").c_str()) == 0);
  std::string dir = MakeTempDir("inc-my-pg");
  std::string plan = dir + "/plan.yaml", state = dir + "/state";
  WriteFile(plan, IncrementalPlan("inc-my-pg", src_db, Engine::kPostgres, tgt_db,
                                  "{ parallel: 2, chunk_rows: 100, zero_date: null, on_bad_row: reject }",
                                  {"mysql_times"}));
  Writer writer(src_db, 7);
  writer.Start();
  Background bench([&] { std::system(Sysbench(src_db, "run", "--threads=2 --time=6 --rate=150").c_str()); });
  auto first = std::make_unique<SluiceProcess>(std::vector<std::string>{"apply", plan, "--state-dir", state}, dir);
  REQUIRE_MESSAGE(WaitForTask(plan, state, "incremental.stream", "running", 60), first->Err());
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  REQUIRE(!first->Poll());
  first->Kill9();  // during sync, under load
  SluiceProcess apply({"apply", plan, "--state-dir", state}, dir);
  bench.Join();

  testing::RestartMariaDb();  // the writer reconnects; the binlog client resumes
  std::this_thread::sleep_for(std::chrono::seconds(2));
  writer.Stop();
  MESSAGE("writer: " << writer.transactions() << " transactions, " << writer.errors() << " errors");
  CHECK(writer.transactions() > 50);
  WaitCaughtUp(plan, state);

  Side src(Engine::kMariaDb, src_db), tgt(Engine::kPostgres, tgt_db);
  std::vector<TableCheck> checks = MariaDbSourceChecks(Engine::kPostgres, src_db, "public");
  checks.erase(std::remove_if(checks.begin(), checks.end(),
                              [](const TableCheck& c) {
                                return c.target_table.find("\"filtered\"") != std::string::npos ||
                                       c.target_table.find("\"mysql_times\"") != std::string::npos;
                              }),
               checks.end());
  for (auto& c : SysbenchChecks(Engine::kPostgres, src_db, "public")) checks.push_back(c);
  CompareAll(src, tgt, checks);

  RunResult stop = RunSluice({"stop", plan, "--state-dir", state});
  CHECK(stop.exit_code == 0);
  int code = apply.Wait(60);
  INFO(apply.Err());
  CHECK(code == 0);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE("MariaDB -> PostgreSQL incremental: " << secs << "s");
}

// Not incremental, but needs a server-wide setting, so it lives in this
// serial test: a target that refuses LOAD DATA LOCAL INFILE gets the copy by
// multi-row INSERTs, with the same rows.
TEST_CASE("MariaDB -> MariaDB with local_infile=OFF on the target: copied by multi-row INSERT, identical") {
  std::string src_db = testing::CreateFreshMariaDbDatabase("noinfile_src");
  std::string tgt_db = testing::CreateFreshMariaDbDatabase("noinfile_tgt");
  LoadMariaDb(src_db, "mariadb_types.sql");
  std::string dir = MakeTempDir("noinfile");
  std::string plan = dir + "/plan.yaml";
  std::string text = IncrementalPlan("noinfile", src_db, Engine::kMariaDb, tgt_db, "{ parallel: 2, chunk_rows: 100 }", {});
  text.replace(text.find("steps: [schema, full, incremental]"), std::string("steps: [schema, full, incremental]").size(),
               "steps: [schema, full]");
  WriteFile(plan, text);
  testing::MariaDbSession admin(TestServersFromEnv().mariadb.Admin());
  admin.Exec("SET GLOBAL local_infile = 0");
  struct Restore {
    testing::MariaDbSession& s;
    ~Restore() {
      try {
        s.Exec("SET GLOBAL local_infile = 1");
      } catch (...) {
      }
    }
  } restore{admin};
  RunResult r = RunSluice({"apply", plan, "--state-dir", dir + "/state"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("multi-row INSERTs") != std::string::npos);
  Side src(Engine::kMariaDb, src_db), tgt(Engine::kMariaDb, tgt_db);
  std::vector<TableCheck> checks = MariaDbSourceChecks(Engine::kMariaDb, src_db, tgt_db);
  checks.erase(std::remove_if(checks.begin(), checks.end(),
                              [](const TableCheck& c) { return c.target_table.find("`filtered`") != std::string::npos; }),
               checks.end());
  CompareAll(src, tgt, checks);
}

}  // namespace
}  // namespace sluice::fctest
