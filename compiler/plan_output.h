#pragma once
// plan.json and its human forms.
//
// The compiled plan is first written as versioned JSON (what `--format json`
// prints and `--out` saves, and what `apply` runs); the text and markdown
// forms are rendered from that JSON, never from the compiler's structures,
// so humans and machines always see the same plan. No timestamps, sorted
// where order is not meaningful: the same inputs give the same bytes.

#include <nlohmann/json.hpp>
#include <string>

#include "catalog/catalog.h"
#include "compiler/diff.h"
#include "compiler/plan.h"
#include "compiler/resolve.h"
#include "compiler/task_graph.h"
#include "compiler/translate.h"

namespace sluice {

inline constexpr int kPlanJsonVersion = 1;

struct CompiledPlan {
  const Plan* plan = nullptr;
  const Catalog* source_catalog = nullptr;  // as read (live or snapshot)
  const Catalog* target_catalog = nullptr;  // null when the target was not inspected
  const ResolvedPlan* resolved = nullptr;
  const TargetSchema* target = nullptr;
  const SchemaDiff* diff = nullptr;
  const TaskGraph* graph = nullptr;
  bool strict = false;
};

// The part of the source catalog the plan reads (selected tables and views,
// and the types they use), for the stale-plan check.
Catalog SelectedSourceCatalog(const Catalog& source, const ResolvedPlan& resolved);
// The tables and views named (schema, name), with the enum and domain types
// of their schemas.
Catalog CatalogSubset(const Catalog& source, const std::vector<std::pair<std::string, std::string>>& objects);
// The fingerprint `apply` compares to refuse a stale plan: the schema only,
// without statistics or the server's version.
std::string SourceSchemaFingerprint(Catalog catalog);
// What differs between the planned source schema and the current one, one
// line per difference ("table shop.orders: column note: type text -> varchar(10)").
std::vector<std::string> DescribeSchemaChanges(const Catalog& planned, const Catalog& current);

nlohmann::ordered_json PlanToJson(const CompiledPlan& plan);

struct RenderStyle {
  bool color = false;
};
std::string RenderPlanText(const nlohmann::ordered_json& plan, const RenderStyle& style = {});
std::string RenderPlanMarkdown(const nlohmann::ordered_json& plan);

// The task graph as Graphviz dot or a Mermaid flowchart.
std::string RenderGraphDot(const nlohmann::ordered_json& plan);
std::string RenderGraphMermaid(const nlohmann::ordered_json& plan);

}  // namespace sluice
