#include "compiler/yaml_tree.h"

#include <doctest/doctest.h>

namespace sluice {
namespace {

YamlNodePtr Parse(const std::string& text, DiagnosticSink& diags, YamlLimits limits = {}) {
  return ParseYaml(std::make_shared<SourceFile>("t.yaml", text), diags, limits);
}

TEST_CASE("scalars keep their location and whether they were quoted") {
  DiagnosticSink diags;
  auto root = Parse("a: 1\nb: \"1\"\nc:\n  - x\n", diags);
  REQUIRE(root);
  REQUIRE(root->IsMap());
  REQUIRE(root->entries.size() == 3);
  const auto& [ka, va] = root->entries[0];
  CHECK(ka->value == "a");
  CHECK(va->value == "1");
  CHECK_FALSE(va->quoted);
  CHECK(va->loc.line == 1);
  CHECK(va->loc.col == 4);
  const auto& vb = root->entries[1].second;
  CHECK(vb->quoted);
  CHECK(vb->loc.line == 2);
  CHECK(vb->loc.length == 3);
  const auto& vc = root->entries[2].second;
  REQUIRE(vc->IsSequence());
  CHECK(vc->items[0]->loc.line == 4);
  CHECK(vc->items[0]->loc.col == 5);
  CHECK(diags.error_count() == 0);
}

TEST_CASE("null values are nodes of kind null") {
  DiagnosticSink diags;
  auto root = Parse("a:\nb: ~\nc: 'null'\n", diags);
  REQUIRE(root);
  CHECK(root->entries[0].second->IsNull());
  CHECK(root->entries[1].second->IsNull());
  CHECK(root->entries[2].second->IsScalar());
}

TEST_CASE("duplicate keys are errors that point at both places") {
  DiagnosticSink diags;
  auto root = Parse("a: 1\nb: 2\na: 3\n", diags);
  REQUIRE(diags.error_count() == 1);
  const Diagnostic& d = diags.diagnostics()[0];
  CHECK(d.message == "duplicate key 'a'");
  CHECK(d.loc.line == 3);
  REQUIRE(d.notes.size() == 1);
  CHECK(d.notes[0].loc.line == 1);
}

TEST_CASE("syntax errors carry yaml-cpp's location and a hint") {
  DiagnosticSink diags;
  auto root = Parse("a: [1, 2\nb: 3\n", diags);
  CHECK_FALSE(root);
  REQUIRE(diags.error_count() == 1);
  CHECK(diags.diagnostics()[0].message.find("invalid YAML") == 0);
  CHECK_FALSE(diags.diagnostics()[0].help.empty());
}

TEST_CASE("empty files and multiple documents are refused") {
  DiagnosticSink a;
  CHECK_FALSE(Parse("", a));
  CHECK(a.diagnostics()[0].message == "the plan file is empty");
  DiagnosticSink b;
  CHECK_FALSE(Parse("# only a comment\n", b));
  CHECK(b.error_count() == 1);
  DiagnosticSink c;
  CHECK_FALSE(Parse("a: 1\n---\nb: 2\n", c));
  CHECK(c.diagnostics()[0].message == "the plan file holds more than one YAML document");
}

TEST_CASE("invalid UTF-8 is reported at the first bad byte") {
  DiagnosticSink diags;
  CHECK_FALSE(Parse("a: 1\nb: x\xff\n", diags));
  REQUIRE(diags.error_count() == 1);
  CHECK(diags.diagnostics()[0].loc.line == 2);
  CHECK(diags.diagnostics()[0].loc.col == 5);
}

TEST_CASE("an alias bomb is refused before it grows") {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (int i = 0; i < 9; ++i) {
    std::string name = "l" + std::to_string(i);
    text += name + ": &" + name + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", *" : "*") + prev;
    text += "]\n";
    prev = name;
  }
  DiagnosticSink diags;
  CHECK_FALSE(Parse(text, diags));
  REQUIRE(diags.error_count() == 1);
  CHECK(diags.diagnostics()[0].message.find("YAML aliases expand to more than") == 0);
}

TEST_CASE("aliases share the anchored node") {
  DiagnosticSink diags;
  auto root = Parse("a: &x {k: v}\nb: *x\n", diags);
  REQUIRE(root);
  CHECK(root->entries[0].second.get() == root->entries[1].second.get());
}

TEST_CASE("deep nesting stops at the depth limit") {
  std::string text(500, '[');
  text += std::string(500, ']');
  DiagnosticSink diags;
  CHECK_FALSE(Parse(text, diags));
  REQUIRE(diags.error_count() == 1);
  CHECK(diags.diagnostics()[0].message == "YAML nesting deeper than 64 levels");
}

TEST_CASE("non-scalar keys are refused") {
  DiagnosticSink diags;
  CHECK_FALSE(Parse("? [a, b]\n: 1\n", diags));
  CHECK(diags.diagnostics()[0].message == "mapping key is a list");
}

}  // namespace
}  // namespace sluice
