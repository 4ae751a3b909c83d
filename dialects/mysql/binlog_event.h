#pragma once
// The MySQL-family binary log, event by event: the common header, checksums,
// and the bodies of the events change capture needs (format description,
// rotate, query, XID, MariaDB and MySQL GTIDs, table maps with their optional
// metadata, row events v1/v2, MySQL 8 transaction payloads). Parsing never
// trusts a length: every read is bounds-checked and a malformed event throws
// BinlogError, which ends the decoding of that stream.

#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::binlog {

using Bytes = std::span<const uint8_t>;

// Event type codes (MySQL's and MariaDB's log_event.h numbering).
enum EventType : uint8_t {
  kUnknownEvent = 0,
  kQueryEvent = 2,
  kStopEvent = 3,
  kRotateEvent = 4,
  kIntvarEvent = 5,
  kRandEvent = 13,
  kUserVarEvent = 14,
  kFormatDescriptionEvent = 15,
  kXidEvent = 16,
  kTableMapEvent = 19,
  kWriteRowsEventV1 = 23,
  kUpdateRowsEventV1 = 24,
  kDeleteRowsEventV1 = 25,
  kIncidentEvent = 26,
  kHeartbeatEvent = 27,
  kIgnorableEvent = 28,
  kRowsQueryEvent = 29,
  kWriteRowsEventV2 = 30,
  kUpdateRowsEventV2 = 31,
  kDeleteRowsEventV2 = 32,
  kGtidEvent = 33,
  kAnonymousGtidEvent = 34,
  kPreviousGtidsEvent = 35,
  kTransactionContextEvent = 36,
  kViewChangeEvent = 37,
  kXaPrepareEvent = 38,
  kPartialUpdateRowsEvent = 39,
  kTransactionPayloadEvent = 40,
  kHeartbeatEventV2 = 41,
  kAnnotateRowsEvent = 160,
  kBinlogCheckpointEvent = 161,
  kMariaGtidEvent = 162,
  kMariaGtidListEvent = 163,
  kStartEncryptionEvent = 164,
  kQueryCompressedEvent = 165,
  kWriteRowsCompressedEventV1 = 166,
  kUpdateRowsCompressedEventV1 = 167,
  kDeleteRowsCompressedEventV1 = 168,
  kWriteRowsCompressedEvent = 169,
  kUpdateRowsCompressedEvent = 170,
  kDeleteRowsCompressedEvent = 171,
};
const char* EventTypeName(uint8_t type);  // "WRITE_ROWS_V1", or "UNKNOWN(200)"

// Column type codes as the binlog carries them (enum_field_types).
enum ColumnType : uint8_t {
  kTypeDecimal = 0,
  kTypeTiny = 1,
  kTypeShort = 2,
  kTypeLong = 3,
  kTypeFloat = 4,
  kTypeDouble = 5,
  kTypeNull = 6,
  kTypeTimestamp = 7,
  kTypeLongLong = 8,
  kTypeInt24 = 9,
  kTypeDate = 10,
  kTypeTime = 11,
  kTypeDateTime = 12,
  kTypeYear = 13,
  kTypeNewDate = 14,
  kTypeVarchar = 15,
  kTypeBit = 16,
  kTypeTimestamp2 = 17,
  kTypeDateTime2 = 18,
  kTypeTime2 = 19,
  kTypeJson = 245,
  kTypeNewDecimal = 246,
  kTypeEnum = 247,
  kTypeSet = 248,
  kTypeTinyBlob = 249,
  kTypeMediumBlob = 250,
  kTypeLongBlob = 251,
  kTypeBlob = 252,
  kTypeVarString = 253,
  kTypeString = 254,
  kTypeGeometry = 255,
};

// Malformed or unsupported binlog content. Ends the decoding of the stream.
class BinlogError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bounds-checked little-endian reader over a byte span. Every read past the
// end throws BinlogError naming `what`.
class ByteReader {
 public:
  explicit ByteReader(Bytes data, const char* what = "event") : data_(data), what_(what) {}

  size_t pos() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return pos_ >= data_.size(); }

  uint8_t U8() { Need(1); return data_[pos_++]; }
  uint16_t U16() { return static_cast<uint16_t>(Uint(2)); }
  uint32_t U24() { return static_cast<uint32_t>(Uint(3)); }
  uint32_t U32() { return static_cast<uint32_t>(Uint(4)); }
  uint64_t U48() { return Uint(6); }
  uint64_t U64() { return Uint(8); }
  uint64_t Uint(size_t n);           // n in 1..8, little-endian
  uint64_t UintBigEndian(size_t n);  // n in 1..8
  // MySQL's length-encoded integer (0xfb is NULL in result sets; here it is an error).
  uint64_t PackedInt();
  Bytes Take(size_t n);
  std::string_view TakeString(size_t n);
  std::string_view Rest() { return TakeString(remaining()); }
  Bytes RestBytes() { return Take(remaining()); }
  Bytes PeekRest() const { return data_.subspan(pos_); }
  void Skip(size_t n) { Take(n); }
  // A length-encoded count that sizes something: refused when it exceeds what
  // the remaining bytes could possibly hold at `min_bytes_each`.
  uint64_t PackedCount(size_t min_bytes_each);

 private:
  void Need(size_t n) const;
  Bytes data_;
  size_t pos_ = 0;
  const char* what_;
};

// CRC-32 (ISO-HDLC, as zlib and the binlog use).
uint32_t Crc32(Bytes data);

constexpr size_t kEventHeaderSize = 19;
constexpr size_t kChecksumSize = 4;
constexpr uint16_t kLogEventArtificialFlag = 0x20;
constexpr uint8_t kChecksumOff = 0;
constexpr uint8_t kChecksumCrc32 = 1;

struct EventHeader {
  uint32_t timestamp = 0;
  uint8_t type = 0;
  uint32_t server_id = 0;
  uint32_t event_size = 0;
  uint32_t log_pos = 0;  // end of this event in its file; 0 for artificial events
  uint16_t flags = 0;
};

EventHeader ParseEventHeader(Bytes event);

// One event split into header and body. The body excludes the checksum.
struct Event {
  EventHeader header;
  Bytes body;
};

struct FormatDescription {
  uint16_t binlog_version = 4;
  std::string server_version;
  uint32_t create_timestamp = 0;
  uint8_t header_length = kEventHeaderSize;
  std::vector<uint8_t> post_header_lengths;  // index type-1
  uint8_t checksum_alg = kChecksumOff;

  // Post-header length for an event type, or `fallback` when the FDE has no entry.
  uint8_t PostHeaderLength(uint8_t type, uint8_t fallback) const;
  bool IsMariaDb() const { return server_version.find("MariaDB") != std::string::npos; }
};

// `event` is a whole FORMAT_DESCRIPTION event (header included); its own
// checksum, when the algorithm says there is one, is verified here.
FormatDescription ParseFormatDescription(Bytes event, bool verify_checksum);

// Splits `event` (header + body + optional checksum) after checking its size
// field and, when `checksum_alg` is CRC32 and `verify` is set, its checksum.
Event SplitEvent(Bytes event, uint8_t checksum_alg, bool verify);

struct RotateEvent {
  uint64_t position = 4;
  std::string next_file;
};
RotateEvent ParseRotate(const Event& e, const FormatDescription& fd);

struct QueryEvent {
  uint32_t thread_id = 0;
  uint32_t exec_time = 0;
  uint16_t error_code = 0;
  std::string schema;
  std::string query;
};
QueryEvent ParseQuery(const Event& e, const FormatDescription& fd);

struct MariaGtid {
  uint32_t domain_id = 0;
  uint32_t server_id = 0;
  uint64_t seq_no = 0;
  bool operator==(const MariaGtid&) const = default;
};

// MariaDB GTID_EVENT flags.
constexpr uint8_t kMariaGtidStandalone = 0x01;
constexpr uint8_t kMariaGtidGroupCommitId = 0x02;
constexpr uint8_t kMariaGtidPreparedXa = 0x40;
constexpr uint8_t kMariaGtidCompletedXa = 0x80;

struct MariaGtidEvent {
  MariaGtid gtid;
  uint8_t flags = 0;
  uint64_t commit_id = 0;
};
MariaGtidEvent ParseMariaGtid(const Event& e);
std::vector<MariaGtid> ParseMariaGtidList(const Event& e);

struct MySqlGtidEvent {
  bool anonymous = false;
  uint8_t flags = 0;
  std::array<uint8_t, 16> sid{};
  int64_t gno = 0;
  int64_t last_committed = 0;
  int64_t sequence_number = 0;
  uint64_t immediate_commit_us = 0;  // 0 when the event predates 8.0.1
  uint64_t original_commit_us = 0;
  std::string Text() const;  // "3e11fa47-71ca-11e1-9e33-c80aa9429562:23"
};
MySqlGtidEvent ParseMySqlGtid(const Event& e);

uint64_t ParseXid(const Event& e);

// The column metadata of a TABLE_MAP event, with what binlog_row_metadata=FULL adds.
struct ColumnDef {
  uint8_t type = 0;       // as logged (STRING for CHAR/BINARY/ENUM/SET)
  uint8_t real_type = 0;  // ENUM / SET / STRING resolved from the STRING metadata
  uint16_t meta = 0;
  uint32_t max_length = 0;  // STRING: the column's byte length; VARCHAR: max length
  bool nullable = true;
  bool is_unsigned = false;
  uint32_t collation = 0;  // 0: unknown; 63: binary
  uint32_t geometry_type = 0;
  std::string name;                 // empty without FULL metadata
  std::vector<std::string> labels;  // ENUM / SET values, in definition order
};

struct TableMap {
  uint64_t table_id = 0;
  uint16_t flags = 0;
  std::string schema;
  std::string table;
  std::vector<ColumnDef> columns;
  std::vector<uint32_t> primary_key;  // column indexes
  bool has_column_names = false;
  bool has_signedness = false;
};
TableMap ParseTableMap(const Event& e, const FormatDescription& fd);

// Row events: which kind, and the bitmaps; rows stay encoded in `rows`.
enum class RowsKind { kWrite, kUpdate, kDelete, kPartialUpdate };
struct RowsEvent {
  RowsKind kind = RowsKind::kWrite;
  uint64_t table_id = 0;
  uint16_t flags = 0;
  uint32_t column_count = 0;
  std::vector<uint8_t> present_before;  // bitmap (columns in the before / only image)
  std::vector<uint8_t> present_after;   // bitmap (UPDATE: columns in the after image)
  Bytes rows;                           // the packed row images
};
bool IsRowsEvent(uint8_t type);
bool IsCompressedRowsEvent(uint8_t type);
// For MariaDB's compressed row events `storage` receives the inflated body
// and `rows` points into it; it must outlive the result.
RowsEvent ParseRowsEvent(const Event& e, const FormatDescription& fd, std::vector<uint8_t>* storage);

constexpr uint16_t kRowsStmtEndFlag = 0x01;

// MySQL 8 TRANSACTION_PAYLOAD: the events of one transaction, usually zstd-compressed.
struct TransactionPayload {
  uint64_t compression_type = 255;  // 0 zstd, 255 none
  uint64_t uncompressed_size = 0;
  Bytes payload;
};
TransactionPayload ParseTransactionPayload(const Event& e);
// Decompresses into `out`, refusing more than `max_bytes` of output.
void DecompressPayload(const TransactionPayload& p, size_t max_bytes, std::vector<uint8_t>* out);

// Bit i of a MySQL bitmap (LSB first in each byte).
inline bool BitSet(const std::vector<uint8_t>& bitmap, size_t i) {
  return (bitmap[i / 8] >> (i % 8)) & 1;
}

}  // namespace sluice::binlog
