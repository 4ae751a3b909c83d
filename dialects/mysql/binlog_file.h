#pragma once
// Binlog files on disk: splitting one into events, and decoding a whole file
// through BinlogDecoder with a throughput report (the decode benchmark that
// bench/cdc compares with `mariadb-binlog -v`).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dialects/mysql/binlog_decoder.h"

namespace sluice::binlog {

// The events of a binlog file image (the 4-byte magic, then events), each as
// its raw bytes. Throws BinlogError when the image is not a binlog or an
// event's size runs past the end.
std::vector<Bytes> SplitBinlogFile(Bytes image);

std::string ReadWholeFile(const std::string& path);  // throws std::runtime_error

struct DecodeRate {
  uint64_t events = 0;
  uint64_t bytes = 0;
  uint64_t transactions = 0;
  uint64_t row_changes = 0;
  double seconds = 0;  // decoding only: the file is read into memory first
  double EventsPerSecond() const { return seconds > 0 ? events / seconds : 0; }
  double MegabytesPerSecond() const { return seconds > 0 ? bytes / seconds / 1e6 : 0; }
  std::string Summary() const;  // "12345 events, 3.2 MB, 0.05 s: 246900 events/s, 64.0 MB/s"
};

// Decodes every event of the binlog file at `path`, handing each completed
// transaction to `on_transaction` (may be empty). The file's name seeds the
// "file:pos" positions. Throws BinlogError / std::runtime_error.
DecodeRate DecodeBinlogFile(const std::string& path, DecoderOptions options,
                            const std::function<void(CapturedTransaction&&)>& on_transaction = {});

}  // namespace sluice::binlog
