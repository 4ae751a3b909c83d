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

#include "runtime/ddl_sync.h"
#include "runtime/ddl_sync_fixture.h"

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

const RunPlan& BasePlan(size_t index) {
  static const std::vector<RunPlan> plans = [] {
    std::vector<RunPlan> v;
    for (bool with_catalog : {false, true}) {
      for (Dialect d : {Dialect::kMariaDB, Dialect::kPostgreSQL, Dialect::kMySQL, Dialect::kOceanBase,
                        Dialect::kTiDB}) {
        v.push_back(DdlSyncFixturePlan(d, {.index_tasks = true, .source_catalog = with_catalog}));
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
    DdlSyncAction a = TranslateSourceDdl(plan, DdlChange{"shop", std::string(statement)}, DdlSyncFixtureRules());
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
