// Logical replication capture against the real PostgreSQL of the test
// servers: publication, slot with exported snapshot, every common type,
// TOAST, key updates, truncate, streamed large transactions (protocol 2),
// heartbeats, drift, Confirm and reconnects, prechecks, clean-up.

#include <doctest/doctest.h>

#include <algorithm>

#include "dialects/postgresql/pg_connection.h"
#include "dialects/postgresql/pg_replication_connection.h"
#include "dialects/postgresql/pg_replication_drain.h"
#include "dialects/postgresql/pg_replication_precheck.h"
#include "dialects/postgresql/pg_replication_test_util.h"
#include "dialects/postgresql/pgoutput_values.h"

using namespace sluice;
using namespace sluice::pgtest;

namespace {

const std::string kBig = [] {
  std::string s;
  for (int i = 0; i < 600; ++i) s += "toast-\xf0\x9f\x98\x80-" + std::to_string(i) + " ";  // > 8 KB, 4-byte UTF-8
  return s;
}();

const char* kSchema = R"sql(
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE DOMAIN flag AS boolean;
CREATE DOMAIN ts3 AS timestamp(3);
CREATE TABLE t_all (
  id int PRIMARY KEY, n numeric(20,6), tz timestamptz, ts timestamp(3), d date, tm time, iv interval,
  b bool, by bytea, jb jsonb, js json, u uuid, arr int[], tarr text[], m mood, dp posint, dfl flag, dts ts3,
  f8 float8, f4 float4, emoji text, nul text, big text);
ALTER TABLE t_all ALTER COLUMN big SET STORAGE EXTERNAL;
CREATE TABLE nopk_full (a int, b text);
ALTER TABLE nopk_full REPLICA IDENTITY FULL;
CREATE TABLE bulk (id int PRIMARY KEY, pad text);
CREATE TABLE bad (a int, b text);
)sql";

std::string InsertAll(int id, const std::string& big_literal) {
  return "INSERT INTO t_all VALUES (" + std::to_string(id) +
         ", 12345678901234.123456, '2024-01-02 03:04:05.123456+08', '2024-01-02 03:04:05.1', '2024-02-29', "
         "'13:14:15.5', '1 year 2 months 3 days 04:05:06.5', true, '\\x00ff'::bytea, "
         "'{\"b\": 1, \"a\": [1, 2]}', '{\"b\":1,  \"a\":2}', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', "
         "'{1,2,NULL}', ARRAY['a b', 'c\"d'], 'happy', 42, false, '2024-01-02 03:04:05', "
         "0.1, 1.5, '\xf0\x9f\x98\x80\xf0\x9d\x84\x9e', NULL, " + big_literal + ")";
}

const std::vector<std::string> kAllColumns = {"id", "n",   "tz",   "ts", "d",   "tm",  "iv", "b",
                                              "by", "jb",  "js",   "u",  "arr", "tarr", "m", "dp",
                                              "dfl", "dts", "f8",  "f4", "emoji", "nul", "big"};

std::vector<CapturedValue> ExpectedAll(const std::string& id) {
  return {V(id),
          V("12345678901234.123456"),
          V("2024-01-01 19:04:05.123456"),
          V("2024-01-02 03:04:05.100"),
          V("2024-02-29"),
          V("13:14:15.500000"),
          V("1 year 2 mons 3 days 04:05:06.5"),
          V("1"),
          V(std::string("\0\xff", 2)),
          V("{\"a\": [1, 2], \"b\": 1}"),
          V("{\"b\":1,  \"a\":2}"),
          V("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
          V("{1,2,NULL}"),
          V("{\"a b\",\"c\\\"d\"}"),
          V("happy"),
          V("42"),
          V("0"),
          V("2024-01-02 03:04:05.000"),
          V("0.1"),
          V("1.5"),
          V("\xf0\x9f\x98\x80\xf0\x9d\x84\x9e"),
          CapturedValue::Null(),
          V(kBig)};
}

std::vector<CapturedValue> KeyOnly(const std::string& id, size_t n) {
  std::vector<CapturedValue> v(n, Missing());
  v[0] = V(id);
  return v;
}

}  // namespace

TEST_CASE("prechecks name each problem with its exact fix") {
  std::string db = testing::CreateFreshPgDatabase("pgpre");
  testing::PgSession s(testing::TestServersFromEnv().postgres.Admin(db));
  s.Exec(kSchema);
  s.Exec("CREATE TABLE uniq (a int NOT NULL, b text); CREATE UNIQUE INDEX uniq_a ON uniq (a);"
         "CREATE TABLE nothing (a int PRIMARY KEY); ALTER TABLE nothing REPLICA IDENTITY NOTHING;"
         "CREATE VIEW v AS SELECT 1 AS x;");
  PgConnection sql(SourceConfig(db));
  std::vector<PgCaptureProblem> ok = PrecheckLogicalCapture(sql, {{"public", "t_all"}, {"public", "nopk_full"}});
  CHECK(ok.empty());

  auto problems = PrecheckLogicalCapture(
      sql, {{"public", "bad"}, {"public", "uniq"}, {"public", "nothing"}, {"public", "missing"}, {"public", "v"}},
      {.slots_needed = 1000, .wal_senders_needed = 1});
  REQUIRE(problems.size() == 6);
  CHECK(problems[0].check == "replication_slots");
  CHECK(problems[0].fix.find("ALTER SYSTEM SET max_replication_slots = ") == 0);
  CHECK(problems[1].check == "replica_identity");
  CHECK(problems[1].object == "public.bad");
  CHECK(problems[1].what.find("has no primary key (REPLICA IDENTITY DEFAULT)") != std::string::npos);
  CHECK(problems[1].fix == "ALTER TABLE \"public\".\"bad\" REPLICA IDENTITY FULL;  -- or add a primary key");
  CHECK(problems[2].fix == "ALTER TABLE \"public\".\"uniq\" REPLICA IDENTITY FULL;  -- or, cheaper: ALTER TABLE "
                           "\"public\".\"uniq\" REPLICA IDENTITY USING INDEX \"uniq_a\";");
  CHECK(problems[3].what.find("has REPLICA IDENTITY NOTHING") != std::string::npos);
  CHECK(problems[4].check == "table_missing");
  CHECK(problems[4].what == "table \"public\".\"missing\" does not exist");
  CHECK(problems[5].what == "\"public\".\"v\" is not a table (relkind 'v')");

  // A role without REPLICATION that owns nothing: role, privilege and ownership problems.
  s.Exec("DROP ROLE IF EXISTS " + db + "_weak; CREATE ROLE " + db + "_weak LOGIN; REVOKE CREATE ON DATABASE " + db +
         " FROM PUBLIC");
  ConnectionConfig weak = SourceConfig(db);
  weak.dsn.user = db + "_weak";
  PgConnection weak_sql(weak);
  auto role_problems = PrecheckLogicalCapture(weak_sql, {{"public", "t_all"}});
  REQUIRE(role_problems.size() == 3);
  CHECK(role_problems[0].check == "replication_role");
  CHECK(role_problems[0].fix == "ALTER ROLE \"" + db + "_weak\" WITH REPLICATION;  -- run as a superuser");
  CHECK(role_problems[1].check == "publication_privilege");
  CHECK(role_problems[1].fix == "GRANT CREATE ON DATABASE \"" + db + "\" TO \"" + db + "_weak\";");
  CHECK(role_problems[2].check == "table_owner");
  CHECK(role_problems[2].fix.find("ALTER TABLE \"public\".\"t_all\" OWNER TO \"" + db + "_weak\";") == 0);
}

TEST_CASE("capture: snapshot, every type, TOAST, key updates, truncate, streaming, heartbeats, confirm, reconnect") {
  std::string db = testing::CreateFreshPgDatabase("pgcap");
  std::string slot = "sluice_" + db;
  std::string pub = "sluice_" + db;
  testing::PgSession s(testing::TestServersFromEnv().postgres.Admin(db));
  s.Exec(kSchema);
  std::string big_literal = s.Quote(kBig);
  s.Exec(InsertAll(1, big_literal));
  s.Exec(InsertAll(2, big_literal));

  PgConnection sql(SourceConfig(db));
  CreatePublication(sql, pub, {{"public", "t_all"}, {"public", "nopk_full"}, {"public", "bulk"}});
  CHECK(PublicationExists(sql, pub));

  PgReplicationConfig config = StreamConfig(db, slot, pub);
  config.logical_decoding_work_mem = "64kB";  // the big transaction below is streamed
  auto stream = std::make_unique<PgReplicationStream>(config);
  PgSlotCreation created = stream->CreateSlot();
  CHECK(created.slot_name == slot);
  CHECK(!created.snapshot_name.empty());
  CHECK(created.consistent_point > 0);

  // A change committed after the slot: not in the snapshot, first in the stream.
  s.Exec(InsertAll(3, big_literal));

  // The copy's reader imports the snapshot and sees exactly the rows before the slot.
  testing::PgSession reader(testing::TestServersFromEnv().postgres.Admin(db));
  reader.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION SNAPSHOT " + reader.Quote(created.snapshot_name));
  CHECK(reader.Scalar("SELECT string_agg(id::text, ',' ORDER BY id) FROM t_all") == "1,2");
  stream->Start(created.consistent_point);
  CHECK_FALSE(stream->holds_snapshot());
  CHECK(stream->proto_version() == 2);
  CHECK(reader.Scalar("SELECT count(*) FROM t_all") == "2");  // its transaction keeps the snapshot
  reader.Exec("COMMIT");
  testing::PgSession late(testing::TestServersFromEnv().postgres.Admin(db));
  CHECK_THROWS(late.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION SNAPSHOT " +
                         late.Quote(created.snapshot_name)));

  s.Exec("UPDATE t_all SET n = 1 WHERE id = 1");           // big unchanged -> kUnchanged
  s.Exec("UPDATE t_all SET id = 20 WHERE id = 2");         // key update -> old key
  s.Exec("DELETE FROM t_all WHERE id = 20");
  s.Exec("INSERT INTO nopk_full VALUES (1, 'a'), (NULL, NULL); UPDATE nopk_full SET b = 'b' WHERE a = 1");
  s.Exec("TRUNCATE nopk_full RESTART IDENTITY");
  // A large transaction, streamed in chunks, with a rolled-back subtransaction.
  s.Exec("BEGIN; INSERT INTO bulk SELECT g, repeat('p', 100) FROM generate_series(1, 2000) g; SAVEPOINT sp;"
         "INSERT INTO bulk SELECT g, repeat('q', 100) FROM generate_series(100001, 101000) g; ROLLBACK TO sp;"
         "INSERT INTO bulk SELECT g, repeat('r', 100) FROM generate_series(2001, 3000) g; COMMIT");
  // A large transaction rolled back: streamed, then aborted: nothing delivered.
  s.Exec("BEGIN; INSERT INTO bulk SELECT g, repeat('x', 100) FROM generate_series(200001, 203000) g; ROLLBACK");
  uint64_t hb = EmitHeartbeat(sql, "hb-1");

  Collected c = Collect(*stream, 7, hb);
  REQUIRE(c.transactions.size() == 7);
  CHECK(c.drifts.empty());
  REQUIRE(c.heartbeats.size() == 1);
  CHECK(c.heartbeats[0].heartbeat == "hb-1");
  CHECK(c.heartbeats[0].lsn == hb);
  const auto& t = c.transactions;
  for (size_t i = 1; i < t.size(); ++i) CHECK(t[i - 1].lsn < t[i].lsn);
  CHECK(hb > t.back().lsn);

  // 1: insert of id 3, every type canonical.
  REQUIRE(t[0].transaction.rows.size() == 1);
  const RowChange& ins = t[0].transaction.rows[0];
  CHECK(ins.kind == ChangeKind::kInsert);
  CHECK(ins.schema == "public");
  CHECK(ins.table == "t_all");
  CHECK(ins.columns == kAllColumns);
  std::vector<CapturedValue> expected3 = ExpectedAll("3");
  REQUIRE(ins.after.size() == expected3.size());
  for (size_t i = 0; i < expected3.size(); ++i) {
    CAPTURE(kAllColumns[i]);
    CHECK(ins.after[i] == expected3[i]);
  }
  CHECK(t[0].transaction.position == FormatLsn(t[0].lsn));
  int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(t[0].transaction.commit_time_us > now_us - 600LL * 1000000);
  CHECK(t[0].transaction.commit_time_us <= now_us);

  // 2: update leaving the TOASTed column unchanged.
  const RowChange& upd = t[1].transaction.rows.at(0);
  CHECK(upd.kind == ChangeKind::kUpdate);
  CHECK(upd.before == KeyOnly("1", kAllColumns.size()));
  std::vector<CapturedValue> after1 = ExpectedAll("1");
  after1[1] = V("1.000000");
  after1.back() = Unchanged();
  CHECK(upd.after == after1);

  // 3: primary key update: the old key travels in before.
  const RowChange& key = t[2].transaction.rows.at(0);
  CHECK(key.before == KeyOnly("2", kAllColumns.size()));
  CHECK(key.after[0] == V("20"));
  CHECK(key.after.back() == Unchanged());

  // 4: delete.
  const RowChange& del = t[3].transaction.rows.at(0);
  CHECK(del.kind == ChangeKind::kDelete);
  CHECK(del.before == KeyOnly("20", kAllColumns.size()));
  CHECK(del.after.empty());

  // 5: REPLICA IDENTITY FULL: the old tuple is complete.
  const auto& full = t[4].transaction.rows;
  REQUIRE(full.size() == 3);
  CHECK(full[1].after == std::vector<CapturedValue>{CapturedValue::Null(), CapturedValue::Null()});
  CHECK(full[2].kind == ChangeKind::kUpdate);
  CHECK(full[2].before == std::vector<CapturedValue>{V("1"), V("a")});
  CHECK(full[2].after == std::vector<CapturedValue>{V("1"), V("b")});

  // 6: truncate with its option.
  REQUIRE(t[5].transaction.rows.size() == 1);
  CHECK(t[5].transaction.rows[0].kind == ChangeKind::kTruncate);
  CHECK(t[5].transaction.rows[0].table == "nopk_full");
  REQUIRE(t[5].truncate_options.size() == 1);
  CHECK(t[5].truncate_options[0].second == PgTruncateOptions{false, true});

  // 7: the big transaction, streamed, without the rolled-back subtransaction.
  const PgCaptureEvent& bulk = t[6];
  CHECK(bulk.streamed);
  REQUIRE(bulk.transaction.rows.size() == 3000);
  for (size_t i = 0; i < 3000; ++i) {
    if (bulk.transaction.rows[i].after[0] != V(std::to_string(i + 1))) {
      FAIL("bulk row " << i << " is " << bulk.transaction.rows[i].after[0].text);
    }
  }
  CHECK(bulk.transaction.rows[2999].after[1] == V(std::string(100, 'r')));
  CHECK(stream->decoder().open_streams() == 0);  // the aborted one was dropped

  // The heartbeat came after all of them; a small insert after it.
  s.Exec("INSERT INTO bulk VALUES (5000, 'after-heartbeat')");
  Collected c2 = Collect(*stream, 1);
  REQUIRE(c2.transactions.size() == 1);
  CHECK(c2.transactions[0].transaction.rows[0].after[0] == V("5000"));

  // Confirm only the first two; the slot's confirmed_flush_lsn follows Confirm, nothing else.
  std::optional<int64_t> retained_before = RetainedWalBytes(sql, slot);
  REQUIRE(retained_before.has_value());
  stream->Confirm(t[1].lsn);
  stream->Poll(std::chrono::milliseconds(300));
  for (int i = 0; i < 50 && FindSlot(sql, slot)->confirmed_flush_lsn != FormatLsn(t[1].lsn); ++i) {
    stream->Poll(std::chrono::milliseconds(100));
  }
  CHECK(FindSlot(sql, slot)->confirmed_flush_lsn == FormatLsn(t[1].lsn));
  CHECK(*RetainedWalBytes(sql, slot) < *retained_before);
  stream->Confirm(t[0].lsn);  // never moves back
  CHECK(stream->confirmed() == t[1].lsn);

  // A dropped connection: the stream reconnects at the confirmed position and
  // skips what it already delivered.
  stream->BreakConnectionForTest();
  s.Exec("INSERT INTO bulk VALUES (5001, 'after-break')");
  Collected c3 = Collect(*stream, 1);
  REQUIRE(c3.transactions.size() == 1);
  CHECK(c3.transactions[0].transaction.rows[0].after[0] == V("5001"));
  CHECK(stream->stats().reconnects == 1);
  CHECK(stream->stats().skipped_redelivered == 6);  // t[2..6] and the 5000 insert
  uint64_t last = c3.transactions[0].lsn;
  stream->Stop();

  // A new stream on the slot resumes after the confirmed position: the
  // unconfirmed transactions come again, in the same order, the confirmed ones never.
  {
    PgReplicationStream again(config);
    again.Start(0);
    Collected r = Collect(again, t.size() - 2 + 2);
    REQUIRE(r.transactions.size() == t.size() - 2 + 2);
    for (size_t i = 2; i < t.size(); ++i) {
      CHECK(r.transactions[i - 2].lsn == t[i].lsn);
      CHECK(r.transactions[i - 2].transaction == t[i].transaction);
    }
    CHECK(r.transactions.back().lsn == last);
    again.Confirm(last);
    again.Poll(std::chrono::milliseconds(300));
    // Everything delivered is confirmed, so keepalives may move it further (advance_when_idle).
    auto flushed = [&] { return ParseLsn(FindSlot(sql, slot)->confirmed_flush_lsn).value_or(0); };
    for (int i = 0; i < 50 && flushed() < last; ++i) again.Poll(std::chrono::milliseconds(100));
    CHECK(flushed() >= last);
    again.Stop();
  }
  {
    // Everything confirmed: only what happens next arrives.
    PgReplicationStream third(config);
    third.Start(0);
    s.Exec("INSERT INTO bulk VALUES (5002, 'third')");
    Collected r = Collect(third, 1);
    REQUIRE(r.transactions.size() == 1);
    CHECK(r.transactions[0].transaction.rows[0].after[0] == V("5002"));

    // Drift: a column added mid-stream is reported before the rows of the new shape.
    s.Exec("ALTER TABLE bulk ADD COLUMN extra int; INSERT INTO bulk VALUES (5003, 'drift', 7)");
    Collected d = Collect(third, 1);
    REQUIRE(d.drifts.size() == 1);
    CHECK(d.drifts[0].drift.Describe().find("schema drift on public.bulk at ") == 0);
    CHECK(d.drifts[0].drift.changes == std::vector<std::string>{"column 'extra' added (int4)"});
    CHECK(d.drifts[0].lsn < d.transactions.at(0).lsn);
    CHECK(d.transactions[0].transaction.rows[0].columns == std::vector<std::string>{"id", "pad", "extra"});
    CHECK(d.transactions[0].transaction.rows[0].after[2] == V("7"));
    third.Stop();
  }

  // Clean-up leaves nothing behind.
  CHECK(DropSlot(sql, slot));
  CHECK_FALSE(DropSlot(sql, slot));
  DropPublication(sql, pub);
  CHECK_FALSE(PublicationExists(sql, pub));
  CHECK_FALSE(FindSlot(sql, slot).has_value());
  CHECK(s.Scalar("SELECT count(*) FROM pg_replication_slots WHERE slot_name = " + s.Quote(slot)) == "0");
}

TEST_CASE("slots of a plan are listed; an active slot is dropped after its walsender is ended") {
  std::string db = testing::CreateFreshPgDatabase("pgslots");
  testing::PgSession s(testing::TestServersFromEnv().postgres.Admin(db));
  s.Exec("CREATE TABLE t (id int PRIMARY KEY)");
  PgConnection sql(SourceConfig(db));
  std::string plan = db + "-Plan";
  std::string slot = SluiceSlotName(plan);
  CreatePublication(sql, slot, {{"public", "t"}});
  PgReplicationStream a(StreamConfig(db, slot, slot));
  a.CreateSlot();
  a.Start();
  PgReplicationStream b(StreamConfig(db, slot + "__reverse", slot));
  b.CreateSlot();
  b.ReleaseSnapshot();
  auto slots = ListSluiceSlots(sql, plan);
  REQUIRE(slots.size() == 2);
  CHECK(slots[0].slot_name == slot);
  CHECK(slots[0].active);
  CHECK(slots[0].plugin == "pgoutput");
  CHECK(slots[0].database == db);
  CHECK(slots[0].retained_bytes.has_value());
  CHECK(slots[1].slot_name == slot + "__reverse");
  CHECK_FALSE(slots[1].active);
  CHECK(ListSluiceSlots(sql, plan + "x").empty());

  CHECK(DropSlot(sql, slot));  // active: its walsender is terminated first
  CHECK(DropSlot(sql, slot + "__reverse"));
  CHECK(ListSluiceSlots(sql, plan).empty());
  DropPublication(sql, slot);
  CHECK_FALSE(RetainedWalBytes(sql, slot).has_value());
}

TEST_CASE("protocol 1, a password login, and the decode-rate helper") {
  std::string db = testing::CreateFreshPgDatabase("pgproto1");
  std::string slot = "sluice_" + db;
  testing::PgSession s(testing::TestServersFromEnv().postgres.Admin(db));
  s.Exec("CREATE TABLE t (id int PRIMARY KEY, v text)");
  PgConnection sql(SourceConfig(db));
  CreatePublication(sql, slot, {{"public", "t"}});
  PgReplicationConfig config = StreamConfig(db, slot, slot);
  config.proto_version = 1;
  config.logical_decoding_work_mem = "64kB";
  // Through the login that needs a password (SCRAM), on the replication connection too.
  config.source.dsn.user = testing::TestServersFromEnv().password_user;
  config.source.password = testing::TestServersFromEnv().password;
  {
    PgReplicationStream stream(config);
    stream.CreateSlot();
    stream.Start();
    CHECK(stream.proto_version() == 1);
    s.Exec("INSERT INTO t SELECT g, repeat('v', 200) FROM generate_series(1, 2000) g");
    Collected c = Collect(stream, 1);
    REQUIRE(c.transactions.size() == 1);
    CHECK_FALSE(c.transactions[0].streamed);  // protocol 1 never streams
    CHECK(c.transactions[0].transaction.rows.size() == 2000);
    stream.Stop();
  }
  s.Exec("INSERT INTO t SELECT g, 'x' FROM generate_series(3001, 4000) g");
  s.Exec("INSERT INTO t SELECT g, 'y' FROM generate_series(4001, 5000) g");
  uint64_t end = *ParseLsn(*s.Scalar("SELECT pg_current_wal_lsn()::text"));
  PgDrainResult r = DrainSlot(config, end, std::chrono::seconds(60), true);
  CHECK(r.reached_end);
  CHECK(r.rows == 4000);  // the unconfirmed 2000 again, then 2000 new
  CHECK(r.transactions == 3);
  CHECK(r.bytes > 0);
  CHECK(FormatDrainResult(r).find("4000 rows in 3 transactions") == 0);
  CHECK(DropSlot(sql, slot));
  DropPublication(sql, slot);
}

TEST_CASE("read coalescing loses and repeats nothing: twin slots, one read at once, one coalescing") {
  std::string db = testing::CreateFreshPgDatabase("pgcoalesce");
  std::string slot = "sluice_" + db;
  testing::PgSession s(testing::TestServersFromEnv().postgres.Admin(db));
  s.Exec("CREATE TABLE t (id int PRIMARY KEY, v text)");
  PgConnection sql(SourceConfig(db));
  CreatePublication(sql, slot, {{"public", "t"}});
  // Two slots at one point, then thousands of one-row transactions: a stream
  // of small messages, the case read coalescing is for.
  s.Exec("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
  s.Exec("SELECT pg_create_logical_replication_slot('" + slot + "_eager', 'pgoutput')");
  s.Exec("DO $$ BEGIN FOR i IN 1..4000 LOOP INSERT INTO t VALUES (i, repeat('v', i % 50)); COMMIT; END LOOP; END $$");
  uint64_t end = *ParseLsn(*s.Scalar("SELECT pg_current_wal_lsn()::text"));
  PgReplicationConfig coalescing = StreamConfig(db, slot, slot);
  REQUIRE(coalescing.read_coalesce.count() > 0);  // the default
  PgReplicationConfig eager = StreamConfig(db, slot + "_eager", slot);
  eager.read_coalesce = std::chrono::microseconds(0);
  for (const PgReplicationConfig& config : {coalescing, eager}) {
    CAPTURE(config.slot_name);
    PgDrainResult r = DrainSlot(config, end, std::chrono::seconds(60), true);
    CHECK(r.reached_end);
    CHECK(r.rows == 4000);
    CHECK(r.transactions == 4000);
  }
  // A lone change after the backlog still arrives at once: the coalescing
  // wait happens once, then the reader blocks on the socket as before.
  {
    PgReplicationStream stream(coalescing);
    stream.Start();
    s.Exec("INSERT INTO t VALUES (5000, 'late')");
    auto t0 = std::chrono::steady_clock::now();
    Collected c = Collect(stream, 1);
    auto waited = std::chrono::steady_clock::now() - t0;
    REQUIRE(c.transactions.size() == 1);
    CHECK(c.transactions[0].transaction.rows.size() == 1);
    CHECK(waited < std::chrono::seconds(2));
    stream.Stop();
  }
  CHECK(DropSlot(sql, slot));
  CHECK(DropSlot(sql, slot + "_eager"));
  DropPublication(sql, slot);
}
