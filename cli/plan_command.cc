// `sluice plan` (the dry run) and `sluice graph` (the task DAG as a picture
// source). Both compile the plan against the source catalog (a snapshot or
// the live server) and the target catalog (a snapshot, the live server, or
// none when planning offline).

#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/compile_support.h"

namespace sluice::cli {

namespace {
struct PlanArgs {
  CompileArgs compile;
  std::string format = "text";
  std::string out;
  bool detailed_exitcode = false;
};

int RunPlan(const PlanArgs& args, const GlobalOptions& global) {
  DiagnosticSink diags;
  Compiled c = CompileFromArgs(args.compile, diags);
  std::cerr << RenderDiagnosticsText(diags, RenderOptions{global.color});
  if (!c.compilation) return 1;
  const auto& json = c.compilation->json;
  if (args.format == "json") std::cout << json.dump(2) << "\n";
  else if (args.format == "markdown") std::cout << RenderPlanMarkdown(json);
  else std::cout << RenderPlanText(json, RenderStyle{global.color_stdout});
  if (!args.out.empty()) {
    std::ofstream out(args.out, std::ios::binary | std::ios::trunc);
    out << json.dump(2) << "\n";
    if (!out) {
      std::cerr << "error: cannot write '" << args.out << "'\n";
      return 1;
    }
  }
  if (diags.has_errors()) return 1;
  if (args.detailed_exitcode) return c.compilation->diff.HasChanges() ? 2 : 0;
  return 0;
}

struct GraphArgs {
  CompileArgs compile;
  std::string format = "dot";
};

int RunGraph(const GraphArgs& args, const GlobalOptions& global) {
  DiagnosticSink diags;
  Compiled c = CompileFromArgs(args.compile, diags);
  std::cerr << RenderDiagnosticsText(diags, RenderOptions{global.color});
  if (!c.compilation || diags.has_errors()) return 1;
  std::cout << (args.format == "mermaid" ? RenderGraphMermaid(c.compilation->json)
                                         : RenderGraphDot(c.compilation->json));
  return 0;
}

}  // namespace

void AddPlanCommand(CLI::App& app, const GlobalOptions& global, CommandRun* run) {
  auto args = std::make_shared<PlanArgs>();
  CLI::App* cmd = app.add_subcommand(
      "plan", "Dry run: what apply would do to the target (exit 0 ok, 1 error; with --detailed-exitcode "
              "0 no changes, 2 changes)");
  AddCompileOptions(cmd, args->compile);
  cmd->add_option("--format", args->format, "text, markdown (PR comments) or json (plan.json)")
      ->check(CLI::IsMember({"text", "markdown", "json"}));
  cmd->add_option("--out", args->out, "Also save plan.json here (what 'apply' runs)");
  cmd->add_flag("--detailed-exitcode", args->detailed_exitcode, "Exit 2 when there are changes, 0 when none");
  cmd->callback([args, &global, run] { *run = [args, &global] { return RunPlan(*args, global); }; });
}

void AddGraphCommand(CLI::App& app, const GlobalOptions& global, CommandRun* run) {
  auto args = std::make_shared<GraphArgs>();
  CLI::App* cmd = app.add_subcommand("graph", "The task graph as Graphviz dot or Mermaid (exit 0 ok, 1 error)");
  AddCompileOptions(cmd, args->compile);
  cmd->add_option("--format", args->format, "dot or mermaid")->check(CLI::IsMember({"dot", "mermaid"}));
  cmd->callback([args, &global, run] { *run = [args, &global] { return RunGraph(*args, global); }; });
}

}  // namespace sluice::cli
