#include "compiler/compile.h"

#include <algorithm>

#include "dialects/ddl_writer.h"
#include "dialects/types/type_rules.h"

namespace sluice {

CatalogFilter SourceFilter(const Plan& plan) {
  CatalogFilter f;
  f.schema = [&plan](const std::string& schema) {
    for (const auto& r : plan.objects) {
      if (GlobMatch(r.from.value.parts[0], schema)) return true;
    }
    return false;
  };
  f.table = [&plan](const std::string& schema, const std::string& table) {
    return MatchObjectRule(plan, schema, table).has_value();
  };
  return f;
}

std::unique_ptr<Compilation> Compile(const Plan& plan, Catalog source, const TargetCatalogSource& target,
                                     const TypeRuleSet& rules, const CompileOptions& options,
                                     DiagnosticSink& diags) {
  size_t errors_before = diags.error_count();
  auto c = std::make_unique<Compilation>();
  c->source = std::move(source);
  c->resolved = Resolve(plan, c->source, diags);
  if (diags.error_count() > errors_before) return nullptr;

  std::vector<std::string> target_schemas;
  for (const auto& t : c->resolved.tables) target_schemas.push_back(t.target_schema);
  for (const auto& v : c->resolved.views) target_schemas.push_back(v.target_schema);
  std::sort(target_schemas.begin(), target_schemas.end());
  target_schemas.erase(std::unique(target_schemas.begin(), target_schemas.end()), target_schemas.end());
  if (target) c->target = target(target_schemas);

  TranslateSettings settings;
  settings.source = plan.source.dialect.value;
  settings.target = plan.target.dialect.value;
  settings.source_version = !plan.source.version.value.empty() ? plan.source.version.value : c->source.server_version;
  settings.target_version = !plan.target.version.value.empty() ? plan.target.version.value
                            : c->target                       ? c->target->server_version
                                                              : "";
  settings.strict = options.strict;
  c->schema = Translate(plan, c->source, c->resolved, rules, settings, diags);
  auto writer = MakeDdlWriter(settings.target);
  c->diff = Diff(c->schema, c->target ? &*c->target : nullptr, *writer);
  c->graph = Lower(plan, c->schema, c->diff);

  CompiledPlan cp;
  cp.plan = &plan;
  cp.source_catalog = &c->source;
  cp.target_catalog = c->target ? &*c->target : nullptr;
  cp.resolved = &c->resolved;
  cp.target = &c->schema;
  cp.diff = &c->diff;
  cp.graph = &c->graph;
  cp.strict = options.strict;
  c->json = PlanToJson(cp);
  return c;
}

}  // namespace sluice
