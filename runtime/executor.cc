#include "runtime/executor.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "catalog/sql_connection.h"
#include "runtime/reporter.h"

namespace sluice {

Executor::Executor(const RunPlan& plan, StateStore& store, RunnerRegistry runners, Reporter& reporter,
                   ExecutorOptions options)
    : plan_(plan), store_(store), runners_(std::move(runners)), reporter_(reporter), options_(std::move(options)) {
  if (!options_.mask) options_.mask = [](std::string s) { return s; };
  if (!options_.stop_requested) options_.stop_requested = [] { return false; };
}

std::vector<std::string> Executor::UnsupportedKinds() const {
  std::set<std::string> out;
  for (const auto& t : plan_.tasks) {
    if (!runners_.count(t.kind)) out.insert(t.kind);
  }
  return {out.begin(), out.end()};
}

// A runner may talk to both ends (the full copy reads the source and writes
// the target), so the error itself says which engine's table classifies it:
// MySQL-family errors carry an errno, PostgreSQL's never do.
Dialect Executor::ErrorSource(Dialect runner_dialect, const DbError& e) const {
  if (e.code != 0) return IsMySQLFamily(runner_dialect) ? runner_dialect : Dialect::kMySQL;
  bool pg_involved = plan_.source.dialect == Dialect::kPostgreSQL || plan_.target.dialect == Dialect::kPostgreSQL;
  return IsMySQLFamily(runner_dialect) && pg_involved ? Dialect::kPostgreSQL : runner_dialect;
}

void Executor::RunOne(const RunTask& task, ExecutorResult& result) {
  auto runner = runners_.at(task.kind);
  std::mt19937_64 rng(std::hash<std::string>{}(task.id));
  auto started = std::chrono::steady_clock::now();
  reporter_.TaskStarted(task.id, task.description);
  for (int attempt = 1;; ++attempt) {
    store_.StartTask(task.id);
    TaskContext ctx{plan_, task, store_, reporter_, options_.stop_requested, attempt};
    std::string error;
    bool transient = false;
    try {
      runner->Run(ctx);
      store_.FinishTask(task.id, TaskState::kDone, "");
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      reporter_.TaskFinished(task.id, secs);
      ++result.done;
      return;
    } catch (const TaskStopped&) {
      store_.FinishTask(task.id, TaskState::kPending, "stopped before it finished");
      result.stopped = true;
      return;
    } catch (const DbException& e) {
      Dialect d = ErrorSource(runner->ErrorDialect(ctx), e.error());
      transient = ClassifyError(d, e.error()) == ErrorClass::kTransient;
      error = options_.mask(e.what());
      if (transient) error += " (" + TransientReason(d, e.error()) + ")";
    } catch (const std::exception& e) {
      error = options_.mask(e.what());
    }
    if (transient && attempt < options_.retry.attempts && !options_.stop_requested()) {
      auto delay = options_.retry.Backoff(attempt + 1, rng);
      store_.FinishTask(task.id, TaskState::kPending, error);
      reporter_.TaskRetrying(task.id, attempt + 1, error, delay.count());
      // Sleep in small steps so a stop request is honoured promptly.
      auto until = std::chrono::steady_clock::now() + delay;
      while (std::chrono::steady_clock::now() < until && !options_.stop_requested()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (options_.stop_requested()) {
        result.stopped = true;
        return;
      }
      continue;
    }
    std::string message = task.id + ": " + error;
    if (!task.origin.empty()) message += " (from " + task.origin + ")";
    if (transient) message += " — gave up after " + std::to_string(attempt) + " attempts";
    store_.FinishTask(task.id, TaskState::kFailed, error);
    reporter_.TaskFailed(task.id, message);
    ++result.failed;
    result.errors.push_back(message);
    return;
  }
}

ExecutorResult Executor::Run() {
  ExecutorResult result;
  std::map<std::string, TaskState> state;
  for (const auto& t : plan_.tasks) {
    store_.EnsureTask(t.id, t.kind);
    auto rec = store_.GetTask(t.id);
    TaskState s = rec ? rec->state : TaskState::kPending;
    // A task interrupted while running (kill -9) or failed before runs again.
    if (s == TaskState::kRunning || s == TaskState::kFailed || s == TaskState::kSkipped) s = TaskState::kPending;
    if (s == TaskState::kDone) ++result.already_done;
    state[t.id] = s;
  }

  std::mutex mu;
  std::condition_variable cv;
  int running = 0;
  std::vector<std::thread> threads;
  std::set<std::string> started;
  while (true) {
    std::unique_lock<std::mutex> lock(mu);
    bool progress = false;
    for (const auto& t : plan_.tasks) {
      if (state[t.id] != TaskState::kPending || started.count(t.id)) continue;
      bool ready = true, blocked = false;
      for (const auto& d : t.deps) {
        TaskState ds = state.count(d) ? state[d] : TaskState::kDone;
        if (ds == TaskState::kFailed || ds == TaskState::kSkipped) blocked = true;
        if (ds != TaskState::kDone) ready = false;
      }
      if (blocked) {
        state[t.id] = TaskState::kSkipped;
        store_.FinishTask(t.id, TaskState::kSkipped, "a task it depends on failed");
        ++result.skipped;
        progress = true;
        continue;
      }
      if (!ready || running >= options_.max_parallel_tasks || result.stopped || options_.stop_requested()) continue;
      started.insert(t.id);
      ++running;
      progress = true;
      threads.emplace_back([&, &task = t] {
        ExecutorResult local;
        RunOne(task, local);
        std::lock_guard<std::mutex> g(mu);
        result.done += local.done;
        result.failed += local.failed;
        result.stopped = result.stopped || local.stopped;
        result.errors.insert(result.errors.end(), local.errors.begin(), local.errors.end());
        auto rec = store_.GetTask(task.id);
        state[task.id] = rec ? rec->state : TaskState::kFailed;
        if (state[task.id] == TaskState::kPending) started.insert(task.id);  // stopped: do not restart now
        --running;
        cv.notify_all();
      });
    }
    if (progress) continue;
    if (running == 0) break;
    cv.wait_for(lock, std::chrono::milliseconds(200));
    if (options_.stop_requested()) result.stopped = true;
  }
  for (auto& th : threads) th.join();
  if (options_.stop_requested()) result.stopped = true;
  return result;
}

}  // namespace sluice
