#include "dialects/types/neutral_type.h"

#include <doctest/doctest.h>

namespace sluice {

TEST_CASE("neutral types print and parse back to the same text") {
  const char* texts[] = {
      "bool", "int8", "uint64 display(20) zerofill", "int8 display(1)", "decimal(18,4)", "decimal",
      "decimal(10,2) unsigned zerofill", "float32", "float64 unsigned", "char(10)",
      "varchar(255) charset utf8mb4 collate utf8mb4_0900_ai_ci", "text", "text(tiny)", "text(long) charset utf8mb4",
      "binary(16)", "varbinary(255)", "blob(medium)", "date", "time(3)", "time(6) with tz", "timestamp(6)",
      "timestamp(6) with tz", "timestamp(0) with tz range(1970..2038)", "year", "interval",
      "interval(3) fields day to second", "json", "jsonb", "uuid", "enum('a','it''s')", "set('x','y')",
      "bit(8)", "varbit", "array(int32)", "array(varchar(20) charset utf8mb4)", "geometry",
      "geometry(point)", "geometry(point,4326)", "vector(3)", "inet", "cidr", "macaddr", "macaddr8", "inet4",
      "inet6", "money", "xml", "tsvector", "tsquery", "range(timestamp(6) with tz)", "multirange(int64)",
      "geometric(box)", "pg_lsn"};
  for (const char* text : texts) {
    std::string error;
    auto t = ParseNeutralType(text, &error);
    INFO(text << " -> " << error);
    REQUIRE(t.has_value());
    CHECK(ToString(*t) == text);
  }
}

TEST_CASE("neutral type attributes land in the right fields") {
  auto t = ParseNeutralType("timestamp(3) with tz range(1970..2106)", nullptr);
  REQUIRE(t);
  CHECK(t->kind == NeutralKind::kTimestamp);
  CHECK(t->precision == 3);
  CHECK(t->with_tz);
  CHECK(t->range_end_year == 2106);
  auto d = ParseNeutralType("decimal(7)", nullptr);
  REQUIRE(d);
  CHECK(d->precision == 7);
  CHECK(d->scale == 0);
  auto a = ParseNeutralType("array(decimal(10,2))", nullptr);
  REQUIRE(a);
  REQUIRE(a->element.size() == 1);
  CHECK(a->element[0].precision == 10);
  CHECK(ParseNeutralType("jsonb", nullptr)->jsonb);
}

TEST_CASE("malformed neutral types are rejected with a reason") {
  std::string error;
  CHECK_FALSE(ParseNeutralType("int33", &error));
  CHECK(error == "unknown neutral type 'int33'");
  CHECK_FALSE(ParseNeutralType("int32 with tz", &error));
  CHECK(error == "'with' does not apply to int32");
  CHECK_FALSE(ParseNeutralType("text(huge)", &error));
  CHECK(error.find("unknown size class 'huge'") != std::string::npos);
  CHECK_FALSE(ParseNeutralType("decimal(10,", &error));
  CHECK_FALSE(ParseNeutralType("enum(a)", &error));
  CHECK(error == "expected a quoted label");
  CHECK_FALSE(ParseNeutralType("timestamp range(1971..2038)", &error));
  CHECK_FALSE(ParseNeutralType("varchar(10) unsigned", &error));
}

TEST_CASE("bytes per character follow the charset") {
  CHECK(MaxBytesPerChar("utf8mb4") == 4);
  CHECK(MaxBytesPerChar("utf8mb3") == 3);
  CHECK(MaxBytesPerChar("latin1") == 1);
  CHECK(MaxBytesPerChar("gbk") == 2);
  CHECK(MaxBytesPerChar("") == 4);
  CHECK(MaxBytesPerChar("klingon") == 4);
  CHECK(SizeClassMaxBytes(SizeClass::kMedium) == 16777215);
}

}  // namespace sluice
