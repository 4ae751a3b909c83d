// PgConnection: a thin RAII wrapper over libpq's blocking API.
//
// Connection options go through PQconnectdbParams keyword arrays, never a
// conninfo string built by concatenation, so values need no escaping and the
// password never appears in any text Sluice builds. Notices are dropped
// instead of going to stderr. Results are copied with PQgetlength, so values
// survive byte for byte.

#include "dialects/postgresql/pg_connection.h"

#include <libpq-fe.h>

#include <memory>
#include <utility>

namespace sluice {

namespace {

void IgnoreNotice(void*, const char*) {}

std::string TrimNewline(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

DbError ErrorOf(PGconn* conn, const PGresult* res) {
  DbError e;
  if (res != nullptr) {
    const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (state != nullptr) e.sqlstate = state;
    e.message = TrimNewline(PQresultErrorMessage(res));
  }
  if (e.message.empty()) e.message = TrimNewline(PQerrorMessage(conn));
  if (e.message.rfind("ERROR:  ", 0) == 0) e.message = e.message.substr(8);
  if (e.sqlstate.empty() && PQstatus(conn) != CONNECTION_OK) e.sqlstate = "08006";
  return e;
}

QueryResult Collect(PGconn* conn, ResultPtr res) {
  if (!res) throw DbException(ErrorOf(conn, nullptr));
  ExecStatusType status = PQresultStatus(res.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && status != PGRES_EMPTY_QUERY) {
    throw DbException(ErrorOf(conn, res.get()));
  }
  QueryResult result;
  if (status != PGRES_TUPLES_OK) return result;
  int n = PQnfields(res.get());
  int rows = PQntuples(res.get());
  for (int c = 0; c < n; ++c) result.columns.emplace_back(PQfname(res.get(), c));
  result.rows.reserve(static_cast<size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    Row row(static_cast<size_t>(n));
    for (int c = 0; c < n; ++c) {
      if (!PQgetisnull(res.get(), r, c)) {
        row[static_cast<size_t>(c)] = std::string(PQgetvalue(res.get(), r, c), static_cast<size_t>(PQgetlength(res.get(), r, c)));
      }
    }
    result.rows.push_back(std::move(row));
  }
  return result;
}

}  // namespace

PgConnection::PgConnection(const ConnectionConfig& config) {
  const Dsn& dsn = config.dsn;
  std::vector<std::pair<std::string, std::string>> options;
  options.emplace_back("host", dsn.host.empty() ? "localhost" : dsn.host);
  if (dsn.port != 0) options.emplace_back("port", std::to_string(dsn.port));
  if (!dsn.user.empty()) options.emplace_back("user", dsn.user);
  if (!dsn.database.empty()) options.emplace_back("dbname", dsn.database);
  if (!config.password.empty()) options.emplace_back("password", config.password);
  options.emplace_back("connect_timeout", std::to_string(config.connect_timeout_seconds));
  options.emplace_back("application_name", config.application_name);
  options.emplace_back("client_encoding", "UTF8");
  for (const auto& param : dsn.params) options.push_back(param);
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : options) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keys.data(), values.data(), 0);
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    DbError e;
    e.sqlstate = "08001";
    e.message = "cannot connect to " + dsn.ToString() + ": " +
                (conn_ != nullptr ? TrimNewline(PQerrorMessage(conn_)) : std::string("out of memory"));
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = nullptr;
    throw DbException(std::move(e));
  }
  PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);
}

PgConnection::~PgConnection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

PgConnection::PgConnection(PgConnection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)), server_version_(std::move(other.server_version_)) {}

PgConnection& PgConnection::operator=(PgConnection&& other) noexcept {
  if (this != &other) {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = std::exchange(other.conn_, nullptr);
    server_version_ = std::move(other.server_version_);
  }
  return *this;
}

QueryResult PgConnection::Query(const std::string& sql) {
  if (conn_ == nullptr) throw DbException(DbError{0, "08003", "connection is closed"});
  return Collect(conn_, ResultPtr(PQexec(conn_, sql.c_str())));
}

QueryResult PgConnection::Query(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
  if (conn_ == nullptr) throw DbException(DbError{0, "08003", "connection is closed"});
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const auto& p : params) {
    values.push_back(p ? p->data() : nullptr);
    lengths.push_back(p ? static_cast<int>(p->size()) : 0);
    formats.push_back(0);
  }
  return Collect(conn_, ResultPtr(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                                               values.data(), lengths.data(), formats.data(), 0)));
}

uint64_t PgConnection::Exec(const std::string& sql) {
  if (conn_ == nullptr) throw DbException(DbError{0, "08003", "connection is closed"});
  ResultPtr res(PQexec(conn_, sql.c_str()));
  if (!res) throw DbException(ErrorOf(conn_, nullptr));
  ExecStatusType status = PQresultStatus(res.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && status != PGRES_EMPTY_QUERY) {
    throw DbException(ErrorOf(conn_, res.get()));
  }
  const char* tuples = PQcmdTuples(res.get());
  return tuples != nullptr && *tuples != '\0' ? std::stoull(tuples) : 0;
}

std::string PgConnection::ServerVersion() {
  if (server_version_.empty()) {
    QueryResult r = Query("SHOW server_version");
    if (!r.rows.empty() && r.rows[0][0]) server_version_ = *r.rows[0][0];
  }
  return server_version_;
}

int PgConnection::ServerVersionNum() { return PQserverVersion(conn_); }

std::string PgConnection::QuoteString(const std::string& value) {
  char* escaped = PQescapeLiteral(conn_, value.data(), value.size());
  if (escaped == nullptr) throw DbException(ErrorOf(conn_, nullptr));
  std::string out(escaped);
  PQfreemem(escaped);
  return out;
}

std::string PgConnection::QuotePgIdent(const std::string& ident) {
  std::string out = "\"";
  for (char c : ident) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace sluice
