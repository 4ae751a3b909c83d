#include "compiler/name_glob.h"

#include <doctest/doctest.h>

namespace sluice {
namespace {

TEST_CASE("globs match whole parts") {
  auto g = ParseNameGlob("public.*", 2);
  REQUIRE(g.ok);
  CHECK_FALSE(g.glob.literal);
  CHECK(g.glob.Matches({"public", "orders"}));
  CHECK_FALSE(g.glob.Matches({"public2", "orders"}));
  CHECK_FALSE(g.glob.Matches({"public"}));
  auto h = ParseNameGlob("s?op.ord[a-e]rs_[!0-9]*", 2);
  REQUIRE(h.ok);
  CHECK(h.glob.Matches({"shop", "orders_x1"}));
  CHECK_FALSE(h.glob.Matches({"shop", "orders_1x"}));
  CHECK_FALSE(h.glob.Matches({"shop", "ordzrs_x"}));
}

TEST_CASE("quoted and escaped parts are literal") {
  auto g = ParseNameGlob("\"my.schema\".\"a*b\"", 2);
  REQUIRE(g.ok);
  CHECK(g.glob.literal);
  CHECK(g.glob.Matches({"my.schema", "a*b"}));
  CHECK_FALSE(g.glob.Matches({"my.schema", "axxb"}));
  CHECK(g.glob.LiteralPart(0) == "my.schema");
  CHECK(g.glob.LiteralPart(1) == "a*b");
  auto e = ParseNameGlob("s.a\\*b", 2);
  REQUIRE(e.ok);
  CHECK(e.glob.Matches({"s", "a*b"}));
  auto q = ParseNameGlob("s.\"say \"\"hi\"\"\"", 2);
  REQUIRE(q.ok);
  CHECK(q.glob.LiteralPart(1) == "say \"hi\"");
}

TEST_CASE("malformed globs say what is wrong and where") {
  auto a = ParseNameGlob("public.[abc", 2);
  CHECK_FALSE(a.ok);
  CHECK(a.error == "unclosed '[' in a name pattern");
  CHECK(a.offset == 7);
  auto b = ParseNameGlob("orders", 2);
  CHECK_FALSE(b.ok);
  CHECK(b.error == "expected a schema.table pattern, found 1 part");
  auto c = ParseNameGlob("a.b.c", 2);
  CHECK_FALSE(c.ok);
  CHECK(c.help.find("quote") != std::string::npos);
  auto d = ParseNameGlob("a.", 2);
  CHECK_FALSE(d.ok);
  CHECK(d.error == "empty name in a schema.table pattern");
  CHECK(d.offset == 2);
  CHECK_FALSE(ParseNameGlob("a.b\\", 2).ok);
  CHECK_FALSE(ParseNameGlob("a.\"b", 2).ok);
  CHECK_FALSE(ParseNameGlob("a.b]", 2).ok);
  CHECK_FALSE(ParseNameGlob("a.[]", 2).ok);
  CHECK(ParseNameGlob("s.t.c", 3).ok);
}

TEST_CASE("glob matching never backtracks exponentially") {
  std::string name(2000, 'a');
  CHECK_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*a*a*b", name));
}

TEST_CASE("templates expand placeholders") {
  auto t = ParseNameTemplate("shop.{table}_v2");
  REQUIRE(t.ok);
  CHECK(t.tmpl.uses_table);
  CHECK_FALSE(t.tmpl.uses_schema);
  CHECK(t.tmpl.Expand("public", "orders") == std::vector<std::string>{"shop", "orders_v2"});
  auto b = ParseNameTemplate("{{x}}.{schema}");
  REQUIRE(b.ok);
  CHECK(b.tmpl.Expand("s", "t") == std::vector<std::string>{"{x}", "s"});
}

TEST_CASE("malformed templates") {
  auto a = ParseNameTemplate("shop.{tabel}");
  CHECK_FALSE(a.ok);
  CHECK(a.error == "unknown placeholder '{tabel}' in a name template");
  CHECK(a.help == "did you mean 'table'?");
  CHECK(a.offset == 5);
  CHECK_FALSE(ParseNameTemplate("shop.*").ok);
  CHECK_FALSE(ParseNameTemplate("shop").ok);
  CHECK_FALSE(ParseNameTemplate("shop.{table").ok);
  CHECK_FALSE(ParseNameTemplate("a.b}").ok);
}

}  // namespace
}  // namespace sluice
