#include "runtime/value_codec.h"

#include <doctest/doctest.h>

namespace sluice {
namespace {

ColumnCodec Codec(Dialect from, Dialect to, const std::string& neutral) {
  ColumnCodec c;
  c.source = from;
  c.target = to;
  std::string error;
  c.neutral = ParseNeutralType(neutral, &error);
  REQUIRE_MESSAGE(c.neutral.has_value(), error);
  return c;
}

std::string Ok(const ColumnCodec& c, std::string_view v) {
  Converted r = ConvertValue(c, v);
  REQUIRE_MESSAGE(r.kind == Converted::Kind::kValue, r.reason);
  return r.text;
}

std::string BadReason(const ColumnCodec& c, std::string_view v) {
  Converted r = ConvertValue(c, v);
  CHECK(r.kind == Converted::Kind::kBad);
  return r.reason;
}

TEST_CASE("booleans") {
  CHECK(Ok(Codec(Dialect::kPostgreSQL, Dialect::kMariaDB, "bool"), "t") == "1");
  CHECK(Ok(Codec(Dialect::kPostgreSQL, Dialect::kMariaDB, "bool"), "f") == "0");
  CHECK(Ok(Codec(Dialect::kMariaDB, Dialect::kPostgreSQL, "bool"), "1") == "t");
}

TEST_CASE("FLOAT into MySQL-family targets: FLT_MAX is not out of range") {
  // PostgreSQL prints real's FLT_MAX as 3.4028235e+38, which MySQL parsed as
  // a double above FLT_MAX and refused ("Out of range value").
  auto c = Codec(Dialect::kPostgreSQL, Dialect::kMariaDB, "float32");
  CHECK(Ok(c, "3.4028235e+38") == "3.4028234663852886e+38");
  CHECK(Ok(c, "-3.4028235e+38") == "-3.4028234663852886e+38");
  CHECK(Ok(c, "0.1") == "0.10000000149011612");
  CHECK(Ok(c, "-0") == "-0");
  CHECK(Ok(c, "16777216") == "16777216");
  // PostgreSQL targets keep the shortest text (real reads it exactly).
  CHECK(Ok(Codec(Dialect::kMariaDB, Dialect::kPostgreSQL, "float32"), "3.4028234663852886e+38") ==
        "3.4028234663852886e+38");
}

TEST_CASE("ENUM and SET values must be labels") {
  auto e = Codec(Dialect::kMariaDB, Dialect::kPostgreSQL, "enum('small','x y')");
  CHECK(Ok(e, "x y") == "x y");
  // MySQL's '' for an invalid value (non-strict mode) is a bad row, not data.
  CHECK(BadReason(e, "").find("not a label") != std::string::npos);
  auto s = Codec(Dialect::kMariaDB, Dialect::kPostgreSQL, "set('red','green')");
  CHECK(Ok(s, "") == "");
  CHECK(Ok(s, "red,green") == "red,green");
  CHECK(BadReason(s, "red,blue").find("'blue'") != std::string::npos);
}

TEST_CASE("decimals are never rounded") {
  auto c = Codec(Dialect::kMariaDB, Dialect::kPostgreSQL, "decimal(12,2)");
  CHECK(Ok(c, "12.50") == "12.50");
  CHECK(Ok(c, "-0.00") == "0.00");
  auto unbounded = Codec(Dialect::kPostgreSQL, Dialect::kMariaDB, "decimal");
  CHECK(Ok(unbounded, "1.5") == "1.500000000000000000000000000000");
  CHECK(BadReason(unbounded, "0.0000000000000000000000000000001").find("more than 30 digits after") != std::string::npos);
  CHECK(BadReason(unbounded, "NaN").find("NaN") != std::string::npos);
  CHECK(Ok(Codec(Dialect::kMariaDB, Dialect::kPostgreSQL, "decimal(65,30)"), "123.4") ==
        "123.400000000000000000000000000000");
}

TEST_CASE("binary data round-trips through PostgreSQL hex") {
  auto to_pg = Codec(Dialect::kMariaDB, Dialect::kPostgreSQL, "blob(normal)");
  CHECK(Ok(to_pg, std::string("\x00\xff\x10", 3)) == "\\x00ff10");
  auto from_pg = Codec(Dialect::kPostgreSQL, Dialect::kMariaDB, "blob(long)");
  CHECK(Ok(from_pg, "\\x00ff10") == std::string("\x00\xff\x10", 3));
  CHECK(BadReason(from_pg, "\\x0").find("malformed") != std::string::npos);
}

TEST_CASE("timestamps with a time zone land as UTC, or in the plan's fixed offset") {
  auto c = Codec(Dialect::kPostgreSQL, Dialect::kMariaDB, "timestamp(6) with tz");
  CHECK(Ok(c, "2024-01-02 03:04:05.123456+00") == "2024-01-02 03:04:05.123456");
  CHECK(BadReason(c, "2024-01-02 03:04:05+02").find("not in UTC") != std::string::npos);
  c.tz_offset_minutes = 8 * 60;
  CHECK(Ok(c, "2024-12-31 20:00:00+00") == "2025-01-01 04:00:00");
  c.tz_offset_minutes = -90;
  CHECK(Ok(c, "2024-03-01 00:30:00.5+00") == "2024-02-29 23:00:00.5");
  auto to_pg = Codec(Dialect::kMariaDB, Dialect::kPostgreSQL, "timestamp(0) with tz range(1970..2038)");
  CHECK(Ok(to_pg, "2024-01-02 03:04:05") == "2024-01-02 03:04:05+00");
  CHECK(BadReason(Codec(Dialect::kPostgreSQL, Dialect::kMariaDB, "timestamp(6)"), "infinity").find("infinity") !=
        std::string::npos);
  CHECK(BadReason(Codec(Dialect::kPostgreSQL, Dialect::kMariaDB, "date"), "0044-03-15 BC").find("before the year 1") !=
        std::string::npos);
}

TEST_CASE("zero dates follow the plan's policy on targets without them") {
  auto c = Codec(Dialect::kMariaDB, Dialect::kPostgreSQL, "date");
  Converted fail = ConvertValue(c, "0000-00-00");
  CHECK(fail.kind == Converted::Kind::kBad);
  CHECK(fail.zero_date);
  c.zero_date = "null";
  CHECK(ConvertValue(c, "0000-00-00").kind == Converted::Kind::kNull);
  CHECK(ConvertValue(c, "2024-00-10").kind == Converted::Kind::kNull);
  auto keep = Codec(Dialect::kMariaDB, Dialect::kMariaDB, "timestamp(0)");
  CHECK(Ok(keep, "0000-00-00 00:00:00") == "0000-00-00 00:00:00");
}

TEST_CASE("times PostgreSQL cannot hold") {
  auto c = Codec(Dialect::kMariaDB, Dialect::kPostgreSQL, "time(0)");
  CHECK(Ok(c, "10:00:00") == "10:00:00");
  CHECK(BadReason(c, "-01:00:00").find("outside") != std::string::npos);
  CHECK(BadReason(c, "838:59:59").find("outside") != std::string::npos);
}

TEST_CASE("bits") {
  auto to_pg = Codec(Dialect::kMariaDB, Dialect::kPostgreSQL, "bit(10)");
  CHECK(Ok(to_pg, std::string("\x02\x05", 2)) == "1000000101");
  auto to_my = Codec(Dialect::kPostgreSQL, Dialect::kMariaDB, "bit(10)");
  CHECK(Ok(to_my, "1000000101") == "517");
}

TEST_CASE("NUL bytes cannot reach PostgreSQL text") {
  auto c = Codec(Dialect::kMariaDB, Dialect::kPostgreSQL, "varchar(10)");
  CHECK(BadReason(c, std::string("a\0b", 3)).find("NUL") != std::string::npos);
}

TEST_CASE("floats: MySQL FLOAT is read widened; specials only where they exist") {
  auto c = Codec(Dialect::kMariaDB, Dialect::kPostgreSQL, "float32");
  CHECK(c.SourceExpression("`f`") == "(`f` + 0E0)");
  auto pg = Codec(Dialect::kPostgreSQL, Dialect::kMariaDB, "float64");
  CHECK(BadReason(pg, "NaN").find("cannot be stored") != std::string::npos);
  CHECK(Ok(Codec(Dialect::kPostgreSQL, Dialect::kPostgreSQL, "float64"), "Infinity") == "Infinity");
}

TEST_CASE("PostgreSQL arrays become JSON arrays") {
  CHECK(PgArrayToJson("{1,2,NULL}", true) == "[1,2,null]");
  CHECK(PgArrayToJson("{\"a b\",c,\"q\\\"x\"}", false) == "[\"a b\",\"c\",\"q\\\"x\"]");
  CHECK(PgArrayToJson("{{1,2},{3,4}}", true) == "[[1,2],[3,4]]");
  CHECK(PgArrayToJson("{}", true) == "[]");
  CHECK_FALSE(PgArrayToJson("{1,2", true).has_value());
  CHECK_FALSE(PgArrayToJson("{1}x", true).has_value());
}

TEST_CASE("fixed offsets") {
  CHECK(ParseFixedOffset("UTC") == 0);
  CHECK(ParseFixedOffset("+08:00") == 480);
  CHECK(ParseFixedOffset("-05:30") == -330);
  CHECK_FALSE(ParseFixedOffset("Asia/Shanghai").has_value());
}

}  // namespace
}  // namespace sluice
