#pragma once
// A connection to a MySQL-family server (MySQL, MariaDB, OceanBase MySQL
// mode, TiDB) through libmariadb. RAII: the handle closes with the object.
// Not thread-safe; use one connection per thread.

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/sql_connection.h"

struct st_mysql;

namespace sluice {

class MySqlConnection : public SqlConnection {
 public:
  // Connects (utf8mb4, autocommit on). Throws DbException; the message names
  // the DSN without a password. DSN parameters understood: charset=NAME.
  explicit MySqlConnection(const ConnectionConfig& config);
  ~MySqlConnection() override;
  MySqlConnection(MySqlConnection&& other) noexcept;
  MySqlConnection& operator=(MySqlConnection&& other) noexcept;
  MySqlConnection(const MySqlConnection&) = delete;
  MySqlConnection& operator=(const MySqlConnection&) = delete;

  // One statement; its result set (empty columns and rows for statements
  // without one). Throws DbException.
  QueryResult Query(const std::string& sql) override;
  uint64_t Exec(const std::string& sql) override;
  // Several statements separated by ';' in one round trip (change apply
  // sends a whole batch this way); the affected rows of each. On an error the
  // statements after the failing one are not run; the exception names it.
  std::vector<uint64_t> ExecMulti(const std::string& sql);
  // SELECT VERSION(), e.g. "10.11.6-MariaDB-0+deb12u1-log" or "8.0.36".
  std::string ServerVersion() override;
  bool IsMariaDb();

  std::string QuoteIdent(const std::string& ident) const override { return QuoteMySqlIdent(ident); }
  // A string literal escaped for this connection's charset and sql_mode
  // (mysql_real_escape_string honours NO_BACKSLASH_ESCAPES).
  std::string QuoteString(const std::string& value) override;

  st_mysql* handle() { return mysql_; }

  // `ident` in backticks, backticks inside doubled: a`b -> `a``b`.
  static std::string QuoteMySqlIdent(const std::string& ident);

 private:
  [[noreturn]] void Throw(const std::string& context) const;
  bool multi_statements_ = false;

  st_mysql* mysql_ = nullptr;
  std::string server_version_;
};

}  // namespace sluice
