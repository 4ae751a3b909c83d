#include "runtime/apply.h"

#include <chrono>
#include <cstdio>
#include <iostream>

#include "runtime/endpoints.h"
#include "runtime/executor.h"
#include "runtime/full_copy.h"
#include "runtime/incremental.h"
#include "runtime/metrics.h"
#include "runtime/reporter.h"
#include "runtime/schema_runner.h"
#include "runtime/state_store.h"
#include "runtime/verify.h"

namespace sluice {

std::string DefaultStateDir(const std::string& plan_name) { return ".sluice/" + plan_name; }

int ApplyPlan(const RunPlan& plan, const ApplyOptions& options) {
  std::string dir = options.state_dir.empty() ? DefaultStateDir(plan.name) : options.state_dir;
  std::unique_ptr<StateStore> store;
  try {
    store = OpenSqliteStateStore(dir);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  // One state dir, one plan: a changed plan must not inherit another's checkpoints.
  auto recorded = store->GetMeta("plan_fingerprint");
  if (recorded && *recorded != plan.plan_fingerprint) {
    std::cerr << "error: the state directory " << dir << " belongs to another version of plan '" << plan.name
              << "' (fingerprint " << *recorded << ", this plan " << plan.plan_fingerprint << ")\n"
              << "help: finish or abandon that migration first, or run this plan with a new --state-dir\n";
    return 1;
  }
  store->SetMeta("plan_fingerprint", plan.plan_fingerprint);
  store->SetMeta("plan_name", plan.name);
  store->ClearStop();

  std::unique_ptr<Endpoints> endpoints;
  try {
    endpoints = std::make_unique<Endpoints>(plan);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }

  auto reporter = MakeConsoleReporter(options.tty);
  CopySlots slots(static_cast<int>(std::max<int64_t>(1, plan.settings.full_parallel)));
  RejectSink rejects(plan.settings.reject_file.empty() ? dir + "/rejects.tsv" : plan.settings.reject_file);
  RunnerRegistry runners;
  auto sql = MakeTargetSqlRunner(*endpoints);
  for (const char* kind : {"schema.create", "schema.table", "schema.indexes", "schema.view", "schema.constraints"}) {
    runners[kind] = sql;
  }
  runners["precheck"] = MakePrecheckRunner(*endpoints);
  // Prometheus /metrics while apply runs; the address is in the state store
  // (meta "metrics_url") for `sluice status`.
  MetricsRegistry metrics;
  std::unique_ptr<MetricsServer> metrics_server;
  if (options.metrics_port >= 0) {
    try {
      metrics_server = std::make_unique<MetricsServer>(metrics, MetricsServerOptions{"127.0.0.1", options.metrics_port});
      metrics_server->Start();
      std::string url = "http://127.0.0.1:" + std::to_string(metrics_server->port()) + "/metrics";
      store->SetMeta("metrics_url", url);
      reporter->Note("metrics: " + url);
    } catch (const std::exception& e) {
      std::cerr << "error: cannot serve /metrics on port " << options.metrics_port << ": " << e.what()
                << "\nhelp: pass --metrics-port with a free port, 0 for any, or -1 for none\n";
      return 1;
    }
  }
  std::shared_ptr<IncrementalSync> sync;
  if (plan.HasStep("incremental")) {
    sync = std::make_shared<IncrementalSync>(plan, *endpoints, *store, rejects, &metrics, dir);
    if (options.skip_ddl) sync->SkipNextDdl();
    runners["capture.start"] = MakeCaptureStartRunner(sync);
    runners["incremental.catch-up"] = MakeSyncRunner(sync, true);
    runners["incremental.stream"] = MakeSyncRunner(sync, false);
  }
  runners["full.table"] = MakeFullCopyRunner(*endpoints, slots, rejects, sync.get());
  runners["verify.table"] = MakeVerifyRunner(*endpoints, dir);

  // Stop requests: a signal, or `sluice stop` writing to the store (polled
  // at most twice a second).
  std::atomic<bool> stop_seen{false};
  auto last_poll = std::make_shared<std::atomic<int64_t>>(0);
  StateStore* store_ptr = store.get();
  auto stop_requested = [&, last_poll, store_ptr]() -> bool {
    if (stop_seen) return true;
    if (options.interrupted && options.interrupted->load()) return stop_seen = true;
    int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now().time_since_epoch()).count();
    if (now - last_poll->load() > 500) {
      last_poll->store(now);
      if (store_ptr->StopRequested()) return stop_seen = true;
    }
    return false;
  };

  ExecutorOptions eo;
  eo.max_parallel_tasks = static_cast<int>(std::max<int64_t>(2, plan.settings.full_parallel));
  eo.retry.attempts = static_cast<int>(plan.settings.retry_attempts);
  eo.retry.min_backoff = std::chrono::milliseconds(plan.settings.backoff_min_ms);
  eo.retry.max_backoff = std::chrono::milliseconds(plan.settings.backoff_max_ms);
  eo.stop_requested = stop_requested;
  const Endpoints* ep = endpoints.get();
  eo.mask = [ep](std::string s) { return ep->Mask(std::move(s)); };
  Executor executor(plan, *store, runners, *reporter, eo);

  auto unsupported = executor.UnsupportedKinds();
  if (!unsupported.empty()) {
    reporter->Finish();
    std::cerr << "error: this Sluice cannot run these tasks of the plan yet:";
    for (const auto& k : unsupported) std::cerr << " " << k;
    std::cerr << "\nhelp: the steps available today are schema, full, incremental and verify; remove the others from 'steps' "
                 "(nothing has been changed)\n";
    return 1;
  }

  auto start = std::chrono::steady_clock::now();
  ExecutorResult result = executor.Run();
  reporter->Finish();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const auto& e : result.errors) std::cerr << "error: " << e << "\n";
  char took[32];
  std::snprintf(took, sizeof took, "%.1fs", secs);
  std::cerr << "apply: " << result.done << " tasks done, " << result.already_done << " already done, "
            << result.failed << " failed, " << result.skipped << " skipped (" << took << ")";
  if (rejects.count() > 0) std::cerr << "; " << rejects.count() << " rows rejected to " << rejects.path();
  std::cerr << "\n";
  if (result.stopped) {
    // Stopping a sync that had caught up is how an incremental run ends
    // until switchover: not an error.
    bool only_sync_left = plan.HasStep("incremental");
    for (const auto& t : store->AllTasks()) {
      bool after_sync = t.kind == "incremental.stream" || t.kind.rfind("switchover.", 0) == 0 ||
                        t.kind.rfind("reverse.", 0) == 0;
      if (!after_sync && t.state != TaskState::kDone) only_sync_left = false;
    }
    std::cerr << "apply: stopped; the checkpoint is kept: run 'sluice apply' again to resume\n";
    return only_sync_left ? 0 : 1;
  }
  if (!result.ok()) {
    std::cerr << "apply: fix the errors above and run 'sluice apply' again: finished work is not redone\n";
    return 1;
  }
  return 0;
}

}  // namespace sluice
