#include "runtime/incremental.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "dialects/mysql/binlog_client.h"
#include "dialects/postgresql/pg_replication_connection.h"
#include "dialects/postgresql/pgoutput_decoder.h"
#include "runtime/change_apply.h"
#include "runtime/change_feed.h"
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
                                 RejectSink& rejects, MetricsRegistry* metrics)
    : plan_(plan), live_plan_(plan), endpoints_(endpoints), store_(store), rejects_(rejects), metrics_(metrics) {}

IncrementalSync::~IncrementalSync() = default;

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
    BinlogFeedOptions o;
    o.server_id = CaptureServerId(plan_);
    o.start = start;
    feed_ = MakeBinlogFeed(live_plan_, endpoints_, std::move(o));
  }
}

void IncrementalSync::Sync(TaskContext& ctx, bool until_caught_up) {
  const std::string phase = until_caught_up ? "catch-up" : "stream";
  if (!applier_ || !feed_) {
    // (Re)start: from what the target's sluice_meta says was committed.
    feed_.reset();
    applier_.reset();
    ReleaseCopySnapshots();
    ReplayDdlLog();
    auto start = store_.GetPosition(kCaptureStart);
    if (!start) throw TaskError("capture.start has not recorded a position; run 'sluice apply' from the beginning");
    auto end = store_.GetPosition(kCopyEnd);
    if (!end) {
      end_of_copy_ = CurrentSourcePosition(endpoints_);
      store_.SetPosition(kCopyEnd, end_of_copy_);
    } else {
      end_of_copy_ = *end;
    }
    auto applier = std::make_unique<ChangeApplier>(live_plan_, endpoints_, rejects_,
                                                   static_cast<int>(std::max<int64_t>(1, plan_.settings.incremental_parallel)));
    ApplyResume resume = applier->Prepare();
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
    std::vector<CapturedTransaction> batch;
    while (true) {
      if (ctx.stop_requested()) throw TaskStopped();
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
      if (!batch.empty()) {
        applier_->Apply(batch);
        applied_position_ = batch.back().position;
        feed_->Confirm(applied_position_);
      }
      if (ddl) {
        HandleDdl(ctx, *ddl);
        applied_position_ = ddl->position;
      }
      PublishStatus(phase, idle, false);
      if (until_caught_up && idle && PositionReached(applied_position_, end_of_copy_)) {
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

void IncrementalSync::HandleDdl(TaskContext& ctx, const CapturedTransaction& txn) {
  const std::string& policy = plan_.settings.incremental_ddl;
  for (const auto& d : txn.ddl) {
    if (policy == "ignore") {
      ctx.reporter.Note("incremental: DDL ignored (incremental.ddl: ignore): " + d.statement);
      continue;
    }
    throw TaskError("the source ran DDL during sync at " + txn.position + ": " + d.statement +
                    "\nThe sync is paused before it (incremental.ddl: " + policy +
                    "). Apply the equivalent change on the target by hand and set incremental.ddl: ignore to "
                    "resume, or re-plan");
  }
  // Record the position past the DDL like any transaction.
  CapturedTransaction mark;
  mark.position = txn.position;
  mark.commit_time_us = txn.commit_time_us;
  applier_->Apply({mark}, true);
}

void IncrementalSync::ReplayDdlLog() {
  live_plan_ = plan_;
  (void)kDdlLog;
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
  j["updated_us"] = now;
  store_.SetMeta("sync", j.dump());
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
