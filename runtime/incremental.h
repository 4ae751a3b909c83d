#pragma once
// Incremental sync: the tasks capture.start, incremental.catch-up and
// incremental.stream, and the seam with the full copy.
//
// capture.start records where the source's change log stands before the
// first row is read (MySQL family: @@gtid_binlog_pos on MariaDB, file:offset
// elsewhere; PostgreSQL: creates the publication and a slot whose exported
// snapshot every copy reader imports). The full copy then reads while the
// source keeps changing. incremental.catch-up records where the log stands
// once the copy is over (the end-of-copy position), replays everything after
// capture.start idempotently up to there (chunks were read at different
// moments), exactly afterwards, and finishes once the target has caught up;
// incremental.stream keeps going until `sluice stop` or switchover.
//
// Keyless tables cannot be replayed idempotently; their copy is one read in
// a consistent snapshot whose log position is recorded (MariaDB's
// binlog_snapshot position, PostgreSQL's exported snapshot), and changes up
// to that position are skipped for them.
//
// Status for `sluice status` and `sluice wait` goes to the state store's
// meta key "sync" (JSON), at most once a second.

#include <memory>
#include <atomic>
#include <mutex>
#include <thread>
#include <optional>
#include <string>

#include "runtime/change.h"
#include "runtime/endpoints.h"
#include "runtime/executor.h"
#include "runtime/full_copy.h"
#include "runtime/run_plan.h"

namespace sluice {

class PgReplicationStream;
class ChangeApplier;
class ChangeFeed;
class MetricsRegistry;
class TypeRuleSet;
class ChangeLog;

// The binlog client's replica server id: the plan's, or one derived from the
// plan name (stable across runs, in 1000000..1999999999).
uint32_t CaptureServerId(const RunPlan& plan);
// PostgreSQL slot and publication names: the plan's, or sluice_<plan name>.
std::string CaptureSlotName(const RunPlan& plan);
std::string CapturePublicationName(const RunPlan& plan);

// Implemented by the incremental sync for the full copy: how a chunk read
// is made consistent with the captured change log.
class CopyConsistency {
 public:
  virtual ~CopyConsistency() = default;
  // Before a chunk is read on `source`: opens the transaction the read runs
  // in. Returns the change-log position the read corresponds to when it is
  // exact (a snapshot), nullopt otherwise. `whole_table`: a keyless table
  // read in one go, whose position must be exact.
  virtual std::optional<std::string> BeginRead(SqlConnection& source, bool whole_table) = 0;
  // After the read (or when it failed): ends that transaction.
  virtual void EndRead(SqlConnection& source) = 0;
  // Remembers the exact position a keyless table's copy corresponds to
  // (called before the copy's target transaction commits).
  virtual void RecordKeylessCopy(const std::string& target_table, const std::string& position) = 0;
};

class IncrementalSync : public CopyConsistency {
 public:
  IncrementalSync(const RunPlan& plan, const Endpoints& endpoints, StateStore& store, RejectSink& rejects,
                  MetricsRegistry* metrics, std::string state_dir);
  ~IncrementalSync() override;

  void CaptureStart(TaskContext& ctx);
  // Runs until caught up (catch-up) or until a stop request (stream).
  void Sync(TaskContext& ctx, bool until_caught_up);
  // `sluice apply --skip-ddl`: the first DDL the sync meets is not applied.
  void SkipNextDdl() { skip_next_ddl_ = true; }

  std::optional<std::string> BeginRead(SqlConnection& source, bool whole_table) override;
  void EndRead(SqlConnection& source) override;
  void RecordKeylessCopy(const std::string& target_table, const std::string& position) override;

 private:
  std::string CopySnapshot(std::string* position);
  // MySQL family: while the copy runs, a thread captures the binlog from
  // capture.start into the change log under the state directory (bounded,
  // flushed every 100 ms), so the source need not keep its binlogs for the
  // whole copy. Catch-up reads the log, then goes on live.
  void StartSpool();
  void StopSpool(TaskContext* ctx);
  std::unique_ptr<ChangeFeed> SpooledOrLiveFeed(const std::string& start);
  void ReleaseCopySnapshots();
  void OpenFeed(const std::string& start);
  std::string MigrationKey();
  void HandleDdl(TaskContext& ctx, const CapturedTransaction& txn);
  void ReplayDdlLog(const std::string& resume_after);
  void PublishStatus(const std::string& phase, bool idle, bool force);
  void ReleaseLog();

  const RunPlan& plan_;
  RunPlan live_plan_;  // the plan with the DDL applied during sync
  const Endpoints& endpoints_;
  StateStore& store_;
  RejectSink& rejects_;
  MetricsRegistry* metrics_;
  std::unique_ptr<TypeRuleSet> rules_;
  bool skip_next_ddl_ = false;
  std::mutex mu_;
  // PostgreSQL: the stream whose slot creation exported the copy's snapshot.
  std::unique_ptr<PgReplicationStream> held_stream_;
  std::string snapshot_name_, snapshot_position_;
  // A resumed copy's own snapshot slot (see CopySnapshot).
  std::unique_ptr<PgReplicationStream> copy_stream_;
  std::string copy_slot_;
  std::unique_ptr<ChangeApplier> applier_;
  std::unique_ptr<ChangeFeed> feed_;
  std::unique_ptr<SqlConnection> status_source_;  // the backlog query
  std::string state_dir_;
  std::unique_ptr<ChangeLog> log_;
  std::thread spool_thread_;
  std::atomic<bool> spool_stop_{false};
  bool spool_started_ = false;
  std::string spool_error_;
  int64_t last_release_us_ = 0;
  std::string applied_position_;
  std::string end_of_copy_;
  int64_t last_status_us_ = 0;
  int64_t last_rows_ = 0;
  int64_t last_rows_us_ = 0;
  double rows_per_second_ = 0;
  uint64_t last_bytes_ = 0;
  int64_t last_bytes_us_ = 0;
};

std::shared_ptr<TaskRunner> MakeCaptureStartRunner(std::shared_ptr<IncrementalSync> sync);
std::shared_ptr<TaskRunner> MakeSyncRunner(std::shared_ptr<IncrementalSync> sync, bool until_caught_up);

}  // namespace sluice
