#pragma once
// A connection to a PostgreSQL server through libpq. RAII: closes with the
// object. Not thread-safe; use one connection per thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/sql_connection.h"

struct pg_conn;

namespace sluice {

class PgConnection : public SqlConnection {
 public:
  // Connects (client_encoding UTF8). DSN parameters are passed to libpq as
  // connection keywords (sslmode=require, ...). Throws DbException; the
  // message names the DSN without a password.
  explicit PgConnection(const ConnectionConfig& config);
  ~PgConnection() override;
  PgConnection(PgConnection&& other) noexcept;
  PgConnection& operator=(PgConnection&& other) noexcept;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Text-format results (binary-safe by length). With the simple protocol
  // `sql` may hold several statements; the last one's rows are returned.
  QueryResult Query(const std::string& sql) override;
  // A single statement with $1.. parameters sent apart from the SQL.
  QueryResult Query(const std::string& sql, const std::vector<std::optional<std::string>>& params);
  uint64_t Exec(const std::string& sql) override;
  // SHOW server_version, e.g. "15.4 (Debian 15.4-1.pgdg120+1)".
  std::string ServerVersion() override;
  // server_version_num, e.g. 150004.
  int ServerVersionNum();

  std::string QuoteIdent(const std::string& ident) const override { return QuotePgIdent(ident); }
  // PQescapeLiteral: '...' or E'...' as the server's settings require.
  std::string QuoteString(const std::string& value) override;

  pg_conn* handle() { return conn_; }

  // `ident` in double quotes, double quotes inside doubled: a"b -> "a""b".
  static std::string QuotePgIdent(const std::string& ident);

 private:
  pg_conn* conn_ = nullptr;
  std::string server_version_;
};

}  // namespace sluice
