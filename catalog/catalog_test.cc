#include "catalog/catalog.h"

#include <doctest/doctest.h>

namespace sluice {
namespace {

View MakeView(const std::string& name, std::vector<std::string> deps) {
  View v;
  v.name = name;
  v.definition = "select 1";
  v.depends_on = std::move(deps);
  return v;
}

std::vector<std::string> Names(const std::vector<QualifiedName>& names) {
  std::vector<std::string> out;
  for (const auto& n : names) out.push_back(n.ToString());
  return out;
}

TEST_CASE("views are ordered after the views they use, ties by name") {
  Catalog c;
  Schema a;
  a.name = "a";
  a.tables.push_back(Table{.name = "t"});
  a.views.push_back(MakeView("v3", {"a.v2", "b.w1"}));
  a.views.push_back(MakeView("v1", {"a.t"}));
  a.views.push_back(MakeView("v2", {"a.v1"}));
  a.views.push_back(MakeView("v0", {}));
  Schema b;
  b.name = "b";
  b.views.push_back(MakeView("w1", {"a.v1", "elsewhere.x"}));
  c.schemas = {a, b};
  ViewOrder order = SortViewsByDependency(c);
  CHECK(Names(order.order) == std::vector<std::string>{"a.v0", "a.v1", "a.v2", "b.w1", "a.v3"});
  CHECK(order.cycles.empty());
}

TEST_CASE("view cycles are reported and the views still listed") {
  Catalog c;
  Schema s;
  s.name = "s";
  s.views.push_back(MakeView("x", {"s.y"}));
  s.views.push_back(MakeView("y", {"s.x"}));
  s.views.push_back(MakeView("z", {"s.x"}));       // behind the cycle, not in it
  s.views.push_back(MakeView("self", {"s.self"}));
  s.views.push_back(MakeView("free", {}));
  c.schemas = {s};
  ViewOrder order = SortViewsByDependency(c);
  CHECK(Names(order.order) == std::vector<std::string>{"s.free", "s.self", "s.x", "s.y", "s.z"});
  REQUIRE(order.cycles.size() == 2);
  CHECK(Names(order.cycles[0]) == std::vector<std::string>{"s.self"});
  CHECK(Names(order.cycles[1]) == std::vector<std::string>{"s.x", "s.y"});
}

TEST_CASE("NormalizeCatalog sorts named objects but keeps column order by ordinal") {
  Catalog c;
  Schema s;
  s.name = "s";
  Table t;
  t.name = "b";
  t.columns.push_back(Column{.name = "z", .ordinal = 2});
  t.columns.push_back(Column{.name = "a", .ordinal = 1});
  t.indexes.push_back(Index{.name = "k2"});
  t.indexes.push_back(Index{.name = "k1"});
  s.tables.push_back(t);
  s.tables.push_back(Table{.name = "a"});
  s.routines.push_back(Routine{.name = "f", .arguments = "integer"});
  s.routines.push_back(Routine{.name = "f", .arguments = "text"});
  s.routines.push_back(Routine{.name = "e", .arguments = "text"});
  s.views.push_back(MakeView("v", {"s.b", "s.a", "s.b"}));
  c.schemas.push_back(s);
  c.schemas.push_back(Schema{.name = "r"});
  NormalizeCatalog(c);
  CHECK(c.schemas[0].name == "r");
  const Schema& n = c.schemas[1];
  CHECK(n.tables[0].name == "a");
  CHECK(n.tables[1].columns[0].name == "a");
  CHECK(n.tables[1].columns[1].name == "z");
  CHECK(n.tables[1].indexes[0].name == "k1");
  CHECK(n.routines[0].name == "e");
  CHECK(n.routines[1].arguments == "integer");
  CHECK(n.routines[2].arguments == "text");
  CHECK(n.views[0].depends_on == std::vector<std::string>{"s.a", "s.b"});
  REQUIRE(c.FindSchema("s") != nullptr);
  CHECK(c.FindSchema("s")->FindTable("b")->FindColumn("z")->ordinal == 2);
  CHECK(c.FindSchema("s")->FindTable("b")->FindIndex("k9") == nullptr);
  CHECK(c.FindSchema("nope") == nullptr);
}

TEST_CASE("CatalogFilter accepts everything unless told otherwise") {
  CatalogFilter all;
  CHECK(all.AcceptSchema("x"));
  CHECK(all.AcceptTable("x", "y"));
  CatalogFilter some;
  some.schema = [](const std::string& s) { return s == "shop"; };
  some.table = [](const std::string&, const std::string& t) { return t != "tmp"; };
  CHECK(some.AcceptSchema("shop"));
  CHECK_FALSE(some.AcceptSchema("other"));
  CHECK_FALSE(some.AcceptTable("shop", "tmp"));
}

}  // namespace
}  // namespace sluice
