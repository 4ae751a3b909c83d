// Lowering builds tasks step by step (each step adds its tasks and the edges
// into them), then sorts them topologically with Kahn's algorithm, taking the
// smallest id among the ready tasks each time: the order is a function of the
// inputs only.

#include "compiler/task_graph.h"

#include <algorithm>
#include <map>
#include <queue>
#include <set>

namespace sluice {

const char* TaskKindName(TaskKind k) {
  switch (k) {
    case TaskKind::kPrecheck: return "precheck";
    case TaskKind::kCaptureStart: return "capture.start";
    case TaskKind::kSchemaCreate: return "schema.create";
    case TaskKind::kSchemaTable: return "schema.table";
    case TaskKind::kFullTable: return "full.table";
    case TaskKind::kSchemaIndexes: return "schema.indexes";
    case TaskKind::kSchemaView: return "schema.view";
    case TaskKind::kSchemaConstraints: return "schema.constraints";
    case TaskKind::kIncrementalCatchUp: return "incremental.catch-up";
    case TaskKind::kIncrementalStream: return "incremental.stream";
    case TaskKind::kVerifyTable: return "verify.table";
    case TaskKind::kSwitchoverStopForward: return "switchover.stop-forward";
    case TaskKind::kSwitchoverDropHiddenKeys: return "switchover.drop-hidden-keys";
    case TaskKind::kSwitchoverAddConstraints: return "switchover.add-constraints";
    case TaskKind::kReverseCaptureStart: return "reverse.capture-start";
    case TaskKind::kReverseStream: return "reverse.stream";
  }
  return "?";
}

const Task* TaskGraph::Find(const std::string& id) const {
  for (const auto& t : tasks) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

namespace {

class Builder {
 public:
  Task& Add(TaskKind kind, const std::string& object, std::string description, SourceLoc origin = {}) {
    Task t;
    t.kind = kind;
    t.object = object;
    t.id = std::string(TaskKindName(kind)) + (object.empty() ? "" : ":" + object);
    t.description = std::move(description);
    t.origin = std::move(origin);
    tasks_.push_back(std::move(t));
    return tasks_.back();
  }
  // Adds `dep` to every task of the given ids that exist.
  static void Dep(Task& t, const std::string& dep) {
    if (!dep.empty() && std::find(t.deps.begin(), t.deps.end(), dep) == t.deps.end()) t.deps.push_back(dep);
  }
  std::vector<Task>& tasks() { return tasks_; }

 private:
  std::vector<Task> tasks_;
};

std::string Id(TaskKind k, const std::string& object = "") {
  return std::string(TaskKindName(k)) + (object.empty() ? "" : ":" + object);
}

}  // namespace

TaskGraph Lower(const Plan& plan, const TargetSchema& target, const SchemaDiff& diff) {
  Builder b;
  bool schema = plan.HasStep(Step::kSchema);
  bool full = plan.HasStep(Step::kFull);
  bool incremental = plan.HasStep(Step::kIncremental);
  bool verify = plan.HasStep(Step::kVerify);
  bool switchover = plan.HasStep(Step::kSwitchover);
  bool reverse = plan.HasStep(Step::kReverse);
  SourceLoc steps_loc = plan.steps.empty() ? SourceLoc{} : plan.steps.front().loc;

  b.Add(TaskKind::kPrecheck, "", "check connections, privileges, log settings and keys before any data moves",
        steps_loc);
  if (incremental) {
    Task& t = b.Add(TaskKind::kCaptureStart, "",
                    "record the source's change-log position before the first row is read", steps_loc);
    Builder::Dep(t, Id(TaskKind::kPrecheck));
  }

  std::vector<std::string> full_ids, index_ids, constraint_objects, verify_ids;
  bool any_hidden = false;
  for (const auto& c : diff.changes) {
    if (c.kind == "database" || c.kind == "schema") {
      if (!schema || c.action == ChangeAction::kNone) continue;
      Task& t = b.Add(TaskKind::kSchemaCreate, c.name, "create " + c.kind + " " + c.name);
      t.sql = c.create_sql;
      Builder::Dep(t, Id(TaskKind::kPrecheck));
      continue;
    }
    if (c.kind != "table") continue;
    const TableMapping& m = *c.table->mapping;
    SourceLoc origin = m.loc;
    std::string table_id;
    if (schema && c.action != ChangeAction::kNone && !c.create_sql.empty()) {
      Task& t = b.Add(TaskKind::kSchemaTable, c.name,
                      (c.action == ChangeAction::kCreate ? "create table " : "alter table ") + c.name +
                          " (columns and primary key)",
                      origin);
      t.source_object = m.SourceName();
      t.sql = c.create_sql;
      Builder::Dep(t, Id(TaskKind::kPrecheck));
      if (b.tasks().end() != std::find_if(b.tasks().begin(), b.tasks().end(), [&](const Task& x) {
            return x.id == Id(TaskKind::kSchemaCreate, m.target_schema);
          })) {
        Builder::Dep(t, Id(TaskKind::kSchemaCreate, m.target_schema));
      }
      table_id = t.id;
    }
    if (c.table->hidden_key) any_hidden = true;
    std::string full_id;
    if (full) {
      Task& t = b.Add(TaskKind::kFullTable, c.name, "copy the rows of " + m.SourceName() + " in key-range chunks",
                      origin);
      t.source_object = m.SourceName();
      t.row_estimate = m.row_estimate;
      int64_t chunk = plan.full.chunk_rows.value;
      t.chunk_estimate = m.row_estimate ? std::max<int64_t>(1, (*m.row_estimate + chunk - 1) / chunk) : 1;
      Builder::Dep(t, Id(TaskKind::kPrecheck));
      Builder::Dep(t, table_id);
      if (incremental) Builder::Dep(t, Id(TaskKind::kCaptureStart));
      full_id = t.id;
      full_ids.push_back(t.id);
    }
    if (schema && !c.index_sql.empty()) {
      Task& t = b.Add(TaskKind::kSchemaIndexes, c.name, "create the secondary indexes of " + c.name + " after the data",
                      origin);
      t.sql = c.index_sql;
      Builder::Dep(t, Id(TaskKind::kPrecheck));
      Builder::Dep(t, table_id);
      Builder::Dep(t, full_id);
      index_ids.push_back(t.id);
    }
    if (schema && !c.constraint_sql.empty()) constraint_objects.push_back(c.name);
  }

  // Views after the tables (and views) they read.
  if (schema) {
    for (const auto& c : diff.changes) {
      if (c.kind != "view" || c.action == ChangeAction::kNone) continue;
      Task& t = b.Add(TaskKind::kSchemaView, c.name, "create view " + c.name, c.view->mapping->loc);
      t.source_object = c.source_name;
      t.sql = c.create_sql;
      Builder::Dep(t, Id(TaskKind::kPrecheck));
      for (const auto& dep : c.view->mapping->source->depends_on) {
        auto dot = dep.find('.');
        std::string ds = dep.substr(0, dot), dn = dep.substr(dot + 1);
        for (const auto& tt : target.tables) {
          if (tt.mapping->source_schema == ds && tt.mapping->source_table == dn) {
            Builder::Dep(t, Id(TaskKind::kSchemaTable, tt.mapping->TargetName()));
          }
        }
        for (const auto& vv : target.views) {
          if (vv.mapping->source_schema == ds && vv.mapping->source_view == dn && vv.ok) {
            Builder::Dep(t, Id(TaskKind::kSchemaView, vv.mapping->target_schema + "." + vv.mapping->target_view));
          }
        }
      }
    }
  }

  std::string catch_up_id;
  if (incremental) {
    Task& t = b.Add(TaskKind::kIncrementalCatchUp, "",
                    "replay the changes captured since capture.start (idempotently up to the end of the copy) "
                    "until the target has caught up",
                    steps_loc);
    Builder::Dep(t, Id(TaskKind::kCaptureStart));
    for (const auto& id : full_ids) Builder::Dep(t, id);
    catch_up_id = t.id;
    // Secondary indexes wait for catch-up: chunks copied at different moments
    // may hold two rows' values of different times, which a unique index
    // would refuse until the replay has brought them to one moment. The
    // replay needs only the key, and runs faster without the other indexes.
    for (auto& task : b.tasks()) {
      if (std::find(index_ids.begin(), index_ids.end(), task.id) != index_ids.end()) Builder::Dep(task, catch_up_id);
    }
    Task& s = b.Add(TaskKind::kIncrementalStream, "", "keep the target in sync until switchover", steps_loc);
    Builder::Dep(s, catch_up_id);
  }

  if (verify) {
    for (const auto& c : diff.changes) {
      if (c.kind != "table") continue;
      Task& t = b.Add(TaskKind::kVerifyTable, c.name,
                      "compare " + c.source_name + " with " + c.name + " row by row", c.table->mapping->loc);
      t.source_object = c.source_name;
      Builder::Dep(t, Id(TaskKind::kPrecheck));
      if (full) Builder::Dep(t, Id(TaskKind::kFullTable, c.name));
      if (schema && !c.index_sql.empty()) Builder::Dep(t, Id(TaskKind::kSchemaIndexes, c.name));
      Builder::Dep(t, catch_up_id);
      verify_ids.push_back(t.id);
    }
  }

  // Constraints wait for switchover (OMS's order), or the end of the copy.
  std::string constraints_id;
  if (switchover) {
    Task& stop = b.Add(TaskKind::kSwitchoverStopForward, "",
                       incremental ? "wait for catch-up, stop forward sync and record the final positions"
                                   : "confirm the copy is complete before cut-over",
                       steps_loc);
    Builder::Dep(stop, catch_up_id);
    for (const auto& id : full_ids) Builder::Dep(stop, id);
    for (const auto& id : index_ids) Builder::Dep(stop, id);
    for (const auto& id : verify_ids) Builder::Dep(stop, id);
    std::string prev = stop.id;
    if (any_hidden) {
      Task& t = b.Add(TaskKind::kSwitchoverDropHiddenKeys, "",
                      "drop the hidden key columns and indexes Sluice added to tables without a key", steps_loc);
      Builder::Dep(t, prev);
      prev = t.id;
    }
    if (!constraint_objects.empty()) {
      Task& t = b.Add(TaskKind::kSwitchoverAddConstraints, "",
                      "add the foreign keys and CHECK constraints held back during the migration", steps_loc);
      for (const auto& c : diff.changes) {
        if (c.kind == "table") t.sql.insert(t.sql.end(), c.constraint_sql.begin(), c.constraint_sql.end());
      }
      Builder::Dep(t, prev);
      prev = t.id;
    }
    if (reverse) {
      Task& r = b.Add(TaskKind::kReverseCaptureStart, "",
                      "record the target's change-log position at cut-over, for the reverse sync", steps_loc);
      Builder::Dep(r, stop.id);
      Task& s = b.Add(TaskKind::kReverseStream, "", "sync target changes back to the source for fall-back",
                      steps_loc);
      Builder::Dep(s, r.id);
      Builder::Dep(s, prev);
    }
  } else if (!constraint_objects.empty()) {
    Task& t = b.Add(TaskKind::kSchemaConstraints, "",
                    "add the foreign keys and CHECK constraints after the copy", steps_loc);
    for (const auto& c : diff.changes) {
      if (c.kind == "table") t.sql.insert(t.sql.end(), c.constraint_sql.begin(), c.constraint_sql.end());
    }
    for (const auto& id : full_ids) Builder::Dep(t, id);
    for (const auto& id : index_ids) Builder::Dep(t, id);
    Builder::Dep(t, catch_up_id);
    if (full_ids.empty() && index_ids.empty()) Builder::Dep(t, Id(TaskKind::kPrecheck));
  }

  // Drop edges to tasks that do not exist (e.g. a table that needs no DDL),
  // then sort: Kahn's algorithm, smallest ready id first.
  std::vector<Task>& tasks = b.tasks();
  std::set<std::string> ids;
  for (const auto& t : tasks) ids.insert(t.id);
  std::map<std::string, Task*> by_id;
  std::map<std::string, int> indegree;
  std::map<std::string, std::vector<std::string>> dependents;
  for (auto& t : tasks) {
    std::vector<std::string> deps;
    for (const auto& d : t.deps) {
      if (ids.count(d) && d != t.id) deps.push_back(d);
    }
    std::sort(deps.begin(), deps.end());
    deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
    t.deps = deps;
    by_id[t.id] = &t;
    indegree[t.id] = static_cast<int>(deps.size());
    for (const auto& d : deps) dependents[d].push_back(t.id);
  }
  std::priority_queue<std::string, std::vector<std::string>, std::greater<>> ready;
  for (const auto& [id, n] : indegree) {
    if (n == 0) ready.push(id);
  }
  TaskGraph g;
  while (!ready.empty()) {
    std::string id = ready.top();
    ready.pop();
    g.tasks.push_back(*by_id[id]);
    for (const auto& dep : dependents[id]) {
      if (--indegree[dep] == 0) ready.push(dep);
    }
  }
  // Every edge points at an earlier step or object, so there is no cycle; a
  // bug that made one would drop tasks, which the tests would see.
  return g;
}

}  // namespace sluice
