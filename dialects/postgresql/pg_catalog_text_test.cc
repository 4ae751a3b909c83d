#include "dialects/postgresql/pg_catalog_text.h"

#include <doctest/doctest.h>

#include "dialects/postgresql/pg_connection.h"

namespace sluice {
namespace {

PgTypeInfo Builtin(const std::string& raw, const std::string& canonical, const std::string& typname, int typmod,
                   bool array = false) {
  return PgTypeInfo{raw, typmod, array, 0, canonical, typname, "b", "pg_catalog"};
}

TEST_CASE("PgTypeName from format_type and typmod") {
  TypeName t = PgTypeName(Builtin("character varying(20)", "character varying", "varchar", 24));
  CHECK(t.name == "character varying");
  CHECK(t.params == std::vector<int64_t>{20});
  CHECK(t.raw == "character varying(20)");

  t = PgTypeName(Builtin("numeric(10,2)", "numeric", "numeric", ((10 << 16) | 2) + 4));
  CHECK(t.params == std::vector<int64_t>{10, 2});
  t = PgTypeName(Builtin("numeric", "numeric", "numeric", -1));
  CHECK(t.params.empty());

  t = PgTypeName(Builtin("timestamp(3) with time zone", "timestamp with time zone", "timestamptz", 3));
  CHECK(t.name == "timestamp");
  CHECK(t.with_time_zone == true);
  CHECK(t.params == std::vector<int64_t>{3});
  t = PgTypeName(Builtin("time without time zone", "time without time zone", "time", -1));
  CHECK(t.name == "time");
  CHECK(t.with_time_zone == false);

  t = PgTypeName(Builtin("integer[]", "integer", "int4", -1, true));
  CHECK(t.name == "integer");
  CHECK(t.array_dims == 1);
  PgTypeInfo two = Builtin("text[]", "text", "text", -1, true);
  two.ndims = 2;
  CHECK(PgTypeName(two).array_dims == 2);

  t = PgTypeName(Builtin("interval day to second(3)", "interval", "interval", (0x1c00 << 16) | 3));
  CHECK(t.interval_fields == "day to second");
  CHECK(t.params == std::vector<int64_t>{3});
  CHECK(PgTypeName(Builtin("interval", "interval", "interval", -1)).interval_fields.empty());

  t = PgTypeName(Builtin("bit varying(8)", "bit varying", "varbit", 8));
  CHECK(t.params == std::vector<int64_t>{8});

  t = PgTypeName(PgTypeInfo{"shop.mood[]", -1, true, 1, "shop.mood", "mood", "e", "shop"});
  CHECK(t.name == "mood");
  CHECK(t.schema == "shop");
  CHECK(t.array_dims == 1);
}

TEST_CASE("PgColumnDefault classifies pg_get_expr output") {
  ColumnDefault d = PgColumnDefault("nextval('public.t_id_seq'::regclass)");
  CHECK(d.kind == DefaultKind::kSequence);
  CHECK(d.value == "public.t_id_seq");
  CHECK(PgColumnDefault("nextval('public.\"we''ird seq\"'::regclass)").value == "public.\"we'ird seq\"");
  d = PgColumnDefault("'it''s'::character varying");
  CHECK(d.kind == DefaultKind::kLiteral);
  CHECK(d.value == "it's");
  CHECK(d.raw == "'it''s'::character varying");
  CHECK(PgColumnDefault("'{1,2}'::integer[]").value == "{1,2}");
  CHECK(PgColumnDefault("42").kind == DefaultKind::kLiteral);
  CHECK(PgColumnDefault("'-5'::integer").value == "-5");
  CHECK(PgColumnDefault("0.00").value == "0.00");
  CHECK(PgColumnDefault("(-1.5)").value == "-1.5");
  CHECK(PgColumnDefault("true").kind == DefaultKind::kLiteral);
  CHECK(PgColumnDefault("NULL::text").kind == DefaultKind::kNone);
  CHECK(PgColumnDefault("").kind == DefaultKind::kNone);
  CHECK(PgColumnDefault("now()").kind == DefaultKind::kExpression);
  CHECK(PgColumnDefault("CURRENT_TIMESTAMP").kind == DefaultKind::kExpression);
  CHECK(PgColumnDefault("gen_random_uuid()").kind == DefaultKind::kExpression);
  CHECK(PgColumnDefault("('a'::text || 'b'::text)").kind == DefaultKind::kExpression);
}

TEST_CASE("constraint and partition key text") {
  CHECK(PgCheckExpression("CHECK ((price >= (0)::numeric))") == "(price >= (0)::numeric)");
  CHECK(PgCheckExpression("CHECK (a > 0) NOT VALID") == "a > 0");
  CHECK(PgCheckExpression("CHECK ((a > 0) AND (b > 0)) NO INHERIT") == "(a > 0) AND (b > 0)");
  CHECK(PgPartitionKey("RANGE (placed)") == std::make_pair(std::string("range"), std::string("placed")));
  CHECK(PgPartitionKey("HASH (lower(email))") == std::make_pair(std::string("hash"), std::string("lower(email)")));
  CHECK(PgPartitionKey("LIST (a, b)").second == "a, b");
  CHECK(ParsePgIntVector("1 0 3") == std::vector<int>{1, 0, 3});
  CHECK(ParsePgIntVector("").empty());
}

TEST_CASE("trigger type bits") {
  PgTriggerType t = DecodePgTriggerType(1 | 2 | 4 | 16);
  CHECK(t.timing == "BEFORE");
  CHECK(t.orientation == "ROW");
  CHECK(t.events == std::vector<std::string>{"INSERT", "UPDATE"});
  t = DecodePgTriggerType(8 | 32);
  CHECK(t.timing == "AFTER");
  CHECK(t.orientation == "STATEMENT");
  CHECK(t.events == std::vector<std::string>{"DELETE", "TRUNCATE"});
  CHECK(DecodePgTriggerType(1 | 64 | 4).timing == "INSTEAD OF");
}

TEST_CASE("PostgreSQL identifier quoting doubles double quotes") {
  CHECK(PgConnection::QuotePgIdent("a\"b") == "\"a\"\"b\"");
  CHECK(PgConnection::QuotePgIdent("select") == "\"select\"");
}

}  // namespace
}  // namespace sluice
