#pragma once
// Decode rate of a slot: streams it through PgReplicationStream and the
// pgoutput decoder up to a WAL position and reports the throughput, so
// bench/cdc_pg can compare Sluice's decoding with pg_recvlogical draining an
// identical slot (two slots created at the same point, one per reader).

#include <chrono>
#include <cstdint>
#include <string>

#include "dialects/postgresql/pg_replication_connection.h"

namespace sluice {

struct PgDrainResult {
  uint64_t bytes = 0;         // pgoutput payload bytes received
  uint64_t messages = 0;
  uint64_t transactions = 0;
  uint64_t rows = 0;
  double seconds = 0;         // from START_REPLICATION to reaching end_lsn
  bool reached_end = false;   // false: stopped by the timeout
  uint64_t last_lsn = 0;      // the highest position delivered
};

// Streams `config`'s slot from its confirmed position until the server has
// processed WAL up to `end_lsn` (e.g. pg_current_wal_lsn() after the load), or
// `timeout`. With `confirm`, confirms every transaction as it is decoded (what
// pg_recvlogical does), so the slot is consumed.
PgDrainResult DrainSlot(const PgReplicationConfig& config, uint64_t end_lsn, std::chrono::milliseconds timeout,
                        bool confirm);

// One line: "12345 rows in 678 transactions, 9.9 MB in 1.234 s: 10004 rows/s, 8.0 MB/s"
std::string FormatDrainResult(const PgDrainResult& r);

}  // namespace sluice
