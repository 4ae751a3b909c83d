// libFuzzer target over DDL sync: statement text from the source's binlog is
// outside bytes, and TranslateSourceDdl must answer every statement with
// ignore, apply or pause: no crash, hang, sanitizer report or exception.
//
// Input: the first byte picks the target dialect, (byte - '0') % 10 indexing
// MariaDB, PostgreSQL, MySQL, OceanBase, TiDB, then the same five with the
// planned source catalog attached (the default-collation path); '0'..'9' keep
// corpus files readable. The rest is up to kMaxStatements statements split
// at NUL bytes, translated in order against one plan, so later statements see
// the renames and new columns of earlier ones.
//
// Besides not crashing, each answer must keep the header's promises:
//   - ignore and pause leave the plan untouched and give a reason, and a
//     pause says how to resume; only apply carries target SQL;
//   - apply gives a summary, and target statements that are non-empty with
//     no trailing ';';
//   - after an apply, no table has two columns whose source names differ
//     only in case (MySQL column names ignore case), and every key and
//     unique-key column is a column of the table.
// A broken promise aborts, which libFuzzer reports like a crash.
//
// SLUICE_FUZZ_REPLAY (the corpus replay unit test) leaves out the libFuzzer
// entry point; DdlSyncFuzzInput is what both call.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/catalog_json.h"
#include "common/diagnostics.h"
#include "dialects/types/type_rules.h"
#include "runtime/ddl_sync.h"

namespace sluice {

// Which kinds of answer one input got; the replay test checks the corpus
// reaches each.
struct DdlSyncFuzzResult {
  int ignored = 0, applied = 0, paused = 0;
};

DdlSyncFuzzResult DdlSyncFuzzInput(const uint8_t* data, size_t size);

namespace {

constexpr size_t kMaxStatements = 16;
constexpr std::string_view kResume = "resume with `sluice apply --skip-ddl`";

void Must(bool ok) {
  if (!ok) std::abort();
}

const TypeRuleSet& Rules() {
  static const TypeRuleSet rules = [] {
    DiagnosticSink diags;
    auto r = TypeRuleSet::LoadEmbedded(diags);
    Must(r.has_value());
    return std::move(*r);
  }();
  return rules;
}

RunColumn Col(std::string name, std::string source_type, std::string neutral, std::string target_type) {
  return RunColumn{name, std::move(source_type), std::move(neutral), name, std::move(target_type), false};
}

// A small plan as the planner would compile it: shop.orders with a renamed
// column, a dropped one and a `types:` override; shop.customer_v2 renamed to
// shop.customers; a table with a hostile name; a table with a row filter;
// and, for PostgreSQL, index names as the planner writes them.
RunPlan MakePlan(Dialect target, bool with_catalog) {
  bool pg = target == Dialect::kPostgreSQL;
  RunPlan p;
  p.source.dialect = Dialect::kMySQL;
  p.target.dialect = target;

  RunTable t;
  t.source_schema = t.target_schema = "shop";
  t.source_table = t.target_table = "orders";
  t.key = {"id"};
  t.unique_keys = {{"code"}};
  t.columns = {
      Col("id", "int", "int32", pg ? "integer" : "int"),
      Col("code", "varchar(10)", "varchar(10)", pg ? "character varying(10)" : "varchar(10)"),
      Col("created", "datetime", "timestamp(0)", pg ? "timestamp(0)" : "datetime"),
      Col("status", "enum('new','paid')", "enum('new','paid')", pg ? "text" : "enum('new','paid')"),
      Col("note", "varchar(20)", "varchar(20)", pg ? "character varying(20)" : "varchar(20)"),
      Col("total", "decimal(10,2)", "", "decimal(18,4)"),
  };
  t.columns[2].target = "created_at";
  t.dropped_columns = {"legacy_flag"};
  p.tables.push_back(t);

  RunTable c;
  c.source_schema = c.target_schema = "shop";
  c.source_table = "customer_v2";
  c.target_table = "customers";
  c.key = {"id"};
  c.columns = {Col("id", "bigint", "int64", "bigint")};
  p.tables.push_back(c);

  RunTable h;
  h.source_schema = h.target_schema = "shop";
  h.source_table = h.target_table = "we`ird \"tab\" \xc3\xbc";
  h.key = {"k"};
  h.columns = {Col("k", "int", "int32", pg ? "integer" : "int")};
  p.tables.push_back(h);

  RunTable f;
  f.source_schema = f.target_schema = "shop";
  f.source_table = f.target_table = "events";
  f.key = {"id"};
  f.where = "kind = 'paid'";
  f.columns = {Col("id", "int", "int32", pg ? "integer" : "int"),
               Col("kind", "varchar(10)", "varchar(10)", pg ? "character varying(10)" : "varchar(10)")};
  p.tables.push_back(f);

  if (pg) {
    RunTask task;
    task.kind = "schema.indexes";
    task.sql = {"CREATE INDEX \"ix_note\" ON \"shop\".\"orders\" (\"note\")",
                "CREATE INDEX \"customers_ix\" ON \"shop\".\"customers\" (\"id\")"};
    p.tasks.push_back(task);
  }

  if (with_catalog) {
    Catalog cat;
    cat.dialect = Dialect::kMySQL;
    Schema s;
    s.name = "shop";
    Table ot;
    ot.name = "orders";
    ot.charset = "utf8mb4";
    ot.collation = "utf8mb4_bin";
    Column id;
    id.name = "id";
    id.type_raw = "int";
    ot.columns.push_back(id);
    s.tables.push_back(ot);
    cat.schemas.push_back(s);
    p.source_schema = CatalogToJson(cat);
  }
  return p;
}

const RunPlan& BasePlan(size_t index) {
  static const std::vector<RunPlan> plans = [] {
    std::vector<RunPlan> v;
    for (bool with_catalog : {false, true}) {
      for (Dialect d : {Dialect::kMariaDB, Dialect::kPostgreSQL, Dialect::kMySQL, Dialect::kOceanBase,
                        Dialect::kTiDB}) {
        v.push_back(MakePlan(d, with_catalog));
      }
    }
    return v;
  }();
  return plans[index % plans.size()];
}

// Everything TranslateSourceDdl may change, flattened for comparison.
std::string Snapshot(const RunPlan& p) {
  std::string s;
  auto add = [&s](std::string_view v) {
    s += std::to_string(v.size());
    s += ':';
    s += v;
  };
  for (const RunTable& t : p.tables) {
    add(t.source_schema), add(t.source_table), add(t.target_schema), add(t.target_table), add(t.where);
    s += std::to_string(static_cast<int>(t.key_kind)) + (t.hidden_key ? "h" : "-");
    for (const auto& k : t.key) add(k);
    s += '|';
    for (const auto& u : t.unique_keys) {
      for (const auto& k : u) add(k);
      s += ',';
    }
    s += '|';
    for (const RunColumn& c : t.columns) {
      add(c.source), add(c.source_type), add(c.neutral), add(c.target), add(c.target_type);
      s += c.generated ? 'g' : '-';
    }
    s += '|';
    for (const auto& d : t.dropped_columns) add(d);
    s += '\n';
  }
  for (const RunTask& t : p.tasks) {
    for (const auto& q : t.sql) add(q);
  }
  return s;
}

std::string Fold(std::string_view name) {
  std::string out(name);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

bool HasColumn(const RunTable& t, const std::string& name) {
  for (const RunColumn& c : t.columns) {
    if (Fold(c.source) == Fold(name)) return true;
  }
  return false;
}

void CheckTables(const RunPlan& p) {
  for (const RunTable& t : p.tables) {
    for (size_t i = 0; i < t.columns.size(); ++i) {
      for (size_t j = i + 1; j < t.columns.size(); ++j) Must(Fold(t.columns[i].source) != Fold(t.columns[j].source));
    }
    if (t.hidden_key) continue;
    for (const auto& k : t.key) Must(HasColumn(t, k));
    for (const auto& u : t.unique_keys) {
      for (const auto& k : u) Must(HasColumn(t, k));
    }
  }
}

}  // namespace

DdlSyncFuzzResult DdlSyncFuzzInput(const uint8_t* data, size_t size) {
  DdlSyncFuzzResult result;
  if (size < 1) return result;
  RunPlan plan = BasePlan(static_cast<uint8_t>(data[0] - '0'));
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  for (size_t n = 0; n < kMaxStatements; ++n) {
    size_t end = rest.find('\0');
    std::string_view statement = rest.substr(0, end);
    std::string before = Snapshot(plan);
    DdlSyncAction a = TranslateSourceDdl(plan, DdlChange{"shop", std::string(statement)}, Rules());
    switch (a.kind) {
      case DdlSyncAction::Kind::kApply:
        ++result.applied;
        Must(!a.summary.empty());
        for (const auto& sql : a.target_sql) Must(!sql.empty() && sql.back() != ';');
        CheckTables(plan);
        break;
      case DdlSyncAction::Kind::kPause:
        ++result.paused;
        Must(a.reason.find(kResume) != std::string::npos);
        [[fallthrough]];
      case DdlSyncAction::Kind::kIgnore:
        if (a.kind == DdlSyncAction::Kind::kIgnore) ++result.ignored;
        Must(!a.reason.empty());
        Must(a.target_sql.empty());
        Must(Snapshot(plan) == before);
        break;
      default:
        Must(false);
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return result;
}

}  // namespace sluice

#ifndef SLUICE_FUZZ_REPLAY
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sluice::DdlSyncFuzzInput(data, size);
  return 0;
}
#endif
