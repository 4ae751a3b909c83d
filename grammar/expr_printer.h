#pragma once
// Printing the neutral AST (grammar/expr_ast.h) as SQL for one target dialect.
//
// Each node remembers the dialect it was parsed from; the printer translates
// what differs between the families with the tables in
// grammar/translation_tables.cc (functions, operators, cast targets), and says
// how faithful the result is: exact, lossy (with what is lost) or unsupported
// (with why and what to do). Unsupported output is never meant to be run: the
// text is still filled in so a report can show it, but callers must refuse it.
// Identifiers are always quoted in the target's style.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/dialect.h"
#include "common/outcome.h"
#include "grammar/expr_ast.h"
#include "grammar/type_name.h"

namespace sluice {

// Outcome (exact | lossy | unsupported) and OutcomeName are shared by every
// translation layer: common/outcome.h. The printer never yields kUserOverride.

// What a cast target becomes (for the type hook).
struct TypeMapping {
  std::string text;  // the type as the target's CAST / :: accepts it
  Outcome outcome = Outcome::kExact;
  std::string message;  // what is lost or why unsupported
};

struct PrintOptions {
  // Maps the type of a cast (x::int, CAST(x AS t), CONVERT(x, t)) to the
  // target's spelling. When empty, the printer uses its own table of cast
  // targets: MySQL's CAST accepts only SIGNED, UNSIGNED, CHAR, DECIMAL, DATE,
  // DATETIME, TIME, BINARY, JSON, DOUBLE, FLOAT, YEAR, so PostgreSQL type names
  // are rewritten into those; same-family casts print as written.
  std::function<TypeMapping(const TypeName& type, Dialect target)> map_cast_type;
  // Print TRUE/FALSE as 1/0 (a MySQL default for a tinyint(1) column).
  bool booleans_as_integers = false;
  // Print a top-level integer literal 0/1 as FALSE/TRUE (a MySQL tinyint(1)
  // default going to a PostgreSQL boolean column).
  bool integers_as_booleans = false;
  // Precision to print on CURRENT_TIMESTAMP / now() for a MySQL target: MySQL
  // requires DEFAULT CURRENT_TIMESTAMP(n) to match a DATETIME(n) column.
  std::optional<int> current_timestamp_precision;
};

struct PrintResult {
  std::string text;
  Outcome outcome = Outcome::kExact;
  std::vector<std::string> messages;  // one per lossy/unsupported construct, in order
};

PrintResult PrintExpression(const Expr& expr, Dialect target, const PrintOptions& options = {});
PrintResult PrintSelect(const Select& select, Dialect target, const PrintOptions& options = {});
// Verbatim in the target's spelling (int(11) unsigned, character varying(20),
// timestamp(3) with time zone, "public"."mood"); parts the target cannot
// express (unsigned on PostgreSQL, arrays on MySQL) make it unsupported.
// Mapping a type to a different type is the type rules' job, not this one's.
PrintResult PrintTypeName(const TypeName& type, Dialect target);

// `x` / "x" with the quote character doubled inside.
std::string QuoteIdentifier(std::string_view name, Dialect target);
// A string literal the target reads back as exactly `value`; nullopt when it
// cannot (a NUL byte for PostgreSQL).
std::optional<std::string> QuoteString(std::string_view value, Dialect target);

// True for PostgreSQL's serial-style default nextval('seq'::regclass) (or
// nextval('seq')); sets *sequence_name to the sequence as written inside the
// quotes (possibly schema-qualified, e.g. "public.orders_id_seq").
bool IsSequenceDefault(const Expr& expr, std::string* sequence_name);

}  // namespace sluice
