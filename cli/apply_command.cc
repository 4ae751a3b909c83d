// `sluice apply`, `sluice status` and `sluice stop`.
//
// apply takes a plan file (compiled now, against the live servers) or a saved
// plan.json (applied exactly as reviewed, after checking that the source
// schema has not changed since it was planned).
//
// A plan file is compiled once per migration: the first apply saves the
// compiled plan.json in the state directory, with the fingerprint of the plan
// file. Re-running apply with the same plan file (to resume after a crash or a
// stop, or as a no-op after success) runs that saved plan, as a reviewed
// plan.json would be: compiling again would compare against a target the
// first run already changed, and give another plan.

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "catalog/catalog_json.h"
#include "common/hash.h"
#include "cli/commands.h"
#include "cli/compile_support.h"
#include "dialects/postgresql/pg_replication_connection.h"
#include "runtime/apply.h"
#include "runtime/change_feed.h"
#include "runtime/endpoints.h"
#include "runtime/incremental.h"
#include "runtime/run_plan.h"
#include "runtime/state_store.h"

namespace sluice::cli {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void OnSignal(int) { g_interrupted = true; }

bool IsPlanJson(const std::string& path) {
  return path.size() > 5 && path.compare(path.size() - 5, 5, ".json") == 0;
}

std::optional<nlohmann::ordered_json> ReadJson(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open '" + path + "'";
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return nlohmann::ordered_json::parse(ss.str());
  } catch (const std::exception& e) {
    *error = "'" + path + "' is not valid JSON: " + e.what();
    return std::nullopt;
  }
}

// Refuses a plan.json whose source schema changed since it was planned.
bool CheckNotStale(const RunPlan& plan, DiagnosticSink& diags) {
  auto planned = CatalogFromJson(plan.source_schema);
  if (!planned.ok()) {
    diags.Error(SourceLoc{}, "plan.json's source_schema is unreadable: " + planned.error);
    return false;
  }
  std::vector<std::pair<std::string, std::string>> objects;
  for (const auto& s : planned.catalog->schemas) {
    for (const auto& t : s.tables) objects.emplace_back(s.name, t.name);
    for (const auto& v : s.views) objects.emplace_back(s.name, v.name);
  }
  CatalogFilter filter;
  filter.schema = [&](const std::string& s) {
    for (const auto& o : objects) {
      if (o.first == s) return true;
    }
    return false;
  };
  filter.table = [&](const std::string& s, const std::string& t) {
    return std::find(objects.begin(), objects.end(), std::make_pair(s, t)) != objects.end();
  };
  LiveEndpoint ep{"source", plan.source.dialect, plan.source.dsn, plan.source.password};
  auto current = ReadLiveCatalog(ep, filter, diags);
  if (!current) return false;
  Catalog subset = CatalogSubset(*current, objects);
  if (SourceSchemaFingerprint(subset) == plan.source_schema_fingerprint) return true;
  auto& d = diags.Error(SourceLoc{}, "the source schema changed since this plan was made; refusing a stale plan",
                        "run 'sluice plan " + (plan.plan_file.empty() ? std::string("PLAN") : plan.plan_file) +
                            " --out plan.json' again, review it, and apply the new plan.json");
  for (const auto& change : DescribeSchemaChanges(*planned.catalog, subset)) d.notes.push_back({SourceLoc{}, change});
  return false;
}

struct ApplyArgs {
  CompileArgs compile;
  std::string state_dir;
  int metrics_port = 0;
  bool skip_ddl = false;
};

std::optional<std::string> PlanName(const std::string& path, DiagnosticSink& diags);

// What identifies "the same plan file" across applies: its bytes and the
// catalog snapshots it was compiled with.
std::optional<std::string> PlanFileFingerprint(const CompileArgs& args) {
  std::ifstream in(args.plan, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return Fingerprint(ss.str() + '\0' + args.source_catalog + '\0' + args.target_catalog);
}

int RunApply(const ApplyArgs& args, const GlobalOptions& global) {
  DiagnosticSink diags;
  auto finish = [&](int code) {
    std::cerr << RenderDiagnosticsText(diags, RenderOptions{global.color});
    return code;
  };
  nlohmann::ordered_json json;
  bool reviewed = IsPlanJson(args.compile.plan);  // applied as saved: checked for staleness
  if (reviewed) {
    std::string error;
    auto j = ReadJson(args.compile.plan, &error);
    if (!j) {
      diags.Error(SourceLoc{}, error);
      return finish(1);
    }
    json = std::move(*j);
  } else {
    // The compilation below reports any problem of the plan file itself.
    DiagnosticSink name_diags;
    auto name = PlanName(args.compile.plan, name_diags);
    std::string dir = !args.state_dir.empty() ? args.state_dir : name ? DefaultStateDir(*name) : "";
    std::string saved = dir + "/plan.json", saved_fp = dir + "/plan-file.fingerprint";
    auto fp = PlanFileFingerprint(args.compile);
    std::error_code ec;
    bool resumable = fp && !dir.empty() && std::filesystem::exists(dir + "/state.db", ec) && std::filesystem::exists(saved, ec);
    if (resumable) {
      std::ifstream f(saved_fp, std::ios::binary);
      std::string recorded;
      std::getline(f, recorded);
      resumable = recorded == *fp;
    }
    if (resumable) {
      std::string error;
      auto j = ReadJson(saved, &error);
      if (!j) {
        diags.Error(SourceLoc{}, error);
        return finish(1);
      }
      json = std::move(*j);
      reviewed = true;
      std::cerr << "plan: resuming the plan compiled by the first apply (" << saved << ")\n";
    } else {
      Compiled c = CompileFromArgs(args.compile, diags);
      if (!c.compilation || diags.has_errors()) return finish(1);
      json = std::move(c.compilation->json);
      const auto& s = json["summary"];
      std::cerr << "plan: " << s["to_add"].get<int>() << " to add, " << s["to_change"].get<int>()
                << " to change, 0 to destroy; " << json["tasks"].size() << " tasks\n";
      // Saved only for a new migration: a state dir of another plan keeps
      // its files, and ApplyPlan refuses it by fingerprint.
      if (fp && !dir.empty() && !std::filesystem::exists(dir + "/state.db", ec)) {
        std::filesystem::create_directories(dir, ec);
        std::ofstream out(saved, std::ios::binary | std::ios::trunc);
        out << json.dump(2) << "\n";
        std::ofstream out_fp(saved_fp, std::ios::binary | std::ios::trunc);
        out_fp << *fp << "\n";
      }
    }
  }
  std::string error;
  auto plan = ParseRunPlan(json, &error);
  if (!plan) {
    diags.Error(SourceLoc{}, "cannot run this plan: " + error);
    return finish(1);
  }
  if (reviewed && !CheckNotStale(*plan, diags)) return finish(1);
  std::cerr << RenderDiagnosticsText(diags, RenderOptions{global.color});

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  ApplyOptions options;
  options.state_dir = args.state_dir;
  options.tty = isatty(STDERR_FILENO);
  options.interrupted = &g_interrupted;
  options.metrics_port = args.metrics_port;
  options.skip_ddl = args.skip_ddl;
  return ApplyPlan(*plan, options);
}

// The plan name, from a plan file or a plan.json, for the default state dir.
std::optional<std::string> PlanName(const std::string& path, DiagnosticSink& diags) {
  if (IsPlanJson(path)) {
    std::string error;
    auto j = ReadJson(path, &error);
    if (!j || !j->contains("name")) {
      diags.Error(SourceLoc{}, j ? "'" + path + "' has no plan name" : error);
      return std::nullopt;
    }
    return (*j)["name"].get<std::string>();
  }
  auto plan = LoadPlanFile(path, diags);
  if (!plan) return std::nullopt;
  return plan->name.value;
}

struct StatusArgs {
  std::string plan;
  std::string state_dir;
  bool json = false;
  bool drop_capture = false;  // stop: also drop the slot and publication
};

// The plan a state directory's apply runs: PLAN itself when it is a
// plan.json, else the copy apply saved in the state directory.
std::optional<RunPlan> LoadAppliedPlan(const std::string& plan_arg, const std::string& dir, std::string* error) {
  auto j = ReadJson(IsPlanJson(plan_arg) ? plan_arg : dir + "/plan.json", error);
  if (!j) return std::nullopt;
  return ParseRunPlan(*j, error);
}

// `sluice stop --drop-capture`: once no apply streams from them (waits up to
// a minute for the stop to take effect), the PostgreSQL slots and the
// publication of this plan are dropped, so the source stops retaining WAL.
// The sync cannot resume after this.
int DropCapture(const std::string& plan_arg, const std::string& dir) {
  std::string error;
  std::optional<RunPlan> plan = LoadAppliedPlan(plan_arg, dir, &error);
  if (!plan) {
    std::cerr << "error: " << error << "\n";
    return 1;
  }
  if (plan->source.dialect != Dialect::kPostgreSQL) {
    std::cerr << "drop-capture: a MySQL-family source keeps nothing for Sluice (its binlogs expire as configured)\n";
    return 0;
  }
  try {
    Endpoints endpoints(*plan);
    auto sql = endpoints.SourcePg();
    std::string slot = CaptureSlotName(*plan), publication = CapturePublicationName(*plan);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (true) {
      auto info = FindSlot(*sql, slot);
      if (!info || !info->active) break;
      if (std::chrono::steady_clock::now() > until) {
        std::cerr << "error: slot " << slot << " is still streamed to (pid " << info->active_pid.value_or(0)
                  << "); is 'sluice apply' still running?\n";
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    int dropped = 0;
    for (const auto& name : {slot, slot + "__copy"}) dropped += DropSlot(*sql, name, false) ? 1 : 0;
    DropPublication(*sql, publication);
    std::cerr << "drop-capture: dropped " << dropped << " replication slot(s) (" << slot << ") and publication "
              << publication << "; this migration's sync cannot resume\n";
    if (auto store = OpenSqliteStateStoreIfExists(dir)) store->SetMeta("capture_dropped", "1");
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

int RunStatus(const StatusArgs& args, const GlobalOptions& global) {
  DiagnosticSink diags;
  auto name = PlanName(args.plan, diags);
  if (!name) {
    std::cerr << RenderDiagnosticsText(diags, RenderOptions{global.color});
    return 1;
  }
  std::string dir = args.state_dir.empty() ? DefaultStateDir(*name) : args.state_dir;
  std::unique_ptr<StateStore> store;
  try {
    store = OpenSqliteStateStoreIfExists(dir);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  if (!store) {
    std::cerr << "error: no migration state in " << dir << "\nhelp: 'sluice apply' creates it; pass --state-dir if it ran with one\n";
    return 1;
  }
  auto tasks = store->AllTasks();
  std::optional<nlohmann::ordered_json> sync;
  if (auto text = store->GetMeta("sync")) {
    try {
      sync = nlohmann::ordered_json::parse(*text);
    } catch (const std::exception&) {
    }
  }
  std::map<std::string, int> counts;
  for (const auto& t : tasks) counts[TaskStateName(t.state)]++;
  if (args.json) {
    nlohmann::ordered_json j;
    j["plan"] = *name;
    j["state_dir"] = dir;
    nlohmann::ordered_json c = nlohmann::ordered_json::object();
    for (const auto& [k, v] : counts) c[k] = v;
    j["counts"] = c;
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const auto& t : tasks) {
      arr.push_back({{"id", t.id}, {"kind", t.kind}, {"state", TaskStateName(t.state)}, {"attempts", t.attempts},
                     {"rows", t.rows}, {"rows_total", t.rows_total}, {"bytes", t.bytes},
                     {"seconds", t.finished_at > t.started_at ? t.finished_at - t.started_at : 0.0},
                     {"error", t.error}});
    }
    j["tasks"] = arr;
    if (sync) j["sync"] = *sync;
    if (auto url = store->GetMeta("metrics_url")) j["metrics_url"] = *url;
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << "plan " << *name << " (" << dir << "):";
  for (const auto& [k, v] : counts) std::cout << " " << v << " " << k;
  std::cout << "\n";
  if (sync) {
    const auto& y = *sync;
    char line[256];
    std::snprintf(line, sizeof line, "incremental (%s): %s; applied %lld rows in %lld transactions, %.0f rows/s, %.1f KB/s, lag %.1fs",
                  y.value("phase", "").c_str(), y.value("idle", false) ? "caught up" : "applying",
                  static_cast<long long>(y.value("rows", int64_t{0})), static_cast<long long>(y.value("transactions", int64_t{0})),
                  y.value("rows_per_second", 0.0), y.value("kb_per_second", 0.0), y.value("lag_seconds", 0.0));
    std::cout << line << "\n  position " << y.value("applied_position", std::string("(start)"));
    if (y.contains("backlog")) {
      std::cout << ", backlog " << y["backlog"].get<int64_t>() << " " << y.value("backlog_unit", std::string());
    }
    std::cout << "\n";
  }
  for (const auto& t : tasks) {
    std::cout << "  " << t.id << "  " << TaskStateName(t.state);
    if (t.rows_total > 0 || t.rows > 0) {
      std::cout << "  " << t.rows << (t.rows_total > 0 ? "/" + std::to_string(t.rows_total) : "") << " rows";
    }
    if (t.attempts > 1) std::cout << "  (" << t.attempts << " attempts)";
    if (!t.error.empty() && t.state != TaskState::kDone) std::cout << "\n      " << t.error;
    std::cout << "\n";
  }
  return 0;
}

int RunStop(const StatusArgs& args, const GlobalOptions& global) {
  DiagnosticSink diags;
  auto name = PlanName(args.plan, diags);
  if (!name) {
    std::cerr << RenderDiagnosticsText(diags, RenderOptions{global.color});
    return 1;
  }
  std::string dir = args.state_dir.empty() ? DefaultStateDir(*name) : args.state_dir;
  if (!OpenSqliteStateStoreIfExists(dir)) {
    std::cerr << "error: no migration state in " << dir << "\n";
    return 1;
  }
  OpenSqliteStateStore(dir)->RequestStop();
  std::cerr << "stop requested: the running apply stops at the next safe point and keeps its checkpoint\n";
  if (args.drop_capture) return DropCapture(args.plan, dir);
  std::string error;
  std::optional<RunPlan> plan = LoadAppliedPlan(args.plan, dir, &error);
  if (plan && plan->HasStep("incremental") && plan->source.dialect == Dialect::kPostgreSQL) {
    std::cerr << "note: the replication slot " << CaptureSlotName(*plan)
              << " stays on the source (retaining WAL) so that 'sluice apply' can resume; when the migration is "
                 "finished or abandoned, 'sluice stop --drop-capture' drops it\n";
  }
  return 0;
}

struct WaitArgs {
  std::string plan;
  std::string state_dir;
  bool caught_up = false;
  double timeout_seconds = 600;
};

// `sluice wait --caught-up`: the source's log position now, then the state
// store's applied position until it has reached it.
int RunWait(const WaitArgs& args, const GlobalOptions& global) {
  DiagnosticSink diags;
  auto name = PlanName(args.plan, diags);
  if (!name) {
    std::cerr << RenderDiagnosticsText(diags, RenderOptions{global.color});
    return 1;
  }
  if (!args.caught_up) {
    std::cerr << "error: say what to wait for: --caught-up\n";
    return 1;
  }
  std::string dir = args.state_dir.empty() ? DefaultStateDir(*name) : args.state_dir;
  std::string error;
  std::optional<RunPlan> plan = LoadAppliedPlan(args.plan, dir, &error);
  if (!plan) {
    std::cerr << "error: " << error << "\nhelp: wait needs the plan 'sluice apply' runs; start apply first\n";
    return 1;
  }
  if (!plan->HasStep("incremental")) {
    std::cerr << "error: plan '" << *name << "' has no incremental step: there is nothing to catch up with\n";
    return 1;
  }
  std::string target;
  try {
    Endpoints endpoints(*plan);
    target = CurrentSourcePosition(endpoints);
    if (plan->source.dialect == Dialect::kPostgreSQL) {
      // A heartbeat after that point makes an idle source's stream pass it.
      try {
        auto sql = endpoints.SourcePg();
        EmitHeartbeat(*sql, "sluice wait");
      } catch (const DbException&) {
        // Without it the sync's own heartbeats get there, a little later.
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  auto start = std::chrono::steady_clock::now();
  auto last_note = start;
  std::string applied;
  while (true) {
    if (auto store = OpenSqliteStateStoreIfExists(dir)) {
      if (auto sync = store->GetMeta("sync")) {
        try {
          applied = nlohmann::json::parse(*sync).value("applied_position", "");
        } catch (const std::exception&) {
        }
      }
    }
    try {
      if (!applied.empty() && PositionReached(applied, target)) {
        std::cerr << "caught up: the target has applied everything up to " << target << " (now at " << applied << ")\n";
        return 0;
      }
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << "\n";
      return 1;
    }
    auto now = std::chrono::steady_clock::now();
    double waited = std::chrono::duration<double>(now - start).count();
    if (waited >= args.timeout_seconds) {
      std::cerr << "error: not caught up after " << args.timeout_seconds << "s: the source was at " << target
                << ", the target has applied up to " << (applied.empty() ? "nothing yet" : applied)
                << "\nhelp: is 'sluice apply' running? 'sluice status' shows its progress\n";
      return 1;
    }
    if (now - last_note > std::chrono::seconds(5)) {
      last_note = now;
      std::cerr << "waiting: source at " << target << ", applied " << (applied.empty() ? "nothing yet" : applied) << "\n";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace

void AddApplyCommands(CLI::App& app, const GlobalOptions& global, CommandRun* run) {
  auto a = std::make_shared<ApplyArgs>();
  CLI::App* apply = app.add_subcommand(
      "apply", "Run the migration; resumes from checkpoints when re-run (exit 0 done, 1 error or stopped)");
  AddCompileOptions(apply, a->compile);
  apply->add_option("--state-dir", a->state_dir, "Where checkpoints live (default .sluice/<plan name>)");
  apply->add_option("--metrics-port", a->metrics_port,
                    "Serve Prometheus /metrics on 127.0.0.1:PORT while running (0: any free port, -1: off)");
  apply->add_flag("--skip-ddl", a->skip_ddl,
                  "Incremental: do not apply the source DDL the sync paused at (after applying it by hand)");
  apply->callback([a, &global, run] { *run = [a, &global] { return RunApply(*a, global); }; });

  auto s = std::make_shared<StatusArgs>();
  CLI::App* status = app.add_subcommand("status", "Progress of a migration from its state store (exit 0, 1 error)");
  status->add_option("plan", s->plan, "Plan file or plan.json")->required();
  status->add_option("--state-dir", s->state_dir, "State directory (default .sluice/<plan name>)");
  status->add_flag("--json", s->json, "Machine-readable output");
  status->callback([s, &global, run] { *run = [s, &global] { return RunStatus(*s, global); }; });

  auto w = std::make_shared<WaitArgs>();
  CLI::App* wait = app.add_subcommand(
      "wait", "Return once the target has applied everything the source had at the call (exit 0, 1 timeout/error)");
  wait->add_option("plan", w->plan, "Plan file or plan.json")->required();
  wait->add_option("--state-dir", w->state_dir, "State directory (default .sluice/<plan name>)");
  wait->add_flag("--caught-up", w->caught_up, "Wait until incremental sync has caught up with the source")->required();
  wait->add_option("--timeout", w->timeout_seconds, "Give up after this many seconds (default 600)");
  wait->callback([w, &global, run] { *run = [w, &global] { return RunWait(*w, global); }; });

  auto t = std::make_shared<StatusArgs>();
  CLI::App* stop = app.add_subcommand("stop", "Stop a running apply gracefully; its checkpoint is kept (exit 0, 1)");
  stop->add_option("plan", t->plan, "Plan file or plan.json")->required();
  stop->add_option("--state-dir", t->state_dir, "State directory (default .sluice/<plan name>)");
  stop->add_flag("--drop-capture", t->drop_capture,
                 "Also drop the PostgreSQL replication slot and publication once the apply has stopped "
                 "(finishing or abandoning the migration: the sync cannot resume)");
  stop->callback([t, &global, run] { *run = [t, &global] { return RunStop(*t, global); }; });
}

}  // namespace sluice::cli
