#pragma once
// Support for integration tests against the real MariaDB and PostgreSQL servers that
// scripts/test.sh (or `scripts/test-servers.sh start DIR && source DIR/env`) starts.
//
// Typical use in a doctest test case:
//
//   const auto& servers = sluice::testing::TestServersFromEnv();
//   std::string db = sluice::testing::CreateFreshMariaDbDatabase("copy");
//   sluice::testing::MariaDbSession my(servers.mariadb.Admin(db));
//   my.Exec("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
//   CHECK(my.Scalar("SELECT COUNT(*) FROM t") == "0");
//
// Every test works in databases of its own (CreateFresh*Database), so ctest can run test
// binaries in parallel against the same servers. Tests that restart a server must be registered
// with RUN_SERIAL (see tests/integration/CMakeLists.txt).

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct st_mysql;
struct pg_conn;

namespace sluice::testing {

struct ConnectParams {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string user;
  std::string password;  // empty: none
  std::string database;  // empty: none (MariaDB) / the user's name (PostgreSQL)
};

struct ServerEndpoint {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string admin_user;  // root / postgres, no password needed
  std::string dsn;         // as exported (SLUICE_TEST_*_DSN), for the sluice CLI

  ConnectParams Admin(std::string database = "") const;
  ConnectParams As(std::string user, std::string password, std::string database = "") const;
};

struct TestServers {
  std::string servers_dir;  // SLUICE_TEST_SERVERS_DIR
  ServerEndpoint mariadb;
  ServerEndpoint postgres;
  std::string password_user;  // SLUICE_TEST_PW_USER: a login that needs a password on both
  std::string password;       // SLUICE_TEST_PW_PASSWORD
};

// The servers described by the SLUICE_TEST_* environment variables. Throws (failing the test
// case) with instructions when they are not set.
const TestServers& TestServersFromEnv();

// An error reported by a server or client library. code: the MySQL error number (0 for
// PostgreSQL); sqlstate: the five-character SQLSTATE when known.
class SqlError : public std::runtime_error {
 public:
  SqlError(const std::string& message, int code, std::string sqlstate)
      : std::runtime_error(message), code_(code), sqlstate_(std::move(sqlstate)) {}
  int code() const { return code_; }
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  int code_;
  std::string sqlstate_;
};

// A result: rows of columns, SQL NULL as nullopt. Values are the servers' text forms, kept
// byte for byte (embedded NUL bytes included, for MariaDB).
using Row = std::vector<std::optional<std::string>>;
using Rows = std::vector<Row>;

// One MariaDB/MySQL connection (libmariadb), utf8mb4, multi-statement text allowed in Exec.
class MariaDbSession {
 public:
  explicit MariaDbSession(const ConnectParams& params);  // throws SqlError
  ~MariaDbSession();
  MariaDbSession(MariaDbSession&& other) noexcept;
  MariaDbSession& operator=(MariaDbSession&& other) noexcept;
  MariaDbSession(const MariaDbSession&) = delete;
  MariaDbSession& operator=(const MariaDbSession&) = delete;

  // Runs one or more ';'-separated statements, discarding any rows. Throws SqlError.
  void Exec(std::string_view sql);
  // The rows of the first result set of sql. Throws SqlError, also when sql returns no rows.
  Rows Query(std::string_view sql);
  // The single value of a one-row, one-column result (nullopt for NULL). Throws otherwise.
  std::optional<std::string> Scalar(std::string_view sql);

  // s as a string literal for this connection ('...', escaped per its sql_mode).
  std::string Quote(std::string_view s);

  st_mysql* handle() { return mysql_; }

 private:
  SqlError LastError(std::string_view context) const;
  // Discards the remaining result sets of a multi-statement text, throwing on their errors.
  void DrainResults(std::string_view sql);

  st_mysql* mysql_ = nullptr;
};

// One PostgreSQL connection (libpq), UTF8, text results. Exec takes several statements.
class PgSession {
 public:
  explicit PgSession(const ConnectParams& params);  // throws SqlError
  ~PgSession();
  PgSession(PgSession&& other) noexcept;
  PgSession& operator=(PgSession&& other) noexcept;
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;

  void Exec(std::string_view sql);
  // Rows of the last statement of sql (PostgreSQL's simple query protocol returns that one).
  Rows Query(std::string_view sql);
  std::optional<std::string> Scalar(std::string_view sql);

  // s as a string literal ('...' or E'...').
  std::string Quote(std::string_view s);

  pg_conn* handle() { return conn_; }

 private:
  pg_conn* conn_ = nullptr;
};

// Admin connections to the test servers.
MariaDbSession ConnectMariaDb(const std::string& database = "");
PgSession ConnectPg(const std::string& database = "postgres");

// Creates a database nobody else uses: "<prefix>_<pid>_<counter>_<random>", lower case, safe to
// use unquoted on both engines. Returns its name. The servers are thrown away after the run, so
// dropping it is optional.
std::string CreateFreshMariaDbDatabase(std::string_view prefix);
std::string CreateFreshPgDatabase(std::string_view prefix);

// Stops and starts one server on the same port and data (scripts/test-servers.sh restart-*).
// Existing sessions to it break; open new ones. Throws std::runtime_error on failure.
void RestartMariaDb();
void RestartPostgres();

// A TCP connection to 127.0.0.1:PORT; -1 when nothing listens there.
int ConnectLoopback(int port);
// A plain HTTP/1.1 GET of http://127.0.0.1:PORT/PATH with Connection: close:
// the whole response, "" when nothing listens.
std::string HttpGet(int port, const std::string& path);
// The body of an HTTP response ("" when it has none).
std::string HttpBody(const std::string& response);

}  // namespace sluice::testing

// Lets doctest print Scalar()/Query() values in failed CHECKs (when doctest is included first).
#ifdef DOCTEST_LIBRARY_INCLUDED
namespace doctest {
template <>
struct StringMaker<std::optional<std::string>> {
  static String convert(const std::optional<std::string>& value) {
    return value ? String(("\"" + *value + "\"").c_str()) : String("NULL");
  }
};
}  // namespace doctest
#endif
