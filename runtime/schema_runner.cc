#include "runtime/schema_runner.h"

#include "dialects/mysql/binlog_precheck.h"
#include "dialects/postgresql/pg_replication_precheck.h"
#include "runtime/incremental.h"

#include "runtime/reporter.h"

namespace sluice {

namespace {

// Errors that mean "this object is already there".
bool AlreadyExists(Dialect d, const DbError& e) {
  if (d == Dialect::kPostgreSQL) {
    return e.sqlstate == "42P07" || e.sqlstate == "42710" || e.sqlstate == "42P06";
  }
  static const int kCodes[] = {1007, 1050, 1061, 1826, 3822, 1022};
  for (int c : kCodes) {
    if (e.code == c) return true;
  }
  return false;
}

class TargetSqlRunner : public TaskRunner {
 public:
  explicit TargetSqlRunner(const Endpoints& e) : endpoints_(e) {}
  Dialect ErrorDialect(const TaskContext& ctx) const override { return ctx.plan.target.dialect; }
  void Run(TaskContext& ctx) override {
    if (ctx.task.sql.empty()) return;
    auto rec = ctx.store.GetTask(ctx.task.id);
    bool resumed = rec && rec->attempts > 1;
    auto conn = endpoints_.Target();
    for (const auto& sql : ctx.task.sql) {
      if (ctx.stop_requested()) throw TaskStopped();
      try {
        conn->Exec(sql);
      } catch (const DbException& e) {
        if (resumed && AlreadyExists(ctx.plan.target.dialect, e.error())) continue;
        throw DbException(DbError{e.error().code, e.error().sqlstate,
                                  e.error().message + "\n  while running: " + Shorten(sql)});
      }
    }
  }

 private:
  static std::string Shorten(const std::string& sql) {
    return sql.size() > 400 ? sql.substr(0, 400) + "…" : sql;
  }
  const Endpoints& endpoints_;
};

class PrecheckRunner : public TaskRunner {
 public:
  explicit PrecheckRunner(const Endpoints& e) : endpoints_(e) {}
  Dialect ErrorDialect(const TaskContext& ctx) const override { return ctx.plan.source.dialect; }
  void Run(TaskContext& ctx) override {
    std::vector<std::string> problems;
    auto src = endpoints_.Source();
    for (const auto& t : ctx.plan.tables) {
      std::string q = src->QuoteIdent(t.source_schema) + "." + src->QuoteIdent(t.source_table);
      try {
        src->Query("SELECT 1 FROM " + q + " WHERE 1 = 0");
      } catch (const DbException& e) {
        problems.push_back("cannot read source table " + t.SourceName() + ": " + e.error().message);
      }
    }
    auto tgt = endpoints_.Target();
    if (IsMySQLFamily(ctx.plan.target.dialect)) {
      QueryResult r = tgt->Query("SELECT @@GLOBAL.local_infile");
      if (!r.rows.empty() && r.rows[0][0].value_or("0") != "1") {
        ctx.reporter.Note("precheck: the target refuses LOAD DATA LOCAL INFILE (local_infile=OFF): the copy uses "
                          "multi-row INSERTs, which are slower; SET GLOBAL local_infile = 1 on the target enables "
                          "the bulk path");
      }
      if (ctx.plan.settings.target_binlog == "skip" && ctx.plan.HasStep("full")) {
        try {
          tgt->Exec("SET SESSION sql_log_bin = 0");
          tgt->Exec("SET SESSION sql_log_bin = 1");
        } catch (const DbException& e) {
          problems.push_back("full.target_binlog: skip needs the SUPER or BINLOG ADMIN privilege on the target (" +
                             e.error().message + "); grant it, or drop the setting to copy through the binary log");
        }
      }
    }
    if (ctx.plan.HasStep("incremental")) CheckCapture(ctx, *src, problems);
    if (!problems.empty()) {
      std::string msg = "precheck found " + std::to_string(problems.size()) + " problem(s):";
      for (const auto& p : problems) msg += "\n  - " + p;
      throw TaskError(msg);
    }
    ctx.reporter.Note("precheck: source " + DialectName(ctx.plan.source.dialect) + " " + src->ServerVersion() +
                      ", target " + DialectName(ctx.plan.target.dialect) + " " + tgt->ServerVersion());
  }

 private:
  // What change capture needs, checked before any data moves.
  void CheckCapture(TaskContext& ctx, SqlConnection& src, std::vector<std::string>& problems) {
    for (const auto& t : ctx.plan.tables) {
      if (!t.where.empty()) {
        problems.push_back("table " + t.SourceName() + " has a row filter (where), which incremental sync cannot "
                           "apply to changes yet; remove the filter or the incremental step");
      }
    }
    if (IsMySQLFamily(ctx.plan.source.dialect)) {
      binlog::BinlogPrecheckOptions o;
      o.server_id = CaptureServerId(ctx.plan);
      for (const auto& p : binlog::CheckBinlogSource(src, o)) {
        if (p.severity == binlog::BinlogProblem::Severity::kNote) {
          ctx.reporter.Note("precheck: " + p.what);
        } else {
          problems.push_back(p.what + (p.fix.empty() ? "" : "; fix: " + p.fix));
        }
      }
      return;
    }
    std::vector<PgTableName> tables;
    for (const auto& t : ctx.plan.tables) tables.push_back({t.source_schema, t.source_table});
    PgCapturePrecheckOptions o;
    o.slots_needed = 1;
    o.wal_senders_needed = 2;  // the stream, and a resumed copy's snapshot slot
    for (const auto& p : PrecheckLogicalCapture(src, tables, o)) {
      problems.push_back((p.object.empty() ? "" : p.object + ": ") + p.what + (p.fix.empty() ? "" : "; fix: " + p.fix));
    }
  }

  static std::string DialectName(Dialect d) { return sluice::DialectName(d); }
  const Endpoints& endpoints_;
};

}  // namespace

std::shared_ptr<TaskRunner> MakeTargetSqlRunner(const Endpoints& e) { return std::make_shared<TargetSqlRunner>(e); }
std::shared_ptr<TaskRunner> MakePrecheckRunner(const Endpoints& e) { return std::make_shared<PrecheckRunner>(e); }

}  // namespace sluice
