// The target server restarted while `sluice apply` copies: the lost
// connections are transient errors, so apply retries (with backoff) and
// completes on its own, and the target is identical to the source.
// Registered RESTARTS_SERVERS: it runs alone, other tests never see the
// server vanish.

#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/integration/full_copy_support.h"

namespace sluice::fctest {
namespace {

using testing::TestServersFromEnv;

constexpr int kRows = 150000;

int64_t RowsCopied(const std::string& plan, const std::string& state) {
  RunResult st = RunSluice({"status", plan, "--state-dir", state, "--json"});
  if (st.exit_code != 0) return -1;
  int64_t rows = 0;
  try {
    nlohmann::json parsed = nlohmann::json::parse(st.out);  // alive through the loop
    for (const auto& t : parsed["tasks"]) {
      if (t["kind"] == "full.table") rows += t["rows"].get<int64_t>();
    }
  } catch (const std::exception&) {
    return -1;
  }
  return rows;
}

void RestartTargetMidCopy(Engine src_engine, Engine tgt_engine) {
  const auto& servers = TestServersFromEnv();
  std::string src_db, tgt_db;
  if (src_engine == Engine::kMariaDb) {
    src_db = testing::CreateFreshMariaDbDatabase("fr_src");
    testing::MariaDbSession my(servers.mariadb.Admin(src_db));
    my.Exec("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(100), price DECIMAL(10,2))");
    my.Exec("INSERT INTO items SELECT seq, CONCAT('item ', seq, REPEAT('x', seq % 50)), seq / 100 FROM seq_1_to_" +
            std::to_string(kRows));
    tgt_db = testing::CreateFreshPgDatabase("fr_tgt");
  } else {
    src_db = testing::CreateFreshPgDatabase("fr_src");
    testing::PgSession pg(servers.postgres.Admin(src_db));
    pg.Exec("CREATE TABLE items (id int PRIMARY KEY, name varchar(100), price numeric(10,2))");
    pg.Exec("INSERT INTO items SELECT g, 'item ' || g || repeat('x', g % 50), g / 100.0 FROM generate_series(1, " +
            std::to_string(kRows) + ") g");
    tgt_db = testing::CreateFreshMariaDbDatabase("fr_tgt");
  }
  auto endpoint = [&](Engine e, const std::string& db) {
    if (e == Engine::kMariaDb) return "{ dialect: mariadb, dsn: \"" + DsnWithDatabase(servers.mariadb.dsn, db) + "\" }";
    return "{ dialect: postgresql, dsn: \"" + DsnWithDatabase(servers.postgres.dsn, db) + "\" }";
  };
  std::string src_schema = src_engine == Engine::kMariaDb ? src_db : "public";
  std::string tgt_schema = tgt_engine == Engine::kMariaDb ? tgt_db : "public";
  std::string dir = MakeTempDir("fc-restart");
  std::string plan = dir + "/plan.yaml";
  // Enough attempts and short backoff to ride out a restart of a few seconds.
  WriteFile(plan, "version: 1\nname: fc-restart\nsource: " + endpoint(src_engine, src_db) + "\ntarget: " +
                      endpoint(tgt_engine, tgt_db) + "\nsteps: [schema, full]\nobjects:\n  - from: " + src_schema +
                      ".items\n    to: " + tgt_schema + ".items\nfull: { parallel: 2, chunk_rows: 500 }\n"
                      "retry: { attempts: 30, backoff: 200ms..2s }\n");
  std::string state = dir + "/state";
  SluiceProcess p({"apply", plan, "--state-dir", state}, dir);
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!p.Poll() && std::chrono::steady_clock::now() < until && RowsCheckpointed(state) < 5000) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE_MESSAGE(!p.Poll(), "apply finished before the restart: " << p.Err());
  int64_t before = RowsCheckpointed(state);
  if (tgt_engine == Engine::kMariaDb) testing::RestartMariaDb();
  else testing::RestartPostgres();
  int code = p.Wait(120);
  MESSAGE("target restarted with " << before << " rows copied; apply exited " << code);
  INFO(p.Err());
  REQUIRE(code == 0);
  // The restart really interrupted the copy: a transient error was retried.
  CHECK(p.Err().find("retry ") != std::string::npos);
  RunResult st = RunSluice({"status", plan, "--state-dir", state, "--json"});
  nlohmann::json parsed = nlohmann::json::parse(st.out);  // alive through the loop
  for (const auto& t : parsed["tasks"]) CHECK(t["state"] == "done");

  Side src(src_engine, src_db), tgt(tgt_engine, tgt_db);
  Expr S{src_engine}, T{tgt_engine};
  auto q = [](Engine e, const std::string& s, const std::string& t) {
    return e == Engine::kMariaDb ? "`" + s + "`.`" + t + "`" : "\"" + s + "\".\"" + t + "\"";
  };
  TableCheck items;
  items.source_table = q(src_engine, src_schema, "items");
  items.target_table = q(tgt_engine, tgt_schema, "items");
  items.key = {{"id", S.Col("id"), T.Col("id"), Norm::kExact}};
  items.columns = {{"name", S.Col("name"), T.Col("name"), Norm::kExact},
                   {"price", S.Col("price"), T.Col("price"), Norm::kDecimal}};
  int64_t rows = 0;
  std::string diff = CompareTable(src, tgt, items, &rows);
  CHECK_MESSAGE(diff.empty(), diff);
  CHECK(rows == kRows);
}

TEST_CASE("target PostgreSQL restarted mid-copy: MariaDB -> PostgreSQL retries and completes") {
  RestartTargetMidCopy(Engine::kMariaDb, Engine::kPostgres);
}

TEST_CASE("target MariaDB restarted mid-copy: PostgreSQL -> MariaDB retries and completes") {
  RestartTargetMidCopy(Engine::kPostgres, Engine::kMariaDb);
}

}  // namespace
}  // namespace sluice::fctest
