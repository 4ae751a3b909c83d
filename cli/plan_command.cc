// `sluice plan` (the dry run) and `sluice graph` (the task DAG as a picture
// source). Both compile the plan against the source catalog (a snapshot or
// the live server) and the target catalog (a snapshot, the live server, or
// none when planning offline).

#include <fstream>
#include <iostream>

#include "cli/catalog_access.h"
#include "cli/commands.h"
#include "compiler/compile.h"
#include "compiler/plan_loader.h"
#include "dialects/types/type_rules.h"
#include "grammar/expr_parser.h"

namespace sluice::cli {

namespace {

struct CompileArgs {
  std::string plan;
  std::string source_catalog;
  std::string target_catalog;
  bool strict = false;
};

// The plan's `where:` filters checked by the expression grammar.
std::vector<ExpressionProblem> CheckWhere(const std::string& text, Dialect dialect) {
  std::vector<ExpressionProblem> out;
  auto r = ParseExpression(text, dialect);
  for (const auto& e : r.errors) {
    out.push_back({e.offset, e.length == 0 ? 1 : e.length, "invalid row filter: " + e.message, e.hint});
  }
  return out;
}

LiveEndpoint Live(const Endpoint& e, const std::string& role) {
  SecretSource s;
  if (e.password.kind == SecretRef::Kind::kEnv) s.env = e.password.name;
  if (e.password.kind == SecretRef::Kind::kFile) s.file = e.password.name;
  Dsn dsn = e.dsn.value;
  // A MySQL-family target database may not exist yet (schema creates it);
  // connect to the server and read the wanted schemas by name.
  if (role == "target" && IsMySQLFamily(e.dialect.value)) dsn.database.clear();
  return LiveEndpoint{role, e.dialect.value, dsn, s};
}

struct Compiled {
  std::optional<Plan> plan;
  std::unique_ptr<Compilation> compilation;
};

Compiled CompileFromArgs(const CompileArgs& args, DiagnosticSink& diags) {
  Compiled out;
  LoadOptions lo;
  lo.check_expression = CheckWhere;
  out.plan = LoadPlanFile(args.plan, diags, lo);
  if (!out.plan) return out;
  const Plan& plan = *out.plan;
  std::optional<Catalog> source = args.source_catalog.empty()
                                      ? ReadLiveCatalog(Live(plan.source, "source"), SourceFilter(plan), diags)
                                      : LoadCatalogSnapshot(args.source_catalog, diags);
  if (!source) return out;
  if (source->dialect != plan.source.dialect.value &&
      !(IsMySQLFamily(source->dialect) && IsMySQLFamily(plan.source.dialect.value))) {
    diags.Error(plan.source.dialect.loc,
                std::string("the source catalog is from a ") + DialectName(source->dialect) +
                    " server but the plan says " + DialectName(plan.source.dialect.value));
    return out;
  }
  bool offline_source = !args.source_catalog.empty();
  bool target_failed = false;
  TargetCatalogSource target = [&](const std::vector<std::string>& schemas) -> std::optional<Catalog> {
    std::optional<Catalog> c;
    if (!args.target_catalog.empty()) {
      c = LoadCatalogSnapshot(args.target_catalog, diags);
    } else if (offline_source) {
      return std::nullopt;  // offline: the target is not inspected
    } else {
      CatalogFilter f;
      f.schema = [schemas](const std::string& s) {
        return std::find(schemas.begin(), schemas.end(), s) != schemas.end();
      };
      c = ReadLiveCatalog(Live(plan.target, "target"), f, diags);
    }
    target_failed = !c.has_value();
    return c;
  };
  auto rules = TypeRuleSet::LoadEmbedded(diags);
  if (!rules) return out;
  CompileOptions co;
  co.strict = args.strict;
  out.compilation = Compile(plan, std::move(*source), target, *rules, co, diags);
  if (target_failed) out.compilation.reset();  // a plan against an unknown target would mislead
  return out;
}

void AddCompileOptions(CLI::App* cmd, CompileArgs& a) {
  cmd->add_option("plan", a.plan, "Plan file (YAML)")->required();
  cmd->add_option("--source-catalog", a.source_catalog,
                  "Source catalog snapshot (from 'sluice inspect') instead of reading the source");
  cmd->add_option("--target-catalog", a.target_catalog,
                  "Target catalog snapshot; with --source-catalog and without this, the target is taken as empty");
  cmd->add_flag("--strict", a.strict, "Treat lossy translations as errors");
}

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
