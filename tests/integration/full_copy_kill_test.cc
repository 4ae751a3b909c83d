// kill -9 during `sluice apply`, at several points chosen by a seeded random
// generator, then re-run until it succeeds: the target must hold exactly the
// source's rows, none missing and none twice (counts and every row compared).
//
// The default run kills PostgreSQL -> MariaDB up to five times: the first
// after a random delay (while the schema is created and chunks are planned),
// the others when a random number of further rows are checkpointed. Every
// resumed run keeps the chunks finished before.
// SLUICE_FC_KILL_ALL_PATHS=1 also runs MariaDB -> PostgreSQL and
// MariaDB -> MariaDB. The plan has a keyed table (80,000 rows, 1,000 per
// chunk, 2 in parallel) and a keyless one (copied as one chunk, compared as a
// multiset, so a redone chunk that left its first rows behind would show).

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "tests/integration/full_copy_support.h"

namespace sluice::fctest {
namespace {

using testing::TestServersFromEnv;

constexpr int kRows = 150000;
constexpr int kKeylessRows = 20000;

std::string Endpoint(Engine e, const std::string& db) {
  const auto& s = TestServersFromEnv();
  if (e == Engine::kMariaDb) return "{ dialect: mariadb, dsn: \"" + DsnWithDatabase(s.mariadb.dsn, db) + "\" }";
  return "{ dialect: postgresql, dsn: \"" + DsnWithDatabase(s.postgres.dsn, db) + "\" }";
}

std::string Prepare(Engine src) {
  if (src == Engine::kMariaDb) {
    std::string db = testing::CreateFreshMariaDbDatabase("fk_src");
    testing::MariaDbSession my(TestServersFromEnv().mariadb.Admin(db));
    my.Exec("CREATE TABLE orders (id BIGINT PRIMARY KEY, customer INT, note VARCHAR(100), total DECIMAL(12,2), "
            "created DATETIME(6), payload VARBINARY(64))");
    my.Exec("INSERT INTO orders SELECT seq * 3, seq % 977, CONCAT('order ', seq, IF(seq % 10 = 0, '\\ttab', '')), "
            "seq * 1.25, '2020-01-01' + INTERVAL seq SECOND + INTERVAL seq % 1000 MICROSECOND, UNHEX(MD5(seq)) "
            "FROM seq_1_to_" + std::to_string(kRows));
    my.Exec("CREATE TABLE events (kind VARCHAR(20), n INT)");
    my.Exec("INSERT INTO events SELECT CONCAT('k', seq % 13), seq % 101 FROM seq_1_to_" + std::to_string(kKeylessRows));
    return db;
  }
  std::string db = testing::CreateFreshPgDatabase("fk_src");
  testing::PgSession pg(TestServersFromEnv().postgres.Admin(db));
  pg.Exec("CREATE TABLE orders (id bigint PRIMARY KEY, customer int, note varchar(100), total numeric(12,2), "
          "created timestamp(6), payload bytea)");
  pg.Exec("INSERT INTO orders SELECT g * 3, g % 977, 'order ' || g || CASE WHEN g % 10 = 0 THEN E'\\ttab' ELSE '' END, "
          "g * 1.25, timestamp '2020-01-01' + g * interval '1 second' + (g % 1000) * interval '1 microsecond', "
          "decode(md5(g::text), 'hex') FROM generate_series(1, " + std::to_string(kRows) + ") g");
  pg.Exec("CREATE TABLE events (kind varchar(20), n int)");
  pg.Exec("INSERT INTO events SELECT 'k' || (g % 13), g % 101 FROM generate_series(1, " + std::to_string(kKeylessRows) + ") g");
  return db;
}

int64_t RowsCopied(const std::string& plan, const std::string& state) {
  RunResult st = RunSluice({"status", plan, "--state-dir", state, "--json"});
  if (st.exit_code != 0) return -1;
  int64_t rows = 0;
  try {
    nlohmann::json j = nlohmann::json::parse(st.out);  // alive through the loop
    for (const auto& t : j["tasks"]) {
      if (t["kind"] == "full.table") rows += t["rows"].get<int64_t>();
    }
  } catch (const std::exception&) {
    return -1;
  }
  return rows;
}

void KillAndResume(Engine src_engine, Engine tgt_engine, uint64_t seed) {
  auto start = std::chrono::steady_clock::now();
  std::string src_db = Prepare(src_engine);
  std::string tgt_db = tgt_engine == Engine::kMariaDb ? testing::CreateFreshMariaDbDatabase("fk_tgt")
                                                      : testing::CreateFreshPgDatabase("fk_tgt");
  std::string src_schema = src_engine == Engine::kMariaDb ? src_db : "public";
  std::string tgt_schema = tgt_engine == Engine::kMariaDb ? tgt_db : "public";
  std::string dir = MakeTempDir("fc-kill");
  std::string plan = dir + "/plan.yaml";
  WriteFile(plan, "version: 1\nname: fc-kill\nsource: " + Endpoint(src_engine, src_db) + "\ntarget: " +
                      Endpoint(tgt_engine, tgt_db) + "\nsteps: [schema, full]\nobjects:\n  - from: " + src_schema +
                      ".*\n    to: " + tgt_schema + ".{table}\nfull: { parallel: 2, chunk_rows: 1000 }\n");
  std::string state = dir + "/state";
  const int64_t total = kRows + kKeylessRows;

  std::mt19937_64 rng(seed);
  int kills = 0;
  int64_t threshold = 0;
  bool finished = false;
  for (int round = 0; round < 5 && !finished; ++round) {
    SluiceProcess p({"apply", plan, "--state-dir", state}, dir);
    if (round == 0) {
      // Early: during precheck, schema creation or chunk planning.
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(30, 250)(rng)));
    } else {
      // Mid-copy: once a random number of further rows are checkpointed.
      threshold = std::max<int64_t>(threshold, RowsCheckpointed(state)) +
                  std::uniform_int_distribution<int64_t>(5000, 30000)(rng);
      auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (!p.Poll() && std::chrono::steady_clock::now() < until && RowsCheckpointed(state) < threshold) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    if (auto code = p.Poll()) {
      // It finished before the kill point: the remaining rounds have nothing to kill.
      INFO(p.Err());
      REQUIRE(*code == 0);
      finished = true;
      break;
    }
    p.Kill9();
    ++kills;
    MESSAGE("kill -9 #" << kills << " with " << RowsCheckpointed(state) << " of " << total << " rows checkpointed; "
                        << "status --json says " << RowsCopied(plan, state));
  }
  CHECK(kills >= 3);

  // Resume until done.
  int runs = 0;
  while (!finished && runs < 3) {
    ++runs;
    RunResult r = RunSluice({"apply", plan, "--state-dir", state});
    INFO(r.err);
    if (r.exit_code == 0) finished = true;
    else MESSAGE("resumed apply exited " << r.exit_code << ": " << r.err);
  }
  REQUIRE(finished);

  Side src(src_engine, src_db), tgt(tgt_engine, tgt_db);
  Expr S{src_engine}, T{tgt_engine};
  auto q = [](Engine e, const std::string& s, const std::string& t) {
    return e == Engine::kMariaDb ? "`" + s + "`.`" + t + "`" : "\"" + s + "\".\"" + t + "\"";
  };
  TableCheck orders;
  orders.source_table = q(src_engine, src_schema, "orders");
  orders.target_table = q(tgt_engine, tgt_schema, "orders");
  orders.key = {{"id", S.Col("id"), T.Col("id"), Norm::kExact}};
  orders.columns = {{"customer", S.Col("customer"), T.Col("customer"), Norm::kExact},
                    {"note", S.Col("note"), T.Col("note"), Norm::kExact},
                    {"total", S.Col("total"), T.Col("total"), Norm::kDecimal},
                    {"created", S.Ts("created"), T.Ts("created"), Norm::kExact},
                    {"payload", S.Hex("payload"), T.Hex("payload"), Norm::kExact}};
  TableCheck events;
  events.source_table = q(src_engine, src_schema, "events");
  events.target_table = q(tgt_engine, tgt_schema, "events");
  events.columns = {{"kind", S.Col("kind"), T.Col("kind"), Norm::kExact}, {"n", S.Col("n"), T.Col("n"), Norm::kExact}};
  for (const auto* t : {&orders, &events}) {
    std::string diff = CompareTable(src, tgt, *t);
    CHECK_MESSAGE(diff.empty(), diff);
  }
  CHECK(tgt.Scalar("SELECT COUNT(*) FROM " + orders.target_table) == std::to_string(kRows));
  CHECK(tgt.Scalar("SELECT COUNT(*) FROM " + events.target_table) == std::to_string(kKeylessRows));
  CHECK(tgt.Scalar("SELECT COUNT(DISTINCT id) FROM " + orders.target_table) == std::to_string(kRows));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE(kills << " kills, then " << runs << " resuming run(s); " << secs << "s in all");
}

TEST_CASE("kill -9 at random points, resume: PostgreSQL -> MariaDB identical") {
  KillAndResume(Engine::kPostgres, Engine::kMariaDb, 20240601);
}

TEST_CASE("kill -9 at random points, resume: other paths (SLUICE_FC_KILL_ALL_PATHS=1)") {
  const char* all = std::getenv("SLUICE_FC_KILL_ALL_PATHS");
  if (all == nullptr || std::string(all) != "1") return;
  SUBCASE("MariaDB -> PostgreSQL") { KillAndResume(Engine::kMariaDb, Engine::kPostgres, 7); }
  SUBCASE("MariaDB -> MariaDB") { KillAndResume(Engine::kMariaDb, Engine::kMariaDb, 99); }
}

}  // namespace
}  // namespace sluice::fctest
