#include "dialects/mysql/binlog_file.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sluice::binlog {

std::vector<Bytes> SplitBinlogFile(Bytes image) {
  static const uint8_t kMagic[4] = {0xfe, 'b', 'i', 'n'};
  if (image.size() < 4 || std::memcmp(image.data(), kMagic, 4) != 0) throw BinlogError("not a binlog file (bad magic)");
  std::vector<Bytes> events;
  size_t pos = 4;
  while (pos < image.size()) {
    if (image.size() - pos < kEventHeaderSize) throw BinlogError("binlog file ends inside an event header");
    EventHeader h = ParseEventHeader(image.subspan(pos, kEventHeaderSize));
    if (h.event_size < kEventHeaderSize || h.event_size > image.size() - pos) {
      throw BinlogError("binlog event at offset " + std::to_string(pos) + " runs past the end of the file");
    }
    events.push_back(image.subspan(pos, h.event_size));
    pos += h.event_size;
  }
  return events;
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string DecodeRate::Summary() const {
  char buf[200];
  std::snprintf(buf, sizeof buf, "%llu events, %.1f MB, %llu transactions, %llu row changes, %.3f s: %.0f events/s, %.1f MB/s",
                static_cast<unsigned long long>(events), bytes / 1e6, static_cast<unsigned long long>(transactions),
                static_cast<unsigned long long>(row_changes), seconds, EventsPerSecond(), MegabytesPerSecond());
  return buf;
}

DecodeRate DecodeBinlogFile(const std::string& path, DecoderOptions options,
                            const std::function<void(CapturedTransaction&&)>& on_transaction) {
  std::string image = ReadWholeFile(path);
  std::string name = path.substr(path.find_last_of('/') + 1);
  options.gtid_positions = false;
  BinlogDecoder decoder(std::move(options), BinlogPosition::AtFile(name, 4));
  auto start = std::chrono::steady_clock::now();
  std::vector<CapturedTransaction> out;
  for (Bytes e : SplitBinlogFile(Bytes(reinterpret_cast<const uint8_t*>(image.data()), image.size()))) {
    decoder.Feed(e, &out);
    if (!out.empty()) {
      if (on_transaction) {
        for (auto& t : out) on_transaction(std::move(t));
      }
      out.clear();
    }
  }
  DecodeRate rate;
  rate.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rate.events = decoder.stats().events;
  rate.bytes = decoder.stats().bytes;
  rate.transactions = decoder.stats().transactions;
  rate.row_changes = decoder.stats().row_changes;
  return rate;
}

}  // namespace sluice::binlog
