// The full migration proven on the real servers (issue 4): `sluice apply`
// (the real binary, as a subprocess) copies a type-rich dataset
// (testdata/full_copy/) along each path, then the test itself reads source
// and target row by row and compares every value (full_copy_support.h says
// how; nothing of Sluice's runtime is reused for the check). The documented
// conversions of each path (boolean -> tinyint(1), arrays -> JSON, timetz ->
// its clock time, zero dates -> NULL, ...) are asserted explicitly, and the
// values a target cannot hold must fail the apply or land in the reject file,
// as the plan says.
//
// Also here: `sluice status --json` after success, a second apply being a
// no-op, `sluice stop` during a run, and passwords never appearing in output
// or in the state directory. kill -9 and server restarts have their own files
// (full_copy_kill_test.cc, full_copy_restart_test.cc).

#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/integration/datasets.h"
#include "tests/integration/full_copy_support.h"

namespace sluice::fctest {
namespace {

using testing::TestServersFromEnv;

// A plan copying every table of the dataset, with the filtered and the
// renamed table as entries of their own.
std::string DatasetPlan(const std::string& name, Engine src, const std::string& src_db, Engine tgt,
                        const std::string& tgt_db, const std::string& full, const std::vector<std::string>& extra_exclude = {}) {
  std::string src_schema = src == Engine::kMariaDb ? src_db : "public";
  std::string tgt_schema = tgt == Engine::kMariaDb ? tgt_db : "public";
  std::string exclude = src_schema + ".filtered, " + src_schema + ".people";
  for (const auto& e : extra_exclude) exclude += ", " + src_schema + "." + e;
  return "version: 1\n"
         "name: " + name + "\n"
         "source: " + EndpointYaml(src, src_db) + "\n"
         "target: " + EndpointYaml(tgt, tgt_db) + "\n"
         "steps: [schema, full]\n"
         "objects:\n"
         "  - from: " + src_schema + ".*\n"
         "    exclude: [" + exclude + "]\n"
         "    to: " + tgt_schema + ".{table}\n"
         "  - from: " + src_schema + ".filtered\n"
         "    to: " + tgt_schema + ".filtered\n"
         "    where: \"status <> 'deleted'\"\n"
         "  - from: " + src_schema + ".people\n"
         "    to: " + tgt_schema + ".people\n"
         "    columns: { rename: { full_name: name }, drop: [legacy_flag] }\n"
         "full: " + full + "\n";
}

std::string ColumnType(Side& tgt, const std::string& schema, const std::string& table, const std::string& column) {
  std::string sql = tgt.engine() == Engine::kMariaDb
                        ? "SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '" + schema +
                              "' AND TABLE_NAME = '" + table + "' AND COLUMN_NAME = '" + column + "'"
                        : "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '" + schema + "." +
                              table + "'::regclass AND attname = '" + column + "' AND NOT attisdropped";
  Rows r = tgt.Query(sql);
  return r.empty() || !r[0][0] ? "(none)" : *r[0][0];
}

// Asserts what every successful copy must show in the state store.
void CheckStatusAllDone(const std::string& plan, const std::string& state) {
  RunResult st = RunSluice({"status", plan, "--state-dir", state, "--json"});
  REQUIRE_MESSAGE(st.exit_code == 0, st.err);
  auto j = nlohmann::json::parse(st.out);
  REQUIRE(j["tasks"].size() > 0);
  for (const auto& t : j["tasks"]) {
    INFO(t.dump());
    CHECK(t["state"] == "done");
  }
}

// Where the MariaDB test server's binlog ends now ("file", position).
std::pair<std::string, std::string> BinlogEnd(Side& s) {
  Rows r = s.Query("SHOW MASTER STATUS");
  REQUIRE(!r.empty());
  return {r[0][0].value_or(""), r[0][1].value_or("4")};
}

// Row events (their TABLE_MAPs) for tables of `db` in the binlog since `from`.
int64_t RowEventsSince(Side& s, const std::pair<std::string, std::string>& from, const std::string& db) {
  int64_t n = 0;
  for (const auto& row : s.Query("SHOW BINLOG EVENTS IN '" + from.first + "' FROM " + from.second)) {
    if (row.size() > 5 && row[2].value_or("") == "Table_map" && row[5].value_or("").find("(" + db + ".") != std::string::npos) {
      ++n;
    }
  }
  return n;
}

RunResult Apply(const std::string& plan, const std::string& state, const std::map<std::string, std::string>& env = {}) {
  RunResult r = RunSluice({"apply", plan, "--state-dir", state}, env);
  MESSAGE("sluice apply " << plan << ": exit " << r.exit_code << " in " << r.seconds << "s");
  return r;
}

TEST_CASE("MariaDB -> MariaDB: every type copied exactly, checked row by row") {
  std::string src_db = testing::CreateFreshMariaDbDatabase("fc_src");
  std::string tgt_db = testing::CreateFreshMariaDbDatabase("fc_tgt");
  LoadMariaDb(src_db, "mariadb_types.sql");
  std::string dir = MakeTempDir("fc-my-my");
  std::string plan = dir + "/plan.yaml";
  // target_binlog: skip keeps the copy out of the target's binlog.
  WriteFile(plan, DatasetPlan("fc-my-my", Engine::kMariaDb, src_db, Engine::kMariaDb, tgt_db,
                              "{ parallel: 2, chunk_rows: 100, target_binlog: skip }"));
  Side src(Engine::kMariaDb, src_db), tgt(Engine::kMariaDb, tgt_db);
  auto binlog_before = BinlogEnd(tgt);
  RunResult r = Apply(plan, dir + "/state");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(RowEventsSince(tgt, binlog_before, tgt_db) == 0);

  CompareAll(src, tgt, MariaDbSourceChecks(Engine::kMariaDb, src_db, tgt_db));
  // Zero dates stay zero dates on a MySQL-family target.
  CHECK(tgt.Scalar("SELECT d FROM `" + tgt_db + "`.mysql_times WHERE id = 1") == "0000-00-00");
  CHECK(tgt.Scalar("SELECT COUNT(*) FROM `" + tgt_db + "`.filtered") == "300");
  CHECK(ColumnType(tgt, tgt_db, "people", "legacy_flag") == "(none)");
  CheckStatusAllDone(plan, dir + "/state");

  // Many chunks were made (chunk_rows: 100), and all are done.
  RunResult st = RunSluice({"status", plan, "--state-dir", dir + "/state", "--json"});
  auto j = nlohmann::json::parse(st.out);
  int64_t copied = 0;
  for (const auto& t : j["tasks"]) {
    if (t["kind"] == "full.table") copied += t["rows"].get<int64_t>();
  }
  CHECK(copied > 3000);

  // A second apply is a no-op: every task already done, nothing rewritten.
  tgt.Exec("UPDATE `" + tgt_db + "`.ints SET ti = 99 WHERE id = 3");  // would be undone by a redo
  RunResult again = Apply(plan, dir + "/state");
  CHECK_MESSAGE(again.exit_code == 0, again.err);
  CHECK(again.err.find(" 0 tasks done") != std::string::npos);
  CHECK(tgt.Scalar("SELECT ti FROM `" + tgt_db + "`.ints WHERE id = 3") == "99");
}

TEST_CASE("PostgreSQL -> MariaDB: every type, documented conversions asserted") {
  std::string src_db = testing::CreateFreshPgDatabase("fc_src");
  std::string tgt_db = testing::CreateFreshMariaDbDatabase("fc_tgt");
  LoadPg(src_db, "postgresql_types.sql");
  std::string dir = MakeTempDir("fc-pg-my");
  std::string plan = dir + "/plan.yaml";
  WriteFile(plan, DatasetPlan("fc-pg-my", Engine::kPostgres, src_db, Engine::kMariaDb, tgt_db,
                              "{ parallel: 2, chunk_rows: 100 }"));
  Side src(Engine::kPostgres, src_db), tgt(Engine::kMariaDb, tgt_db);
  auto binlog_before = BinlogEnd(tgt);
  RunResult r = Apply(plan, dir + "/state");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  // By default the copy goes through the target's binlog (a replica of the target gets it too).
  CHECK(RowEventsSince(tgt, binlog_before, tgt_db) > 10);

  CompareAll(src, tgt, PgSourceChecks(tgt_db));
  // The conversions compared above, pinned to the target types they rely on.
  CHECK(ColumnType(tgt, tgt_db, "ints", "flag") == "tinyint(1)");
  CHECK(ColumnType(tgt, tgt_db, "times", "tstz") == "datetime(6)");
  CHECK(ColumnType(tgt, tgt_db, "times", "iv") == "varchar(64)");
  CHECK(ColumnType(tgt, tgt_db, "bins", "vb") == "bit(5)");
  CHECK(ColumnType(tgt, tgt_db, "nums", "m") == "decimal(19,2)");
  CHECK(tgt.Scalar("SELECT tstz FROM `" + tgt_db + "`.times WHERE id = 3") == "2024-02-29 07:04:56.123456");
  CHECK(tgt.Scalar("SELECT ttz FROM `" + tgt_db + "`.times WHERE id = 2") == "23:59:59.000000");
  CHECK(tgt.Scalar("SELECT ia FROM `" + tgt_db + "`.arrays WHERE id = 4") == "[[1,2],[3,4]]");
  CHECK(tgt.Scalar("SELECT COUNT(*) FROM `" + tgt_db + "`.filtered") == "300");
  CHECK(ColumnType(tgt, tgt_db, "people", "legacy_flag") == "(none)");
  CHECK(src.Scalar("SELECT r::text FROM nums WHERE id = 7") == "-0");
  CHECK(tgt.Scalar("SELECT r FROM `" + tgt_db + "`.nums WHERE id = 7") == "0");
  CheckStatusAllDone(plan, dir + "/state");
}

TEST_CASE("MariaDB -> PostgreSQL: every type, zero dates and out-of-range times by policy") {
  std::string src_db = testing::CreateFreshMariaDbDatabase("fc_src");
  std::string tgt_db = testing::CreateFreshPgDatabase("fc_tgt");
  LoadMariaDb(src_db, "mariadb_types.sql");
  std::string dir = MakeTempDir("fc-my-pg");
  std::string plan = dir + "/plan.yaml";
  WriteFile(plan, DatasetPlan("fc-my-pg", Engine::kMariaDb, src_db, Engine::kPostgres, tgt_db,
                              "{ parallel: 2, chunk_rows: 100, zero_date: null, on_bad_row: reject }"));
  RunResult r = Apply(plan, dir + "/state");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);

  Side src(Engine::kMariaDb, src_db), tgt(Engine::kPostgres, tgt_db);
  CompareAll(src, tgt, MariaDbSourceChecks(Engine::kPostgres, src_db, "public"));
  CHECK(ColumnType(tgt, "public", "ints", "biu") == "numeric(20,0)");
  CHECK(tgt.Scalar("SELECT biu::text FROM ints WHERE id = 2") == "18446744073709551615");
  CHECK(tgt.Scalar("SELECT COUNT(*) FROM filtered") == "300");
  CHECK(ColumnType(tgt, "public", "people", "legacy_flag") == "(none)");

  // mysql_times: zero dates became NULL (zero_date: null); TIME values
  // outside 00:00..24:00 were rejected (on_bad_row: reject), the rest copied.
  CHECK(tgt.Scalar("SELECT COUNT(*) FROM mysql_times") == "203");
  Rows zero = tgt.Query("SELECT id, d::text, dt::text, t::text FROM mysql_times WHERE id IN (1, 2) ORDER BY id");
  REQUIRE(zero.size() == 2);
  CHECK(!zero[0][1]);
  CHECK(!zero[0][2]);
  CHECK(zero[0][3] == "10:00:00");
  CHECK(!zero[1][1]);
  CHECK(!zero[1][2]);
  CHECK(tgt.Scalar("SELECT COUNT(*) FROM mysql_times WHERE id IN (3, 5, 6)") == "0");
  std::string rejects = ReadFile(dir + "/state/rejects.tsv");
  CHECK(r.err.find("3 rows rejected") != std::string::npos);
  for (const char* key : {"[\"3\"]", "[\"5\"]", "[\"6\"]"}) {
    INFO(rejects);
    CHECK(rejects.find(src_db + ".mysql_times\t" + key) != std::string::npos);
  }
  CHECK(rejects.find("838:59:59") != std::string::npos);
  CheckStatusAllDone(plan, dir + "/state");
}

TEST_CASE("bad rows: on_bad_row fail names table and key; reject copies the rest") {
  std::string dir = MakeTempDir("fc-bad");
  SUBCASE("MariaDB -> PostgreSQL: a zero date with zero_date: fail") {
    std::string src_db = testing::CreateFreshMariaDbDatabase("fc_src");
    std::string tgt_db = testing::CreateFreshPgDatabase("fc_tgt");
    testing::MariaDbSession my(TestServersFromEnv().mariadb.Admin(src_db));
    my.Exec("SET SESSION sql_mode = ''");
    my.Exec("CREATE TABLE ev (id INT PRIMARY KEY, d DATE)");
    my.Exec("INSERT INTO ev SELECT seq, '2024-01-01' + INTERVAL seq DAY FROM seq_1_to_300");
    my.Exec("UPDATE ev SET d = '0000-00-00' WHERE id = 217");
    std::string plan = dir + "/zero.yaml";
    WriteFile(plan, "version: 1\nname: fc-zero\nsource: " + EndpointYaml(Engine::kMariaDb, src_db) +
                        "\ntarget: " + EndpointYaml(Engine::kPostgres, tgt_db) +
                        "\nsteps: [schema, full]\nobjects:\n  - from: " + src_db +
                        ".ev\n    to: public.ev\nfull: { chunk_rows: 50 }\n");
    RunResult r = Apply(plan, dir + "/zero-state");
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err.find(src_db + ".ev key [\"217\"]") != std::string::npos, r.err);
    CHECK(r.err.find("zero date") != std::string::npos);
    CHECK(r.err.find("full.zero_date") != std::string::npos);

    // zero_date: reject: the row goes to the reject file, the 299 others are copied.
    std::string plan2 = dir + "/zero2.yaml";
    std::string reject_file = dir + "/zero-rejects.tsv";
    WriteFile(plan2, "version: 1\nname: fc-zero2\nsource: " + EndpointYaml(Engine::kMariaDb, src_db) +
                         "\ntarget: " + EndpointYaml(Engine::kPostgres, tgt_db) +
                         "\nsteps: [schema, full]\nobjects:\n  - from: " + src_db +
                         ".ev\n    to: public.ev2\nfull: { chunk_rows: 50, zero_date: reject, reject_file: " +
                         reject_file + " }\n");
    RunResult r2 = Apply(plan2, dir + "/zero2-state");
    CHECK_MESSAGE(r2.exit_code == 0, r2.err);
    testing::PgSession pg(TestServersFromEnv().postgres.Admin(tgt_db));
    CHECK(pg.Scalar("SELECT COUNT(*) FROM ev2") == "299");
    CHECK(pg.Scalar("SELECT COUNT(*) FROM ev2 WHERE id = 217") == "0");
    std::string rejects = ReadFile(reject_file);
    CHECK(rejects.find(src_db + ".ev\t[\"217\"]\t") != std::string::npos);
  }
  SUBCASE("MariaDB -> PostgreSQL: an invalid ENUM value ('') is rejected, not copied") {
    // PostgreSQL gets the labels as a CHECK added after the copy: copying
    // MySQL's '' error value would make that step fail without naming a row.
    std::string src_db = testing::CreateFreshMariaDbDatabase("fc_src");
    std::string tgt_db = testing::CreateFreshPgDatabase("fc_tgt");
    testing::MariaDbSession my(TestServersFromEnv().mariadb.Admin(src_db));
    my.Exec("SET SESSION sql_mode = ''");
    my.Exec("CREATE TABLE sizes (id INT PRIMARY KEY, size ENUM('s','m','l'))");
    my.Exec("INSERT INTO sizes SELECT seq, IF(seq = 77, 'huge', 'm') FROM seq_1_to_200");
    REQUIRE(my.Scalar("SELECT size FROM sizes WHERE id = 77") == "");
    std::string plan = dir + "/enum.yaml";
    WriteFile(plan, "version: 1\nname: fc-enum\nsource: " + EndpointYaml(Engine::kMariaDb, src_db) +
                        "\ntarget: " + EndpointYaml(Engine::kPostgres, tgt_db) +
                        "\nsteps: [schema, full]\nobjects:\n  - from: " + src_db +
                        ".sizes\n    to: public.sizes\nfull: { chunk_rows: 50, on_bad_row: reject }\n");
    RunResult r = Apply(plan, dir + "/enum-state");
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    testing::PgSession pg(TestServersFromEnv().postgres.Admin(tgt_db));
    CHECK(pg.Scalar("SELECT COUNT(*) FROM sizes") == "199");
    std::string rejects = ReadFile(dir + "/enum-state/rejects.tsv");
    CHECK_MESSAGE(rejects.find(src_db + ".sizes\t[\"77\"]\t") != std::string::npos, rejects);
  }
  SUBCASE("MariaDB -> PostgreSQL: NUL in text fails, naming the key") {
    std::string src_db = testing::CreateFreshMariaDbDatabase("fc_src");
    std::string tgt_db = testing::CreateFreshPgDatabase("fc_tgt");
    testing::MariaDbSession my(TestServersFromEnv().mariadb.Admin(src_db));
    my.Exec("CREATE TABLE notes (id INT PRIMARY KEY, body TEXT)");
    my.Exec("INSERT INTO notes SELECT seq, CONCAT('note ', seq) FROM seq_1_to_200");
    my.Exec("UPDATE notes SET body = CONCAT('nul', CHAR(0), 'inside') WHERE id = 42");
    std::string plan = dir + "/nul.yaml";
    WriteFile(plan, "version: 1\nname: fc-nul\nsource: " + EndpointYaml(Engine::kMariaDb, src_db) +
                        "\ntarget: " + EndpointYaml(Engine::kPostgres, tgt_db) +
                        "\nsteps: [schema, full]\nobjects:\n  - from: " + src_db +
                        ".notes\n    to: public.notes\nfull: { chunk_rows: 50, on_bad_row: fail }\n");
    RunResult r = Apply(plan, dir + "/nul-state");
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err.find(src_db + ".notes key [\"42\"]") != std::string::npos, r.err);
    CHECK(r.err.find("NUL") != std::string::npos);
  }
  SUBCASE("PostgreSQL -> MariaDB: NaN, infinity and an oversized numeric, rejected") {
    std::string src_db = testing::CreateFreshPgDatabase("fc_src");
    std::string tgt_db = testing::CreateFreshMariaDbDatabase("fc_tgt");
    testing::PgSession pg(TestServersFromEnv().postgres.Admin(src_db));
    pg.Exec("CREATE TABLE m (id int PRIMARY KEY, f float8, n numeric, d date)");
    pg.Exec("INSERT INTO m SELECT g, g / 3.0, g, date '2020-01-01' + g FROM generate_series(1, 300) g");
    pg.Exec("UPDATE m SET f = 'NaN' WHERE id = 10");
    pg.Exec("UPDATE m SET f = '-Infinity' WHERE id = 20");
    pg.Exec("UPDATE m SET n = 1e40 WHERE id = 30");                   // > 35 digits before the point
    pg.Exec("UPDATE m SET n = 0.1234567890123456789012345678901 WHERE id = 40");  // 31 after it
    pg.Exec("UPDATE m SET d = 'infinity' WHERE id = 50");
    std::string plan = dir + "/nan.yaml";
    WriteFile(plan, "version: 1\nname: fc-nan\nsource: " + EndpointYaml(Engine::kPostgres, src_db) +
                        "\ntarget: " + EndpointYaml(Engine::kMariaDb, tgt_db) +
                        "\nsteps: [schema, full]\nobjects:\n  - from: public.m\n    to: " + tgt_db +
                        ".m\nfull: { chunk_rows: 40, on_bad_row: reject }\n");
    RunResult r = Apply(plan, dir + "/nan-state");
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.err.find("5 rows rejected") != std::string::npos);
    testing::MariaDbSession my(TestServersFromEnv().mariadb.Admin(tgt_db));
    CHECK(my.Scalar("SELECT COUNT(*) FROM m") == "295");
    CHECK(my.Scalar("SELECT COUNT(*) FROM m WHERE id IN (10, 20, 30, 40, 50)") == "0");
    std::string rejects = ReadFile(dir + "/nan-state/rejects.tsv");
    for (const char* key : {"[\"10\"]", "[\"20\"]", "[\"30\"]", "[\"40\"]", "[\"50\"]"}) {
      CHECK_MESSAGE(rejects.find(std::string("public.m\t") + key + "\t") != std::string::npos, rejects);
    }
    // The same data with on_bad_row: fail stops at the first, naming it.
    std::string plan2 = dir + "/nan2.yaml";
    WriteFile(plan2, "version: 1\nname: fc-nan2\nsource: " + EndpointYaml(Engine::kPostgres, src_db) +
                         "\ntarget: " + EndpointYaml(Engine::kMariaDb, tgt_db) +
                         "\nsteps: [schema, full]\nobjects:\n  - from: public.m\n    to: " + tgt_db +
                         ".m2\nfull: { chunk_rows: 40, parallel: 1 }\n");
    RunResult r2 = Apply(plan2, dir + "/nan2-state");
    CHECK(r2.exit_code == 1);
    // Rows come in the source's physical order: the first bad row met is one of them.
    bool named = false;
    for (const char* key : {"[\"10\"]", "[\"20\"]", "[\"30\"]", "[\"40\"]", "[\"50\"]"}) {
      named = named || r2.err.find(std::string("public.m key ") + key) != std::string::npos;
    }
    CHECK_MESSAGE(named, r2.err);
    CHECK(r2.err.find("full.on_bad_row") != std::string::npos);
  }
}

TEST_CASE("sluice stop during a run: exit 1, checkpoint kept, the next apply completes") {
  std::string src_db = testing::CreateFreshMariaDbDatabase("fc_src");
  std::string tgt_db = testing::CreateFreshMariaDbDatabase("fc_tgt");
  {
    testing::MariaDbSession my(TestServersFromEnv().mariadb.Admin(src_db));
    my.Exec("CREATE TABLE big (id INT PRIMARY KEY, pad VARCHAR(200))");
    my.Exec("INSERT INTO big SELECT seq, REPEAT(CHAR(65 + seq % 26), 190) FROM seq_1_to_200000");
  }
  std::string dir = MakeTempDir("fc-stop");
  std::string plan = dir + "/plan.yaml";
  WriteFile(plan, "version: 1\nname: fc-stop\nsource: " + EndpointYaml(Engine::kMariaDb, src_db) +
                      "\ntarget: " + EndpointYaml(Engine::kMariaDb, tgt_db) + "\nsteps: [schema, full]\nobjects:\n  - from: " +
                      src_db + ".big\n    to: " + tgt_db + ".big\nfull: { chunk_rows: 200, parallel: 1 }\n");
  std::string state = dir + "/state";
  SluiceProcess p({"apply", plan, "--state-dir", state}, dir);
  // Wait until some chunks are done, then ask it to stop.
  bool progressed = false;
  for (int i = 0; i < 600 && !p.Poll(); ++i) {
    RunResult st = RunSluice({"status", plan, "--state-dir", state, "--json"});
    if (st.exit_code == 0) {
      auto j = nlohmann::json::parse(st.out);
      for (const auto& t : j["tasks"]) {
        if (t["kind"] == "full.table" && t["rows"].get<int64_t>() > 0) progressed = true;
      }
    }
    if (progressed) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE_MESSAGE(progressed, "the copy never showed progress; stderr: " << p.Err());
  RunResult stop = RunSluice({"stop", plan, "--state-dir", state});
  CHECK(stop.exit_code == 0);
  int code = p.Wait(60);
  if (code == 0) {
    MESSAGE("the copy finished before the stop request was seen; stderr: " << p.Err());
  } else {
    CHECK(code == 1);
    CHECK_MESSAGE(p.Err().find("stopped; the checkpoint is kept") != std::string::npos, p.Err());
    RunResult st = RunSluice({"status", plan, "--state-dir", state, "--json"});
    auto j = nlohmann::json::parse(st.out);
    int64_t rows = 0;
    for (const auto& t : j["tasks"]) {
      if (t["kind"] == "full.table") {
        CHECK(t["state"] != "done");
        rows = t["rows"].get<int64_t>();
      }
    }
    CHECK(rows > 0);
    CHECK(rows < 200000);
  }
  RunResult again = Apply(plan, state);
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  Side src(Engine::kMariaDb, src_db), tgt(Engine::kMariaDb, tgt_db);
  Checks k{Engine::kMariaDb, Engine::kMariaDb, src_db, tgt_db};
  TableCheck t = k.Table("big");
  t.key = {k.Col("id")};
  t.columns = {k.Col("pad")};
  std::string diff = CompareTable(src, tgt, t);
  CHECK_MESSAGE(diff.empty(), diff);
  CheckStatusAllDone(plan, state);
}

TEST_CASE("secrets: a password from ${env:...} never appears in output or in the state directory") {
  const auto& servers = TestServersFromEnv();
  REQUIRE(!servers.password.empty());
  std::string src_db = testing::CreateFreshMariaDbDatabase("fc_src");
  std::string tgt_db = testing::CreateFreshPgDatabase("fc_tgt");
  {
    testing::MariaDbSession my(servers.mariadb.Admin(src_db));
    my.Exec("CREATE TABLE s (id INT PRIMARY KEY, v VARCHAR(20))");
    my.Exec("INSERT INTO s SELECT seq, CONCAT('v', seq) FROM seq_1_to_250");
    // The password user has every privilege on both servers (scripts/test-servers.sh).
  }
  auto dsn_as = [&](const std::string& dsn, const std::string& db) {
    std::string d = DsnWithDatabase(dsn, db);
    size_t at = d.find('@'), scheme = d.find("://");
    return d.substr(0, scheme + 3) + servers.password_user + d.substr(at);
  };
  std::string dir = MakeTempDir("fc-secret");
  std::string plan = dir + "/plan.yaml";
  WriteFile(plan, "version: 1\nname: fc-secret\nsource: { dialect: mariadb, dsn: \"" +
                      dsn_as(servers.mariadb.dsn, src_db) + "\", password: \"${env:FC_SECRET_PW}\" }\n"
                      "target: { dialect: postgresql, dsn: \"" + dsn_as(servers.postgres.dsn, tgt_db) +
                      "\", password: \"${env:FC_SECRET_PW}\" }\n"
                      "steps: [schema, full]\nobjects:\n  - from: " + src_db + ".s\n    to: public.s\n"
                      "full: { chunk_rows: 100 }\n");
  std::map<std::string, std::string> env{{"FC_SECRET_PW", servers.password}};
  std::string state = dir + "/state";
  RunResult r = Apply(plan, state, env);
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  RunResult st = RunSluice({"status", plan, "--state-dir", state, "--json"}, env);
  CHECK(st.exit_code == 0);
  // A failing run (a table that is not there) must not show it either.
  testing::MariaDbSession(servers.mariadb.Admin(src_db)).Exec("DROP TABLE s");
  RunResult bad = Apply(plan, dir + "/state-bad", env);
  CHECK(bad.exit_code == 1);
  std::string everything = r.out + r.err + st.out + st.err + bad.out + bad.err + ReadAllFiles(state) + ReadAllFiles(dir + "/state-bad");
  CHECK(everything.find(servers.password) == std::string::npos);
  testing::PgSession pg(servers.postgres.Admin(tgt_db));
  CHECK(pg.Scalar("SELECT COUNT(*) FROM s") == "250");
}

}  // namespace
TEST_CASE("full.target_binlog: skip without the privilege is refused before any data moves") {
  const auto& servers = TestServersFromEnv();
  std::string src_db = testing::CreateFreshMariaDbDatabase("fc_src");
  std::string tgt_db = testing::CreateFreshMariaDbDatabase("fc_tgt");
  std::string user = "fc_nobinlog_" + src_db.substr(src_db.size() - 6);
  {
    testing::MariaDbSession my(servers.mariadb.Admin(src_db));
    my.Exec("CREATE TABLE s (id INT PRIMARY KEY)");
    my.Exec("INSERT INTO s VALUES (1), (2)");
    my.Exec("CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY 'nb-pw'");
    my.Exec("GRANT ALL PRIVILEGES ON `" + src_db + "`.* TO '" + user + "'@'127.0.0.1'");
    my.Exec("GRANT ALL PRIVILEGES ON `" + tgt_db + "`.* TO '" + user + "'@'127.0.0.1'");
  }
  std::string dsn = "mysql://" + user + "@127.0.0.1:" + std::to_string(servers.mariadb.port) + "/";
  std::string dir = MakeTempDir("fc-nobinlog");
  std::string plan = dir + "/plan.yaml";
  WriteFile(plan, "version: 1\nname: fc-nobinlog\nsource: { dialect: mariadb, dsn: \"" + dsn + src_db +
                      "\", password: \"${env:FC_NB_PW}\" }\ntarget: { dialect: mariadb, dsn: \"" + dsn + tgt_db +
                      "\", password: \"${env:FC_NB_PW}\" }\nsteps: [schema, full]\nobjects:\n  - from: " + src_db +
                      ".s\n    to: " + tgt_db + ".s\nfull: { target_binlog: skip }\n");
  RunResult r = Apply(plan, dir + "/state", {{"FC_NB_PW", "nb-pw"}});
  testing::MariaDbSession admin(servers.mariadb.Admin(tgt_db));
  admin.Exec("DROP USER '" + user + "'@'127.0.0.1'");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("full.target_binlog: skip needs the SUPER or BINLOG ADMIN privilege on the target") !=
        std::string::npos);
  CHECK(admin.Scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '" + tgt_db + "'") == "0");
}

// A plan (and its state directory) from PostgreSQL database src_db to
// MariaDB database tgt_db: `steps` and the YAML that follows them.
std::pair<std::string, std::string> PgToMariaDbPlan(const std::string& name, const std::string& src_db,
                                                    const std::string& tgt_db, const std::string& steps,
                                                    const std::string& rest) {
  std::string dir = MakeTempDir(name);
  std::string plan = dir + "/plan.yaml";
  WriteFile(plan, "version: 1\nname: " + name + "\nsource: { dialect: postgresql, dsn: \"" +
                      DsnWithDatabase(TestServersFromEnv().postgres.dsn, src_db) + "\" }\ntarget: { dialect: mariadb, dsn: \"" +
                      DsnWithDatabase(TestServersFromEnv().mariadb.dsn, tgt_db) + "\" }\nsteps: " + steps + "\n" + rest);
  return {plan, dir + "/state"};
}

TEST_CASE("interrupted chunks of a text key are redone by their keys, whatever the engines' collations") {
  // PostgreSQL's ICU collation puts '_' before letters (_c003 < a001), the
  // target's utf8mb4_general_ci (chosen by a types: override) after them:
  // the first chunk's key range (k <= '_...') holds every letter key on the
  // target, so its redo must not delete by range.
  std::string src_db = testing::CreateFreshPgDatabase("fc_src");
  std::string tgt_db = testing::CreateFreshMariaDbDatabase("fc_tgt");
  {
    testing::PgSession pg(TestServersFromEnv().postgres.Admin(src_db));
    pg.Exec("CREATE TABLE tk (k varchar(20) COLLATE \"und-x-icu\" PRIMARY KEY, v int NOT NULL)");
    pg.Exec("INSERT INTO tk SELECT CASE WHEN i % 3 = 0 THEN '_' || x ELSE x END, i FROM generate_series(1, 300) i, "
            "LATERAL (SELECT chr(97 + i % 26) || lpad(i::text, 3, '0') AS x) s");
  }
  auto [plan, state] = PgToMariaDbPlan("fc-redo", src_db, tgt_db, "[schema, full]",
                                        "objects:\n  - from: public.tk\n    to: " + tgt_db + ".tk\n"
                                        "full: { parallel: 2, chunk_rows: 40 }\n"
                                        "types:\n  - match: { column: public.tk.k }\n"
                                        "    to: varchar(20) COLLATE utf8mb4_general_ci\n");
  RunResult first = Apply(plan, state);
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  MarkFirstChunkInterrupted(state, "full.table:" + tgt_db + ".tk");
  RunResult again = Apply(plan, state);
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  Side src(Engine::kPostgres, src_db), tgt(Engine::kMariaDb, tgt_db);
  CHECK(tgt.Scalar("SELECT COLLATION_NAME FROM information_schema.columns WHERE table_schema = '" + tgt_db +
                   "' AND table_name = 'tk' AND column_name = 'k'") == "utf8mb4_general_ci");
  Checks k{Engine::kPostgres, Engine::kMariaDb, "public", tgt_db};
  TableCheck t = k.Table("tk");
  t.key = {k.Col("k")};
  t.columns = {k.Col("v")};
  CompareAll(src, tgt, {t});
  CHECK(tgt.Scalar("SELECT COUNT(*) FROM `" + tgt_db + "`.tk") == "300");
}

TEST_CASE("PostgreSQL -> MariaDB: text keys differing only in case or trailing spaces stay distinct") {
  // PostgreSQL's default collation is deterministic (equal only when the bytes
  // are); the target's default utf8mb4_general_ci would make these one key.
  std::string src_db = testing::CreateFreshPgDatabase("fc_src");
  std::string tgt_db = testing::CreateFreshMariaDbDatabase("fc_tgt");
  {
    testing::PgSession pg(TestServersFromEnv().postgres.Admin(src_db));
    pg.Exec("CREATE TABLE ck (k varchar(20) PRIMARY KEY, v int NOT NULL)");
    pg.Exec("INSERT INTO ck VALUES ('abc', 1), ('ABC', 2), ('abc ', 3), ('Abc', 4), ('straße', 5), ('strasse', 6), "
            "('é', 7), ('e', 8)");
  }
  auto [plan, state] = PgToMariaDbPlan("fc-case", src_db, tgt_db, "[schema, full, verify]",
                                        "objects:\n  - from: public.ck\n    to: " + tgt_db + ".ck\n");
  RunResult run = Apply(plan, state);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  Side src(Engine::kPostgres, src_db), tgt(Engine::kMariaDb, tgt_db);
  CHECK(tgt.Scalar("SELECT COLLATION_NAME FROM information_schema.columns WHERE table_schema = '" + tgt_db +
                   "' AND table_name = 'ck' AND column_name = 'k'") == "utf8mb4_nopad_bin");
  CHECK(tgt.Scalar("SELECT COUNT(*) FROM `" + tgt_db + "`.ck") == "8");
  CHECK(tgt.Scalar("SELECT v FROM `" + tgt_db + "`.ck WHERE k = 'abc'") == "1");
  CHECK(tgt.Scalar("SELECT v FROM `" + tgt_db + "`.ck WHERE k = 'abc '") == "3");
  Checks k{Engine::kPostgres, Engine::kMariaDb, "public", tgt_db};
  TableCheck t = k.Table("ck");
  t.key = {k.Col("k")};
  t.columns = {k.Col("v")};
  CompareAll(src, tgt, {t});
}

}  // namespace sluice::fctest
