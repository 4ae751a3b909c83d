// Binlog event parsing. Each Parse* function takes an Event whose body has
// already been cut from the header and the checksum (SplitEvent), reads its
// fixed post-header (whose length the FORMAT_DESCRIPTION event announces, so
// an older or newer server's longer post-header is skipped, not misread) and
// then its variable part. All reads go through ByteReader, so a short or lying
// event becomes a BinlogError and never a read out of bounds; counts that size
// allocations are checked against the bytes that remain before anything is
// reserved.

#include "dialects/mysql/binlog_event.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace sluice::binlog {

namespace {

[[noreturn]] void Fail(const std::string& message) { throw BinlogError(message); }

std::string Hex2(uint8_t b) {
  char buf[3];
  std::snprintf(buf, sizeof buf, "%02x", b);
  return buf;
}

}  // namespace

const char* EventTypeName(uint8_t type) {
  switch (type) {
    case kQueryEvent: return "QUERY";
    case kStopEvent: return "STOP";
    case kRotateEvent: return "ROTATE";
    case kIntvarEvent: return "INTVAR";
    case kRandEvent: return "RAND";
    case kUserVarEvent: return "USER_VAR";
    case kFormatDescriptionEvent: return "FORMAT_DESCRIPTION";
    case kXidEvent: return "XID";
    case kTableMapEvent: return "TABLE_MAP";
    case kWriteRowsEventV1: return "WRITE_ROWS_V1";
    case kUpdateRowsEventV1: return "UPDATE_ROWS_V1";
    case kDeleteRowsEventV1: return "DELETE_ROWS_V1";
    case kIncidentEvent: return "INCIDENT";
    case kHeartbeatEvent: return "HEARTBEAT";
    case kIgnorableEvent: return "IGNORABLE";
    case kRowsQueryEvent: return "ROWS_QUERY";
    case kWriteRowsEventV2: return "WRITE_ROWS";
    case kUpdateRowsEventV2: return "UPDATE_ROWS";
    case kDeleteRowsEventV2: return "DELETE_ROWS";
    case kGtidEvent: return "GTID";
    case kAnonymousGtidEvent: return "ANONYMOUS_GTID";
    case kPreviousGtidsEvent: return "PREVIOUS_GTIDS";
    case kTransactionContextEvent: return "TRANSACTION_CONTEXT";
    case kViewChangeEvent: return "VIEW_CHANGE";
    case kXaPrepareEvent: return "XA_PREPARE";
    case kPartialUpdateRowsEvent: return "PARTIAL_UPDATE_ROWS";
    case kTransactionPayloadEvent: return "TRANSACTION_PAYLOAD";
    case kHeartbeatEventV2: return "HEARTBEAT_V2";
    case kAnnotateRowsEvent: return "ANNOTATE_ROWS";
    case kBinlogCheckpointEvent: return "BINLOG_CHECKPOINT";
    case kMariaGtidEvent: return "MARIADB_GTID";
    case kMariaGtidListEvent: return "MARIADB_GTID_LIST";
    case kStartEncryptionEvent: return "START_ENCRYPTION";
    case kQueryCompressedEvent: return "QUERY_COMPRESSED";
    case kWriteRowsCompressedEventV1: return "WRITE_ROWS_COMPRESSED_V1";
    case kUpdateRowsCompressedEventV1: return "UPDATE_ROWS_COMPRESSED_V1";
    case kDeleteRowsCompressedEventV1: return "DELETE_ROWS_COMPRESSED_V1";
    case kWriteRowsCompressedEvent: return "WRITE_ROWS_COMPRESSED";
    case kUpdateRowsCompressedEvent: return "UPDATE_ROWS_COMPRESSED";
    case kDeleteRowsCompressedEvent: return "DELETE_ROWS_COMPRESSED";
    default: return "UNKNOWN";
  }
}

// ---------------------------------------------------------------------------
// ByteReader

void ByteReader::Need(size_t n) const {
  if (n > remaining()) {
    Fail(std::string(what_) + " truncated: needs " + std::to_string(n) + " more bytes at offset " +
         std::to_string(pos_) + ", has " + std::to_string(remaining()));
  }
}

uint64_t ByteReader::Uint(size_t n) {
  Need(n);
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(data_[pos_ + i]) << (8 * i);
  pos_ += n;
  return v;
}

uint64_t ByteReader::UintBigEndian(size_t n) {
  Need(n);
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | data_[pos_ + i];
  pos_ += n;
  return v;
}

uint64_t ByteReader::PackedInt() {
  uint8_t first = U8();
  if (first < 0xfb) return first;
  switch (first) {
    case 0xfc: return Uint(2);
    case 0xfd: return Uint(3);
    case 0xfe: return Uint(8);
    default: Fail(std::string(what_) + ": bad length-encoded integer prefix 0x" + Hex2(first));
  }
}

uint64_t ByteReader::PackedCount(size_t min_bytes_each) {
  uint64_t n = PackedInt();
  if (min_bytes_each > 0 && n > remaining() / min_bytes_each) {
    Fail(std::string(what_) + ": count " + std::to_string(n) + " exceeds the " + std::to_string(remaining()) +
         " bytes left");
  }
  return n;
}

Bytes ByteReader::Take(size_t n) {
  Need(n);
  Bytes out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}

std::string_view ByteReader::TakeString(size_t n) {
  Bytes b = Take(n);
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

uint32_t Crc32(Bytes data) {
  // zlib's crc32 takes a uInt length; feed large inputs in pieces.
  uLong crc = crc32(0L, Z_NULL, 0);
  const uint8_t* p = data.data();
  size_t n = data.size();
  while (n > 0) {
    uInt piece = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    crc = crc32(crc, p, piece);
    p += piece;
    n -= piece;
  }
  return static_cast<uint32_t>(crc);
}

// ---------------------------------------------------------------------------
// Header, format description, split

EventHeader ParseEventHeader(Bytes event) {
  ByteReader r(event, "event header");
  EventHeader h;
  h.timestamp = r.U32();
  h.type = r.U8();
  h.server_id = r.U32();
  h.event_size = r.U32();
  h.log_pos = r.U32();
  h.flags = r.U16();
  return h;
}

uint8_t FormatDescription::PostHeaderLength(uint8_t type, uint8_t fallback) const {
  if (type >= 1 && static_cast<size_t>(type - 1) < post_header_lengths.size()) return post_header_lengths[type - 1];
  return fallback;
}

namespace {

// "10.11.6-MariaDB-log" -> {10, 11, 6}
std::array<int, 3> VersionNumbers(const std::string& v) {
  std::array<int, 3> out{0, 0, 0};
  size_t i = 0;
  for (int part = 0; part < 3 && i < v.size(); ++part) {
    int n = 0;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9' && n < 100000) n = n * 10 + (v[i++] - '0');
    out[part] = n;
    if (i < v.size() && v[i] == '.') ++i; else break;
  }
  return out;
}

void VerifyChecksum(Bytes event, const EventHeader& h) {
  if (event.size() < kEventHeaderSize + kChecksumSize) Fail("event too short for its checksum");
  size_t n = event.size() - kChecksumSize;
  ByteReader r(event.subspan(n), "checksum");
  uint32_t stored = r.U32();
  uint32_t computed = Crc32(event.first(n));
  if (stored != computed) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s event at end position %u: CRC32 mismatch (stored %08x, computed %08x)",
                  EventTypeName(h.type), h.log_pos, stored, computed);
    Fail(buf);
  }
}

}  // namespace

FormatDescription ParseFormatDescription(Bytes event, bool verify_checksum) {
  EventHeader h = ParseEventHeader(event);
  if (h.type != kFormatDescriptionEvent) Fail("expected a FORMAT_DESCRIPTION event");
  if (h.event_size != event.size()) Fail("FORMAT_DESCRIPTION event size field disagrees with its length");
  ByteReader r(event.subspan(kEventHeaderSize), "FORMAT_DESCRIPTION event");
  FormatDescription fd;
  fd.binlog_version = r.U16();
  std::string_view ver = r.TakeString(50);
  fd.server_version = std::string(ver.substr(0, ver.find('\0')));
  fd.create_timestamp = r.U32();
  fd.header_length = r.U8();
  if (fd.header_length < kEventHeaderSize) Fail("FORMAT_DESCRIPTION: header length below 19");
  // Servers from MySQL 5.6.1 and MariaDB 5.3 on end the event with the
  // checksum algorithm (1 byte) and a checksum (4 bytes), whatever the algorithm.
  std::array<int, 3> v = VersionNumbers(fd.server_version);
  bool checksum_aware = v[0] > 5 || (v[0] == 5 && (v[1] > 6 || (v[1] == 6 && v[2] >= 1))) ||
                        (fd.IsMariaDb() && v[0] == 5 && v[1] >= 3);
  size_t tail = checksum_aware ? 1 + kChecksumSize : 0;
  if (r.remaining() < tail) Fail("FORMAT_DESCRIPTION event truncated");
  Bytes lengths = r.Take(r.remaining() - tail);
  fd.post_header_lengths.assign(lengths.begin(), lengths.end());
  if (checksum_aware) {
    fd.checksum_alg = r.U8();
    if (fd.checksum_alg != kChecksumOff && fd.checksum_alg != kChecksumCrc32) {
      Fail("FORMAT_DESCRIPTION: unknown checksum algorithm " + std::to_string(fd.checksum_alg));
    }
    if (fd.checksum_alg == kChecksumCrc32 && verify_checksum) VerifyChecksum(event, h);
  }
  return fd;
}

Event SplitEvent(Bytes event, uint8_t checksum_alg, bool verify) {
  Event e;
  e.header = ParseEventHeader(event);
  if (e.header.event_size != event.size()) {
    Fail(std::string(EventTypeName(e.header.type)) + " event: size field " + std::to_string(e.header.event_size) +
         " disagrees with the " + std::to_string(event.size()) + " bytes received");
  }
  size_t end = event.size();
  // The FORMAT_DESCRIPTION event describes its own checksum (ParseFormatDescription).
  if (checksum_alg == kChecksumCrc32 && e.header.type != kFormatDescriptionEvent) {
    if (verify) VerifyChecksum(event, e.header);
    if (end < kEventHeaderSize + kChecksumSize) Fail("event too short for its checksum");
    end -= kChecksumSize;
  }
  e.body = event.subspan(kEventHeaderSize, end - kEventHeaderSize);
  return e;
}

// ---------------------------------------------------------------------------
// Simple events

RotateEvent ParseRotate(const Event& e, const FormatDescription& fd) {
  ByteReader r(e.body, "ROTATE event");
  RotateEvent out;
  size_t post = fd.PostHeaderLength(kRotateEvent, 8);
  if (post < 8) Fail("ROTATE: post-header too short");
  out.position = r.U64();
  r.Skip(post - 8);
  out.next_file = std::string(r.Rest());
  if (out.next_file.empty()) Fail("ROTATE event without a file name");
  return out;
}

QueryEvent ParseQuery(const Event& e, const FormatDescription& fd) {
  ByteReader r(e.body, "QUERY event");
  size_t post = fd.PostHeaderLength(kQueryEvent, 13);
  if (post < 11) Fail("QUERY: post-header too short");
  QueryEvent q;
  q.thread_id = r.U32();
  q.exec_time = r.U32();
  uint8_t db_len = r.U8();
  q.error_code = r.U16();
  size_t status_len = post >= 13 ? r.U16() : 0;
  r.Skip(post - (post >= 13 ? 13 : 11));
  r.Skip(status_len);  // status variables: sql_mode, charset, ...; the schema is below
  q.schema = std::string(r.TakeString(db_len));
  r.Skip(1);  // NUL after the schema
  q.query = std::string(r.Rest());
  return q;
}

MariaGtidEvent ParseMariaGtid(const Event& e) {
  ByteReader r(e.body, "MariaDB GTID event");
  MariaGtidEvent g;
  g.gtid.seq_no = r.U64();
  g.gtid.domain_id = r.U32();
  g.gtid.server_id = e.header.server_id;
  g.flags = r.U8();
  if (g.flags & kMariaGtidGroupCommitId) g.commit_id = r.U64();
  return g;
}

std::vector<MariaGtid> ParseMariaGtidList(const Event& e) {
  ByteReader r(e.body, "MariaDB GTID_LIST event");
  uint32_t count = r.U32() & 0x0fffffff;  // the top 4 bits are flags
  if (count > r.remaining() / 16) Fail("GTID_LIST: count exceeds the event");
  std::vector<MariaGtid> out(count);
  for (auto& g : out) {
    g.domain_id = r.U32();
    g.server_id = r.U32();
    g.seq_no = r.U64();
  }
  return out;
}

MySqlGtidEvent ParseMySqlGtid(const Event& e) {
  ByteReader r(e.body, "GTID event");
  MySqlGtidEvent g;
  g.anonymous = e.header.type == kAnonymousGtidEvent;
  g.flags = r.U8();
  Bytes sid = r.Take(16);
  std::copy(sid.begin(), sid.end(), g.sid.begin());
  g.gno = static_cast<int64_t>(r.U64());
  if (r.remaining() >= 17 && r.U8() == 2) {  // logical timestamps (5.7+)
    g.last_committed = static_cast<int64_t>(r.U64());
    g.sequence_number = static_cast<int64_t>(r.U64());
    if (r.remaining() >= 7) {  // commit timestamps (8.0.1+); the top bit says the original follows
      uint64_t ts = r.Uint(7);
      constexpr uint64_t kHasOriginal = 1ULL << 55;
      g.immediate_commit_us = ts & ~kHasOriginal;
      g.original_commit_us = g.immediate_commit_us;
      if ((ts & kHasOriginal) && r.remaining() >= 7) g.original_commit_us = r.Uint(7);
    }
  }
  return g;
}

std::string MySqlGtidEvent::Text() const {
  std::string out;
  for (size_t i = 0; i < sid.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += Hex2(sid[i]);
  }
  return out + ":" + std::to_string(gno);
}

uint64_t ParseXid(const Event& e) {
  ByteReader r(e.body, "XID event");
  return r.U64();
}

// ---------------------------------------------------------------------------
// TABLE_MAP

namespace {

bool IsNumericType(uint8_t t) {
  switch (t) {
    case kTypeTiny: case kTypeShort: case kTypeInt24: case kTypeLong: case kTypeLongLong:
    case kTypeFloat: case kTypeDouble: case kTypeNewDecimal: case kTypeDecimal:
      return true;
    default:
      return false;
  }
}

bool IsCharacterType(uint8_t real_type) {
  switch (real_type) {
    case kTypeString: case kTypeVarString: case kTypeVarchar: case kTypeBlob:
    case kTypeTinyBlob: case kTypeMediumBlob: case kTypeLongBlob:
      return true;
    default:
      return false;
  }
}

// Reads the per-type metadata of one column (its size depends on the type).
void ReadColumnMeta(ByteReader& r, ColumnDef& c) {
  switch (c.type) {
    case kTypeFloat: case kTypeDouble: case kTypeBlob: case kTypeTinyBlob: case kTypeMediumBlob:
    case kTypeLongBlob: case kTypeJson: case kTypeGeometry: case kTypeTimestamp2: case kTypeDateTime2:
    case kTypeTime2:
      c.meta = r.U8();
      break;
    case kTypeVarchar: case kTypeVarString:
      c.meta = r.U16();
      c.max_length = c.meta;
      break;
    case kTypeBit: case kTypeNewDecimal: case kTypeDecimal:
      c.meta = r.U16();  // BIT: bits%8, bytes; NEWDECIMAL: precision, scale (low byte first)
      break;
    case kTypeString: case kTypeEnum: case kTypeSet: {
      uint8_t b0 = r.U8(), b1 = r.U8();
      c.meta = static_cast<uint16_t>(b0 << 8 | b1);
      // CHAR(n) of more than 255 bytes folds the high bits of n into the type byte.
      if ((b0 & 0x30) != 0x30) {
        c.real_type = static_cast<uint8_t>(b0 | 0x30);
        c.max_length = static_cast<uint32_t>(b1 | (((b0 & 0x30) ^ 0x30) << 4));
      } else {
        c.real_type = b0;
        c.max_length = b1;
      }
      break;
    }
    default:
      break;
  }
  if (c.real_type == 0) c.real_type = c.type;
}

std::string ReadPackedString(ByteReader& r) {
  uint64_t n = r.PackedInt();
  if (n > r.remaining()) Fail("TABLE_MAP metadata: string longer than the event");
  return std::string(r.TakeString(static_cast<size_t>(n)));
}

void ReadLabels(ByteReader& r, std::vector<ColumnDef>& cols, uint8_t want) {
  for (auto& c : cols) {
    if (c.real_type != want) continue;
    uint64_t n = r.PackedCount(1);
    c.labels.clear();
    c.labels.reserve(n);
    for (uint64_t i = 0; i < n; ++i) c.labels.push_back(ReadPackedString(r));
  }
}

// DEFAULT_CHARSET style: a default collation, then (index, collation) pairs
// for the columns that differ; indexes count only the columns `selected`.
template <typename Pred>
void ReadDefaultCharset(ByteReader& r, std::vector<ColumnDef>& cols, Pred selected) {
  uint32_t def = static_cast<uint32_t>(r.PackedInt());
  std::vector<ColumnDef*> chosen;
  for (auto& c : cols) {
    if (selected(c)) {
      chosen.push_back(&c);
      c.collation = def;
    }
  }
  while (!r.empty()) {
    uint64_t idx = r.PackedInt();
    uint32_t coll = static_cast<uint32_t>(r.PackedInt());
    if (idx >= chosen.size()) Fail("TABLE_MAP metadata: charset column index out of range");
    chosen[idx]->collation = coll;
  }
}

template <typename Pred>
void ReadColumnCharsets(ByteReader& r, std::vector<ColumnDef>& cols, Pred selected) {
  for (auto& c : cols) {
    if (!selected(c)) continue;
    if (r.empty()) break;
    c.collation = static_cast<uint32_t>(r.PackedInt());
  }
}

void ReadOptionalMetadata(ByteReader& r, TableMap& t) {
  auto is_char = [](const ColumnDef& c) { return IsCharacterType(c.real_type); };
  auto is_enum_set = [](const ColumnDef& c) { return c.real_type == kTypeEnum || c.real_type == kTypeSet; };
  while (!r.empty()) {
    uint8_t field = r.U8();
    uint64_t len = r.PackedInt();
    if (len > r.remaining()) Fail("TABLE_MAP optional metadata field longer than the event");
    ByteReader f(r.Take(static_cast<size_t>(len)), "TABLE_MAP optional metadata");
    switch (field) {
      case 1: {  // SIGNEDNESS: one bit per numeric column, most significant bit first
        size_t k = 0;
        t.has_signedness = true;
        Bytes bits = f.RestBytes();
        for (auto& c : t.columns) {
          if (!IsNumericType(c.type)) continue;
          if (k / 8 >= bits.size()) break;
          c.is_unsigned = (bits[k / 8] >> (7 - k % 8)) & 1;
          ++k;
        }
        break;
      }
      case 2: ReadDefaultCharset(f, t.columns, is_char); break;
      case 3: ReadColumnCharsets(f, t.columns, is_char); break;
      case 4:  // COLUMN_NAME
        for (auto& c : t.columns) c.name = ReadPackedString(f);
        t.has_column_names = true;
        break;
      case 5: ReadLabels(f, t.columns, kTypeSet); break;
      case 6: ReadLabels(f, t.columns, kTypeEnum); break;
      case 7:  // GEOMETRY_TYPE
        for (auto& c : t.columns) {
          if (c.type == kTypeGeometry && !f.empty()) c.geometry_type = static_cast<uint32_t>(f.PackedInt());
        }
        break;
      case 8:  // SIMPLE_PRIMARY_KEY
        while (!f.empty()) {
          uint64_t i = f.PackedInt();
          if (i >= t.columns.size()) Fail("TABLE_MAP metadata: primary key column out of range");
          t.primary_key.push_back(static_cast<uint32_t>(i));
        }
        break;
      case 9:  // PRIMARY_KEY_WITH_PREFIX
        while (!f.empty()) {
          uint64_t i = f.PackedInt();
          f.PackedInt();  // prefix length
          if (i >= t.columns.size()) Fail("TABLE_MAP metadata: primary key column out of range");
          t.primary_key.push_back(static_cast<uint32_t>(i));
        }
        break;
      case 10: ReadDefaultCharset(f, t.columns, is_enum_set); break;
      case 11: ReadColumnCharsets(f, t.columns, is_enum_set); break;
      default: break;  // COLUMN_VISIBILITY and later: not needed
    }
  }
}

}  // namespace

TableMap ParseTableMap(const Event& e, const FormatDescription& fd) {
  ByteReader r(e.body, "TABLE_MAP event");
  TableMap t;
  size_t post = fd.PostHeaderLength(kTableMapEvent, 8);
  if (post == 6) {
    t.table_id = r.U32();
  } else {
    if (post < 8) Fail("TABLE_MAP: post-header too short");
    t.table_id = r.U48();
    t.flags = r.U16();
    r.Skip(post - 8);
  }
  uint8_t n = r.U8();
  t.schema = std::string(r.TakeString(n));
  r.Skip(1);
  n = r.U8();
  t.table = std::string(r.TakeString(n));
  r.Skip(1);
  uint64_t count = r.PackedCount(1);
  Bytes types = r.Take(static_cast<size_t>(count));
  t.columns.resize(count);
  for (size_t i = 0; i < count; ++i) t.columns[i].type = types[i];
  uint64_t meta_len = r.PackedInt();
  if (meta_len > r.remaining()) Fail("TABLE_MAP: metadata block longer than the event");
  ByteReader m(r.Take(static_cast<size_t>(meta_len)), "TABLE_MAP metadata");
  for (auto& c : t.columns) ReadColumnMeta(m, c);
  Bytes nulls = r.Take((count + 7) / 8);
  for (size_t i = 0; i < count; ++i) t.columns[i].nullable = (nulls[i / 8] >> (i % 8)) & 1;
  ReadOptionalMetadata(r, t);
  return t;
}

// ---------------------------------------------------------------------------
// Row events

bool IsRowsEvent(uint8_t type) {
  return (type >= kWriteRowsEventV1 && type <= kDeleteRowsEventV1) ||
         (type >= kWriteRowsEventV2 && type <= kDeleteRowsEventV2) || type == kPartialUpdateRowsEvent ||
         IsCompressedRowsEvent(type);
}

bool IsCompressedRowsEvent(uint8_t type) {
  return type >= kWriteRowsCompressedEventV1 && type <= kDeleteRowsCompressedEvent;
}

namespace {

// MariaDB's compressed event body: a header byte (0x80 | bytes of the
// length), the uncompressed length big-endian, then a zlib stream.
void Inflate(Bytes in, std::vector<uint8_t>* out) {
  ByteReader r(in, "compressed rows");
  uint8_t head = r.U8();
  size_t lenlen = head & 0x07;
  if ((head & 0x70) != 0 || lenlen == 0 || lenlen > 4) Fail("compressed rows: unsupported header byte");
  uint64_t want = r.UintBigEndian(lenlen);
  // zlib compresses at most about 1032:1; a larger claim is a lie.
  if (want > (r.remaining() + 64) * 1100) Fail("compressed rows: implausible uncompressed length");
  out->resize(want);
  uLongf got = static_cast<uLongf>(want);
  Bytes src = r.RestBytes();
  if (uncompress(out->data(), &got, src.data(), static_cast<uLong>(src.size())) != Z_OK || got != want) {
    Fail("compressed rows: zlib stream is corrupt");
  }
}

}  // namespace

RowsEvent ParseRowsEvent(const Event& e, const FormatDescription& fd, std::vector<uint8_t>* storage) {
  uint8_t type = e.header.type;
  RowsEvent out;
  bool v2 = false;
  switch (type) {
    case kWriteRowsEventV1: case kWriteRowsCompressedEventV1: out.kind = RowsKind::kWrite; break;
    case kUpdateRowsEventV1: case kUpdateRowsCompressedEventV1: out.kind = RowsKind::kUpdate; break;
    case kDeleteRowsEventV1: case kDeleteRowsCompressedEventV1: out.kind = RowsKind::kDelete; break;
    case kWriteRowsEventV2: case kWriteRowsCompressedEvent: out.kind = RowsKind::kWrite; v2 = true; break;
    case kUpdateRowsEventV2: case kUpdateRowsCompressedEvent: out.kind = RowsKind::kUpdate; v2 = true; break;
    case kDeleteRowsEventV2: case kDeleteRowsCompressedEvent: out.kind = RowsKind::kDelete; v2 = true; break;
    case kPartialUpdateRowsEvent: out.kind = RowsKind::kPartialUpdate; v2 = true; break;
    default: Fail("not a rows event");
  }
  ByteReader r(e.body, "rows event");
  size_t post = fd.PostHeaderLength(type, v2 ? 10 : 8);
  if (post == 6) {
    out.table_id = r.U32();
  } else {
    if (post < 8) Fail("rows event: post-header too short");
    out.table_id = r.U48();
    out.flags = r.U16();
    if (v2 && post >= 10) {
      // The extra-data length counts its own two bytes.
      uint16_t extra = r.U16();
      if (extra < 2) Fail("rows event: bad extra-data length");
      r.Skip(post - 10);
      r.Skip(extra - 2u);
    } else {
      r.Skip(post - 8);
    }
  }
  uint64_t count = r.PackedInt();
  if (count > 4096 * 8 || (count + 7) / 8 > r.remaining()) Fail("rows event: bad column count");
  out.column_count = static_cast<uint32_t>(count);
  size_t bitmap_len = (count + 7) / 8;
  Bytes b = r.Take(bitmap_len);
  out.present_before.assign(b.begin(), b.end());
  if (out.kind == RowsKind::kUpdate || out.kind == RowsKind::kPartialUpdate) {
    b = r.Take(bitmap_len);
    out.present_after.assign(b.begin(), b.end());
  } else {
    out.present_after = out.present_before;
  }
  if (IsCompressedRowsEvent(type)) {
    if (storage == nullptr) Fail("compressed rows event without storage");
    Inflate(r.RestBytes(), storage);
    out.rows = Bytes(storage->data(), storage->size());
  } else {
    out.rows = r.RestBytes();
  }
  return out;
}

// ---------------------------------------------------------------------------
// TRANSACTION_PAYLOAD

TransactionPayload ParseTransactionPayload(const Event& e) {
  ByteReader r(e.body, "TRANSACTION_PAYLOAD event");
  TransactionPayload p;
  uint64_t payload_size = UINT64_MAX;
  // Header fields: (type, length, value) triples up to an end mark of type 0.
  while (true) {
    uint64_t field = r.PackedInt();
    if (field == 0) break;
    uint64_t len = r.PackedInt();
    if (len > r.remaining()) Fail("TRANSACTION_PAYLOAD: header field longer than the event");
    ByteReader f(r.Take(static_cast<size_t>(len)), "TRANSACTION_PAYLOAD header field");
    switch (field) {
      case 1: payload_size = f.PackedInt(); break;
      case 2: p.compression_type = f.PackedInt(); break;
      case 3: p.uncompressed_size = f.PackedInt(); break;
      default: break;
    }
  }
  if (payload_size == UINT64_MAX) payload_size = r.remaining();
  if (payload_size > r.remaining()) Fail("TRANSACTION_PAYLOAD: payload size exceeds the event");
  p.payload = r.Take(static_cast<size_t>(payload_size));
  return p;
}

void DecompressPayload(const TransactionPayload& p, size_t max_bytes, std::vector<uint8_t>* out) {
  out->clear();
  if (p.compression_type == 255) {
    if (p.payload.size() > max_bytes) Fail("TRANSACTION_PAYLOAD larger than the configured limit");
    out->assign(p.payload.begin(), p.payload.end());
    return;
  }
  if (p.compression_type != 0) Fail("TRANSACTION_PAYLOAD: unknown compression type " + std::to_string(p.compression_type));
  // Streamed so that a lying frame header cannot make us reserve its claim:
  // the buffer grows only with what actually decompresses, up to max_bytes.
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  if (dctx == nullptr) Fail("out of memory creating a zstd context");
  ZSTD_inBuffer in{p.payload.data(), p.payload.size(), 0};
  size_t ret = 1;
  size_t reserve = std::min<size_t>(std::max<uint64_t>(p.uncompressed_size, 1024), std::min<size_t>(max_bytes, p.payload.size() * 16 + 4096));
  out->resize(reserve);
  size_t produced = 0;
  while (true) {
    if (produced == out->size()) {
      if (out->size() >= max_bytes) {
        ZSTD_freeDCtx(dctx);
        Fail("TRANSACTION_PAYLOAD decompresses to more than the configured limit of " + std::to_string(max_bytes) + " bytes");
      }
      out->resize(std::min(max_bytes, out->size() * 2));
    }
    ZSTD_outBuffer ob{out->data() + produced, out->size() - produced, 0};
    ret = ZSTD_decompressStream(dctx, &ob, &in);
    produced += ob.pos;
    if (ZSTD_isError(ret)) {
      std::string why = ZSTD_getErrorName(ret);
      ZSTD_freeDCtx(dctx);
      Fail("TRANSACTION_PAYLOAD: zstd: " + why);
    }
    if (ret == 0 && in.pos == in.size) break;  // frame complete, input consumed
    if (in.pos == in.size && ob.pos == 0 && produced < out->size()) {
      ZSTD_freeDCtx(dctx);
      Fail("TRANSACTION_PAYLOAD: truncated zstd frame");
    }
  }
  ZSTD_freeDCtx(dctx);
  out->resize(produced);
}

}  // namespace sluice::binlog
