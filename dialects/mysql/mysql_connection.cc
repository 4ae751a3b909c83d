// MySqlConnection: a thin RAII wrapper over libmariadb's blocking API.
//
// Results are fetched with mysql_store_result and copied row by row using
// mysql_fetch_lengths, so values holding NUL bytes survive. mysql_library_init
// is not thread-safe and mysql_init calls it implicitly, so the first
// connection runs it under std::call_once.

#include "dialects/mysql/mysql_connection.h"

#include <mysql.h>

#include <mutex>
#include <utility>

namespace sluice {

namespace {

void InitLibraryOnce() {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

}  // namespace

MySqlConnection::MySqlConnection(const ConnectionConfig& config) {
  InitLibraryOnce();
  mysql_ = mysql_init(nullptr);
  if (mysql_ == nullptr) throw DbException(DbError{0, "HY001", "out of memory creating a MySQL handle"});

  std::string charset = "utf8mb4";
  for (const auto& [key, value] : config.dsn.params) {
    if (key == "charset") {
      charset = value;
    } else {
      mysql_close(mysql_);
      mysql_ = nullptr;
      throw DbException(DbError{0, "08001", "unknown parameter '" + key + "' in " + config.dsn.ToString() +
                                                " (MySQL-family DSNs accept: charset)"});
    }
  }
  unsigned int connect_timeout = static_cast<unsigned int>(config.connect_timeout_seconds);
  unsigned int read_timeout = static_cast<unsigned int>(config.read_timeout_seconds);
  unsigned int write_timeout = static_cast<unsigned int>(config.write_timeout_seconds);
  mysql_optionsv(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  if (read_timeout > 0) mysql_optionsv(mysql_, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  if (write_timeout > 0) mysql_optionsv(mysql_, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout);
  mysql_optionsv(mysql_, MYSQL_SET_CHARSET_NAME, charset.c_str());
  if (config.local_infile) {
    unsigned int on = 1;
    mysql_optionsv(mysql_, MYSQL_OPT_LOCAL_INFILE, &on);
  }
  mysql_optionsv(mysql_, MYSQL_OPT_CONNECT_ATTR_ADD, "program_name", config.application_name.c_str());
  // Never reconnect behind the caller's back: session state (SET, temporary
  // tables, transactions) would silently vanish.
  my_bool reconnect = 0;
  mysql_optionsv(mysql_, MYSQL_OPT_RECONNECT, &reconnect);

  const Dsn& dsn = config.dsn;
  unsigned int port = dsn.port != 0 ? dsn.port : 3306;
  const char* db = dsn.database.empty() ? nullptr : dsn.database.c_str();
  const char* password = config.password.empty() ? nullptr : config.password.c_str();
  if (mysql_real_connect(mysql_, dsn.host.c_str(), dsn.user.c_str(), password, db, port, nullptr,
                         CLIENT_FOUND_ROWS) == nullptr) {
    DbError error{static_cast<int>(mysql_errno(mysql_)), mysql_sqlstate(mysql_), mysql_error(mysql_)};
    if (error.sqlstate.empty() || error.sqlstate == "00000" || error.sqlstate == "HY000") {
      error.sqlstate = error.code >= 2000 && error.code < 3000 ? "08001" : error.sqlstate;
    }
    error.message = "cannot connect to " + dsn.ToString() + ": " + error.message;
    mysql_close(mysql_);
    mysql_ = nullptr;
    throw DbException(std::move(error));
  }
}

MySqlConnection::~MySqlConnection() {
  if (mysql_ != nullptr) mysql_close(mysql_);
}

MySqlConnection::MySqlConnection(MySqlConnection&& other) noexcept
    : mysql_(std::exchange(other.mysql_, nullptr)), server_version_(std::move(other.server_version_)) {}

MySqlConnection& MySqlConnection::operator=(MySqlConnection&& other) noexcept {
  if (this != &other) {
    if (mysql_ != nullptr) mysql_close(mysql_);
    mysql_ = std::exchange(other.mysql_, nullptr);
    server_version_ = std::move(other.server_version_);
  }
  return *this;
}

void MySqlConnection::Throw(const std::string& context) const {
  DbError error{static_cast<int>(mysql_errno(mysql_)), mysql_sqlstate(mysql_), mysql_error(mysql_)};
  if (!context.empty()) error.message += " [" + context + "]";
  throw DbException(std::move(error));
}

QueryResult MySqlConnection::Query(const std::string& sql) {
  if (mysql_ == nullptr) throw DbException(DbError{0, "08003", "connection is closed"});
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) Throw("");
  QueryResult result;
  MYSQL_RES* res = mysql_store_result(mysql_);
  if (res == nullptr) {
    if (mysql_field_count(mysql_) != 0) Throw("fetching result");
    return result;
  }
  unsigned int n = mysql_num_fields(res);
  MYSQL_FIELD* fields = mysql_fetch_fields(res);
  for (unsigned int i = 0; i < n; ++i) result.columns.emplace_back(fields[i].name, fields[i].name_length);
  result.rows.reserve(mysql_num_rows(res));
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    unsigned long* lengths = mysql_fetch_lengths(res);
    Row out(n);
    for (unsigned int i = 0; i < n; ++i) {
      if (row[i] != nullptr) out[i] = std::string(row[i], lengths[i]);
    }
    result.rows.push_back(std::move(out));
  }
  bool failed = mysql_errno(mysql_) != 0;
  mysql_free_result(res);
  if (failed) Throw("fetching rows");
  return result;
}

uint64_t MySqlConnection::Exec(const std::string& sql) {
  if (mysql_ == nullptr) throw DbException(DbError{0, "08003", "connection is closed"});
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) Throw("");
  if (MYSQL_RES* res = mysql_store_result(mysql_)) {
    mysql_free_result(res);  // a statement that did return rows: discard them
    return 0;
  }
  if (mysql_field_count(mysql_) != 0) Throw("fetching result");
  return mysql_affected_rows(mysql_);
}

std::vector<uint64_t> MySqlConnection::ExecMulti(const std::string& sql) {
  if (mysql_ == nullptr) throw DbException(DbError{0, "08003", "connection is closed"});
  if (!multi_statements_) {
    if (mysql_set_server_option(mysql_, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0) Throw("enabling multi-statements");
    multi_statements_ = true;
  }
  std::vector<uint64_t> affected;
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) Throw("statement 1 of a batch");
  while (true) {
    if (MYSQL_RES* res = mysql_store_result(mysql_)) {
      mysql_free_result(res);
      affected.push_back(0);
    } else if (mysql_field_count(mysql_) != 0) {
      Throw("fetching a batch result");
    } else {
      affected.push_back(mysql_affected_rows(mysql_));
    }
    int more = mysql_next_result(mysql_);
    if (more == -1) break;
    if (more > 0) Throw("statement " + std::to_string(affected.size() + 1) + " of a batch");
  }
  return affected;
}

std::string MySqlConnection::ServerVersion() {
  if (server_version_.empty()) {
    QueryResult r = Query("SELECT VERSION()");
    if (!r.rows.empty() && r.rows[0][0]) server_version_ = *r.rows[0][0];
  }
  return server_version_;
}

bool MySqlConnection::IsMariaDb() { return ServerVersion().find("MariaDB") != std::string::npos; }

std::string MySqlConnection::QuoteString(const std::string& value) {
  std::string out(value.size() * 2 + 1, '\0');
  unsigned long n = mysql_real_escape_string(mysql_, out.data(), value.data(), value.size());
  out.resize(n);
  return "'" + out + "'";
}

std::string MySqlConnection::QuoteMySqlIdent(const std::string& ident) {
  std::string out = "`";
  for (char c : ident) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

}  // namespace sluice
