// Row images and transactions.
//
// Values: each column type has one fixed binary form in a row image (MySQL's
// Field::pack), whose size comes from the type and the TABLE_MAP metadata;
// DecodeValue reads one and prints the canonical text of docs/values.md.
// Temporal types use the big-endian "2" encodings of MySQL 5.6 / MariaDB 10.x
// (an offset-biased integer part plus 0-3 bytes of fraction) or the older
// little-endian integer forms; TIMESTAMP is seconds since the epoch and is
// printed in UTC. NEWDECIMAL is MySQL's binary decimal (groups of nine digits
// in four big-endian bytes, partial groups in fewer, the sign in the top bit,
// negatives stored inverted). ENUM and SET travel as ordinals and bitmasks and
// are turned into labels with the TABLE_MAP's optional metadata.
//
// Transactions: MariaDB opens a group with its GTID event (standalone groups,
// i.e. DDL, hold one statement and no COMMIT); MySQL with a GTID event
// followed by a QUERY "BEGIN", or just "BEGIN" without GTIDs. A group ends at
// an XID event (transactional engines) or a QUERY "COMMIT"/"ROLLBACK"
// (non-transactional ones: their changes stand even after a ROLLBACK). A
// QUERY outside any group is a DDL statement and a transaction of its own.
// MySQL 8 may wrap a whole transaction in a TRANSACTION_PAYLOAD event, whose
// inner events (without checksums) are fed through the same machine. Each
// completed group gets the position after it: the GTID state including its
// GTID (MariaDB GTID mode) or "file:end offset of its last event".

#include "dialects/mysql/binlog_decoder.h"

#include <zlib.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

#include "dialects/mysql/binlog_json.h"

namespace sluice::binlog {

namespace {

[[noreturn]] void Fail(const std::string& m) { throw BinlogError(m); }

void AppendPadded(std::string& out, uint64_t v, int width) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  for (int n = static_cast<int>(p - buf); n < width; ++n) out += '0';
  out.append(buf, p);
}

// ".123" for `digits` fraction digits of `micros` (0..999999).
void AppendFraction(std::string& out, uint64_t micros, int digits) {
  if (digits <= 0) return;
  static const uint64_t kPow[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
  out += '.';
  AppendPadded(out, micros / kPow[6 - digits], digits);
}

void AppendDate(std::string& out, uint64_t y, uint64_t m, uint64_t d) {
  AppendPadded(out, y, 4);
  out += '-';
  AppendPadded(out, m, 2);
  out += '-';
  AppendPadded(out, d, 2);
}

void AppendClock(std::string& out, uint64_t h, uint64_t m, uint64_t s) {
  AppendPadded(out, h, 2);
  out += ':';
  AppendPadded(out, m, 2);
  out += ':';
  AppendPadded(out, s, 2);
}

int Fsp(const ColumnDef& c) {
  if (c.meta > 6) Fail("temporal column with fractional precision " + std::to_string(c.meta));
  return c.meta;
}

// The fraction bytes of the "2" temporal types, as microseconds.
int64_t ReadFraction(ByteReader& r, int fsp, bool is_signed) {
  switch (fsp) {
    case 0: return 0;
    case 1: case 2: {
      int64_t v = is_signed ? static_cast<int8_t>(r.U8()) : r.U8();
      return v * 10000;
    }
    case 3: case 4: {
      uint64_t u = r.UintBigEndian(2);
      int64_t v = is_signed ? static_cast<int16_t>(u) : static_cast<int64_t>(u);
      return v * 100;
    }
    default: {
      uint64_t u = r.UintBigEndian(3);
      return is_signed && (u & 0x800000) ? static_cast<int64_t>(u) - 0x1000000 : static_cast<int64_t>(u);
    }
  }
}

// Days since 1970-01-01 to a civil date (proleptic Gregorian).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

std::string UtcText(uint64_t seconds, uint64_t micros, int fsp) {
  std::string out;
  if (seconds == 0 && micros == 0) {
    out = "0000-00-00 00:00:00";  // MySQL's zero TIMESTAMP
  } else {
    int64_t y;
    unsigned m, d;
    CivilFromDays(static_cast<int64_t>(seconds / 86400), &y, &m, &d);
    uint64_t s = seconds % 86400;
    AppendDate(out, static_cast<uint64_t>(y), m, d);
    out += ' ';
    AppendClock(out, s / 3600, s / 60 % 60, s % 60);
  }
  AppendFraction(out, micros, fsp);
  return out;
}

std::string DateTimeFromIntPart(uint64_t ymdhms, uint64_t micros, int fsp) {
  uint64_t ymd = ymdhms >> 17, ym = ymd >> 5, hms = ymdhms % (1 << 17);
  std::string out;
  AppendDate(out, ym / 13, ym % 13, ymd % 32);
  if (fsp < 0) return out;
  out += ' ';
  AppendClock(out, hms >> 12, (hms >> 6) % 64, hms % 64);
  AppendFraction(out, micros, fsp);
  return out;
}

std::string TimeFromPacked(int64_t packed, int fsp) {
  std::string out;
  if (packed < 0) {
    out += '-';
    packed = -packed;
  }
  uint64_t hms = static_cast<uint64_t>(packed) >> 24;
  uint64_t micros = static_cast<uint64_t>(packed) % (1 << 24);
  if (micros > 999999) Fail("TIME value with a fraction above 999999");
  AppendClock(out, (hms >> 12) % (1 << 10), (hms >> 6) % 64, hms % 64);
  AppendFraction(out, micros, fsp);
  return out;
}

// MySQL's latin1 is Windows-1252; 0x80-0x9f differ from ISO-8859-1.
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

bool IsLatin1Collation(uint32_t id) {
  switch (id) {
    case 5: case 8: case 15: case 31: case 47: case 48: case 49: case 94: case 1032: case 1071:
      return true;
    default:
      return false;
  }
}

std::string Latin1ToUtf8(std::string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 4);
  for (unsigned char c : in) {
    uint32_t cp = c;
    if (c >= 0x80 && c < 0xa0) cp = kCp1252High[c - 0x80];
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }
  return out;
}

std::string Text(const ColumnDef& c, std::string_view bytes) {
  if (IsLatin1Collation(c.collation)) return Latin1ToUtf8(bytes);
  return std::string(bytes);
}

template <typename T>
std::string ShortestText(T v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  return std::string(buf, p);
}

std::string LabelOf(const ColumnDef& c, uint64_t ordinal) {
  if (ordinal == 0) return "";  // the empty "error" value of a bad ENUM insert
  if (c.labels.empty()) {
    Fail("ENUM column '" + c.name + "' without its labels in the binlog: set binlog_row_metadata=FULL on the source");
  }
  if (ordinal > c.labels.size()) Fail("ENUM ordinal " + std::to_string(ordinal) + " beyond the column's labels");
  return c.labels[ordinal - 1];
}

std::string SetLabels(const ColumnDef& c, uint64_t mask) {
  if (mask != 0 && c.labels.empty()) {
    Fail("SET column '" + c.name + "' without its labels in the binlog: set binlog_row_metadata=FULL on the source");
  }
  std::string out;
  for (size_t i = 0; i < 64 && mask != 0; ++i, mask >>= 1) {
    if ((mask & 1) == 0) continue;
    if (i >= c.labels.size()) Fail("SET bitmask beyond the column's labels");
    if (!out.empty()) out += ',';
    out += c.labels[i];
  }
  return out;
}

}  // namespace

std::string DoubleText(double v) { return ShortestText(v); }
std::string FloatText(float v) { return ShortestText(v); }

std::string PackedDateTimeText(int64_t packed, int frac_digits) {
  if (packed < 0) Fail("negative packed DATETIME");
  uint64_t micros = static_cast<uint64_t>(packed) % (1 << 24);
  if (micros > 999999) Fail("DATETIME value with a fraction above 999999");
  return DateTimeFromIntPart(static_cast<uint64_t>(packed) >> 24, micros, frac_digits);
}

std::string PackedTimeText(int64_t packed, int frac_digits) { return TimeFromPacked(packed, frac_digits); }

std::string DecimalText(Bytes packed, int precision, int scale, size_t* consumed) {
  static const int kDigBytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
  if (precision < 1 || precision > 81 || scale < 0 || scale > precision) {
    Fail("DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) + ") is not a valid type");
  }
  int intg = precision - scale;
  int intg0 = intg / 9, intg0x = intg % 9, frac0 = scale / 9, frac0x = scale % 9;
  size_t size = static_cast<size_t>(intg0 * 4 + kDigBytes[intg0x] + frac0 * 4 + kDigBytes[frac0x]);
  if (packed.size() < size) Fail("DECIMAL value truncated");
  *consumed = size;
  uint8_t buf[48];
  std::memcpy(buf, packed.data(), size);
  bool negative = (buf[0] & 0x80) == 0;
  buf[0] ^= 0x80;
  if (negative) {
    for (size_t i = 0; i < size; ++i) buf[i] ^= 0xff;
  }
  ByteReader r(Bytes(buf, size), "DECIMAL value");
  static const uint64_t kPow10[10] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};
  std::string digits;  // integer part, possibly with leading zeros
  auto group = [&](int ndigits, std::string& out) {
    uint64_t v = r.UintBigEndian(static_cast<size_t>(ndigits == 9 ? 4 : kDigBytes[ndigits]));
    if (v >= kPow10[ndigits]) Fail("DECIMAL value with an invalid digit group");
    AppendPadded(out, v, ndigits);
  };
  if (intg0x > 0) group(intg0x, digits);
  for (int i = 0; i < intg0; ++i) group(9, digits);
  std::string frac;
  for (int i = 0; i < frac0; ++i) group(9, frac);
  if (frac0x > 0) group(frac0x, frac);
  size_t nz = digits.find_first_not_of('0');
  std::string out = nz == std::string::npos ? "0" : digits.substr(nz);
  bool zero = nz == std::string::npos && frac.find_first_not_of('0') == std::string::npos;
  if (negative && !zero) out.insert(out.begin(), '-');
  if (scale > 0) out += "." + frac;
  return out;
}

std::string DecodeValue(const ColumnDef& c, ByteReader& r) {
  switch (c.type) {
    case kTypeTiny: return c.is_unsigned ? std::to_string(r.U8()) : std::to_string(static_cast<int8_t>(r.U8()));
    case kTypeShort: return c.is_unsigned ? std::to_string(r.U16()) : std::to_string(static_cast<int16_t>(r.U16()));
    case kTypeInt24: {
      uint32_t v = r.U24();
      if (c.is_unsigned) return std::to_string(v);
      return std::to_string(static_cast<int32_t>(v << 8) >> 8);
    }
    case kTypeLong: return c.is_unsigned ? std::to_string(r.U32()) : std::to_string(static_cast<int32_t>(r.U32()));
    case kTypeLongLong: return c.is_unsigned ? std::to_string(r.U64()) : std::to_string(static_cast<int64_t>(r.U64()));
    case kTypeFloat: {
      uint32_t bits = r.U32();
      float f;
      std::memcpy(&f, &bits, sizeof f);
      return FloatText(f);
    }
    case kTypeDouble: {
      uint64_t bits = r.U64();
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return DoubleText(d);
    }
    case kTypeNewDecimal: {
      size_t used = 0;
      std::string text = DecimalText(r.PeekRest(), c.meta & 0xff, c.meta >> 8, &used);
      r.Skip(used);
      return text;
    }
    case kTypeYear: {
      uint8_t v = r.U8();
      return v == 0 ? "0000" : std::to_string(1900 + v);
    }
    case kTypeDate: case kTypeNewDate: {
      uint32_t v = r.U24();
      std::string out;
      AppendDate(out, v >> 9, (v >> 5) & 15, v & 31);
      return out;
    }
    case kTypeTime: {  // pre-5.6: HHMMSS as a signed 3-byte integer
      int32_t v = static_cast<int32_t>(r.U24() << 8) >> 8;
      std::string out;
      if (v < 0) out += '-';
      uint32_t a = static_cast<uint32_t>(v < 0 ? -v : v);
      AppendClock(out, a / 10000, a / 100 % 100, a % 100);
      return out;
    }
    case kTypeDateTime: {  // pre-5.6: YYYYMMDDhhmmss as an 8-byte integer
      uint64_t v = r.U64();
      uint64_t d = v / 1000000, t = v % 1000000;
      std::string out;
      AppendDate(out, d / 10000, d / 100 % 100, d % 100);
      out += ' ';
      AppendClock(out, t / 10000, t / 100 % 100, t % 100);
      return out;
    }
    case kTypeTimestamp: return UtcText(r.U32(), 0, 0);
    case kTypeTimestamp2: {
      int fsp = Fsp(c);
      uint64_t secs = r.UintBigEndian(4);
      int64_t micros = ReadFraction(r, fsp, false);
      return UtcText(secs, static_cast<uint64_t>(micros), fsp);
    }
    case kTypeDateTime2: {
      int fsp = Fsp(c);
      int64_t intpart = static_cast<int64_t>(r.UintBigEndian(5)) - 0x8000000000LL;
      int64_t micros = ReadFraction(r, fsp, false);
      if (intpart < 0 || micros > 999999) Fail("DATETIME value out of range");
      return DateTimeFromIntPart(static_cast<uint64_t>(intpart), static_cast<uint64_t>(micros), fsp);
    }
    case kTypeTime2: {
      int fsp = Fsp(c);
      int64_t packed;
      if (fsp >= 5) {
        packed = static_cast<int64_t>(r.UintBigEndian(6)) - 0x800000000000LL;
      } else {
        int64_t intpart = static_cast<int64_t>(r.UintBigEndian(3)) - 0x800000;
        int64_t frac = 0;
        if (fsp == 1 || fsp == 2) {
          frac = r.U8();  // unsigned: a negative value borrows below
          if (intpart < 0 && frac != 0) {
            intpart++;
            frac -= 0x100;
          }
          frac *= 10000;
        } else if (fsp == 3 || fsp == 4) {
          frac = static_cast<int64_t>(r.UintBigEndian(2));
          if (intpart < 0 && frac != 0) {
            intpart++;
            frac -= 0x10000;
          }
          frac *= 100;
        }
        packed = intpart * (int64_t{1} << 24) + frac;
      }
      return TimeFromPacked(packed, fsp);
    }
    case kTypeVarchar: case kTypeVarString: {
      size_t len = c.max_length > 255 ? r.U16() : r.U8();
      return Text(c, r.TakeString(len));
    }
    case kTypeBit: {
      size_t bytes = (c.meta >> 8) + ((c.meta & 0xff) ? 1 : 0);
      if (bytes == 0 || bytes > 8) Fail("BIT column with a length of " + std::to_string(bytes) + " bytes");
      return std::string(r.TakeString(bytes));
    }
    case kTypeEnum: case kTypeSet: case kTypeString: {
      if (c.real_type == kTypeEnum) {
        if (c.max_length != 1 && c.max_length != 2) Fail("ENUM with a pack length of " + std::to_string(c.max_length));
        return LabelOf(c, r.Uint(c.max_length));
      }
      if (c.real_type == kTypeSet) {
        if (c.max_length < 1 || c.max_length > 8) Fail("SET with a pack length of " + std::to_string(c.max_length));
        return SetLabels(c, r.Uint(c.max_length));
      }
      size_t len = c.max_length > 255 ? r.U16() : r.U8();
      std::string_view v = r.TakeString(len);
      if (c.collation == 63 && v.size() < c.max_length) {
        // BINARY(n): the binlog drops the trailing 0x00 padding the column holds.
        std::string padded(v);
        padded.resize(c.max_length, '\0');
        return padded;
      }
      return Text(c, v);
    }
    case kTypeBlob: case kTypeTinyBlob: case kTypeMediumBlob: case kTypeLongBlob: case kTypeGeometry:
    case kTypeJson: {
      if (c.meta < 1 || c.meta > 4) Fail("BLOB with a length size of " + std::to_string(c.meta));
      size_t len = static_cast<size_t>(r.Uint(c.meta));
      std::string_view v = r.TakeString(len);
      if (c.type == kTypeJson) return MySqlJsonToText(Bytes(reinterpret_cast<const uint8_t*>(v.data()), v.size()));
      if (c.type == kTypeGeometry || c.collation == 63) return std::string(v);
      return Text(c, v);
    }
    default:
      Fail(std::string("column type ") + std::to_string(c.type) + " is not supported in row images");
  }
}

// ---------------------------------------------------------------------------
// BinlogDecoder

BinlogDecoder::BinlogDecoder(DecoderOptions options, BinlogPosition start)
    : options_(std::move(options)), committed_(std::move(start)) {
  fd_.checksum_alg = options_.initial_checksum_alg;
  file_ = committed_.file;
}

void BinlogDecoder::ResetTransaction() {
  active_ = false;
  standalone_ = false;
  have_gtid_ = false;
  commit_us_ = 0;
  txn_bytes_ = 0;
  txn_ = CapturedTransaction{};
  tables_.clear();
}

void BinlogDecoder::Feed(Bytes event, std::vector<CapturedTransaction>* out) {
  if (event.size() < kEventHeaderSize) Fail("event shorter than its header");
  ++stats_.events;
  stats_.bytes += event.size();
  EventHeader h = ParseEventHeader(event);
  if (h.type == kFormatDescriptionEvent) {
    fd_ = ParseFormatDescription(event, options_.verify_checksums);
    have_fd_ = true;
    return;
  }
  Event e = SplitEvent(event, fd_.checksum_alg, options_.verify_checksums);
  FeedEvent(e, h.log_pos, out);
}

void BinlogDecoder::Begin(const EventHeader& h) {
  active_ = true;
  txn_.origin = std::to_string(h.server_id);
}

void BinlogDecoder::Commit(const EventHeader& h, uint32_t end_pos, std::vector<CapturedTransaction>* out) {
  if (have_gtid_) committed_.Advance(gtid_);
  if (!options_.gtid_positions) {
    committed_.gtid_mode = false;
    committed_.file = file_;
    if (end_pos != 0) committed_.offset = end_pos;
  } else {
    committed_.gtid_mode = true;
  }
  txn_.position = committed_.ToString();
  txn_.commit_time_us = commit_us_ != 0 ? static_cast<int64_t>(commit_us_) : int64_t{h.timestamp} * 1000000;
  if (txn_.origin.empty()) txn_.origin = std::to_string(h.server_id);
  ++stats_.transactions;
  out->push_back(std::move(txn_));
  active_ = false;
  standalone_ = false;
  have_gtid_ = false;
  commit_us_ = 0;
  txn_bytes_ = 0;
  txn_ = CapturedTransaction{};
  // Table ids are only valid within the statement/transaction that mapped them.
  tables_.clear();
}

void BinlogDecoder::FeedEvent(const Event& e, uint32_t end_pos, std::vector<CapturedTransaction>* out) {
  const EventHeader& h = e.header;
  switch (h.type) {
    case kRotateEvent: {
      RotateEvent rot = ParseRotate(e, fd_);
      file_ = rot.next_file;
      if (!options_.gtid_positions && !active_) committed_ = BinlogPosition::AtFile(file_, rot.position);
      return;
    }
    case kMariaGtidEvent: {
      MariaGtidEvent g = ParseMariaGtid(e);
      if (active_) ResetTransaction();  // an unterminated group (the stream restarted)
      Begin(h);
      gtid_ = g.gtid;
      have_gtid_ = true;
      standalone_ = (g.flags & kMariaGtidStandalone) != 0;
      return;
    }
    case kGtidEvent: case kAnonymousGtidEvent: {
      MySqlGtidEvent g = ParseMySqlGtid(e);
      if (active_) ResetTransaction();
      commit_us_ = g.original_commit_us;
      return;
    }
    case kQueryEvent: case kQueryCompressedEvent:
      OnQuery(e, end_pos, out);
      return;
    case kXidEvent:
      ParseXid(e);
      if (active_) Commit(h, end_pos, out);
      return;
    case kXaPrepareEvent:
      // MariaDB/MySQL XA: the group ends at XA PREPARE; its rows are emitted
      // then (see the report: XA COMMIT/ROLLBACK are not correlated yet).
      if (active_) Commit(h, end_pos, out);
      return;
    case kTableMapEvent: {
      auto t = std::make_shared<Table>();
      t->map = ParseTableMap(e, fd_);
      if (options_.table_filter) t->included = options_.table_filter(t->map.schema, t->map.table);
      t->names.reserve(t->map.columns.size());
      for (size_t i = 0; i < t->map.columns.size(); ++i) {
        const std::string& n = t->map.columns[i].name;
        t->names.push_back(n.empty() ? "@" + std::to_string(i + 1) : n);
      }
      if (tables_.size() > 100000) Fail("more than 100000 table maps in one transaction");
      txn_bytes_ += sizeof(Table) + t->map.columns.size() * (sizeof(ColumnDef) + sizeof(std::string));
      if (txn_bytes_ > options_.max_transaction_bytes) Fail("transaction exceeds the in-memory limit");
      tables_[t->map.table_id] = std::move(t);
      return;
    }
    case kPartialUpdateRowsEvent:
      Fail("PARTIAL_UPDATE_ROWS event: the source logs partial JSON updates; set binlog_row_value_options='' "
           "(the default) on the source so updates carry full JSON values");
    case kTransactionPayloadEvent:
      OnPayload(e, out);
      return;
    case kStartEncryptionEvent:
      Fail("the binlog is encrypted (START_ENCRYPTION event): read it through the server, not from the file");
    case kFormatDescriptionEvent:
      return;  // handled by Feed
    case kHeartbeatEvent: case kHeartbeatEventV2: case kStopEvent: case kIntvarEvent: case kRandEvent:
    case kUserVarEvent: case kIncidentEvent: case kIgnorableEvent: case kRowsQueryEvent: case kPreviousGtidsEvent:
    case kTransactionContextEvent: case kViewChangeEvent: case kAnnotateRowsEvent: case kBinlogCheckpointEvent:
    case kMariaGtidListEvent:
      return;
    default:
      if (IsRowsEvent(h.type)) {
        OnRows(e);
        return;
      }
      if (h.flags & 0x80) return;  // LOG_EVENT_IGNORABLE_F: safe to skip
      Fail(std::string("unsupported binlog event type ") + std::to_string(h.type) + " at end position " +
           std::to_string(h.log_pos));
  }
}

namespace {

std::string UpperPrefix(std::string_view q, size_t n) {
  size_t i = 0;
  while (i < q.size() && (q[i] == ' ' || q[i] == '\n' || q[i] == '\t' || q[i] == '\r')) ++i;
  std::string out;
  for (; i < q.size() && out.size() < n; ++i) out += static_cast<char>(std::toupper(static_cast<unsigned char>(q[i])));
  return out;
}

}  // namespace

void BinlogDecoder::OnQuery(const Event& e, uint32_t end_pos, std::vector<CapturedTransaction>* out) {
  QueryEvent q;
  if (e.header.type == kQueryCompressedEvent) {
    q = ParseQuery(e, fd_);
    // MariaDB: the statement text is zlib-compressed with the rows' header format.
    std::vector<uint8_t> inflated;
    ByteReader r(Bytes(reinterpret_cast<const uint8_t*>(q.query.data()), q.query.size()), "compressed query");
    uint8_t head = r.U8();
    size_t lenlen = head & 0x07;
    if ((head & 0x70) != 0 || lenlen == 0 || lenlen > 4) Fail("compressed query: unsupported header byte");
    uint64_t want = r.UintBigEndian(lenlen);
    if (want > (r.remaining() + 64) * 1100) Fail("compressed query: implausible length");
    inflated.resize(want);
    uLongf got = static_cast<uLongf>(want);
    Bytes src = r.RestBytes();
    if (uncompress(inflated.data(), &got, src.data(), static_cast<uLong>(src.size())) != Z_OK || got != want) {
      Fail("compressed query: zlib stream is corrupt");
    }
    q.query.assign(reinterpret_cast<const char*>(inflated.data()), inflated.size());
  } else {
    q = ParseQuery(e, fd_);
  }
  std::string head = UpperPrefix(q.query, 12);
  auto is = [&](std::string_view word) {
    return head.compare(0, word.size(), word) == 0 && (head.size() == word.size() || head[word.size()] == ' ' ||
                                                      head[word.size()] == ';');
  };
  if (is("BEGIN") || head.rfind("XA START", 0) == 0 || head.rfind("XA BEGIN", 0) == 0) {
    if (!active_) Begin(e.header);
    return;
  }
  if (is("COMMIT")) {
    if (active_) Commit(e.header, end_pos, out);
    return;
  }
  if (is("ROLLBACK") && head.rfind("ROLLBACK TO", 0) != 0) {
    // Non-transactional changes logged before a ROLLBACK stand.
    if (active_) Commit(e.header, end_pos, out);
    return;
  }
  if (is("SAVEPOINT") || head.rfind("ROLLBACK TO", 0) == 0 || head.rfind("XA END", 0) == 0) return;
  if (head.rfind("XA COMMIT", 0) == 0 || head.rfind("XA ROLLBACK", 0) == 0) {
    if (!active_) Begin(e.header);
    Commit(e.header, end_pos, out);
    return;
  }
  bool in_group = active_ && !standalone_;
  if (!active_) Begin(e.header);
  txn_.ddl.push_back(DdlChange{q.schema, q.query});
  // A statement outside BEGIN...COMMIT (DDL, or a MariaDB standalone group)
  // is a transaction of its own; inside a group it stays with the group.
  if (!in_group) Commit(e.header, end_pos, out);
}

void BinlogDecoder::OnRows(const Event& e) {
  RowsEvent rows = ParseRowsEvent(e, fd_, &scratch_);
  if (rows.kind == RowsKind::kPartialUpdate) Fail("PARTIAL_UPDATE_ROWS event: set binlog_row_value_options=''");
  auto it = tables_.find(rows.table_id);
  if (it == tables_.end()) {
    Fail("rows event for table id " + std::to_string(rows.table_id) + " without a preceding TABLE_MAP event");
  }
  const Table& t = *it->second;
  if (!active_) Begin(e.header);
  if (!t.included) return;
  const auto& cols = t.map.columns;
  if (rows.column_count > cols.size()) {
    Fail("rows event for " + t.map.schema + "." + t.map.table + " has " + std::to_string(rows.column_count) +
         " columns, its TABLE_MAP " + std::to_string(cols.size()));
  }
  ByteReader r(rows.rows, "row image");
  size_t names_bytes = 0;
  for (const auto& n : t.names) names_bytes += sizeof(std::string) + n.size();
  // Each image repeats the column list: count it against the memory budget
  // so a small event cannot expand into a huge transaction.
  size_t per_row = sizeof(RowChange) + names_bytes + 2 * cols.size() * sizeof(CapturedValue);
  auto image = [&](const std::vector<uint8_t>& present, std::vector<CapturedValue>* values) {
    size_t n_present = 0;
    for (uint32_t i = 0; i < rows.column_count; ++i) n_present += BitSet(present, i);
    Bytes nulls = r.Take((n_present + 7) / 8);
    values->assign(cols.size(), CapturedValue{CapturedValue::Kind::kMissing, {}});
    size_t k = 0;
    for (uint32_t i = 0; i < rows.column_count; ++i) {
      if (!BitSet(present, i)) continue;
      bool is_null = (nulls[k / 8] >> (k % 8)) & 1;
      ++k;
      if (is_null) {
        (*values)[i] = CapturedValue::Null();
      } else {
        (*values)[i] = CapturedValue::Of(DecodeValue(cols[i], r));
      }
    }
  };
  while (!r.empty()) {
    size_t before_pos = r.pos();
    txn_bytes_ += per_row;
    if (txn_bytes_ > options_.max_transaction_bytes) {
      Fail("transaction exceeds the in-memory limit of " + std::to_string(options_.max_transaction_bytes) + " bytes");
    }
    RowChange rc;
    rc.schema = t.map.schema;
    rc.table = t.map.table;
    rc.columns = t.names;
    switch (rows.kind) {
      case RowsKind::kWrite:
        rc.kind = ChangeKind::kInsert;
        image(rows.present_before, &rc.after);
        break;
      case RowsKind::kDelete:
        rc.kind = ChangeKind::kDelete;
        image(rows.present_before, &rc.before);
        break;
      default:
        rc.kind = ChangeKind::kUpdate;
        image(rows.present_before, &rc.before);
        image(rows.present_after, &rc.after);
        break;
    }
    if (r.pos() == before_pos) Fail("rows event with an empty row image");
    for (const auto& v : rc.before) txn_bytes_ += v.text.size();
    for (const auto& v : rc.after) txn_bytes_ += v.text.size();
    ++stats_.row_changes;
    txn_.rows.push_back(std::move(rc));
  }
}

void BinlogDecoder::OnPayload(const Event& e, std::vector<CapturedTransaction>* out) {
  TransactionPayload p = ParseTransactionPayload(e);
  std::vector<uint8_t> inner;
  DecompressPayload(p, options_.max_payload_bytes, &inner);
  ByteReader r(Bytes(inner.data(), inner.size()), "TRANSACTION_PAYLOAD contents");
  while (!r.empty()) {
    Bytes head = r.Take(kEventHeaderSize);
    EventHeader h = ParseEventHeader(head);
    if (h.event_size < kEventHeaderSize) Fail("TRANSACTION_PAYLOAD: inner event shorter than its header");
    r.Skip(h.event_size - kEventHeaderSize);
    Bytes whole(head.data(), h.event_size);  // header and body are contiguous
    if (h.type == kTransactionPayloadEvent || h.type == kFormatDescriptionEvent) {
      Fail("TRANSACTION_PAYLOAD: unexpected inner " + std::string(EventTypeName(h.type)) + " event");
    }
    // Inner events carry no checksums; the transaction ends where the payload event ends.
    Event inner_event = SplitEvent(whole, kChecksumOff, false);
    FeedEvent(inner_event, e.header.log_pos, out);
  }
}

}  // namespace sluice::binlog
