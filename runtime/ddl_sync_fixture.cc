#include "runtime/ddl_sync_fixture.h"

#include <cstdlib>

#include "catalog/catalog.h"
#include "catalog/catalog_json.h"
#include "common/diagnostics.h"

namespace sluice {

namespace {

RunColumn Col(std::string name, std::string source_type, std::string neutral, std::string target_type) {
  return RunColumn{name, std::move(source_type), std::move(neutral), name, std::move(target_type), false};
}

nlohmann::ordered_json SourceCatalogJson() {
  Catalog cat;
  cat.dialect = Dialect::kMySQL;
  Schema s;
  s.name = "shop";
  Table t;
  t.name = "orders";
  t.charset = "utf8mb4";
  t.collation = "utf8mb4_bin";
  Column id;
  id.name = "id";
  id.type_raw = "int";
  t.columns.push_back(id);
  s.tables.push_back(t);
  cat.schemas.push_back(s);
  return CatalogToJson(cat);
}

}  // namespace

RunPlan DdlSyncFixturePlan(Dialect target, DdlSyncFixtureOptions options) {
  bool pg = target == Dialect::kPostgreSQL;
  RunPlan p;
  p.source.dialect = Dialect::kMySQL;
  p.target.dialect = target;

  RunTable t;
  t.source_schema = t.target_schema = "shop";
  t.source_table = t.target_table = "orders";
  t.key = {"id"};
  t.unique_keys = {{"code"}};
  t.columns = {
      Col("id", "int", "int32", pg ? "integer" : "int"),
      Col("code", "varchar(10)", "varchar(10)", pg ? "character varying(10)" : "varchar(10)"),
      Col("created", "datetime", "timestamp(0)", pg ? "timestamp(0)" : "datetime"),
      Col("status", "enum('new','paid')", "enum('new','paid')", pg ? "text" : "enum('new','paid')"),
      Col("note", "varchar(20)", "varchar(20)", pg ? "character varying(20)" : "varchar(20)"),
      Col("total", "decimal(10,2)", "", "decimal(18,4)"),  // a `types:` override
  };
  t.columns[2].target = "created_at";
  t.dropped_columns = {"legacy_flag"};
  p.tables.push_back(t);

  RunTable c;
  c.source_schema = c.target_schema = "shop";
  c.source_table = "customer_v2";
  c.target_table = "customers";
  c.key = {"id"};
  c.columns = {Col("id", "bigint", "int64", "bigint")};
  p.tables.push_back(c);

  RunTable h;
  h.source_schema = h.target_schema = "shop";
  h.source_table = h.target_table = "we`ird \"tab\" \xc3\xbc";
  h.key = {"k"};
  h.columns = {Col("k", "int", "int32", pg ? "integer" : "int")};
  p.tables.push_back(h);

  RunTable f;
  f.source_schema = f.target_schema = "shop";
  f.source_table = f.target_table = "events";
  f.key = {"id"};
  f.where = "kind = 'paid'";
  f.columns = {Col("id", "int", "int32", pg ? "integer" : "int"),
               Col("kind", "varchar(10)", "varchar(10)", pg ? "character varying(10)" : "varchar(10)")};
  p.tables.push_back(f);

  if (pg && options.index_tasks) {
    RunTask task;
    task.kind = "schema.indexes";
    task.sql = {"CREATE INDEX \"ix_note\" ON \"shop\".\"orders\" (\"note\")",
                "CREATE INDEX \"customers_ix\" ON \"shop\".\"customers\" (\"id\")"};
    p.tasks.push_back(task);
  }
  if (options.source_catalog) p.source_schema = SourceCatalogJson();
  return p;
}

const TypeRuleSet& DdlSyncFixtureRules() {
  static const TypeRuleSet rules = [] {
    DiagnosticSink diags;
    auto r = TypeRuleSet::LoadEmbedded(diags);
    if (!r) std::abort();
    return std::move(*r);
  }();
  return rules;
}

}  // namespace sluice
