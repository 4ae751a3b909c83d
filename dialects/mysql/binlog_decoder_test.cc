// Binlog decoding on event bytes. The MySQL-8-only formats (v2 row events
// with extra data, GTID events with commit timestamps, zstd TRANSACTION_PAYLOAD,
// binary JSON) are built here field by field from MySQL's documented layouts;
// MariaDB's come from a binlog file the real server wrote (testdata/binlog).

#include <doctest/doctest.h>
#include <zlib.h>
#include <zstd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <tuple>

#include "dialects/mysql/binlog_decoder.h"
#include "dialects/mysql/binlog_file.h"
#include "dialects/mysql/binlog_json.h"
#include "dialects/mysql/binlog_position.h"
#include "dialects/mysql/binlog_precheck.h"

namespace sluice::binlog {
namespace {

// ---------------------------------------------------------------------------
// Builders for the documented formats

void Le(std::string& b, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b += static_cast<char>((v >> (8 * i)) & 0xff);
}
void Be(std::string& b, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) b += static_cast<char>((v >> (8 * i)) & 0xff);
}
void Packed(std::string& b, uint64_t v) {
  if (v < 251) {
    b += static_cast<char>(v);
  } else if (v < 65536) {
    b += '\xfc';
    Le(b, v, 2);
  } else if (v < (1 << 24)) {
    b += '\xfd';
    Le(b, v, 3);
  } else {
    b += '\xfe';
    Le(b, v, 8);
  }
}
void PackedStr(std::string& b, const std::string& s) {
  Packed(b, s.size());
  b += s;
}

Bytes B(const std::string& s) { return Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

// A whole event: the 19-byte header, the body, and a CRC32 when asked.
std::string Event(uint8_t type, const std::string& body, uint32_t log_pos, bool crc, uint32_t timestamp = 1700000000) {
  std::string e;
  Le(e, timestamp, 4);
  e += static_cast<char>(type);
  Le(e, 1, 4);  // server id
  Le(e, 19 + body.size() + (crc ? 4 : 0), 4);
  Le(e, log_pos, 4);
  Le(e, 0, 2);
  e += body;
  if (crc) Le(e, crc32(0, reinterpret_cast<const Bytef*>(e.data()), static_cast<uInt>(e.size())), 4);
  return e;
}

// A MySQL 8.0 FORMAT_DESCRIPTION: post-header lengths for the 41 event types.
std::string MySql8Fde() {
  std::string b;
  Le(b, 4, 2);
  std::string ver = "8.0.36";
  ver.resize(50, '\0');
  b += ver;
  Le(b, 0, 4);
  b += static_cast<char>(19);
  std::string lengths(41, '\0');
  lengths[kQueryEvent - 1] = 13;
  lengths[kRotateEvent - 1] = 8;
  lengths[kFormatDescriptionEvent - 1] = static_cast<char>(57 + 41);
  lengths[kTableMapEvent - 1] = 8;
  for (int t : {kWriteRowsEventV1, kUpdateRowsEventV1, kDeleteRowsEventV1}) lengths[t - 1] = 8;
  for (int t : {kWriteRowsEventV2, kUpdateRowsEventV2, kDeleteRowsEventV2, kPartialUpdateRowsEvent}) lengths[t - 1] = 10;
  lengths[kGtidEvent - 1] = 42;
  lengths[kAnonymousGtidEvent - 1] = 42;
  b += lengths;
  b += static_cast<char>(kChecksumCrc32);
  return Event(kFormatDescriptionEvent, b, 120, true);
}

std::string MySqlGtid(uint64_t gno, uint64_t original_commit_us) {
  std::string b;
  b += '\x01';  // flags: may have been committed
  for (int i = 0; i < 16; ++i) b += static_cast<char>(0x10 + i);
  Le(b, gno, 8);
  b += '\x02';  // logical timestamps follow
  Le(b, 5, 8);
  Le(b, 6, 8);
  Le(b, (original_commit_us + 1) | (1ULL << 55), 7);  // immediate, with "original follows"
  Le(b, original_commit_us, 7);
  Packed(b, 1234);  // transaction length
  return b;
}

std::string Query(const std::string& schema, const std::string& sql) {
  std::string b;
  Le(b, 9, 4);   // thread id
  Le(b, 0, 4);   // exec time
  b += static_cast<char>(schema.size());
  Le(b, 0, 2);   // error code
  std::string status = "\x00\x00\x00\x00\x00";  // Q_FLAGS2_CODE = 0
  Le(b, status.size(), 2);
  b += status + schema + '\0' + sql;
  return b;
}

// MySQL binary decimal: groups of 9 digits in 4 bytes, partial groups in
// fewer, sign bit flipped, negatives inverted.
std::string BinaryDecimal(const std::string& text, int precision, int scale) {
  static const int kDig[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
  bool neg = text[0] == '-';
  std::string t = neg ? text.substr(1) : text;
  size_t dot = t.find('.');
  std::string ip = t.substr(0, dot), fp = dot == std::string::npos ? "" : t.substr(dot + 1);
  int intg = precision - scale;
  ip = std::string(intg - ip.size(), '0') + ip;
  fp += std::string(scale - fp.size(), '0');
  std::string out;
  int lead = intg % 9;
  size_t pos = 0;
  if (lead) {
    Be(out, std::stoull(ip.substr(0, lead)), kDig[lead]);
    pos = lead;
  }
  for (; pos < ip.size(); pos += 9) Be(out, std::stoull(ip.substr(pos, 9)), 4);
  for (pos = 0; pos + 9 <= fp.size(); pos += 9) Be(out, std::stoull(fp.substr(pos, 9)), 4);
  if (scale % 9) Be(out, std::stoull(fp.substr(pos)), kDig[scale % 9]);
  out[0] = static_cast<char>(out[0] ^ 0x80);
  if (neg) {
    for (char& c : out) c = static_cast<char>(~c);
  }
  return out;
}

// A MySQL 8 table: id INT, name VARCHAR(20) utf8mb4, e ENUM('on','off'),
// amount DECIMAL(10,2), ts TIMESTAMP(3), j JSON, u BIGINT UNSIGNED.
std::string TableMapBody(uint64_t table_id) {
  std::string b;
  Le(b, table_id, 6);
  Le(b, 1, 2);
  b += '\x04';
  b += "shop";
  b += '\0';
  b += '\x05';
  b += "order";
  b += '\0';
  Packed(b, 7);
  b += std::string{static_cast<char>(kTypeLong), static_cast<char>(kTypeVarchar), static_cast<char>(kTypeString),
                   static_cast<char>(kTypeNewDecimal), static_cast<char>(kTypeTimestamp2),
                   static_cast<char>(kTypeJson), static_cast<char>(kTypeLongLong)};
  std::string meta;
  Le(meta, 80, 2);                       // VARCHAR(20) utf8mb4: 80 bytes
  meta += static_cast<char>(kTypeEnum);  // STRING: real type, pack length
  meta += '\x01';
  meta += '\x0a';  // precision
  meta += '\x02';  // scale
  meta += '\x03';  // TIMESTAMP(3)
  meta += '\x04';  // JSON length bytes
  PackedStr(b, meta);
  b += '\x7e';  // nullable: all but id
  // Optional metadata (binlog_row_metadata=FULL).
  auto field = [&](int type, const std::string& value) {
    b += static_cast<char>(type);
    PackedStr(b, value);
  };
  field(1, "\x20");  // SIGNEDNESS: numeric columns id, amount, u -> 0 0 1, most significant bit first
  std::string cs;
  Packed(cs, 255);  // utf8mb4_0900_ai_ci, no exceptions
  field(2, cs);
  std::string names;
  for (const char* n : {"id", "name", "e", "amount", "ts", "j", "u"}) PackedStr(names, n);
  field(4, names);
  std::string labels;
  Packed(labels, 2);
  PackedStr(labels, "on");
  PackedStr(labels, "off");
  field(6, labels);
  field(8, std::string(1, '\0'));  // primary key: column 0
  field(12, "\x7f");  // COLUMN_VISIBILITY: ignored
  return b;
}

const std::string kJsonObject = std::string("\x00\x01\x00\x0c\x00\x0b\x00\x01\x00\x05\x01\x00" "a", 13);  // {"a": 1}

std::string RowsV2Header(uint64_t table_id, const std::string& extra) {
  std::string b;
  Le(b, table_id, 6);
  Le(b, kRowsStmtEndFlag, 2);
  Le(b, 2 + extra.size(), 2);
  b += extra;
  return b;
}

std::string InsertRowsV2(uint64_t table_id) {
  std::string b = RowsV2Header(table_id, std::string("\x00\x01\x02", 3));
  Packed(b, 7);
  b += '\x7f';
  // Row 1: every column.
  b += '\x00';
  Le(b, 7, 4);
  b += static_cast<char>(4);
  b += "a\xc3\xb1" "b";
  b += '\x02';  // ENUM ordinal 2: 'off'
  b += BinaryDecimal("-12.34", 10, 2);
  Be(b, 1700000000, 4);
  Be(b, 123 * 10, 2);  // TIMESTAMP(3): two fraction bytes in units of 1/10000 s
  Le(b, kJsonObject.size(), 4);
  b += kJsonObject;
  Le(b, UINT64_MAX, 8);
  // Row 2: id only, the rest NULL (bits 1..6).
  b += '\x7e';
  Le(b, 8, 4);
  return b;
}

std::string UpdateRowsV2Minimal(uint64_t table_id) {
  std::string b = RowsV2Header(table_id, "");
  Packed(b, 7);
  b += '\x01';  // before image: id only (binlog_row_image=MINIMAL)
  b += '\x03';  // after image: id, name
  b += '\x00';
  Le(b, 7, 4);
  b += '\x00';
  Le(b, 7, 4);
  b += '\x01';
  b += 'x';
  return b;
}

// ---------------------------------------------------------------------------

TEST_CASE("format description: post-header lengths and a verified CRC32") {
  std::string fde = MySql8Fde();
  FormatDescription fd = ParseFormatDescription(B(fde), true);
  CHECK(fd.server_version == "8.0.36");
  CHECK(fd.checksum_alg == kChecksumCrc32);
  CHECK(fd.post_header_lengths.size() == 41);
  CHECK(fd.PostHeaderLength(kWriteRowsEventV2, 0) == 10);
  CHECK(fd.PostHeaderLength(200, 99) == 99);
  fde[30] ^= 1;
  CHECK_THROWS_WITH_AS(ParseFormatDescription(B(fde), true), doctest::Contains("CRC32 mismatch"), BinlogError);
}

TEST_CASE("a corrupted event fails its checksum") {
  std::string e = Event(kXidEvent, std::string(8, '\x05'), 500, true);
  CHECK(ParseXid(SplitEvent(B(e), kChecksumCrc32, true)) == 0x0505050505050505ULL);
  e[22] ^= 0x40;
  CHECK_THROWS_AS(SplitEvent(B(e), kChecksumCrc32, true), BinlogError);
  e = Event(kXidEvent, std::string(8, '\x05'), 500, true);
  e.pop_back();  // size field disagrees
  CHECK_THROWS_WITH_AS(SplitEvent(B(e), kChecksumCrc32, true), doctest::Contains("size field"), BinlogError);
}

TEST_CASE("MySQL GTID event: sid, gno and commit timestamps") {
  std::string e = Event(kGtidEvent, MySqlGtid(23, 1700000000123456ULL), 200, true);
  MySqlGtidEvent g = ParseMySqlGtid(SplitEvent(B(e), kChecksumCrc32, true));
  CHECK(g.Text() == "10111213-1415-1617-1819-1a1b1c1d1e1f:23");
  CHECK(g.last_committed == 5);
  CHECK(g.sequence_number == 6);
  CHECK(g.original_commit_us == 1700000000123456ULL);
  CHECK(g.immediate_commit_us == 1700000000123457ULL);
}

TEST_CASE("table map with full optional metadata") {
  FormatDescription fd = ParseFormatDescription(B(MySql8Fde()), true);
  std::string e = Event(kTableMapEvent, TableMapBody(42), 300, true);
  TableMap t = ParseTableMap(SplitEvent(B(e), kChecksumCrc32, true), fd);
  CHECK(t.table_id == 42);
  CHECK(t.schema == "shop");
  CHECK(t.table == "order");
  REQUIRE(t.columns.size() == 7);
  CHECK(t.columns[1].name == "name");
  CHECK(t.columns[1].max_length == 80);
  CHECK(t.columns[1].collation == 255);
  CHECK(t.columns[2].real_type == kTypeEnum);
  CHECK(t.columns[2].collation == 0);  // ENUM is not a "character column"
  CHECK(t.columns[2].labels == std::vector<std::string>{"on", "off"});
  CHECK(!t.columns[0].is_unsigned);
  CHECK(!t.columns[3].is_unsigned);
  CHECK(t.columns[6].is_unsigned);
  CHECK(!t.columns[0].nullable);
  CHECK(t.columns[1].nullable);
  CHECK(t.primary_key == std::vector<uint32_t>{0});
}

// SLUICE_WRITE_BINLOG_CORPUS=1 saves the event streams built here as fuzz
// seeds (tests/fuzz/binlog; mode byte 0x30: verified checksums).
void MaybeWriteCorpus(const std::string& name, const std::vector<std::string>& events) {
  if (std::getenv("SLUICE_WRITE_BINLOG_CORPUS") == nullptr) return;
  std::ofstream out(std::string(SLUICE_SOURCE_DIR) + "/tests/fuzz/binlog/" + name, std::ios::binary);
  out << '\x30';
  for (const auto& e : events) out << e;
}

std::vector<CapturedTransaction> FeedAll(BinlogDecoder& d, const std::vector<std::string>& events,
                                         const std::string& corpus_name = "") {
  if (!corpus_name.empty()) MaybeWriteCorpus(corpus_name, events);
  std::vector<CapturedTransaction> out;
  for (const auto& e : events) d.Feed(B(e), &out);
  return out;
}

TEST_CASE("MySQL 8: GTID, BEGIN, v2 rows with extra data, XID make one transaction") {
  DecoderOptions o;
  BinlogDecoder d(o, BinlogPosition::AtFile("binlog.000003", 4));
  auto txns = FeedAll(d, {MySql8Fde(), Event(kGtidEvent, MySqlGtid(23, 1700000000123456ULL), 300, true),
                          Event(kQueryEvent, Query("shop", "BEGIN"), 400, true),
                          Event(kTableMapEvent, TableMapBody(42), 500, true),
                          Event(kWriteRowsEventV2, InsertRowsV2(42), 600, true),
                          Event(kTableMapEvent, TableMapBody(42), 650, true),
                          Event(kUpdateRowsEventV2, UpdateRowsV2Minimal(42), 700, true),
                          Event(kXidEvent, std::string(8, '\x01'), 731, true)},
                      "mysql8_rows_v2");
  REQUIRE(txns.size() == 1);
  const CapturedTransaction& t = txns[0];
  CHECK(t.position == "binlog.000003:731");
  CHECK(t.commit_time_us == 1700000000123456LL);
  CHECK(t.origin == "1");
  REQUIRE(t.rows.size() == 3);
  CHECK(t.rows[0].columns == std::vector<std::string>{"id", "name", "e", "amount", "ts", "j", "u"});
  CHECK(t.rows[0].kind == ChangeKind::kInsert);
  std::vector<CapturedValue> want = {CapturedValue::Of("7"),
                                     CapturedValue::Of("a\xc3\xb1" "b"),
                                     CapturedValue::Of("off"),
                                     CapturedValue::Of("-12.34"),
                                     CapturedValue::Of("2023-11-14 22:13:20.123"),
                                     CapturedValue::Of("{\"a\": 1}"),
                                     CapturedValue::Of("18446744073709551615")};
  CHECK(t.rows[0].after == want);
  CHECK(t.rows[1].after[0] == CapturedValue::Of("8"));
  for (size_t i = 1; i < 7; ++i) CHECK(t.rows[1].after[i] == CapturedValue::Null());
  // Partial images: absent columns are kMissing, not NULL.
  CHECK(t.rows[2].kind == ChangeKind::kUpdate);
  CapturedValue missing{CapturedValue::Kind::kMissing, ""};
  CHECK(t.rows[2].before == std::vector<CapturedValue>{CapturedValue::Of("7"), missing, missing, missing, missing,
                                                       missing, missing});
  CHECK(t.rows[2].after[1] == CapturedValue::Of("x"));
  CHECK(t.rows[2].after[2] == missing);
  CHECK(d.position().ToString() == "binlog.000003:731");
}

TEST_CASE("MySQL 8: a zstd TRANSACTION_PAYLOAD holds the whole transaction") {
  // Inner events carry no checksums.
  std::string inner = Event(kQueryEvent, Query("shop", "BEGIN"), 0, false) +
                      Event(kTableMapEvent, TableMapBody(42), 0, false) +
                      Event(kWriteRowsEventV2, InsertRowsV2(42), 0, false) +
                      Event(kXidEvent, std::string(8, '\x01'), 0, false);
  std::string compressed(ZSTD_compressBound(inner.size()), '\0');
  size_t n = ZSTD_compress(compressed.data(), compressed.size(), inner.data(), inner.size(), 3);
  REQUIRE(!ZSTD_isError(n));
  compressed.resize(n);
  auto field = [](std::string& b, int type, uint64_t value) {
    std::string v;
    Packed(v, value);
    Packed(b, type);
    PackedStr(b, v);
  };
  std::string body;
  field(body, 1, compressed.size());  // payload size
  field(body, 2, 0);                  // compression: zstd
  field(body, 3, inner.size());       // uncompressed size
  Packed(body, 0);                    // end of header
  body += compressed;
  DecoderOptions o;
  BinlogDecoder d(o, BinlogPosition::AtFile("binlog.000009", 4));
  auto txns = FeedAll(d, {MySql8Fde(), Event(kGtidEvent, MySqlGtid(24, 1700000000000001ULL), 300, true),
                          Event(kTransactionPayloadEvent, body, 9999, true)},
                      "mysql8_payload");
  REQUIRE(txns.size() == 1);
  CHECK(txns[0].position == "binlog.000009:9999");
  REQUIRE(txns[0].rows.size() == 2);
  CHECK(txns[0].rows[0].after[3] == CapturedValue::Of("-12.34"));

  // A payload that decompresses beyond the limit is refused, not allocated.
  DecoderOptions small;
  small.max_payload_bytes = 100;
  BinlogDecoder d2(small, BinlogPosition::AtFile("binlog.000009", 4));
  std::vector<CapturedTransaction> out;
  d2.Feed(B(MySql8Fde()), &out);
  CHECK_THROWS_WITH_AS(d2.Feed(B(Event(kTransactionPayloadEvent, body, 9999, true)), &out),
                       doctest::Contains("limit"), BinlogError);
}

TEST_CASE("partial JSON updates are refused with the setting to change") {
  DecoderOptions o;
  BinlogDecoder d(o, BinlogPosition::AtFile("binlog.000001", 4));
  std::vector<CapturedTransaction> out;
  d.Feed(B(MySql8Fde()), &out);
  d.Feed(B(Event(kTableMapEvent, TableMapBody(42), 500, true)), &out);
  CHECK_THROWS_WITH_AS(d.Feed(B(Event(kPartialUpdateRowsEvent, UpdateRowsV2Minimal(42), 600, true)), &out),
                       doctest::Contains("binlog_row_value_options"), BinlogError);
}

TEST_CASE("DDL outside a transaction is a transaction of its own") {
  DecoderOptions o;
  BinlogDecoder d(o, BinlogPosition::AtFile("binlog.000001", 4));
  auto txns = FeedAll(d, {MySql8Fde(), Event(kAnonymousGtidEvent, MySqlGtid(0, 0), 300, true),
                          Event(kQueryEvent, Query("shop", "CREATE TABLE x (a INT)"), 400, true)});
  REQUIRE(txns.size() == 1);
  CHECK(txns[0].ddl == std::vector<DdlChange>{{"shop", "CREATE TABLE x (a INT)"}});
  CHECK(txns[0].position == "binlog.000001:400");
  CHECK(txns[0].commit_time_us == 1700000000LL * 1000000);
}

TEST_CASE("binary decimal to exact text") {
  size_t used = 0;
  // MySQL's documented example: 1234567890.1234 as DECIMAL(14,4).
  std::string doc = "\x81\x0d\xfb\x38\xd2\x04\xd2";
  CHECK(DecimalText(B(doc), 14, 4, &used) == "1234567890.1234");
  CHECK(used == 7);
  CHECK(BinaryDecimal("1234567890.1234", 14, 4) == doc);
  std::string neg = "\x7e\xf2\x04\xc7\x2d\xfb\x2d";
  CHECK(DecimalText(B(neg), 14, 4, &used) == "-1234567890.1234");
  for (auto [text, p, s] : std::vector<std::tuple<std::string, int, int>>{
           {"0.00", 10, 2}, {"-0.01", 10, 2}, {"99999", 5, 0}, {"0.000000001", 12, 9},
           {"12345678901234567890123456789012345.123456789012345678901234567890", 65, 30},
           {"-99999999999999999999999999999999999.999999999999999999999999999999", 65, 30}}) {
    CAPTURE(text);
    CHECK(DecimalText(B(BinaryDecimal(text, p, s)), p, s, &used) == text);
  }
  // "-0" is 0.
  std::string negzero = BinaryDecimal("0.00", 10, 2);
  for (char& c : negzero) c = static_cast<char>(~c);
  negzero[0] = static_cast<char>(negzero[0]);
  CHECK(DecimalText(B(negzero), 10, 2, &used) == "0.00");
  CHECK_THROWS_AS(DecimalText(B(std::string(3, '\xff')), 10, 2, &used), BinlogError);  // truncated
  CHECK_THROWS_AS(DecimalText(B(std::string("\xff\xff\xff\xff\xff", 5)), 9, 0, &used), BinlogError);  // > 999999999
}

TEST_CASE("temporal encodings") {
  auto decode = [](uint8_t type, uint16_t meta, const std::string& bytes) {
    ColumnDef c;
    c.type = type;
    c.real_type = type;
    c.meta = meta;
    ByteReader r(B(bytes));
    std::string out = DecodeValue(c, r);
    CHECK(r.empty());
    return out;
  };
  auto datetime2 = [](int y, int mo, int d, int h, int mi, int s, uint64_t frac, int frac_bytes) {
    uint64_t ym = static_cast<uint64_t>(y) * 13 + mo;
    uint64_t ymd = ym << 5 | d;
    uint64_t hms = static_cast<uint64_t>(h) << 12 | mi << 6 | s;
    std::string b;
    Be(b, (ymd << 17 | hms) + 0x8000000000ULL, 5);
    Be(b, frac, frac_bytes);
    return b;
  };
  CHECK(decode(kTypeDateTime2, 6, datetime2(2024, 2, 29, 12, 34, 56, 123456, 3)) == "2024-02-29 12:34:56.123456");
  CHECK(decode(kTypeDateTime2, 0, datetime2(0, 0, 0, 0, 0, 0, 0, 0)) == "0000-00-00 00:00:00");
  CHECK(decode(kTypeDateTime2, 2, datetime2(1999, 12, 31, 23, 59, 59, 5, 1)) == "1999-12-31 23:59:59.05");
  std::string date;
  Le(date, 2024 << 9 | 2 << 5 | 29, 3);
  CHECK(decode(kTypeDate, 0, date) == "2024-02-29");
  std::string ts;
  Be(ts, 0, 4);
  CHECK(decode(kTypeTimestamp2, 0, ts) == "0000-00-00 00:00:00");
  ts.clear();
  Be(ts, 951782400, 4);  // 2000-02-29 00:00:00 UTC
  Be(ts, 999999, 3);
  CHECK(decode(kTypeTimestamp2, 6, ts) == "2000-02-29 00:00:00.999999");
  // TIME2(0): -838:59:59
  std::string tm;
  Be(tm, static_cast<uint64_t>(0x800000 - (838 << 12 | 59 << 6 | 59)), 3);
  CHECK(decode(kTypeTime2, 0, tm) == "-838:59:59");
  // TIME2(6): -00:00:01.000001 as a 6-byte packed value.
  tm.clear();
  int64_t packed = -((int64_t{1} << 24) + 1);
  Be(tm, static_cast<uint64_t>(0x800000000000LL + packed), 6);
  CHECK(decode(kTypeTime2, 6, tm) == "-00:00:01.000001");
  std::string year = "\x7c";
  CHECK(decode(kTypeYear, 0, year) == "2024");
  CHECK(decode(kTypeYear, 0, std::string(1, '\0')) == "0000");
  CHECK_THROWS_AS(decode(kTypeTime2, 7, tm), BinlogError);
}

TEST_CASE("floats print the shortest text that reads back") {
  CHECK(FloatText(0.1f) == "0.1");
  CHECK(FloatText(3.4028235e38f) == "3.4028235e+38");
  CHECK(DoubleText(0.1) == "0.1");
  CHECK(DoubleText(1e300) == "1e+300");
  CHECK(DoubleText(-0.0) == "-0");
  CHECK(DoubleText(1.0 / 0.0) == "inf");
  CHECK(DoubleText(-1.0 / 0.0) == "-inf");
  CHECK(DoubleText(std::nan("")) == "nan");
}

TEST_CASE("MySQL binary JSON to text") {
  auto text = [](const std::string& doc) { return MySqlJsonToText(B(doc)); };
  CHECK(text("") == "null");
  CHECK(text(kJsonObject) == "{\"a\": 1}");
  CHECK(text(std::string("\x04\x01", 2)) == "true");
  CHECK(text(std::string("\x05\xff\xff", 3)) == "-1");
  CHECK(text(std::string("\x0a\xff\xff\xff\xff\xff\xff\xff\xff", 9)) == "18446744073709551615");
  std::string dbl = "\x0b";
  double v = 2.5;
  dbl.append(reinterpret_cast<const char*>(&v), 8);
  CHECK(text(dbl) == "2.5");
  v = 3;
  dbl = "\x0b";
  dbl.append(reinterpret_cast<const char*>(&v), 8);
  CHECK(text(dbl) == "3.0");
  CHECK(text(std::string("\x0c\x05h\"i\n\x01", 7)) == "\"h\\\"i\\n\\u0001\"");
  // Small array [null, "ab", [false]]: 3 entries; the nested array and the string by offset.
  std::string arr;
  arr += '\x02';
  std::string body;
  Le(body, 3, 2);
  Le(body, 0, 2);  // size, patched below
  body += '\x04';
  Le(body, 0, 2);  // null inline
  body += '\x0c';
  Le(body, 13, 2);  // string at 13
  body += '\x02';
  Le(body, 16, 2);  // array at 16
  body += "\x02" "ab";  // 13..15
  std::string inner;
  Le(inner, 1, 2);
  Le(inner, 7, 2);
  inner += '\x04';
  Le(inner, 2, 2);  // false
  body += inner;
  body[2] = static_cast<char>(body.size());
  CHECK(text(arr + body) == "[null, \"ab\", [false]]");
  // Large object {"k": 70000} with the int32 inlined.
  std::string large = "\x01";
  std::string lb;
  Le(lb, 1, 4);
  Le(lb, 4 + 4 + 6 + 5 + 1, 4);
  Le(lb, 19, 4);
  Le(lb, 1, 2);  // key entry: offset 19, length 1
  lb += '\x07';
  Le(lb, 70000, 4);  // int32 inline
  lb += 'k';
  CHECK(text(large + lb) == "{\"k\": 70000}");
  // Opaque DECIMAL and DATETIME.
  std::string dec = "\x0f";
  dec += static_cast<char>(kTypeNewDecimal);
  std::string decbytes = std::string("\x0e\x04", 2) + BinaryDecimal("1234567890.1234", 14, 4);
  dec += static_cast<char>(decbytes.size());
  dec += decbytes;
  CHECK(text(dec) == "1234567890.1234");
  std::string dt = "\x0f";
  dt += static_cast<char>(kTypeDateTime);
  dt += '\x08';
  uint64_t ymd = ((2015 * 13 + 1) << 5) | 15, hms = (23 << 12) | (24 << 6) | 25;
  Le(dt, ((ymd << 17 | hms) << 24) | 500000, 8);
  CHECK(text(dt) == "\"2015-01-15 23:24:25.500000\"");
}

TEST_CASE("hostile binary JSON is refused, never expanded or overrun") {
  // Offsets outside the container.
  std::string bad = std::string("\x02\x01\x00\x07\x00\x0c\xff\x00", 8);
  CHECK_THROWS_AS(MySqlJsonToText(B(bad)), BinlogError);
  // Deep nesting: arrays each holding the next.
  std::string deep;
  for (int i = 0; i < 300; ++i) deep += std::string("\x02\x01\x00\x07\x00\x02\x07\x00", 8);
  std::string doc = "\x02" + deep.substr(1);
  CHECK_THROWS_AS(MySqlJsonToText(B(doc)), BinlogError);
  // A DAG: every level's two entries point at the same child: 2^40 leaves.
  std::string dag;
  const int levels = 40;
  size_t level_size = 2 + 2 + 3 * 2;  // count, size, two entries
  for (int i = 0; i < levels; ++i) {
    std::string node;
    Le(node, 2, 2);
    size_t remaining = (levels - i) * level_size + 3;
    Le(node, remaining, 2);
    for (int k = 0; k < 2; ++k) {
      node += i + 1 < levels ? '\x02' : '\x04';
      Le(node, i + 1 < levels ? level_size : 1, 2);
    }
    dag += node;
  }
  dag += "\x00\x00\x00";
  CHECK_THROWS_AS(MySqlJsonToText(B("\x02" + dag)), BinlogError);
}

TEST_CASE("positions: file:offset and MariaDB GTID lists") {
  std::string err;
  auto p = BinlogPosition::Parse("mariadb-bin.000003:4567", &err);
  REQUIRE(p);
  CHECK(!p->gtid_mode);
  CHECK(p->file == "mariadb-bin.000003");
  CHECK(p->offset == 4567);
  p = BinlogPosition::Parse("1-2-7,0-1-123", &err);
  REQUIRE(p);
  CHECK(p->gtid_mode);
  CHECK(p->ToString() == "0-1-123,1-2-7");
  p->Advance(MariaGtid{1, 3, 8});
  p->Advance(MariaGtid{5, 1, 1});
  CHECK(p->ToString() == "0-1-123,1-3-8,5-1-1");
  CHECK(BinlogPosition::Parse("", &err)->ToString() == "");
  CHECK(!BinlogPosition::Parse("0-1", &err));
  CHECK(err.find("GTID") != std::string::npos);
  CHECK(!BinlogPosition::Parse("0-1-2,0-1-3", &err));  // two GTIDs of one domain
  CHECK(!BinlogPosition::Parse("x:abc", &err));
  CHECK(!BinlogPosition::Parse("/etc/passwd:4", &err));
}

TEST_CASE("prechecks on facts") {
  BinlogSourceFacts good;
  good.version = "10.11.6-MariaDB-log";
  good.variables = {{"log_bin", "ON"}, {"binlog_format", "ROW"}, {"binlog_row_image", "FULL"},
                    {"binlog_row_metadata", "FULL"}, {"expire_logs_days", "0"}, {"server_id", "1"}};
  good.grants = {"GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `cdc`@`%`"};
  good.replica_server_ids = {77};
  BinlogPrecheckOptions o;
  o.server_id = 1234;
  CHECK(CheckBinlogFacts(good, o).empty());

  BinlogSourceFacts bad = good;
  bad.version = "8.0.36";
  bad.variables = {{"log_bin", "OFF"}, {"binlog_format", "MIXED"}, {"binlog_row_image", "MINIMAL"},
                   {"binlog_row_metadata", "MINIMAL"}, {"binlog_expire_logs_seconds", "3600"},
                   {"server_id", "1"}, {"binlog_row_value_options", "PARTIAL_JSON"},
                   {"binlog_transaction_compression", "ON"}};
  bad.grants = {"GRANT SELECT ON *.* TO `cdc`@`%`"};
  o.server_id = 77;
  auto problems = CheckBinlogFacts(bad, o);
  std::vector<std::string> checks;
  for (const auto& p : problems) checks.push_back(p.check);
  CHECK(checks == std::vector<std::string>{"log_bin", "binlog_format", "binlog_row_image", "binlog_row_metadata",
                                           "binlog_retention", "privileges", "server_id",
                                           "binlog_row_value_options", "binlog_transaction_compression"});
  CHECK(problems[4].fix == "SET GLOBAL binlog_expire_logs_seconds = 10800 (at least; and in the config file)");
  CHECK(problems[5].fix == "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO <the capture user>");
  CHECK(problems.back().severity == BinlogProblem::Severity::kNote);

  BinlogSourceFacts old = good;
  old.version = "10.4.30-MariaDB";
  old.grants = {"GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"};
  o.server_id = 1234;
  problems = CheckBinlogFacts(old, o);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].check == "binlog_row_metadata");
}

// ---------------------------------------------------------------------------
// Captured from MariaDB 10.11 (testdata/binlog/mariadb-10.11-types.000002):
// the statements in testdata/binlog/mariadb-10.11-types.sql.

std::string CapturedFile() {
  return ReadWholeFile(std::string(SLUICE_SOURCE_DIR) + "/dialects/mysql/testdata/binlog/mariadb-10.11-types.000002");
}

TEST_CASE("a MariaDB binlog file decodes into the transactions that made it") {
  std::vector<CapturedTransaction> txns;
  DecodeRate rate = DecodeBinlogFile(
      std::string(SLUICE_SOURCE_DIR) + "/dialects/mysql/testdata/binlog/mariadb-10.11-types.000002", DecoderOptions{},
      [&](CapturedTransaction&& t) { txns.push_back(std::move(t)); });
  CHECK(rate.events > 20);
  std::vector<std::string> ddl;
  std::vector<RowChange> rows;
  for (const auto& t : txns) {
    CHECK(t.position.rfind("mariadb-10.11-types.000002:", 0) == 0);
    for (const auto& d : t.ddl) ddl.push_back(d.statement);
    for (const auto& r : t.rows) rows.push_back(r);
  }
  REQUIRE(ddl.size() == 3);
  CHECK(ddl[0] == "CREATE DATABASE cap");
  CHECK(ddl[2] == "ALTER TABLE t ADD COLUMN n INT");
  REQUIRE(rows.size() == 6);
  const RowChange& r = rows[0];
  CHECK(r.schema == "cap");
  std::vector<std::string> want = {"1", "-5", "18446744073709551615", "1.5", "-2.25", "-123.45", "2024-02-29",
                                   "2024-02-29 12:34:56.500000", "2001-02-03 04:05:06.789", "-12:00:00.25", "1999",
                                   "x\xf0\x9f\x98\x80y", std::string("ab\0\0", 4), "caf\xc3\xa9", "b", "y,z",
                                   std::string("\x02\x01", 2), "{\"k\": [1, true]}"};
  for (size_t i = 0; i < want.size(); ++i) {
    CAPTURE(r.columns[i]);
    CHECK(r.after[i] == CapturedValue::Of(want[i]));
  }
  CHECK(r.after[19] == CapturedValue::Of("hello"));
  // One transaction: a key update and a delete.
  CHECK(rows[2].kind == ChangeKind::kUpdate);
  CHECK(rows[2].before[0] == CapturedValue::Of("1"));
  CHECK(rows[2].after[0] == CapturedValue::Of("3"));
  CHECK(rows[2].after[11] == CapturedValue::Of("changed"));
  CHECK(rows[3].kind == ChangeKind::kDelete);
  // Written with log_bin_compress=ON: compressed row events, same values.
  std::string image = CapturedFile();
  bool compressed = false;
  for (Bytes e : SplitBinlogFile(B(image))) compressed = compressed || IsCompressedRowsEvent(e[4]);
  CHECK(compressed);
  CHECK(rows[4].after[19] == CapturedValue::Of([] {
          std::string s;
          for (int i = 0; i < 200; ++i) s += "compressible ";
          return s;
        }()));
  CHECK(rows[5].kind == ChangeKind::kUpdate);
  CHECK(rows[5].after[19].text.size() == 6 * 300);
}

TEST_CASE("every truncation and many corruptions of real events fail cleanly") {
  std::string image = CapturedFile();
  std::vector<Bytes> events = SplitBinlogFile(B(image));
  REQUIRE(events.size() > 20);
  size_t errors = 0;
  for (size_t k = 1; k < events.size(); ++k) {
    for (int mode = 0; mode < 2; ++mode) {
      std::string e(reinterpret_cast<const char*>(events[k].data()), events[k].size());
      for (size_t cut = 0; cut < e.size(); cut += (mode == 0 ? 1 : 3)) {
        std::string mutated = e;
        if (mode == 0) {
          mutated.resize(cut);
        } else {
          mutated[cut] = static_cast<char>(mutated[cut] ^ 0x5a);
        }
        // Without checksum verification, so the corruption reaches the parsers.
        DecoderOptions o;
        o.verify_checksums = false;
        BinlogDecoder d(o, BinlogPosition::AtFile("f", 4));
        std::vector<CapturedTransaction> out;
        try {
          for (size_t i = 0; i < k; ++i) d.Feed(events[i], &out);
          d.Feed(B(mutated), &out);
        } catch (const BinlogError&) {
          ++errors;
        }
      }
    }
  }
  CHECK(errors > 100);
}

}  // namespace
}  // namespace sluice::binlog

namespace sluice::binlog {
namespace {

// The decode benchmark helper: SLUICE_BINLOG_BENCH_FILE=<a binlog file> runs
// DecodeBinlogFile over it and prints the rate (bench/cdc drives this and
// compares with `mariadb-binlog -v`). Skipped when the variable is unset.
TEST_CASE("decode rate of a binlog file (SLUICE_BINLOG_BENCH_FILE)") {
  const char* path = std::getenv("SLUICE_BINLOG_BENCH_FILE");
  if (path == nullptr) return;
  uint64_t values = 0;
  DecodeRate rate = DecodeBinlogFile(path, DecoderOptions{}, [&](CapturedTransaction&& t) {
    for (const auto& r : t.rows) values += r.before.size() + r.after.size();
  });
  MESSAGE(rate.Summary() << ", " << values << " values");
  CHECK(rate.events > 0);
}

}  // namespace
}  // namespace sluice::binlog
