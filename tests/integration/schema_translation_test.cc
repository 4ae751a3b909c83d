// Schema translation proven on the real servers (issue 3).
//
// Each case builds a rich schema on a real source server (testdata/schema/),
// reads it back live with the catalog reader, compiles a plan in-process
// (LoadPlan, Compile) and runs every statement of plan.json's `changes` on a
// real target, in the order the task graph runs them: each object's `schema`
// statements, then every `after_copy` statement, then every `at_switchover`
// statement, then the views. Any refused statement fails the test with the
// statement and the server's error, except the OceanBase-only statements a
// case lists as expected refusals, each with its reason.
//
// After applying, the target is read back with the catalog reader and
//   - every source column, index, foreign key, CHECK, partitioning and view
//     must be on the target or named by a finding of the plan (nothing is
//     dropped silently);
//   - the lossy decisions the paths are known for must be findings;
//   - MariaDB -> MariaDB must be structurally equal to the source, except the
//     differences listed in kSameEngineDifferences;
//   - a second compilation against the live target must have no changes
//     (what `sluice plan --detailed-exitcode` reports as 0).
//
// Also: the example plans of plans/ (golden-tested offline from snapshots)
// have their DDL run on MariaDB / PostgreSQL, and what cannot be translated
// must be an error naming the column.
//
// Every case works in databases of its own and drops them at the end.

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "catalog/catalog.h"
#include "catalog/catalog_json.h"
#include "common/dsn.h"
#include "common/text.h"
#include "compiler/compile.h"
#include "compiler/plan_loader.h"
#include "dialects/mysql/catalog_reader.h"
#include "dialects/mysql/mysql_connection.h"
#include "dialects/postgresql/catalog_reader.h"
#include "dialects/postgresql/pg_connection.h"
#include "dialects/types/type_rules.h"
#include "tests/integration/test_env.h"

namespace sluice {
namespace {

using Json = nlohmann::ordered_json;

const std::string kDataDir = std::string(SLUICE_SOURCE_DIR) + "/tests/integration/testdata/schema/";

std::string ReadData(const std::string& name) {
  std::ifstream in(kDataDir + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << kDataDir << name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

ConnectionConfig ServerConfig(const char* env, const std::string& database) {
  const char* text = std::getenv(env);
  if (text == nullptr || *text == '\0') {
    throw std::runtime_error(std::string(env) +
                             " is not set: start the servers with `scripts/test-servers.sh start DIR && "
                             "source DIR/env`");
  }
  DsnParse parse = ParseDsn(text);
  if (!parse.ok) throw std::runtime_error(std::string("bad ") + env + ": " + parse.error);
  ConnectionConfig config;
  config.dsn = parse.dsn;
  config.dsn.database = database;
  return config;
}

MySqlConnection MariaDb(const std::string& database = "") {
  return MySqlConnection(ServerConfig("SLUICE_TEST_MARIADB_DSN", database));
}
PgConnection Pg(const std::string& database) { return PgConnection(ServerConfig("SLUICE_TEST_PG_DSN", database)); }

// Databases dropped when the test case ends, whatever happened.
class Scratch {
 public:
  ~Scratch() {
    for (const auto& name : mariadb_) {
      try {
        MariaDb().Exec("DROP DATABASE IF EXISTS " + MySqlConnection::QuoteMySqlIdent(name));
      } catch (const std::exception&) {
      }
    }
    for (const auto& name : pg_) {
      try {
        testing::ConnectPg().Exec("DROP DATABASE IF EXISTS " + PgConnection::QuotePgIdent(name) + " WITH (FORCE)");
      } catch (const std::exception&) {
      }
    }
  }
  std::string MariaDbDatabase(const std::string& prefix) {
    mariadb_.push_back(testing::CreateFreshMariaDbDatabase(prefix));
    return mariadb_.back();
  }
  // A fresh name the plan's DDL creates (CREATE DATABASE IF NOT EXISTS is part of what is tested).
  std::string MariaDbNameOnly(const std::string& prefix) {
    std::string name = MariaDbDatabase(prefix);
    MariaDb().Exec("DROP DATABASE " + MySqlConnection::QuoteMySqlIdent(name));
    return name;
  }
  std::string PgDatabase(const std::string& prefix) {
    pg_.push_back(testing::CreateFreshPgDatabase(prefix));
    return pg_.back();
  }

 private:
  std::vector<std::string> mariadb_, pg_;
};

// ---- compiling -------------------------------------------------------------------

struct Planned {
  std::optional<Plan> plan;
  DiagnosticSink diags;
  std::unique_ptr<Compilation> c;

  std::string Diagnostics() const {
    std::string out;
    for (const auto& d : diags.Sorted()) {
      out += std::string(SeverityName(d.severity)) + ": " + d.message + (d.help.empty() ? "" : " (help: " + d.help + ")") + "\n";
    }
    return out;
  }
  size_t Errors() const { return diags.error_count(); }
  const Json& json() const { return c->json; }
};

using SourceReader = std::function<Catalog(const Plan&)>;

std::unique_ptr<Planned> CompileLive(const std::string& plan_text, const SourceReader& read_source,
                                     const TargetCatalogSource& target) {
  auto p = std::make_unique<Planned>();
  LoadOptions lo;
  lo.env = [](const std::string&) { return std::optional<std::string>(); };
  p->plan = LoadPlan(std::make_shared<SourceFile>("schema_test.yaml", plan_text), p->diags, lo);
  REQUIRE_MESSAGE(p->plan.has_value(), p->Diagnostics() << plan_text);
  auto rules = TypeRuleSet::LoadEmbedded(p->diags);
  REQUIRE(rules.has_value());
  p->c = Compile(*p->plan, read_source(*p->plan), target, *rules, CompileOptions{}, p->diags);
  REQUIRE_MESSAGE(p->c != nullptr, p->Diagnostics());
  return p;
}

SourceReader PgSource(const std::string& database) {
  return [database](const Plan& plan) {
    PgConnection conn = Pg(database);
    return ReadPgCatalog(conn, SourceFilter(plan));
  };
}

SourceReader MariaDbSource(const std::string& database, Dialect as) {
  return [database, as](const Plan& plan) {
    MySqlConnection conn = MariaDb(database);
    return ReadMySqlCatalog(conn, as, SourceFilter(plan));
  };
}

CatalogFilter OnlySchemas(const std::vector<std::string>& schemas) {
  CatalogFilter f;
  f.schema = [schemas](const std::string& s) { return std::find(schemas.begin(), schemas.end(), s) != schemas.end(); };
  return f;
}

Catalog ReadMariaDbTarget(const std::vector<std::string>& schemas, Dialect as = Dialect::kMariaDB) {
  MySqlConnection conn = MariaDb();
  return ReadMySqlCatalog(conn, as, OnlySchemas(schemas));
}

Catalog ReadPgTarget(const std::string& database, const std::vector<std::string>& schemas) {
  PgConnection conn = Pg(database);
  return ReadPgCatalog(conn, OnlySchemas(schemas));
}

TargetCatalogSource LiveMariaDbTarget() {
  return [](const std::vector<std::string>& schemas) { return std::optional<Catalog>(ReadMariaDbTarget(schemas)); };
}
TargetCatalogSource LivePgTarget(const std::string& database) {
  return [database](const std::vector<std::string>& schemas) {
    return std::optional<Catalog>(ReadPgTarget(database, schemas));
  };
}

// ---- applying --------------------------------------------------------------------

struct Statement {
  std::string object;  // "table app.customers"
  std::string phase;   // schema | after_copy | at_switchover
  std::string sql;
};

// plan.json's statements in the order the tasks run them.
std::vector<Statement> StatementsInTaskOrder(const Json& j) {
  std::vector<Statement> out;
  auto add = [&](const Json& change, const char* phase) {
    for (const auto& s : change["sql"][phase]) {
      out.push_back({change["kind"].get<std::string>() + " " + change["name"].get<std::string>(), phase,
                     s.get<std::string>()});
    }
  };
  for (const auto& ch : j["changes"]) if (ch["kind"] != "view") add(ch, "schema");
  for (const auto& ch : j["changes"]) add(ch, "after_copy");
  for (const auto& ch : j["changes"]) add(ch, "at_switchover");
  for (const auto& ch : j["changes"]) if (ch["kind"] == "view") add(ch, "schema");
  return out;
}

// The statements of the task graph are exactly those of the changes.
void CheckTasksCarryEveryStatement(const Json& j) {
  std::multiset<std::string> from_changes, from_tasks;
  for (const auto& s : StatementsInTaskOrder(j)) from_changes.insert(s.sql);
  for (const auto& t : j["tasks"]) for (const auto& s : t["sql"]) from_tasks.insert(s.get<std::string>());
  CHECK(from_changes == from_tasks);
}

struct Refusal {
  Statement statement;
  std::string error;
};

std::string Describe(const std::vector<Refusal>& refusals) {
  std::string out;
  for (const auto& r : refusals) {
    out += "--- " + r.statement.object + " [" + r.statement.phase + "]\n" + r.statement.sql + ";\n  => " + r.error + "\n";
  }
  return out;
}

// Runs every statement, continuing after a refusal so one run shows them all.
std::vector<Refusal> Apply(SqlConnection& conn, const std::vector<Statement>& statements) {
  std::vector<Refusal> refused;
  for (const auto& s : statements) {
    try {
      conn.Exec(s.sql);
    } catch (const DbException& e) {
      refused.push_back({s, e.what()});
    }
  }
  return refused;
}

// ---- findings ----------------------------------------------------------------------

const TranslatedTable& TableOf(const Compilation& c, const std::string& source_name) {
  for (const auto& t : c.schema.tables) {
    if (t.mapping->SourceName() == source_name) return t;
  }
  FAIL("no translated table " << source_name);
  throw std::logic_error("unreachable");
}

std::string FindingsText(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& f : findings) out += "  [" + std::string(OutcomeName(f.outcome)) + "] " + f.subject + ": " + f.message + "\n";
  return out;
}

// A finding on `subject` whose message contains `text`.
bool HasFinding(const std::vector<Finding>& findings, const std::string& subject, const std::string& text) {
  for (const auto& f : findings) {
    if (f.subject == subject && f.message.find(text) != std::string::npos) return true;
  }
  return false;
}

#define CHECK_FINDING(table, subject, text)                                                           \
  CHECK_MESSAGE(HasFinding((table).findings, subject, text),                                          \
                "no finding on " << (subject) << " containing '" << (text) << "'; findings of "       \
                                 << (table).mapping->SourceName() << ":\n" << FindingsText((table).findings))

const Check* FindCheck(const Table& t, const std::string& name) {
  for (const auto& ck : t.checks) {
    if (ck.name == name) return &ck;
  }
  return nullptr;
}
const ForeignKey* FindForeignKey(const Table& t, const std::string& name) {
  for (const auto& fk : t.foreign_keys) {
    if (fk.name == name) return &fk;
  }
  return nullptr;
}

bool IsJsonType(const Column& c) {
  std::string t = c.type_raw;
  for (auto& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return t == "json" || t == "jsonb" || t == "longtext";  // MariaDB reports JSON as longtext + json_valid
}

// Every source object is on the target (as read back) or named by a finding.
// Returns what is neither.
std::vector<std::string> SilentlyDropped(const Compilation& c, const Catalog& after) {
  std::vector<std::string> out;
  for (const auto& t : c.schema.tables) {
    const TableMapping& m = *t.mapping;
    const Table& src = *m.source;
    const std::string where = m.SourceName();
    const Schema* schema = after.FindSchema(m.target_schema);
    const Table* dst = schema ? schema->FindTable(t.table.name) : nullptr;
    if (dst == nullptr) {
      out.push_back(where + ": table " + m.TargetName() + " is not on the target");
      continue;
    }
    auto finding_on = [&](const std::string& subject, const std::string& text = "") {
      return HasFinding(t.findings, subject, text);
    };
    if (t.columns.size() + m.dropped.size() != src.columns.size()) out.push_back(where + ": column count differs");
    for (const auto& ct : t.columns) {
      const Column* sc = src.FindColumn(ct.source_name);
      const Column* dc = dst->FindColumn(ct.target_name);
      if (dc == nullptr) {
        out.push_back(where + ": column " + ct.source_name + " is not on the target");
        continue;
      }
      if (ct.target_name != ct.source_name && !finding_on("column " + ct.source_name, "renamed")) {
        out.push_back(where + ": column " + ct.source_name + " silently renamed to " + ct.target_name);
      }
      bool numbered_src = sc->auto_increment || sc->identity != IdentityKind::kNone ||
                          sc->default_value.kind == DefaultKind::kSequence;
      bool numbered_dst = dc->auto_increment || dc->identity != IdentityKind::kNone ||
                          dc->default_value.kind == DefaultKind::kSequence;
      std::string subject = "column " + ct.target_name;
      if (numbered_src && !numbered_dst && !finding_on(subject)) {
        out.push_back(where + ": " + subject + " lost its auto-numbering");
      } else if (!numbered_src && sc->default_value.kind != DefaultKind::kNone &&
                 dc->default_value.kind == DefaultKind::kNone && sc->generated == GeneratedKind::kNone &&
                 !finding_on(subject)) {
        out.push_back(where + ": " + subject + " lost its default " + sc->default_value.raw);
      }
      if (sc->generated != GeneratedKind::kNone && dc->generated == GeneratedKind::kNone && !finding_on(subject)) {
        out.push_back(where + ": " + subject + " is no longer generated");
      }
      if (!sc->on_update.empty() && dc->on_update.empty() && !finding_on(subject)) {
        out.push_back(where + ": " + subject + " lost ON UPDATE " + sc->on_update);
      }
      if (sc->nullable != dc->nullable) out.push_back(where + ": " + subject + " changed nullability");
      if (sc->comment != dc->comment) out.push_back(where + ": " + subject + " lost its comment");
    }
    if (src.primary_key && !dst->primary_key) out.push_back(where + ": the primary key is not on the target");
    if (src.comment != dst->comment) out.push_back(where + ": the table comment is not on the target");
    for (const auto& idx : src.indexes) {
      if (idx.primary) continue;
      if (const Index* found = dst->FindIndex(idx.name)) {
        if (found->unique != idx.unique) out.push_back(where + ": index " + idx.name + " changed uniqueness");
        continue;
      }
      std::string subject = "index " + idx.name;
      bool renamed = false;
      for (const auto& f : t.findings) {
        size_t at = f.message.find("renamed to '");
        if (f.subject != subject || at == std::string::npos) continue;
        std::string to = f.message.substr(at + 12, f.message.find('\'', at + 12) - at - 12);
        renamed = dst->FindIndex(to) != nullptr;
      }
      if (!renamed && !finding_on(subject, "not migrated")) {
        out.push_back(where + ": " + subject + " is not on the target");
      }
    }
    for (const auto& fk : src.foreign_keys) {
      if (FindForeignKey(*dst, FitIdentifier(fk.name, after.dialect == Dialect::kPostgreSQL ? Dialect::kPostgreSQL
                                                                                              : Dialect::kMariaDB))) {
        continue;
      }
      if (!finding_on("foreign key " + fk.name, "not migrated")) {
        out.push_back(where + ": foreign key " + fk.name + " is not on the target");
      }
    }
    for (const auto& ck : src.checks) {
      if (FindCheck(*dst, ck.name) || finding_on("check " + ck.name)) continue;
      // MariaDB's own json_valid(col) CHECK of a JSON column: the target's JSON type implies it.
      bool implied = false;
      if (ck.expression.find("json_valid(") != std::string::npos) {
        for (const auto& col : dst->columns) {
          implied = implied || (ck.expression.find(col.name) != std::string::npos && IsJsonType(col));
        }
      }
      if (!implied) out.push_back(where + ": check " + ck.name + " (" + ck.expression + ") is not on the target");
    }
    if (src.partitioning && !dst->partitioning && !finding_on("table " + m.target_table, "without partitioning")) {
      out.push_back(where + ": its partitioning is not on the target");
    }
  }
  for (const auto& v : c.schema.views) {
    std::string where = v.mapping->source_schema + "." + v.mapping->source_view;
    const Schema* schema = after.FindSchema(v.mapping->target_schema);
    bool present = schema && schema->FindView(v.view.name);
    if (!present && (v.ok || v.findings.empty())) out.push_back("view " + where + " is not on the target");
  }
  // Nothing of the source's selection was left out of the translation.
  size_t tables = 0, views = 0;
  for (const auto& s : c.source.schemas) {
    tables += s.tables.size();
    views += s.views.size();
  }
  if (tables != c.schema.tables.size()) out.push_back("source tables and translated tables differ in number");
  if (views != c.schema.views.size()) out.push_back("source views and translated views differ in number");
  return out;
}

std::string Lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

std::string ChangesText(const Json& j) {
  std::string out;
  for (const auto& ch : j["changes"]) {
    if (ch["action"] == "none") continue;
    out += ch["symbol"].get<std::string>() + " " + ch["kind"].get<std::string>() + " " + ch["name"].get<std::string>() + "\n";
    for (const auto& d : ch["details"]) out += "    " + d.get<std::string>() + "\n";
    for (const char* part : {"schema", "after_copy", "at_switchover"}) {
      for (const auto& s : ch["sql"][part]) out += "    " + s.get<std::string>() + ";\n";
    }
  }
  return out;
}

// A second compilation against the live target has nothing to do.
void CheckSecondRunIsEmpty(const std::string& plan_text, const SourceReader& source,
                           const TargetCatalogSource& target) {
  auto again = CompileLive(plan_text, source, target);
  REQUIRE(again->c->target.has_value());
  CHECK_MESSAGE(!again->c->diff.HasChanges(), "second plan still has changes:\n" << ChangesText(again->json()));
  CHECK(again->json()["summary"]["to_add"] == 0);
  CHECK(again->json()["summary"]["to_change"] == 0);
}

std::string PlanText(const std::string& name, const std::string& source_dialect, const std::string& source_dsn,
                     const std::string& target_dialect, const std::string& target_dsn, const std::string& from,
                     const std::string& to) {
  return "version: 1\nname: " + name + "\nsource: { dialect: " + source_dialect + ", dsn: \"" + source_dsn +
         "\" }\ntarget: { dialect: " + target_dialect + ", dsn: \"" + target_dsn +
         "\" }\nsteps: [schema, full, verify, switchover]\nobjects:\n  - from: " + from + "\n    to: " + to + "\n";
}

std::string PgDsn(const std::string& database) {
  return "postgresql://postgres@127.0.0.1:" + std::string(std::getenv("SLUICE_TEST_PG_PORT")) + "/" + database;
}
std::string MariaDbDsn(const std::string& database = "") {
  return "mysql://root@127.0.0.1:" + std::string(std::getenv("SLUICE_TEST_MARIADB_PORT")) + "/" + database;
}

// ---- PostgreSQL -> MariaDB -----------------------------------------------------------

TEST_CASE("PostgreSQL -> MariaDB: a rich schema applies with no error, loses nothing silently, re-plans empty") {
  Scratch scratch;
  std::string src = scratch.PgDatabase("sch_pg_src");
  testing::PgSession(testing::TestServersFromEnv().postgres.Admin(src)).Exec(ReadData("postgresql_rich.sql"));
  std::string dst = scratch.MariaDbNameOnly("sch_pg_my");
  std::string plan = PlanText("pg-to-mariadb", "postgresql", PgDsn(src), "mariadb", MariaDbDsn(), "app.*",
                              dst + ".{table}");

  auto p = CompileLive(plan, PgSource(src), LiveMariaDbTarget());
  CHECK_MESSAGE(p->Errors() == 0, p->Diagnostics());
  CheckTasksCarryEveryStatement(p->json());
  MySqlConnection conn = MariaDb();
  auto refused = Apply(conn, StatementsInTaskOrder(p->json()));
  CHECK_MESSAGE(refused.empty(), Describe(refused));

  Catalog after = ReadMariaDbTarget({dst});
  CHECK_MESSAGE(SilentlyDropped(*p->c, after).empty(), Lines(SilentlyDropped(*p->c, after)));

  {  // the lossy decisions are findings
    const auto& customers = TableOf(*p->c, "app.customers");
    CHECK_FINDING(customers, "index ix_active", "partial index");
    CHECK_FINDING(customers, "index ix_lower_name", "no expression indexes");
    CHECK_FINDING(customers, "index ix_tags", "GIN");
    CHECK_FINDING(customers, "index ix_hash", "B-tree");
    CHECK_FINDING(customers, "column tags", "json");
    CHECK_FINDING(customers, "column matrix", "json");
    CHECK_FINDING(customers, "column levels", "PostgreSQL array literal");
    CHECK_FINDING(customers, "column stamps", "json");
    CHECK_FINDING(customers, "column doc_xml", "XML");
    CHECK_FINDING(customers, "column query", "tsquery");
    CHECK_FINDING(customers, "column period", "range");
    CHECK_FINDING(customers, "column spot", "geometric");
    CHECK_FINDING(customers, "column email", "domain 'email'");
    CHECK_FINDING(customers, "column age", "domain 'posint'");
    CHECK_FINDING(customers, "column created", "UTC");
    CHECK_FINDING(customers, "column search", "tsvector");
    CHECK_FINDING(customers, "column span", "INTERVAL");
    CHECK_FINDING(customers, "column price", "money");
    CHECK_FINDING(customers, "column amount", "unbounded NUMERIC");
    CHECK_FINDING(customers, "column vbits", "bit varying");
    CHECK_FINDING(customers, "column ip", "inet");
    CHECK_FINDING(TableOf(*p->c, "app.orders"), "column id", "GENERATED ALWAYS AS IDENTITY");
    CHECK_FINDING(TableOf(*p->c, "app.measurements"), "table measurements", "without partitioning");
    CHECK(TableOf(*p->c, "app.audit_log").hidden_key);
  }

  {  // what arrives on MariaDB
    REQUIRE(after.FindSchema(dst) != nullptr);
    const Schema& s = *after.FindSchema(dst);
    REQUIRE(s.FindTable("customers") != nullptr);
    REQUIRE(s.FindTable("order items \"ü\"") != nullptr);
    REQUIRE(s.FindTable("audit_log") != nullptr);
    const Table& c = *s.FindTable("customers");
    CHECK(c.FindColumn("id")->auto_increment);
    CHECK(c.FindColumn("status")->type_raw == "enum('sad','ok','it''s happy')");
    CHECK(c.FindColumn("name")->default_value.value == "it's");
    CHECK(c.FindColumn("tags")->default_value.value == "[]");  // PostgreSQL's '{}' is an empty array
    CHECK(c.comment == "people who buy");
    CHECK(c.FindColumn("email")->comment == "login name");
    CHECK(c.FindColumn("name_len")->generated == GeneratedKind::kStored);
    CHECK(c.FindIndex("uq_email") != nullptr);
    CHECK(c.FindIndex("uq_email")->unique);
    CHECK(FindCheck(c, "ck_small") != nullptr);
    const Table& items = *s.FindTable("order items \"ü\"");
    CHECK(items.FindColumn("we\"ird col ü") != nullptr);
    CHECK(items.FindColumn("select") != nullptr);
    CHECK(FindForeignKey(items, "fk \"orders\"") != nullptr);
    CHECK(items.FindIndex("ix \"select\" ü") != nullptr);
    const Table& audit = *s.FindTable("audit_log");
    REQUIRE(audit.FindColumn(kHiddenKeyColumn) != nullptr);
    CHECK(audit.FindColumn(kHiddenKeyColumn)->invisible);
    CHECK(s.FindView("big spenders") != nullptr);
    MySqlConnection q = MariaDb(dst);
    // The views work: a view on a view on the tables answers.
    CHECK(q.Query("SELECT COUNT(*) FROM `big spenders`").rows.at(0).at(0) == "0");
    CHECK(q.Query("SELECT COUNT(*) FROM v_active_emails").rows.at(0).at(0) == "0");
  }

  CheckSecondRunIsEmpty(plan, PgSource(src), LiveMariaDbTarget());
}

// ---- MariaDB -> PostgreSQL -----------------------------------------------------------

TEST_CASE("MariaDB -> PostgreSQL: a rich schema applies with no error, loses nothing silently, re-plans empty") {
  Scratch scratch;
  std::string src = scratch.MariaDbDatabase("sch_my_src");
  testing::MariaDbSession(testing::TestServersFromEnv().mariadb.Admin(src)).Exec(ReadData("mariadb_rich.sql"));
  std::string dst = scratch.PgDatabase("sch_my_pg");
  std::string plan = PlanText("mariadb-to-pg", "mariadb", MariaDbDsn(src), "postgresql", PgDsn(dst), src + ".*",
                              "shop.{table}");

  auto p = CompileLive(plan, MariaDbSource(src, Dialect::kMariaDB), LivePgTarget(dst));
  CHECK_MESSAGE(p->Errors() == 0, p->Diagnostics());
  CheckTasksCarryEveryStatement(p->json());
  PgConnection conn = Pg(dst);
  auto refused = Apply(conn, StatementsInTaskOrder(p->json()));
  CHECK_MESSAGE(refused.empty(), Describe(refused));

  Catalog after = ReadPgTarget(dst, {"shop"});
  CHECK_MESSAGE(SilentlyDropped(*p->c, after).empty(), Lines(SilentlyDropped(*p->c, after)));

  {  // the lossy decisions are findings
    const auto& customers = TableOf(*p->c, src + ".customers");
    CHECK_FINDING(customers, "column status", "label order");
    CHECK_FINDING(customers, "column email", "case-insensitively");
    CHECK_FINDING(customers, "column perms", "SET");
    CHECK_FINDING(customers, "column updated", "ON UPDATE");
    CHECK_FINDING(customers, "column name_len", "VIRTUAL");
    CHECK_FINDING(customers, "index ix_name_prefix", "prefix length");
    CHECK_FINDING(customers, "index ft_note", "FULLTEXT");
    CHECK_FINDING(customers, "column id", "AUTO_INCREMENT becomes bigint");
    CHECK_FINDING(TableOf(*p->c, src + ".orders"), "column customer_id", "becomes bigint, like the key");
    CHECK_FINDING(TableOf(*p->c, src + ".order items \"ü\""), "foreign key fk \"orders\"",
                  "not a primary key or unique index");
    CHECK_FINDING(TableOf(*p->c, src + ".measurements"), "table measurements", "without partitioning");
    CHECK(TableOf(*p->c, src + ".audit_log").hidden_key);
  }

  {  // what arrives on PostgreSQL
    REQUIRE(after.FindSchema("shop") != nullptr);
    const Schema& s = *after.FindSchema("shop");
    REQUIRE(s.FindTable("customers") != nullptr);
    REQUIRE(s.FindTable("order items \"ü\"") != nullptr);
    const Table& c = *s.FindTable("customers");
    CHECK(c.FindColumn("id")->identity != IdentityKind::kNone);
    CHECK(c.comment == "people who buy");
    CHECK(c.FindColumn("name")->default_value.value == "it's");
    CHECK(c.FindIndex("uq_email") != nullptr);
    const Table& items = *s.FindTable("order items \"ü\"");
    CHECK(items.FindColumn("we\"ird col ü") != nullptr);
    CHECK(items.FindColumn("Mixed Case")->comment == "it's mixed");
    // MariaDB lets it reference a non-unique index; PostgreSQL does not (a finding above).
    CHECK(FindForeignKey(items, "fk \"orders\"") == nullptr);
    CHECK(FindCheck(items, "ck qty") != nullptr);
    CHECK(c.FindColumn("id")->type_raw == "bigint");
    REQUIRE(s.FindTable("orders") != nullptr);
    CHECK(s.FindTable("orders")->FindColumn("customer_id")->type_raw == "bigint");
    CHECK(FindForeignKey(*s.FindTable("orders"), "fk_orders_customer") != nullptr);
    CHECK(c.FindColumn("small")->type_raw == "integer");  // smallint unsigned widened, exact
    CHECK(s.FindView("big spenders") != nullptr);
    PgConnection q = Pg(dst);
    CHECK(q.Query("SELECT COUNT(*) FROM shop.\"big spenders\"").rows.at(0).at(0) == "0");
    CHECK(q.Query("SELECT COUNT(*) FROM shop.v_active_emails").rows.at(0).at(0) == "0");
  }

  CheckSecondRunIsEmpty(plan, MariaDbSource(src, Dialect::kMariaDB), LivePgTarget(dst));
}

// ---- MariaDB -> MariaDB ----------------------------------------------------------------

std::string DefaultText(const ColumnDefault& d) {
  return std::string(DefaultKindName(d.kind)) + ":" + d.raw;
}

std::string PartsText(const Index& idx) {
  std::string out;
  for (const auto& p : idx.parts) {
    out += (out.empty() ? "" : ",") + (p.column.empty() ? "(" + p.expression + ")" : p.column) +
           (p.prefix_length ? "(" + std::to_string(p.prefix_length) + ")" : "") + (p.descending ? " desc" : "");
  }
  return out;
}

// Every difference between two MySQL-family schemas, as "table.what: source | target" lines.
// `src_db` in the source's view bodies and foreign keys stands for `dst_db` on the target.
std::vector<std::string> StructuralDifferences(const Schema& src, const Schema& dst, const std::string& src_db,
                                               const std::string& dst_db) {
  std::vector<std::string> out;
  auto differ = [&](const std::string& what, const std::string& a, const std::string& b) {
    if (a != b) out.push_back(what + ": " + a + " | " + b);
  };
  std::set<std::string> tables;
  for (const auto& t : src.tables) tables.insert(t.name);
  for (const auto& t : dst.tables) tables.insert(t.name);
  for (const auto& name : tables) {
    const Table* a = src.FindTable(name);
    const Table* b = dst.FindTable(name);
    if (!a || !b) {
      out.push_back(name + ": only on the " + (a ? "source" : "target"));
      continue;
    }
    std::set<std::string> columns;
    for (const auto& c : a->columns) columns.insert(c.name);
    for (const auto& c : b->columns) columns.insert(c.name);
    for (const auto& cn : columns) {
      const Column* x = a->FindColumn(cn);
      const Column* y = b->FindColumn(cn);
      std::string w = name + "." + cn;
      if (!x || !y) {
        out.push_back(w + ": only on the " + (x ? "source" : "target"));
        continue;
      }
      differ(w + " ordinal", std::to_string(x->ordinal), std::to_string(y->ordinal));
      differ(w + " type", x->type_raw, y->type_raw);
      differ(w + " nullable", std::to_string(x->nullable), std::to_string(y->nullable));
      differ(w + " default", DefaultText(x->default_value), DefaultText(y->default_value));
      differ(w + " generated", GeneratedKindName(x->generated), GeneratedKindName(y->generated));
      differ(w + " expression", x->generation_expression, y->generation_expression);
      differ(w + " auto_increment", std::to_string(x->auto_increment), std::to_string(y->auto_increment));
      differ(w + " on_update", x->on_update, y->on_update);
      differ(w + " invisible", std::to_string(x->invisible), std::to_string(y->invisible));
      differ(w + " charset", x->charset, y->charset);
      differ(w + " collation", x->collation, y->collation);
      differ(w + " comment", x->comment, y->comment);
    }
    differ(name + " primary key", a->primary_key ? Join(a->primary_key->columns, ",") : "-",
           b->primary_key ? Join(b->primary_key->columns, ",") : "-");
    std::set<std::string> indexes;
    for (const auto& i : a->indexes) indexes.insert(i.name);
    for (const auto& i : b->indexes) indexes.insert(i.name);
    for (const auto& in : indexes) {
      const Index* x = a->FindIndex(in);
      const Index* y = b->FindIndex(in);
      std::string w = name + " index " + in;
      if (!x || !y) {
        out.push_back(w + ": only on the " + (x ? "source" : "target"));
        continue;
      }
      differ(w + " unique", std::to_string(x->unique), std::to_string(y->unique));
      differ(w + " method", x->method, y->method);
      differ(w + " parts", PartsText(*x), PartsText(*y));
      differ(w + " visible", std::to_string(x->visible), std::to_string(y->visible));
      differ(w + " comment", x->comment, y->comment);
    }
    std::set<std::string> fks;
    for (const auto& f : a->foreign_keys) fks.insert(f.name);
    for (const auto& f : b->foreign_keys) fks.insert(f.name);
    for (const auto& fn : fks) {
      const ForeignKey* x = FindForeignKey(*a, fn);
      const ForeignKey* y = FindForeignKey(*b, fn);
      std::string w = name + " foreign key " + fn;
      if (!x || !y) {
        out.push_back(w + ": only on the " + (x ? "source" : "target"));
        continue;
      }
      auto text = [&](const ForeignKey& f, bool source) {
        std::string schema = source && f.referenced_schema == src_db ? dst_db : f.referenced_schema;
        return Join(f.columns, ",") + " -> " + schema + "." + f.referenced_table + "(" +
               Join(f.referenced_columns, ",") + ") on delete " + f.on_delete + " on update " + f.on_update;
      };
      differ(w, text(*x, true), text(*y, false));
    }
    std::set<std::string> checks;
    for (const auto& c : a->checks) checks.insert(c.name);
    for (const auto& c : b->checks) checks.insert(c.name);
    for (const auto& cn : checks) {
      const Check* x = FindCheck(*a, cn);
      const Check* y = FindCheck(*b, cn);
      std::string w = name + " check " + cn;
      if (!x || !y) {
        out.push_back(w + ": only on the " + (x ? "source" : "target"));
        continue;
      }
      differ(w, x->expression, y->expression);
    }
    differ(name + " partitioning", a->partitioning ? "yes" : "no", b->partitioning ? "yes" : "no");
    if (a->partitioning && b->partitioning && !(*a->partitioning == *b->partitioning)) {
      out.push_back(name + " partitioning differs");
    }
    differ(name + " comment", a->comment, b->comment);
    differ(name + " engine", a->engine, b->engine);
    differ(name + " charset", a->charset, b->charset);
    differ(name + " collation", a->collation, b->collation);
  }
  std::set<std::string> views;
  for (const auto& v : src.views) views.insert(v.name);
  for (const auto& v : dst.views) views.insert(v.name);
  for (const auto& vn : views) {
    const View* x = src.FindView(vn);
    const View* y = dst.FindView(vn);
    if (!x || !y) {
      out.push_back("view " + vn + ": only on the " + (x ? "source" : "target"));
      continue;
    }
    // MariaDB qualifies every name in a stored view body with its database.
    differ("view " + vn + " definition", Replace(x->definition, "`" + src_db + "`", "`" + dst_db + "`"), y->definition);
    differ("view " + vn + " check option", x->check_option, y->check_option);
  }
  return out;
}

// What a MariaDB -> MariaDB migration changes on purpose (docs: the hidden
// key of a table without one, dropped at switchover).
const std::vector<std::string> kSameEngineDifferences = {
    "audit_log.__sluice_row_id: only on the target",
    "audit_log index __sluice_row_id_key: only on the target",
};

TEST_CASE("MariaDB -> MariaDB: the target is structurally equal to the source, and re-plans empty") {
  Scratch scratch;
  std::string src = scratch.MariaDbDatabase("sch_mm_src");
  testing::MariaDbSession(testing::TestServersFromEnv().mariadb.Admin(src)).Exec(ReadData("mariadb_rich.sql"));
  std::string dst = scratch.MariaDbNameOnly("sch_mm_dst");
  std::string plan = PlanText("mariadb-to-mariadb", "mariadb", MariaDbDsn(src), "mariadb", MariaDbDsn(), src + ".*",
                              dst + ".{table}");

  auto p = CompileLive(plan, MariaDbSource(src, Dialect::kMariaDB), LiveMariaDbTarget());
  CHECK_MESSAGE(p->Errors() == 0, p->Diagnostics());
  CheckTasksCarryEveryStatement(p->json());
  MySqlConnection conn = MariaDb();
  auto refused = Apply(conn, StatementsInTaskOrder(p->json()));
  CHECK_MESSAGE(refused.empty(), Describe(refused));

  Catalog after = ReadMariaDbTarget({dst});
  CHECK_MESSAGE(SilentlyDropped(*p->c, after).empty(), Lines(SilentlyDropped(*p->c, after)));
  // Between two MariaDB servers nothing is lossy.
  for (const auto& t : p->c->schema.tables) {
    CHECK_MESSAGE(t.findings.empty(), t.mapping->SourceName() << ":\n" << FindingsText(t.findings));
  }
  for (const auto& v : p->c->schema.views) CHECK_MESSAGE(v.ok, FindingsText(v.findings));

  const Schema* a = p->c->source.FindSchema(src);
  const Schema* b = after.FindSchema(dst);
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  std::vector<std::string> diffs = StructuralDifferences(*a, *b, src, dst);
  CHECK_MESSAGE(diffs == kSameEngineDifferences, "differences:\n" << Lines(diffs));

  CheckSecondRunIsEmpty(plan, MariaDbSource(src, Dialect::kMariaDB), LiveMariaDbTarget());
}

// ---- OceanBase and TiDB dialects, run on MariaDB ------------------------------------------

// A statement of an OceanBase plan that MariaDB refuses because it is
// OceanBase-only syntax, with the reason. Matched by a fragment of the SQL.
struct ExpectedRefusal {
  std::string sql_fragment;
  std::string reason;
};

void CheckRefusals(const std::vector<Refusal>& refused, const std::vector<ExpectedRefusal>& expected) {
  std::vector<bool> seen(expected.size(), false);
  std::vector<Refusal> unexpected;
  for (const auto& r : refused) {
    bool matched = false;
    for (size_t i = 0; i < expected.size(); ++i) {
      if (r.statement.sql.find(expected[i].sql_fragment) != std::string::npos) matched = seen[i] = true;
    }
    if (!matched) unexpected.push_back(r);
  }
  CHECK_MESSAGE(unexpected.empty(), "refused by MariaDB, not expected:\n" << Describe(unexpected));
  for (size_t i = 0; i < expected.size(); ++i) {
    CHECK_MESSAGE(seen[i], "expected MariaDB to refuse the statement with '" << expected[i].sql_fragment
                                                                            << "' (" << expected[i].reason << ")");
  }
}

// OceanBase 4.2 (MySQL mode) output that MariaDB refuses. Empty today: every
// statement these cases emit for OceanBase is MySQL syntax MariaDB accepts
// (the OceanBase writer differs only by leaving out ENGINE=). A refusal not
// listed here fails the test; an entry that is never refused fails it too.
const std::vector<ExpectedRefusal> kOceanBaseOnly = {};

TEST_CASE("MariaDB -> OceanBase: the DDL runs on MariaDB, and re-plans empty") {
  Scratch scratch;
  std::string src = scratch.MariaDbDatabase("sch_mo_src");
  testing::MariaDbSession(testing::TestServersFromEnv().mariadb.Admin(src)).Exec(ReadData("mysql_family_common.sql"));
  std::string dst = scratch.MariaDbNameOnly("sch_mo_dst");
  // The target is MariaDB standing in for OceanBase: the version is the plan's, not the server's.
  std::string plan = PlanText("mariadb-to-oceanbase", "mariadb", MariaDbDsn(src), "oceanbase", MariaDbDsn(), src + ".*",
                              dst + ".{table}");
  plan = Replace(plan, "target: { dialect: oceanbase,", "target: { dialect: oceanbase, version: \"4.2.1\",");
  TargetCatalogSource target = [](const std::vector<std::string>& schemas) {
    return std::optional<Catalog>(ReadMariaDbTarget(schemas, Dialect::kOceanBase));
  };

  auto p = CompileLive(plan, MariaDbSource(src, Dialect::kMariaDB), target);
  CHECK_MESSAGE(p->Errors() == 0, p->Diagnostics());
  MySqlConnection conn = MariaDb();
  CheckRefusals(Apply(conn, StatementsInTaskOrder(p->json())), kOceanBaseOnly);
  Catalog after = ReadMariaDbTarget({dst});
  CHECK_MESSAGE(SilentlyDropped(*p->c, after).empty(), Lines(SilentlyDropped(*p->c, after)));
  CheckSecondRunIsEmpty(plan, MariaDbSource(src, Dialect::kMariaDB), target);
}

TEST_CASE("PostgreSQL -> OceanBase: the DDL runs on MariaDB") {
  Scratch scratch;
  std::string src = scratch.PgDatabase("sch_po_src");
  testing::PgSession(testing::TestServersFromEnv().postgres.Admin(src)).Exec(ReadData("postgresql_rich.sql"));
  std::string dst = scratch.MariaDbNameOnly("sch_po_dst");
  std::string plan = PlanText("pg-to-oceanbase", "postgresql", PgDsn(src), "oceanbase", MariaDbDsn(), "app.*",
                              dst + ".{table}");
  plan = Replace(plan, "target: { dialect: oceanbase,", "target: { dialect: oceanbase, version: \"4.2.1\",");
  TargetCatalogSource target = [](const std::vector<std::string>& schemas) {
    return std::optional<Catalog>(ReadMariaDbTarget(schemas, Dialect::kOceanBase));
  };

  auto p = CompileLive(plan, PgSource(src), target);
  CHECK_MESSAGE(p->Errors() == 0, p->Diagnostics());
  MySqlConnection conn = MariaDb();
  CheckRefusals(Apply(conn, StatementsInTaskOrder(p->json())), kOceanBaseOnly);
  Catalog after = ReadMariaDbTarget({dst});
  CHECK_MESSAGE(SilentlyDropped(*p->c, after).empty(), Lines(SilentlyDropped(*p->c, after)));
  CheckSecondRunIsEmpty(plan, PgSource(src), target);
}

TEST_CASE("TiDB and OceanBase sources (read from MariaDB) -> MariaDB: the DDL runs, and re-plans empty") {
  for (const char* dialect : {"tidb", "oceanbase"}) {
    CAPTURE(dialect);
    Dialect d = *ParseDialect(dialect);
    Scratch scratch;
    std::string src = scratch.MariaDbDatabase(std::string("sch_") + dialect);
    testing::MariaDbSession(testing::TestServersFromEnv().mariadb.Admin(src)).Exec(ReadData("mysql_family_common.sql"));
    std::string dst = scratch.MariaDbNameOnly(std::string("sch_") + dialect + "_my");
    // Every table and view is renamed (t_ prefix): view bodies must follow.
    std::string plan = PlanText(std::string(dialect) + "-to-mariadb", dialect, MariaDbDsn(src), "mariadb", MariaDbDsn(),
                                src + ".*", dst + ".t_{table}");
    std::string version = d == Dialect::kTiDB ? "7.5.0" : "4.2.1";
    plan = Replace(plan, std::string("source: { dialect: ") + dialect + ",",
                   std::string("source: { dialect: ") + dialect + ", version: \"" + version + "\",");
    if (d == Dialect::kTiDB) plan = Replace(plan, "steps: [schema, full, verify, switchover]", "steps: [schema, full, verify]");

    auto p = CompileLive(plan, MariaDbSource(src, d), LiveMariaDbTarget());
    CHECK_MESSAGE(p->Errors() == 0, p->Diagnostics());
    MySqlConnection conn = MariaDb();
    auto refused = Apply(conn, StatementsInTaskOrder(p->json()));
    CHECK_MESSAGE(refused.empty(), Describe(refused));
    Catalog after = ReadMariaDbTarget({dst});
    CHECK_MESSAGE(SilentlyDropped(*p->c, after).empty(), Lines(SilentlyDropped(*p->c, after)));
    MySqlConnection q = MariaDb(dst);
    q.Exec("INSERT INTO t_accounts (login, kind) VALUES ('root', 'admin'), ('joe', 'user')");
    CHECK(q.Query("SELECT login FROM t_v_admin_logins").rows == std::vector<Row>{{std::string("root")}});
    CheckSecondRunIsEmpty(plan, MariaDbSource(src, d), LiveMariaDbTarget());
  }
}

// ---- what cannot be translated -----------------------------------------------------------

bool HasError(const Planned& p, const std::string& text) {
  for (const auto& d : p.diags.diagnostics()) {
    if (d.severity == Severity::kError && d.message.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("what cannot be translated is an error naming the column, never emitted silently") {
  Scratch scratch;
  std::string my = scratch.MariaDbDatabase("sch_err_my");
  testing::MariaDbSession(testing::TestServersFromEnv().mariadb.Admin(my))
      .Exec("CREATE TABLE t (id int PRIMARY KEY, email varchar(50), "
            "domain varchar(50) GENERATED ALWAYS AS (substring_index(email, '@', -1)) STORED)");
  std::string pg = scratch.PgDatabase("sch_err_pg");
  testing::PgSession(testing::TestServersFromEnv().postgres.Admin(pg))
      .Exec("CREATE TABLE public.t (id int PRIMARY KEY, initial \"char\", big numeric(70,2))");

  auto to_pg = CompileLive(PlanText("err-to-pg", "mariadb", MariaDbDsn(my), "postgresql", PgDsn(pg), my + ".*",
                                    "other.{table}"),
                           MariaDbSource(my, Dialect::kMariaDB), LivePgTarget(pg));
  CHECK_MESSAGE(HasError(*to_pg, my + ".t column domain: its generated expression"), to_pg->Diagnostics());
  CHECK_MESSAGE(HasError(*to_pg, "substring_index"), to_pg->Diagnostics());

  auto to_my = CompileLive(PlanText("err-to-mariadb", "postgresql", PgDsn(pg), "mariadb", MariaDbDsn(), "public.*",
                                    my + "_x.{table}"),
                           PgSource(pg), LiveMariaDbTarget());
  CHECK_MESSAGE(HasError(*to_my, "public.t column initial: type \"char\" cannot be migrated"), to_my->Diagnostics());
  CHECK_MESSAGE(HasError(*to_my, "public.t column big: type numeric(70,2) cannot be migrated"), to_my->Diagnostics());
}

// ---- the example plans, golden-tested offline, applied to real servers ----------------

// Statements of the example plans that MariaDB refuses on purpose (the plan
// targets MySQL 8 or OceanBase and the statement uses what only they have),
// by plan. Empty today, for the same reason as kOceanBaseOnly.
const std::map<std::string, std::vector<ExpectedRefusal>> kExampleRefusals = {};

TEST_CASE("the example plans' DDL (golden-tested from snapshots) runs on the real servers") {
  const std::string root = SLUICE_SOURCE_DIR;
  for (const char* stem : {"mariadb-to-oceanbase", "mysql-to-oceanbase", "oceanbase-to-mysql", "oceanbase-to-oceanbase",
                           "tidb-to-oceanbase", "postgresql-to-oceanbase", "mysql-to-postgresql"}) {
    CAPTURE(stem);
    std::string rel = std::string("plans/") + stem + ".yaml";
    std::ifstream plan_in(root + "/" + rel), catalog_in(root + "/plans/catalogs/" + stem + ".source.json");
    std::stringstream plan_text, catalog_text;
    plan_text << plan_in.rdbuf();
    catalog_text << catalog_in.rdbuf();
    auto p = std::make_unique<Planned>();
    LoadOptions lo;
    lo.env = [](const std::string&) { return std::optional<std::string>(); };
    p->plan = LoadPlan(std::make_shared<SourceFile>(rel, plan_text.str()), p->diags, lo);
    REQUIRE_MESSAGE(p->plan.has_value(), p->Diagnostics());
    auto snapshot = CatalogFromJsonText(catalog_text.str());
    REQUIRE_MESSAGE(snapshot.ok(), snapshot.error);
    auto rules = TypeRuleSet::LoadEmbedded(p->diags);
    REQUIRE(rules.has_value());
    p->c = Compile(*p->plan, std::move(*snapshot.catalog), nullptr, *rules, CompileOptions{}, p->diags);
    REQUIRE(p->c != nullptr);
    CHECK_MESSAGE(p->Errors() == 0, p->Diagnostics());

    Scratch scratch;
    std::vector<Statement> statements = StatementsInTaskOrder(p->json());
    std::vector<Refusal> refused;
    if (p->c->schema.dialect == Dialect::kPostgreSQL) {
      std::string db = scratch.PgDatabase("sch_ex");
      PgConnection conn = Pg(db);
      refused = Apply(conn, statements);
    } else {
      // The example's target databases become fresh ones.
      for (const auto& schema : p->c->schema.schemas) {
        std::string fresh = scratch.MariaDbNameOnly("sch_ex");
        for (auto& st : statements) {
          st.sql = Replace(st.sql, "`" + schema + "`.`", "`" + fresh + "`.`");
          st.sql = Replace(st.sql, "EXISTS `" + schema + "`", "EXISTS `" + fresh + "`");
        }
      }
      MySqlConnection conn = MariaDb();
      refused = Apply(conn, statements);
    }
    auto expected = kExampleRefusals.find(stem);
    CheckRefusals(refused, expected == kExampleRefusals.end() ? std::vector<ExpectedRefusal>{} : expected->second);
  }
}

}  // namespace
}  // namespace sluice
