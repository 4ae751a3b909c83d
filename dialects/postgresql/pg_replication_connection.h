#pragma once
// Logical replication from PostgreSQL with pgoutput: the publication, the
// slot (with the exported snapshot the full copy reads), the stream of
// decoded transactions, confirmations, heartbeats, the retained-WAL check and
// clean-up. Decoding itself is in pgoutput_decoder.h; prechecks in
// pg_replication_precheck.h.
//
// The order a migration uses it in:
//
//   PgConnection sql(config.source);                        // a normal connection
//   CreatePublication(sql, "sluice_shop", tables);          // before the slot
//   PgReplicationStream stream(config);
//   PgSlotCreation slot = stream.CreateSlot();              // holds the snapshot
//   // full copy: every reader connection, before it reads anything, runs
//   //   BEGIN ISOLATION LEVEL REPEATABLE READ;   (or SERIALIZABLE READ ONLY)
//   //   SET TRANSACTION SNAPSHOT '<slot.snapshot_name>';
//   // and reads every chunk inside that transaction. A reader may import the
//   // snapshot at any time until stream.ReleaseSnapshot() or stream.Start():
//   // the replication connection stays open and idle meanwhile. Call
//   // ReleaseSnapshot() (or Start()) only once no reader will import it again
//   // -- simplest and retry-safe: when the copy has finished; earliest: once
//   // every reader that will ever read has imported it (readers keep their
//   // snapshot for as long as their own transaction stays open).
//   stream.Start(slot.consistent_point);
//   for (;;) {
//     for (PgCaptureEvent& e : stream.Poll(1000)) { ... apply ... }
//     stream.Confirm(lsn_the_target_committed);             // moves the slot
//   }
//   stream.Stop();
//   DropSlot(sql, slot.slot_name);  DropPublication(sql, "sluice_shop");
//
// Rows committed before consistent_point are exactly the snapshot's; the
// stream delivers exactly the transactions committed after it.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/sql_connection.h"
#include "dialects/postgresql/pgoutput_decoder.h"

namespace sluice {

class PgConnection;

struct PgTableName {
  std::string schema;
  std::string table;
  bool operator==(const PgTableName&) const = default;
};

// ---- Names ---------------------------------------------------------------

// The default slot / publication name of a plan: "sluice_" + the plan name
// lower-cased, every character outside [a-z0-9_] replaced by '_', cut to 63
// bytes (PostgreSQL's name limit). docs/plan-language.md: source.capture.slot.
std::string SluiceSlotName(std::string_view plan_name);
// A slot or publication name Sluice creates must be [a-z0-9_]{1,63}.
bool IsValidSlotName(std::string_view name);

// ---- On a normal (SQL) connection to the source database -----------------

// CREATE PUBLICATION "name" FOR TABLE "s"."t", ... (every identifier quoted).
// Throws DbException (e.g. 42710 when it exists, 42501 without ownership).
void CreatePublication(SqlConnection& sql, const std::string& name, const std::vector<PgTableName>& tables);
// DROP PUBLICATION IF EXISTS "name".
void DropPublication(SqlConnection& sql, const std::string& name);
bool PublicationExists(SqlConnection& sql, const std::string& name);

struct PgSlotInfo {
  std::string slot_name;
  std::string plugin;
  std::string database;
  bool active = false;
  std::optional<int> active_pid;
  std::string confirmed_flush_lsn;        // "" when NULL
  std::optional<int64_t> retained_bytes;  // pg_current_wal_lsn() - confirmed_flush_lsn
};
// The slots Sluice made for a plan: SluiceSlotName(plan) and any named
// SluiceSlotName(plan) + "__" + suffix, in name order.
std::vector<PgSlotInfo> ListSluiceSlots(SqlConnection& sql, std::string_view plan_name);
std::optional<PgSlotInfo> FindSlot(SqlConnection& sql, const std::string& slot_name);

// Drops the slot if it exists. A slot still streamed to (active) cannot be
// dropped: with terminate_active its walsender is terminated first (only do
// that for Sluice's own slot, after stopping the stream). Returns whether a
// slot was dropped. Waits up to `wait` for the walsender to let go.
bool DropSlot(SqlConnection& sql, const std::string& slot_name, bool terminate_active = true,
              std::chrono::milliseconds wait = std::chrono::seconds(10));

// Bytes of WAL the slot keeps the server from recycling:
// pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn). nullopt when
// the slot does not exist. Warn when above the plan's limit: an idle or
// stopped capture makes the source's disk fill up.
std::optional<int64_t> RetainedWalBytes(SqlConnection& sql, const std::string& slot_name);

// Heartbeat: writes a non-transactional logical message
// (pg_logical_emit_message(false, prefix, content)) into the source's WAL and
// returns its LSN. Run it every few seconds to a minute on a normal connection
// to the slot's database. The stream reports it as a kHeartbeat event with
// that LSN; once every transaction delivered before it is applied, confirming
// the heartbeat's LSN lets the slot advance, so WAL written by other databases
// or unpublished tables is not retained while the published tables are idle.
// Needs PostgreSQL 14+ (pgoutput's messages option); the stream requests it
// there. Nothing is written to any table.
uint64_t EmitHeartbeat(SqlConnection& sql, const std::string& content,
                       const std::string& prefix = "sluice.heartbeat");

// Resolves domains to their base type through pg_type on a normal connection
// (cached by the decoder: a domain's base type never changes). `connect`
// opens that connection when first needed, and once more after a failure.
class PgCatalogTypeResolver : public PgTypeResolver {
 public:
  explicit PgCatalogTypeResolver(std::function<std::unique_ptr<SqlConnection>()> connect)
      : connect_(std::move(connect)) {}
  std::optional<PgBaseType> BaseType(uint32_t type_oid) override;

 private:
  std::optional<PgBaseType> Lookup(uint32_t type_oid);
  std::function<std::unique_ptr<SqlConnection>()> connect_;
  std::unique_ptr<SqlConnection> conn_;
};

// ---- The replication connection -------------------------------------------

struct PgReplicationConfig {
  ConnectionConfig source;       // the source database; the stream adds replication=database
  std::string slot_name;         // [a-z0-9_]{1,63}
  std::string publication_name;  // the publication(s) to stream, comma-separated
  int proto_version = 0;         // 0: 2 where the server has it (14+), else 1
  bool streaming = true;         // protocol 2: receive large transactions before they commit
  std::string logical_decoding_work_mem;  // e.g. "64kB": when streaming starts; "": server default
  PgOutputDecoderOptions decoder;
  std::chrono::milliseconds status_interval{10000};  // standby status updates at least this often
  // When the socket runs dry while changes are flowing, wait this long before
  // reading again (once; then block as usual). The walsender writes every
  // pgoutput message with its own send(); a reader that wakes and reads at
  // once for each one makes the server pay a TCP transmit, delivery and
  // wake-up per message, and that, not decoding, sets the pace of a backlog
  // (perf: over half the walsender's time in send()). While the reader waits,
  // unacknowledged segments hold the server's later messages in its socket,
  // where they merge into large segments sent when the reader reads again.
  // Measured on loopback (bench/cdc_pg, 1M changes): 0 (read at once, as
  // pg_recvlogical does) 9.7 s; 150-500 us 4.7-7.8 s; 650 us 4.0-4.1 s in
  // every run; 800 us 4.0-6.2 s; 1 ms and more lost most of the gain. Adds at
  // most this much latency per change. 0 turns it off.
  std::chrono::microseconds read_coalesce{650};
  // When every transaction delivered so far is confirmed, report the
  // server's keepalive position as flushed too (nothing unconfirmed lies
  // before it). Keeps an idle slot from retaining WAL, and lets a fast
  // shutdown of the server finish: PostgreSQL waits until its logical
  // clients have flushed everything it sent.
  bool advance_when_idle = true;
  // Reconnects after a lost connection: attempts, then the error is thrown.
  int reconnect_attempts = 10;
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{30000};
};

struct PgSlotCreation {
  std::string slot_name;
  uint64_t consistent_point = 0;  // the stream starts here; the snapshot is this point
  std::string snapshot_name;      // for SET TRANSACTION SNAPSHOT, valid until ReleaseSnapshot()
};

struct PgStreamStats {
  uint64_t bytes = 0;         // XLogData payload bytes
  uint64_t messages = 0;      // pgoutput messages
  uint64_t transactions = 0;  // delivered
  uint64_t rows = 0;          // delivered
  uint64_t keepalives = 0;
  uint64_t status_updates = 0;
  uint64_t reconnects = 0;
  uint64_t skipped_redelivered = 0;  // transactions seen again after a reconnect, not redelivered
};

// Not thread-safe except Confirm() and confirmed(), which another thread
// (the applier) may call while one thread polls.
class PgReplicationStream {
 public:
  explicit PgReplicationStream(PgReplicationConfig config);
  ~PgReplicationStream();
  PgReplicationStream(const PgReplicationStream&) = delete;
  PgReplicationStream& operator=(const PgReplicationStream&) = delete;

  // CREATE_REPLICATION_SLOT <slot> LOGICAL pgoutput EXPORT_SNAPSHOT on a new
  // replication connection, which then stays open and idle so the snapshot
  // stays importable (see the top of this file). Throws DbException (42710
  // when the slot exists).
  PgSlotCreation CreateSlot();
  // Ends the exported snapshot (closes the idle replication connection).
  void ReleaseSnapshot();
  bool holds_snapshot() const { return holding_snapshot_; }

  // START_REPLICATION from `start_lsn` (the last confirmed position; 0: the
  // slot's confirmed_flush_lsn). Releases a held snapshot. Transactions whose
  // commit ends at or before the start are never delivered.
  void Start(uint64_t start_lsn = 0);

  // Reads for at most `timeout` and returns the events decoded (possibly
  // none): transactions in commit order, drift, heartbeats. Answers
  // keepalives, sends status updates, and reconnects with backoff after a
  // lost connection, restarting at the confirmed position and skipping what
  // this stream already delivered, so the caller sees nothing twice and
  // misses nothing. Throws DbException once reconnecting fails
  // `reconnect_attempts` times, PgOutputError on a corrupt stream or a failed
  // type lookup; after either, drop the stream and start a new one.
  std::vector<PgCaptureEvent> Poll(std::chrono::milliseconds timeout, size_t max_events = 1000);

  // The target has committed everything up to `lsn` (a transaction's or a
  // heartbeat's lsn). Only this advances the slot's flush position past a
  // delivered transaction; it never moves back. Sent with the next Poll. (With
  // advance_when_idle, once everything delivered is confirmed, the flush
  // position also follows the server's keepalives, which carry no rows.)
  void Confirm(uint64_t lsn);
  uint64_t confirmed() const { return confirmed_.load(); }
  // The highest WAL position the server said it has processed (XLogData
  // starts, keepalives): every transaction committed before it was sent.
  uint64_t received() const { return received_; }
  // The highest lsn handed out by Poll.
  uint64_t delivered() const { return delivered_; }
  // Sends a standby status update now (write/flush/apply); Poll does this.
  void SendStatus(bool reply_requested = false);

  // Ends streaming and closes the connection (the slot stays).
  void Stop();
  // For tests: drops the connection as a network failure would.
  void BreakConnectionForTest();

  int proto_version() const { return proto_; }
  const PgStreamStats& stats() const { return stats_; }
  PgOutputDecoder& decoder() { return decoder_; }

 private:
  std::unique_ptr<PgConnection> Connect(bool replication);
  void StartOnce(uint64_t start_lsn);
  void Reconnect();
  // One CopyData message from the server.
  void Handle(std::string_view data, std::vector<PgCaptureEvent>& out);
  void Deliver(std::vector<PgCaptureEvent>& decoded, std::vector<PgCaptureEvent>& out);
  uint64_t FlushPosition() const;  // what status updates report as flushed

  PgReplicationConfig config_;
  std::unique_ptr<PgConnection> repl_;
  std::unique_ptr<PgCatalogTypeResolver> resolver_;
  PgOutputDecoder decoder_;
  bool holding_snapshot_ = false;
  bool streaming_ = false;  // a COPY BOTH stream is open now
  bool started_ = false;    // Start() ran and Stop() did not: Poll reconnects as needed
  int proto_ = 1;
  std::atomic<uint64_t> confirmed_{0};
  uint64_t sent_flush_ = 0;
  uint64_t received_ = 0;
  uint64_t delivered_ = 0;
  uint64_t delivered_txn_ = 0;  // the last transaction handed out
  uint64_t idle_flush_ = 0;     // keepalive position reported when all delivered is confirmed
  bool coalesced_ = false;      // waited read_coalesce since the last bytes arrived
  std::chrono::steady_clock::time_point last_status_{};
  PgStreamStats stats_;
};

// Standby status update bytes ('r'): write, flush, apply LSNs, the client's
// clock (microseconds since 2000-01-01) and the reply-requested flag.
std::string EncodeStandbyStatus(uint64_t write, uint64_t flush, uint64_t apply, int64_t now_pg_micros, bool reply);

}  // namespace sluice
