// Loading and compiling a plan for the CLI commands that need the compiler.

#include "cli/compile_support.h"

#include <CLI/CLI.hpp>
#include <algorithm>

#include "dialects/types/type_rules.h"
#include "grammar/expr_parser.h"

namespace sluice::cli {

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

}  // namespace sluice::cli
