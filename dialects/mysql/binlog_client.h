#pragma once
// Reading a MySQL-family server's binary log over the replication protocol,
// as a replica would: register with a server id, ask for the stream from a
// position (MariaDB GTID state, or file:offset on any server), verify event
// checksums, decode into transactions (BinlogDecoder), and survive lost
// connections by reconnecting with exponential backoff from the position
// after the last transaction decoded, so nothing is lost or repeated.
//
//   BinlogClient client(options);              // no connection yet
//   while (running) {
//     if (auto txn = client.Next(500ms)) Apply(*txn);   // txn->position resumes after it
//   }
//
// Next() runs on the caller's thread; a reader thread owns the connection and
// hands raw events over through a queue bounded in bytes.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "catalog/sql_connection.h"
#include "dialects/mysql/binlog_decoder.h"
#include "dialects/mysql/binlog_position.h"
#include "runtime/change.h"

namespace sluice::binlog {

struct BinlogClientOptions {
  ConnectionConfig connection;
  // Unique among the source's replicas (CheckBinlogSource verifies it); not 0.
  uint32_t server_id = 0;
  // Where to start: "file:offset" or a MariaDB GTID list (see BinlogPosition).
  std::string start_position;
  // The server sends a heartbeat after this much idle time, so a dead
  // connection is noticed within a few periods.
  std::chrono::milliseconds heartbeat{1000};
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{30000};
  int max_consecutive_failures = 12;  // reconnect attempts before Next() throws
  bool verify_checksums = true;
  size_t queue_bytes = size_t{64} << 20;  // raw events buffered ahead of Next()
  std::function<bool(const std::string& schema, const std::string& table)> table_filter;
};

class BinlogClient {
 public:
  // Validates the options (throws std::invalid_argument); does not connect.
  explicit BinlogClient(BinlogClientOptions options);
  ~BinlogClient();
  BinlogClient(const BinlogClient&) = delete;
  BinlogClient& operator=(const BinlogClient&) = delete;

  // The next complete transaction, or nullopt when none arrived within
  // `timeout`. Connects and reconnects as needed. Throws DbException for
  // errors that retrying cannot fix (access denied, binlog purged, GTID not
  // found) or after max_consecutive_failures, and BinlogError for events it
  // cannot decode.
  std::optional<CapturedTransaction> Next(std::chrono::milliseconds timeout);

  // Stops the reader thread and closes the connection. Next() reconnects.
  void Close();

  // The position after the last transaction Next() returned (the start
  // position before the first).
  std::string position() const { return delivered_position_; }

  struct Stats {
    uint64_t connects = 0;  // successful connections, the first included
    uint64_t events = 0;
    uint64_t bytes = 0;
    uint64_t transactions = 0;
  };
  Stats stats() const;
  // The server's id for the current replication connection (0 if none); tests KILL it.
  uint64_t connection_id() const { return connection_id_.load(); }

 private:
  struct Shared;
  void StartReader();
  void StopReader();
  void HandleReaderFailure(const DbError& error);

  BinlogClientOptions options_;
  std::string delivered_position_;
  BinlogPosition resume_;
  std::unique_ptr<BinlogDecoder> decoder_;
  std::deque<std::string> taken_;  // events taken from the reader's queue, not yet decoded
  uint8_t checksum_alg_ = 0;       // the stream's, as the reader learned it
  std::deque<CapturedTransaction> ready_;
  std::shared_ptr<Shared> shared_;
  std::thread reader_;
  bool reader_started_ = false;
  int failures_ = 0;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::atomic<uint64_t> connection_id_{0};
  uint64_t connects_ = 0;
};

// Where the server's binlog stands now: SHOW MASTER STATUS, and on MariaDB
// @@gtid_binlog_pos.
struct ServerBinlogPosition {
  std::string file;
  uint64_t offset = 0;
  std::string gtid;  // MariaDB GTID list ("" when none or not MariaDB)
  std::string FilePosition() const { return file + ":" + std::to_string(offset); }
};
ServerBinlogPosition ReadServerBinlogPosition(SqlConnection& conn);

// MariaDB: starts a consistent-snapshot transaction on `conn` and returns the
// binlog position it corresponds to (binlog_snapshot_file/position, and the
// GTID state there via BINLOG_GTID_POS). Read the full copy through `conn`
// inside this transaction; changes after the position come from the binlog.
ServerBinlogPosition StartConsistentSnapshot(SqlConnection& conn);

}  // namespace sluice::binlog
