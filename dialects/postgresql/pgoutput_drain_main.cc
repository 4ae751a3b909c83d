// pgoutput_drain: drains a logical replication slot with Sluice's decoder and
// prints the decode rate. For bench/cdc_pg, which runs pg_recvlogical on a
// twin slot and prints the ratio.
//
//   pgoutput_drain DSN SLOT PUBLICATION END_LSN [TIMEOUT_SECONDS] [--no-confirm] [--coalesce-us N]
//
// --coalesce-us sets PgReplicationConfig::read_coalesce (0: read as soon as
// a message arrives, as pg_recvlogical does).
//
// The password, if any, comes from the environment variable PGPASSWORD.

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/dsn.h"
#include "dialects/postgresql/pg_replication_drain.h"

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s DSN SLOT PUBLICATION END_LSN [TIMEOUT_SECONDS] [--no-confirm] [--coalesce-us N]\n",
                 argv[0]);
    return 2;
  }
  sluice::DsnParse dsn = sluice::ParseDsn(argv[1]);
  std::optional<uint64_t> end = sluice::ParseLsn(argv[4]);
  if (!dsn.ok || !end) {
    std::fprintf(stderr, "pgoutput_drain: %s\n", !dsn.ok ? dsn.error.c_str() : "END_LSN must look like 0/16B3748");
    return 2;
  }
  int timeout = 600;
  bool confirm = true;
  sluice::PgReplicationConfig config;
  for (int i = 5; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-confirm") == 0) {
      confirm = false;
    } else if (std::strcmp(argv[i], "--coalesce-us") == 0 && i + 1 < argc) {
      config.read_coalesce = std::chrono::microseconds(std::atol(argv[++i]));
    } else {
      timeout = std::atoi(argv[i]);
    }
  }
  config.source.dsn = dsn.dsn;
  if (const char* pw = std::getenv("PGPASSWORD")) config.source.password = pw;
  config.slot_name = argv[2];
  config.publication_name = argv[3];
  try {
    sluice::PgDrainResult r = sluice::DrainSlot(config, *end, std::chrono::seconds(timeout), confirm);
    std::printf("%s\n", sluice::FormatDrainResult(r).c_str());
    return r.reached_end ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pgoutput_drain: %s\n", e.what());
    return 1;
  }
}
