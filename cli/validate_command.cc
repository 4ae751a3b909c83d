// `sluice validate PLAN...`: parse and validate plans without connecting to
// anything. Exit 0 when every plan is valid, 1 otherwise.

#include <iostream>

#include "cli/commands.h"
#include "common/diagnostics.h"
#include "compiler/plan_loader.h"

namespace sluice::cli {

namespace {

struct ValidateArgs {
  std::vector<std::string> plans;
  std::string format = "text";
  bool strict = false;
};

int RunValidate(const ValidateArgs& args, const GlobalOptions& global) {
  DiagnosticSink diags;
  LoadOptions options;  // require_env=false: CI jobs hold no secrets
  std::vector<std::string> valid;
  for (const auto& path : args.plans) {
    DiagnosticSink one;
    auto plan = LoadPlanFile(path, one, options);
    if (args.strict) one.PromoteWarnings();
    if (plan && !one.has_errors()) valid.push_back(path);
    diags.Merge(std::move(one));
  }
  if (args.format == "json") {
    std::cout << RenderDiagnosticsJson(diags);
  } else {
    std::cerr << RenderDiagnosticsText(diags, RenderOptions{global.color});
    for (const auto& p : valid) std::cout << p << ": ok\n";
  }
  return diags.has_errors() ? 1 : 0;
}

}  // namespace

void AddValidateCommand(CLI::App& app, const GlobalOptions& global, CommandRun* run) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "validate", "Parse and validate plan files; connects to nothing (exit 0 ok, 1 errors)");
  cmd->add_option("plan", args->plans, "Plan files (YAML)")->required();
  cmd->add_option("--format", args->format, "Output: text (diagnostics on stderr) or json (stdout)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_flag("--strict", args->strict, "Treat warnings as errors");
  cmd->callback([args, &global, run] { *run = [args, &global] { return RunValidate(*args, global); }; });
}

}  // namespace sluice::cli
