#pragma once
// Helpers shared by the logical replication integration tests.

#include <chrono>
#include <string>
#include <vector>

#include "dialects/postgresql/pg_replication_connection.h"
#include "tests/integration/test_connection.h"

namespace sluice::pgtest {

inline ConnectionConfig SourceConfig(const std::string& database) {
  return testing::AdminConnectionConfig(testing::TestServersFromEnv().postgres, "postgresql", database);
}

inline PgReplicationConfig StreamConfig(const std::string& database, const std::string& slot,
                                        const std::string& publication) {
  PgReplicationConfig c;
  c.source = SourceConfig(database);
  c.slot_name = slot;
  c.publication_name = publication;
  c.backoff_initial = std::chrono::milliseconds(100);
  c.backoff_max = std::chrono::milliseconds(2000);
  c.reconnect_attempts = 40;
  c.status_interval = std::chrono::milliseconds(500);
  return c;
}

struct Collected {
  std::vector<PgCaptureEvent> transactions;  // with rows only (empty ones are dropped)
  std::vector<PgCaptureEvent> drifts;
  std::vector<PgCaptureEvent> heartbeats;
};

// Polls until `transactions` non-empty transactions (and, when asked, a
// heartbeat at or after `heartbeat_lsn`) arrived, or the timeout.
inline Collected Collect(PgReplicationStream& stream, size_t transactions, uint64_t heartbeat_lsn = 0,
                         std::chrono::seconds timeout = std::chrono::seconds(60)) {
  Collected out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto done = [&] {
    if (out.transactions.size() < transactions) return false;
    if (heartbeat_lsn == 0) return true;
    for (const auto& h : out.heartbeats) {
      if (h.lsn >= heartbeat_lsn) return true;
    }
    return false;
  };
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    for (PgCaptureEvent& e : stream.Poll(std::chrono::milliseconds(200))) {
      switch (e.kind) {
        case PgCaptureEvent::Kind::kTransaction:
          if (!e.transaction.rows.empty()) out.transactions.push_back(std::move(e));
          break;
        case PgCaptureEvent::Kind::kSchemaDrift: out.drifts.push_back(std::move(e)); break;
        case PgCaptureEvent::Kind::kHeartbeat: out.heartbeats.push_back(std::move(e)); break;
      }
    }
  }
  return out;
}

inline CapturedValue V(std::string s) { return CapturedValue::Of(std::move(s)); }
inline CapturedValue Missing() { return CapturedValue{CapturedValue::Kind::kMissing, {}}; }
inline CapturedValue Unchanged() { return CapturedValue{CapturedValue::Kind::kUnchanged, {}}; }

}  // namespace sluice::pgtest
