#include "grammar/expr_parser.h"

#include <string>

#include "doctest/doctest.h"

namespace sluice {
namespace {

ExprPtr Parse(const std::string& text, Dialect d) {
  auto r = ParseExpression(text, d);
  REQUIRE_MESSAGE(r.ok(), text << ": " << (r.errors.empty() ? "" : FormatParseError(r.errors[0])));
  return std::move(r.expr);
}

TEST_CASE("parser: AST shape of binary operators follows each family's precedence") {
  // MySQL: | binds looser than &; PostgreSQL: both are "other operators", left-assoc.
  auto my = Parse("a | b & c", Dialect::kMySQL);
  CHECK(my->binary_op == BinaryOp::kBitOr);
  CHECK(my->args[1]->binary_op == BinaryOp::kBitAnd);
  auto pg = Parse("a | b & c", Dialect::kPostgreSQL);
  CHECK(pg->binary_op == BinaryOp::kBitAnd);
  CHECK(pg->args[0]->binary_op == BinaryOp::kBitOr);
  // || is OR in MySQL, concatenation in PostgreSQL; ^ is XOR vs power.
  CHECK(Parse("a || b", Dialect::kMySQL)->binary_op == BinaryOp::kOr);
  CHECK(Parse("a || b", Dialect::kPostgreSQL)->binary_op == BinaryOp::kConcat);
  CHECK(Parse("a ^ b", Dialect::kMySQL)->binary_op == BinaryOp::kBitXor);
  CHECK(Parse("a ^ b", Dialect::kPostgreSQL)->binary_op == BinaryOp::kPow);
  // NOT binds looser than comparison in both.
  auto n = Parse("NOT a = b", Dialect::kMySQL);
  CHECK(n->kind == ExprKind::kUnary);
  CHECK(n->args[0]->binary_op == BinaryOp::kEq);
  // BETWEEN's AND is not the logical AND.
  auto b = Parse("x BETWEEN 1 AND 2 AND y", Dialect::kPostgreSQL);
  CHECK(b->binary_op == BinaryOp::kAnd);
  CHECK(b->args[0]->kind == ExprKind::kBetween);
}

TEST_CASE("parser: literals are unescaped per family") {
  CHECK(Parse("'a\\'b'", Dialect::kMySQL)->text == "a'b");
  CHECK(Parse("'a\\nb'", Dialect::kMySQL)->text == "a\nb");
  CHECK(Parse("'a\\%b'", Dialect::kMySQL)->text == "a\\%b");
  CHECK(Parse("'a\\nb'", Dialect::kPostgreSQL)->text == "a\\nb");
  CHECK(Parse("E'a\\nb\\x41\\u00e9'", Dialect::kPostgreSQL)->text == "a\nbA\xC3\xA9");
  CHECK(Parse("$q$it's$q$", Dialect::kPostgreSQL)->text == "it's");
  CHECK(Parse("\"dq\"", Dialect::kMySQL)->literal_kind == LiteralKind::kString);
  CHECK(Parse("\"dq\"", Dialect::kPostgreSQL)->kind == ExprKind::kColumnRef);
  auto intro = Parse("_utf8mb4'x'", Dialect::kMySQL);
  CHECK(intro->introducer == "utf8mb4");
  CHECK(intro->text == "x");
  auto hex = Parse("X'1F'", Dialect::kPostgreSQL);
  CHECK(hex->literal_kind == LiteralKind::kBitString);
  CHECK(hex->text == "00011111");
  auto d = Parse("DATE '2024-01-01'", Dialect::kPostgreSQL);
  CHECK(d->literal_kind == LiteralKind::kDate);
  CHECK(d->text == "2024-01-01");
}

TEST_CASE("parser: identifiers, spans and source dialect") {
  auto e = Parse("  `we``ird`.`a b` + 1", Dialect::kMySQL);
  const Expr& col = *e->args[0];
  REQUIRE(col.name.size() == 2);
  CHECK(col.name[0].name == "we`ird");
  CHECK(col.name[1].name == "a b");
  CHECK(col.name[1].quoted);
  CHECK(col.span == Span{2, 15});
  CHECK(e->span == Span{2, 19});
  CHECK(col.source == Dialect::kMySQL);
  // Spans count bytes, not code points.
  auto u = Parse("'é' = x", Dialect::kPostgreSQL);
  CHECK(u->args[1]->span == Span{7, 1});
}

TEST_CASE("parser: casts, intervals, CASE and functions") {
  auto c = Parse("a::character varying(20)[]", Dialect::kPostgreSQL);
  REQUIRE(c->kind == ExprKind::kCast);
  CHECK(c->type.name == "character varying");
  CHECK(c->type.params == std::vector<int64_t>{20});
  CHECK(c->type.array_dims == 1);
  auto i = Parse("INTERVAL 3 DAY_HOUR", Dialect::kMySQL);
  CHECK(i->kind == ExprKind::kInterval);
  CHECK(i->text == "day_hour");
  auto k = Parse("CASE x WHEN 1 THEN 'a' ELSE 'b' END", Dialect::kMySQL);
  CHECK(k->operand != nullptr);
  CHECK(k->args.size() == 2);
  CHECK(k->else_expr != nullptr);
  auto f = Parse("string_agg(DISTINCT a, ',' ORDER BY a DESC) FILTER (WHERE a > 0)", Dialect::kPostgreSQL);
  CHECK(f->distinct);
  CHECK(f->order_by.size() == 1);
  CHECK(f->order_by[0].descending == true);
  CHECK(f->filter != nullptr);
  auto w = Parse("sum(x) OVER (PARTITION BY a ORDER BY b ROWS UNBOUNDED PRECEDING)", Dialect::kMySQL);
  REQUIRE(w->over != nullptr);
  CHECK(w->over->frame == "ROWS UNBOUNDED PRECEDING");
  auto named = Parse("make_interval(days => 1)", Dialect::kPostgreSQL);
  CHECK(named->arg_names == std::vector<std::string>{"days"});
  int children = 0;
  ForEachChild(*f, [&](const Expr&) { ++children; });
  CHECK(children == 4);  // a, ',', ORDER BY a, FILTER
  auto copy = CloneExpr(*f);
  CHECK(copy->order_by.size() == 1);
  CHECK(copy->filter->binary_op == BinaryOp::kGt);
}

TEST_CASE("parser: type names fill TypeName exactly") {
  auto t = ParseTypeName("INT(11) UNSIGNED ZEROFILL", Dialect::kMySQL);
  REQUIRE(t.ok());
  CHECK(t.type->name == "int");
  CHECK(t.type->params == std::vector<int64_t>{11});
  CHECK(t.type->is_unsigned);
  CHECK(t.type->zerofill);
  CHECK(t.type->raw == "INT(11) UNSIGNED ZEROFILL");
  auto e = ParseTypeName("enum('a','it''s')", Dialect::kMySQL);
  CHECK(e.type->labels == std::vector<std::string>{"a", "it's"});
  auto ts = ParseTypeName("timestamptz(3)", Dialect::kPostgreSQL);
  CHECK(ts.type->name == "timestamp");
  CHECK(ts.type->with_time_zone == true);
  auto iv = ParseTypeName("interval day to second(3)", Dialect::kPostgreSQL);
  CHECK(iv.type->interval_fields == "day to second");
  CHECK(iv.type->params == std::vector<int64_t>{3});
  auto u = ParseTypeName("public.\"Mood\"", Dialect::kPostgreSQL);
  CHECK(u.type->schema == "public");
  CHECK(u.type->name == "Mood");
  auto cs = ParseTypeName("varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", Dialect::kMySQL);
  CHECK(cs.type->charset == "utf8mb4");
  CHECK(cs.type->collation == "utf8mb4_bin");
  auto g = ParseTypeName("point SRID 4326", Dialect::kMySQL);
  CHECK(g.type->srid == 4326);
  auto arr = ParseTypeName("int ARRAY[4]", Dialect::kPostgreSQL);
  CHECK(arr.type->array_dims == 1);
}

TEST_CASE("parser: errors carry exact offsets") {
  auto r = ParseExpression("a + (b * ", Dialect::kMySQL);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0] == ParseError{4, 1, "unclosed '('", "add a matching ')'"});
  auto s = ParseExpression("x = 'abc", Dialect::kPostgreSQL);
  REQUIRE(s.errors.size() == 1);
  CHECK(s.errors[0].offset == 4);
  CHECK(s.errors[0].length == 4);
  CHECK(s.errors[0].message == "unclosed string literal");
  auto bad = ParseExpression(std::string("a = '\xff'"), Dialect::kMySQL);
  REQUIRE(bad.errors.size() == 1);
  CHECK(bad.errors[0].offset == 5);
  CHECK(bad.errors[0].message == "invalid UTF-8 byte sequence");
  auto sel = ParseSelect("SELECT a FROM t WHERE", Dialect::kMySQL);
  CHECK_FALSE(sel.ok());
  CHECK(sel.select == nullptr);
}

TEST_CASE("parser: nesting is capped, long flat inputs are fine") {
  std::string deep(kMaxNestingDepth + 1, '(');
  deep += "1" + std::string(kMaxNestingDepth + 1, ')');
  auto r = ParseExpression(deep, Dialect::kMySQL);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message.find("nested too deeply") != std::string::npos);
  std::string ok(kMaxNestingDepth - 1, '(');
  ok += "1" + std::string(kMaxNestingDepth - 1, ')');
  CHECK(ParseExpression(ok, Dialect::kPostgreSQL).ok());
  std::string minus(5000, '-');
  CHECK_FALSE(ParseExpression(minus + "1", Dialect::kMySQL).ok());
  std::string nots;
  for (int i = 0; i < 1000; ++i) nots += "NOT ";
  CHECK_FALSE(ParseExpression(nots + "a", Dialect::kPostgreSQL).ok());
  // A long IN list is flat.
  std::string in = "a IN (0";
  for (int i = 1; i < 20000; ++i) in += "," + std::to_string(i);
  CHECK(ParseExpression(in + ")", Dialect::kMySQL).ok());
  // A long operator chain is deep in the tree: refused, not a crash.
  std::string chain = "a";
  for (int i = 0; i < 50000; ++i) chain += " + a";
  auto c = ParseExpression(chain, Dialect::kPostgreSQL);
  CHECK_FALSE(c.ok());
  std::string shorter = "a";
  for (int i = 0; i < 500; ++i) shorter += " OR a = " + std::to_string(i);
  CHECK(ParseExpression(shorter, Dialect::kMySQL).ok());
}

}  // namespace
}  // namespace sluice
