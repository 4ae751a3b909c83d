// pgoutput decoding on message bytes built here field by field from the
// "Logical Replication Message Formats" section of the PostgreSQL manual.

#include "dialects/postgresql/pgoutput_decoder.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "dialects/postgresql/pg_replication_connection.h"
#include "dialects/postgresql/pgoutput_values.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

using namespace sluice;
using Kind = CapturedValue::Kind;

namespace {

// Big-endian message builder.
class Msg {
 public:
  explicit Msg(char type) { s_ += type; }
  Msg& U8(uint8_t v) {
    s_ += static_cast<char>(v);
    return *this;
  }
  Msg& U16(uint16_t v) { return Big(v, 2); }
  Msg& U32(uint32_t v) { return Big(v, 4); }
  Msg& U64(uint64_t v) { return Big(v, 8); }
  Msg& Str(std::string_view v) {
    s_ += v;
    s_ += '\0';
    return *this;
  }
  Msg& Raw(std::string_view v) {
    s_ += v;
    return *this;
  }
  // TupleData column kinds.
  Msg& Text(std::string_view v) {
    U8('t').U32(static_cast<uint32_t>(v.size()));
    return Raw(v);
  }
  Msg& Null() { return U8('n'); }
  Msg& Unchanged() { return U8('u'); }
  operator std::string() const { return s_; }
  operator std::string_view() const { return s_; }
  const std::string& str() const { return s_; }

 private:
  Msg& Big(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) s_ += static_cast<char>((v >> (8 * i)) & 0xff);
    return *this;
  }
  std::string s_;
};

constexpr uint32_t kRel = 16401;
constexpr uint64_t kCommitLsn = 0x16B3700;
constexpr uint64_t kEndLsn = 0x16B3748;
// 2024-01-02 03:04:05.123456 UTC in PostgreSQL epoch microseconds.
constexpr int64_t kPgTime = 757479845123456LL;

std::string Begin(uint64_t final_lsn = kCommitLsn, uint32_t xid = 700) {
  return Msg('B').U64(final_lsn).U64(kPgTime).U32(xid);
}
std::string Commit(uint64_t commit_lsn = kCommitLsn, uint64_t end_lsn = kEndLsn) {
  return Msg('C').U8(0).U64(commit_lsn).U64(end_lsn).U64(kPgTime);
}

// public.t (id int4 key, flag bool, data bytea, at timestamptz(3), note text)
Msg RelationT(std::optional<uint32_t> stream_xid = std::nullopt) {
  Msg m('R');
  if (stream_xid) m.U32(*stream_xid);
  m.U32(kRel).Str("public").Str("t").U8('d').U16(5);
  m.U8(1).Str("id").U32(pgoid::kInt4).U32(0xffffffff);
  m.U8(0).Str("flag").U32(pgoid::kBool).U32(0xffffffff);
  m.U8(0).Str("data").U32(pgoid::kBytea).U32(0xffffffff);
  m.U8(0).Str("at").U32(pgoid::kTimestamptz).U32(3);
  m.U8(0).Str("note").U32(pgoid::kText).U32(0xffffffff);
  return m;
}

Msg InsertT(std::string id, std::optional<uint32_t> stream_xid = std::nullopt) {
  Msg m('I');
  if (stream_xid) m.U32(*stream_xid);
  m.U32(kRel).U8('N').U16(5).Text(id).Text("t").Text("\\x00ff").Text("2024-01-02 03:04:05.5+00").Null();
  return m;
}

struct Fixture {
  PgOutputDecoder decoder;
  std::vector<PgCaptureEvent> events;
  uint64_t lsn = 0x1000;
  void Feed(const std::string& m) { decoder.Decode(m, ++lsn, events); }
};

CapturedValue Missing() { return CapturedValue{Kind::kMissing, {}}; }
CapturedValue Unchanged() { return CapturedValue{Kind::kUnchanged, {}}; }
CapturedValue V(std::string s) { return CapturedValue::Of(std::move(s)); }

}  // namespace

TEST_CASE("LSN text round trip") {
  CHECK(FormatLsn(0x16B3748) == "0/16B3748");
  CHECK(FormatLsn(0x1234567800000001ULL) == "12345678/1");
  CHECK(ParseLsn("0/16B3748") == 0x16B3748u);
  CHECK(ParseLsn("12345678/1") == 0x1234567800000001ULL);
  CHECK(ParseLsn("a/b") == 0xA0000000Bu);
  CHECK_FALSE(ParseLsn("16B3748").has_value());
  CHECK_FALSE(ParseLsn("/1").has_value());
  CHECK_FALSE(ParseLsn("0/").has_value());
  CHECK_FALSE(ParseLsn("0/123456789").has_value());
  CHECK_FALSE(ParseLsn("0/12G").has_value());
}

TEST_CASE("PostgreSQL epoch to Unix microseconds, saturating (a fuzzer finding)") {
  CHECK(PgTimeToUnixMicros(0) == 946684800000000LL);
  CHECK(PgTimeToUnixMicros(-946684800000000LL) == 0);
  CHECK(PgTimeToUnixMicros(INT64_MAX - 10) == INT64_MAX);
  Fixture f;
  f.Feed(Msg('B').U64(kCommitLsn).U64(0x7fffffffffffffc4ULL).U32(1));
  f.Feed(Msg('C').U8(0).U64(kCommitLsn).U64(kEndLsn).U64(0x7fffffffffffffc4ULL));
  REQUIRE(f.events.size() == 1);
  CHECK(f.events[0].transaction.commit_time_us == INT64_MAX);
}

TEST_CASE("Begin, Relation, Insert, Commit: one transaction with canonical values") {
  Fixture f;
  f.Feed(Begin());
  f.Feed(RelationT());
  f.Feed(InsertT("1"));
  CHECK(f.decoder.in_transaction());
  CHECK(f.events.empty());
  f.Feed(Commit());
  REQUIRE(f.events.size() == 1);
  const PgCaptureEvent& e = f.events[0];
  CHECK(e.kind == PgCaptureEvent::Kind::kTransaction);
  CHECK(e.lsn == kEndLsn);
  CHECK(e.xid == 700);
  CHECK_FALSE(e.streamed);
  CHECK(e.transaction.position == "0/16B3748");
  CHECK(e.transaction.commit_time_us == 1704164645123456LL);  // 2024-01-02 03:04:05.123456 UTC
  REQUIRE(e.transaction.rows.size() == 1);
  const RowChange& row = e.transaction.rows[0];
  CHECK(row.schema == "public");
  CHECK(row.table == "t");
  CHECK(row.kind == ChangeKind::kInsert);
  CHECK(row.columns == std::vector<std::string>{"id", "flag", "data", "at", "note"});
  CHECK(row.before.empty());
  CHECK(row.after == std::vector<CapturedValue>{V("1"), V("1"), V(std::string("\0\xff", 2)),
                                               V("2024-01-02 03:04:05.500"), CapturedValue::Null()});
  CHECK_FALSE(f.decoder.in_transaction());
  const PgRelation* rel = f.decoder.relation(kRel);
  REQUIRE(rel != nullptr);
  CHECK(rel->columns[0].key);
  CHECK(rel->columns[3].typmod == 3);
}

TEST_CASE("Update with old key ('K'), old tuple ('O') or none; unchanged TOAST") {
  Fixture f;
  f.Feed(Begin());
  f.Feed(RelationT());
  // Key change: 'K' image holds the identity; other columns are sent as null and become kMissing.
  f.Feed(Msg('U').U32(kRel).U8('K').U16(5).Text("1").Null().Null().Null().Null()
             .U8('N').U16(5).Text("2").Text("f").Null().Null().Unchanged());
  // REPLICA IDENTITY FULL: 'O' has every column.
  f.Feed(Msg('U').U32(kRel).U8('O').U16(5).Text("2").Text("f").Null().Null().Text("x")
             .U8('N').U16(5).Text("2").Text("t").Null().Null().Text("y"));
  // Key unchanged: no old image; the key comes from the new tuple.
  f.Feed(Msg('U').U32(kRel).U8('N').U16(5).Text("2").Text("t").Null().Null().Unchanged());
  f.Feed(Commit());
  REQUIRE(f.events.size() == 1);
  const auto& rows = f.events[0].transaction.rows;
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].kind == ChangeKind::kUpdate);
  CHECK(rows[0].before == std::vector<CapturedValue>{V("1"), Missing(), Missing(), Missing(), Missing()});
  CHECK(rows[0].after == std::vector<CapturedValue>{V("2"), V("0"), CapturedValue::Null(), CapturedValue::Null(),
                                                   Unchanged()});
  CHECK(rows[1].before == std::vector<CapturedValue>{V("2"), V("0"), CapturedValue::Null(), CapturedValue::Null(),
                                                    V("x")});
  CHECK(rows[1].after[4] == V("y"));
  CHECK(rows[2].before == std::vector<CapturedValue>{V("2"), Missing(), Missing(), Missing(), Missing()});
  CHECK(rows[2].after[4] == Unchanged());
}

TEST_CASE("Delete with 'K' and 'O'; Truncate with options; Origin") {
  Fixture f;
  f.Feed(Begin());
  f.Feed(Msg('O').U64(0x55).Str("node_b"));
  f.Feed(RelationT());
  f.Feed(Msg('R').U32(kRel + 1).Str("s2").Str("u").U8('f').U16(1).U8(1).Str("k").U32(pgoid::kText).U32(0xffffffff));
  f.Feed(Msg('D').U32(kRel).U8('K').U16(5).Text("7").Null().Null().Null().Null());
  f.Feed(Msg('D').U32(kRel + 1).U8('O').U16(1).Text("k1"));
  f.Feed(Msg('T').U32(2).U8(3).U32(kRel).U32(kRel + 1));
  f.Feed(Msg('T').U32(1).U8(0).U32(kRel + 1));
  f.Feed(Commit());
  REQUIRE(f.events.size() == 1);
  const PgCaptureEvent& e = f.events[0];
  CHECK(e.transaction.origin == "node_b");
  const auto& rows = e.transaction.rows;
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].kind == ChangeKind::kDelete);
  CHECK(rows[0].before == std::vector<CapturedValue>{V("7"), Missing(), Missing(), Missing(), Missing()});
  CHECK(rows[0].after.empty());
  CHECK(rows[1].schema == "s2");
  CHECK(rows[1].before == std::vector<CapturedValue>{V("k1")});
  CHECK(rows[2].kind == ChangeKind::kTruncate);
  CHECK(rows[2].table == "t");
  CHECK(rows[3].table == "u");
  CHECK(rows[4].kind == ChangeKind::kTruncate);
  REQUIRE(e.truncate_options.size() == 3);
  CHECK(e.truncate_options[0] == std::pair<size_t, PgTruncateOptions>{2, {true, true}});
  CHECK(e.truncate_options[1] == std::pair<size_t, PgTruncateOptions>{3, {true, true}});
  CHECK(e.truncate_options[2] == std::pair<size_t, PgTruncateOptions>{4, {false, false}});
}

TEST_CASE("pg_catalog is the empty namespace; Type messages name user types") {
  Fixture f;
  f.Feed(Msg('Y').U32(20000).Str("public").Str("mood"));
  f.Feed(Msg('R').U32(kRel).Str("").Str("x").U8('d').U16(1).U8(1).Str("m").U32(20000).U32(0xffffffff));
  CHECK(f.decoder.relation(kRel)->schema == "pg_catalog");
  f.Feed(Msg('R').U32(kRel).Str("").Str("x").U8('d').U16(1).U8(1).Str("m").U32(pgoid::kText).U32(0xffffffff));
  REQUIRE(f.events.size() == 1);
  CHECK(f.events[0].drift.Describe() == "schema drift on pg_catalog.x at 0/1003: column 'm' type changed from "
                                        "public.mood to text");
}

TEST_CASE("domains decode as their base type through the resolver") {
  struct Resolver : PgTypeResolver {
    int calls = 0;
    std::optional<PgBaseType> BaseType(uint32_t oid) override {
      ++calls;
      if (oid == 30000) return PgBaseType{pgoid::kBool, -1};
      if (oid == 30001) return PgBaseType{pgoid::kTimestamp, 1};
      return std::nullopt;  // e.g. an enum: its label is the canonical text
    }
  } resolver;
  PgOutputDecoder decoder({}, &resolver);
  std::vector<PgCaptureEvent> events;
  Msg rel('R');
  rel.U32(kRel).Str("public").Str("d").U8('f').U16(3);
  rel.U8(0).Str("b").U32(30000).U32(0xffffffff);
  rel.U8(0).Str("ts").U32(30001).U32(0xffffffff);
  rel.U8(0).Str("e").U32(30002).U32(0xffffffff);
  decoder.Decode(Begin(), 1, events);
  decoder.Decode(rel, 2, events);
  decoder.Decode(rel, 3, events);  // sent again: resolved from the cache
  decoder.Decode(Msg('I').U32(kRel).U8('N').U16(3).Text("t").Text("2024-01-01 00:00:00").Text("happy"), 4, events);
  decoder.Decode(Commit(), 5, events);
  REQUIRE(events.size() == 1);
  CHECK(events[0].transaction.rows[0].after ==
        std::vector<CapturedValue>{V("1"), V("2024-01-01 00:00:00.0"), V("happy")});
  CHECK(resolver.calls == 3);
}

TEST_CASE("schema drift: added, removed, retyped, re-keyed, reordered, recreated; identical resend is silent") {
  Fixture f;
  f.Feed(RelationT());
  f.Feed(RelationT());
  CHECK(f.events.empty());

  Msg changed('R');
  changed.U32(kRel).Str("public").Str("t").U8('f').U16(5);
  changed.U8(0).Str("id").U32(pgoid::kInt8).U32(0xffffffff);         // retyped, left the identity
  changed.U8(0).Str("data").U32(pgoid::kBytea).U32(0xffffffff);      // order: data before flag
  changed.U8(0).Str("flag").U32(pgoid::kBool).U32(0xffffffff);
  changed.U8(0).Str("at").U32(pgoid::kTimestamptz).U32(6);           // precision changed
  changed.U8(0).Str("extra").U32(pgoid::kJsonb).U32(0xffffffff);     // added; note removed
  f.Feed(changed);
  REQUIRE(f.events.size() == 1);
  const PgSchemaDrift& d = f.events[0].drift;
  CHECK(f.events[0].kind == PgCaptureEvent::Kind::kSchemaDrift);
  CHECK(d.relation_oid == kRel);
  CHECK(d.changes == std::vector<std::string>{
                         "replica identity changed from 'd' to 'f'",
                         "column 'note' removed",
                         "column 'id' type changed from int4 to int8",
                         "column 'id' left the replica identity",
                         "column 'at' type changed from timestamptz typmod 3 to timestamptz typmod 6",
                         "column 'extra' added (jsonb)",
                         "columns reordered",
                     });
  CHECK(d.before.size() == 5);
  CHECK(d.after.size() == 5);

  // Rows after the drift use the new columns: never a value under the wrong name.
  f.events.clear();
  f.Feed(Begin());
  f.Feed(Msg('I').U32(kRel).U8('N').U16(5).Text("9").Text("\\x01").Text("f").Null().Text("{}"));
  f.Feed(Commit());
  REQUIRE(f.events.size() == 1);
  const RowChange& row = f.events[0].transaction.rows[0];
  CHECK(row.columns == std::vector<std::string>{"id", "data", "flag", "at", "extra"});
  CHECK(row.after[1] == V("\x01"));
  CHECK(row.after[2] == V("0"));

  // The same table under a new OID (dropped and recreated) is compared with the old one.
  f.events.clear();
  f.Feed(Msg('R').U32(kRel + 50).Str("public").Str("t").U8('d').U16(1).U8(1).Str("id").U32(pgoid::kInt8).U32(0xffffffff));
  REQUIRE(f.events.size() == 1);
  CHECK(f.events[0].drift.changes.front() == "table recreated (relation OID 16401 -> 16451)");
  CHECK(f.decoder.relation(kRel) == nullptr);
}

TEST_CASE("schema drift: a Relation message sent without a WAL start is placed at its transaction's commit") {
  // The walsender sends 0 as the start of a Relation message (it is never a
  // callback's last write); found by tests/integration/incremental_pg_test.cc,
  // whose pause message said "at 0/0".
  PgOutputDecoder decoder;
  std::vector<PgCaptureEvent> events;
  decoder.Decode(RelationT(), 0, events);
  Msg added('R');
  added.U32(kRel).Str("public").Str("t").U8('d').U16(6);
  added.U8(1).Str("id").U32(pgoid::kInt4).U32(0xffffffff);
  added.U8(0).Str("flag").U32(pgoid::kBool).U32(0xffffffff);
  added.U8(0).Str("data").U32(pgoid::kBytea).U32(0xffffffff);
  added.U8(0).Str("at").U32(pgoid::kTimestamptz).U32(3);
  added.U8(0).Str("note").U32(pgoid::kText).U32(0xffffffff);
  added.U8(0).Str("extra").U32(pgoid::kText).U32(0xffffffff);
  decoder.Decode(Begin(), kCommitLsn, events);
  decoder.Decode(added, 0, events);
  REQUIRE(events.size() == 1);
  CHECK(events[0].lsn == kCommitLsn);
  CHECK(events[0].drift.Describe() == "schema drift on public.t at 0/16B3700: column 'extra' added (text)");

  // Outside a transaction there is no position to give, and none is made up.
  PgOutputDecoder outside;
  events.clear();
  outside.Decode(RelationT(), 0, events);
  outside.Decode(added, 0, events);
  REQUIRE(events.size() == 1);
  CHECK(events[0].drift.Describe() == "schema drift on public.t: column 'extra' added (text)");
}

TEST_CASE("expected columns: a first Relation that differs from the catalog is drift") {
  Fixture f;
  f.decoder.ExpectColumns("public", "t",
                          {{"id", pgoid::kInt4}, {"flag", 0}, {"data", 0}, {"at", pgoid::kTimestamp}, {"gone", 0}});
  f.Feed(RelationT());
  REQUIRE(f.events.size() == 1);
  CHECK(f.events[0].drift.changes == std::vector<std::string>{
                                         "expected column 'gone' is missing",
                                         "column 'at' has type timestamptz, expected timestamp",
                                         "unexpected column 'note' (text)",
                                     });
  CHECK(f.events[0].drift.before.empty());
  f.events.clear();
  f.decoder.ExpectColumns("public", "t", {{"id", 0}, {"flag", 0}, {"data", 0}, {"at", 0}, {"note", 0}});
  f.Feed(RelationT());
  CHECK(f.events.empty());
}

TEST_CASE("heartbeats: non-transactional messages with Sluice's prefix; others ignored") {
  Fixture f;
  f.Feed(Msg('M').U8(0).U64(0xABC).Str("sluice.heartbeat").U32(4).Raw("shop"));
  f.Feed(Msg('M').U8(0).U64(0xABD).Str("other").U32(0));
  f.Feed(Begin());
  f.Feed(Msg('M').U8(1).U64(0xABE).Str("sluice.heartbeat").U32(1).Raw("x"));  // transactional: not a heartbeat
  f.Feed(Commit());
  REQUIRE(f.events.size() == 2);
  CHECK(f.events[0].kind == PgCaptureEvent::Kind::kHeartbeat);
  CHECK(f.events[0].lsn == 0xABC);
  CHECK(f.events[0].heartbeat == "shop");
  CHECK(f.events[1].kind == PgCaptureEvent::Kind::kTransaction);
  CHECK(f.events[1].transaction.rows.empty());
}

namespace {

// Two streamed transactions interleaved with a plain one; a subtransaction
// and a whole transaction aborted.
void RunStreams(PgOutputDecoder& decoder, std::vector<PgCaptureEvent>& events) {
  uint64_t lsn = 0x2000;
  auto feed = [&](const std::string& m) { decoder.Decode(m, ++lsn, events); };
  feed(Msg('S').U32(900).U8(1));
  feed(RelationT(900));
  for (int i = 0; i < 20; ++i) feed(InsertT(std::to_string(i), 900));
  feed(InsertT("sub", 901));  // subtransaction 901, rolled back later
  feed(Msg('E'));
  feed(Msg('S').U32(950).U8(1));
  feed(RelationT(950));
  feed(InsertT("aborted", 950));
  feed(Msg('E'));
  // A plain transaction commits in between.
  feed(Begin(0x3000, 960));
  feed(InsertT("plain"));
  feed(Commit(0x3000, 0x3010));
  feed(Msg('S').U32(900).U8(0));
  feed(Msg('T').U32(900).U32(1).U8(2).U32(kRel));
  feed(InsertT("after-truncate", 900));
  feed(Msg('E'));
  feed(Msg('A').U32(900).U32(901));
  feed(Msg('A').U32(950).U32(950));
  feed(Msg('c').U32(900).U8(0).U64(0x4000).U64(0x4040).U64(kPgTime));
}

}  // namespace

TEST_CASE("protocol 2 streaming: chunks, interleaving, subtransaction and transaction aborts") {
  for (size_t limit : {size_t{64} << 20, size_t{1}}) {
    CAPTURE(limit);
    PgOutputDecoderOptions options;
    options.stream_memory_limit = limit;
    PgOutputDecoder decoder(options);
    std::vector<PgCaptureEvent> events;
    RunStreams(decoder, events);
    REQUIRE(events.size() == 2);
    CHECK(events[0].transaction.position == "0/3010");
    CHECK(events[0].transaction.rows[0].after[0] == V("plain"));
    const PgCaptureEvent& e = events[1];
    CHECK(e.streamed);
    CHECK(e.xid == 900);
    CHECK(e.transaction.position == "0/4040");
    CHECK(e.transaction.commit_time_us == 1704164645123456LL);
    const auto& rows = e.transaction.rows;
    REQUIRE(rows.size() == 22);
    for (int i = 0; i < 20; ++i) CHECK(rows[static_cast<size_t>(i)].after[0] == V(std::to_string(i)));
    CHECK(rows[19].after[2] == V(std::string("\0\xff", 2)));
    CHECK(rows[20].kind == ChangeKind::kTruncate);
    CHECK(rows[21].after[0] == V("after-truncate"));
    REQUIRE(e.truncate_options.size() == 1);
    CHECK(e.truncate_options[0] == std::pair<size_t, PgTruncateOptions>{20, {false, true}});
    CHECK(decoder.open_streams() == 0);
    CHECK(decoder.streamed_bytes_in_memory() == 0);
    if (limit == 1) {
      CHECK(decoder.spilled_transactions() == 2);
    } else {
      CHECK(decoder.spilled_transactions() == 0);
    }
  }
}

TEST_CASE("Reset forgets transactions in progress but keeps relations") {
  Fixture f;
  f.Feed(RelationT());
  f.Feed(Msg('S').U32(5).U8(1));
  f.Feed(InsertT("1", 5));
  f.Feed(Msg('E'));
  f.Feed(Begin());
  f.decoder.Reset();
  CHECK_FALSE(f.decoder.in_transaction());
  CHECK(f.decoder.open_streams() == 0);
  CHECK(f.decoder.relation(kRel) != nullptr);
  CHECK_THROWS_AS(f.Feed(Msg('S').U32(5).U8(0)), PgOutputError);  // a continuation of a forgotten stream
  f.decoder.Reset();
  f.Feed(Begin());
  f.Feed(InsertT("2"));
  f.Feed(Commit());
  CHECK(f.events.size() == 1);
}

TEST_CASE("out-of-protocol and malformed messages are errors") {
  auto error_of = [](std::vector<std::string> messages) -> std::string {
    Fixture f;
    try {
      for (const auto& m : messages) f.Feed(m);
    } catch (const PgOutputError& e) {
      return e.what();
    }
    return "";
  };
  CHECK(error_of({""}) == "empty pgoutput message");
  CHECK(error_of({"Z"}) == "malformed pgoutput message 'Z' at byte 1: unknown message type");
  CHECK(error_of({std::string(1, '\x01')}) == "malformed pgoutput message '\\x01' at byte 1: unknown message type");
  CHECK(error_of({Commit()}) == "malformed pgoutput message 'C' at byte 1: Commit without Begin");
  CHECK(error_of({Begin(), Begin()}) == "malformed pgoutput message 'B' at byte 1: Begin inside a transaction");
  CHECK(error_of({Begin(), InsertT("1")}) ==
        "pgoutput change for relation OID 16401 that no Relation message described");
  CHECK(error_of({RelationT(), InsertT("1")}) == "pgoutput change outside a transaction");
  CHECK(error_of({Begin(), Commit(kCommitLsn + 1)}) ==
        "malformed pgoutput message 'C' at byte 26: commit LSN 0/16B3701 differs from Begin's 0/16B3700");
  CHECK(error_of({Begin(), RelationT(), Msg('I').U32(kRel).U8('N').U16(4).Text("1")}) ==
        "malformed pgoutput message 'I' at byte 8: tuple has 4 columns, relation public.t has 5");
  CHECK(error_of({Begin(), RelationT(), Msg('I').U32(kRel).U8('N').U16(5).U8('t').U32(0xffffffff)}) ==
        "malformed pgoutput message 'I' at byte 13: negative value length");
  CHECK(error_of({Begin(), RelationT(), Msg('I').U32(kRel).U8('N').U16(5).U8('t').U32(100).Raw("ab")}) ==
        "malformed pgoutput message 'I' at byte 13: truncated value");
  CHECK(error_of({Begin(), RelationT(), Msg('I').U32(kRel).U8('N').U16(5).U8('x')}) ==
        "malformed pgoutput message 'I' at byte 9: unknown column kind 'x'");
  CHECK(error_of({Begin(), RelationT(), Msg('I').U32(kRel).U8('N').U16(5).U8('b').U32(1).Raw("\x01")}) ==
        "binary-format value for public.t.id: Sluice requests text format (binary 'false')");
  CHECK(error_of({Begin(), RelationT(), Msg('I').U32(kRel).U8('N').U16(5).Text("1").Text("yes")}) ==
        "cannot decode public.t.flag: invalid bool text 'yes'");
  CHECK(error_of({Begin(), RelationT(), Msg('I').U32(kRel).U8('K')}) ==
        "malformed pgoutput message 'I' at byte 6: Insert without a new tuple");
  CHECK(error_of({Begin(), RelationT(), Msg('D').U32(kRel).U8('N')}) ==
        "malformed pgoutput message 'D' at byte 6: Delete without an old tuple");
  CHECK(error_of({Msg('R').U32(1).Str("s").Str("t").U8('d').U16(60000)}) ==
        "malformed pgoutput message 'R' at byte 12: column count 60000 exceeds the message");
  CHECK(error_of({Msg('R').U32(1).Str("s").Raw("t")}) == "malformed pgoutput message 'R' at byte 7: unterminated relation name");
  CHECK(error_of({Begin(), RelationT(), Msg('T').U32(0x40000000).U8(0).U32(kRel)}) ==
        "malformed pgoutput message 'T' at byte 6: relation count 1073741824 does not match the message");
  CHECK(error_of({Begin().append("x")}) == "malformed pgoutput message 'B' at byte 21: 1 unexpected trailing bytes");
  CHECK(error_of({Msg('E')}) == "malformed pgoutput message 'E' at byte 1: Stream Stop outside a stream");
  CHECK(error_of({Msg('S').U32(1).U8(0)}) ==
        "malformed pgoutput message 'S' at byte 6: Stream Start continues transaction 1 that never started");
  CHECK(error_of({Msg('c').U32(1).U8(0).U64(1).U64(2).U64(3)}) ==
        "malformed pgoutput message 'c' at byte 30: Stream Commit of transaction 1 that never streamed");
  CHECK(error_of({Msg('S').U32(1).U8(1), Msg('c').U32(1).U8(0).U64(1).U64(2).U64(3)}) ==
        "malformed pgoutput message 'c' at byte 1: Stream Commit inside a transaction or stream");
}

TEST_CASE("every truncation of every valid message is an error, never a crash") {
  std::vector<std::string> valid = {
      Begin(),
      Commit(),
      Msg('O').U64(1).Str("o"),
      RelationT(),
      Msg('Y').U32(20000).Str("public").Str("mood"),
      InsertT("1"),
      Msg('U').U32(kRel).U8('K').U16(5).Text("1").Null().Null().Null().Null().U8('N').U16(5).Text("2").Text("f").Null().Null().Unchanged(),
      Msg('D').U32(kRel).U8('O').U16(5).Text("1").Text("t").Null().Null().Null(),
      Msg('T').U32(1).U8(1).U32(kRel),
      Msg('M').U8(0).U64(5).Str("sluice.heartbeat").U32(2).Raw("hb"),
  };
  for (const std::string& m : valid) {
    for (size_t len = 1; len < m.size(); ++len) {
      CAPTURE(m[0]);
      CAPTURE(len);
      Fixture f;
      f.Feed(RelationT());
      if (m[0] != 'B' && m[0] != 'M' && m[0] != 'R' && m[0] != 'Y') f.Feed(Begin());
      CHECK_THROWS_AS(f.Feed(m.substr(0, len)), PgOutputError);
    }
  }
}

TEST_CASE("replication envelope: XLogData, keepalive, status update") {
  std::string w = Msg('w').U64(0x10).U64(0x20).U64(0x30).Raw("payload");
  PgWalMessage m = ParseWalMessage(w);
  CHECK(m.kind == 'w');
  CHECK(m.wal_start == 0x10);
  CHECK(m.wal_end == 0x20);
  CHECK(m.send_time == 0x30);
  CHECK(m.payload == "payload");
  PgWalMessage k = ParseWalMessage(Msg('k').U64(0x99).U64(7).U8(1));
  CHECK(k.kind == 'k');
  CHECK(k.wal_end == 0x99);
  CHECK(k.reply_requested);
  CHECK_THROWS_AS(ParseWalMessage(Msg('k').U64(0x99).U64(7)), PgOutputError);
  CHECK_THROWS_AS(ParseWalMessage(Msg('w').U64(1)), PgOutputError);
  CHECK_THROWS_AS(ParseWalMessage("q"), PgOutputError);
  CHECK_THROWS_AS(ParseWalMessage(""), PgOutputError);
  CHECK(EncodeStandbyStatus(1, 2, 3, 4, true) == Msg('r').U64(1).U64(2).U64(3).U64(4).U8(1).str());
}

TEST_CASE("slot names") {
  CHECK(SluiceSlotName("Shop-To-OceanBase") == "sluice_shop_to_oceanbase");
  CHECK(SluiceSlotName(std::string(100, 'a')).size() == 63);
  CHECK(IsValidSlotName("sluice_shop"));
  CHECK_FALSE(IsValidSlotName("Sluice"));
  CHECK_FALSE(IsValidSlotName(""));
  CHECK_FALSE(IsValidSlotName("a\"b"));
}

namespace {
std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("the fuzz corpus replays without crashing") {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(std::string(SLUICE_SOURCE_DIR) + "/tests/fuzz/pgoutput/corpus")) {
    std::string data = ReadFile(e.path());
    CAPTURE(e.path().string());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    ++n;
  }
  CHECK(n >= 5);
}
