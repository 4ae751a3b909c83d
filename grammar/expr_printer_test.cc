#include "grammar/expr_printer.h"

#include <string>

#include "doctest/doctest.h"
#include "grammar/expr_parser.h"
#include "grammar/translation_tables.h"

namespace sluice {
namespace {

PrintResult Translate(const std::string& text, Dialect from, Dialect to, const PrintOptions& o = {}) {
  auto r = ParseExpression(text, from);
  REQUIRE_MESSAGE(r.ok(), text << ": " << (r.errors.empty() ? "" : FormatParseError(r.errors[0])));
  return PrintExpression(*r.expr, to, o);
}

TEST_CASE("printer: identifiers that need quoting round-trip in both families") {
  const char* names[] = {"select", "a b", "we`ird", "dq\"x", "ünï", "Mixed", "1abc", ""};
  for (const char* n : names) {
    if (std::string(n).empty()) continue;
    for (Dialect d : {Dialect::kMySQL, Dialect::kPostgreSQL}) {
      std::string q = QuoteIdentifier(n, d);
      auto r = ParseExpression(q, d);
      REQUIRE_MESSAGE(r.ok(), q);
      REQUIRE(r.expr->kind == ExprKind::kColumnRef);
      CHECK(r.expr->name[0].name == n);
      CHECK(PrintExpression(*r.expr, d).text == q);
    }
  }
}

TEST_CASE("printer: strings round-trip byte for byte") {
  const std::string values[] = {"plain", "it's", "back\\slash", "line\nbreak\ttab", "\\%", "\x1A", "é€😀"};
  for (const auto& v : values) {
    for (Dialect d : {Dialect::kMySQL, Dialect::kPostgreSQL}) {
      auto q = QuoteString(v, d);
      REQUIRE(q.has_value());
      auto r = ParseExpression(*q, d);
      REQUIRE_MESSAGE(r.ok(), *q);
      CHECK(r.expr->text == v);
    }
  }
  CHECK_FALSE(QuoteString(std::string("a\0b", 3), Dialect::kPostgreSQL).has_value());
  CHECK(QuoteString(std::string("a\0b", 3), Dialect::kMySQL) == "'a\\0b'");
}

TEST_CASE("printer: options") {
  PrintOptions o;
  o.booleans_as_integers = true;
  CHECK(Translate("true", Dialect::kPostgreSQL, Dialect::kMySQL, o).text == "1");
  PrintOptions b;
  b.integers_as_booleans = true;
  CHECK(Translate("1", Dialect::kMySQL, Dialect::kPostgreSQL, b).text == "TRUE");
  CHECK(Translate("a = 1", Dialect::kMySQL, Dialect::kPostgreSQL, b).text == "\"a\" = 1");
  PrintOptions p;
  p.current_timestamp_precision = 6;
  CHECK(Translate("now()", Dialect::kPostgreSQL, Dialect::kMySQL, p).text == "CURRENT_TIMESTAMP(6)");
  PrintOptions hook;
  int calls = 0;
  hook.map_cast_type = [&](const TypeName& t, Dialect target) {
    ++calls;
    CHECK(t.name == "int");
    CHECK(target == Dialect::kOceanBase);
    return TypeMapping{"SIGNED", Outcome::kLossy, "int widened"};
  };
  auto r = Translate("x::int", Dialect::kPostgreSQL, Dialect::kOceanBase, hook);
  CHECK(calls == 1);
  CHECK(r.text == "CAST(`x` AS SIGNED)");
  CHECK(r.outcome == Outcome::kLossy);
  CHECK(r.messages == std::vector<std::string>{"int widened"});
}

TEST_CASE("printer: sequence defaults") {
  std::string seq;
  auto a = ParseExpression("nextval('orders_id_seq'::regclass)", Dialect::kPostgreSQL);
  CHECK(IsSequenceDefault(*a.expr, &seq));
  CHECK(seq == "orders_id_seq");
  auto b = ParseExpression("pg_catalog.nextval('s.\"Odd\"')", Dialect::kPostgreSQL);
  CHECK(IsSequenceDefault(*b.expr, &seq));
  CHECK(seq == "s.\"Odd\"");
  auto c = ParseExpression("nextval(x)", Dialect::kPostgreSQL);
  CHECK_FALSE(IsSequenceDefault(*c.expr, &seq));
  auto d = ParseExpression("other.nextval('s')", Dialect::kPostgreSQL);
  CHECK_FALSE(IsSequenceDefault(*d.expr, &seq));
}

TEST_CASE("printer: every binary operator has a table row and a precedence") {
  for (int i = 0; i <= static_cast<int>(BinaryOp::kHasAllKeys); ++i) {
    auto op = static_cast<BinaryOp>(i);
    CHECK(tables::OperatorRuleFor(op).op == op);
  }
}

TEST_CASE("printer: parentheses follow the target's precedence") {
  // MySQL: & binds tighter than |, so (a | b) & c needs parentheses there; in
  // PostgreSQL both are left-associative "other operators" and it needs none.
  CHECK(Translate("(a | b) & c", Dialect::kMySQL, Dialect::kMySQL).text == "(`a` | `b`) & `c`");
  CHECK(Translate("(a | b) & c", Dialect::kMySQL, Dialect::kPostgreSQL).text == "\"a\" | \"b\" & \"c\"");
  CHECK(Translate("a | (b & c)", Dialect::kPostgreSQL, Dialect::kPostgreSQL).text == "\"a\" | (\"b\" & \"c\")");
  CHECK(Translate("a | (b & c)", Dialect::kPostgreSQL, Dialect::kMySQL).text == "`a` | `b` & `c`");
  // PostgreSQL a = (b = c) needs them kept; (a = b) = c too (non-associative).
  CHECK(Translate("(a = b) = c", Dialect::kPostgreSQL, Dialect::kPostgreSQL).text == "(\"a\" = \"b\") = \"c\"");
  // PostgreSQL LIKE binds tighter than =; MySQL needs no parentheses either.
  CHECK(Translate("a = (b LIKE c)", Dialect::kPostgreSQL, Dialect::kMySQL).text == "`a` = `b` LIKE `c`");
  // NOT over IS in PostgreSQL.
  CHECK(Translate("(NOT a) IS NULL", Dialect::kMySQL, Dialect::kPostgreSQL).text == "(NOT \"a\") IS NULL");
  // Unary minus before a negative literal never becomes a comment.
  CHECK(Translate("-(-1)", Dialect::kMySQL, Dialect::kMySQL).text == "-(-1)");
}

TEST_CASE("printer: parse -> print -> parse is stable for both families") {
  const char* my[] = {"a + b * c - d / e", "NOT (a OR b) AND c XOR d", "a BETWEEN b AND c + 1 OR x IN (1, 2)",
                      "IF(a, b, c) + IFNULL(d, 0)", "x LIKE 'a\\_%' ESCAPE '!'", "-a ^ b", "a <=> NULL",
                      "CASE WHEN a THEN 1 END IS NULL", "`x` COLLATE utf8mb4_bin = 'y'"};
  for (const char* s : my) {
    auto once = Translate(s, Dialect::kMySQL, Dialect::kMySQL).text;
    CHECK(Translate(once, Dialect::kMySQL, Dialect::kMySQL).text == once);
  }
  const char* pg[] = {"a || b || c", "a::text::int", "arr[1:2][3]", "x AT TIME ZONE 'UTC' + INTERVAL '1 day'",
                      "(a ~ 'x') IS TRUE", "- a ^ 2", "NOT a IS DISTINCT FROM b", "ARRAY[1, 2] && ARRAY[2]"};
  for (const char* s : pg) {
    auto once = Translate(s, Dialect::kPostgreSQL, Dialect::kPostgreSQL).text;
    CHECK(Translate(once, Dialect::kPostgreSQL, Dialect::kPostgreSQL).text == once);
  }
}

}  // namespace
}  // namespace sluice
