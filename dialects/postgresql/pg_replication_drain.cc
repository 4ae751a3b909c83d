// DrainSlot: Poll until the stream's received position passes end_lsn. The
// timer starts before START_REPLICATION, as pg_recvlogical's does when timed
// from the shell, so the two rates compare like for like.

#include "dialects/postgresql/pg_replication_drain.h"

#include <cstdio>

namespace sluice {

PgDrainResult DrainSlot(const PgReplicationConfig& config, uint64_t end_lsn, std::chrono::milliseconds timeout,
                        bool confirm) {
  using Clock = std::chrono::steady_clock;
  PgDrainResult r;
  auto start = Clock::now();
  auto deadline = start + timeout;
  PgReplicationStream stream(config);
  stream.Start(0);
  while (Clock::now() < deadline) {
    for (const PgCaptureEvent& e : stream.Poll(std::chrono::milliseconds(200))) {
      r.last_lsn = std::max(r.last_lsn, e.lsn);
      if (confirm && e.kind != PgCaptureEvent::Kind::kSchemaDrift) stream.Confirm(e.lsn);
    }
    if (stream.received() >= end_lsn || stream.delivered() >= end_lsn) {
      r.reached_end = true;
      break;
    }
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.bytes = stream.stats().bytes;
  r.messages = stream.stats().messages;
  r.transactions = stream.stats().transactions;
  r.rows = stream.stats().rows;
  stream.Stop();
  return r;
}

std::string FormatDrainResult(const PgDrainResult& r) {
  double s = r.seconds > 0 ? r.seconds : 1e-9;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%llu rows in %llu transactions, %.1f MB in %.3f s: %.0f rows/s, %.1f MB/s%s",
                static_cast<unsigned long long>(r.rows), static_cast<unsigned long long>(r.transactions),
                static_cast<double>(r.bytes) / 1e6, r.seconds, static_cast<double>(r.rows) / s,
                static_cast<double>(r.bytes) / 1e6 / s, r.reached_end ? "" : " (timed out before the end position)");
  return buf;
}

}  // namespace sluice
