// The translation tables (see translation_tables.h for the template syntax).
// Sources for semantics: the MySQL 8.0 reference manual (functions, CAST
// targets, operator precedence), the MariaDB knowledge base, and the
// PostgreSQL 15 manual (functions, operator precedence table 4.2).

#include "grammar/translation_tables.h"

namespace sluice::tables {
namespace {

constexpr Family kMy = Family::kMySQL;
constexpr Family kPg = Family::kPostgreSQL;
constexpr Outcome E = Outcome::kExact;
constexpr Outcome L = Outcome::kLossy;
constexpr Outcome U = Outcome::kUnsupported;

constexpr const char* kGreatestNote =
    "NULL handling differs: MySQL GREATEST/LEAST return NULL when any argument is NULL, "
    "PostgreSQL ignores NULL arguments";

const FunctionRule kFunctionRules[] = {
    // ---- PostgreSQL -> MySQL family
    {kPg, "now", 0, 0, "CURRENT_TIMESTAMP", E, nullptr},
    {kPg, "transaction_timestamp", 0, 0, "CURRENT_TIMESTAMP", E, nullptr},
    {kPg, "statement_timestamp", 0, 0, "CURRENT_TIMESTAMP", L,
     "statement_timestamp() printed as CURRENT_TIMESTAMP (start of the statement in both, but MySQL has no transaction/statement distinction)"},
    {kPg, "clock_timestamp", 0, 0, "SYSDATE(6)", E, nullptr},
    {kPg, "timeofday", 0, 0, nullptr, U, "timeofday() returns text; use SYSDATE(6)"},
    {kPg, "gen_random_uuid", 0, 0, "UUID()", E, nullptr},
    {kPg, "uuid_generate_v4", 0, 0, "UUID()", L,
     "MySQL UUID() generates version-1 UUIDs, not random version-4 ones"},
    {kPg, "random", 0, 0, "RAND()", E, nullptr},
    {kPg, "length", 1, 1, "CHAR_LENGTH($1)", E, nullptr},
    {kPg, "char_length", 1, 1, "CHAR_LENGTH($1)", E, nullptr},
    {kPg, "character_length", 1, 1, "CHAR_LENGTH($1)", E, nullptr},
    {kPg, "octet_length", 1, 1, "LENGTH($1)", E, nullptr},
    {kPg, "bit_length", 1, 1, "BIT_LENGTH($1)", E, nullptr},
    {kPg, "greatest", 1, -1, "GREATEST()", L, kGreatestNote},
    {kPg, "least", 1, -1, "LEAST()", L, kGreatestNote},
    {kPg, "concat", 1, -1, "CONCAT_WS('', $*)", E, nullptr},
    {kPg, "substr", 2, 3, "SUBSTRING($*)", E, nullptr},
    {kPg, "strpos", 2, 2, "LOCATE($2, $1)", E, nullptr},
    {kPg, "btrim", 1, 1, "TRIM($1)", E, nullptr},
    {kPg, "btrim", 2, 2, "TRIM(BOTH $2 FROM $1)", L,
     "btrim(s, chars) removes any of the characters; MySQL TRIM removes the whole string"},
    {kPg, "ltrim", 1, 1, "LTRIM($1)", E, nullptr},
    {kPg, "rtrim", 1, 1, "RTRIM($1)", E, nullptr},
    {kPg, "ceil", 1, 1, "CEIL($1)", E, nullptr},
    {kPg, "ln", 1, 1, "LN($1)", E, nullptr},
    {kPg, "log", 1, 1, "LOG10($1)", E, nullptr},
    {kPg, "log", 2, 2, "LOG($1, $2)", E, nullptr},
    {kPg, "log10", 1, 1, "LOG10($1)", E, nullptr},
    {kPg, "trunc", 1, 1, "TRUNCATE($1, 0)", E, nullptr},
    {kPg, "trunc", 2, 2, "TRUNCATE($1, $2)", E, nullptr},
    {kPg, "div", 2, 2, "op:mul <1 DIV >2", E, nullptr},
    {kPg, "current_database", 0, 0, "DATABASE()", E, nullptr},
    {kPg, "json_build_object", 0, -1, "JSON_OBJECT($*)", E, nullptr},
    {kPg, "jsonb_build_object", 0, -1, "JSON_OBJECT($*)", E, nullptr},
    {kPg, "json_build_array", 0, -1, "JSON_ARRAY($*)", E, nullptr},
    {kPg, "jsonb_build_array", 0, -1, "JSON_ARRAY($*)", E, nullptr},
    {kPg, "string_agg", 2, 2, nullptr, U,
     "string_agg has no direct MySQL spelling here; write GROUP_CONCAT(x SEPARATOR ', ') in an override"},
    {kPg, "date_trunc", 2, 3, nullptr, U,
     "MySQL has no date_trunc; use DATE(x) for days or DATE_FORMAT(x, '%Y-%m-01') for months"},
    {kPg, "date_part", 2, 2, nullptr, U, "write EXTRACT(field FROM x)"},
    {kPg, "to_char", 1, 2, nullptr, U, "format patterns differ; rewrite with DATE_FORMAT or FORMAT"},
    {kPg, "to_date", 2, 2, nullptr, U, "format patterns differ; rewrite with STR_TO_DATE"},
    {kPg, "to_timestamp", 1, 2, nullptr, U, "rewrite with FROM_UNIXTIME or STR_TO_DATE"},
    {kPg, "age", 1, 2, nullptr, U, "MySQL has no interval type; use TIMESTAMPDIFF"},
    {kPg, "nextval", 1, 1, nullptr, U,
     "a sequence default: the schema translator turns it into AUTO_INCREMENT (see IsSequenceDefault)"},
    {kPg, "currval", 1, 1, nullptr, U, "MySQL has no sequences in the MySQL family core; use LAST_INSERT_ID()"},
    {kPg, "array_length", 2, 2, nullptr, U, "the MySQL family has no arrays; store them as JSON"},
    {kPg, "unnest", 1, -1, nullptr, U, "the MySQL family has no arrays; use JSON_TABLE"},
    {kPg, "regexp_replace", 3, 3, "REGEXP_REPLACE($1, $2, $3)", L,
     "regular-expression dialects differ (PostgreSQL ARE vs ICU in MySQL 8 / PCRE in MariaDB)"},
    {kPg, "md5", 1, 1, "MD5($1)", E, nullptr},

    // ---- MySQL family -> PostgreSQL
    {kMy, "ifnull", 2, 2, "COALESCE($1, $2)", E, nullptr},
    {kMy, "nvl", 2, 2, "COALESCE($1, $2)", E, nullptr},
    {kMy, "if", 3, 3, "CASE WHEN $1 THEN $2 ELSE $3 END", E, nullptr},
    {kMy, "now", 0, 1, "now()", E, nullptr},
    {kMy, "sysdate", 0, 1, "clock_timestamp()", E, nullptr},
    {kMy, "curdate", 0, 0, "CURRENT_DATE", E, nullptr},
    {kMy, "curtime", 0, 1, "LOCALTIME", E, nullptr},
    {kMy, "utc_timestamp", 0, 1, "op:atz now() AT TIME ZONE 'UTC'", E, nullptr},
    {kMy, "utc_date", 0, 0, "CAST(now() AT TIME ZONE 'UTC' AS date)", E, nullptr},
    {kMy, "unix_timestamp", 0, 0, "CAST(EXTRACT(EPOCH FROM now()) AS bigint)", E, nullptr},
    {kMy, "unix_timestamp", 1, 1, "CAST(EXTRACT(EPOCH FROM $1) AS bigint)", L,
     "MySQL reads the argument in the session time zone; PostgreSQL timestamps without time zone are taken as UTC"},
    {kMy, "from_unixtime", 1, 1, "to_timestamp($1)", L, "PostgreSQL returns timestamp with time zone"},
    {kMy, "uuid", 0, 0, "gen_random_uuid()", L,
     "PostgreSQL gen_random_uuid() returns a random version-4 uuid value (MySQL: version-1 text)"},
    {kMy, "rand", 0, 0, "random()", E, nullptr},
    {kMy, "rand", 1, 1, nullptr, U, "PostgreSQL random() takes no seed; call setseed() first"},
    {kMy, "length", 1, 1, "octet_length($1)", E, nullptr},
    {kMy, "octet_length", 1, 1, "octet_length($1)", E, nullptr},
    {kMy, "char_length", 1, 1, "char_length($1)", E, nullptr},
    {kMy, "character_length", 1, 1, "char_length($1)", E, nullptr},
    {kMy, "concat", 1, -1, "concat()", L,
     "PostgreSQL concat() skips NULL arguments where MySQL CONCAT() returns NULL"},
    {kMy, "greatest", 1, -1, "greatest()", L, kGreatestNote},
    {kMy, "least", 1, -1, "least()", L, kGreatestNote},
    {kMy, "substr", 2, 3, "substr($*)", E, nullptr},
    {kMy, "substring", 2, 3, "substr($*)", E, nullptr},
    {kMy, "mid", 3, 3, "substr($*)", E, nullptr},
    {kMy, "locate", 2, 2, "strpos($2, $1)", E, nullptr},
    {kMy, "instr", 2, 2, "strpos($1, $2)", E, nullptr},
    {kMy, "position", 2, 2, "strpos($2, $1)", E, nullptr},
    {kMy, "lcase", 1, 1, "lower($1)", E, nullptr},
    {kMy, "ucase", 1, 1, "upper($1)", E, nullptr},
    {kMy, "log", 1, 1, "ln($1)", E, nullptr},
    {kMy, "log", 2, 2, "log($1, $2)", E, nullptr},
    {kMy, "log2", 1, 1, "log(2, $1)", E, nullptr},
    {kMy, "truncate", 2, 2, "trunc($1, $2)", E, nullptr},
    {kMy, "pow", 2, 2, "power($1, $2)", E, nullptr},
    {kMy, "ceiling", 1, 1, "ceil($1)", E, nullptr},
    {kMy, "datediff", 2, 2, "op:add CAST($1 AS date) - CAST($2 AS date)", E, nullptr},
    {kMy, "date", 1, 1, "CAST($1 AS date)", E, nullptr},
    {kMy, "year", 1, 1, "CAST(EXTRACT(YEAR FROM $1) AS integer)", E, nullptr},
    {kMy, "month", 1, 1, "CAST(EXTRACT(MONTH FROM $1) AS integer)", E, nullptr},
    {kMy, "day", 1, 1, "CAST(EXTRACT(DAY FROM $1) AS integer)", E, nullptr},
    {kMy, "dayofmonth", 1, 1, "CAST(EXTRACT(DAY FROM $1) AS integer)", E, nullptr},
    {kMy, "hour", 1, 1, "CAST(EXTRACT(HOUR FROM $1) AS integer)", E, nullptr},
    {kMy, "minute", 1, 1, "CAST(EXTRACT(MINUTE FROM $1) AS integer)", E, nullptr},
    {kMy, "second", 1, 1, "CAST(EXTRACT(SECOND FROM $1) AS integer)", E, nullptr},
    {kMy, "date_add", 2, 2, "op:add <1 + >2", E, nullptr},
    {kMy, "adddate", 2, 2, "op:add <1 + >2", E, nullptr},
    {kMy, "date_sub", 2, 2, "op:add <1 - >2", E, nullptr},
    {kMy, "subdate", 2, 2, "op:add <1 - >2", E, nullptr},
    {kMy, "database", 0, 0, "current_database()", E, nullptr},
    {kMy, "schema", 0, 0, "current_schema()", L, "MySQL databases become PostgreSQL schemas"},
    {kMy, "user", 0, 0, "CURRENT_USER", L, "MySQL USER() includes the client host"},
    {kMy, "json_object", 0, -1, "json_build_object($*)", E, nullptr},
    {kMy, "json_array", 0, -1, "json_build_array($*)", E, nullptr},
    {kMy, "json_extract", 2, -1, nullptr, U,
     "JSON path syntax differs ('$.a.b' vs '{a,b}'); rewrite with #> or jsonb_path_query"},
    {kMy, "date_format", 2, 2, nullptr, U, "format patterns differ; rewrite with to_char"},
    {kMy, "str_to_date", 2, 2, nullptr, U, "format patterns differ; rewrite with to_timestamp"},
    {kMy, "timestampdiff", 3, 3, nullptr, U, "rewrite with EXTRACT(EPOCH FROM b - a)"},
    {kMy, "last_insert_id", 0, 1, nullptr, U, "use lastval() or RETURNING"},
    {kMy, "found_rows", 0, 0, nullptr, U, "PostgreSQL has no FOUND_ROWS(); count separately"},
    {kMy, "group_concat", 1, 1, nullptr, U,
     "printed by the GROUP_CONCAT rule (string_agg)"},  // handled in the printer, see PrintGroupConcat
    {kMy, "isnull", 1, 1, "op:is >1 IS NULL", E, nullptr},
    {kMy, "regexp_like", 2, 2, "op:other >1 ~ >2", L,
     "regular-expression dialects differ (ICU/PCRE vs PostgreSQL ARE)"},
    {kMy, "md5", 1, 1, "md5($1)", E, nullptr},
};

const char* const kSharedFunctions[] = {
    "count", "sum", "avg", "min", "max", "coalesce", "nullif", "lower", "upper", "abs", "ceil",
    "floor", "round", "sqrt", "exp", "ln", "mod", "power", "sign", "replace", "left", "right",
    "concat_ws", "reverse", "lpad", "rpad", "repeat", "ascii", "sin", "cos", "tan", "asin",
    "acos", "atan", "atan2", "cot", "degrees", "radians", "pi", "trim", "ltrim", "rtrim",
    "extract", "position", "substring", "stddev_pop", "stddev_samp", "var_pop", "var_samp",
    "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
    "first_value", "last_value", "nth_value", "bit_and", "bit_or", "log10", "char_length",
    "sha1", "sha2", "to_base64", "initcap",
};

const VariantRule kVariantRules[] = {
    {Dialect::kMariaDB, "uuid_to_bin", nullptr, U, "MariaDB has no UUID_TO_BIN(); store UUID() as CHAR(36) or use the UUID type (10.7+)"},
    {Dialect::kMariaDB, "bin_to_uuid", nullptr, U, "MariaDB has no BIN_TO_UUID()"},
    {Dialect::kMariaDB, "any_value", nullptr, U, "MariaDB has no ANY_VALUE(); use MIN() or MAX()"},
    {Dialect::kMariaDB, "regexp_like", nullptr, U, "MariaDB has no REGEXP_LIKE(); use REGEXP"},
    {Dialect::kMariaDB, "json_table", nullptr, U, "JSON_TABLE needs MariaDB 10.6+"},
    {Dialect::kTiDB, "get_lock", "GET_LOCK", L, "TiDB implements GET_LOCK only with tidb_enable_noop_functions off in 5.x; check the server version"},
    {Dialect::kTiDB, "sysdate", "SYSDATE", L, "TiDB's SYSDATE() behaves like NOW() unless tidb_sysdate_is_now is off"},
    {Dialect::kOceanBase, "uuid_to_bin", nullptr, U, "OceanBase MySQL mode lacks UUID_TO_BIN() before 4.x"},
};

const OperatorRule kOperatorRules[] = {
    {BinaryOp::kAdd, "+", "+", E, nullptr, E, nullptr},
    {BinaryOp::kSub, "-", "-", E, nullptr, E, nullptr},
    {BinaryOp::kMul, "*", "*", E, nullptr, E, nullptr},
    {BinaryOp::kDiv, "/", "/", L,
     "MySQL '/' always returns a decimal; PostgreSQL truncates integer division (use DIV for that)", L,
     "PostgreSQL truncates integer division; cast an operand to numeric for MySQL's decimal result"},
    {BinaryOp::kIntDiv, "DIV", "div($1, $2)", E, nullptr, E, nullptr},
    {BinaryOp::kMod, "%", "%", E, nullptr, E, nullptr},
    {BinaryOp::kPow, "POWER($1, $2)", "^", E, nullptr, E, nullptr},
    {BinaryOp::kBitAnd, "&", "&", E, nullptr, E, nullptr},
    {BinaryOp::kBitOr, "|", "|", E, nullptr, E, nullptr},
    {BinaryOp::kBitXor, "^", "#", E, nullptr, E, nullptr},
    {BinaryOp::kShiftLeft, "<<", "<<", E, nullptr, E, nullptr},
    {BinaryOp::kShiftRight, ">>", ">>", E, nullptr, E, nullptr},
    {BinaryOp::kEq, "=", "=", E, nullptr, E, nullptr},
    {BinaryOp::kNe, "<>", "<>", E, nullptr, E, nullptr},
    {BinaryOp::kLt, "<", "<", E, nullptr, E, nullptr},
    {BinaryOp::kLe, "<=", "<=", E, nullptr, E, nullptr},
    {BinaryOp::kGt, ">", ">", E, nullptr, E, nullptr},
    {BinaryOp::kGe, ">=", ">=", E, nullptr, E, nullptr},
    {BinaryOp::kAnd, "AND", "AND", E, nullptr, E, nullptr},
    {BinaryOp::kOr, "OR", "OR", E, nullptr, E, nullptr},
    {BinaryOp::kXor, "XOR", "op:cmp >1 <> >2", E, nullptr, L,
     "MySQL XOR printed as <> between booleans; numeric operands must be compared with <> 0 first"},
    {BinaryOp::kConcat, "CONCAT($1, $2)", "||", E, nullptr, E, nullptr},
    {BinaryOp::kJsonGet, "->", "->", U,
     "JSON paths differ: PostgreSQL -> takes a key, MySQL -> takes a '$.key' path; rewrite with JSON_EXTRACT(doc, '$.key')",
     U, "JSON paths differ: MySQL -> takes a '$.key' path, PostgreSQL -> takes a key; rewrite with -> 'key'"},
    {BinaryOp::kJsonGetText, "->>", "->>", U,
     "JSON paths differ: PostgreSQL ->> takes a key; rewrite with JSON_UNQUOTE(JSON_EXTRACT(doc, '$.key'))",
     U, "JSON paths differ: MySQL ->> takes a '$.key' path; rewrite with ->> 'key'"},
    {BinaryOp::kJsonPath, "#>", "#>", U, "the MySQL family has no #>; use JSON_EXTRACT", E, nullptr},
    {BinaryOp::kJsonPathText, "#>>", "#>>", U, "the MySQL family has no #>>; use JSON_UNQUOTE(JSON_EXTRACT(..))", E, nullptr},
    {BinaryOp::kContains, "@>", "@>", U, "the MySQL family has no @>; use JSON_CONTAINS", E, nullptr},
    {BinaryOp::kContainedBy, "<@", "<@", U, "the MySQL family has no <@; use JSON_CONTAINS", E, nullptr},
    {BinaryOp::kOverlaps, "&&", "&&", U, "the MySQL family has no array overlap operator", E, nullptr},
    {BinaryOp::kHasKey, "?", "?", U, "the MySQL family has no ?; use JSON_CONTAINS_PATH", E, nullptr},
    {BinaryOp::kHasAnyKey, "?|", "?|", U, "the MySQL family has no ?|; use JSON_CONTAINS_PATH(doc, 'one', ...)", E, nullptr},
    {BinaryOp::kHasAllKeys, "?&", "?&", U, "the MySQL family has no ?&; use JSON_CONTAINS_PATH(doc, 'all', ...)", E, nullptr},
};

struct LevelRow {
  BinaryOp op;
  int mysql;
  int postgresql;
};

// Levels, MySQL (sql_yacc): OR 1, XOR 2, AND 3, NOT 4, IS 5, comparison 6,
// IN/BETWEEN/LIKE/REGEXP 7, | 8, & 9, << >> 10, + - 11, * / DIV % 12, ^ 13,
// unary 14, COLLATE 15.
// PostgreSQL (manual 4.1.6): OR 1, AND 2, NOT 3, IS 4, comparison 5,
// IN/BETWEEN/LIKE 6, other operators 7, + - 8, * / % 9, ^ 10,
// AT TIME ZONE 11, COLLATE 12, unary 13, [] 14, :: 15.
const LevelRow kLevels[] = {
    {BinaryOp::kOr, 1, 1},          {BinaryOp::kXor, 2, 1},       {BinaryOp::kAnd, 3, 2},
    {BinaryOp::kEq, 6, 5},          {BinaryOp::kNe, 6, 5},        {BinaryOp::kLt, 6, 5},
    {BinaryOp::kLe, 6, 5},          {BinaryOp::kGt, 6, 5},        {BinaryOp::kGe, 6, 5},
    {BinaryOp::kBitOr, 8, 7},       {BinaryOp::kBitAnd, 9, 7},    {BinaryOp::kShiftLeft, 10, 7},
    {BinaryOp::kShiftRight, 10, 7}, {BinaryOp::kBitXor, 13, 7},   {BinaryOp::kConcat, 8, 7},
    {BinaryOp::kAdd, 11, 8},        {BinaryOp::kSub, 11, 8},      {BinaryOp::kMul, 12, 9},
    {BinaryOp::kDiv, 12, 9},        {BinaryOp::kIntDiv, 12, 9},   {BinaryOp::kMod, 12, 9},
    {BinaryOp::kPow, 13, 10},       {BinaryOp::kJsonGet, 8, 7},   {BinaryOp::kJsonGetText, 8, 7},
    {BinaryOp::kJsonPath, 8, 7},    {BinaryOp::kJsonPathText, 8, 7}, {BinaryOp::kContains, 8, 7},
    {BinaryOp::kContainedBy, 8, 7}, {BinaryOp::kOverlaps, 8, 7},  {BinaryOp::kHasKey, 8, 7},
    {BinaryOp::kHasAnyKey, 8, 7},   {BinaryOp::kHasAllKeys, 8, 7},
};

const CastRule kCastRules[] = {
    // ---- PostgreSQL-source casts printed for the MySQL family
    {kPg, "int", "signed", E, nullptr, Fold::kNumber},
    {kPg, "integer", "signed", E, nullptr, Fold::kNumber},
    {kPg, "int4", "signed", E, nullptr, Fold::kNumber},
    {kPg, "int8", "signed", E, nullptr, Fold::kNumber},
    {kPg, "bigint", "signed", E, nullptr, Fold::kNumber},
    {kPg, "smallint", "signed", E, nullptr, Fold::kNumber},
    {kPg, "int2", "signed", E, nullptr, Fold::kNumber},
    {kPg, "numeric", "decimal$ps", E, nullptr, Fold::kNumber},
    {kPg, "decimal", "decimal$ps", E, nullptr, Fold::kNumber},
    {kPg, "real", "float", E, nullptr, Fold::kNumber},
    {kPg, "float4", "float", E, nullptr, Fold::kNumber},
    {kPg, "float8", "double", E, nullptr, Fold::kNumber},
    {kPg, "double precision", "double", E, nullptr, Fold::kNumber},
    {kPg, "float", "double", E, nullptr, Fold::kNumber},
    {kPg, "text", "char", E, nullptr, Fold::kString},
    {kPg, "varchar", "char$n", E, nullptr, Fold::kString},
    {kPg, "character varying", "char$n", E, nullptr, Fold::kString},
    {kPg, "char", "char$n", E, nullptr, Fold::kString},
    {kPg, "character", "char$n", E, nullptr, Fold::kString},
    {kPg, "bpchar", "char$n", E, nullptr, Fold::kString},
    {kPg, "name", "char", E, nullptr, Fold::kString},
    {kPg, "citext", "char", E, nullptr, Fold::kString},
    {kPg, "uuid", "char(36)", E, nullptr, Fold::kString},
    {kPg, "bytea", "binary", L, "bytea escapes are not decoded by MySQL", Fold::kNone},
    {kPg, "date", "date", E, nullptr, Fold::kTemporal},
    {kPg, "time", "time$p", E, nullptr, Fold::kTemporal},
    {kPg, "timestamp", "datetime$p", E, nullptr, Fold::kTemporal},
    {kPg, "json", "json", E, nullptr, Fold::kString},
    {kPg, "jsonb", "json", E, nullptr, Fold::kString},
    {kPg, "regclass", nullptr, U, "regclass casts name PostgreSQL catalog objects", Fold::kNone},
    {kPg, "boolean", nullptr, U, "MySQL has no boolean cast; compare with <> 0 instead", Fold::kNone},
    {kPg, "bool", nullptr, U, "MySQL has no boolean cast; compare with <> 0 instead", Fold::kNone},
    {kPg, "interval", nullptr, U, "the MySQL family has no interval type", Fold::kNone},
    // ---- MySQL-source casts printed for PostgreSQL
    {kMy, "signed", "bigint", E, nullptr, Fold::kNumber},
    {kMy, "unsigned", "numeric(20)", E, nullptr, Fold::kNumber},
    {kMy, "char", "varchar$n", E, nullptr, Fold::kString},
    {kMy, "nchar", "varchar$n", E, nullptr, Fold::kString},
    {kMy, "binary", "bytea", L, "BINARY(n) pads to n bytes; bytea does not", Fold::kNone},
    {kMy, "decimal", "numeric$ps", E, nullptr, Fold::kNumber},
    {kMy, "double", "double precision", E, nullptr, Fold::kNumber},
    {kMy, "float", "real", E, nullptr, Fold::kNumber},
    {kMy, "real", "double precision", E, nullptr, Fold::kNumber},
    {kMy, "date", "date", E, nullptr, Fold::kTemporal},
    {kMy, "time", "time$p", E, nullptr, Fold::kTemporal},
    {kMy, "datetime", "timestamp$p", E, nullptr, Fold::kTemporal},
    {kMy, "json", "jsonb", E, nullptr, Fold::kString},
    {kMy, "year", "integer", L, "YEAR becomes a plain integer", Fold::kNumber},
};

}  // namespace

std::span<const FunctionRule> FunctionRules() { return kFunctionRules; }
std::span<const char* const> SharedFunctions() { return kSharedFunctions; }
std::span<const VariantRule> VariantRules() { return kVariantRules; }
std::span<const CastRule> CastRules() { return kCastRules; }

const OperatorRule& OperatorRuleFor(BinaryOp op) {
  for (const auto& r : kOperatorRules) {
    if (r.op == op) return r;
  }
  return kOperatorRules[0];  // unreachable: every BinaryOp has a row (tested)
}

int BinaryLevel(Family f, BinaryOp op) {
  for (const auto& r : kLevels) {
    if (r.op == op) return f == Family::kMySQL ? r.mysql : r.postgresql;
  }
  return 7;
}

}  // namespace sluice::tables
