// The documentation cannot drift: every full plan in docs/*.md and plans/
// must load, and every key the loader knows must be documented in
// docs/plan-language.md.

#include <doctest/doctest.h>

#include <filesystem>
#include <regex>

#include "compiler/plan_loader.h"
#include "tests/golden/golden.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

const std::string kRoot = SLUICE_SOURCE_DIR;

// Every ```yaml block of a markdown file that is a whole plan.
std::vector<std::string> PlanBlocks(const std::string& markdown) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = markdown.find("```yaml\n", pos)) != std::string::npos) {
    size_t start = pos + 8;
    size_t end = markdown.find("```", start);
    if (end == std::string::npos) break;
    std::string block = markdown.substr(start, end - start);
    if (block.rfind("version:", 0) == 0) out.push_back(block);
    pos = end + 3;
  }
  return out;
}

LoadOptions AllVariablesSet() {
  LoadOptions opts;
  opts.env = [](const std::string&) { return std::optional<std::string>("value"); };
  return opts;
}

TEST_CASE("every plan example in docs/ compiles") {
  int blocks = 0;
  for (const auto& e : fs::directory_iterator(kRoot + "/docs")) {
    if (e.path().extension() != ".md") continue;
    std::string md = testing::ReadFileOrEmpty(e.path().string());
    int i = 0;
    for (const auto& block : PlanBlocks(md)) {
      ++blocks;
      std::string name = e.path().filename().string() + " block " + std::to_string(++i);
      CAPTURE(name);
      DiagnosticSink diags;
      auto plan = LoadPlan(std::make_shared<SourceFile>(name, block), diags, AllVariablesSet());
      CHECK_MESSAGE(plan.has_value(), RenderDiagnosticsText(diags));
      CHECK_MESSAGE(diags.warning_count() == 0, RenderDiagnosticsText(diags));
    }
  }
  CHECK(blocks >= 3);
}

TEST_CASE("every example plan in plans/ compiles without warnings") {
  int plans = 0;
  for (const auto& e : fs::directory_iterator(kRoot + "/plans")) {
    if (e.path().extension() != ".yaml") continue;
    ++plans;
    CAPTURE(e.path().string());
    DiagnosticSink diags;
    auto plan = LoadPlanFile(e.path().string(), diags, AllVariablesSet());
    CHECK_MESSAGE(plan.has_value(), RenderDiagnosticsText(diags));
    CHECK_MESSAGE(diags.warning_count() == 0, RenderDiagnosticsText(diags));
  }
  CHECK(plans >= 6);
}

TEST_CASE("every key the loader knows is documented") {
  std::string md = testing::ReadFileOrEmpty(kRoot + "/docs/plan-language.md");
  auto blocks = PlanBlocks(md);
  REQUIRE_FALSE(blocks.empty());
  std::set<std::string> keys;
  LoadOptions opts = AllVariablesSet();
  opts.known_keys = &keys;
  DiagnosticSink diags;
  LoadPlan(std::make_shared<SourceFile>("first", blocks[0]), diags, opts);
  CHECK(keys.size() >= 40);
  for (const auto& key : keys) {
    CAPTURE(key);
    std::string quoted = "`" + key + "`";
    CHECK_MESSAGE(md.find(quoted) != std::string::npos,
                  "docs/plan-language.md does not document " << quoted);
  }
}

}  // namespace
}  // namespace sluice
