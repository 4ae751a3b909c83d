// libFuzzer target: a session of replication messages through one decoder.
//
// Input: records of [u16 big-endian length][bytes]. Each record is first
// parsed as a CopyData envelope (XLogData / keepalive) and, whatever that
// says, also fed to the pgoutput decoder as a message, so the decoder's state
// (relations, open transactions, streams) builds up across records. A tiny
// stream memory limit makes streamed transactions spill to files. The only
// acceptable failure is PgOutputError; the decoder is Reset() after it, as the
// replication stream does after a reconnect.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "dialects/postgresql/pgoutput_decoder.h"

namespace {

// Domains over a few base types, picked by OID, to reach the resolved paths.
class FuzzResolver : public sluice::PgTypeResolver {
 public:
  std::optional<sluice::PgBaseType> BaseType(uint32_t oid) override {
    static constexpr uint32_t kBases[] = {16, 17, 700, 701, 1083, 1114, 1184, 1560, 0};
    uint32_t base = kBases[oid % 9];
    if (base == 0) return std::nullopt;
    return sluice::PgBaseType{base, static_cast<int32_t>(oid % 8) - 1};
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  FuzzResolver resolver;
  sluice::PgOutputDecoderOptions options;
  options.stream_memory_limit = 512;
  sluice::PgOutputDecoder decoder(options, &resolver);
  std::vector<sluice::PgCaptureEvent> events;
  size_t pos = 0;
  uint64_t lsn = 0;
  while (pos + 2 <= in.size()) {
    size_t len = static_cast<unsigned char>(in[pos]) << 8 | static_cast<unsigned char>(in[pos + 1]);
    pos += 2;
    std::string_view msg = in.substr(pos, len);
    pos += msg.size();
    try {
      sluice::ParseWalMessage(msg);
    } catch (const sluice::PgOutputError&) {
    }
    try {
      decoder.Decode(msg, ++lsn, events);
    } catch (const sluice::PgOutputError&) {
      decoder.Reset();
    }
    if (events.size() > 64) events.clear();
  }
  return 0;
}
