#pragma once
// A place in a MySQL-family binary log, in the text form CapturedTransaction
// carries: "mariadb-bin.000003:4567" (file and offset, any server) or a
// MariaDB GTID state "0-1-123,1-2-7" (one domain-server-seq per domain; ""
// is the empty state, i.e. the start of the oldest binlog).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialects/mysql/binlog_event.h"

namespace sluice::binlog {

struct BinlogPosition {
  bool gtid_mode = false;
  std::string file;   // file mode
  uint64_t offset = 4;
  std::vector<MariaGtid> gtids;  // GTID mode, one per domain, sorted by domain

  static BinlogPosition AtFile(std::string file, uint64_t offset);
  static BinlogPosition AtGtids(std::vector<MariaGtid> gtids);
  // Parses either form; nullopt with `error` set when it is neither.
  static std::optional<BinlogPosition> Parse(std::string_view text, std::string* error);
  std::string ToString() const;
  // GTID mode: record `g` as the latest of its domain.
  void Advance(const MariaGtid& g);
  bool operator==(const BinlogPosition&) const = default;
};

// "0-1-123" lists as MariaDB prints them (@@gtid_binlog_pos).
std::optional<std::vector<MariaGtid>> ParseGtidList(std::string_view text);
std::string GtidListText(const std::vector<MariaGtid>& gtids);

}  // namespace sluice::binlog
