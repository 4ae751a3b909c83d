// binlog_drain: reads a MariaDB binlog over the replication protocol with
// Sluice's BinlogClient (the reader incremental sync uses), decodes every row
// of one schema into CapturedTransaction values, applies nothing, and prints
// the decode rate. bench/cdc/run.sh compares it with
// `mariadb-binlog --read-from-remote-server -v` on the same binlog.
//
//   binlog_drain DSN START_GTID END_GTID [SCHEMA] [TIMEOUT_SECONDS]
//
// It stops at the first transaction whose GTID reaches END_GTID in every
// domain END_GTID names. The clock runs from before the connection to that
// transaction, as mariadb-binlog's does from process start to exit. Output,
// one line: "rows N transactions T bytes B seconds S rows_per_second R".
// The password, if any, comes from the environment variable MYSQL_PWD.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "common/dsn.h"
#include "dialects/mysql/binlog_client.h"
#include "dialects/mysql/binlog_position.h"

namespace {

// Whether `position` (a GTID list) has reached `end` in every domain of `end`.
bool Reached(const std::string& position, const std::vector<sluice::binlog::MariaGtid>& end) {
  auto have = sluice::binlog::ParseGtidList(position);
  if (!have) return false;
  for (const auto& e : end) {
    bool ok = false;
    for (const auto& h : *have) {
      if (h.domain_id == e.domain_id && h.seq_no >= e.seq_no) ok = true;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s DSN START_GTID END_GTID [SCHEMA] [TIMEOUT_SECONDS]\n", argv[0]);
    return 2;
  }
  sluice::DsnParse dsn = sluice::ParseDsn(argv[1]);
  auto end = sluice::binlog::ParseGtidList(argv[3]);
  if (!dsn.ok || !end || end->empty()) {
    std::fprintf(stderr, "binlog_drain: %s\n", !dsn.ok ? dsn.error.c_str() : "END_GTID must look like 0-1-42");
    return 2;
  }
  std::string schema = argc > 4 ? argv[4] : "";
  int timeout = argc > 5 ? std::atoi(argv[5]) : 600;

  sluice::binlog::BinlogClientOptions o;
  o.connection.dsn = dsn.dsn;
  if (const char* pw = std::getenv("MYSQL_PWD")) o.connection.password = pw;
  // Distinct from the servers' ids and from any replica the bench runs.
  o.server_id = 4000000000u + static_cast<uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
  o.start_position = argv[2];
  o.table_filter = [schema](const std::string& s, const std::string&) { return schema.empty() || s == schema; };

  uint64_t rows = 0, txns = 0;
  auto t0 = std::chrono::steady_clock::now();
  auto deadline = t0 + std::chrono::seconds(timeout);
  try {
    sluice::binlog::BinlogClient client(o);
    bool done = false;
    while (!done) {
      if (std::chrono::steady_clock::now() > deadline) {
        std::fprintf(stderr, "binlog_drain: timed out after %d s at %s (%llu rows)\n", timeout,
                     client.position().c_str(), static_cast<unsigned long long>(rows));
        return 1;
      }
      auto txn = client.Next(std::chrono::milliseconds(1000));
      if (!txn) continue;
      ++txns;
      rows += txn->rows.size();
      done = Reached(txn->position, *end);
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("rows %llu transactions %llu bytes %llu seconds %.3f rows_per_second %.0f\n",
                static_cast<unsigned long long>(rows), static_cast<unsigned long long>(txns),
                static_cast<unsigned long long>(client.stats().bytes), s, static_cast<double>(rows) / s);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "binlog_drain: %s\n", e.what());
    return 1;
  }
}
