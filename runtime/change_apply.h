#pragma once
// Applying captured source transactions to the target (incremental sync).
//
// Grouping: the sync hands over many source transactions at once; they are
// applied as a few large target transactions, which is what makes replay
// faster than a replica applying them one by one.
//
// Parallelism: each row goes to one of N workers (one target connection
// each) by a hash of its table and key. Rows that share a key or a unique
// value ("tokens") go to the same worker, so each row's changes keep their
// order; a transaction whose rows would need two workers that already hold
// its tokens ends the phase first (all workers commit, then it goes on).
// Rows of keyless tables always go to worker 0.
//
// Pipelining: the last phase of an Apply call is left running on the
// workers while the caller decodes the next batch; the next phase starts
// only once it has committed (so the key-to-worker rule needs no memory
// across phases).
//
// Positions (exactly once in effect): every worker commits its part of a
// phase together with its own row in sluice_meta.apply_position (same
// target transaction); once all have committed, the "complete" row (worker
// -1) records the phase's last source position. After a crash, sync resumes
// after the complete position and replays idempotently (upsert, delete by
// key) up to the furthest position any worker had committed; keyless rows
// at or before worker 0's position are not replayed (they cannot be made
// idempotent). The same idempotent mode covers the window from capture
// start to the end of the full copy, whose chunks were read at different
// moments.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/change.h"
#include "runtime/endpoints.h"
#include "runtime/full_copy.h"
#include "runtime/run_plan.h"

namespace sluice {

// What sluice_meta says about a plan's progress on the target.
struct ApplyResume {
  std::string resume_after;     // transactions after this are not applied ("" : nothing recorded)
  std::string replay_until;     // rows up to here may be applied already: idempotent replay
  std::string keyless_applied;  // keyless rows at or before this are applied
  int64_t last_seq = 0;
};

struct ApplyStats {
  std::atomic<int64_t> rows{0};
  std::atomic<int64_t> transactions{0};
  std::atomic<int64_t> target_transactions{0};
  std::atomic<int64_t> last_commit_us{0};   // source commit time of the last applied transaction
  std::atomic<int64_t> rejected{0};
};

class ChangeApplier {
 public:
  // `migration` names this migration's rows in sluice_meta: the plan name
  // and the state store's migration id, so two migrations of one plan (or two
  // plans of one name) sharing a target never read each other's positions.
  ChangeApplier(const RunPlan& plan, const Endpoints& endpoints, RejectSink& rejects, int workers,
                std::string migration);
  ~ChangeApplier();
  ChangeApplier(const ChangeApplier&) = delete;
  ChangeApplier& operator=(const ChangeApplier&) = delete;

  // Creates sluice_meta.apply_position on the target if missing; reads this
  // plan's rows.
  ApplyResume Prepare();

  // Transactions at or before `position` are applied idempotently.
  void SetIdempotentUntil(const std::string& position);
  // A keyless table whose copy already holds the changes up to `position`.
  void SetKeylessCopied(const std::string& target_table, const std::string& position);
  // Keyless rows at or before `position` were applied before a restart.
  void SetKeylessApplied(const std::string& position);

  // Applies the transactions in order. On return every phase but the last
  // is committed on the target; the last one may still be running, so the
  // caller can read the next batch meanwhile (Drain() waits for it).
  // Transactions with DDL must not be passed (the sync drains, then handles
  // them between calls). Throws DbException or TaskError, also for a phase of
  // an earlier call that failed; what was committed before is recorded, so a
  // retry resumes. Transactions without planned rows only move the
  // position, which is recorded at most once a second unless `force_record`.
  void Apply(std::vector<CapturedTransaction> txns, bool force_record = false);

  // Waits until everything passed to Apply is committed (or throws its error).
  void Drain();

  // The position of the last transaction committed with everything before
  // it ("" before the first phase completes). Transactions that only moved
  // the position count as done once what came before them is committed.
  const std::string& Committed() const;

  // The plan's tables changed (DDL during sync): drains, then rebuilds the
  // column maps.
  void ResetTables(const RunPlan& plan);

  const ApplyStats& stats() const;

  // Per target table: rows applied (for metrics).
  std::map<std::string, int64_t> RowsByTable() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The name of the schema (database on MySQL-family targets) Sluice keeps its
// apply positions in.
inline constexpr const char* kMetaSchema = "sluice_meta";

}  // namespace sluice
