#pragma once
// Before any data moves: is this MySQL-family source set up so that its
// binlog can carry every change to Sluice? Each problem says what is wrong
// and how to fix it; nothing is changed on the server.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "catalog/sql_connection.h"

namespace sluice::binlog {

struct BinlogProblem {
  enum class Severity { kError, kNote };
  Severity severity = Severity::kError;
  std::string check;  // short id: "log_bin", "binlog_format", "privileges", ...
  std::string what;   // what is wrong, with the values found
  std::string fix;    // how to fix it (a statement or a config line)
  bool operator==(const BinlogProblem&) const = default;
};

struct BinlogPrecheckOptions {
  uint32_t server_id = 0;  // the id the capture will register with
  // How long the full copy is expected to take: the binlog must be kept at
  // least that long (with a margin) or the changes made meanwhile are lost.
  std::chrono::seconds estimated_copy_duration{3600};
};

// Runs the checks against the connected server (the capture's own login, so
// the privilege check is about the right user). Throws DbException only when
// the server cannot be queried at all.
std::vector<BinlogProblem> CheckBinlogSource(SqlConnection& conn, const BinlogPrecheckOptions& options);

// The checks themselves, on values already read (for unit tests): variables
// by lower-case name, the text of SHOW GRANTS, server ids of registered replicas.
struct BinlogSourceFacts {
  std::string version;  // SELECT VERSION()
  std::vector<std::pair<std::string, std::string>> variables;
  std::vector<std::string> grants;
  std::vector<uint32_t> replica_server_ids;
};
std::vector<BinlogProblem> CheckBinlogFacts(const BinlogSourceFacts& facts, const BinlogPrecheckOptions& options);

}  // namespace sluice::binlog
