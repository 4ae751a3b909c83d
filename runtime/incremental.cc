#include "runtime/incremental.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <nlohmann/json.hpp>

#include "dialects/mysql/binlog_client.h"
#include "dialects/postgresql/pg_replication_connection.h"
#include "dialects/postgresql/pgoutput_decoder.h"
#include "dialects/types/type_rules.h"
#include "runtime/change_apply.h"
#include "runtime/change_feed.h"
#include "runtime/change_log.h"
#include "runtime/ddl_sync.h"
#include "runtime/metrics.h"
#include "runtime/reporter.h"

namespace sluice {

namespace {

using Json = nlohmann::json;

constexpr const char* kCaptureStart = "capture.start";
constexpr const char* kCopyEnd = "copy.end";
constexpr const char* kDdlLog = "sync.ddl_log";

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsPg(const RunPlan& plan) { return plan.source.dialect == Dialect::kPostgreSQL; }

std::vector<PgTableName> PgTables(const RunPlan& plan) {
  std::vector<PgTableName> out;
  for (const auto& t : plan.tables) out.push_back({t.source_schema, t.source_table});
  return out;
}

}  // namespace

uint32_t CaptureServerId(const RunPlan& plan) {
  if (plan.source.server_id) return *plan.source.server_id;
  uint32_t h = 2166136261u;  // FNV-1a: stable across builds, unlike std::hash
  for (unsigned char c : plan.name) h = (h ^ c) * 16777619u;
  return 1000000u + h % 1999000000u;
}

std::string CaptureSlotName(const RunPlan& plan) {
  return plan.source.slot.empty() ? SluiceSlotName(plan.name) : plan.source.slot;
}

std::string CapturePublicationName(const RunPlan& plan) {
  return plan.source.publication.empty() ? SluiceSlotName(plan.name) : plan.source.publication;
}

IncrementalSync::IncrementalSync(const RunPlan& plan, const Endpoints& endpoints, StateStore& store,
                                 RejectSink& rejects, MetricsRegistry* metrics, std::string state_dir)
    : plan_(plan),
      live_plan_(plan),
      endpoints_(endpoints),
      store_(store),
      rejects_(rejects),
      metrics_(metrics),
      state_dir_(std::move(state_dir)) {
  DiagnosticSink diags;
  rules_ = std::make_unique<TypeRuleSet>(*TypeRuleSet::LoadEmbedded(diags));
}

IncrementalSync::~IncrementalSync() { StopSpool(nullptr); }

// The plan name and a random id made by the first apply of this state
// directory: what identifies this migration's rows in sluice_meta.
std::string IncrementalSync::MigrationKey() {
  auto id = store_.GetMeta("migration_id");
  if (!id) {
    std::random_device rd;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
    store_.SetMeta("migration_id", buf);
    id = buf;
  }
  return plan_.name + "/" + *id;
}

// ---- capture.start ----------------------------------------------------------

void IncrementalSync::CaptureStart(TaskContext& ctx) {
  if (auto recorded = store_.GetPosition(kCaptureStart)) {
    if (IsPg(plan_)) {
      auto sql = endpoints_.SourcePg();
      if (!FindSlot(*sql, CaptureSlotName(plan_))) {
        throw TaskError("the replication slot " + CaptureSlotName(plan_) +
                        " recorded at capture.start no longer exists on the source, so the changes since " + *recorded +
                        " are lost; start the migration again with a new --state-dir (and empty target tables)");
      }
    }
    return;
  }
  if (!IsPg(plan_)) {
    std::string position = CurrentSourcePosition(endpoints_);
    store_.SetPosition(kCaptureStart, position);
    ctx.reporter.Note("capture.start: binlog position " + (position.empty() ? std::string("(empty GTID state)") : position));
    return;
  }
  // PostgreSQL: the publication, then the slot and its snapshot. A slot left
  // by a crash before the position was recorded is recreated: no row has
  // been copied against it (the copy waits for this task).
  auto sql = endpoints_.SourcePg();
  std::string slot = CaptureSlotName(plan_), publication = CapturePublicationName(plan_);
  if (!PublicationExists(*sql, publication)) CreatePublication(*sql, publication, PgTables(plan_));
  DropSlot(*sql, slot);
  PgReplicationConfig config;
  config.source = endpoints_.SourceConfig();
  config.slot_name = slot;
  config.publication_name = publication;
  auto stream = std::make_unique<PgReplicationStream>(config);
  PgSlotCreation created = stream->CreateSlot();
  std::lock_guard<std::mutex> l(mu_);
  snapshot_name_ = created.snapshot_name;
  snapshot_position_ = FormatLsn(created.consistent_point);
  held_stream_ = std::move(stream);
  store_.SetPosition(kCaptureStart, snapshot_position_);
  ctx.reporter.Note("capture.start: slot " + slot + " at " + snapshot_position_ + ", snapshot " + snapshot_name_);
}

// ---- the seam with the full copy --------------------------------------------

// The snapshot copy readers import. The slot's own while this process holds
// it; after a restart a slot of its own ("<slot>__copy") made for the rest of
// the copy, dropped when the copy is over.
std::string IncrementalSync::CopySnapshot(std::string* position) {
  std::lock_guard<std::mutex> l(mu_);
  if (snapshot_name_.empty()) {
    copy_slot_ = CaptureSlotName(plan_) + "__copy";
    auto sql = endpoints_.SourcePg();
    DropSlot(*sql, copy_slot_);
    PgReplicationConfig config;
    config.source = endpoints_.SourceConfig();
    config.slot_name = copy_slot_;
    config.publication_name = CapturePublicationName(plan_);
    copy_stream_ = std::make_unique<PgReplicationStream>(config);
    PgSlotCreation created = copy_stream_->CreateSlot();
    snapshot_name_ = created.snapshot_name;
    snapshot_position_ = FormatLsn(created.consistent_point);
  }
  *position = snapshot_position_;
  return snapshot_name_;
}

std::optional<std::string> IncrementalSync::BeginRead(SqlConnection& source, bool whole_table) {
  if (IsPg(plan_)) {
    std::string position;
    std::string snapshot = CopySnapshot(&position);
    source.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    source.Exec("SET TRANSACTION SNAPSHOT " + source.QuoteString(snapshot));
    return position;
  }
  StartSpool();
  if (!whole_table) return std::nullopt;  // keyed chunks: the idempotent replay covers them
  binlog::ServerBinlogPosition p = binlog::StartConsistentSnapshot(static_cast<MySqlConnection&>(source));
  return p.gtid.empty() && !static_cast<MySqlConnection&>(source).IsMariaDb() ? p.FilePosition() : p.gtid;
}

void IncrementalSync::EndRead(SqlConnection& source) {
  try {
    source.Exec("COMMIT");
  } catch (const DbException&) {
    // A failed read: the connection is dropped by the copy anyway.
  }
}

void IncrementalSync::RecordKeylessCopy(const std::string& target_table, const std::string& position) {
  store_.SetPosition("copy_position:" + target_table, position);
}

void IncrementalSync::ReleaseCopySnapshots() {
  std::lock_guard<std::mutex> l(mu_);
  snapshot_name_.clear();
  if (copy_stream_) {
    copy_stream_.reset();
    try {
      auto sql = endpoints_.SourcePg();
      DropSlot(*sql, copy_slot_);
    } catch (const DbException&) {
      // Left for `sluice stop` / the next run's clean-up, which drop it too.
    }
  }
}

// ---- the change log while the copy runs (MySQL family) ----------------------

void IncrementalSync::StartSpool() {
  std::lock_guard<std::mutex> l(mu_);
  if (spool_started_ || IsPg(plan_)) return;
  spool_started_ = true;
  auto start = store_.GetPosition(kCaptureStart);
  if (!start) return;
  ChangeLogOptions o;
  o.dir = state_dir_ + "/changelog";
  o.max_bytes = static_cast<uint64_t>(std::max<int64_t>(int64_t{64} << 20, plan_.settings.buffer_max_bytes));
  log_ = OpenLocalChangeLog(o);
  std::string from = log_->LastPosition().empty() ? *start : log_->LastPosition();
  spool_stop_ = false;
  spool_thread_ = std::thread([this, from] {
    try {
      BinlogFeedOptions fo;
      fo.server_id = CaptureServerId(plan_);
      fo.start = from;
      auto feed = MakeBinlogFeed(live_plan_, endpoints_, std::move(fo));
      int pending = 0;
      auto last_flush = std::chrono::steady_clock::now();
      while (!spool_stop_) {
        if (log_->Full()) {
          // Bounded: the source keeps the rest until catch-up releases space.
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          continue;
        }
        auto txn = feed->Next(std::chrono::milliseconds(100));
        if (txn) {
          log_->Append(*txn);
          ++pending;
        }
        auto now = std::chrono::steady_clock::now();
        if (pending > 0 && (pending >= 1000 || !txn || now - last_flush > std::chrono::milliseconds(100))) {
          log_->Flush();
          pending = 0;
          last_flush = now;
        }
      }
      log_->Flush();
    } catch (const std::exception& e) {
      // Not fatal: catch-up reads what was logged, then the rest live.
      std::lock_guard<std::mutex> l2(mu_);
      spool_error_ = endpoints_.Mask(e.what());
    }
  });
}

void IncrementalSync::StopSpool(TaskContext* ctx) {
  spool_stop_ = true;
  if (spool_thread_.joinable()) spool_thread_.join();
  std::lock_guard<std::mutex> l(mu_);
  if (!spool_error_.empty() && ctx) {
    ctx->reporter.Note("incremental: the change log stopped early (" + spool_error_ +
                       "); the rest is read from the source's binlog");
  }
  spool_error_.clear();
}

namespace {

// The change log first, then the source itself from where the log ends.
class SpooledFeed : public ChangeFeed {
 public:
  SpooledFeed(std::unique_ptr<ChangeLog::Reader> reader, std::string last,
              std::function<std::unique_ptr<ChangeFeed>(const std::string&)> live)
      : reader_(std::move(reader)), last_(std::move(last)), make_live_(std::move(live)) {}

  std::optional<CapturedTransaction> Next(std::chrono::milliseconds timeout) override {
    if (reader_) {
      if (auto t = reader_->Next()) {
        last_ = t->position;
        return t;
      }
      reader_.reset();
      live_ = make_live_(last_);
    }
    return live_->Next(timeout);
  }
  void Confirm(const std::string& position) override {
    if (live_) live_->Confirm(position);
  }
  uint64_t bytes_received() const override { return live_ ? live_->bytes_received() : 0; }

 private:
  std::unique_ptr<ChangeLog::Reader> reader_;
  std::string last_;
  std::function<std::unique_ptr<ChangeFeed>(const std::string&)> make_live_;
  std::unique_ptr<ChangeFeed> live_;
};

}  // namespace

std::unique_ptr<ChangeFeed> IncrementalSync::SpooledOrLiveFeed(const std::string& start) {
  auto live = [this](const std::string& from) {
    BinlogFeedOptions o;
    o.server_id = CaptureServerId(plan_);
    o.start = from;
    o.tables = [this](const std::string& schema, const std::string& table) {
      for (const auto& t : live_plan_.tables) {
        if (t.source_schema == schema && t.source_table == table) return true;
      }
      return false;
    };
    return MakeBinlogFeed(live_plan_, endpoints_, std::move(o));
  };
  if (!log_) {
    // A run that did not copy (resumed after the copy): reopen what a
    // previous run logged, if anything.
    ChangeLogOptions o;
    o.dir = state_dir_ + "/changelog";
    std::error_code ec;
    if (std::filesystem::exists(o.dir, ec)) log_ = OpenLocalChangeLog(o);
  }
  std::string last = log_ ? log_->LastPosition() : "";
  if (last.empty() || PositionReached(start, last)) return live(start);
  // `start` is capture.start (nothing applied yet: the whole log) or the
  // position of a transaction the log holds.
  auto capture_start = store_.GetPosition(kCaptureStart);
  std::unique_ptr<ChangeLog::Reader> reader;
  try {
    reader = log_->ReadAfter(capture_start && *capture_start == start ? std::string() : start);
  } catch (const std::exception&) {
    return live(start);  // not a logged transaction: the source's binlog has it
  }
  return std::make_unique<SpooledFeed>(std::move(reader), start, live);
}

// ---- catch-up and stream ----------------------------------------------------

void IncrementalSync::OpenFeed(const std::string& start) {
  if (IsPg(plan_)) {
    PgFeedOptions o;
    o.slot = CaptureSlotName(plan_);
    o.publication = CapturePublicationName(plan_);
    o.start = start;
    o.heartbeat = std::chrono::milliseconds(std::max<int64_t>(100, plan_.settings.heartbeat_ms));
    o.retained_warn_bytes = plan_.settings.retained_warn_bytes;
    {
      std::lock_guard<std::mutex> l(mu_);
      o.stream = std::move(held_stream_);
    }
    feed_ = MakePgFeed(live_plan_, endpoints_, std::move(o));
  } else {
    feed_ = SpooledOrLiveFeed(start);
  }
}

void IncrementalSync::Sync(TaskContext& ctx, bool until_caught_up) {
  const std::string phase = until_caught_up ? "catch-up" : "stream";
  if (!applier_ || !feed_) {
    // (Re)start: from what the target's sluice_meta says was committed.
    feed_.reset();
    applier_.reset();
    ReleaseCopySnapshots();
    StopSpool(&ctx);
    if (store_.GetMeta("capture_dropped")) {
      throw TaskError("the change capture of this migration no longer exists ('sluice stop --drop-capture' dropped "
                      "it), so the sync cannot resume; start a new migration with a new --state-dir");
    }
    auto start = store_.GetPosition(kCaptureStart);
    if (!start) throw TaskError("capture.start has not recorded a position; run 'sluice apply' from the beginning");
    auto end = store_.GetPosition(kCopyEnd);
    if (!end) {
      end_of_copy_ = CurrentSourcePosition(endpoints_);
      store_.SetPosition(kCopyEnd, end_of_copy_);
    } else {
      end_of_copy_ = *end;
    }
    // The resume point first (sluice_meta on the target), then the mapping
    // as the DDL applied up to there left it.
    auto applier = std::make_unique<ChangeApplier>(plan_, endpoints_, rejects_,
                                                   static_cast<int>(std::max<int64_t>(1, plan_.settings.incremental_parallel)),
                                                   MigrationKey());
    ApplyResume resume = applier->Prepare();
    ReplayDdlLog(resume.resume_after.empty() ? *start : resume.resume_after);
    applier->ResetTables(live_plan_);
    applier->SetIdempotentUntil(end_of_copy_);
    applier->SetIdempotentUntil(resume.replay_until);
    applier->SetKeylessApplied(resume.keyless_applied);
    for (const auto& t : live_plan_.tables) {
      if (auto p = store_.GetPosition("copy_position:" + t.TargetName())) applier->SetKeylessCopied(t.TargetName(), *p);
    }
    applied_position_ = resume.resume_after.empty() ? *start : resume.resume_after;
    OpenFeed(applied_position_);
    applier_ = std::move(applier);
    ctx.reporter.Note("incremental: replaying from " + (applied_position_.empty() ? "the start" : applied_position_) +
                      ", idempotently up to " + (end_of_copy_.empty() ? "the start" : end_of_copy_));
  }
  try {
    const int64_t batch_rows = std::max<int64_t>(1, plan_.settings.incremental_batch_rows);
    // What the target has committed becomes the applied position: confirmed
    // to the source and released from the change log.
    auto take_committed = [&] {
      if (const std::string& done = applier_->Committed(); !done.empty() && done != applied_position_) {
        applied_position_ = done;
        feed_->Confirm(applied_position_);
        ReleaseLog();
      }
    };
    std::vector<CapturedTransaction> batch;
    while (true) {
      if (ctx.stop_requested()) {
        applier_->Drain();  // the status then shows what is committed
        take_committed();
        throw TaskStopped();
      }
      batch.clear();
      int64_t rows = 0;
      bool idle = false;
      std::optional<CapturedTransaction> ddl;
      auto wait = std::chrono::milliseconds(200);
      while (rows < batch_rows) {
        auto txn = feed_->Next(batch.empty() ? wait : std::chrono::milliseconds(0));
        if (!txn) {
          idle = batch.empty();
          break;
        }
        if (!txn->ddl.empty()) {
          ddl = std::move(txn);
          break;
        }
        rows += static_cast<int64_t>(txn->rows.size());
        batch.push_back(std::move(*txn));
      }
      // A full batch means a backlog: its last phase runs on while the next
      // batch is decoded. Otherwise (near the source's tip, or before a DDL)
      // it is waited for, which keeps the lag low.
      bool full = rows >= batch_rows;
      if (!batch.empty()) applier_->Apply(std::move(batch));
      if (!full || ddl) applier_->Drain();
      if (ddl) HandleDdl(ctx, *ddl);  // drains what it applies too
      take_committed();
      PublishStatus(phase, idle, false);
      // Caught up: past the end of the copy, and what the feed had was
      // drained (a batch that did not fill up), even if the source is busy.
      bool drained = idle || (rows < batch_rows && !ddl);
      if (until_caught_up && drained && PositionReached(applied_position_, end_of_copy_)) {
        PublishStatus(phase, idle, true);
        ctx.reporter.Note("incremental: caught up at " + applied_position_);
        return;
      }
    }
  } catch (const TaskStopped&) {
    PublishStatus(phase, false, true);
    throw;
  } catch (...) {
    // Whatever failed, the next attempt restarts from sluice_meta.
    feed_.reset();
    applier_.reset();
    throw;
  }
}

// Errors a DDL statement raises when an earlier run already applied it (a
// crash between the DDL and the position that records it): the change is
// there, so the sync goes on.
bool AlreadyApplied(Dialect target, const DbError& e) {
  if (target == Dialect::kPostgreSQL) {
    for (const char* st : {"42P07", "42701", "42P01", "42703", "42704", "42710"}) {
      if (e.sqlstate == st) return true;
    }
    return false;
  }
  for (int code : {1050, 1054, 1060, 1061, 1091, 1146}) {
    if (e.code == code) return true;
  }
  return false;
}

void IncrementalSync::HandleDdl(TaskContext& ctx, const CapturedTransaction& txn) {
  const std::string& policy = plan_.settings.incremental_ddl;
  for (const auto& d : txn.ddl) {
    if (skip_next_ddl_) {
      skip_next_ddl_ = false;
      ctx.reporter.Note("incremental: DDL skipped (--skip-ddl) at " + txn.position + ": " + d.statement);
      continue;
    }
    RunPlan changed = live_plan_;
    DdlSyncAction a = TranslateSourceDdl(changed, d, *rules_);
    if (a.kind == DdlSyncAction::Kind::kIgnore) continue;
    std::string where = " at " + txn.position + ": " + d.statement;
    if (a.kind == DdlSyncAction::Kind::kPause) {
      throw TaskError("incremental sync paused at a DDL it cannot translate" + where + "\n" + a.reason);
    }
    if (policy == "pause") {
      throw TaskError("incremental sync paused at a DDL (incremental.ddl: pause)" + where + "\nIt would run: " +
                      a.summary + "\nApply it on the target yourself and resume with 'sluice apply --skip-ddl', or "
                      "set incremental.ddl: apply");
    }
    if (policy == "apply") {
      auto target = endpoints_.Target();
      for (const auto& sql : a.target_sql) {
        try {
          target->Exec(sql);
        } catch (const DbException& e) {
          if (!AlreadyApplied(plan_.target.dialect, e.error())) throw;
          ctx.reporter.Note("incremental: already applied by an earlier run: " + sql);
        }
      }
      ctx.reporter.Note("incremental: DDL applied: " + a.summary);
    } else {
      ctx.reporter.Note("incremental: DDL not applied (incremental.ddl: ignore), mapping updated: " + a.summary);
    }
    // The mapping changed: later rows map by the new columns, after a
    // restart too (the log is replayed up to the recorded position).
    live_plan_ = std::move(changed);
    Json log = Json::array();
    if (auto old = store_.GetMeta(kDdlLog)) log = Json::parse(*old);
    log.push_back({{"position", txn.position}, {"schema", d.schema}, {"statement", d.statement}});
    store_.SetMeta(kDdlLog, log.dump());
    applier_->ResetTables(live_plan_);
  }
  // Record the position past the DDL like any transaction.
  CapturedTransaction mark;
  mark.position = txn.position;
  mark.commit_time_us = txn.commit_time_us;
  applier_->Apply({mark}, true);
  applier_->Drain();
}

// Rebuilds the mapping the DDL applied before `resume_after` gave; entries
// after it are forgotten (the feed delivers those statements again).
void IncrementalSync::ReplayDdlLog(const std::string& resume_after) {
  live_plan_ = plan_;
  auto old = store_.GetMeta(kDdlLog);
  if (!old) return;
  Json kept = Json::array();
  for (const auto& e : Json::parse(*old)) {
    std::string position = e["position"].get<std::string>();
    if (!PositionReached(resume_after, position)) continue;
    DdlChange d{e["schema"].get<std::string>(), e["statement"].get<std::string>()};
    TranslateSourceDdl(live_plan_, d, *rules_);
    kept.push_back(e);
  }
  store_.SetMeta(kDdlLog, kept.dump());
}

// Change-log segments wholly applied are deleted (at most every 10 s).
void IncrementalSync::ReleaseLog() {
  if (!log_) return;
  int64_t now = NowMicros();
  if (now - last_release_us_ < 10000000) return;
  last_release_us_ = now;
  std::string last = log_->LastPosition();
  if (last.empty()) return;
  try {
    log_->ReleaseThrough(PositionReached(applied_position_, last) ? last : applied_position_);
  } catch (const std::exception&) {
    // The applied position is not a logged transaction (live past the log,
    // or a position-only mark): nothing to release yet.
  }
}

void IncrementalSync::PublishStatus(const std::string& phase, bool idle, bool force) {
  int64_t now = NowMicros();
  if (!force && now - last_status_us_ < 1000000) return;
  const ApplyStats& s = applier_->stats();
  int64_t rows = s.rows.load();
  if (last_rows_us_ > 0 && now > last_rows_us_) {
    rows_per_second_ = static_cast<double>(rows - last_rows_) * 1e6 / static_cast<double>(now - last_rows_us_);
  }
  last_rows_ = rows;
  last_rows_us_ = now;
  last_status_us_ = now;
  int64_t commit_us = s.last_commit_us.load();
  double lag = idle || commit_us == 0 ? 0.0 : static_cast<double>(now - commit_us) / 1e6;
  Json j;
  j["phase"] = phase;
  j["applied_position"] = applied_position_;
  j["caught_up_to"] = idle ? applied_position_ : std::string();
  j["end_of_copy"] = end_of_copy_;
  j["idle"] = idle;
  j["rows"] = rows;
  j["transactions"] = s.transactions.load();
  j["target_transactions"] = s.target_transactions.load();
  j["rejected"] = s.rejected.load();
  j["rows_per_second"] = rows_per_second_;
  j["bytes_received"] = feed_ ? feed_->bytes_received() : 0;
  j["last_source_commit_us"] = commit_us;
  j["lag_seconds"] = lag;
  uint64_t bytes = feed_ ? feed_->bytes_received() : 0;
  double kb_per_second = 0;
  if (last_bytes_us_ > 0 && now > last_bytes_us_) {
    kb_per_second = static_cast<double>(bytes - last_bytes_) * 1e6 / 1024.0 / static_cast<double>(now - last_bytes_us_);
  }
  last_bytes_ = bytes;
  last_bytes_us_ = now;
  j["kb_per_second"] = kb_per_second;
  // The backlog: one query on the source a second (dropped on failure: the
  // feed reports real trouble).
  std::optional<Backlog> backlog;
  try {
    if (!status_source_) status_source_ = endpoints_.Source();
    backlog = SourceBacklog(*status_source_, plan_.source.dialect, applied_position_);
  } catch (const std::exception&) {
    status_source_.reset();
  }
  if (backlog) {
    j["backlog"] = backlog->amount;
    j["backlog_unit"] = backlog->unit;
  }
  j["updated_us"] = now;
  store_.SetMeta("sync", j.dump());
  if (metrics_) {
    auto counter_to = [&](const char* name, const char* help, double total, const MetricLabels& labels = {}) {
      Counter& c = metrics_->GetCounter(name, help, labels);
      if (total > c.Value()) c.Add(total - c.Value());
    };
    counter_to("sluice_sync_rows_total", "Row changes applied on the target.", static_cast<double>(rows));
    counter_to("sluice_sync_transactions_total", "Source transactions applied.", static_cast<double>(s.transactions.load()));
    counter_to("sluice_sync_received_bytes_total", "Change-log bytes received from the source.", static_cast<double>(bytes));
    counter_to("sluice_sync_rejected_total", "Row changes rejected (full.on_bad_row: reject).",
               static_cast<double>(s.rejected.load()));
    for (const auto& [table, n] : applier_->RowsByTable()) {
      counter_to("sluice_sync_table_rows_total", "Row changes applied, per target table.", static_cast<double>(n),
                 {{"table", table}});
    }
    metrics_->GetGauge("sluice_sync_lag_seconds", "Source commit time of the newest applied change to now; 0 when caught up.")
        .Set(lag);
    metrics_->GetGauge("sluice_sync_rows_per_second", "Row changes applied per second.").Set(rows_per_second_);
    metrics_->GetGauge("sluice_sync_received_kb_per_second", "Change-log KB received per second.").Set(kb_per_second);
    metrics_->GetGauge("sluice_sync_caught_up", "1 when nothing is waiting to be applied.").Set(idle ? 1 : 0);
    if (backlog) {
      metrics_->GetGauge("sluice_sync_backlog", "How far the source's log is ahead of what was applied.",
                         {{"unit", backlog->unit}})
          .Set(static_cast<double>(backlog->amount));
    }
  }
}

// ---- runners ----------------------------------------------------------------

namespace {

class CaptureStartRunner : public TaskRunner {
 public:
  explicit CaptureStartRunner(std::shared_ptr<IncrementalSync> s) : sync_(std::move(s)) {}
  Dialect ErrorDialect(const TaskContext& ctx) const override { return ctx.plan.source.dialect; }
  void Run(TaskContext& ctx) override { sync_->CaptureStart(ctx); }

 private:
  std::shared_ptr<IncrementalSync> sync_;
};

class SyncRunner : public TaskRunner {
 public:
  SyncRunner(std::shared_ptr<IncrementalSync> s, bool until_caught_up) : sync_(std::move(s)), until_(until_caught_up) {}
  Dialect ErrorDialect(const TaskContext& ctx) const override { return ctx.plan.target.dialect; }
  void Run(TaskContext& ctx) override { sync_->Sync(ctx, until_); }

 private:
  std::shared_ptr<IncrementalSync> sync_;
  bool until_;
};

}  // namespace

std::shared_ptr<TaskRunner> MakeCaptureStartRunner(std::shared_ptr<IncrementalSync> sync) {
  return std::make_shared<CaptureStartRunner>(std::move(sync));
}

std::shared_ptr<TaskRunner> MakeSyncRunner(std::shared_ptr<IncrementalSync> sync, bool until_caught_up) {
  return std::make_shared<SyncRunner>(std::move(sync), until_caught_up);
}

}  // namespace sluice
