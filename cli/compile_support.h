#pragma once
// What `plan`, `graph` and `apply` share: loading a plan file and compiling it
// against the source catalog (snapshot or live) and the target catalog.

#include <memory>
#include <optional>
#include <string>

#include "cli/catalog_access.h"
#include "common/diagnostics.h"
#include "compiler/compile.h"
#include "compiler/plan.h"
#include "compiler/plan_loader.h"

namespace CLI {
class App;
}

namespace sluice::cli {

struct CompileArgs {
  std::string plan;
  std::string source_catalog;
  std::string target_catalog;
  bool strict = false;
};

// Adds PLAN, --source-catalog, --target-catalog and --strict.
void AddCompileOptions(CLI::App* cmd, CompileArgs& args);

// The plan's `where:` filters checked by the expression grammar.
std::vector<ExpressionProblem> CheckWhere(const std::string& text, Dialect dialect);

// The live endpoint of a plan's source or target ("source" / "target").
LiveEndpoint Live(const Endpoint& e, const std::string& role);

struct Compiled {
  std::optional<Plan> plan;
  std::unique_ptr<Compilation> compilation;  // null when the plan cannot be compiled
};

Compiled CompileFromArgs(const CompileArgs& args, DiagnosticSink& diags);

}  // namespace sluice::cli
