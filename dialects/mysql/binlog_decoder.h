#pragma once
// From binlog events to the neutral change model (runtime/change.h): one
// BinlogDecoder follows one event stream (a replication connection or a file),
// keeps the format description and the table maps, decodes row images into
// canonical value text (docs/values.md) and groups events into transactions,
// each carrying the position to resume right after it.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "dialects/mysql/binlog_event.h"
#include "dialects/mysql/binlog_position.h"
#include "runtime/change.h"

namespace sluice::binlog {

// One column value of a row image in canonical text. `data` must hold the
// value's bytes at its start; `*consumed` receives how many it used. Throws
// BinlogError for malformed bytes and for what cannot be decoded exactly
// (e.g. ENUM ordinals without the labels of binlog_row_metadata=FULL).
std::string DecodeValue(const ColumnDef& column, ByteReader& r);

// Canonical texts of the scalar encodings, exposed for tests.
std::string DecimalText(Bytes packed, int precision, int scale, size_t* consumed);
std::string DoubleText(double v);
std::string FloatText(float v);
// MySQL's in-memory packed temporal integers ((ymdhms << 24) | microseconds),
// as JSON opaque values carry them. frac_digits -1 prints a DATE.
std::string PackedDateTimeText(int64_t packed, int frac_digits);
std::string PackedTimeText(int64_t packed, int frac_digits);

struct DecoderOptions {
  bool verify_checksums = true;
  // Checksum algorithm of events that arrive before the first
  // FORMAT_DESCRIPTION (the replication stream's fake ROTATE).
  uint8_t initial_checksum_alg = kChecksumOff;
  // Rows of tables it refuses are skipped without decoding their values.
  std::function<bool(const std::string& schema, const std::string& table)> table_filter;
  size_t max_payload_bytes = size_t{1} << 30;  // TRANSACTION_PAYLOAD output cap
  // A transaction is held whole in memory (CapturedTransaction); one whose
  // decoded form would exceed this (an estimate) is refused with BinlogError.
  size_t max_transaction_bytes = size_t{4} << 30;
  bool gtid_positions = false;  // MariaDB GTID positions ("0-1-5") instead of "file:pos"
};

struct DecoderStats {
  uint64_t events = 0;
  uint64_t bytes = 0;
  uint64_t transactions = 0;
  uint64_t row_changes = 0;
};

class BinlogDecoder {
 public:
  // `start` is where the stream starts: its file name (file mode) and GTID
  // state (GTID mode) seed the positions of the transactions that follow.
  explicit BinlogDecoder(DecoderOptions options, BinlogPosition start = {});

  // Decodes one whole event (header, body and checksum if any) and appends
  // the transactions it completes to `out`. Throws BinlogError.
  void Feed(Bytes event, std::vector<CapturedTransaction>* out);

  // The transaction under way is abandoned (e.g. the connection broke).
  void ResetTransaction();

  const FormatDescription& format() const { return fd_; }
  const DecoderStats& stats() const { return stats_; }
  // Where the stream stands now: after the last completed transaction.
  const BinlogPosition& position() const { return committed_; }
  const std::string& current_file() const { return file_; }

 private:
  struct Table {
    TableMap map;
    bool included = true;
    std::vector<std::string> names;
  };

  void FeedEvent(const Event& e, uint32_t end_pos, std::vector<CapturedTransaction>* out);
  void OnQuery(const Event& e, uint32_t end_pos, std::vector<CapturedTransaction>* out);
  void OnRows(const Event& e);
  void OnPayload(const Event& e, std::vector<CapturedTransaction>* out);
  void Begin(const EventHeader& h);
  void Commit(const EventHeader& h, uint32_t end_pos, std::vector<CapturedTransaction>* out);

  DecoderOptions options_;
  FormatDescription fd_;
  bool have_fd_ = false;
  std::string file_;
  BinlogPosition committed_;
  DecoderStats stats_;
  std::unordered_map<uint64_t, std::shared_ptr<Table>> tables_;

  // The transaction under way.
  bool active_ = false;
  bool standalone_ = false;  // MariaDB GTID without a COMMIT: one statement
  bool have_gtid_ = false;
  MariaGtid gtid_;
  uint64_t commit_us_ = 0;
  size_t txn_bytes_ = 0;  // estimated memory of txn_
  CapturedTransaction txn_;
  std::vector<uint8_t> scratch_;
};

}  // namespace sluice::binlog
