// Bulk row I/O. The MySQL LOAD DATA path registers local-infile callbacks
// (mysql_set_local_infile_handler) whose read function pulls lines from the
// producer into libmariadb's buffer, so rows flow from the source result set
// to the target without ever being held all at once. The PostgreSQL paths
// use libpq's COPY functions, one row per CopyData message.

#include "runtime/row_io.h"

#include <libpq-fe.h>
#include <mysql.h>

#include <cstring>

#include "catalog/sql_connection.h"
#include "dialects/mysql/mysql_connection.h"
#include "dialects/postgresql/pg_connection.h"

namespace sluice {

namespace {

[[noreturn]] void ThrowMySql(MYSQL* m, const std::string& context) {
  DbError e{static_cast<int>(mysql_errno(m)), mysql_sqlstate(m), context + ": " + mysql_error(m)};
  throw DbException(std::move(e));
}

[[noreturn]] void ThrowPg(PGconn* c, PGresult* r, const std::string& context) {
  DbError e;
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  e.sqlstate = state ? state : (PQstatus(c) == CONNECTION_BAD ? "08006" : "");
  std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  e.message = context + ": " + msg;
  if (r) PQclear(r);
  throw DbException(std::move(e));
}

class MySqlRowReader : public RowReader {
 public:
  MySqlRowReader(MySqlConnection& conn, const std::string& sql) : m_(conn.handle()) {
    if (mysql_real_query(m_, sql.data(), sql.size()) != 0) ThrowMySql(m_, "reading rows");
    res_ = mysql_use_result(m_);
    if (res_ == nullptr) ThrowMySql(m_, "reading rows");
    fields_ = mysql_num_fields(res_);
  }
  ~MySqlRowReader() override {
    // Drain so the connection stays usable (a stopped chunk reads the rest
    // away; mysql_free_result does that).
    if (res_) mysql_free_result(res_);
  }
  bool Next(std::vector<std::optional<std::string_view>>& row) override {
    MYSQL_ROW r = mysql_fetch_row(res_);
    if (r == nullptr) {
      if (mysql_errno(m_) != 0) ThrowMySql(m_, "reading rows");
      return false;
    }
    unsigned long* len = mysql_fetch_lengths(res_);
    row.resize(fields_);
    for (unsigned i = 0; i < fields_; ++i) {
      if (r[i] == nullptr) row[i] = std::nullopt;
      else row[i] = std::string_view(r[i], len[i]);
    }
    return true;
  }

 private:
  MYSQL* m_;
  MYSQL_RES* res_ = nullptr;
  unsigned fields_ = 0;
};

// Undoes COPY text-format escapes of one field in place.
std::string Unescape(std::string_view f) {
  std::string out;
  out.reserve(f.size());
  for (size_t i = 0; i < f.size(); ++i) {
    char c = f[i];
    if (c != '\\' || i + 1 >= f.size()) {
      out += c;
      continue;
    }
    char n = f[++i];
    switch (n) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case 'x': {
        int v = 0, k = 0;
        while (k < 2 && i + 1 < f.size() && std::isxdigit(static_cast<unsigned char>(f[i + 1]))) {
          char h = f[++i];
          v = v * 16 + (std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
          ++k;
        }
        out += static_cast<char>(v);
        break;
      }
      default:
        if (n >= '0' && n <= '7') {
          int v = n - '0', k = 1;
          while (k < 3 && i + 1 < f.size() && f[i + 1] >= '0' && f[i + 1] <= '7') {
            v = v * 8 + (f[++i] - '0');
            ++k;
          }
          out += static_cast<char>(v);
        } else {
          out += n;
        }
    }
  }
  return out;
}

class PgRowReader : public RowReader {
 public:
  PgRowReader(PgConnection& conn, const std::string& select) : c_(conn.handle()) {
    PGresult* r = PQexec(c_, ("COPY (" + select + ") TO STDOUT").c_str());
    if (PQresultStatus(r) != PGRES_COPY_OUT) ThrowPg(c_, r, "reading rows");
    PQclear(r);
  }
  ~PgRowReader() override {
    if (buf_) PQfreemem(buf_);
    if (!done_) {
      // Abandoned mid-stream: drain so the connection can be reused.
      char* b = nullptr;
      while (PQgetCopyData(c_, &b, 0) > 0) PQfreemem(b);
      while (PGresult* r = PQgetResult(c_)) PQclear(r);
    }
  }
  bool Next(std::vector<std::optional<std::string_view>>& row) override {
    if (buf_) {
      PQfreemem(buf_);
      buf_ = nullptr;
    }
    int n = PQgetCopyData(c_, &buf_, 0);
    if (n == -1) {
      done_ = true;
      PGresult* r = PQgetResult(c_);
      if (PQresultStatus(r) != PGRES_COMMAND_OK) ThrowPg(c_, r, "reading rows");
      PQclear(r);
      while (PGresult* extra = PQgetResult(c_)) PQclear(extra);
      return false;
    }
    if (n < 0) ThrowPg(c_, nullptr, "reading rows");
    std::string_view line(buf_, static_cast<size_t>(n));
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    fields_.clear();
    size_t start = 0;
    while (true) {
      size_t tab = line.find('\t', start);
      std::string_view f = line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start);
      if (f == "\\N") fields_.push_back(std::nullopt);
      else fields_.push_back(f.find('\\') == std::string_view::npos ? std::string(f) : Unescape(f));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    row.resize(fields_.size());
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (fields_[i]) row[i] = std::string_view(*fields_[i]);
      else row[i] = std::nullopt;
    }
    return true;
  }

 private:
  PGconn* c_;
  char* buf_ = nullptr;
  bool done_ = false;
  std::vector<std::optional<std::string>> fields_;
};

// State shared with libmariadb's local-infile callbacks.
struct InfileState {
  const LineProducer* producer;
  std::string pending;   // encoded bytes not yet handed to the library
  size_t offset = 0;
  bool eof = false;
  int64_t rows = 0;
  int64_t bytes = 0;
  std::string error;     // an exception from the producer, rethrown after the load
  std::exception_ptr exception;
};

int InfileInit(void** ptr, const char*, void* userdata) {
  *ptr = userdata;
  return 0;
}

int InfileRead(void* ptr, char* buf, unsigned int buf_len) {
  auto* s = static_cast<InfileState*>(ptr);
  try {
    while (s->offset >= s->pending.size() && !s->eof) {
      s->pending.clear();
      s->offset = 0;
      // Batch a few rows per callback: fewer calls, still bounded memory.
      while (s->pending.size() < 65536) {
        if (!(*s->producer)(s->pending)) {
          s->eof = true;
          break;
        }
        ++s->rows;
      }
      s->bytes += static_cast<int64_t>(s->pending.size());
    }
  } catch (...) {
    s->exception = std::current_exception();
    return -1;
  }
  size_t n = std::min<size_t>(buf_len, s->pending.size() - s->offset);
  std::memcpy(buf, s->pending.data() + s->offset, n);
  s->offset += n;
  return static_cast<int>(n);
}

void InfileEnd(void*) {}

int InfileError(void* ptr, char* msg, unsigned int len) {
  auto* s = static_cast<InfileState*>(ptr);
  std::snprintf(msg, len, "%s", s->exception ? "the row source failed" : "local infile error");
  return 2000;
}

}  // namespace

std::unique_ptr<RowReader> ReadMySqlRows(MySqlConnection& conn, const std::string& sql) {
  return std::make_unique<MySqlRowReader>(conn, sql);
}

std::unique_ptr<RowReader> ReadPgRows(PgConnection& conn, const std::string& sql) {
  return std::make_unique<PgRowReader>(conn, sql);
}

void AppendField(std::string& line, const std::optional<std::string>& value) {
  if (!value) {
    line += "\\N";
    return;
  }
  for (char c : *value) {
    switch (c) {
      case '\\': line += "\\\\"; break;
      case '\t': line += "\\t"; break;
      case '\n': line += "\\n"; break;
      case '\r': line += "\\r"; break;
      case '\0': line += "\\0"; break;
      default: line += c;
    }
  }
}

LoadResult LoadMySql(MySqlConnection& conn, const std::string& table_sql, const std::string& columns_sql,
                     const LineProducer& producer) {
  MYSQL* m = conn.handle();
  InfileState state{&producer};
  mysql_set_local_infile_handler(m, InfileInit, InfileRead, InfileEnd, InfileError, &state);
  std::string sql = "LOAD DATA LOCAL INFILE 'sluice-stream' INTO TABLE " + table_sql +
                    " CHARACTER SET binary FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' "
                    "LINES TERMINATED BY '\\n' " + columns_sql;
  int rc = mysql_real_query(m, sql.data(), sql.size());
  mysql_set_local_infile_default(m);
  if (state.exception) std::rethrow_exception(state.exception);
  if (rc != 0) ThrowMySql(m, "LOAD DATA into " + table_sql);
  LoadResult r;
  r.rows = state.rows;
  r.bytes = state.bytes;
  r.affected = static_cast<int64_t>(mysql_affected_rows(m));
  r.warnings = mysql_warning_count(m);
  return r;
}

LoadResult LoadPg(PgConnection& conn, const std::string& table_sql, const std::string& columns_sql,
                  const LineProducer& producer) {
  PGconn* c = conn.handle();
  PGresult* res = PQexec(c, ("COPY " + table_sql + " " + columns_sql + " FROM STDIN").c_str());
  if (PQresultStatus(res) != PGRES_COPY_IN) ThrowPg(c, res, "COPY into " + table_sql);
  PQclear(res);
  LoadResult r;
  std::string buf;
  std::exception_ptr failure;
  try {
    while (true) {
      buf.clear();
      bool more = true;
      while (buf.size() < 65536 && (more = producer(buf))) ++r.rows;
      if (!buf.empty()) {
        if (PQputCopyData(c, buf.data(), static_cast<int>(buf.size())) != 1) ThrowPg(c, nullptr, "COPY into " + table_sql);
        r.bytes += static_cast<int64_t>(buf.size());
      }
      if (!more) break;
    }
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    PQputCopyEnd(c, "the row source failed");
    while (PGresult* x = PQgetResult(c)) PQclear(x);
    std::rethrow_exception(failure);
  }
  if (PQputCopyEnd(c, nullptr) != 1) ThrowPg(c, nullptr, "COPY into " + table_sql);
  res = PQgetResult(c);
  if (PQresultStatus(res) != PGRES_COMMAND_OK) {
    while (PGresult* x = PQgetResult(c)) PQclear(x);
    ThrowPg(c, res, "COPY into " + table_sql);
  }
  r.affected = std::atoll(PQcmdTuples(res));
  PQclear(res);
  while (PGresult* x = PQgetResult(c)) PQclear(x);
  return r;
}

}  // namespace sluice
