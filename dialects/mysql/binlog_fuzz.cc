// libFuzzer target over binlog decoding: bytes -> events -> transactions and
// canonical values. The first input byte picks what the rest is:
//   0: an event stream (events back to back, each framed by its own size
//      field, as in a binlog file after the magic), fed to a BinlogDecoder;
//   1: a MySQL binary JSON document;
//   2: one column value: type byte, two metadata bytes, flags, then the value.
// Malformed input must end in BinlogError; anything else (a crash, a hang, a
// sanitizer report, an uncaught exception, a huge allocation) is a finding.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "dialects/mysql/binlog_decoder.h"
#include "dialects/mysql/binlog_json.h"

using sluice::CapturedTransaction;
using namespace sluice::binlog;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  uint8_t mode = data[0];
  Bytes rest(data + 1, size - 1);
  try {
    switch (mode % 3) {
      case 0: {
        DecoderOptions o;
        o.verify_checksums = (mode & 0x10) != 0;
        o.initial_checksum_alg = (mode & 0x20) ? kChecksumCrc32 : kChecksumOff;
        o.gtid_positions = (mode & 0x40) != 0;
        o.max_payload_bytes = 1 << 20;
        o.max_transaction_bytes = 64 << 20;
        BinlogDecoder decoder(o, BinlogPosition::AtFile("fuzz.000001", 4));
        std::vector<CapturedTransaction> out;
        size_t pos = 0;
        while (rest.size() - pos >= kEventHeaderSize) {
          EventHeader h = ParseEventHeader(rest.subspan(pos, kEventHeaderSize));
          if (h.event_size < kEventHeaderSize || h.event_size > rest.size() - pos) break;
          decoder.Feed(rest.subspan(pos, h.event_size), &out);
          pos += h.event_size;
          out.clear();
        }
        break;
      }
      case 1:
        MySqlJsonToText(rest);
        break;
      default: {
        if (rest.size() < 4) return 0;
        ColumnDef c;
        c.type = rest[0];
        c.meta = static_cast<uint16_t>(rest[1] | rest[2] << 8);
        c.real_type = (rest[3] & 1) ? uint8_t{kTypeEnum} : (rest[3] & 2) ? uint8_t{kTypeSet} : c.type;
        c.max_length = rest[2];
        c.is_unsigned = rest[3] & 4;
        c.collation = (rest[3] & 8) ? 63 : 8;
        c.labels = {"a", "b", "c"};
        ByteReader r(rest.subspan(4), "fuzz value");
        while (!r.empty()) {
          size_t before = r.pos();
          DecodeValue(c, r);
          if (r.pos() == before) break;  // a zero-width value (e.g. a NULL-type column)
        }
        break;
      }
    }
  } catch (const BinlogError&) {
  }
  return 0;
}
