#pragma once
// Prechecks for logical replication capture from PostgreSQL, run on a normal
// connection before any data moves. Each problem says what is wrong and the
// exact statement or setting that fixes it.
//
// A table without a usable replica identity (no primary key and REPLICA
// IDENTITY DEFAULT, or NOTHING) is always an error, even when the plan gives
// it a key (objects[].key) or a hidden key on the target: once such a table
// is in a publication, PostgreSQL refuses the application's own UPDATEs and
// DELETEs on it. The fix is on the source (REPLICA IDENTITY FULL or USING
// INDEX); the plan's key then only serves the target.

#include <string>
#include <vector>

#include "catalog/sql_connection.h"
#include "dialects/postgresql/pg_replication_connection.h"

namespace sluice {

struct PgCaptureProblem {
  std::string check;   // stable id: "wal_level", "replication_slots", "wal_senders",
                       // "replication_role", "publication_privilege", "table_missing",
                       // "table_owner", "replica_identity"
  std::string object;  // the table ("public.t") or setting concerned; may be empty
  std::string what;    // what is wrong
  std::string fix;     // the exact fix
};

struct PgCapturePrecheckOptions {
  int slots_needed = 1;        // replication slots Sluice will create
  int wal_senders_needed = 1;  // replication connections Sluice will open
};

// All problems found (empty: capture can start). Throws DbException only when
// the checks themselves cannot run.
std::vector<PgCaptureProblem> PrecheckLogicalCapture(SqlConnection& sql, const std::vector<PgTableName>& tables,
                                                     const PgCapturePrecheckOptions& options = {});

}  // namespace sluice
