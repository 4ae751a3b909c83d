#pragma once
// Where incremental sync reads changes from: the source's change log as a
// stream of CapturedTransaction in commit order (runtime/change.h), whatever
// the engine. A MySQL-family source is read over the binlog protocol, a
// PostgreSQL source from its logical replication slot.
//
// Positions are opaque text to everything but this file: "file:offset" or a
// MariaDB GTID list ("0-1-42,1-2-7") for binlogs, an LSN ("0/16B3748") for
// PostgreSQL. PositionReached orders them.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "runtime/change.h"
#include "runtime/endpoints.h"

namespace sluice {

class PgReplicationStream;

class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;
  // The next transaction within `timeout`, or nullopt. A transaction with
  // neither rows nor DDL only moves the position (a heartbeat, a transaction
  // on tables outside the plan): applying it means remembering its position.
  virtual std::optional<CapturedTransaction> Next(std::chrono::milliseconds timeout) = 0;
  // The target has committed everything up to and including `position`.
  // PostgreSQL: lets the slot release WAL. Binlogs: nothing to do.
  virtual void Confirm(const std::string& position) = 0;
  // Bytes of change-log data received so far (for KB/s).
  virtual uint64_t bytes_received() const = 0;
};

// Whether position `a` is at or after `b` (same source). An empty `b` is the
// beginning; an empty `a` has reached only that. Throws std::invalid_argument
// when the two are of different or unknown kinds.
bool PositionReached(const std::string& a, const std::string& b);

// Where the source's change log stands now, in the form the feed's
// positions take: @@gtid_binlog_pos on MariaDB, "file:offset" on other
// MySQL-family servers, pg_current_wal_lsn() on PostgreSQL.
std::string CurrentSourcePosition(const Endpoints& endpoints);

// How far the source's log is ahead of `applied`: transactions (MariaDB
// GTIDs), bytes (PostgreSQL WAL, or one binlog file), or nullopt when it
// cannot be told (binlog positions in different files).
struct Backlog {
  int64_t amount = 0;
  const char* unit = "transactions";
};
std::optional<Backlog> SourceBacklog(SqlConnection& source, Dialect dialect, const std::string& applied);

struct BinlogFeedOptions {
  uint32_t server_id = 0;
  std::string start;  // position to resume after
  // Which source tables' rows to decode; asked on the thread calling Next(),
  // again whenever a table is (re)mapped, so DDL during sync can change it.
  std::function<bool(const std::string& schema, const std::string& table)> tables;
};
std::unique_ptr<ChangeFeed> MakeBinlogFeed(const RunPlan& plan, const Endpoints& endpoints, BinlogFeedOptions options);

struct PgFeedOptions {
  std::string slot;
  std::string publication;
  std::string start;  // LSN to resume after ("" : the slot's confirmed position)
  std::chrono::milliseconds heartbeat{10000};
  int64_t retained_warn_bytes = int64_t{1} << 30;
  // A stream created at capture.start that still holds the exported snapshot
  // (the copy read through it); taken over instead of opening a new one.
  std::unique_ptr<PgReplicationStream> stream;
};
std::unique_ptr<ChangeFeed> MakePgFeed(const RunPlan& plan, const Endpoints& endpoints, PgFeedOptions options);

}  // namespace sluice
