#pragma once
// Decoding of PostgreSQL's pgoutput logical replication messages (protocol
// versions 1 and 2, "Logical Replication Message Formats" in the PostgreSQL
// documentation) into the neutral change model of runtime/change.h.
//
// The decoder is pure: it is fed the payload of each XLogData message of a
// replication stream (see pg_replication_connection.h for the connection) and
// appends what became complete to an event list: whole transactions (at
// Commit / Stream Commit), schema drift (at the Relation message that shows
// it, before any row of the new shape), and Sluice heartbeats. Malformed input
// throws PgOutputError; it never crashes, hangs or allocates more than the
// input justifies (plus the bounded, spilling buffer of streamed
// transactions).

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/change.h"

namespace sluice {

// A stream that does not follow the protocol: corrupt bytes, a row for a
// relation never described, a commit without a begin, ... Ends the capture.
class PgOutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "0/16B3748" (PostgreSQL's %X/%X) and back.
std::string FormatLsn(uint64_t lsn);
std::optional<uint64_t> ParseLsn(std::string_view text);

// One CopyData message of a START_REPLICATION stream (streaming replication
// protocol): XLogData ('w') carrying a pgoutput message, or a primary
// keepalive ('k'). Throws PgOutputError on anything else or short input.
struct PgWalMessage {
  char kind = 'w';
  uint64_t wal_start = 0;   // 'w': WAL position of the payload
  uint64_t wal_end = 0;     // the server's current end of WAL
  int64_t send_time = 0;    // server clock, microseconds since 2000-01-01
  bool reply_requested = false;  // 'k': answer with a status update now
  std::string_view payload;      // 'w': the pgoutput message (points into the input)
};
PgWalMessage ParseWalMessage(std::string_view data);

// PostgreSQL timestamps count microseconds from 2000-01-01 00:00:00 UTC.
inline constexpr int64_t kPgEpochUnixMicros = 946684800LL * 1000000;
// PostgreSQL time -> Unix microseconds; saturates instead of overflowing.
int64_t PgTimeToUnixMicros(int64_t pg_micros);

struct PgRelationColumn {
  std::string name;
  uint32_t type_oid = 0;
  int32_t typmod = -1;
  bool key = false;  // part of the replica identity
  bool operator==(const PgRelationColumn&) const = default;
};

// What a Relation message says, cached by OID.
struct PgRelation {
  uint32_t oid = 0;
  std::string schema;
  std::string table;
  char replica_identity = 'd';  // d default (primary key), n nothing, f full, i index
  std::vector<PgRelationColumn> columns;
};

// A column the caller expects (from the catalog the plan was made with).
struct PgExpectedColumn {
  std::string name;
  uint32_t type_oid = 0;  // 0: do not compare the type
};

// A Relation message that differs from the previous one for the same table,
// or from the caller's expected columns. Rows after it are decoded with the
// new column list (names travel with every RowChange), so nothing lands in
// the wrong column; the caller decides whether to pause.
struct PgSchemaDrift {
  uint32_t relation_oid = 0;
  std::string schema;
  std::string table;
  // WAL position of the message; as the server sends none for Relation
  // messages, the commit LSN of the transaction they precede (0 when not
  // known: inside a streamed transaction).
  uint64_t lsn = 0;
  std::vector<std::string> changes;  // one line each: "column 'b' added (text)"
  std::vector<PgRelationColumn> before;  // empty when compared with expectations
  std::vector<PgRelationColumn> after;
  // "schema drift on public.t at 0/16B3748: column 'b' added (text); ..."
  std::string Describe() const;
};

struct PgTruncateOptions {
  bool cascade = false;
  bool restart_identity = false;
  bool operator==(const PgTruncateOptions&) const = default;
};

struct PgCaptureEvent {
  enum class Kind { kTransaction, kSchemaDrift, kHeartbeat };
  Kind kind = Kind::kTransaction;
  // kTransaction: the commit's end LSN (also transaction.position, as text);
  // kSchemaDrift: drift.lsn; kHeartbeat: the heartbeat message's.
  uint64_t lsn = 0;

  // kTransaction
  CapturedTransaction transaction;
  uint32_t xid = 0;
  bool streamed = false;  // arrived in protocol-2 stream chunks
  // The options of each kTruncate row, by index into transaction.rows (a
  // TRUNCATE lists every table it emptied, cascaded ones included).
  std::vector<std::pair<size_t, PgTruncateOptions>> truncate_options;

  // kSchemaDrift
  PgSchemaDrift drift;

  // kHeartbeat: the content passed to pg_logical_emit_message.
  std::string heartbeat;
};

// Domains (and other user types) print as their base type. The decoder asks
// once per OID >= 16384; nullopt (or no resolver) passes the text through.
struct PgBaseType {
  uint32_t oid = 0;
  int32_t typmod = -1;
};
class PgTypeResolver {
 public:
  virtual ~PgTypeResolver() = default;
  virtual std::optional<PgBaseType> BaseType(uint32_t type_oid) = 0;
};

struct PgOutputDecoderOptions {
  // Non-transactional logical messages with this prefix are heartbeats
  // (PgReplication::EmitHeartbeat); other messages are ignored.
  std::string heartbeat_prefix = "sluice.heartbeat";
  // Bytes of rows of open streamed transactions kept in memory in total;
  // beyond it a transaction's rows go to an unlinked temporary file.
  size_t stream_memory_limit = 64u << 20;
  // Directory of those files; empty: the system's (tmpfile()).
  std::string spill_dir;
};

class PgOutputDecoder {
 public:
  explicit PgOutputDecoder(PgOutputDecoderOptions options = {}, PgTypeResolver* resolver = nullptr);
  ~PgOutputDecoder();
  PgOutputDecoder(const PgOutputDecoder&) = delete;
  PgOutputDecoder& operator=(const PgOutputDecoder&) = delete;

  // Decodes one pgoutput message (an XLogData payload starting at WAL
  // position `wal_start`) and appends completed events to `out`. Throws
  // PgOutputError on a malformed or out-of-protocol message; the decoder
  // must then be Reset() (or dropped) before reuse.
  void Decode(std::string_view message, uint64_t wal_start, std::vector<PgCaptureEvent>& out);

  // Forgets transactions in progress (plain and streamed). Call after a
  // reconnect: the server sends them again from their start. Relation
  // descriptions are kept, so drift is still detected across reconnects.
  void Reset();

  // Compares the next Relation message for schema.table with `columns`
  // (names in order, optionally types) and reports any difference as drift.
  void ExpectColumns(const std::string& schema, const std::string& table, std::vector<PgExpectedColumn> columns);

  const PgRelation* relation(uint32_t oid) const;
  bool in_transaction() const { return txn_.has_value(); }
  size_t open_streams() const { return streams_.size(); }
  size_t streamed_bytes_in_memory() const { return stream_memory_; }
  size_t spilled_transactions() const { return spilled_count_; }

 private:
  struct Column {
    PgRelationColumn wire;
    uint32_t value_oid = 0;  // the base type whose text form the value has
    int32_t value_typmod = -1;
  };
  struct Relation {
    PgRelation wire;
    std::vector<Column> columns;
  };
  struct OpenTransaction {
    uint32_t xid = 0;
    uint64_t final_lsn = 0;
    int64_t commit_time_pg = 0;
    CapturedTransaction txn;
    std::vector<std::pair<size_t, PgTruncateOptions>> truncates;
  };
  // A change of a streamed transaction, tagged with its (sub)transaction id.
  struct StreamedChange {
    uint32_t subxid = 0;
    RowChange row;
    uint8_t truncate_flags = 0;
    bool is_truncate_row = false;
  };
  struct FileCloser {
    void operator()(std::FILE* f) const {
      if (f != nullptr) std::fclose(f);
    }
  };
  struct StreamBuffer {
    std::vector<StreamedChange> memory;
    size_t memory_bytes = 0;
    std::unique_ptr<std::FILE, FileCloser> spill;
    size_t spilled_changes = 0;
    std::set<uint32_t> aborted_subxids;
    std::string origin;
  };

  class Reader;
  void OnBegin(Reader& r);
  void OnCommit(Reader& r, std::vector<PgCaptureEvent>& out);
  void OnOrigin(Reader& r);
  void OnRelation(Reader& r, uint64_t wal_start, std::vector<PgCaptureEvent>& out);
  void OnType(Reader& r);
  void OnChange(char type, Reader& r, uint32_t xid);
  void OnTruncate(Reader& r, uint32_t xid);
  void OnMessage(Reader& r, std::vector<PgCaptureEvent>& out);
  void OnStreamStart(Reader& r);
  void OnStreamCommit(Reader& r, std::vector<PgCaptureEvent>& out);
  void OnStreamAbort(Reader& r);

  const Relation& RelationFor(uint32_t oid) const;
  std::vector<CapturedValue> ReadTuple(Reader& r, const Relation& rel, bool key_only);
  void AddRow(uint32_t xid, RowChange row, std::optional<PgTruncateOptions> truncate);
  void Spill(StreamBuffer& buffer);
  std::vector<StreamedChange> ReadBack(StreamBuffer& buffer);
  void DropStream(uint32_t xid);
  std::string TypeLabel(uint32_t oid, int32_t typmod) const;
  std::vector<std::string> Compare(const PgRelation& before, const PgRelation& after) const;
  std::vector<std::string> CompareExpected(const std::vector<PgExpectedColumn>& expected,
                                           const PgRelation& after) const;

  PgOutputDecoderOptions options_;
  PgTypeResolver* resolver_;
  std::map<uint32_t, Relation> relations_;
  std::map<uint32_t, std::optional<PgBaseType>> base_types_;
  std::map<uint32_t, std::string> type_names_;  // from Type messages: "public.mood"
  std::map<std::pair<std::string, std::string>, uint32_t> oid_by_name_;
  std::map<std::pair<std::string, std::string>, std::vector<PgExpectedColumn>> expected_;
  std::optional<OpenTransaction> txn_;
  bool in_stream_ = false;
  uint32_t stream_xid_ = 0;
  std::map<uint32_t, StreamBuffer> streams_;
  size_t stream_memory_ = 0;
  size_t spilled_count_ = 0;
};

}  // namespace sluice
