#pragma once
// What change capture produces, whatever the source: transactions of row
// changes and DDL, each with an opaque resume position. Binlog decoding
// (dialects/mysql) and pgoutput decoding (dialects/postgresql) produce these;
// the apply side (runtime/) consumes them. Values are in the canonical text
// form of docs/values.md, the same form the full copy converts through, so a
// row reads the same whether it was copied or replayed.

#include <cstdint>
#include <string>
#include <vector>

namespace sluice {

struct CapturedValue {
  enum class Kind {
    kNull,
    kValue,      // `text` holds the canonical text form
    kUnchanged,  // PostgreSQL: a TOASTed value the server did not send; keep the target's
    kMissing,    // not in this image (e.g. a before-image with only key columns)
  };
  Kind kind = Kind::kNull;
  std::string text;

  static CapturedValue Null() { return {}; }
  static CapturedValue Of(std::string t) { return {Kind::kValue, std::move(t)}; }
  bool operator==(const CapturedValue&) const = default;
};

enum class ChangeKind { kInsert, kUpdate, kDelete, kTruncate };
const char* ChangeKindName(ChangeKind k);  // "insert", "update", "delete", "truncate"

struct RowChange {
  std::string schema;
  std::string table;
  ChangeKind kind = ChangeKind::kInsert;
  std::vector<std::string> columns;     // column names, in the order of the images
  std::vector<CapturedValue> before;    // update / delete: the old image (all columns or key columns)
  std::vector<CapturedValue> after;     // insert / update: the new image
  bool operator==(const RowChange&) const = default;
};

// DDL seen in the change log (MySQL family: QUERY events; PostgreSQL sends none).
struct DdlChange {
  std::string schema;       // default schema of the statement
  std::string statement;    // as the source logged it
  bool operator==(const DdlChange&) const = default;
};

// One source transaction. `position` is where to resume *after* it (a GTID
// set, "file:pos", or an LSN, as the capture defines); `commit_time_us` is the
// source commit time (microseconds since the epoch, UTC) for lag.
struct CapturedTransaction {
  std::string position;
  int64_t commit_time_us = 0;
  std::string origin;       // replication origin / server id, for loop prevention
  std::vector<RowChange> rows;
  std::vector<DdlChange> ddl;  // a DDL transaction holds one statement and no rows
  bool operator==(const CapturedTransaction&) const = default;
};

}  // namespace sluice
