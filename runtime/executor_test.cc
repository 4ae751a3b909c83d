#include "runtime/executor.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <mutex>
#include <set>

#include "runtime/reporter.h"

namespace sluice {
namespace {

RunPlan Diamond() {
  // a -> b, a -> c, (b, c) -> d; e independent.
  RunPlan p;
  p.name = "t";
  p.tasks = {{"a", "k", "", "", {}, {}, "", ""},
             {"b", "k", "", "", {"a"}, {}, "", ""},
             {"c", "k", "", "", {"a"}, {}, "", ""},
             {"d", "k", "", "", {"b", "c"}, {}, "", ""},
             {"e", "k", "", "", {}, {}, "", "plan.yaml:3:4"}};
  return p;
}

class FakeRunner : public TaskRunner {
 public:
  std::mutex mu;
  std::vector<std::string> order;
  std::map<std::string, int> transient_failures;  // fail this many times with a lost connection
  std::set<std::string> fatal;
  Dialect ErrorDialect(const TaskContext&) const override { return Dialect::kMySQL; }
  void Run(TaskContext& ctx) override {
    {
      std::lock_guard<std::mutex> l(mu);
      if (transient_failures[ctx.task.id] > 0) {
        --transient_failures[ctx.task.id];
        throw DbException(DbError{2013, "HY000", "Lost connection to server during query"});
      }
      if (fatal.count(ctx.task.id)) throw DbException(DbError{1064, "42000", "You have an error in your SQL syntax"});
      order.push_back(ctx.task.id);
    }
  }
};

std::string TempDir(const std::string& n) {
  auto d = std::filesystem::temp_directory_path() / ("sluice_exec_" + n + "_" + std::to_string(getpid()));
  std::filesystem::remove_all(d);
  return d.string();
}

ExecutorOptions Fast() {
  ExecutorOptions o;
  o.max_parallel_tasks = 2;
  o.retry.attempts = 3;
  o.retry.min_backoff = std::chrono::milliseconds(1);
  o.retry.max_backoff = std::chrono::milliseconds(2);
  return o;
}

size_t Pos(const std::vector<std::string>& v, const std::string& x) {
  return static_cast<size_t>(std::find(v.begin(), v.end(), x) - v.begin());
}

TEST_CASE("dependencies are respected and every task runs once") {
  RunPlan plan = Diamond();
  auto store = OpenSqliteStateStore(TempDir("deps"));
  auto runner = std::make_shared<FakeRunner>();
  auto rep = MakeSilentReporter();
  Executor ex(plan, *store, {{"k", runner}}, *rep, Fast());
  auto r = ex.Run();
  CHECK(r.ok());
  CHECK(r.done == 5);
  REQUIRE(runner->order.size() == 5);
  CHECK(Pos(runner->order, "a") < Pos(runner->order, "b"));
  CHECK(Pos(runner->order, "a") < Pos(runner->order, "c"));
  CHECK(Pos(runner->order, "b") < Pos(runner->order, "d"));
  CHECK(Pos(runner->order, "c") < Pos(runner->order, "d"));
  // A re-run resumes: nothing is done twice.
  Executor again(plan, *store, {{"k", runner}}, *rep, Fast());
  auto r2 = again.Run();
  CHECK(r2.already_done == 5);
  CHECK(r2.done == 0);
  CHECK(runner->order.size() == 5);
}

TEST_CASE("transient errors are retried; fatal ones fail the task and skip its dependents only") {
  RunPlan plan = Diamond();
  auto store = OpenSqliteStateStore(TempDir("fail"));
  auto runner = std::make_shared<FakeRunner>();
  runner->transient_failures["a"] = 2;
  runner->fatal = {"b"};
  auto rep = MakeSilentReporter();
  Executor ex(plan, *store, {{"k", runner}}, *rep, Fast());
  auto r = ex.Run();
  CHECK_FALSE(r.ok());
  CHECK(r.failed == 1);
  CHECK(r.skipped == 1);  // d
  CHECK(Pos(runner->order, "a") < runner->order.size());
  CHECK(Pos(runner->order, "c") < runner->order.size());
  CHECK(Pos(runner->order, "e") < runner->order.size());
  CHECK(Pos(runner->order, "d") == runner->order.size());
  CHECK(store->GetTask("a")->attempts == 3);
  CHECK(store->GetTask("b")->state == TaskState::kFailed);
  CHECK(store->GetTask("d")->state == TaskState::kSkipped);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].find("b: ") == 0);
  CHECK(r.errors[0].find("syntax") != std::string::npos);

  // Fixed, the re-run does only what is left.
  runner->fatal.clear();
  runner->order.clear();
  Executor again(plan, *store, {{"k", runner}}, *rep, Fast());
  auto r2 = again.Run();
  CHECK(r2.ok());
  CHECK(runner->order == std::vector<std::string>{"b", "d"});
}

// Reports MySQL errors (like the full copy, which names the target) but
// fails once with the source PostgreSQL's "administrator shutdown".
class PgSourceRestartRunner : public TaskRunner {
 public:
  int runs = 0;
  Dialect ErrorDialect(const TaskContext&) const override { return Dialect::kMariaDB; }
  void Run(TaskContext&) override {
    if (runs++ == 0) {
      throw DbException(DbError{0, "57P01", "terminating connection due to administrator command"});
    }
  }
};

TEST_CASE("an error is classified by the engine that raised it, not only the runner's dialect") {
  RunPlan plan;
  plan.name = "t";
  plan.source.dialect = Dialect::kPostgreSQL;
  plan.target.dialect = Dialect::kMariaDB;
  plan.tasks = {{"a", "k", "", "", {}, {}, "", ""}};
  auto store = OpenSqliteStateStore(TempDir("classify"));
  auto runner = std::make_shared<PgSourceRestartRunner>();
  auto rep = MakeSilentReporter();
  Executor ex(plan, *store, {{"k", runner}}, *rep, Fast());
  auto r = ex.Run();
  CHECK(r.ok());
  CHECK(runner->runs == 2);
}

TEST_CASE("a transient error that persists gives up after the plan's attempts") {
  RunPlan plan = Diamond();
  auto store = OpenSqliteStateStore(TempDir("giveup"));
  auto runner = std::make_shared<FakeRunner>();
  runner->transient_failures["e"] = 100;
  auto rep = MakeSilentReporter();
  Executor ex(plan, *store, {{"k", runner}}, *rep, Fast());
  auto r = ex.Run();
  CHECK(r.failed == 1);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].find("gave up after 3 attempts") != std::string::npos);
  CHECK(r.errors[0].find("(from plan.yaml:3:4)") != std::string::npos);
}

TEST_CASE("unsupported task kinds are named before anything runs") {
  RunPlan plan = Diamond();
  plan.tasks[4].kind = "incremental.stream";
  auto store = OpenSqliteStateStore(TempDir("unsupported"));
  auto rep = MakeSilentReporter();
  Executor ex(plan, *store, {{"k", std::make_shared<FakeRunner>()}}, *rep, Fast());
  CHECK(ex.UnsupportedKinds() == std::vector<std::string>{"incremental.stream"});
}

TEST_CASE("a stop request starts nothing new") {
  RunPlan plan = Diamond();
  auto store = OpenSqliteStateStore(TempDir("stop"));
  auto runner = std::make_shared<FakeRunner>();
  auto rep = MakeSilentReporter();
  ExecutorOptions o = Fast();
  o.stop_requested = [] { return true; };
  Executor ex(plan, *store, {{"k", runner}}, *rep, o);
  auto r = ex.Run();
  CHECK(r.stopped);
  CHECK(runner->order.empty());
}

}  // namespace
}  // namespace sluice
