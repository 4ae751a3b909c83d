#pragma once
// The type-rich datasets of testdata/full_copy/ and how each of their tables
// is compared after a migration (per column: the SQL read on each side and
// the normalisation), shared by the full-copy and incremental tests. The
// documented conversions of each path are spelled out here, column by column.

#include <string>
#include <vector>

#include "tests/integration/full_copy_support.h"

namespace sluice::fctest {

// Runs testdata/full_copy/<file> in a fresh database.
void LoadMariaDb(const std::string& db, const std::string& file);
void LoadPg(const std::string& db, const std::string& file);

// `{ dialect: ..., dsn: "..." }` for a plan.
std::string EndpointYaml(Engine e, const std::string& db);

// A table name quoted for the engine.
std::string Qualified(Engine e, const std::string& schema, const std::string& table);

// Builds TableChecks with the same expression kind on both sides.
struct Checks {
  Engine src, tgt;
  std::string src_schema, tgt_schema;
  Expr S{src}, T{tgt};

  TableCheck Table(const std::string& name) const;
  ColumnCheck Col(const std::string& c, Norm n = Norm::kExact) const { return {c, S.Col(c), T.Col(c), n}; }
  ColumnCheck Hex(const std::string& c) const { return {c, S.Hex(c), T.Hex(c), Norm::kExact}; }
  ColumnCheck Ts(const std::string& c) const { return {c, S.Ts(c), T.Ts(c), Norm::kExact}; }
  ColumnCheck Time(const std::string& c) const { return {c, S.Time(c), T.Time(c), Norm::kExact}; }
  ColumnCheck Float(const std::string& c) const { return {c, S.Double(c), T.Double(c), Norm::kFloat}; }
  ColumnCheck Bits(const std::string& c, int n) const { return {c, S.Bits(c, n), T.Bits(c, n), Norm::kExact}; }
};

// mariadb_types.sql migrated to `tgt` (mysql_times only on MariaDB targets).
std::vector<TableCheck> MariaDbSourceChecks(Engine tgt, const std::string& src_db, const std::string& tgt_schema);
// postgresql_types.sql migrated to MariaDB.
std::vector<TableCheck> PgSourceChecks(const std::string& tgt_db);

// Compares every table (doctest CHECKs, one per table, naming it); each
// source table must have rows.
void CompareAll(Side& src, Side& tgt, const std::vector<TableCheck>& checks);

}  // namespace sluice::fctest
