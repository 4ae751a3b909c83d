#pragma once
// The compiler's middle and back end in one call: resolve, translate, diff,
// lower, emit. Input: a loaded Plan and the source catalog; the target
// catalog is asked for once the target schemas are known (so a live reader
// only reads those). No I/O happens here: catalogs come from the caller,
// live or from snapshots.

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/diagnostics.h"
#include "compiler/diff.h"
#include "compiler/plan.h"
#include "compiler/plan_output.h"
#include "compiler/resolve.h"
#include "compiler/task_graph.h"
#include "compiler/translate.h"

namespace sluice {

class TypeRuleSet;

struct Compilation {
  Catalog source;
  std::optional<Catalog> target;  // absent: the target was not inspected
  ResolvedPlan resolved;
  TargetSchema schema;
  SchemaDiff diff;
  TaskGraph graph;
  nlohmann::ordered_json json;    // plan.json
};

// Returns the target catalog restricted to the given schemas, or nullopt
// when the target is not inspected (offline planning without a snapshot).
using TargetCatalogSource = std::function<std::optional<Catalog>(const std::vector<std::string>& schemas)>;

struct CompileOptions {
  bool strict = false;  // lossy translations are errors
};

// Returns null when the plan does not fit the source (errors in `diags`);
// translation errors are in `diags` too, but the compilation is returned so
// the plan can still be shown with them.
std::unique_ptr<Compilation> Compile(const Plan& plan, Catalog source, const TargetCatalogSource& target,
                                     const TypeRuleSet& rules, const CompileOptions& options,
                                     DiagnosticSink& diags);

// The catalog filter that reads only what the plan's object rules can match.
CatalogFilter SourceFilter(const Plan& plan);

}  // namespace sluice
