#pragma once
// MySQL's binary JSON (the storage and binlog form of JSON columns) to JSON
// text, printed the way MySQL prints it: `{"a": 1, "b": [true, null]}`.
// MariaDB stores JSON as LONGTEXT, so its binlog carries text and never
// reaches this converter.

#include <string>

#include "dialects/mysql/binlog_event.h"

namespace sluice::binlog {

// Throws BinlogError on malformed input. Output is capped (hostile documents
// can share sub-values and would otherwise expand exponentially). An empty
// input is JSON null, as MySQL logs it.
std::string MySqlJsonToText(Bytes data);

}  // namespace sluice::binlog
