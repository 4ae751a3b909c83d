#include "catalog/catalog_json.h"

#include <doctest/doctest.h>

namespace sluice {
namespace {

Catalog RichCatalog() {
  Catalog c;
  c.dialect = Dialect::kPostgreSQL;
  c.server_version = "15.4";
  Schema s;
  s.name = "shop";

  Table t;
  t.name = "order \"items\"";
  t.comment = "línea";
  t.row_estimate = 1234;
  Column id;
  id.name = "id";
  id.ordinal = 1;
  id.type_raw = "bigint";
  id.type = TypeName{.name = "bigint", .raw = "bigint"};
  id.nullable = false;
  id.identity = IdentityKind::kByDefault;
  Column price;
  price.name = "price";
  price.ordinal = 2;
  price.type_raw = "numeric(10,2)";
  price.type = TypeName{.name = "numeric", .params = {10, 2}, .raw = "numeric(10,2)"};
  price.default_value = ColumnDefault{DefaultKind::kLiteral, "0.00", "0.00"};
  Column at;
  at.name = "at";
  at.ordinal = 3;
  at.type_raw = "timestamp(3) with time zone";
  at.type = TypeName{.name = "timestamp", .params = {3}, .with_time_zone = true, .raw = at.type_raw};
  at.default_value = ColumnDefault{DefaultKind::kExpression, "now()", "now()"};
  Column total;
  total.name = "total";
  total.ordinal = 4;
  total.type_raw = "numeric";
  total.type.name = "numeric";
  total.type.raw = "numeric";
  total.generated = GeneratedKind::kStored;
  total.generation_expression = "(price * 2)";
  t.columns = {id, price, at, total};
  t.primary_key = KeyConstraint{.name = "pk", .columns = {"id"}};
  t.unique_constraints.push_back(KeyConstraint{.name = "uq", .columns = {"price", "at"}, .deferrable = true});
  Index pk{.name = "pk", .unique = true, .primary = true, .constraint = "pk", .method = "btree"};
  pk.parts.push_back(IndexPart{.column = "id"});
  Index ix{.name = "ix_expr", .method = "btree"};
  ix.parts.push_back(IndexPart{.expression = "lower(x)", .descending = true});
  ix.predicate = "(price > 0)";
  ix.include = {"at"};
  t.indexes = {ix, pk};
  t.foreign_keys.push_back(ForeignKey{.name = "fk",
                                      .columns = {"id"},
                                      .referenced_schema = "shop",
                                      .referenced_table = "orders",
                                      .referenced_columns = {"id"},
                                      .on_delete = "CASCADE"});
  t.checks.push_back(Check{.name = "ck", .expression = "(price >= 0)"});
  Partitioning p{.method = "range", .expression = "at", .columns = {"at"}};
  p.partitions.push_back(Partition{.name = "p2024", .bound = "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"});
  t.partitioning = p;
  s.tables.push_back(t);
  s.tables.push_back(Table{.name = "a_first"});

  View v{.name = "v", .definition = " SELECT 1;", .check_option = "LOCAL", .depends_on = {"shop.a_first"}};
  v.columns.push_back(Column{.name = "x", .ordinal = 1, .type_raw = "integer"});
  v.columns[0].type.raw = "integer";
  s.views.push_back(v);
  s.sequences.push_back(Sequence{.name = "seq", .data_type = "bigint", .start = 5, .owned_by = "t.id"});
  s.enum_types.push_back(EnumType{.name = "mood", .labels = {"sad", "ok", "happy"}});
  Domain d{.name = "posint", .base_type_raw = "integer", .not_null = true, .default_raw = "1"};
  d.base_type = TypeName{.name = "integer", .raw = "integer"};
  d.checks.push_back(Check{.name = "posint_check", .expression = "(VALUE > 0)"});
  s.domains.push_back(d);
  s.routines.push_back(Routine{.name = "f", .kind = "function", .arguments = "a integer", .returns = "integer",
                               .language = "sql", .definition = "CREATE FUNCTION ..."});
  s.triggers.push_back(Trigger{.name = "tr", .table = "t", .timing = "BEFORE", .events = {"INSERT", "UPDATE"},
                               .orientation = "ROW", .definition = "CREATE TRIGGER ..."});
  c.schemas.push_back(s);
  c.schemas.push_back(Schema{.name = "empty"});
  return c;
}

TEST_CASE("catalog JSON round-trips: model -> JSON -> model -> JSON") {
  Catalog c = RichCatalog();
  std::string text = CatalogToJsonText(c);
  CatalogJsonResult back = CatalogFromJsonText(text);
  REQUIRE_MESSAGE(back.ok(), back.error);
  Catalog normalized = c;
  NormalizeCatalog(normalized);
  CHECK(*back.catalog == normalized);
  CHECK(CatalogToJsonText(*back.catalog) == text);
}

TEST_CASE("catalog JSON is deterministic and sorted, with the header first") {
  Catalog c = RichCatalog();
  Catalog shuffled = c;
  std::swap(shuffled.schemas[0], shuffled.schemas[1]);
  std::swap(shuffled.schemas[1].tables[0], shuffled.schemas[1].tables[1]);
  CHECK(CatalogToJsonText(c) == CatalogToJsonText(shuffled));
  std::string text = CatalogToJsonText(c);
  CHECK(text.rfind("{\n  \"format\": \"sluice-catalog\",\n  \"version\": 1,\n  \"dialect\": \"postgresql\",", 0) == 0);
  CHECK(text.find("\"a_first\"") < text.find("\"order \\\"items\\\"\""));
  CHECK(text.find("\"empty\"") < text.find("\"shop\""));
  CHECK(text.find("línea") != std::string::npos);  // UTF-8 kept, not \u-escaped
  CHECK(text.back() == '\n');
}

TEST_CASE("hand-written JSON -> model -> JSON is byte-identical") {
  const std::string text = R"JSON({
  "format": "sluice-catalog",
  "version": 1,
  "dialect": "mariadb",
  "server_version": "10.11.6-MariaDB",
  "schemas": [
    {
      "name": "db",
      "tables": [
        {
          "name": "t",
          "engine": "InnoDB",
          "charset": "utf8mb4",
          "collation": "utf8mb4_general_ci",
          "columns": [
            {
              "name": "id",
              "ordinal": 1,
              "type": "int(10) unsigned",
              "type_name": {
                "name": "int",
                "params": [
                  10
                ],
                "unsigned": true
              },
              "nullable": false,
              "auto_increment": true
            },
            {
              "name": "s",
              "ordinal": 2,
              "type": "enum('a','b')",
              "type_name": {
                "name": "enum",
                "labels": [
                  "a",
                  "b"
                ]
              },
              "default": {
                "kind": "literal",
                "raw": "'a'",
                "value": "a"
              },
              "charset": "utf8mb4",
              "collation": "utf8mb4_general_ci"
            }
          ],
          "primary_key": {
            "name": "PRIMARY",
            "columns": [
              "id"
            ]
          },
          "indexes": [
            {
              "name": "PRIMARY",
              "unique": true,
              "primary": true,
              "method": "btree",
              "parts": [
                {
                  "column": "id"
                }
              ]
            }
          ]
        }
      ]
    }
  ]
}
)JSON";
  CatalogJsonResult r = CatalogFromJsonText(text);
  REQUIRE_MESSAGE(r.ok(), r.error);
  const Column& s = r.catalog->schemas[0].tables[0].columns[1];
  CHECK(s.type.raw == "enum('a','b')");
  CHECK(s.type.labels == std::vector<std::string>{"a", "b"});
  CHECK(s.default_value.kind == DefaultKind::kLiteral);
  CHECK(r.catalog->schemas[0].tables[0].columns[0].type.is_unsigned);
  CHECK(r.catalog->dialect == Dialect::kMariaDB);
  CHECK(CatalogToJsonText(*r.catalog) == text);
}

std::string ErrorFor(const std::string& text) {
  CatalogJsonResult r = CatalogFromJsonText(text);
  CHECK_FALSE(r.ok());
  return r.error;
}

TEST_CASE("bad snapshots give errors naming the path of the bad field") {
  const std::string head = R"({"format":"sluice-catalog","version":1,"dialect":"postgresql","schemas":)";
  CHECK(ErrorFor(head + R"([{"name":"s","tables":[{"name":"t","columns":[{"name":"a","type":"int"},{"name":"b","type":"int","nullable":"yes"}]}]}]})") ==
        "schemas[0].tables[0].columns[1].nullable: expected a boolean, got string \"yes\"");
  CHECK(ErrorFor(head + R"([{"name":"s","tables":[{"name":"t","colums":[]}]}]})") ==
        "schemas[0].tables[0].colums: unknown field");
  CHECK(ErrorFor(head + R"([{"tables":[]}]})") == "schemas[0].name: missing required field");
  CHECK(ErrorFor(head + R"([{"name":"s","tables":[{"name":"t","columns":[{"name":"a","type":"int","default":{"kind":"weird"}}]}]}]})") ==
        "schemas[0].tables[0].columns[0].default.kind: unknown value \"weird\" (expected one of none, literal, expression, sequence)");
  CHECK(ErrorFor(head + R"({}})") == "schemas: expected an array, got object {}");
  CHECK(ErrorFor(head + R"([{"name":"s","sequences":[{"name":"q","start":1.5}]}]})") ==
        "schemas[0].sequences[0].start: expected an integer, got number 1.5");
  CHECK(ErrorFor(R"({"format":"other","version":1})") == "format: expected \"sluice-catalog\", got \"other\"");
  CHECK(ErrorFor(R"({"format":"sluice-catalog","version":2,"dialect":"mysql"})") ==
        "version: unsupported catalog snapshot version 2 (this build reads version 1)");
  CHECK(ErrorFor(R"({"format":"sluice-catalog","version":1,"dialect":"db2"})") == "dialect: unknown dialect \"db2\"");
  CHECK(ErrorFor("[1]") == "(document): expected an object, got array [1]");
  CHECK(ErrorFor("{\"format\":").rfind("invalid JSON: ", 0) == 0);
}

}  // namespace
}  // namespace sluice
