// The test servers are what Sluice's CDC and password handling rely on: MariaDB with a
// row-based, full-image binlog with GTIDs, PostgreSQL with logical decoding through pgoutput,
// and a login on each that really checks its password. Also pins the behaviour of the
// test_env sessions (NULLs, bytes, errors) other integration tests build on.

#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <set>
#include <string>

#include "tests/integration/test_env.h"

namespace sluice::testing {
namespace {

// The sequence number of DOMAIN's entry in a MariaDB GTID position such as "0-1-42,1-2-7";
// -1 when the domain has none.
long long GtidSequence(const std::string& position, int domain) {
  std::string prefix = std::to_string(domain) + "-";
  size_t start = 0;
  while (start <= position.size()) {
    size_t end = position.find(',', start);
    if (end == std::string::npos) end = position.size();
    std::string gtid = position.substr(start, end - start);
    if (gtid.rfind(prefix, 0) == 0) {
      size_t last_dash = gtid.rfind('-');
      return std::stoll(gtid.substr(last_dash + 1));
    }
    start = end + 1;
  }
  return -1;
}

// The error code of connecting with PARAMS, or 0 if the connection succeeds.
int MariaDbConnectError(const ConnectParams& params) {
  try {
    MariaDbSession session(params);
    return 0;
  } catch (const SqlError& e) {
    return e.code();
  }
}

// The message of the error of connecting with PARAMS, or "" if the connection succeeds.
std::string PgConnectError(const ConnectParams& params) {
  try {
    PgSession session(params);
    return "";
  } catch (const SqlError& e) {
    return e.what();
  }
}

TEST_CASE("the environment describes the servers") {
  const TestServers& servers = TestServersFromEnv();
  CHECK(servers.servers_dir == std::getenv("SLUICE_TEST_SERVERS_DIR"));
  CHECK(servers.mariadb.dsn ==
        "mysql://root@127.0.0.1:" + std::to_string(servers.mariadb.port) + "/");
  CHECK(servers.postgres.dsn ==
        "postgresql://postgres@127.0.0.1:" + std::to_string(servers.postgres.port) + "/postgres");
  CHECK(servers.mariadb.port != servers.postgres.port);
  CHECK(servers.password_user == "sluice_pw");
  CHECK(servers.password == "sluice-test-pw");
}

TEST_CASE("MariaDB writes a full row-based binlog with strict GTIDs") {
  MariaDbSession my = ConnectMariaDb();
  Rows rows = my.Query("SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin', 'binlog_format', "
                       "'binlog_row_image', 'binlog_row_metadata', 'server_id', "
                       "'gtid_strict_mode', 'log_slave_updates', 'bind_address')");
  std::map<std::string, std::string> vars;
  for (const Row& row : rows) vars[row.at(0).value()] = row.at(1).value_or("NULL");
  CHECK(vars["log_bin"] == "ON");
  CHECK(vars["binlog_format"] == "ROW");
  CHECK(vars["binlog_row_image"] == "FULL");
  CHECK(vars["binlog_row_metadata"] == "FULL");
  CHECK(vars["server_id"] == "1");
  CHECK(vars["gtid_strict_mode"] == "ON");
  CHECK(vars["log_slave_updates"] == "ON");
  CHECK(vars["bind_address"] == "127.0.0.1");
  CHECK(my.Scalar("SELECT @@version").value().find("MariaDB") != std::string::npos);
}

TEST_CASE("a MariaDB write advances the GTID position and is logged as row events") {
  std::string db = CreateFreshMariaDbDatabase("gtid");
  MariaDbSession my(TestServersFromEnv().mariadb.Admin(db));
  my.Exec("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))");
  long long before = GtidSequence(my.Scalar("SELECT @@GLOBAL.gtid_binlog_pos").value(), 0);
  REQUIRE(before > 0);  // the CREATE TABLE itself got a GTID
  Rows status = my.Query("SHOW MASTER STATUS");
  REQUIRE(status.size() == 1);
  std::string file = status[0].at(0).value();
  std::string pos = status[0].at(1).value();

  my.Exec("INSERT INTO t VALUES (1, 'x')");

  long long mine = GtidSequence(my.Scalar("SELECT @@last_gtid").value(), 0);
  long long after = GtidSequence(my.Scalar("SELECT @@GLOBAL.gtid_binlog_pos").value(), 0);
  CHECK(mine > before);
  CHECK(after >= mine);

  // Other tests may write concurrently; look for this table's events only.
  Rows events = my.Query("SHOW BINLOG EVENTS IN '" + file + "' FROM " + pos);
  std::string table_ref = "(" + db + ".t)";  // Info reads "table_id: N (db.t)"
  bool table_map = false;
  bool write_rows_after_map = false;
  for (const Row& event : events) {
    std::string type = event.at(2).value_or("");
    std::string info = event.at(5).value_or("");
    if (type == "Table_map" && info.find(table_ref) != std::string::npos) table_map = true;
    if (table_map && type.rfind("Write_rows", 0) == 0) write_rows_after_map = true;
  }
  CHECK(table_map);
  CHECK(write_rows_after_map);
  CHECK_FALSE(events.empty());
}

TEST_CASE("the MariaDB password user needs its password and may replicate") {
  const TestServers& servers = TestServersFromEnv();
  MariaDbSession pw(servers.mariadb.As(servers.password_user, servers.password));
  CHECK(pw.Scalar("SELECT CURRENT_USER()") == servers.password_user + "@127.0.0.1");
  Rows privileges = pw.Query(
      "SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = "
      "CONCAT(QUOTE(SUBSTRING_INDEX(CURRENT_USER(), '@', 1)), '@', "
      "QUOTE(SUBSTRING_INDEX(CURRENT_USER(), '@', -1)))");
  std::set<std::string> granted;
  for (const Row& row : privileges) granted.insert(row.at(0).value());
  CHECK(granted.count("REPLICATION SLAVE") == 1);
  CHECK(granted.count("BINLOG MONITOR") == 1);  // REPLICATION CLIENT's name since 10.5
  CHECK(granted.count("SUPER") == 1);
  CHECK(pw.Query("SHOW MASTER STATUS").size() == 1);

  constexpr int kAccessDenied = 1045;
  CHECK(MariaDbConnectError(servers.mariadb.As(servers.password_user, "wrong-password")) ==
        kAccessDenied);
  CHECK(MariaDbConnectError(servers.mariadb.As(servers.password_user, "")) == kAccessDenied);
  CHECK(MariaDbConnectError(servers.mariadb.As(servers.password_user, servers.password)) == 0);
}

TEST_CASE("PostgreSQL runs with logical WAL and replication slots") {
  PgSession pg = ConnectPg();
  CHECK(pg.Scalar("SHOW wal_level") == "logical");
  CHECK(std::stoi(pg.Scalar("SHOW max_replication_slots").value()) >= 10);
  CHECK(std::stoi(pg.Scalar("SHOW max_wal_senders").value()) >= 10);
  CHECK(pg.Scalar("SHOW listen_addresses") == "127.0.0.1");
  CHECK(pg.Scalar("SHOW server_encoding") == "UTF8");
  CHECK(pg.Scalar("SELECT current_setting('server_version_num')::int / 10000") == "15");
}

TEST_CASE("PostgreSQL creates, decodes with and drops a pgoutput slot") {
  std::string db = CreateFreshPgDatabase("slot");
  const std::string slot = db;  // unique, and a valid slot name
  {
    PgSession pg(TestServersFromEnv().postgres.Admin(db));
    pg.Exec("CREATE TABLE t (id int PRIMARY KEY, v text); CREATE PUBLICATION p FOR TABLE t");
    pg.Exec("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
    Rows slots = pg.Query(
        "SELECT plugin, slot_type, database FROM pg_replication_slots WHERE slot_name = '" +
        slot + "'");
    REQUIRE(slots.size() == 1);
    CHECK(slots[0][0] == "pgoutput");
    CHECK(slots[0][1] == "logical");
    CHECK(slots[0][2] == db);

    pg.Exec("INSERT INTO t VALUES (1, 'x')");
    // pgoutput messages start with their type byte: B(egin), R(elation), I(nsert), C(ommit).
    Rows kinds = pg.Query(
        "SELECT encode(substring(data FROM 1 FOR 1), 'escape') FROM "
        "pg_logical_slot_peek_binary_changes('" + slot + "', NULL, NULL, "
        "'proto_version', '1', 'publication_names', 'p')");
    std::string sequence;
    for (const Row& row : kinds) sequence += row.at(0).value();
    CHECK(sequence == "BRIC");

    pg.Exec("SELECT pg_drop_replication_slot('" + slot + "')");
    CHECK(pg.Scalar("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot +
                    "'") == "0");
  }
  ConnectPg().Exec("DROP DATABASE \"" + db + "\"");
}

TEST_CASE("the PostgreSQL password user needs its password (SCRAM) and may replicate") {
  const TestServers& servers = TestServersFromEnv();
  PgSession pw(servers.postgres.As(servers.password_user, servers.password, "postgres"));
  CHECK(pw.Scalar("SELECT current_user") == servers.password_user);
  CHECK(pw.Scalar("SELECT rolsuper AND rolreplication FROM pg_roles WHERE rolname = current_user") ==
        "t");
  CHECK(pw.Scalar("SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = "
                  "current_user") == "t");

  std::string wrong = PgConnectError(servers.postgres.As(servers.password_user, "wrong", "postgres"));
  CHECK(wrong.find("password authentication failed") != std::string::npos);
  std::string none = PgConnectError(servers.postgres.As(servers.password_user, "", "postgres"));
  CHECK(none.find("no password supplied") != std::string::npos);
  CHECK(PgConnectError(servers.postgres.As(servers.password_user, servers.password, "postgres")) ==
        "");
}

TEST_CASE("fresh databases are distinct, named from the prefix, and exist") {
  std::string a = CreateFreshMariaDbDatabase("Fresh-Name!");
  std::string b = CreateFreshMariaDbDatabase("Fresh-Name!");
  CHECK(a != b);
  CHECK(a.rfind("fresh_name__", 0) == 0);
  CHECK(ConnectMariaDb().Scalar("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE "
                                "SCHEMA_NAME IN ('" + a + "', '" + b + "')") == "2");

  std::string c = CreateFreshPgDatabase("Fresh-Name!");
  std::string d = CreateFreshPgDatabase("Fresh-Name!");
  CHECK(c != d);
  CHECK(c.size() <= 63);
  CHECK(ConnectPg().Scalar("SELECT count(*) FROM pg_database WHERE datname IN ('" + c + "', '" +
                           d + "')") == "2");
}

TEST_CASE("MariaDB sessions keep NULL, empty and binary values apart and report errors") {
  std::string db = CreateFreshMariaDbDatabase("session");
  MariaDbSession my(TestServersFromEnv().mariadb.Admin(db));
  Rows rows = my.Query("SELECT NULL, '', X'610062', 'é'");
  REQUIRE(rows.size() == 1);
  REQUIRE(rows[0].size() == 4);
  CHECK_FALSE(rows[0][0].has_value());
  CHECK(rows[0][1] == "");
  CHECK(rows[0][2] == std::string("a\0b", 3));
  CHECK(rows[0][3] == "\xc3\xa9");
  CHECK(my.Quote("it's \\ ok") == "'it\\'s \\\\ ok'");

  my.Exec("CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)");
  CHECK(my.Scalar("SELECT COUNT(*) FROM t") == "2");
  // An error in a later statement of a multi-statement text is reported, too.
  CHECK_THROWS_WITH_AS(my.Exec("INSERT INTO t VALUES (3); INSERT INTO t VALUES (1)"),
                       doctest::Contains("Duplicate entry"), SqlError);
  try {
    my.Query("SELECT * FROM no_such_table");
    FAIL("query on a missing table succeeded");
  } catch (const SqlError& e) {
    CHECK(e.code() == 1146);
    CHECK(e.sqlstate() == "42S02");
    CHECK(std::string(e.what()).find("no_such_table") != std::string::npos);
  }
  CHECK_THROWS_AS(my.Scalar("SELECT 1, 2"), SqlError);
  CHECK(my.Scalar("SELECT COUNT(*) FROM t") == "3");  // the session is still usable
}

TEST_CASE("PostgreSQL sessions keep NULL, empty and text values apart and report errors") {
  PgSession pg = ConnectPg();
  Rows rows = pg.Query("SELECT NULL::text, ''::text, 'é'::text, '\\x610062'::bytea");
  REQUIRE(rows.size() == 1);
  REQUIRE(rows[0].size() == 4);
  CHECK_FALSE(rows[0][0].has_value());
  CHECK(rows[0][1] == "");
  CHECK(rows[0][2] == "\xc3\xa9");
  CHECK(rows[0][3] == "\\x610062");
  CHECK(pg.Scalar("SELECT " + pg.Quote("it's \\ ok")) == "it's \\ ok");
  try {
    pg.Exec("SELECT * FROM no_such_table");
    FAIL("query on a missing table succeeded");
  } catch (const SqlError& e) {
    CHECK(e.sqlstate() == "42P01");
    CHECK(std::string(e.what()).find("no_such_table") != std::string::npos);
  }
  CHECK(pg.Scalar("SELECT 41 + 1") == "42");
}

}  // namespace
}  // namespace sluice::testing
