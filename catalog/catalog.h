#pragma once
// The neutral catalog model: what a database holds, as read from a live
// server (dialects/<engine>/catalog_reader) or from a JSON snapshot
// (catalog/catalog_json). Every engine fills the same structs; text that only
// the source engine can interpret (expressions, type names, partition bounds)
// is kept verbatim as the server reported it, and the grammar/ parsers turn it
// into ASTs later.
//
// Order: collections of named objects with no inherent order (tables, views,
// indexes, ...) are kept sorted by name (NormalizeCatalog); ordered things
// (columns, key parts, enum labels, MySQL partitions) keep the server's order.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/dialect.h"
#include "grammar/type_name.h"

namespace sluice {

// How a column's default is given.
//   kNone:       no default (for a nullable column this means NULL).
//   kLiteral:    a constant; `value` holds it unquoted ("abc", "42", "b'101'").
//   kExpression: an expression evaluated on insert (CURRENT_TIMESTAMP, uuid(), now()).
//   kSequence:   PostgreSQL nextval('seq'): `value` holds the sequence "schema.name".
enum class DefaultKind { kNone, kLiteral, kExpression, kSequence };

struct ColumnDefault {
  DefaultKind kind = DefaultKind::kNone;
  std::string raw;    // exactly as the server reports it (empty for kNone)
  std::string value;  // see DefaultKind
  bool operator==(const ColumnDefault&) const = default;
};

enum class GeneratedKind { kNone, kStored, kVirtual };
enum class IdentityKind { kNone, kAlways, kByDefault };

struct Column {
  std::string name;
  int ordinal = 0;          // 1-based position in the table
  std::string type_raw;     // native type as the server spells it
  TypeName type;            // filled from structured catalog fields; type.raw == type_raw
  bool nullable = true;
  ColumnDefault default_value;
  GeneratedKind generated = GeneratedKind::kNone;
  std::string generation_expression;  // when generated != kNone
  IdentityKind identity = IdentityKind::kNone;  // PostgreSQL identity columns
  bool auto_increment = false;                  // MySQL family
  std::string on_update;    // MySQL family "ON UPDATE <expr>" (e.g. current_timestamp())
  bool invisible = false;   // MySQL 8 / MariaDB invisible columns
  std::string charset;      // MySQL family, character columns
  std::string collation;    // MySQL: always for character columns; PostgreSQL: only when not the type default
  std::string comment;
  bool operator==(const Column&) const = default;
};

struct IndexPart {
  std::string column;       // empty when the part is an expression
  std::string expression;   // expression text (functional / expression index)
  int64_t prefix_length = 0;  // MySQL prefix index length (characters/bytes), 0 = whole column
  bool descending = false;
  bool operator==(const IndexPart&) const = default;
};

struct Index {
  std::string name;
  bool unique = false;
  bool primary = false;     // the index that implements the primary key
  // Non-empty when the index implements a PRIMARY KEY or UNIQUE constraint of
  // that name (PostgreSQL): writers create the constraint, not the index.
  std::string constraint;
  std::string method;       // lower case: btree, hash, gin, gist, brin, spgist, fulltext, spatial, rtree
  std::vector<IndexPart> parts;
  std::vector<std::string> include;  // PostgreSQL INCLUDE (...) columns
  std::string predicate;    // partial index WHERE clause (PostgreSQL)
  std::string comment;
  bool visible = true;      // MySQL 8 INVISIBLE / MariaDB IGNORED indexes are false
  bool operator==(const Index&) const = default;
};

struct KeyConstraint {    // PRIMARY KEY or UNIQUE constraint
  std::string name;
  std::vector<std::string> columns;
  bool deferrable = false;
  bool initially_deferred = false;
  bool operator==(const KeyConstraint&) const = default;
};

struct ForeignKey {
  std::string name;
  std::vector<std::string> columns;
  std::string referenced_schema;
  std::string referenced_table;
  std::vector<std::string> referenced_columns;
  std::string on_update = "NO ACTION";  // NO ACTION | RESTRICT | CASCADE | SET NULL | SET DEFAULT
  std::string on_delete = "NO ACTION";
  std::string match = "SIMPLE";         // SIMPLE | FULL | PARTIAL (MySQL reports NONE -> SIMPLE)
  bool deferrable = false;
  bool initially_deferred = false;
  bool operator==(const ForeignKey&) const = default;
};

struct Check {
  std::string name;
  std::string expression;   // the condition only, without CHECK
  bool enforced = true;     // MySQL 8 NOT ENFORCED; PostgreSQL NOT VALID stays enforced
  bool operator==(const Check&) const = default;
};

struct Partition {
  std::string name;
  std::string bound;        // "VALUES LESS THAN (10)", "FOR VALUES FROM (...) TO (...)", "" for hash/key
  std::vector<std::string> subpartitions;  // MySQL subpartition names, in order
  bool operator==(const Partition&) const = default;
};

struct Partitioning {
  std::string method;       // range | list | hash | key  (lower case)
  bool columns_form = false;  // MySQL RANGE COLUMNS / LIST COLUMNS
  bool linear = false;        // MySQL LINEAR HASH / LINEAR KEY
  std::string expression;   // the key as the server prints it
  std::vector<std::string> columns;  // filled when the key is plain columns
  std::string sub_method;   // MySQL subpartitioning, "" when none
  std::string sub_expression;
  std::vector<Partition> partitions;  // MySQL: ordinal order; PostgreSQL: by name
  bool operator==(const Partitioning&) const = default;
};

struct Table {
  std::string name;
  std::vector<Column> columns;  // ordinal order
  std::optional<KeyConstraint> primary_key;
  std::vector<KeyConstraint> unique_constraints;  // PostgreSQL UNIQUE constraints (MySQL: unique indexes only)
  std::vector<Index> indexes;   // every index, including the primary one
  std::vector<ForeignKey> foreign_keys;
  std::vector<Check> checks;
  std::optional<Partitioning> partitioning;
  std::string comment;
  std::string engine;           // MySQL family storage engine
  std::string charset;          // MySQL family table default
  std::string collation;
  std::optional<int64_t> row_estimate;  // from statistics; nullopt when unknown
  bool temporary = false;       // readers skip temporary tables; kept for snapshots made elsewhere
  bool unlogged = false;        // PostgreSQL UNLOGGED

  const Column* FindColumn(const std::string& column) const;
  const Index* FindIndex(const std::string& index) const;
  bool operator==(const Table&) const = default;
};

struct View {
  std::string name;
  std::string definition;     // the SELECT, as the server prints it
  std::string check_option;   // "" | LOCAL | CASCADED
  std::string security;       // "" | DEFINER | INVOKER
  bool materialized = false;  // PostgreSQL materialized views
  std::vector<Column> columns;
  std::vector<std::string> depends_on;  // "schema.name" of tables and views used, sorted
  bool operator==(const View&) const = default;
};

struct Sequence {
  std::string name;
  std::string data_type;      // bigint, integer, ...
  int64_t start = 1;
  int64_t increment = 1;
  int64_t min_value = 1;
  int64_t max_value = INT64_MAX;
  bool cycle = false;
  int64_t cache = 1;
  std::string owned_by;       // "table.column" (same schema) or ""
  bool operator==(const Sequence&) const = default;
};

struct EnumType {
  std::string name;
  std::vector<std::string> labels;  // in sort order
  bool operator==(const EnumType&) const = default;
};

struct Domain {
  std::string name;
  std::string base_type_raw;
  TypeName base_type;
  bool not_null = false;
  std::string default_raw;    // "" when none
  std::string collation;
  std::vector<Check> checks;
  bool operator==(const Domain&) const = default;
};

struct Trigger {
  std::string name;
  std::string table;
  std::string timing;               // BEFORE | AFTER | INSTEAD OF
  std::vector<std::string> events;  // INSERT, UPDATE, DELETE, TRUNCATE
  std::string orientation;          // ROW | STATEMENT
  std::string definition;           // MySQL: the action statement; PostgreSQL: pg_get_triggerdef
  bool operator==(const Trigger&) const = default;
};

struct Routine {
  std::string name;
  std::string kind;       // function | procedure
  std::string arguments;  // identity argument list (PostgreSQL overloads differ here)
  std::string returns;    // "" for procedures
  std::string language;   // sql, plpgsql, ...
  std::string definition; // MySQL: the body; PostgreSQL: pg_get_functiondef
  bool operator==(const Routine&) const = default;
};

struct Schema {
  std::string name;
  std::vector<Table> tables;
  std::vector<View> views;
  std::vector<Sequence> sequences;
  std::vector<EnumType> enum_types;
  std::vector<Domain> domains;
  std::vector<Routine> routines;  // sorted by (name, arguments)
  std::vector<Trigger> triggers;  // sorted by (table, name)

  const Table* FindTable(const std::string& table) const;
  const View* FindView(const std::string& view) const;
  bool operator==(const Schema&) const = default;
};

struct Catalog {
  Dialect dialect = Dialect::kMySQL;
  std::string server_version;
  std::vector<Schema> schemas;

  const Schema* FindSchema(const std::string& schema) const;
  bool operator==(const Catalog&) const = default;
};

// Which objects a reader reads. A null predicate accepts everything. Readers
// apply `schema` before reading anything else, and `table` (called for
// tables and views) before reading columns, indexes and constraints, so a
// narrow filter keeps introspection of large databases cheap.
struct CatalogFilter {
  std::function<bool(const std::string& schema)> schema;
  std::function<bool(const std::string& schema, const std::string& table)> table;

  bool AcceptSchema(const std::string& s) const { return !schema || schema(s); }
  bool AcceptTable(const std::string& s, const std::string& t) const { return !table || table(s, t); }
};

// Sorts every unordered collection by name (see the header comment), so equal
// catalogs compare and print identically whatever order a reader produced.
void NormalizeCatalog(Catalog& catalog);

// Views of the whole catalog in an order where each view comes after the
// views it depends on; ties are broken by "schema.name". Views in a cycle
// (which a server cannot normally hold, but a hand-edited snapshot can) are
// appended at the end in name order and reported in `cycles`.
struct QualifiedName {
  std::string schema;
  std::string name;
  std::string ToString() const { return schema + "." + name; }
  auto operator<=>(const QualifiedName&) const = default;
};
struct ViewOrder {
  std::vector<QualifiedName> order;
  std::vector<std::vector<QualifiedName>> cycles;  // each cycle's members, sorted
};
ViewOrder SortViewsByDependency(const Catalog& catalog);

const char* DefaultKindName(DefaultKind k);      // none | literal | expression | sequence
const char* GeneratedKindName(GeneratedKind k);  // none | stored | virtual
const char* IdentityKindName(IdentityKind k);    // none | always | by_default

}  // namespace sluice
