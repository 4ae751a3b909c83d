// Every tests/golden/diagnostics/NAME.yaml is loaded as a plan; the rendered
// diagnostics must equal NAME.expected byte for byte. A first line
// "# golden: require-env" loads it as `apply` would (unset variables are
// errors). The environment is empty, so results do not depend on the machine.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "compiler/plan_loader.h"
#include "tests/golden/golden.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

std::string RenderCase(const std::string& rel_path, bool json) {
  std::string text = testing::ReadFileOrEmpty(std::string(SLUICE_SOURCE_DIR) + "/" + rel_path);
  LoadOptions opts;
  opts.env = [](const std::string&) { return std::optional<std::string>(); };
  opts.require_env = text.rfind("# golden: require-env", 0) == 0;
  DiagnosticSink diags;
  auto plan = LoadPlan(std::make_shared<SourceFile>(rel_path, text), diags, opts);
  std::string out = json ? RenderDiagnosticsJson(diags) : RenderDiagnosticsText(diags);
  out += std::string("result: ") + (plan ? "valid" : "invalid") + "\n";
  return out;
}

TEST_CASE("diagnostics match their golden files") {
  std::vector<std::string> cases;
  for (const auto& e : fs::directory_iterator(std::string(SLUICE_SOURCE_DIR) + "/tests/golden/diagnostics")) {
    if (e.path().extension() == ".yaml") cases.push_back(e.path().stem().string());
  }
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= 15);
  for (const auto& name : cases) {
    CAPTURE(name);
    std::string rel = "tests/golden/diagnostics/" + name + ".yaml";
    std::string golden = std::string(SLUICE_SOURCE_DIR) + "/tests/golden/diagnostics/" + name + ".expected";
    std::string diff = testing::CompareGolden(golden, RenderCase(rel, false));
    CHECK_MESSAGE(diff.empty(), diff);
  }
}

TEST_CASE("the JSON form carries the same diagnostics") {
  std::string rel = "tests/golden/diagnostics/misspelled_key.yaml";
  std::string golden = std::string(SLUICE_SOURCE_DIR) + "/tests/golden/misspelled_key.json.expected";
  std::string diff = testing::CompareGolden(golden, RenderCase(rel, true));
  CHECK_MESSAGE(diff.empty(), diff);
}

}  // namespace
}  // namespace sluice
