#include "runtime/verify_canonical.h"

#include "runtime/verify.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <set>

namespace sluice {
namespace {

VerifyValueSpec Spec(const std::string& neutral, Dialect side, Dialect target = Dialect::kMariaDB) {
  VerifyValueSpec s;
  s.codec.source = side;
  s.codec.target = target;
  std::string err;
  s.codec.neutral = ParseNeutralType(neutral, &err);
  REQUIRE(s.codec.neutral.has_value());
  return s;
}

Hash128 RowHash(const std::vector<std::optional<std::string>>& row) {
  std::string enc;
  for (const auto& v : row) {
    if (v) AppendEncoded(enc, std::string_view(*v));
    else AppendEncoded(enc, std::nullopt);
  }
  return HashBytes(enc);
}

TEST_CASE("the row encoding separates what CONCAT_WS confuses") {
  // ('a,b','c') vs ('a','b,c'): equal under CONCAT_WS(',', ...), not here.
  CHECK_FALSE(RowHash({"a,b", "c"}) == RowHash({"a", "b,c"}));
  // NULL, '' and 'NULL' are three values.
  std::set<std::string> hashes{RowHash({std::nullopt}).Hex(), RowHash({std::string()}).Hex(),
                               RowHash({std::string("NULL")}).Hex()};
  CHECK(hashes.size() == 3);
  // A value cannot forge the length prefix of the next.
  CHECK_FALSE(RowHash({std::string("ab"), std::string("")}) == RowHash({std::string("a"), std::string("b")}));
}

TEST_CASE("multiset sums count duplicates and see swapped values") {
  Hash128 a = RowHash({"1", "x"}), b = RowHash({"2", "y"});
  Hash128 once, twice;
  once += a;
  once += b;
  twice += a;
  twice += b;
  twice += b;
  CHECK_FALSE(once == twice);  // XOR would cancel b ^ b here only for pairs; the sum never does
  Hash128 swapped;
  swapped += RowHash({"1", "y"});
  swapped += RowHash({"2", "x"});
  CHECK_FALSE(once == swapped);
  // Order does not matter.
  Hash128 reversed;
  reversed += b;
  reversed += a;
  CHECK(once == reversed);
  // Carries propagate into the high half.
  Hash128 c{0, ~0ULL};
  c += Hash128{0, 1};
  CHECK(c.hi == 1);
  CHECK(c.lo == 0);
}

TEST_CASE("decimals are normalised") {
  CHECK(NormaliseDecimal("0012.5000") == "12.5");
  CHECK(NormaliseDecimal("-0.000") == "0");
  CHECK(NormaliseDecimal("12.00") == "12");
  CHECK(NormaliseDecimal(".5") == "0.5");
  CHECK(NormaliseDecimal("12.51") != NormaliseDecimal("12.50"));
  CHECK(NormaliseDecimal("NaN") == "NaN");
}

TEST_CASE("time fractions lose trailing zeros only") {
  CHECK(NormaliseFraction("2024-01-02 03:04:05.120000") == "2024-01-02 03:04:05.12");
  CHECK(NormaliseFraction("2024-01-02 03:04:05.000000") == "2024-01-02 03:04:05");
  CHECK(NormaliseFraction("2024-01-02 03:04:05.000001") == "2024-01-02 03:04:05.000001");
  CHECK(NormaliseFraction("-838:59:59.000000") == "-838:59:59");
}

TEST_CASE("timestamps with a zone compare in UTC across engines") {
  auto pg = Spec("timestamp(6) with tz", Dialect::kPostgreSQL);
  auto my = Spec("timestamp(6) with tz", Dialect::kMariaDB);
  my.target_side = true;
  my.codec.target_has_tz = true;
  CHECK(VerifyCanonical(pg, "2024-01-02 03:04:05.5+00") == VerifyCanonical(my, "2024-01-02 03:04:05.500000"));
  CHECK(VerifyCanonical(pg, "2024-01-02 03:04:05.5+00") != VerifyCanonical(my, "2024-01-02 03:04:05.500001"));
  // A value landed in a column without a zone, shifted by full.time_zone (+08:00).
  my.codec.target_has_tz = false;
  my.codec.tz_offset_minutes = 480;
  CHECK(VerifyCanonical(pg, "2024-01-01 20:00:00+00") == VerifyCanonical(my, "2024-01-02 04:00:00"));
  CHECK(ShiftTimestamp("2024-03-01 00:30:00.25", -60) == std::optional<std::string>("2024-02-29 23:30:00.25"));
}

TEST_CASE("JSON compares without key order or spacing") {
  CHECK(NormaliseJson(R"({"b": 1, "a": [1, 2]})") == NormaliseJson(R"({"a":[1,2],"b":1})"));
  CHECK(NormaliseJson(R"({"a": 1})") != NormaliseJson(R"({"a": 2})"));
  CHECK(NormaliseJson("not json") == "not json");
}

TEST_CASE("CHAR padding is not a difference, VARCHAR trailing spaces are") {
  auto pg_char = Spec("char(5)", Dialect::kPostgreSQL);
  auto my_char = Spec("char(5)", Dialect::kMariaDB);
  CHECK(VerifyCanonical(pg_char, "ab   ") == VerifyCanonical(my_char, "ab"));
  auto vc = Spec("varchar(5)", Dialect::kMariaDB);
  CHECK(VerifyCanonical(vc, "ab ") != VerifyCanonical(vc, "ab"));
  // Case is a difference whatever the collation says.
  CHECK(VerifyCanonical(vc, "Ab") != VerifyCanonical(vc, "ab"));
}

TEST_CASE("floats compare within the tolerance") {
  auto d = Spec("float64", Dialect::kPostgreSQL);
  auto t = Spec("float64", Dialect::kMariaDB);
  // 0.1 and the next double up: the last bit.
  double x = 0.1, y = std::nextafter(0.1, 1.0);
  char a[64], b[64];
  std::snprintf(a, sizeof a, "%.17g", x);
  std::snprintf(b, sizeof b, "%.17g", y);
  CHECK(VerifyValuesEqual(d, std::string_view(a), t, std::string_view(b)));
  CHECK(VerifyCanonical(d, a) == VerifyCanonical(t, b));  // and they hash alike
  CHECK_FALSE(VerifyValuesEqual(d, std::string_view("0.1"), t, std::string_view("0.1000000000001")));
  // Bit-exact when the tolerance is 0.
  d.tolerance.float64 = t.tolerance.float64 = 0;
  CHECK_FALSE(VerifyValuesEqual(d, std::string_view(a), t, std::string_view(b)));
  CHECK(VerifyCanonical(d, a) != VerifyCanonical(t, b));
  CHECK(VerifyValuesEqual(d, std::string_view("-0"), t, std::string_view("0")));
  CHECK(QuantiseFloat("NaN", false, 0) == "nan");
  // float32 read widened from MySQL equals PostgreSQL's shortest float4 text.
  auto f = Spec("float32", Dialect::kMariaDB);
  auto g = Spec("float32", Dialect::kPostgreSQL);
  f.tolerance.float32 = g.tolerance.float32 = 0;
  CHECK(VerifyCanonical(f, "0.10000000149011612") == VerifyCanonical(g, "0.1"));
}

TEST_CASE("NULL-like and unreadable values stay distinct") {
  auto b = Spec("bool", Dialect::kPostgreSQL);
  CHECK(VerifyCanonical(b, "t") == "1");
  auto m = Spec("bool", Dialect::kMariaDB);
  CHECK(VerifyCanonical(b, "t") == VerifyCanonical(m, "1"));
  CHECK(VerifyCanonical(b, "maybe") != VerifyCanonical(b, "t"));
  auto i = Spec("int32 zerofill", Dialect::kMariaDB);
  CHECK(VerifyCanonical(i, "00042") == "42");
  CHECK(VerifyValuesEqual(i, std::nullopt, i, std::nullopt));
  CHECK_FALSE(VerifyValuesEqual(i, std::nullopt, i, std::string_view("0")));
}

TEST_CASE("PostgreSQL arrays compare with the JSON arrays they become") {
  auto s = Spec("array(int32)", Dialect::kPostgreSQL);
  auto t = Spec("array(int32)", Dialect::kMariaDB);
  t.target_side = true;
  CHECK(VerifyCanonical(s, "{1,2,NULL}") == VerifyCanonical(t, "[1, 2, null]"));
  auto bytes = Spec("blob(long)", Dialect::kPostgreSQL);
  auto raw = Spec("blob(long)", Dialect::kMariaDB);
  CHECK(VerifyCanonical(bytes, "\\x00ff") == VerifyCanonical(raw, std::string("\0\xff", 2)));
}

}  // namespace
}  // namespace sluice

namespace sluice {
namespace {

SqlFieldSide MySide(const std::string& col, const std::string& data_type, const std::string& charset = "",
                    bool nullable = true, int scale = -1, int fsp = 0, const std::string& column_type = "") {
  SqlFieldSide s;
  s.dialect = Dialect::kMariaDB;
  s.column = "`" + col + "`";
  s.read_expression = s.column;
  s.facts.data_type = data_type;
  s.facts.column_type = column_type.empty() ? data_type : column_type;
  s.facts.charset = charset;
  s.facts.nullable = nullable;
  s.facts.scale = scale;
  s.facts.fsp = fsp;
  return s;
}

SqlFieldSide PgSide(const std::string& col, const std::string& data_type, bool nullable = true, int scale = -1) {
  SqlFieldSide s;
  s.dialect = Dialect::kPostgreSQL;
  s.column = "\"" + col + "\"";
  s.read_expression = s.column;
  s.facts.data_type = data_type;
  s.facts.nullable = nullable;
  s.facts.scale = scale;
  return s;
}

std::optional<NeutralType> Neutral(const std::string& text) {
  std::string err;
  auto n = ParseNeutralType(text, &err);
  REQUIRE(n.has_value());
  return n;
}

TEST_CASE("in-database fields: same engine and type use the engine's own text") {
  std::string why;
  auto f = CanonicalSqlField(Neutral("int32"), true, MySide("id", "int", "", false), MySide("id", "int", "", false), &why);
  REQUIRE(f);
  CHECK(f->source == "`id`, ','");
  auto c = CanonicalSqlField(Neutral("char(120)"), true, MySide("c", "char", "utf8mb4", false),
                             MySide("c", "char", "utf8mb4", false), &why);
  REQUIRE(c);
  // MariaDB on both sides: delimited by a byte UTF-8 never holds.
  CHECK(c->target == "`c`, CHAR(255)");
  // Nullable: one argument that is never NULL (GROUP_CONCAT would skip the row).
  auto n = CanonicalSqlField(Neutral("varchar(20)"), true, MySide("a", "varchar", "latin1"),
                             MySide("a", "varchar", "latin1"), &why);
  REQUIRE(n);
  CHECK(n->source == "IFNULL(CONCAT(CONVERT(`a` USING utf8mb4), CAST(CHAR(255) AS BINARY)), CHAR(254))");
  auto b = CanonicalSqlField(Neutral("varbinary(4)"), true, MySide("b", "varbinary"), MySide("b", "varbinary"), &why);
  REQUIRE(b);
  CHECK(b->source == "IFNULL(CONCAT(HEX(`b`), CAST(CHAR(255) AS BINARY)), CHAR(254))");
  // Other MySQL-family engines keep the length prefix.
  SqlFieldSide my = MySide("a", "varchar", "latin1");
  my.dialect = Dialect::kMySQL;
  auto m = CanonicalSqlField(Neutral("varchar(20)"), true, my, my, &why);
  REQUIRE(m);
  CHECK(m->source == "IFNULL(CONCAT(LENGTH(CONVERT(`a` USING utf8mb4)), ':', CONVERT(`a` USING utf8mb4)), 'N')");
  // Doubles print shortest-exact on both sides of one engine.
  CHECK(CanonicalSqlField(Neutral("float64"), true, MySide("f", "double"), MySide("f", "double"), &why));
}

TEST_CASE("in-database fields across engines: only kinds both print alike") {
  std::string why;
  auto text = CanonicalSqlField(Neutral("text"), false, PgSide("a", "text"), MySide("a", "longtext", "utf8mb4"), &why);
  REQUIRE(text);
  CHECK(text->source == "coalesce(octet_length(\"a\"::text)::text || ':' || (\"a\"::text), 'N')");
  auto chr = CanonicalSqlField(Neutral("char(5)"), false, PgSide("c", "character"), MySide("c", "char", "utf8mb4"), &why);
  REQUIRE(chr);
  CHECK(chr->target.find("TRIM(TRAILING ' ' FROM `c`)") != std::string::npos);
  auto ts = CanonicalSqlField(Neutral("timestamp(6)"), false, PgSide("ts", "timestamp without time zone"),
                              MySide("ts", "datetime", "", true, -1, 6), &why);
  REQUIRE(ts);
  CHECK(ts->target == "IFNULL(CONCAT(TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM `ts`)), ','), 'N')");
  CHECK(CanonicalSqlField(Neutral("decimal(10,2)"), false, PgSide("d", "numeric", true, 2),
                          MySide("d", "decimal", "", true, 2), &why));
  auto zf = CanonicalSqlField(Neutral("int32"), false, MySide("i", "int", "", false, -1, 0, "int(5) unsigned zerofill"),
                              PgSide("i", "integer", false), &why);
  REQUIRE(zf);
  CHECK(zf->source == "(`i` + 0), ','");

  // Refused: the table is streamed instead.
  CHECK_FALSE(CanonicalSqlField(Neutral("decimal(10,2)"), false, PgSide("d", "numeric", true, 2),
                                MySide("d", "decimal", "", true, 4), &why));  // scales differ
  CHECK_FALSE(CanonicalSqlField(Neutral("decimal"), false, PgSide("d", "numeric"),
                                MySide("d", "decimal", "", true, 30), &why));  // unbounded numeric
  CHECK_FALSE(CanonicalSqlField(Neutral("float64"), false, PgSide("f", "double precision"), MySide("f", "double"), &why));
  CHECK(why == "double precision -> double has no canonical text in both SQL dialects");
  CHECK_FALSE(CanonicalSqlField(Neutral("timestamp(6) with tz"), false, PgSide("t", "timestamp with time zone"),
                                MySide("t", "timestamp", "", true, -1, 6), &why));
  CHECK_FALSE(CanonicalSqlField(Neutral("jsonb"), false, PgSide("j", "jsonb"), MySide("j", "longtext", "utf8mb4"), &why));
  // A timestamp written into a text column prints differently on each engine.
  CHECK_FALSE(CanonicalSqlField(Neutral("timestamp(6)"), false, PgSide("t", "timestamp without time zone"),
                                MySide("t", "varchar", "utf8mb4"), &why));
  SqlFieldSide tidb = MySide("id", "int");
  tidb.dialect = Dialect::kTiDB;
  CHECK_FALSE(CanonicalSqlField(Neutral("int32"), true, tidb, tidb, &why));
}

TEST_CASE("chunk digest queries") {
  CHECK(SqlChunkDigestQuery(Dialect::kMariaDB, {"`id`, ','", "LENGTH(`c`), ':', `c`"}, "`d`.`t`", "`id` > 5", "") ==
        "SELECT COUNT(*), SHA2(GROUP_CONCAT(`id`, ',', LENGTH(`c`), ':', `c` SEPARATOR ''), 256) FROM `d`.`t` "
        "WHERE `id` > 5");
  CHECK(SqlChunkDigestQuery(Dialect::kMariaDB, {"`id`, ','"}, "`t`", "", "`id`") ==
        "SELECT COUNT(*), SHA2(GROUP_CONCAT(`id`, ',' ORDER BY `id` SEPARATOR ''), 256) FROM `t`");
  CHECK(SqlChunkDigestQuery(Dialect::kPostgreSQL, {"a", "b"}, "\"t\"", "x > 1", "\"id\"") ==
        "SELECT count(*), encode(sha256(convert_to(string_agg(a || b, '' ORDER BY \"id\"), 'UTF8')), 'hex') "
        "FROM \"t\" WHERE x > 1");
}

}  // namespace
}  // namespace sluice

namespace sluice {
namespace {

TEST_CASE("the plan's verify settings become the run's options") {
  RunSettings s;
  VerifyRunOptions o;
  std::string error;
  REQUIRE(ApplyVerifySettings(s, ".sluice/shop", &o, &error));
  CHECK(o.fix == FixMode::kSqlFile);
  CHECK(o.fix_sql == ".sluice/shop/fix.sql");
  CHECK(o.chunk_rows == 10000);
  CHECK(o.parallel == 2);

  s.verify_fix = "apply";
  s.verify_fix_sql = "/tmp/x.sql";
  s.verify_chunk_rows = 777;
  s.verify_parallel = 5;
  REQUIRE(ApplyVerifySettings(s, ".sluice/shop", &o, &error));
  CHECK(o.fix == FixMode::kApply);
  CHECK(o.fix_sql == "/tmp/x.sql");
  CHECK(o.chunk_rows == 777);
  CHECK(o.parallel == 5);

  s.verify_fix = "none";
  REQUIRE(ApplyVerifySettings(s, ".sluice/shop", &o, &error));
  CHECK(o.fix == FixMode::kNone);

  s.verify_fix = "maybe";
  CHECK_FALSE(ApplyVerifySettings(s, ".sluice/shop", &o, &error));
  CHECK(error == "settings.verify.fix: unknown value 'maybe' (expected sql-file, apply or none)");
  s.verify_fix = "apply";
  s.verify_parallel = 0;
  CHECK_FALSE(ApplyVerifySettings(s, ".sluice/shop", &o, &error));
  CHECK(error == "settings.verify.parallel: 0 is not in 1..64");
}

}  // namespace
}  // namespace sluice
