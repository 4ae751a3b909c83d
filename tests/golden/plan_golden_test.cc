// `sluice plan` on every example plan (offline, from the snapshots in
// plans/catalogs/) must match tests/golden/plans/<plan>.{txt,md,json} byte for
// byte, and compiling twice must give identical bytes.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "catalog/catalog_json.h"
#include "compiler/compile.h"
#include "compiler/plan_loader.h"
#include "dialects/types/type_rules.h"
#include "tests/golden/golden.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;
const std::string kRoot = SLUICE_SOURCE_DIR;

struct Outputs {
  std::string text, markdown, json, dot, mermaid;
};

Outputs CompileExample(const std::string& stem) {
  std::string rel = "plans/" + stem + ".yaml";
  DiagnosticSink diags;
  LoadOptions lo;
  lo.env = [](const std::string&) { return std::optional<std::string>(); };
  auto plan = LoadPlan(std::make_shared<SourceFile>(rel, testing::ReadFileOrEmpty(kRoot + "/" + rel)), diags, lo);
  REQUIRE_MESSAGE(plan.has_value(), RenderDiagnosticsText(diags));
  auto snapshot = CatalogFromJsonText(testing::ReadFileOrEmpty(kRoot + "/plans/catalogs/" + stem + ".source.json"));
  REQUIRE_MESSAGE(snapshot.ok(), snapshot.error);
  auto rules = TypeRuleSet::LoadEmbedded(diags);
  REQUIRE(rules.has_value());
  auto c = Compile(*plan, std::move(*snapshot.catalog), nullptr, *rules, CompileOptions{}, diags);
  REQUIRE(c != nullptr);
  CHECK_MESSAGE(diags.error_count() == 0, RenderDiagnosticsText(diags));
  return Outputs{RenderPlanText(c->json), RenderPlanMarkdown(c->json), c->json.dump(2) + "\n",
                 RenderGraphDot(c->json), RenderGraphMermaid(c->json)};
}

std::vector<std::string> ExamplesWithCatalogs() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kRoot + "/plans")) {
    if (e.path().extension() != ".yaml") continue;
    std::string stem = e.path().stem().string();
    if (fs::exists(kRoot + "/plans/catalogs/" + stem + ".source.json")) out.push_back(stem);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("every example plan has a source catalog snapshot") {
  size_t plans = 0;
  for (const auto& e : fs::directory_iterator(kRoot + "/plans")) plans += e.path().extension() == ".yaml";
  CHECK(ExamplesWithCatalogs().size() == plans);
}

TEST_CASE("sluice plan output matches the golden files") {
  for (const auto& stem : ExamplesWithCatalogs()) {
    CAPTURE(stem);
    Outputs o = CompileExample(stem);
    std::string base = kRoot + "/tests/golden/plans/" + stem;
    for (auto [suffix, text] : std::vector<std::pair<std::string, std::string>>{
             {".txt", o.text}, {".md", o.markdown}, {".json", o.json}, {".dot", o.dot}, {".mmd", o.mermaid}}) {
      std::string diff = testing::CompareGolden(base + suffix, text);
      CHECK_MESSAGE(diff.empty(), diff);
    }
  }
}

TEST_CASE("the same inputs give byte-identical outputs") {
  for (const auto& stem : ExamplesWithCatalogs()) {
    CAPTURE(stem);
    Outputs a = CompileExample(stem);
    Outputs b = CompileExample(stem);
    CHECK(a.json == b.json);
    CHECK(a.text == b.text);
    CHECK(a.markdown == b.markdown);
  }
}

TEST_CASE("plan.json never holds a secret and names where it comes from") {
  for (const auto& stem : ExamplesWithCatalogs()) {
    Outputs o = CompileExample(stem);
    bool env = o.json.find("\"password\": {\n      \"env\"") != std::string::npos;
    bool file = o.json.find("\"password\": {\n      \"file\"") != std::string::npos;
    CHECK((env || file));
  }
}

}  // namespace
}  // namespace sluice
