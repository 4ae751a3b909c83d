#pragma once
// The executor runs a plan's task graph: a bounded pool of workers, each task
// started once its dependencies are done, every state change checkpointed in
// the state store first. Re-running resumes: done tasks are skipped.
//
// What to run is kept apart from running it (Ninja's habit): the executor
// knows only task ids, dependencies and a TaskRunner per task kind; tests use
// fake runners, a dry run would be a runner that runs nothing.
//
// Errors: a transient server error (retry.h) retries the task with backoff, up
// to the plan's attempts; any other error fails the task. A failed task fails
// nothing else: the tasks that depend on it are skipped, the others finish
// and checkpoint, then apply reports every failure.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/dialect.h"
#include "runtime/retry.h"
#include "runtime/run_plan.h"
#include "runtime/state_store.h"

namespace sluice {

class Reporter;

// Thrown by a runner when the task cannot succeed; `what()` is shown.
class TaskError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by a runner that noticed a stop request at a safe point.
class TaskStopped : public std::runtime_error {
 public:
  TaskStopped() : std::runtime_error("stopped") {}
};

struct TaskContext {
  const RunPlan& plan;
  const RunTask& task;
  StateStore& store;
  Reporter& reporter;
  std::function<bool()> stop_requested;
  int attempt = 1;
};

class TaskRunner {
 public:
  virtual ~TaskRunner() = default;
  // Runs the task to completion. Must be safe to run again after any
  // interruption (idempotent from what the store holds). Throws DbException
  // (classified by the executor), TaskError or TaskStopped.
  virtual void Run(TaskContext& ctx) = 0;
  // The dialect whose error table classifies this runner's DbExceptions.
  virtual Dialect ErrorDialect(const TaskContext& ctx) const = 0;
};

using RunnerRegistry = std::map<std::string, std::shared_ptr<TaskRunner>>;  // by task kind

struct ExecutorOptions {
  int max_parallel_tasks = 4;
  RetryPolicy retry;
  std::function<bool()> stop_requested;  // checked between tasks and by runners
  std::function<std::string(std::string)> mask;  // removes secrets from messages
};

struct ExecutorResult {
  int done = 0;           // finished in this run
  int already_done = 0;   // skipped because a previous run finished them
  int failed = 0;
  int skipped = 0;        // not run because a dependency failed
  bool stopped = false;   // a stop request ended the run early
  std::vector<std::string> errors;  // "task id: message" for every failure
  bool ok() const { return failed == 0 && skipped == 0 && !stopped; }
};

class Executor {
 public:
  Executor(const RunPlan& plan, StateStore& store, RunnerRegistry runners, Reporter& reporter,
           ExecutorOptions options);
  // Task kinds in the plan that no runner handles (checked before any work).
  std::vector<std::string> UnsupportedKinds() const;
  ExecutorResult Run();

 private:
  void RunOne(const RunTask& task, ExecutorResult& result);
  Dialect ErrorSource(Dialect runner_dialect, const DbError& e) const;

  const RunPlan& plan_;
  StateStore& store_;
  RunnerRegistry runners_;
  Reporter& reporter_;
  ExecutorOptions options_;
};

}  // namespace sluice
