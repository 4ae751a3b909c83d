#pragma once
// Streaming rows out of a source and into a target, with memory bounded by
// one row plus a fixed buffer whatever the table size.
//
// Reading: MySQL-family sources through an unbuffered result set
// (mysql_use_result), PostgreSQL through COPY (SELECT ...) TO STDOUT.
// Writing: the target's bulk path — LOAD DATA LOCAL INFILE fed from a stream
// on MySQL-family targets, COPY FROM STDIN on PostgreSQL — driven by a
// producer callback that yields one encoded row at a time. Both bulk paths
// read the same line format (tab-separated, backslash escapes, \N for NULL).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

class MySqlConnection;
class PgConnection;

// Source side. Values point into the reader's buffers and stay valid until
// the next call to Next().
class RowReader {
 public:
  virtual ~RowReader() = default;
  // Fills `row` (one entry per selected column; nullopt = NULL). Returns false
  // at the end. Throws DbException.
  virtual bool Next(std::vector<std::optional<std::string_view>>& row) = 0;
};

std::unique_ptr<RowReader> ReadMySqlRows(MySqlConnection& conn, const std::string& select_sql);
// `select_sql` is wrapped in COPY (...) TO STDOUT.
std::unique_ptr<RowReader> ReadPgRows(PgConnection& conn, const std::string& select_sql);

// Appends one field in the bulk line format (NULL as \N).
void AppendField(std::string& line, const std::optional<std::string>& value);

// Target side. The producer appends one complete line ("a\tb\n") to `out`
// and returns true, or returns false when there are no more rows.
using LineProducer = std::function<bool(std::string& out)>;

struct LoadResult {
  int64_t rows = 0;       // lines sent
  int64_t bytes = 0;
  int64_t affected = 0;   // rows the server reports loaded
  int64_t warnings = 0;   // MySQL: warnings raised (data or duplicate problems)
};

// LOAD DATA LOCAL INFILE into `table_sql` (qualified, quoted) with the
// column list `columns_sql` (e.g. "(`a`, @v2) SET `b` = CAST(@v2 AS UNSIGNED)").
// The connection must have been opened with local_infile. Throws DbException.
LoadResult LoadMySql(MySqlConnection& conn, const std::string& table_sql, const std::string& columns_sql,
                     const LineProducer& producer);
// COPY table_sql columns_sql FROM STDIN. Throws DbException.
LoadResult LoadPg(PgConnection& conn, const std::string& table_sql, const std::string& columns_sql,
                  const LineProducer& producer);

}  // namespace sluice
