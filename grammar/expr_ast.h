#pragma once
// The neutral expression AST shared by every dialect. The parser
// (grammar/expr_parser.h) builds it from MySQL-family or PostgreSQL text; the
// printer (grammar/expr_printer.h) writes it back in any dialect.
//
// One node struct, Expr, with a closed set of kinds. Which fields a kind uses
// is listed next to the kind; unused fields stay empty. Children are owned
// (unique_ptr); ForEachChild visits them in source order. Nodes carry the byte
// span they were parsed from so later stages can point at them.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/dialect.h"
#include "grammar/type_name.h"

namespace sluice {

// Bytes [offset, offset + length) of the text the node was parsed from.
struct Span {
  uint32_t offset = 0;
  uint32_t length = 0;
  bool operator==(const Span&) const = default;
};

// A name part as the engine stores it: quotes removed, doubled quotes undone,
// case as written. `quoted` remembers whether it was quoted (PostgreSQL folds
// unquoted names to lower case; the printer always quotes).
struct Identifier {
  std::string name;
  bool quoted = false;
  bool operator==(const Identifier&) const = default;
};

enum class LiteralKind {
  kNull,
  kBool,       // text "true" / "false"
  kInteger,    // text: decimal digits as written
  kDecimal,    // text: "1.50", ".5"
  kFloat,      // text: "1e10", "2.5E-3"
  kString,     // text: the unescaped value (bytes); introducer: "utf8mb4", "N" or ""
  kHexString,  // X'0AFF' / 0x0AFF: text = hex digits; hex_number = 0x form
  kBitString,  // B'0101' / 0b0101: text = bits
  kDate,       // DATE '2024-01-01': text = the string value
  kTime,       // TIME '10:00'
  kTimestamp,  // TIMESTAMP '2024-01-01 10:00'
};

enum class UnaryOp {
  kNegate,   // -x
  kPlus,     // +x
  kNot,      // NOT x, MySQL !x
  kBitNot,   // ~x
  kBinary,   // MySQL BINARY x (cast to a binary string)
};

enum class BinaryOp {
  kAdd, kSub, kMul, kDiv,
  kIntDiv,   // MySQL DIV
  kMod,      // % / MOD
  kPow,      // PostgreSQL ^
  kBitAnd, kBitOr,
  kBitXor,   // MySQL ^, PostgreSQL #
  kShiftLeft, kShiftRight,
  kEq, kNe, kLt, kLe, kGt, kGe,
  kAnd, kOr,
  kXor,      // MySQL logical XOR
  kConcat,   // PostgreSQL ||
  kJsonGet, kJsonGetText,          // -> ->>
  kJsonPath, kJsonPathText,        // #> #>>  (PostgreSQL)
  kContains, kContainedBy,         // @> <@   (PostgreSQL)
  kOverlaps,                       // &&      (PostgreSQL arrays/ranges)
  kHasKey, kHasAnyKey, kHasAllKeys // ? ?| ?& (PostgreSQL jsonb)
};

enum class ExprKind {
  kLiteral,      // literal_kind, text, introducer, hex_number
  kParam,        // text: "$1" or "?"
  kColumnRef,    // name: a, t.a, s.t.a
  kStar,         // name: qualifier parts of t.* (empty for *)
  kFunction,     // name, args, arg_names, distinct, star, order_by, separator,
                 // within_group, filter, over, syntax (see FunctionSyntax)
  kCurrent,      // text: "current_timestamp" | "current_date" | "current_time" |
                 //       "localtimestamp" | "localtime"; precision
  kUnary,        // unary_op, args[0]
  kBinary,       // binary_op, args[0], args[1]
  kCast,         // args[0], type, cast_syntax
  kConvertUsing, // MySQL CONVERT(x USING cs): args[0], text = charset
  kCase,         // operand (may be null), args = when0, then0, when1, then1...,
                 // else_expr (may be null)
  kInList,       // args[0] IN (args[1..]), negated
  kInSubquery,   // args[0] IN (select), negated
  kQuantified,   // args[0] op ANY|ALL (select or args[1]): binary_op, text "any"|"all"
  kBetween,      // args[0] BETWEEN args[1] AND args[2]: negated, symmetric
  kLike,         // args[0] LIKE args[1] [ESCAPE args[2]]: negated,
                 // case_insensitive (ILIKE), similar (SIMILAR TO)
  kRegex,        // args[0] ~ args[1]: negated, case_insensitive (~*);
                 // MySQL REGEXP/RLIKE parse with case_insensitive=false and
                 // collation_dependent=true
  kIsNull,       // args[0] IS [NOT] NULL: negated
  kIsBool,       // args[0] IS [NOT] TRUE|FALSE|UNKNOWN: text, negated
  kIsDistinct,   // args[0] IS [NOT] DISTINCT FROM args[1]: negated
                 // (MySQL a <=> b parses as IS NOT DISTINCT FROM)
  kSubquery,     // (select)
  kExists,       // EXISTS (select)
  kArray,        // ARRAY[args...] (nested [..] are kArray children); or ARRAY(select)
  kRow,          // (a, b) / ROW(a, b): args
  kSubscript,    // args[0][args[1]] or slice args[0][args[1]:args[2]] (null ends allowed)
  kInterval,     // INTERVAL args[0] unit: text = unit ("day", "day to second",
                 // "day_hour"; "" for PostgreSQL's INTERVAL '1 day'); precision
  kCollate,      // args[0] COLLATE text
  kAtTimeZone,   // args[0] AT TIME ZONE args[1]
};

// Spelling of special-syntax calls, kept so each target can print its own.
enum class FunctionSyntax {
  kPlain,          // f(a, b)
  kExtract,        // EXTRACT(text FROM args[0])
  kSubstringFrom,  // SUBSTRING(args[0] FROM args[1] [FOR args[2]])
  kTrim,           // TRIM([text] [args[1]] FROM args[0]); text: "both"|"leading"|"trailing"|""
  kPosition,       // POSITION(args[0] IN args[1])
};

enum class CastSyntax { kCast, kColons, kConvert };

struct Expr;
struct Select;
using ExprPtr = std::unique_ptr<Expr>;

struct OrderItem {
  ExprPtr expr;
  std::optional<bool> descending;   // nullopt: not stated
  std::optional<bool> nulls_first;  // nullopt: not stated
};

struct WindowSpec {
  std::string ref_name;  // OVER w, or OVER (w ...)
  std::vector<ExprPtr> partition_by;
  std::vector<OrderItem> order_by;
  std::string frame;     // frame clause as written ("ROWS BETWEEN 1 PRECEDING AND CURRENT ROW")
};

struct Expr {
  Expr();
  explicit Expr(ExprKind k);
  ~Expr();
  Expr(Expr&&) noexcept;
  Expr& operator=(Expr&&) noexcept;

  ExprKind kind = ExprKind::kLiteral;
  Span span;
  // The dialect the node was parsed from: function names and some literals
  // mean different things per family (MySQL LENGTH counts bytes).
  Dialect source = Dialect::kMySQL;

  LiteralKind literal_kind = LiteralKind::kNull;
  std::string text;
  std::string introducer;
  bool hex_number = false;

  std::vector<Identifier> name;
  UnaryOp unary_op = UnaryOp::kNegate;
  BinaryOp binary_op = BinaryOp::kEq;
  bool negated = false;
  bool case_insensitive = false;
  bool collation_dependent = false;
  bool similar = false;
  bool symmetric = false;
  bool slice = false;
  bool parens = false;  // kCurrent written with parentheses: CURRENT_TIMESTAMP()
  std::optional<int> precision;

  TypeName type;
  CastSyntax cast_syntax = CastSyntax::kCast;

  // kFunction
  FunctionSyntax syntax = FunctionSyntax::kPlain;
  bool distinct = false;
  bool star = false;
  std::vector<std::string> arg_names;  // parallel to args; "" for positional
  std::vector<OrderItem> order_by;     // ORDER BY inside an aggregate
  std::optional<std::string> separator;  // MySQL GROUP_CONCAT SEPARATOR
  std::vector<OrderItem> within_group;
  ExprPtr filter;
  std::unique_ptr<WindowSpec> over;

  ExprPtr operand;    // CASE operand
  ExprPtr else_expr;  // CASE ELSE
  std::vector<ExprPtr> args;
  std::unique_ptr<Select> select;

  // Lower-case last name part of a function or "" (convenience for tables).
  std::string FunctionName() const;
};

// Visits every direct child expression (not those inside a subquery).
void ForEachChild(const Expr& e, const std::function<void(const Expr&)>& fn);

// Deep copy (subqueries included).
ExprPtr CloneExpr(const Expr& e);

ExprPtr MakeLiteral(LiteralKind kind, std::string text);
ExprPtr MakeColumn(std::vector<Identifier> name);
ExprPtr MakeFunction(std::string name, std::vector<ExprPtr> args);

// ---------------------------------------------------------------- SELECT

struct SelectItem {
  ExprPtr expr;  // kStar for * and t.*
  std::optional<Identifier> alias;
};

enum class JoinType { kInner, kLeft, kRight, kFull, kCross };

struct TableRef {
  TableRef();
  ~TableRef();
  TableRef(TableRef&&) noexcept;
  TableRef& operator=(TableRef&&) noexcept;

  enum class Kind { kTable, kDerived, kJoin };
  Kind kind = Kind::kTable;
  std::vector<Identifier> name;                // kTable
  std::unique_ptr<Select> subquery;            // kDerived
  bool lateral = false;                        // kDerived
  std::optional<Identifier> alias;             // kTable, kDerived
  std::vector<Identifier> column_aliases;      // kDerived
  JoinType join_type = JoinType::kInner;       // kJoin
  bool natural = false;                        // kJoin
  std::unique_ptr<TableRef> left, right;       // kJoin
  ExprPtr on;                                  // kJoin
  std::vector<Identifier> using_columns;       // kJoin
};

struct Cte {
  Identifier name;
  std::vector<Identifier> columns;
  std::unique_ptr<Select> query;
};

enum class SetOp { kUnion, kIntersect, kExcept };

struct Select {
  Select();
  ~Select();
  Select(Select&&) noexcept;
  Select& operator=(Select&&) noexcept;

  enum class Kind { kCore, kSetOp, kNested };
  Kind kind = Kind::kCore;
  Span span;
  Dialect source = Dialect::kMySQL;

  std::vector<Cte> with;
  bool recursive = false;

  // kCore
  bool distinct = false;
  std::vector<SelectItem> items;
  std::vector<TableRef> from;  // comma-separated list
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  ExprPtr having;

  // kSetOp: left op right; kNested: left is the parenthesised query
  SetOp set_op = SetOp::kUnion;
  bool set_all = false;
  std::unique_ptr<Select> left, right;

  std::vector<OrderItem> order_by;
  ExprPtr limit;
  ExprPtr offset;
};

// Deep copy.
std::unique_ptr<Select> CloneSelect(const Select& s);

const char* BinaryOpName(BinaryOp op);  // "kAdd" style names for tests and messages
const char* ExprKindName(ExprKind k);

}  // namespace sluice
