// libFuzzer target: arbitrary bytes as a plan file, through the YAML tree,
// the loader/validator and both diagnostic renderers. Any crash, hang, leak or
// sanitizer report is a bug: hostile plans must only produce diagnostics.

#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/plan_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 20)) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  sluice::LoadOptions opts;
  // A deterministic environment: variables starting with S are set.
  opts.env = [](const std::string& name) -> std::optional<std::string> {
    if (!name.empty() && name[0] == 'S') return std::string("secret-") + name;
    return std::nullopt;
  };
  opts.check_expression = [](const std::string& expr, sluice::Dialect) {
    std::vector<sluice::ExpressionProblem> out;
    if (expr.size() > 3) out.push_back({expr.size() - 1, 5, "x", "y"});  // past the end on purpose
    return out;
  };
  sluice::DiagnosticSink diags;
  auto plan = sluice::LoadPlan(std::make_shared<sluice::SourceFile>("fuzz.yaml", text), diags, opts);
  (void)plan;
  std::string rendered = sluice::RenderDiagnosticsText(diags) + sluice::RenderDiagnosticsJson(diags);
  return rendered.empty() ? 0 : 0;
}
