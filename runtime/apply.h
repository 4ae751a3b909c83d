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
};

// Returns the exit code (0 done, 1 error or stopped); messages go to stderr.
int ApplyPlan(const RunPlan& plan, const ApplyOptions& options);

// The default state directory of a plan.
std::string DefaultStateDir(const std::string& plan_name);

}  // namespace sluice
