// Test-server access for integration tests.
//
// The servers are found through the SLUICE_TEST_* variables that scripts/test-servers.sh writes
// to DIR/env. Sessions are thin wrappers over the C client libraries that turn every error into
// a SqlError carrying the server's message, so a failing statement fails the test with the
// reason. Query results are kept as text, with lengths from the client library so that values
// containing NUL bytes survive. Fresh database names combine the process id, a per-process
// counter and random bits: ctest runs test binaries in parallel, and a name reused by an earlier
// process with the same pid is caught by CREATE DATABASE failing and retried under a new name.

#include "tests/integration/test_env.h"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <mysql.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <utility>

namespace sluice::testing {
namespace {

constexpr int kConnectTimeoutSeconds = 10;
constexpr int kCreateDatabaseAttempts = 5;
constexpr size_t kMaxPrefixLength = 24;
constexpr size_t kMaxSqlInMessage = 300;
constexpr unsigned kMariaDbDatabaseExists = 1007;  // ER_DB_CREATE_EXISTS
constexpr const char* kPgDuplicateDatabase = "42P04";

std::string Getenv(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string ShortSql(std::string_view sql) {
  if (sql.size() <= kMaxSqlInMessage) return std::string(sql);
  return std::string(sql.substr(0, kMaxSqlInMessage)) + "...";
}

std::string TrimTrailingNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

TestServers LoadTestServers() {
  const char* const required[] = {"SLUICE_TEST_SERVERS_DIR", "SLUICE_TEST_MARIADB_PORT",
                                  "SLUICE_TEST_MARIADB_DSN", "SLUICE_TEST_PG_PORT",
                                  "SLUICE_TEST_PG_DSN",      "SLUICE_TEST_PW_USER",
                                  "SLUICE_TEST_PW_PASSWORD"};
  std::string missing;
  for (const char* name : required) {
    if (Getenv(name).empty()) missing += std::string(missing.empty() ? "" : ", ") + name;
  }
  if (!missing.empty()) {
    throw std::runtime_error(
        "integration test servers are not configured (" + missing +
        " not set). Run the tests through scripts/test.sh, or start servers with "
        "`scripts/test-servers.sh start DIR && source DIR/env` and run ctest from that shell.");
  }
  auto port = [](const char* name) {
    std::string text = Getenv(name);
    char* end = nullptr;
    long value = std::strtol(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '\0' || value <= 0 || value > 65535) {
      throw std::runtime_error(std::string(name) + " is not a port number: '" + text + "'");
    }
    return static_cast<int>(value);
  };
  TestServers servers;
  servers.servers_dir = Getenv("SLUICE_TEST_SERVERS_DIR");
  servers.mariadb.port = port("SLUICE_TEST_MARIADB_PORT");
  servers.mariadb.admin_user = "root";
  servers.mariadb.dsn = Getenv("SLUICE_TEST_MARIADB_DSN");
  servers.postgres.port = port("SLUICE_TEST_PG_PORT");
  servers.postgres.admin_user = "postgres";
  servers.postgres.dsn = Getenv("SLUICE_TEST_PG_DSN");
  servers.password_user = Getenv("SLUICE_TEST_PW_USER");
  servers.password = Getenv("SLUICE_TEST_PW_PASSWORD");
  return servers;
}

// "<prefix>_<pid>_<counter>_<random>" with prefix reduced to [a-z0-9_].
std::string FreshName(std::string_view prefix) {
  static std::atomic<unsigned> counter{0};
  static std::mutex rng_mutex;
  static std::mt19937_64 rng{std::random_device{}()};
  std::string clean;
  for (char c : prefix.substr(0, kMaxPrefixLength)) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    clean += ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') ? c : '_';
  }
  if (clean.empty() || (clean[0] >= '0' && clean[0] <= '9')) clean.insert(0, "t");
  uint64_t random;
  {
    std::lock_guard lock(rng_mutex);
    random = rng();
  }
  char suffix[64];
  std::snprintf(suffix, sizeof suffix, "_%ld_%u_%06llx", static_cast<long>(getpid()),
                counter.fetch_add(1), static_cast<unsigned long long>(random & 0xffffff));
  return clean + suffix;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

void RunServersScript(const std::string& command) {
  const TestServers& servers = TestServersFromEnv();
  std::string line = "bash " + ShellQuote(std::string(SLUICE_SOURCE_DIR) + "/scripts/test-servers.sh") +
                     " " + command + " " + ShellQuote(servers.servers_dir) + " </dev/null";
  std::fflush(nullptr);
  int status = std::system(line.c_str());
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("`" + line + "` failed (status " + std::to_string(status) + ")");
  }
}

std::once_flag mysql_library_once;

}  // namespace

ConnectParams ServerEndpoint::Admin(std::string database) const {
  return ConnectParams{host, port, admin_user, "", std::move(database)};
}

ConnectParams ServerEndpoint::As(std::string user, std::string password,
                                 std::string database) const {
  return ConnectParams{host, port, std::move(user), std::move(password), std::move(database)};
}

const TestServers& TestServersFromEnv() {
  // If loading throws, the static stays uninitialised and the next call tries again.
  static const TestServers servers = LoadTestServers();
  return servers;
}

// ---------------------------------------------------------------------------------------------
// MariaDB

MariaDbSession::MariaDbSession(const ConnectParams& params) {
  // mysql_library_init is not thread-safe; mysql_init would call it implicitly.
  std::call_once(mysql_library_once, [] { mysql_library_init(0, nullptr, nullptr); });
  mysql_ = mysql_init(nullptr);
  if (mysql_ == nullptr) throw SqlError("mysql_init failed (out of memory)", 0, "");
  unsigned timeout = kConnectTimeoutSeconds;
  mysql_optionsv(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_optionsv(mysql_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  const char* database = params.database.empty() ? nullptr : params.database.c_str();
  const char* password = params.password.empty() ? nullptr : params.password.c_str();
  if (mysql_real_connect(mysql_, params.host.c_str(), params.user.c_str(), password, database,
                         static_cast<unsigned>(params.port), nullptr,
                         CLIENT_MULTI_STATEMENTS) == nullptr) {
    SqlError error = LastError("connect as '" + params.user + "' to " + params.host + ":" +
                               std::to_string(params.port));
    mysql_close(mysql_);
    mysql_ = nullptr;
    throw error;
  }
}

MariaDbSession::~MariaDbSession() {
  if (mysql_ != nullptr) mysql_close(mysql_);
}

MariaDbSession::MariaDbSession(MariaDbSession&& other) noexcept
    : mysql_(std::exchange(other.mysql_, nullptr)) {}

MariaDbSession& MariaDbSession::operator=(MariaDbSession&& other) noexcept {
  if (this != &other) {
    if (mysql_ != nullptr) mysql_close(mysql_);
    mysql_ = std::exchange(other.mysql_, nullptr);
  }
  return *this;
}

SqlError MariaDbSession::LastError(std::string_view context) const {
  return SqlError("MariaDB: " + std::string(context) + ": " + mysql_error(mysql_) + " (error " +
                      std::to_string(mysql_errno(mysql_)) + ", SQLSTATE " +
                      mysql_sqlstate(mysql_) + ")",
                  static_cast<int>(mysql_errno(mysql_)), mysql_sqlstate(mysql_));
}

void MariaDbSession::DrainResults(std::string_view sql) {
  while (true) {
    int status = mysql_next_result(mysql_);
    if (status < 0) return;  // no more results
    if (status > 0) throw LastError("in `" + ShortSql(sql) + "`");
    if (MYSQL_RES* result = mysql_store_result(mysql_)) {
      mysql_free_result(result);
    } else if (mysql_field_count(mysql_) != 0) {
      throw LastError("reading the result of `" + ShortSql(sql) + "`");
    }
  }
}

void MariaDbSession::Exec(std::string_view sql) {
  if (mysql_ == nullptr) throw SqlError("MariaDB: session was moved from", 0, "");
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) {
    throw LastError("`" + ShortSql(sql) + "`");
  }
  if (MYSQL_RES* result = mysql_store_result(mysql_)) {
    mysql_free_result(result);
  } else if (mysql_field_count(mysql_) != 0) {
    throw LastError("reading the result of `" + ShortSql(sql) + "`");
  }
  DrainResults(sql);
}

Rows MariaDbSession::Query(std::string_view sql) {
  if (mysql_ == nullptr) throw SqlError("MariaDB: session was moved from", 0, "");
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) {
    throw LastError("`" + ShortSql(sql) + "`");
  }
  MYSQL_RES* result = mysql_store_result(mysql_);
  if (result == nullptr) {
    if (mysql_field_count(mysql_) != 0) throw LastError("reading the result of `" + ShortSql(sql) + "`");
    DrainResults(sql);
    throw SqlError("MariaDB: `" + ShortSql(sql) + "` returned no result set", 0, "");
  }
  Rows rows;
  unsigned columns = mysql_num_fields(result);
  while (MYSQL_ROW row = mysql_fetch_row(result)) {
    unsigned long* lengths = mysql_fetch_lengths(result);
    Row& out = rows.emplace_back();
    out.reserve(columns);
    for (unsigned i = 0; i < columns; ++i) {
      if (row[i] == nullptr) {
        out.emplace_back(std::nullopt);
      } else {
        out.emplace_back(std::string(row[i], lengths[i]));
      }
    }
  }
  mysql_free_result(result);
  DrainResults(sql);
  return rows;
}

std::optional<std::string> MariaDbSession::Scalar(std::string_view sql) {
  Rows rows = Query(sql);
  if (rows.size() != 1 || rows[0].size() != 1) {
    throw SqlError("MariaDB: `" + ShortSql(sql) + "` returned " + std::to_string(rows.size()) +
                       " rows, expected one row with one column",
                   0, "");
  }
  return rows[0][0];
}

std::string MariaDbSession::Quote(std::string_view s) {
  std::string out(s.size() * 2 + 1, '\0');
  unsigned long length = mysql_real_escape_string(mysql_, out.data(), s.data(), s.size());
  out.resize(length);
  return "'" + out + "'";
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

namespace {

SqlError PgResultError(PGresult* result, pg_conn* conn, std::string_view context) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
  if (message.empty()) message = PQerrorMessage(conn);
  return SqlError("PostgreSQL: " + std::string(context) + ": " + TrimTrailingNewlines(message) +
                      (state ? std::string(" (SQLSTATE ") + state + ")" : ""),
                  0, state ? state : "");
}

// Runs sql and returns its result, throwing on errors (the result is freed then).
PGresult* PgRun(pg_conn* conn, std::string_view sql) {
  if (conn == nullptr) throw SqlError("PostgreSQL: session was moved from", 0, "");
  PGresult* result = PQexec(conn, std::string(sql).c_str());
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
    return result;
  }
  SqlError error = status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR || !result
                       ? PgResultError(result, conn, "`" + ShortSql(sql) + "`")
                       : SqlError("PostgreSQL: `" + ShortSql(sql) + "`: unsupported result " +
                                      PQresStatus(status) + " (COPY is not supported here)",
                                  0, "");
  PQclear(result);
  throw error;
}

}  // namespace

PgSession::PgSession(const ConnectParams& params) {
  std::string port = std::to_string(params.port);
  std::string timeout = std::to_string(kConnectTimeoutSeconds);
  std::vector<const char*> keys = {"host", "port", "user", "connect_timeout", "client_encoding",
                                   "application_name"};
  std::vector<const char*> values = {params.host.c_str(), port.c_str(), params.user.c_str(),
                                     timeout.c_str(),     "UTF8",       "sluice-test"};
  if (!params.password.empty()) {
    keys.push_back("password");
    values.push_back(params.password.c_str());
  }
  if (!params.database.empty()) {
    keys.push_back("dbname");
    values.push_back(params.database.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keys.data(), values.data(), 0);
  if (conn_ == nullptr) throw SqlError("PostgreSQL: PQconnectdbParams failed (out of memory)", 0, "");
  if (PQstatus(conn_) != CONNECTION_OK) {
    SqlError error("PostgreSQL: connect as '" + params.user + "' to " + params.host + ":" + port +
                       ": " + TrimTrailingNewlines(PQerrorMessage(conn_)),
                   0, "");
    PQfinish(conn_);
    conn_ = nullptr;
    throw error;
  }
  // NOTICEs ("... does not exist, skipping") would clutter the test output.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
}

PgSession::~PgSession() {
  if (conn_ != nullptr) PQfinish(conn_);
}

PgSession::PgSession(PgSession&& other) noexcept : conn_(std::exchange(other.conn_, nullptr)) {}

PgSession& PgSession::operator=(PgSession&& other) noexcept {
  if (this != &other) {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = std::exchange(other.conn_, nullptr);
  }
  return *this;
}

void PgSession::Exec(std::string_view sql) { PQclear(PgRun(conn_, sql)); }

Rows PgSession::Query(std::string_view sql) {
  PGresult* result = PgRun(conn_, sql);
  if (PQresultStatus(result) != PGRES_TUPLES_OK) {
    PQclear(result);
    throw SqlError("PostgreSQL: `" + ShortSql(sql) + "` returned no rows", 0, "");
  }
  Rows rows;
  int row_count = PQntuples(result);
  int columns = PQnfields(result);
  rows.reserve(static_cast<size_t>(row_count));
  for (int r = 0; r < row_count; ++r) {
    Row& out = rows.emplace_back();
    out.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(result, r, c)) {
        out.emplace_back(std::nullopt);
      } else {
        out.emplace_back(std::string(PQgetvalue(result, r, c),
                                     static_cast<size_t>(PQgetlength(result, r, c))));
      }
    }
  }
  PQclear(result);
  return rows;
}

std::optional<std::string> PgSession::Scalar(std::string_view sql) {
  Rows rows = Query(sql);
  if (rows.size() != 1 || rows[0].size() != 1) {
    throw SqlError("PostgreSQL: `" + ShortSql(sql) + "` returned " +
                       std::to_string(rows.size()) + " rows, expected one row with one column",
                   0, "");
  }
  return rows[0][0];
}

std::string PgSession::Quote(std::string_view s) {
  char* quoted = PQescapeLiteral(conn_, s.data(), s.size());
  if (quoted == nullptr) throw PgResultError(nullptr, conn_, "quoting a literal");
  std::string out(quoted);
  PQfreemem(quoted);
  return out;
}

// ---------------------------------------------------------------------------------------------

MariaDbSession ConnectMariaDb(const std::string& database) {
  return MariaDbSession(TestServersFromEnv().mariadb.Admin(database));
}

PgSession ConnectPg(const std::string& database) {
  return PgSession(TestServersFromEnv().postgres.Admin(database));
}

std::string CreateFreshMariaDbDatabase(std::string_view prefix) {
  MariaDbSession session = ConnectMariaDb();
  for (int attempt = 1;; ++attempt) {
    std::string name = FreshName(prefix);
    try {
      session.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4");
      return name;
    } catch (const SqlError& e) {
      if (e.code() != static_cast<int>(kMariaDbDatabaseExists) || attempt == kCreateDatabaseAttempts) throw;
    }
  }
}

std::string CreateFreshPgDatabase(std::string_view prefix) {
  PgSession session = ConnectPg();
  for (int attempt = 1;; ++attempt) {
    std::string name = FreshName(prefix);
    try {
      session.Exec("CREATE DATABASE \"" + name + "\"");
      return name;
    } catch (const SqlError& e) {
      if (e.sqlstate() != kPgDuplicateDatabase || attempt == kCreateDatabaseAttempts) throw;
    }
  }
}

void RestartMariaDb() { RunServersScript("restart-mariadb"); }

void RestartPostgres() { RunServersScript("restart-postgres"); }

int ConnectLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string HttpGet(int port, const std::string& path) {
  int fd = ConnectLoopback(port);
  if (fd < 0) return "";
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  std::string response;
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
    char buf[4096];
    for (;;) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      response.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return response;
}

std::string HttpBody(const std::string& response) {
  auto at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

}  // namespace sluice::testing
