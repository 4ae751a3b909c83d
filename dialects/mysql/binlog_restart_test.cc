// Binlog capture across a restart of the MariaDB server (RUN_SERIAL: the
// server vanishes for every test meanwhile). The client must reconnect with
// backoff and resume after the last transaction it decoded: every row once.

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <random>

#include "dialects/mysql/binlog_client.h"
#include "dialects/mysql/mysql_connection.h"
#include "tests/integration/test_connection.h"

namespace sluice::binlog {
namespace {

using namespace std::chrono_literals;

ConnectionConfig Config(const std::string& database = "") {
  return testing::AdminConnectionConfig(testing::TestServersFromEnv().mariadb, "mysql", database);
}

TEST_CASE("capture survives a server restart without loss or duplication") {
  std::mt19937 rng{std::random_device{}()};
  std::string db = "binlog_restart_" + std::to_string(rng() % 1000000);
  ServerBinlogPosition start;
  {
    MySqlConnection conn(Config());
    conn.Exec("CREATE DATABASE " + db);
    conn.Exec("CREATE TABLE " + db + ".r (id INT PRIMARY KEY)");
    start = ReadServerBinlogPosition(conn);
    for (int i = 1; i <= 10; ++i) conn.Exec("INSERT INTO " + db + ".r VALUES (" + std::to_string(i) + ")");
  }
  BinlogClientOptions o;
  o.connection = Config();
  o.server_id = 100000 + rng() % 1000000;
  o.start_position = start.gtid;
  o.backoff_initial = 100ms;
  o.backoff_max = 2000ms;
  o.max_consecutive_failures = 40;
  o.table_filter = [&](const std::string& schema, const std::string&) { return schema == db; };
  BinlogClient client(o);
  std::vector<int> seen;
  auto read_until = [&](int last) {
    auto deadline = std::chrono::steady_clock::now() + 90s;
    while ((seen.empty() || seen.back() != last) && std::chrono::steady_clock::now() < deadline) {
      if (auto t = client.Next(500ms)) {
        for (const auto& r : t->rows) seen.push_back(std::stoi(r.after[0].text));
      }
    }
  };
  read_until(10);
  testing::RestartMariaDb();
  {
    MySqlConnection conn(Config());
    for (int i = 11; i <= 20; ++i) conn.Exec("INSERT INTO " + db + ".r VALUES (" + std::to_string(i) + ")");
  }
  read_until(20);
  std::vector<int> want;
  for (int i = 1; i <= 20; ++i) want.push_back(i);
  CHECK(seen == want);
  CHECK(client.stats().connects >= 2);
}

}  // namespace
}  // namespace sluice::binlog
