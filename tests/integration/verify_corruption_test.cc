// `sluice verify` on the real servers. Each case migrates a dataset with the
// real `sluice apply` (steps [schema, full]), corrupts the target in known
// ways, and checks that verify reports exactly those differences (table,
// key, columns), nothing that is equal, writes correction SQL that makes
// verify exit 0 once run, and that a re-check forgets differences that were
// only lag.

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "runtime/endpoints.h"
#include "runtime/executor.h"
#include "runtime/reporter.h"
#include "runtime/run_plan.h"
#include "runtime/state_store.h"
#include "runtime/verify.h"
#include "tests/integration/test_env.h"

namespace sluice::testing {
namespace {

using Json = nlohmann::json;

struct CmdResult {
  int code = -1;
  std::string out, err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string TempDir() {
  char tmpl[] = "/tmp/sluice-verify-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  return tmpl;
}

CmdResult Sluice(const std::string& dir, const std::string& args) {
  std::string out = dir + "/stdout", err = dir + "/stderr";
  std::string cmd = std::string(SLUICE_BINARY_DIR) + "/cli/sluice " + args + " >" + out + " 2>" + err;
  int rc = std::system(cmd.c_str());
  CmdResult r;
  r.code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  return r;
}

// A migrated pair: source database, target database (MariaDB), plan file.
struct Migration {
  bool pg_source = false;
  std::string dir, src_db, tgt_db, plan, plan_json;
};

std::string PlanYaml(const Migration& m, const std::string& name) {
  const auto& s = TestServersFromEnv();
  std::string src = m.pg_source ? "{ dialect: postgresql, dsn: \"postgresql://postgres@127.0.0.1:" +
                                      std::to_string(s.postgres.port) + "/" + m.src_db + "\" }"
                                : "{ dialect: mariadb, dsn: \"mysql://root@127.0.0.1:" +
                                      std::to_string(s.mariadb.port) + "/" + m.src_db + "\" }";
  std::string from = m.pg_source ? "public.*" : m.src_db + ".*";
  return "version: 1\nname: " + name + "\nsource: " + src + "\ntarget: { dialect: mariadb, dsn: \"mysql://root@127.0.0.1:" +
         std::to_string(s.mariadb.port) + "/" + m.tgt_db + "\" }\nsteps: [schema, full]\nobjects:\n  - from: " + from +
         "\n    to: " + m.tgt_db + ".{table}\n";
}

// Creates the source with `setup_sql`, plans and applies the migration.
Migration Migrate(bool pg_source, const std::string& prefix, const std::string& setup_sql) {
  Migration m;
  m.pg_source = pg_source;
  m.dir = TempDir();
  if (pg_source) {
    m.src_db = CreateFreshPgDatabase(prefix);
    PgSession pg(TestServersFromEnv().postgres.Admin(m.src_db));
    pg.Exec(setup_sql);
  } else {
    m.src_db = CreateFreshMariaDbDatabase(prefix);
    MariaDbSession my(TestServersFromEnv().mariadb.Admin(m.src_db));
    my.Exec(setup_sql);
  }
  m.tgt_db = m.src_db + "_t";
  m.plan = m.dir + "/plan.yaml";
  m.plan_json = m.dir + "/plan.json";
  std::ofstream(m.plan) << PlanYaml(m, m.src_db);
  CmdResult planned = Sluice(m.dir, "plan " + m.plan + " --out " + m.plan_json);
  INFO(planned.err);
  REQUIRE(planned.code == 0);
  CmdResult applied = Sluice(m.dir, "apply " + m.plan_json + " --state-dir " + m.dir + "/state");
  INFO(applied.err);
  REQUIRE(applied.code == 0);
  return m;
}

struct VerifyRun {
  int code = -1;
  Json report;
  std::string err;
};

VerifyRun Verify(const Migration& m, const std::string& extra) {
  CmdResult r = Sluice(m.dir, "verify " + m.plan_json + " --state-dir " + m.dir + "/state --json " + extra);
  VerifyRun v;
  v.code = r.code;
  v.err = r.err;
  INFO(r.err);
  INFO(r.out);
  v.report = Json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(v.report.is_discarded());
  return v;
}

const Json& Table(const VerifyRun& v, const std::string& target_table) {
  for (const auto& t : v.report["tables"]) {
    std::string name = t["target"].get<std::string>();
    if (name.size() >= target_table.size() &&
        name.compare(name.size() - target_table.size(), target_table.size(), target_table) == 0) {
      return t;
    }
  }
  FAIL("no table " << target_table << " in the report");
  static Json none;
  return none;
}

// "kind id=K: col,col" for every reported row, to compare as a set.
std::set<std::string> Rows(const Json& table) {
  std::set<std::string> out;
  for (const auto& r : table["rows"]) {
    std::string line = r["kind"].get<std::string>() + " id=" + r["key"]["id"].get<std::string>();
    if (r.contains("columns")) {
      std::string cols;
      for (const auto& c : r["columns"]) cols += (cols.empty() ? "" : ",") + c["column"].get<std::string>();
      line += ": " + cols;
    }
    out.insert(line);
  }
  return out;
}

// The source/target values reported for one column of one row.
std::pair<Json, Json> Values(const Json& table, const std::string& id, const std::string& column) {
  for (const auto& r : table["rows"]) {
    if (r["key"]["id"] != id || !r.contains("columns")) continue;
    for (const auto& c : r["columns"]) {
      if (c["column"] == column) return {c["source"], c["target"]};
    }
  }
  FAIL("no column " << column << " reported for id=" << id);
  return {};
}

const char* kPgItems = R"sql(
CREATE TABLE items (id int PRIMARY KEY, a text, b text, c char(5), d numeric(10,2), ts timestamp(6),
                    tz timestamptz(6), f float8, j jsonb, name varchar(40));
INSERT INTO items
  SELECT g, 'a' || g, 'b' || g, 'c' || g, g * 1.25, TIMESTAMP '2024-01-01 00:00:00.123456' + g * INTERVAL '1 hour',
         TIMESTAMPTZ '2024-06-01 12:00:00+00' + g * INTERVAL '1 minute', g * 0.1,
         jsonb_build_object('k', g, 'name', 'n' || g), 'Name' || g
  FROM generate_series(1, 30) g;
UPDATE items SET a = 'a,b', b = 'c' WHERE id = 3;
UPDATE items SET a = NULL WHERE id = 4;
UPDATE items SET a = '' WHERE id = 5;
UPDATE items SET a = 'NULL' WHERE id = 6;
UPDATE items SET a = 'x' WHERE id = 7;
UPDATE items SET c = 'ab' WHERE id = 8;
CREATE TABLE kl (a int, b text);
INSERT INTO kl VALUES (1, 'x'), (2, 'y'), (3, 'z');
)sql";

const char* kMariaItems = R"sql(
CREATE TABLE items (id int PRIMARY KEY, a varchar(50), b text, c char(5), d decimal(10,2), ts datetime(6),
                    tz timestamp(6) NULL, f double, j json, name varchar(40) COLLATE utf8mb4_general_ci)
  DEFAULT CHARSET utf8mb4;
SET time_zone = '+00:00';
INSERT INTO items
  SELECT seq, CONCAT('a', seq), CONCAT('b', seq), CONCAT('c', seq), seq * 1.25,
         TIMESTAMP '2024-01-01 00:00:00.123456' + INTERVAL seq HOUR,
         TIMESTAMP '2024-06-01 12:00:00' + INTERVAL seq MINUTE, seq * 0.1,
         JSON_OBJECT('k', seq, 'name', CONCAT('n', seq)), CONCAT('Name', seq)
  FROM seq_1_to_30;
UPDATE items SET a = 'a,b', b = 'c' WHERE id = 3;
UPDATE items SET a = NULL WHERE id = 4;
UPDATE items SET a = '' WHERE id = 5;
UPDATE items SET a = 'NULL' WHERE id = 6;
UPDATE items SET a = 'x' WHERE id = 7;
UPDATE items SET c = 'ab' WHERE id = 8;
CREATE TABLE kl (a int, b text);
INSERT INTO kl VALUES (1, 'x'), (2, 'y'), (3, 'z');
)sql";

std::string NextDoubleText(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", std::nextafter(v, 10.0));
  return buf;
}

void Corrupt(const Migration& m) {
  MariaDbSession t(TestServersFromEnv().mariadb.Admin(m.tgt_db));
  t.Exec("SET time_zone = '+00:00'");
  t.Exec("UPDATE items SET a = CASE id WHEN 1 THEN 'a2' ELSE 'a1' END WHERE id IN (1, 2)");  // swapped
  t.Exec("UPDATE items SET a = 'a', b = 'b,c' WHERE id = 3");    // ('a,b','c') -> ('a','b,c')
  t.Exec("UPDATE items SET a = '' WHERE id = 4");                // NULL -> ''
  t.Exec("UPDATE items SET a = 'NULL' WHERE id = 5");            // '' -> 'NULL'
  t.Exec("UPDATE items SET a = NULL WHERE id = 6");              // 'NULL' -> NULL
  t.Exec("UPDATE items SET a = 'x ' WHERE id = 7");              // trailing space
  t.Exec("UPDATE items SET d = 11.26 WHERE id = 9");             // 11.25: last digit
  t.Exec("UPDATE items SET ts = ts + INTERVAL 1 MICROSECOND WHERE id = 10");
  t.Exec("UPDATE items SET tz = tz + INTERVAL 8 HOUR WHERE id = 11");  // a time-zone offset
  t.Exec("UPDATE items SET f = " + NextDoubleText(1.2) + " WHERE id = 12");  // last bit: inside tolerance
  t.Exec("UPDATE items SET f = f * (1 + 1e-9) WHERE id = 13");              // outside tolerance
  t.Exec("UPDATE items SET j = '{\"name\": \"n14\", \"k\": 14}' WHERE id = 14");  // key order: equal
  t.Exec("UPDATE items SET j = '{\"k\": 15, \"name\": \"changed\"}' WHERE id = 15");
  t.Exec("UPDATE items SET name = 'name16' WHERE id = 16");      // case, under a _ci collation
  t.Exec("DELETE FROM items WHERE id = 20");                     // missing
  t.Exec("INSERT INTO items (id, a, b) VALUES (1000, 'extra', 'row')");  // extra
  t.Exec("INSERT INTO kl (a, b) VALUES (1, 'x')");               // duplicate in a keyless table
}

bool HasNote(const Json& table, const std::string& text) {
  for (const auto& n : table["notes"]) {
    if (n.get<std::string>().find(text) != std::string::npos) return true;
  }
  return false;
}

void CorruptionSuite(bool pg_source) {
  Migration m = Migrate(pg_source, pg_source ? "hv_vpg" : "hv_vmy", pg_source ? kPgItems : kMariaItems);
  {
    VerifyRun clean = Verify(m, "--no-fix");
    CHECK(clean.code == 0);
    const Json& items = Table(clean, "items");
    CHECK(items["differing"] == 0);
    CHECK(Table(clean, "kl")["multiset_differs"] == false);
    if (pg_source) {
      // timestamptz -> TIMESTAMP, float8, jsonb: no text both engines print
      // alike in SQL, so the rows are streamed and hashed by Sluice.
      CHECK(items["chunks"]["equal_in_database"] == 0);
      CHECK(HasNote(items, "rows streamed: column tz"));
    } else {
      // Same engine, same types: every chunk is equal by its in-database digest.
      CHECK(items["chunks"]["total"] == 1);
      CHECK(items["chunks"]["equal_in_database"] == 1);
      CHECK(items["chunks"]["streamed"] == 0);
    }
  }
  Corrupt(m);
  std::string fix = m.dir + "/fix.sql";
  VerifyRun v = Verify(m, "--fix-sql " + fix);
  CHECK(v.code == 2);
  const Json& items = Table(v, "items");
  std::set<std::string> expected{
      "differing id=1: a", "differing id=2: a", "differing id=3: a,b", "differing id=4: a", "differing id=5: a",
      "differing id=6: a", "differing id=7: a", "differing id=9: d",  "differing id=10: ts", "differing id=11: tz",
      "differing id=13: f", "differing id=15: j", "differing id=16: name", "missing id=20", "extra id=1000"};
  CHECK(Rows(items) == expected);
  CHECK(items["rows_checked"] == 30);
  CHECK(items["missing"] == 1);
  CHECK(items["extra"] == 1);
  CHECK(items["differing"] == 13);
  CHECK(Values(items, "1", "a") == std::pair<Json, Json>("a1", "a2"));
  CHECK(Values(items, "2", "a") == std::pair<Json, Json>("a2", "a1"));
  CHECK(Values(items, "3", "a") == std::pair<Json, Json>("a,b", "a"));
  CHECK(Values(items, "3", "b") == std::pair<Json, Json>("c", "b,c"));
  CHECK(Values(items, "4", "a") == std::pair<Json, Json>(nullptr, ""));
  CHECK(Values(items, "5", "a") == std::pair<Json, Json>("", "NULL"));
  CHECK(Values(items, "6", "a") == std::pair<Json, Json>("NULL", nullptr));
  CHECK(Values(items, "7", "a") == std::pair<Json, Json>("x", "x "));
  CHECK(Values(items, "9", "d") == std::pair<Json, Json>("11.25", "11.26"));
  CHECK(Values(items, "10", "ts") == std::pair<Json, Json>("2024-01-01 10:00:00.123456", "2024-01-01 10:00:00.123457"));
  CHECK(Values(items, "11", "tz") == std::pair<Json, Json>("2024-06-01 12:11:00", "2024-06-01 20:11:00"));
  CHECK(Values(items, "15", "j") ==
        std::pair<Json, Json>(R"({"k":15,"name":"n15"})", R"({"k":15,"name":"changed"})"));
  CHECK(Values(items, "16", "name") == std::pair<Json, Json>("Name16", "name16"));
  const Json& kl = Table(v, "kl");
  CHECK(kl["keyed"] == false);
  CHECK(kl["multiset_differs"] == true);
  CHECK(kl["rows_checked"] == 3);
  CHECK(kl["rows_target"] == 4);
  CHECK(kl["notes"][0].get<std::string>().find("row-level drill-down needs a key") != std::string::npos);

  // The float's last bit is a difference once the tolerance is 0.
  VerifyRun exact = Verify(m, "--no-fix --float-tolerance 0");
  CHECK(Rows(Table(exact, "items")).count("differing id=12: f") == 1);
  CHECK(Table(exact, "items")["differing"] == 14);

  // Text report: the same facts for people.
  CmdResult text = Sluice(m.dir, "verify " + m.plan_json + " --state-dir " + m.dir + "/state --no-fix");
  CHECK(text.code == 2);
  CHECK(text.out.find("30 rows checked, 1 missing on target, 1 extra on target, 13 differing") != std::string::npos);
  CHECK(text.out.find("    a: source 'a,b', target 'a'\n") != std::string::npos);
  CHECK(text.out.find("  missing on target: id=20\n") != std::string::npos);
  CHECK(text.out.find("  extra on target: id=1000\n") != std::string::npos);

  // The correction SQL, run by hand, makes the target match.
  std::string sql = ReadFile(fix);
  CHECK(sql.find("DELETE FROM `" + m.tgt_db + "`.`items` WHERE `id` = 1000;") != std::string::npos);
  CHECK(sql.find("UPDATE `" + m.tgt_db + "`.`items` SET `a` = 'a,b', `b` = 'c' WHERE `id` = 3;") != std::string::npos);
  {
    MariaDbSession t(TestServersFromEnv().mariadb.Admin(m.tgt_db));
    t.Exec(sql);
  }
  VerifyRun after = Verify(m, "--no-fix");
  INFO(after.report.dump(2));
  CHECK(after.code == 0);
}

TEST_CASE("corruption suite: PostgreSQL -> MariaDB") { CorruptionSuite(true); }

TEST_CASE("corruption suite: MariaDB -> MariaDB") { CorruptionSuite(false); }

TEST_CASE("--apply-fix corrects the target and re-verifies it") {
  Migration m = Migrate(false, "hv_vfix", kMariaItems);
  Corrupt(m);
  VerifyRun v = Verify(m, "--apply-fix --chunk-rows 7 --parallel 3");
  INFO(v.report.dump(2));
  CHECK(v.code == 0);
  CHECK(Table(v, "items")["differing"] == 13);
  CHECK(Table(v, "items")["fix"]["fixed"] == true);
  CHECK(Table(v, "kl")["fix"]["fixed"] == true);
  VerifyRun again = Verify(m, "--no-fix");
  CHECK(again.code == 0);
}

// Every type the copy supports, migrated and compared: nothing differs.
TEST_CASE("an identical copy of a type-rich dataset gives no differences") {
  const char* pg = R"sql(
CREATE TABLE rich (id bigint PRIMARY KEY, b boolean, i2 smallint, i4 int, i8 bigint, n numeric(20,6), nn numeric,
  r real, d double precision, c char(4), v varchar(30), t text, by bytea, dt date, tm time(3), ts timestamp(3),
  tz timestamptz, j json, jb jsonb, u uuid, arr int[]);
INSERT INTO rich SELECT g, g % 2 = 0, g, g * 1000, g * 100000000000, g * 1.000001, g / 7.0, g / 3.0, g / 7.0,
  'c' || (g % 10), 'vé' || g, repeat('t', g), decode(lpad(to_hex(g), 4, '0'), 'hex'), DATE '2000-01-01' + g,
  TIME '10:00:00.5' + g * INTERVAL '1 second', TIMESTAMP '2020-02-29 23:59:59.999' + g * INTERVAL '1 day',
  TIMESTAMPTZ '2021-03-04 05:06:07.25+02' + g * INTERVAL '1 hour', json_build_object('z', g, 'a', 'x'),
  jsonb_build_object('z', g, 'a', ARRAY[1, 2]), ('a0000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, ARRAY[g, g + 1]
FROM generate_series(1, 200) g;
INSERT INTO rich (id) VALUES (1000);
CREATE TABLE strkey (k varchar(20) PRIMARY KEY, v int);
INSERT INTO strkey SELECT 'key' || g, g FROM generate_series(1, 50) g;
)sql";
  Migration a = Migrate(true, "hv_vrich", pg);
  VerifyRun v = Verify(a, "--no-fix --float-tolerance 0 --chunk-rows 13");
  INFO(v.report.dump(2));
  CHECK(v.code == 0);
  CHECK(Table(v, "rich")["rows_checked"] == 201);
  CHECK(Table(v, "strkey")["rows_checked"] == 50);

  const char* my = R"sql(
CREATE TABLE rich (id bigint unsigned PRIMARY KEY, b tinyint(1), i2 smallint, i4 int zerofill, i8 bigint,
  n decimal(20,6), r float, d double, c char(4), v varchar(30), t mediumtext, vb varbinary(8), bl blob,
  dt date, tm time(3), ts datetime(3), tz timestamp(6) NULL, j json, e enum('a','b','c'), s set('x','y'),
  bt bit(10), y year) DEFAULT CHARSET utf8mb4;
SET time_zone = '+00:00';
INSERT INTO rich SELECT seq, seq % 2, seq, seq * 1000, seq * 100000000000, seq * 1.000001, seq / 3, seq / 7,
  CONCAT('c', seq % 10), CONCAT('vé', seq), REPEAT('t', seq), UNHEX(LPAD(HEX(seq), 4, '0')), UNHEX('00ff00'),
  DATE '2000-01-01' + INTERVAL seq DAY, SEC_TO_TIME(seq * 3600 + 0.5), TIMESTAMP '2020-02-29 23:59:59.999' + INTERVAL seq DAY,
  TIMESTAMP '2021-03-04 05:06:07.25' + INTERVAL seq HOUR, JSON_OBJECT('z', seq, 'a', 'x'),
  ELT(1 + seq % 3, 'a', 'b', 'c'), IF(seq % 2, 'x,y', 'y'), seq, 1990 + seq % 50
FROM seq_1_to_200;
INSERT INTO rich (id) VALUES (1000);
CREATE TABLE strkey (k varchar(20) PRIMARY KEY, v int);
INSERT INTO strkey SELECT CONCAT('key', seq), seq FROM seq_1_to_50;
)sql";
  Migration b = Migrate(false, "hv_vrichm", my);
  VerifyRun w = Verify(b, "--no-fix --float-tolerance 0 --chunk-rows 13");
  INFO(w.report.dump(2));
  CHECK(w.code == 0);
  CHECK(Table(w, "rich")["rows_checked"] == 201);
}

// The in-database digests on exactly the corruptions XOR-of-CRC32 over
// CONCAT_WS misses: values swapped between rows, ('a,b','c') vs ('a','b,c'),
// NULL vs '' vs 'NULL', a trailing space, a decimal's last digit; and on
// every column kind the digest handles across PostgreSQL -> MariaDB.
const char* kPgDigest = R"sql(
CREATE TABLE dig (id int PRIMARY KEY, a text, b varchar(20), c char(5), d numeric(10,2), ts timestamp(6),
                  dt date, n bigint, bin bytea, bo boolean);
INSERT INTO dig SELECT g, 'a' || g, 'b' || g, 'c' || g, g * 1.25, TIMESTAMP '2024-01-01 00:00:00.5' + g * INTERVAL '1 hour',
                       DATE '2024-01-01' + g, g * 1000, decode(lpad(to_hex(g), 4, '0'), 'hex'), g % 2 = 0
  FROM generate_series(1, 20) g;
UPDATE dig SET a = 'a,b', b = 'c' WHERE id = 3;
UPDATE dig SET a = NULL WHERE id = 4;
UPDATE dig SET a = '' WHERE id = 5;
UPDATE dig SET a = 'NULL' WHERE id = 6;
UPDATE dig SET a = 'x' WHERE id = 7;
UPDATE dig SET ts = TIMESTAMP '2024-01-01 00:00:00' WHERE id = 8;
UPDATE dig SET a = 'a?', b = 'b' WHERE id = 13;
)sql";

const char* kMariaDigest = R"sql(
CREATE TABLE dig (id int PRIMARY KEY, a varchar(20), b varchar(20), c char(5), d decimal(10,2), ts datetime(6),
                  dt date, n bigint, bin varbinary(4), bo tinyint(1)) DEFAULT CHARSET utf8mb4;
INSERT INTO dig SELECT seq, CONCAT('a', seq), CONCAT('b', seq), CONCAT('c', seq), seq * 1.25,
                       TIMESTAMP '2024-01-01 00:00:00.5' + INTERVAL seq HOUR, DATE '2024-01-01' + INTERVAL seq DAY,
                       seq * 1000, UNHEX(LPAD(HEX(seq), 4, '0')), seq % 2 = 0
  FROM seq_1_to_20;
UPDATE dig SET a = 'a,b', b = 'c' WHERE id = 3;
UPDATE dig SET a = NULL WHERE id = 4;
UPDATE dig SET a = '' WHERE id = 5;
UPDATE dig SET a = 'NULL' WHERE id = 6;
UPDATE dig SET a = 'x' WHERE id = 7;
UPDATE dig SET ts = TIMESTAMP '2024-01-01 00:00:00' WHERE id = 8;
UPDATE dig SET a = 'a?', b = 'b' WHERE id = 13;
)sql";

void CorruptDigest(const Migration& m) {
  MariaDbSession t(TestServersFromEnv().mariadb.Admin(m.tgt_db));
  t.Exec("UPDATE dig SET a = CASE id WHEN 1 THEN 'a2' ELSE 'a1' END WHERE id IN (1, 2)");  // swapped
  t.Exec("UPDATE dig SET a = 'a', b = 'b,c' WHERE id = 3");  // ('a,b','c') -> ('a','b,c')
  t.Exec("UPDATE dig SET a = '' WHERE id = 4");              // NULL -> ''
  t.Exec("UPDATE dig SET a = 'NULL' WHERE id = 5");          // '' -> 'NULL'
  t.Exec("UPDATE dig SET a = NULL WHERE id = 6");            // 'NULL' -> NULL
  t.Exec("UPDATE dig SET a = 'x ' WHERE id = 7");            // trailing space
  t.Exec("UPDATE dig SET d = 11.26 WHERE id = 9");           // 11.25: last digit
  t.Exec("UPDATE dig SET ts = ts + INTERVAL 1 MICROSECOND WHERE id = 10");
  t.Exec("UPDATE dig SET bin = UNHEX('0010') WHERE id = 11");  // 000b -> 0010
  t.Exec("UPDATE dig SET bo = 1 - bo WHERE id = 12");
  t.Exec("UPDATE dig SET a = 'a', b = '?b' WHERE id = 13");  // ('a?','b') -> ('a','?b'): the delimiter is no '?'
  t.Exec("UPDATE dig SET n = n + 1 WHERE id = 14");
  t.Exec("UPDATE dig SET ts = '2024-01-01 00:00:00.000001' WHERE id = 8");  // a whole second's fraction
}

void DigestSuite(bool pg_source) {
  Migration m = Migrate(pg_source, pg_source ? "hv_dpg" : "hv_dmy", pg_source ? kPgDigest : kMariaDigest);
  {
    // Every chunk of the identical copy is equal by its digests alone.
    VerifyRun clean = Verify(m, "--no-fix --chunk-rows 1");
    INFO(clean.report.dump(2));
    CHECK(clean.code == 0);
    const Json& dig = Table(clean, "dig");
    CHECK(dig["rows_checked"] == 20);
    CHECK(dig["chunks"]["total"] == 20);
    CHECK(dig["chunks"]["equal_in_database"] == 20);
    CHECK(dig["chunks"]["streamed"] == 0);
  }
  if (!pg_source) {
    // What pt-table-checksum and sync-diff-inspector compute cannot see the
    // first three corruptions below.
    std::string crc = "SELECT BIT_XOR(CRC32(CONCAT_WS(',', a, b))) FROM dig WHERE id IN (1, 2, 3)";
    MariaDbSession src(TestServersFromEnv().mariadb.Admin(m.src_db));
    MariaDbSession tgt(TestServersFromEnv().mariadb.Admin(m.tgt_db));
    std::optional<std::string> before = src.Scalar(crc);
    CorruptDigest(m);
    CHECK(tgt.Scalar(crc) == before);
  } else {
    CorruptDigest(m);
  }
  std::set<std::string> expected{"differing id=1: a", "differing id=2: a",   "differing id=3: a,b",
                                 "differing id=4: a", "differing id=5: a",   "differing id=6: a",
                                 "differing id=7: a", "differing id=8: ts",  "differing id=9: d",
                                 "differing id=10: ts", "differing id=11: bin", "differing id=12: bo",
                                 "differing id=13: a,b", "differing id=14: n"};
  // One row per chunk: each corrupted row's chunk has unequal digests (and
  // is streamed, which names the row), each other chunk equal ones.
  VerifyRun one = Verify(m, "--no-fix --chunk-rows 1");
  INFO(one.report.dump(2));
  CHECK(one.code == 2);
  const Json& dig = Table(one, "dig");
  CHECK(Rows(dig) == expected);
  CHECK(dig["chunks"]["total"] == 20);
  CHECK(dig["chunks"]["streamed"] == 14);
  CHECK(dig["chunks"]["equal_in_database"] == 6);
  CHECK(Values(dig, "3", "b") == std::pair<Json, Json>("c", "b,c"));
  CHECK(Values(dig, "4", "a") == std::pair<Json, Json>(nullptr, ""));
  CHECK(Values(dig, "7", "a") == std::pair<Json, Json>("x", "x "));
  CHECK(Values(dig, "9", "d") == std::pair<Json, Json>("11.25", "11.26"));
  // Chunks of several rows, and the same answer with every row streamed.
  VerifyRun big = Verify(m, "--no-fix --chunk-rows 6");
  CHECK(Rows(Table(big, "dig")) == expected);
  CHECK(Table(big, "dig")["chunks"]["equal_in_database"] == 1);  // ids 16..20
  VerifyRun streamed = Verify(m, "--no-fix --chunk-rows 6 --no-in-database");
  CHECK(Rows(Table(streamed, "dig")) == expected);
  CHECK(Table(streamed, "dig")["chunks"]["equal_in_database"] == 0);
}

TEST_CASE("in-database digests find what XOR-of-CRC32 misses: PostgreSQL -> MariaDB") { DigestSuite(true); }

TEST_CASE("in-database digests find what XOR-of-CRC32 misses: MariaDB -> MariaDB") { DigestSuite(false); }

// settings.verify of plan.json drives `sluice verify` (flags override it)
// and the verify.table runner of `sluice apply`.
TEST_CASE("the plan's verify settings: fix, fix_sql, chunk_rows") {
  Migration m = Migrate(false, "hv_vset", kMariaItems);
  std::string custom = m.dir + "/custom-fix.sql";
  Json plan_json = Json::parse(ReadFile(m.plan_json));
  plan_json["settings"]["verify"] = {{"fix", "apply"}, {"fix_sql", custom}, {"chunk_rows", 7}, {"parallel", 3}};
  std::ofstream(m.plan_json) << plan_json.dump(2);

  Corrupt(m);
  VerifyRun applied = Verify(m, "");
  INFO(applied.report.dump(2));
  CHECK(applied.code == 0);  // fix: apply corrected everything
  CHECK(Table(applied, "items")["fix"]["fixed"] == true);
  CHECK(Table(applied, "items")["chunks"]["total"] == 5);  // 30 source rows, 7 per chunk
  CHECK(applied.report["fix_sql"] == custom);
  CHECK(ReadFile(custom).find("UPDATE `" + m.tgt_db + "`.`items` SET `a` = 'a,b', `b` = 'c' WHERE `id` = 3;") !=
        std::string::npos);

  // Flags win over the plan.
  std::remove(custom.c_str());
  Corrupt(m);
  VerifyRun flags = Verify(m, "--no-fix --chunk-rows 10");
  CHECK(flags.code == 2);
  CHECK(Table(flags, "items")["chunks"]["total"] == 3);
  CHECK(Table(flags, "items")["fix"]["applied"] == false);
  CHECK_FALSE(std::ifstream(custom).good());

  // The runner of `apply`'s verify.table task reads the same settings.
  std::string error;
  auto plan = ParseRunPlan(nlohmann::ordered_json::parse(ReadFile(m.plan_json)), &error);
  REQUIRE(plan.has_value());
  CHECK(plan->settings.verify_fix == "apply");
  Endpoints endpoints(*plan);
  auto store = OpenSqliteStateStore(m.dir + "/state");
  auto reporter = MakeSilentReporter();
  RunTask task;
  task.id = "verify.table:" + m.tgt_db + ".items";
  task.kind = "verify.table";
  task.object = m.tgt_db + ".items";
  {
    auto runner = MakeVerifyRunner(endpoints, m.dir + "/state");
    TaskContext ctx{*plan, task, *store, *reporter, nullptr, 1};
    CHECK_NOTHROW(runner->Run(ctx));  // corrected, so the task succeeds
    CHECK(ReadFile(custom).find("DELETE FROM `" + m.tgt_db + "`.`items` WHERE `id` = 1000;") != std::string::npos);
    VerifyRun after = Verify(m, "--no-fix");  // kl (no key, not this task's table) still differs
    const Json& items = Table(after, "items");
    CHECK(items["missing"].get<int>() + items["extra"].get<int>() + items["differing"].get<int>() == 0);
  }
  {
    plan->settings.verify_fix = "sql-file";
    std::remove(custom.c_str());
    Corrupt(m);
    auto runner = MakeVerifyRunner(endpoints, m.dir + "/state");
    TaskContext ctx{*plan, task, *store, *reporter, nullptr, 1};
    std::string message;
    try {
      runner->Run(ctx);
    } catch (const std::exception& e) {
      message = e.what();
    }
    CHECK(message.find("correction SQL in " + custom) != std::string::npos);
    CHECK(ReadFile(custom).find("INSERT INTO `" + m.tgt_db + "`.`items`") != std::string::npos);
    CHECK(Table(Verify(m, "--no-fix"), "items")["differing"] == 13);  // only written, not applied
  }
  {
    plan->settings.verify_fix = "sometimes";
    auto runner = MakeVerifyRunner(endpoints, m.dir + "/state");
    TaskContext ctx{*plan, task, *store, *reporter, nullptr, 1};
    CHECK_THROWS_WITH(runner->Run(ctx), doctest::Contains("settings.verify.fix: unknown value 'sometimes'"));
  }
}

// The re-check API: differences that are only replication lag are not
// reported; a persistent one is.
TEST_CASE("re-check: lag is forgotten, persistent differences are reported") {
  Migration m = Migrate(false, "hv_vlag", kMariaItems);
  std::string error;
  auto plan = ParseRunPlan(nlohmann::ordered_json::parse(ReadFile(m.plan_json)), &error);
  REQUIRE(plan.has_value());
  Endpoints endpoints(*plan);
  MariaDbSession src(TestServersFromEnv().mariadb.Admin(m.src_db));
  MariaDbSession tgt(TestServersFromEnv().mariadb.Admin(m.tgt_db));
  tgt.Exec("UPDATE items SET b = 'corrupt' WHERE id = 30");  // persistent

  // A "replicator": source writes that reach the target later, from a queue.
  std::mutex mu;
  std::vector<std::string> pending;  // target statements not yet applied
  auto write = [&](int id, const std::string& value) {
    src.Exec("UPDATE items SET b = '" + value + "' WHERE id = " + std::to_string(id));
    std::lock_guard<std::mutex> l(mu);
    pending.push_back("UPDATE items SET b = '" + value + "' WHERE id = " + std::to_string(id));
  };
  auto replicate = [&] {
    MariaDbSession t(TestServersFromEnv().mariadb.Admin(m.tgt_db));
    std::lock_guard<std::mutex> l(mu);
    for (const auto& s : pending) t.Exec(s);
    pending.clear();
  };
  for (int id = 1; id <= 5; ++id) write(id, "lagging" + std::to_string(id));  // seen by the first pass

  SUBCASE("without a re-check, lag is reported") {
    VerifyRunOptions o;
    o.chunk_rows = 4;
    VerifyReport r = VerifyPlan(*plan, endpoints, o);
    REQUIRE(r.tables.size() == 2);
    CHECK(r.tables[0].differing == 6);
    CHECK(VerifyExitCode(r) == 2);
  }
  SUBCASE("with a caught-up callback, while a writer keeps changing rows") {
    std::atomic<bool> writing{true};
    std::thread writer([&] {
      MariaDbSession ws(TestServersFromEnv().mariadb.Admin(m.src_db));
      for (int i = 0; writing && i < 200; ++i) {
        int id = 6 + i % 20;
        std::string v = "w" + std::to_string(i);
        ws.Exec("UPDATE items SET b = '" + v + "' WHERE id = " + std::to_string(id));
        {
          std::lock_guard<std::mutex> l(mu);
          pending.push_back("UPDATE items SET b = '" + v + "' WHERE id = " + std::to_string(id));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
    VerifyRunOptions o;
    o.chunk_rows = 4;
    o.recheck.rounds = 2;
    int calls = 0;
    o.recheck.caught_up = [&] {
      ++calls;
      writing = false;  // the writer's last changes are part of what must be caught up
      if (writer.joinable()) writer.join();
      replicate();
    };
    VerifyReport r = VerifyPlan(*plan, endpoints, o);
    if (writer.joinable()) {
      writing = false;
      writer.join();
    }
    REQUIRE(r.tables.size() == 2);
    const TableReport& t = r.tables[0];
    CHECK(calls >= 1);
    CHECK(t.differing == 1);
    CHECK(t.resolved_by_recheck >= 5);
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0].key[0].second == "30");
    CHECK(t.rows[0].columns[0].column == "b");
  }
  SUBCASE("with a delay, the replicator catching up meanwhile") {
    std::thread late([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      replicate();
    });
    VerifyRunOptions o;
    o.recheck.rounds = 1;
    o.recheck.delay = std::chrono::milliseconds(1500);
    VerifyReport r = VerifyPlan(*plan, endpoints, o);
    late.join();
    CHECK(r.tables[0].differing == 1);
    CHECK(r.tables[0].resolved_by_recheck == 5);
  }
}

}  // namespace
}  // namespace sluice::testing
