#include "tests/integration/datasets.h"

#include <doctest/doctest.h>

namespace sluice::fctest {

using testing::TestServersFromEnv;

void LoadMariaDb(const std::string& db, const std::string& file) {
  testing::MariaDbSession my(TestServersFromEnv().mariadb.Admin(db));
  my.Exec("SET SESSION sql_mode = ''");  // zero dates in the dataset
  my.Exec("SET time_zone = '+00:00'");
  for (const auto& s : SqlStatements(DataFile(file))) my.Exec(s);
}

void LoadPg(const std::string& db, const std::string& file) {
  testing::PgSession pg(TestServersFromEnv().postgres.Admin(db));
  for (const auto& s : SqlStatements(DataFile(file))) pg.Exec(s);
}

std::string EndpointYaml(Engine e, const std::string& db) {
  const auto& s = TestServersFromEnv();
  if (e == Engine::kMariaDb) return "{ dialect: mariadb, dsn: \"" + DsnWithDatabase(s.mariadb.dsn, db) + "\" }";
  return "{ dialect: postgresql, dsn: \"" + DsnWithDatabase(s.postgres.dsn, db) + "\" }";
}

std::string Qualified(Engine e, const std::string& schema, const std::string& table) {
  return e == Engine::kMariaDb ? "`" + schema + "`.`" + table + "`" : "\"" + schema + "\".\"" + table + "\"";
}

TableCheck Checks::Table(const std::string& name) const {
  TableCheck t;
  t.source_table = Qualified(src, src_schema, name);
  t.target_table = Qualified(tgt, tgt_schema, name);
  return t;
}

// The tables both datasets share, compared the same way.
namespace {

void AddCommonTables(const Checks& k, std::vector<TableCheck>& out) {
  TableCheck t = k.Table("big_keys");
  t.key = {k.Col("id", Norm::kDecimal)};
  t.columns = {k.Col("v")};
  out.push_back(t);

  t = k.Table("keyless");
  t.columns = {k.Col("a"), k.Col("b")};
  out.push_back(t);

  t = k.Table("composite");
  t.key = {k.Col("region"), k.Col("n")};
  t.columns = {k.Col("v")};
  out.push_back(t);

  t = k.Table("uuid_keyed");
  t.key = {k.Col("id")};
  t.columns = {k.Col("v")};
  out.push_back(t);

  t = k.Table("vc_keyed");
  t.key = {k.Col("code")};
  t.columns = {k.Col("v")};
  out.push_back(t);

  t = k.Table("filtered");
  t.key = {k.Col("id")};
  t.columns = {k.Col("status"), k.Col("amount")};
  t.source_where = "status <> 'deleted'";
  out.push_back(t);

  t = k.Table("people");
  t.key = {k.Col("id")};
  t.columns = {{"full_name -> name", k.S.Col("full_name"), k.T.Col("name"), Norm::kExact}, k.Col("born")};
  out.push_back(t);
}

}  // namespace

std::vector<TableCheck> MariaDbSourceChecks(Engine tgt, const std::string& src_db, const std::string& tgt_schema) {
  Checks k{Engine::kMariaDb, tgt, src_db, tgt_schema};
  bool same = tgt == Engine::kMariaDb;
  std::vector<TableCheck> out;
  TableCheck t = k.Table("ints");
  t.key = {k.Col("id")};
  for (const char* c : {"ti", "tiu", "si", "siu", "mi", "miu", "i", "iu", "bi", "biu"}) t.columns.push_back(k.Col(c, Norm::kDecimal));
  // tinyint(1) stays a number on every target (PostgreSQL: smallint).
  t.columns.push_back(k.Col("flag"));
  out.push_back(t);

  t = k.Table("nums");
  t.key = {k.Col("id")};
  t.columns = {k.Col("d", Norm::kDecimal), k.Col("d2", Norm::kDecimal), k.Col("du", Norm::kDecimal), k.Float("f"),
               k.Float("dbl")};
  out.push_back(t);

  t = k.Table("times");
  t.key = {k.Col("id")};
  t.columns = {k.Col("d"), k.Ts("dt"), k.Ts("dt0"), k.Ts("ts"), k.Time("t"), k.Time("t0"), k.Col("y")};
  out.push_back(t);

  if (same) {
    t = k.Table("mysql_times");
    t.key = {k.Col("id")};
    t.columns = {k.Col("d"), k.Col("dt"), k.Col("t")};
    out.push_back(t);
  }

  t = k.Table("strs");
  t.key = {k.Col("id")};
  t.columns = {k.Col("c", Norm::kCharPad), k.Col("vc"), k.Col("tx"), k.Col("mt"), k.Col("e"), k.Col("s"),
               k.Col("j", same ? Norm::kExact : Norm::kJson)};
  out.push_back(t);

  t = k.Table("bins");
  t.key = {k.Col("id")};
  t.columns = {k.Hex("b"), k.Hex("vb"), k.Hex("bl"), k.Hex("lb"), k.Bits("bit1", 1), k.Bits("bit64", 64), k.Bits("bit10", 10)};
  out.push_back(t);

  AddCommonTables(k, out);
  return out;
}

std::vector<TableCheck> PgSourceChecks(const std::string& tgt_db) {
  Checks k{Engine::kPostgres, Engine::kMariaDb, "public", tgt_db};
  std::vector<TableCheck> out;
  TableCheck t = k.Table("ints");
  t.key = {k.Col("id")};
  t.columns = {k.Col("si"), k.Col("i"), k.Col("bi"),
               // boolean -> tinyint(1): false/true become 0/1.
               {"flag", "\"flag\"::int::text", k.T.Col("flag"), Norm::kExact}};
  out.push_back(t);

  t = k.Table("nums");
  t.key = {k.Col("id")};
  // MariaDB has no negative zero: -0 arrives as 0 (asserted below); every
  // other float keeps its exact IEEE value.
  auto no_neg_zero = [&](const std::string& c) {
    return ColumnCheck{c, "CASE WHEN \"" + c + "\" = 0 THEN '0' ELSE \"" + c + "\"::float8::text END", k.T.Double(c),
                       Norm::kFloat};
  };
  t.columns = {k.Col("n", Norm::kDecimal), k.Col("n2", Norm::kDecimal), k.Col("n65", Norm::kDecimal), no_neg_zero("r"),
               no_neg_zero("dp"),
               // money -> decimal(19,2): the amount, without currency formatting.
               {"m", "\"m\"::numeric::text", k.T.Col("m"), Norm::kDecimal}};
  out.push_back(t);

  t = k.Table("times");
  t.key = {k.Col("id")};
  t.columns = {k.Col("d"), k.Ts("ts"), k.Ts("ts3"),
               // timestamptz -> datetime(6) holding UTC (full.time_zone: UTC).
               k.Ts("tstz"), k.Time("t"),
               // timetz -> time: the clock time is kept, the offset dropped.
               {"ttz", "to_char(\"ttz\"::time::interval, 'HH24:MI:SS.US')", k.T.Time("ttz"), Norm::kExact},
               // interval -> varchar: PostgreSQL's text form.
               k.Col("iv")};
  out.push_back(t);

  t = k.Table("strs");
  t.key = {k.Col("id")};
  t.columns = {k.Col("c", Norm::kCharPad), k.Col("vc"), k.Col("tx"), k.Col("big"), k.Col("j", Norm::kJson),
               k.Col("jb", Norm::kJson), k.Col("u"),
               // inet -> varchar: the output form (no /32 on host addresses).
               {"ip", "CASE WHEN \"ip\" IS NOT NULL THEN format('%s', \"ip\") END", k.T.Col("ip"), Norm::kExact}};
  out.push_back(t);

  t = k.Table("bins");
  t.key = {k.Col("id")};
  t.columns = {k.Hex("b"), k.Hex("big"), k.Bits("bit1", 1), k.Bits("bit64", 64),
               // bit varying(5) -> bit(5): shorter values padded with leading zeros.
               {"vb", "lpad(\"vb\"::text, 5, '0')", k.T.Bits("vb", 5), Norm::kExact}};
  out.push_back(t);

  t = k.Table("arrays");
  t.key = {k.Col("id")};
  // Arrays -> JSON text.
  t.columns = {{"ia", "array_to_json(\"ia\")::text", k.T.Col("ia"), Norm::kJson},
               {"ta", "array_to_json(\"ta\")::text", k.T.Col("ta"), Norm::kJson}};
  out.push_back(t);

  AddCommonTables(k, out);
  return out;
}

void CompareAll(Side& src, Side& tgt, const std::vector<TableCheck>& checks) {
  for (const auto& c : checks) {
    int64_t rows = 0;
    std::string diff = CompareTable(src, tgt, c, &rows);
    INFO("table " << c.target_table);
    CHECK_MESSAGE(diff.empty(), diff);
    CHECK(rows > 0);
  }
}

}  // namespace sluice::fctest
