#pragma once
// `sluice apply`: run a compiled plan to completion, or as far as it can go,
// resuming from the state store. Everything that can be refused is refused
// before any data moves (unsupported steps, a state dir of another plan,
// unreadable passwords).

#include <atomic>
#include <string>

#include "runtime/run_plan.h"

namespace sluice {

struct ApplyOptions {
  std::string state_dir;         // default: .sluice/<plan name>
  bool tty = false;              // live progress view
  const std::atomic<bool>* interrupted = nullptr;  // set by SIGINT / SIGTERM
  int metrics_port = 0;   // Prometheus /metrics on 127.0.0.1: 0 any free port, -1 off
  bool skip_ddl = false;  // incremental: do not apply the DDL the sync paused at
};

// Returns the exit code (0 done, 1 error or stopped); messages go to stderr.
int ApplyPlan(const RunPlan& plan, const ApplyOptions& options);

// The default state directory of a plan.
std::string DefaultStateDir(const std::string& plan_name);

}  // namespace sluice
