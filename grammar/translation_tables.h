#pragma once
// Internal to grammar/: the dialect translation tables the printer reads.
// Every difference between the families is a row here, never an `if` in the
// printer. A template may start with "op:NAME " (add, mul, cmp, is, other,
// atz) naming its top-level operator; <n and >n then place an argument as the
// left/right operand of that operator. Templates: $1..$9 an argument as is (it sits inside parentheses or
// between keywords), @1..@9 an argument wrapped in parentheses unless it is
// atomic, $* all arguments joined with ", ". A rule written "name()" is a
// rename: the call keeps its arguments, DISTINCT, ORDER BY, FILTER and OVER.

#include <span>

#include "grammar/expr_ast.h"
#include "grammar/expr_printer.h"

namespace sluice::tables {

enum class Family { kMySQL, kPostgreSQL };

inline Family FamilyOf(Dialect d) { return IsMySQLFamily(d) ? Family::kMySQL : Family::kPostgreSQL; }

// A function of the `from` family printed for the other family.
struct FunctionRule {
  Family from;
  const char* name;   // lower-case
  int min_args;
  int max_args;       // -1: any
  const char* out;    // rename or template; nullptr: unsupported
  Outcome outcome;
  const char* note;   // what is lost / why unsupported and what to do
};
std::span<const FunctionRule> FunctionRules();

// Functions both families have with the same name and meaning.
std::span<const char* const> SharedFunctions();

// Differences between members of the MySQL family (printing a MySQL-family
// source for another MySQL-family target).
struct VariantRule {
  Dialect target;
  const char* name;
  const char* out;    // nullptr: unsupported
  Outcome outcome;
  const char* note;
};
std::span<const VariantRule> VariantRules();

// Binary operators: spelling per family and the outcome of crossing over.
struct OperatorRule {
  BinaryOp op;
  const char* mysql;        // operator text, or a template with @1 @2
  const char* postgresql;
  Outcome to_mysql;         // printing a PostgreSQL-source node for MySQL
  const char* to_mysql_note;
  Outcome to_postgresql;    // printing a MySQL-source node for PostgreSQL
  const char* to_postgresql_note;
};
const OperatorRule& OperatorRuleFor(BinaryOp op);

// Precedence levels (higher binds tighter); kAtom for primaries.
inline constexpr int kAtom = 100;
int BinaryLevel(Family f, BinaryOp op);

// Cast targets for a family that restricts them (MySQL) or renames them.
enum class Fold { kNone, kString, kNumber, kTemporal };
struct CastRule {
  Family from;        // source family of the cast node
  const char* type;   // lower-case TypeName::name
  const char* out;    // target spelling; $n -> (n), $ps -> (p[,s]), $p -> (p); nullptr unsupported
  Outcome outcome;
  const char* note;
  Fold fold;          // a string literal cast to this type may print as the literal itself
};
std::span<const CastRule> CastRules();

}  // namespace sluice::tables
