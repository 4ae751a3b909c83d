#include "runtime/change_feed.h"

#include <deque>
#include <algorithm>
#include <iostream>
#include <set>
#include <stdexcept>

#include "dialects/mysql/binlog_client.h"
#include "dialects/mysql/binlog_position.h"
#include "dialects/postgresql/pg_replication_connection.h"
#include "dialects/postgresql/pgoutput_decoder.h"
#include "runtime/executor.h"

namespace sluice {

namespace {

bool LooksLikeLsn(const std::string& s) { return s.find('/') != std::string::npos; }
bool LooksLikeFilePos(const std::string& s) { return s.find(':') != std::string::npos; }

// "mariadb-bin.000012:4567" -> (12, 4567), comparing files by their numeric
// extension as servers number them.
std::pair<uint64_t, uint64_t> FilePos(const std::string& s) {
  auto colon = s.rfind(':');
  auto dot = s.rfind('.', colon);
  if (colon == std::string::npos || dot == std::string::npos) throw std::invalid_argument("bad binlog position '" + s + "'");
  return {std::stoull(s.substr(dot + 1, colon - dot - 1)), std::stoull(s.substr(colon + 1))};
}

}  // namespace

bool PositionReached(const std::string& a, const std::string& b) {
  if (b.empty()) return true;
  if (a.empty()) return false;
  if (LooksLikeLsn(a) != LooksLikeLsn(b) || LooksLikeFilePos(a) != LooksLikeFilePos(b)) {
    throw std::invalid_argument("cannot compare change-log positions '" + a + "' and '" + b + "'");
  }
  if (LooksLikeLsn(a)) {
    auto la = ParseLsn(a), lb = ParseLsn(b);
    if (!la || !lb) throw std::invalid_argument("bad LSN '" + (la ? b : a) + "'");
    return *la >= *lb;
  }
  if (LooksLikeFilePos(a)) return FilePos(a) >= FilePos(b);
  // MariaDB GTID states: `a` has reached `b` when it is at or past b in every
  // domain b knows.
  auto ga = binlog::ParseGtidList(a), gb = binlog::ParseGtidList(b);
  if (!ga || !gb) throw std::invalid_argument("bad GTID list '" + (ga ? b : a) + "'");
  for (const auto& g : *gb) {
    bool found = false;
    for (const auto& h : *ga) {
      if (h.domain_id == g.domain_id) {
        found = true;
        if (h.seq_no < g.seq_no) return false;
      }
    }
    if (!found) return false;
  }
  return true;
}

std::string CurrentSourcePosition(const Endpoints& endpoints) {
  if (endpoints.source().dialect == Dialect::kPostgreSQL) {
    auto c = endpoints.SourcePg();
    QueryResult r = c->Query("SELECT pg_current_wal_lsn()::text");
    return r.rows.at(0).at(0).value_or("");
  }
  auto c = endpoints.SourceMySql();
  binlog::ServerBinlogPosition p = binlog::ReadServerBinlogPosition(*c);
  if (c->IsMariaDb()) return p.gtid;
  return p.FilePosition();
}

std::optional<Backlog> SourceBacklog(SqlConnection& source, Dialect dialect, const std::string& applied) {
  if (dialect == Dialect::kPostgreSQL) {
    if (!ParseLsn(applied)) return std::nullopt;
    QueryResult r = source.Query("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), " + source.QuoteString(applied) +
                                 "::pg_lsn)::bigint");
    if (r.rows.empty() || !r.rows[0][0]) return std::nullopt;
    return Backlog{std::max<int64_t>(0, std::stoll(*r.rows[0][0])), "bytes"};
  }
  binlog::ServerBinlogPosition now = binlog::ReadServerBinlogPosition(source);
  if (LooksLikeFilePos(applied)) {
    auto colon = applied.rfind(':');
    if (applied.substr(0, colon) != now.file) return std::nullopt;
    return Backlog{std::max<int64_t>(0, static_cast<int64_t>(now.offset) - std::stoll(applied.substr(colon + 1))), "bytes"};
  }
  auto have = binlog::ParseGtidList(applied), want = binlog::ParseGtidList(now.gtid);
  if (!have || !want) return std::nullopt;
  int64_t behind = 0;
  for (const auto& g : *want) {
    uint64_t at = 0;
    for (const auto& h : *have) {
      if (h.domain_id == g.domain_id) at = h.seq_no;
    }
    if (g.seq_no > at) behind += static_cast<int64_t>(g.seq_no - at);
  }
  return Backlog{behind, "transactions"};
}

namespace {

// The set of planned source tables, for the capture's table filter.
std::function<bool(const std::string&, const std::string&)> PlannedTables(const RunPlan& plan) {
  auto names = std::make_shared<std::set<std::pair<std::string, std::string>>>();
  for (const auto& t : plan.tables) names->emplace(t.source_schema, t.source_table);
  return [names](const std::string& s, const std::string& t) { return names->count({s, t}) > 0; };
}

class BinlogFeed : public ChangeFeed {
 public:
  BinlogFeed(const RunPlan& plan, const Endpoints& endpoints, BinlogFeedOptions options) {
    binlog::BinlogClientOptions o;
    o.connection = endpoints.SourceConfig();
    o.server_id = options.server_id;
    o.start_position = options.start;
    o.table_filter = options.tables ? options.tables : PlannedTables(plan);
    client_ = std::make_unique<binlog::BinlogClient>(std::move(o));
  }
  std::optional<CapturedTransaction> Next(std::chrono::milliseconds timeout) override { return client_->Next(timeout); }
  void Confirm(const std::string&) override {}
  uint64_t bytes_received() const override { return client_->stats().bytes; }

 private:
  std::unique_ptr<binlog::BinlogClient> client_;
};

class PgFeed : public ChangeFeed {
 public:
  PgFeed(const RunPlan& plan, const Endpoints& endpoints, PgFeedOptions options)
      : plan_(plan), endpoints_(endpoints), options_(std::move(options)) {
    if (options_.stream) {
      stream_ = std::move(options_.stream);
    } else {
      PgReplicationConfig c;
      c.source = endpoints.SourceConfig();
      c.slot_name = options_.slot;
      c.publication_name = options_.publication;
      stream_ = std::make_unique<PgReplicationStream>(std::move(c));
    }
    uint64_t start = 0;
    if (!options_.start.empty()) {
      auto lsn = ParseLsn(options_.start);
      if (!lsn) throw TaskError("bad resume position '" + options_.start + "' for slot " + options_.slot);
      start = *lsn;
    }
    stream_->Start(start);
    last_heartbeat_ = std::chrono::steady_clock::now();
  }

  std::optional<CapturedTransaction> Next(std::chrono::milliseconds timeout) override {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      if (!ready_.empty()) {
        CapturedTransaction t = std::move(ready_.front());
        ready_.pop_front();
        return t;
      }
      MaybeHeartbeat();
      auto now = std::chrono::steady_clock::now();
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
      for (PgCaptureEvent& e : stream_->Poll(std::max(left, std::chrono::milliseconds(1)))) {
        switch (e.kind) {
          case PgCaptureEvent::Kind::kTransaction:
            ready_.push_back(std::move(e.transaction));
            break;
          case PgCaptureEvent::Kind::kHeartbeat: {
            CapturedTransaction mark;  // moves the position; carries nothing
            mark.position = FormatLsn(e.lsn);
            ready_.push_back(std::move(mark));
            break;
          }
          case PgCaptureEvent::Kind::kSchemaDrift:
            CheckDrift(e.drift);
            break;
        }
      }
      if (ready_.empty() && std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    }
  }

  void Confirm(const std::string& position) override {
    if (auto lsn = ParseLsn(position)) stream_->Confirm(*lsn);
  }
  uint64_t bytes_received() const override { return stream_->stats().bytes; }

 private:
  // Rows travel with their column names, so a Relation change is harmless
  // as long as every column is one the plan knows (migrated or dropped).
  // Otherwise the sync pauses: never rows in the wrong columns.
  void CheckDrift(const PgSchemaDrift& drift) {
    const RunTable* table = nullptr;
    for (const auto& t : plan_.tables) {
      if (t.source_schema == drift.schema && t.source_table == drift.table) table = &t;
    }
    if (table == nullptr) return;
    std::vector<std::string> unknown;
    for (const auto& c : drift.after) {
      bool known = table->FindSource(c.name) != nullptr ||
                   std::find(table->dropped_columns.begin(), table->dropped_columns.end(), c.name) !=
                       table->dropped_columns.end();
      if (!known) unknown.push_back(c.name);
    }
    if (unknown.empty()) return;
    std::string list;
    for (const auto& u : unknown) list += (list.empty() ? "" : ", ") + u;
    throw TaskError(drift.Describe() + "; the plan does not know column(s) " + list + " of " +
                    table->SourceName() + ". The sync is paused with nothing applied past the change, and rows "
                    "carrying the new column(s) cannot be applied by this migration's plan. To go on: undo the "
                    "change on the source if it was a mistake (rows written meanwhile still carry the column), or "
                    "plan the new schema ('sluice plan') and migrate again with a new --state-dir");
  }

  void MaybeHeartbeat() {
    auto now = std::chrono::steady_clock::now();
    if (now - last_heartbeat_ < options_.heartbeat) return;
    last_heartbeat_ = now;
    try {
      if (!sql_) sql_ = endpoints_.SourcePg();
      EmitHeartbeat(*sql_, plan_.name);
      if (auto retained = RetainedWalBytes(*sql_, options_.slot); retained && *retained > options_.retained_warn_bytes) {
        std::cerr << "warning: replication slot " << options_.slot << " retains " << (*retained >> 20)
                  << " MiB of WAL on the source (incremental.retained_warn_bytes is "
                  << (options_.retained_warn_bytes >> 20) << " MiB): the sync is behind or stopped\n";
      }
    } catch (const DbException& e) {
      // A heartbeat is an optimisation: the stream itself reports real trouble.
      sql_.reset();
    }
  }

  const RunPlan& plan_;
  const Endpoints& endpoints_;
  PgFeedOptions options_;
  std::unique_ptr<PgReplicationStream> stream_;
  std::unique_ptr<PgConnection> sql_;
  std::deque<CapturedTransaction> ready_;
  std::chrono::steady_clock::time_point last_heartbeat_;
};

}  // namespace

std::unique_ptr<ChangeFeed> MakeBinlogFeed(const RunPlan& plan, const Endpoints& endpoints, BinlogFeedOptions options) {
  return std::make_unique<BinlogFeed>(plan, endpoints, std::move(options));
}

std::unique_ptr<ChangeFeed> MakePgFeed(const RunPlan& plan, const Endpoints& endpoints, PgFeedOptions options) {
  return std::make_unique<PgFeed>(plan, endpoints, std::move(options));
}

}  // namespace sluice
