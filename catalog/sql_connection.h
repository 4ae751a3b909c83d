#pragma once
// What every database connection shares, whatever its engine: how to open it,
// what a result looks like, and how errors are reported. MySqlConnection
// (dialects/mysql) and PgConnection (dialects/postgresql) implement
// SqlConnection; code that only needs to run SQL takes the interface so unit
// tests can hand it a fake.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/dsn.h"

namespace sluice {

struct ConnectionConfig {
  Dsn dsn;
  std::string password;             // never printed, logged or put in an error
  int connect_timeout_seconds = 10;
  int read_timeout_seconds = 0;     // 0: no limit (MySQL family; PostgreSQL uses statement_timeout)
  int write_timeout_seconds = 0;    // 0: no limit (MySQL family)
  std::string application_name = "sluice";
  bool local_infile = false;        // MySQL family: allow LOAD DATA LOCAL INFILE (the bulk write path)
};

// A server error. `code` is the MySQL errno (0 for PostgreSQL), `sqlstate` the
// five-character SQLSTATE ("" when the client library has none, e.g. a
// connection that never reached the server has "08001").
struct DbError {
  int code = 0;
  std::string sqlstate;
  std::string message;
  std::string ToString() const;  // "ERROR 1146 (42S02): Table 'x.y' doesn't exist"
};

// Thrown by connections: a failed statement ends the operation that ran it;
// the retry layer catches it and classifies `error` per dialect.
class DbException : public std::runtime_error {
 public:
  explicit DbException(DbError error) : std::runtime_error(error.ToString()), error_(std::move(error)) {}
  const DbError& error() const { return error_; }

 private:
  DbError error_;
};

// Rows of a result. Values are text as the server sends it (binary-safe:
// strings may hold NUL bytes); SQL NULL is nullopt.
using Row = std::vector<std::optional<std::string>>;

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<Row> rows;

  // Index of a column by name, or -1.
  int ColumnIndex(const std::string& name) const;
  // A value by column name; nullopt when NULL or when the column is absent
  // (servers of different versions have different columns).
  std::optional<std::string> Get(size_t row, const std::string& column) const;
  std::string GetOr(size_t row, const std::string& column, const std::string& fallback = "") const;
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual QueryResult Query(const std::string& sql) = 0;
  // Runs a statement without a result set; returns the affected row count.
  virtual uint64_t Exec(const std::string& sql) = 0;
  virtual std::string ServerVersion() = 0;
  virtual std::string QuoteIdent(const std::string& ident) const = 0;
  virtual std::string QuoteString(const std::string& value) = 0;
};

}  // namespace sluice
