// `sluice verify PLAN`: compare source and target, report, correct.
//
// PLAN is a plan file (compiled now, against the live servers) or a saved
// plan.json. The plan's verify settings apply; --fix-sql / --apply-fix
// override them. Exit 0 equal (or everything corrected), 2 differences,
// 1 error.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/commands.h"
#include "cli/compile_support.h"
#include "runtime/apply.h"
#include "runtime/run_plan.h"
#include "runtime/verify.h"

namespace sluice::cli {

namespace {

struct VerifyArgs {
  CompileArgs compile;
  std::string state_dir;
  std::vector<std::string> tables;
  std::string fix_sql;
  bool apply_fix = false;
  bool no_fix = false;
  bool json = false;
  double float_tolerance = -1;
  int recheck = 0;
  std::string recheck_delay;
  int64_t chunk_rows = 0;
  int parallel = 0;
  bool no_in_database = false;
};

bool IsJsonFile(const std::string& path) { return path.size() > 5 && path.compare(path.size() - 5, 5, ".json") == 0; }

std::optional<std::chrono::milliseconds> ParseDelay(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0) return std::nullopt;
  long long n = std::stoll(text.substr(0, i));
  std::string unit = text.substr(i);
  if (unit == "ms") return std::chrono::milliseconds(n);
  if (unit == "s") return std::chrono::milliseconds(n * 1000);
  if (unit == "m") return std::chrono::milliseconds(n * 60000);
  return std::nullopt;
}

int RunVerify(const VerifyArgs& args, const GlobalOptions& global) {
  DiagnosticSink diags;
  auto fail = [&](const std::string& message) {
    diags.Error(SourceLoc{}, message);
    std::cerr << RenderDiagnosticsText(diags, RenderOptions{global.color});
    return 1;
  };
  nlohmann::ordered_json json;
  if (IsJsonFile(args.compile.plan)) {
    std::ifstream in(args.compile.plan, std::ios::binary);
    if (!in) return fail("cannot open '" + args.compile.plan + "'");
    std::stringstream ss;
    ss << in.rdbuf();
    try {
      json = nlohmann::ordered_json::parse(ss.str());
    } catch (const std::exception& e) {
      return fail("'" + args.compile.plan + "' is not valid JSON: " + e.what());
    }
  } else {
    Compiled c = CompileFromArgs(args.compile, diags);
    if (!c.compilation || diags.has_errors()) {
      std::cerr << RenderDiagnosticsText(diags, RenderOptions{global.color});
      return 1;
    }
    json = std::move(c.compilation->json);
  }
  std::string error;
  auto plan = ParseRunPlan(json, &error);
  if (!plan) return fail("cannot run this plan: " + error);

  VerifyRunOptions options;
  std::string dir = args.state_dir.empty() ? DefaultStateDir(plan->name) : args.state_dir;
  if (!ApplyVerifySettings(plan->settings, dir, &options, &error)) return fail(error);
  if (!args.fix_sql.empty()) {
    options.fix_sql = args.fix_sql;
    if (options.fix == FixMode::kNone) options.fix = FixMode::kSqlFile;
  }
  if (args.apply_fix) options.fix = FixMode::kApply;
  if (args.no_fix) options.fix = FixMode::kNone;
  if (options.fix != FixMode::kNone && options.fix_sql == dir + "/fix.sql") {
    // The default file lives in the state directory, which may not exist yet.
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
  }
  if (args.float_tolerance >= 0) options.tolerance.float32 = options.tolerance.float64 = args.float_tolerance;
  if (args.chunk_rows > 0) options.chunk_rows = args.chunk_rows;
  if (args.parallel > 0) options.parallel = args.parallel;
  if (args.no_in_database) options.in_database = false;
  options.tables = args.tables;
  options.recheck.rounds = args.recheck;
  if (!args.recheck_delay.empty()) {
    auto d = ParseDelay(args.recheck_delay);
    if (!d) return fail("--recheck-delay '" + args.recheck_delay + "': expected a duration such as 500ms or 5s");
    options.recheck.delay = *d;
    if (options.recheck.rounds == 0) options.recheck.rounds = 1;
  }
  if (!args.tables.empty()) {
    bool any = false;
    for (const auto& t : plan->tables) any = any || VerifySelects(options, t);
    if (!any) return fail("--tables matches no table of the plan");
  }

  std::unique_ptr<Endpoints> endpoints;
  try {
    endpoints = std::make_unique<Endpoints>(*plan);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  VerifyReport report = VerifyPlan(*plan, *endpoints, options);
  if (args.json) std::cout << VerifyReportJson(report).dump(2) << "\n";
  else std::cout << RenderVerifyText(report);
  return VerifyExitCode(report);
}

}  // namespace

void AddVerifyCommand(CLI::App& app, const GlobalOptions& global, CommandRun* run) {
  auto a = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "Compare source and target row by row; report and correct (exit 0 equal, 2 differences, 1 error)");
  AddCompileOptions(cmd, a->compile);
  cmd->add_option("--state-dir", a->state_dir, "State directory (default .sluice/<plan name>; holds fix.sql)");
  cmd->add_option("--tables", a->tables, "Only tables whose target or source name matches these globs")->delimiter(',');
  cmd->add_option("--fix-sql", a->fix_sql, "Write the correction SQL (target dialect) to this file");
  cmd->add_flag("--apply-fix", a->apply_fix, "Apply the correction SQL in batches and re-verify those rows");
  cmd->add_flag("--no-fix", a->no_fix, "Report only, whatever the plan's verify.fix says");
  cmd->add_flag("--json", a->json, "Machine-readable report on stdout");
  cmd->add_option("--float-tolerance", a->float_tolerance,
                  "Relative tolerance of float comparisons (default 1e-14 double, 1e-6 float; 0 = bit-exact)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--recheck", a->recheck, "Re-read differing rows this many times before reporting them")
      ->check(CLI::Range(0, 100));
  cmd->add_option("--recheck-delay", a->recheck_delay, "Wait this long before each re-read (e.g. 2s)");
  cmd->add_option("--chunk-rows", a->chunk_rows, "Rows per compared chunk (default verify.chunk_rows)")
      ->check(CLI::Range(int64_t{1}, int64_t{10000000}));
  cmd->add_option("--parallel", a->parallel, "Chunks compared at once (default verify.parallel)")->check(CLI::Range(1, 64));
  cmd->add_flag("--no-in-database", a->no_in_database,
                "Stream every row to Sluice; do not compare chunk digests computed in the databases");
  cmd->callback([a, &global, run] { *run = [a, &global] { return RunVerify(*a, global); }; });
}

}  // namespace sluice::cli
