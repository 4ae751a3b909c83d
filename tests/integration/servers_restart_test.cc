// "The database restarted in the middle of the work": the helpers restart one server on the
// same port and data. Sessions opened before the restart break, new ones see the committed data,
// the binlog position and logical slots survive. Registered RUN_SERIAL (RESTARTS_SERVERS), so
// no other integration test runs while a server is down.

#include <doctest/doctest.h>

#include <string>

#include "tests/integration/test_env.h"

namespace sluice::testing {
namespace {

TEST_CASE("MariaDB restarted mid-work keeps its port, data and binlog position") {
  const TestServers& servers = TestServersFromEnv();
  std::string db = CreateFreshMariaDbDatabase("restart");
  MariaDbSession before(servers.mariadb.Admin(db));
  before.Exec("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO t VALUES (1, 'x')");
  std::string position = before.Scalar("SELECT @@GLOBAL.gtid_binlog_pos").value();

  RestartMariaDb();

  // The old connection is gone (libmariadb does not reconnect by itself): the server went down.
  CHECK_THROWS_AS(before.Scalar("SELECT 1"), SqlError);
  MariaDbSession after(servers.mariadb.Admin(db));
  CHECK(after.Scalar("SELECT v FROM t WHERE id = 1") == "x");
  CHECK(after.Scalar("SELECT @@GLOBAL.gtid_binlog_pos") == position);
  CHECK(after.Scalar("SELECT @@port") == std::to_string(servers.mariadb.port));
  after.Exec("INSERT INTO t VALUES (2, 'y')");
  CHECK(after.Scalar("SELECT @@GLOBAL.gtid_binlog_pos") != position);
}

TEST_CASE("PostgreSQL restarted mid-work keeps its port, data and replication slots") {
  const TestServers& servers = TestServersFromEnv();
  std::string db = CreateFreshPgDatabase("restart");
  const std::string slot = db;
  PgSession before(servers.postgres.Admin(db));
  before.Exec("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'x')");
  before.Exec("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
  std::string started = before.Scalar("SELECT pg_postmaster_start_time()").value();

  RestartPostgres();

  CHECK_THROWS_AS(before.Scalar("SELECT 1"), SqlError);
  PgSession after(servers.postgres.Admin(db));
  CHECK(after.Scalar("SELECT v FROM t WHERE id = 1") == "x");
  CHECK(after.Scalar("SELECT pg_postmaster_start_time() > '" + started + "'") == "t");
  CHECK(after.Scalar("SHOW port") == std::to_string(servers.postgres.port));
  CHECK(after.Scalar("SELECT plugin FROM pg_replication_slots WHERE slot_name = '" + slot + "'") ==
        "pgoutput");
  after.Exec("SELECT pg_drop_replication_slot('" + slot + "')");
}

}  // namespace
}  // namespace sluice::testing
