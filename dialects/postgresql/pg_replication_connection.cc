// Logical replication over libpq.
//
// A replication=database connection speaks the replication command language
// (CREATE_REPLICATION_SLOT, START_REPLICATION) through the simple query
// protocol; START_REPLICATION turns it into a COPY BOTH stream of CopyData
// messages: XLogData ('w', one pgoutput message each) and keepalives ('k')
// from the server, standby status updates ('r') from us. The flush position
// in those updates is the slot's confirmed_flush_lsn on the server: where
// decoding resumes after any restart. It is only ever the value the caller
// passed to Confirm(), so a crash can replay unconfirmed transactions but
// never skip one.
//
// The connection pins the session settings that value text depends on
// (kPgCanonicalSessionOptions), so decoded values have one form whatever the
// server's defaults are.
//
// A lost connection (network, server restart) is retried with exponential
// backoff and jitter; the stream restarts at the confirmed position and
// drops transactions this object already handed out (their end LSN is at or
// below `delivered_`), so a reconnect is invisible to the caller.

#include "dialects/postgresql/pg_replication_connection.h"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <thread>

#include "dialects/postgresql/pg_connection.h"
#include "dialects/postgresql/pgoutput_values.h"

namespace sluice {

namespace {

using Clock = std::chrono::steady_clock;

DbError ConnError(PGconn* conn, const std::string& context) {
  DbError e;
  std::string msg = conn != nullptr ? PQerrorMessage(conn) : "no connection";
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  e.sqlstate = "08006";
  e.message = context + ": " + msg;
  return e;
}

std::string Quoted(const PgTableName& t) {
  return PgConnection::QuotePgIdent(t.schema) + "." + PgConnection::QuotePgIdent(t.table);
}

std::vector<std::string> SplitNames(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string name = list.substr(start, comma - start);
    while (!name.empty() && name.front() == ' ') name.erase(name.begin());
    while (!name.empty() && name.back() == ' ') name.pop_back();
    out.push_back(name);
    start = comma + 1;
  }
  return out;
}

void RequireName(const std::string& name, const char* what) {
  if (!IsValidSlotName(name)) {
    throw std::invalid_argument(std::string(what) + " name '" + name + "' must match [a-z0-9_]{1,63}");
  }
}

int64_t NowPgMicros() {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch());
  return us.count() - kPgEpochUnixMicros;
}

PgSlotInfo SlotFromRow(const QueryResult& r, size_t i) {
  PgSlotInfo s;
  s.slot_name = r.GetOr(i, "slot_name");
  s.plugin = r.GetOr(i, "plugin");
  s.database = r.GetOr(i, "database");
  s.active = r.GetOr(i, "active") == "t";
  if (auto pid = r.Get(i, "active_pid")) s.active_pid = std::stoi(*pid);
  s.confirmed_flush_lsn = r.GetOr(i, "confirmed_flush_lsn");
  if (auto b = r.Get(i, "retained_bytes")) s.retained_bytes = std::stoll(*b);
  return s;
}

constexpr const char* kSlotColumns =
    "SELECT slot_name, plugin, database, active, active_pid, confirmed_flush_lsn::text AS confirmed_flush_lsn, "
    "pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint AS retained_bytes "
    "FROM pg_replication_slots ";

}  // namespace

// ---- Names -----------------------------------------------------------------

std::string SluiceSlotName(std::string_view plan_name) {
  std::string out = "sluice_";
  for (char c : plan_name) {
    char l = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    out += (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '_' ? l : '_';
  }
  if (out.size() > 63) out.resize(63);
  return out;
}

bool IsValidSlotName(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// ---- Normal-connection helpers --------------------------------------------

void CreatePublication(SqlConnection& sql, const std::string& name, const std::vector<PgTableName>& tables) {
  if (tables.empty()) throw std::invalid_argument("a publication needs at least one table");
  std::string stmt = "CREATE PUBLICATION " + PgConnection::QuotePgIdent(name) + " FOR TABLE ";
  for (size_t i = 0; i < tables.size(); ++i) stmt += (i ? ", " : "") + Quoted(tables[i]);
  sql.Exec(stmt);
}

void DropPublication(SqlConnection& sql, const std::string& name) {
  sql.Exec("DROP PUBLICATION IF EXISTS " + PgConnection::QuotePgIdent(name));
}

bool PublicationExists(SqlConnection& sql, const std::string& name) {
  return !sql.Query("SELECT 1 FROM pg_publication WHERE pubname = " + sql.QuoteString(name)).rows.empty();
}

std::vector<PgSlotInfo> ListSluiceSlots(SqlConnection& sql, std::string_view plan_name) {
  std::string base = SluiceSlotName(plan_name);
  QueryResult r = sql.Query(std::string(kSlotColumns) + "WHERE slot_name = " + sql.QuoteString(base) +
                            " OR left(slot_name, " + std::to_string(base.size() + 2) +
                            ") = " + sql.QuoteString(base + "__") + " ORDER BY slot_name");
  std::vector<PgSlotInfo> out;
  for (size_t i = 0; i < r.rows.size(); ++i) out.push_back(SlotFromRow(r, i));
  return out;
}

std::optional<PgSlotInfo> FindSlot(SqlConnection& sql, const std::string& slot_name) {
  QueryResult r = sql.Query(std::string(kSlotColumns) + "WHERE slot_name = " + sql.QuoteString(slot_name));
  if (r.rows.empty()) return std::nullopt;
  return SlotFromRow(r, 0);
}

bool DropSlot(SqlConnection& sql, const std::string& slot_name, bool terminate_active,
              std::chrono::milliseconds wait) {
  auto deadline = Clock::now() + wait;
  for (;;) {
    std::optional<PgSlotInfo> slot = FindSlot(sql, slot_name);
    if (!slot) return false;
    if (slot->active && slot->active_pid && terminate_active) {
      sql.Query("SELECT pg_terminate_backend(" + std::to_string(*slot->active_pid) + ")");
    }
    try {
      sql.Query("SELECT pg_drop_replication_slot(" + sql.QuoteString(slot_name) + ")");
      return true;
    } catch (const DbException& e) {
      // 55006: still active (the walsender has not exited yet); 42704: gone meanwhile.
      if (e.error().sqlstate == "42704") return false;
      if (e.error().sqlstate != "55006" || Clock::now() >= deadline) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::optional<int64_t> RetainedWalBytes(SqlConnection& sql, const std::string& slot_name) {
  std::optional<PgSlotInfo> slot = FindSlot(sql, slot_name);
  if (!slot) return std::nullopt;
  if (!slot->retained_bytes) {
    // A slot that never confirmed (or a physical one) keeps WAL from restart_lsn.
    QueryResult r = sql.Query(
        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint FROM pg_replication_slots WHERE slot_name = " +
        sql.QuoteString(slot_name));
    if (!r.rows.empty() && r.rows[0][0]) return std::stoll(*r.rows[0][0]);
    return 0;
  }
  return slot->retained_bytes;
}

uint64_t EmitHeartbeat(SqlConnection& sql, const std::string& content, const std::string& prefix) {
  QueryResult r = sql.Query("SELECT pg_logical_emit_message(false, " + sql.QuoteString(prefix) + ", " +
                            sql.QuoteString(content) + ")::text");
  std::optional<uint64_t> lsn = r.rows.empty() || !r.rows[0][0] ? std::nullopt : ParseLsn(*r.rows[0][0]);
  if (!lsn) throw DbException(DbError{0, "XX000", "pg_logical_emit_message returned no LSN"});
  return *lsn;
}

std::optional<PgBaseType> PgCatalogTypeResolver::Lookup(uint32_t type_oid) {
  if (!conn_) conn_ = connect_();
  PgBaseType base{type_oid, -1};
  bool domain = false;
  // Domains over domains: follow typbasetype to the first non-domain (bounded).
  for (int depth = 0; depth < 32; ++depth) {
    QueryResult r = conn_->Query("SELECT typtype, typbasetype, typtypmod FROM pg_type WHERE oid = " +
                                 std::to_string(base.oid));
    if (r.rows.empty()) return std::nullopt;
    if (r.GetOr(0, "typtype") != "d") return domain ? std::optional<PgBaseType>(base) : std::nullopt;
    domain = true;
    int32_t typmod = std::stoi(r.GetOr(0, "typtypmod", "-1"));
    if (base.typmod < 0) base.typmod = typmod;
    base.oid = static_cast<uint32_t>(std::stoul(r.GetOr(0, "typbasetype", "0")));
  }
  return std::nullopt;
}

std::optional<PgBaseType> PgCatalogTypeResolver::BaseType(uint32_t type_oid) {
  try {
    return Lookup(type_oid);
  } catch (const DbException&) {
    conn_.reset();  // the server may have restarted: one fresh attempt
    return Lookup(type_oid);
  }
}

std::string EncodeStandbyStatus(uint64_t write, uint64_t flush, uint64_t apply, int64_t now_pg_micros, bool reply) {
  std::string out(1, 'r');
  auto put = [&](uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
  };
  put(write);
  put(flush);
  put(apply);
  put(static_cast<uint64_t>(now_pg_micros));
  out += static_cast<char>(reply ? 1 : 0);
  return out;
}

// ---- The stream --------------------------------------------------------------

PgReplicationStream::PgReplicationStream(PgReplicationConfig config)
    : config_(std::move(config)),
      resolver_(std::make_unique<PgCatalogTypeResolver>(
          [this]() -> std::unique_ptr<SqlConnection> { return Connect(false); })),
      decoder_(config_.decoder, resolver_.get()) {
  RequireName(config_.slot_name, "slot");
  for (const auto& p : SplitNames(config_.publication_name)) RequireName(p, "publication");
}

PgReplicationStream::~PgReplicationStream() = default;

std::unique_ptr<PgConnection> PgReplicationStream::Connect(bool replication) {
  ConnectionConfig c = config_.source;
  std::string options = kPgCanonicalSessionOptions;
  if (replication && !config_.logical_decoding_work_mem.empty()) {
    options += " -c logical_decoding_work_mem=" + config_.logical_decoding_work_mem;
  }
  std::vector<std::pair<std::string, std::string>> params;
  for (auto& [k, v] : c.dsn.params) {
    if (k == "replication") continue;
    if (k == "options") {
      options = v + " " + options;  // ours last: they win
      continue;
    }
    params.emplace_back(k, v);
  }
  params.emplace_back("options", options);
  if (replication) params.emplace_back("replication", "database");
  c.dsn.params = std::move(params);
  if (replication) c.application_name = "sluice-capture";
  return std::make_unique<PgConnection>(c);
}

PgSlotCreation PgReplicationStream::CreateSlot() {
  if (streaming_ || holding_snapshot_) throw std::logic_error("CreateSlot on a stream that is already in use");
  repl_ = Connect(true);
  QueryResult r = repl_->Query("CREATE_REPLICATION_SLOT " + PgConnection::QuotePgIdent(config_.slot_name) +
                               " LOGICAL pgoutput EXPORT_SNAPSHOT");
  PgSlotCreation out;
  out.slot_name = r.GetOr(0, "slot_name");
  std::optional<uint64_t> lsn = ParseLsn(r.GetOr(0, "consistent_point"));
  if (!lsn) throw DbException(DbError{0, "XX000", "CREATE_REPLICATION_SLOT returned no consistent point"});
  out.consistent_point = *lsn;
  out.snapshot_name = r.GetOr(0, "snapshot_name");
  holding_snapshot_ = true;
  uint64_t c = confirmed_.load();
  while (c < *lsn && !confirmed_.compare_exchange_weak(c, *lsn)) {
  }
  return out;
}

void PgReplicationStream::ReleaseSnapshot() {
  if (!holding_snapshot_) return;
  repl_.reset();  // the snapshot ends with the exporting session's next command or its end
  holding_snapshot_ = false;
}

void PgReplicationStream::Start(uint64_t start_lsn) {
  if (started_) throw std::logic_error("Start on a stream that is already streaming");
  uint64_t c = confirmed_.load();
  while (c < start_lsn && !confirmed_.compare_exchange_weak(c, start_lsn)) {
  }
  delivered_ = std::max(delivered_, start_lsn);
  if (!holding_snapshot_) repl_.reset();
  StartOnce(start_lsn);
  started_ = true;
}

void PgReplicationStream::StartOnce(uint64_t start_lsn) {
  if (!repl_) repl_ = Connect(true);
  holding_snapshot_ = false;
  int version = repl_->ServerVersionNum();
  proto_ = config_.proto_version != 0 ? config_.proto_version : version >= 140000 ? 2 : 1;
  std::string pubs;
  for (const auto& p : SplitNames(config_.publication_name)) pubs += (pubs.empty() ? "" : ",") + ("\"" + p + "\"");
  std::string cmd = "START_REPLICATION SLOT " + PgConnection::QuotePgIdent(config_.slot_name) + " LOGICAL " +
                    FormatLsn(start_lsn) + " (proto_version '" + std::to_string(proto_) + "', publication_names '" +
                    pubs + "'";
  if (proto_ >= 2 && config_.streaming) cmd += ", streaming 'on'";
  if (version >= 140000) cmd += ", messages 'true'";
  cmd += ")";
  PGconn* conn = repl_->handle();
  PGresult* res = PQexec(conn, cmd.c_str());
  ExecStatusType status = res != nullptr ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (status != PGRES_COPY_BOTH) {
    DbError e;
    if (res != nullptr) {
      const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
      if (state != nullptr) e.sqlstate = state;
      e.message = PQresultErrorMessage(res);
    }
    if (e.message.empty()) e = ConnError(conn, "START_REPLICATION failed");
    while (!e.message.empty() && (e.message.back() == '\n' || e.message.back() == ' ')) e.message.pop_back();
    PQclear(res);
    repl_.reset();
    throw DbException(e);
  }
  PQclear(res);
  streaming_ = true;
  received_ = std::max(received_, start_lsn);
  last_status_ = Clock::now();
  sent_flush_ = 0;  // report the confirmed position on the new connection at once
}

uint64_t PgReplicationStream::FlushPosition() const { return std::max(confirmed_.load(), idle_flush_); }

void PgReplicationStream::Confirm(uint64_t lsn) {
  uint64_t c = confirmed_.load();
  while (c < lsn && !confirmed_.compare_exchange_weak(c, lsn)) {
  }
}

void PgReplicationStream::SendStatus(bool reply_requested) {
  if (!streaming_ || !repl_) return;
  uint64_t flush = FlushPosition();
  std::string msg = EncodeStandbyStatus(std::max(received_, flush), flush, flush, NowPgMicros(), reply_requested);
  PGconn* conn = repl_->handle();
  if (PQputCopyData(conn, msg.data(), static_cast<int>(msg.size())) != 1 || PQflush(conn) != 0) {
    throw DbException(ConnError(conn, "cannot send a standby status update"));
  }
  sent_flush_ = flush;
  last_status_ = Clock::now();
  ++stats_.status_updates;
}

void PgReplicationStream::Deliver(std::vector<PgCaptureEvent>& decoded, std::vector<PgCaptureEvent>& out) {
  for (PgCaptureEvent& e : decoded) {
    if (e.kind != PgCaptureEvent::Kind::kSchemaDrift) {
      if (e.lsn <= delivered_) {
        if (e.kind == PgCaptureEvent::Kind::kTransaction) ++stats_.skipped_redelivered;
        continue;
      }
      delivered_ = e.lsn;
    }
    if (e.kind == PgCaptureEvent::Kind::kTransaction) {
      delivered_txn_ = e.lsn;
      ++stats_.transactions;
      stats_.rows += e.transaction.rows.size();
    }
    out.push_back(std::move(e));
  }
  decoded.clear();
}

void PgReplicationStream::Handle(std::string_view data, std::vector<PgCaptureEvent>& out) {
  PgWalMessage m = ParseWalMessage(data);
  if (m.kind == 'k') {
    ++stats_.keepalives;
    received_ = std::max(received_, m.wal_end);
    // The keepalive's position is the server's sentPtr: every transaction
    // committed before it has been sent to us already. If the caller has
    // confirmed all of them, nothing unconfirmed lies before it.
    if (config_.advance_when_idle && !decoder_.in_transaction() && delivered_txn_ <= confirmed_.load()) {
      idle_flush_ = std::max(idle_flush_, m.wal_end);
    }
    if (m.reply_requested || FlushPosition() != sent_flush_) SendStatus();
    return;
  }
  ++stats_.messages;
  stats_.bytes += m.payload.size();
  received_ = std::max(received_, m.wal_start);
  std::vector<PgCaptureEvent> decoded;
  try {
    decoder_.Decode(m.payload, m.wal_start, decoded);
  } catch (const DbException& e) {
    // Only the type resolver talks to the server here, and it already retried
    // once on a fresh connection: this is not the replication connection's loss.
    throw PgOutputError(std::string("cannot look up a column type: ") + e.what());
  }
  Deliver(decoded, out);
}

std::vector<PgCaptureEvent> PgReplicationStream::Poll(std::chrono::milliseconds timeout, size_t max_events) {
  if (!started_) throw std::logic_error("Poll before Start");
  std::vector<PgCaptureEvent> out;
  auto deadline = Clock::now() + timeout;
  while (out.size() < max_events) {
    if (!streaming_) Reconnect();  // throws once the attempts are used up
    bool lost = false;
    try {
      // A new flush position is reported within 100 ms (not after every
      // confirmed transaction: a status message per transaction costs the
      // stream a few percent); the interval keeps the server informed.
      auto since = Clock::now() - last_status_;
      if ((FlushPosition() != sent_flush_ && since >= std::chrono::milliseconds(100)) || since >= config_.status_interval) {
        SendStatus();
      }
      PGconn* conn = repl_->handle();
      char* buf = nullptr;
      int n = PQgetCopyData(conn, &buf, 1);
      if (n > 0) {
        std::string_view data(buf, static_cast<size_t>(n));
        try {
          Handle(data, out);
        } catch (...) {
          PQfreemem(buf);
          throw;
        }
        PQfreemem(buf);
        continue;
      }
      if (n == 0) {
        int ready = 0;  // bytes already in the socket: read them before handing out
        if (::ioctl(PQsocket(conn), FIONREAD, &ready) == 0 && ready > 0) {
          if (PQconsumeInput(conn) == 0) throw DbException(ConnError(conn, "replication connection lost"));
          coalesced_ = false;
          continue;
        }
        if (!out.empty()) break;  // hand out what we have rather than wait
        auto now = Clock::now();
        if (now >= deadline) break;
        if (!coalesced_ && config_.read_coalesce.count() > 0) {  // see PgReplicationConfig::read_coalesce
          coalesced_ = true;
          std::this_thread::sleep_for(std::min<Clock::duration>(config_.read_coalesce, deadline - now));
          continue;
        }
        auto until = std::min(deadline, last_status_ + config_.status_interval);
        int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count()) + 1;
        pollfd pfd{PQsocket(conn), POLLIN, 0};
        if (::poll(&pfd, 1, std::min(ms, 1000)) > 0) {
          if (PQconsumeInput(conn) == 0) throw DbException(ConnError(conn, "replication connection lost"));
          coalesced_ = false;
        }
        continue;
      }
      // -1: the server ended the stream; -2: an error. Either way: reconnect.
      throw DbException(ConnError(conn, n == -1 ? "the server ended replication" : "replication connection lost"));
    } catch (const DbException&) {
      lost = true;
    }
    if (lost) {
      streaming_ = false;
      repl_.reset();
      if (!out.empty() || Clock::now() >= deadline) break;  // deliver first; the next Poll reconnects
    }
  }
  return out;
}

void PgReplicationStream::Reconnect() {
  decoder_.Reset();
  streaming_ = false;
  repl_.reset();
  std::mt19937 rng(std::random_device{}());
  auto backoff = config_.backoff_initial;
  for (int attempt = 1;; ++attempt) {
    // Full jitter on top of half the backoff: spreads many workers' retries.
    std::uniform_int_distribution<long long> jitter(0, std::max<long long>(1, backoff.count() / 2));
    std::this_thread::sleep_for(backoff / 2 + std::chrono::milliseconds(jitter(rng)));
    try {
      StartOnce(FlushPosition());
      ++stats_.reconnects;
      return;
    } catch (const DbException&) {
      repl_.reset();
      if (attempt >= config_.reconnect_attempts) throw;
    }
    backoff = std::min(backoff * 2, config_.backoff_max);
  }
}

void PgReplicationStream::Stop() {
  if (streaming_ && repl_) {
    try {
      SendStatus();
    } catch (const DbException&) {
      // Closing anyway; the last confirmed position was sent with an earlier update or is resent next time.
    }
  }
  streaming_ = false;
  started_ = false;
  holding_snapshot_ = false;
  repl_.reset();
}

void PgReplicationStream::BreakConnectionForTest() {
  if (repl_) ::shutdown(PQsocket(repl_->handle()), SHUT_RDWR);
}

}  // namespace sluice
