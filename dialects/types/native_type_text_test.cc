#include "dialects/types/native_type_text.h"

#include <doctest/doctest.h>

namespace sluice {

TEST_CASE("simple native spellings parse into TypeName") {
  std::string error;
  auto t = ParseSimpleTypeName("INT(11) UNSIGNED ZEROFILL", &error);
  REQUIRE(t);
  CHECK(t->name == "int");
  CHECK(t->params == std::vector<int64_t>{11});
  CHECK(t->is_unsigned);
  CHECK(t->zerofill);

  t = ParseSimpleTypeName("character varying(20) collate \"C\"", &error);
  REQUIRE(t);
  CHECK(t->name == "character varying");
  CHECK(t->collation == "C");

  t = ParseSimpleTypeName("varchar(255) character set utf8mb4 collate utf8mb4_bin", &error);
  REQUIRE(t);
  CHECK(t->charset == "utf8mb4");
  CHECK(t->collation == "utf8mb4_bin");

  t = ParseSimpleTypeName("timestamptz(3)", &error);
  REQUIRE(t);
  CHECK(t->name == "timestamp");
  CHECK(t->with_time_zone == std::optional<bool>(true));

  t = ParseSimpleTypeName("time(3) without time zone", &error);
  REQUIRE(t);
  CHECK(t->with_time_zone == std::optional<bool>(false));

  t = ParseSimpleTypeName("enum('a','it''s')", &error);
  REQUIRE(t);
  CHECK(t->labels == std::vector<std::string>{"a", "it's"});

  t = ParseSimpleTypeName("numeric(10,2)[][]", &error);
  REQUIRE(t);
  CHECK(t->array_dims == 2);
  CHECK(t->params == std::vector<int64_t>{10, 2});

  t = ParseSimpleTypeName("interval day to second(3)", &error);
  REQUIRE(t);
  CHECK(t->name == "interval");
  CHECK(t->interval_fields == "day to second");
  CHECK(t->params == std::vector<int64_t>{3});

  t = ParseSimpleTypeName("public.mood('happy','sad')", &error);
  REQUIRE(t);
  CHECK(t->schema == "public");
  CHECK(t->name == "mood");
  CHECK(t->labels.size() == 2);

  t = ParseSimpleTypeName("double precision", &error);
  REQUIRE(t);
  CHECK(t->name == "double precision");
}

TEST_CASE("spellings outside the simple form are rejected") {
  std::string error;
  CHECK_FALSE(ParseSimpleTypeName("", &error));
  CHECK_FALSE(ParseSimpleTypeName("decimal(10", &error));
  CHECK(error == "expected ')'");
  CHECK_FALSE(ParseSimpleTypeName("geometry(Point,4326)", &error));
  CHECK_FALSE(ParseSimpleTypeName("timestamp with zone", &error));
  CHECK_FALSE(ParseSimpleTypeName("enum('a', 1)", &error));
}

TEST_CASE("types print in each family's syntax") {
  auto t = *ParseSimpleTypeName("varchar(255) character set utf8mb4 collate utf8mb4_unicode_ci", nullptr);
  CHECK(NativeTypeText(t, Dialect::kMySQL) == "varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  CHECK(NativeTypeText(t, Dialect::kPostgreSQL) == "varchar(255) COLLATE \"utf8mb4_unicode_ci\"");
  t = *ParseSimpleTypeName("timestamp(6) with time zone", nullptr);
  CHECK(NativeTypeText(t, Dialect::kPostgreSQL) == "timestamp(6) with time zone");
  t = *ParseSimpleTypeName("integer[]", nullptr);
  CHECK(NativeTypeText(t, Dialect::kPostgreSQL) == "integer[]");
  t = *ParseSimpleTypeName("interval day to second(3)", nullptr);
  CHECK(NativeTypeText(t, Dialect::kPostgreSQL) == "interval day to second(3)");
  t = *ParseSimpleTypeName("enum('a','b''c')", nullptr);
  CHECK(NativeTypeText(t, Dialect::kMySQL) == "enum('a','b''c')");
  t = *ParseSimpleTypeName("int(10) unsigned zerofill", nullptr);
  CHECK(NativeTypeText(t, Dialect::kOceanBase) == "int(10) unsigned zerofill");
  t = *ParseSimpleTypeName("public.mood('happy')", nullptr);
  CHECK(NativeTypeText(t, Dialect::kPostgreSQL) == "public.mood");
}

}  // namespace sluice
