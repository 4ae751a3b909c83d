#pragma once
// Loading a plan file: YAML text -> validated, typed Plan.
//
// Every problem is collected before the caller stops (unknown keys with
// did-you-mean, wrong types, missing keys, step combinations that cannot
// work, malformed DSNs and globs, colliding renames, bad durations and sizes,
// unset ${env:NAME} references). Each diagnostic points at the plan file.

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/diagnostics.h"
#include "compiler/env_interpolation.h"
#include "compiler/plan.h"

namespace sluice {

// Checks a SQL expression written in the plan (a `where:` row filter) and
// reports problems as (byte offset, length, message, help). Supplied by the
// expression grammar; absent, expressions are only checked for being non-empty.
struct ExpressionProblem {
  size_t offset = 0;
  size_t length = 1;
  std::string message;
  std::string help;
};
using ExpressionChecker =
    std::function<std::vector<ExpressionProblem>(const std::string& text, Dialect dialect)>;

struct LoadOptions {
  EnvLookup env = ProcessEnv();
  // False for `sluice validate` (CI holds no secrets: an unset variable is a
  // warning); true wherever the value is needed, as in `apply`.
  bool require_env = false;
  ExpressionChecker check_expression;
  // When set, receives the dotted path of every key the loader knows
  // ("full.parallel", "objects[].columns.rename"), for the docs test.
  std::set<std::string>* known_keys = nullptr;
};

// Loads and validates a plan file. Returns nullopt when there are errors
// (they are in `diags`); warnings may be present either way.
std::optional<Plan> LoadPlanFile(const std::string& path, DiagnosticSink& diags,
                                 const LoadOptions& options = {});
std::optional<Plan> LoadPlan(std::shared_ptr<const SourceFile> file, DiagnosticSink& diags,
                             const LoadOptions& options = {});

// Largest plan file accepted.
inline constexpr size_t kMaxPlanFileBytes = 4 << 20;

}  // namespace sluice
