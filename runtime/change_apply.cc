#include "runtime/change_apply.h"

// How a phase is applied. The coordinator (the caller of Apply) walks the
// transactions in order and gives each row to a worker (see the header for
// the rules). Each worker turns its rows into SQL, coalescing runs of the
// same table and kind into multi-row statements (REPLACE / INSERT ... ON
// CONFLICT for idempotent upserts, INSERT for exact inserts, DELETE ... IN
// for deletes, one UPDATE per exact update), appends its sluice_meta row,
// and sends BEGIN ... COMMIT in as few round trips as the size allows. The
// coordinator waits for every worker, then records the phase as complete --
// lazily: the last phase of a call completes while the caller reads on.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "dialects/mysql/mysql_connection.h"
#include "dialects/postgresql/pg_connection.h"
#include "runtime/change_feed.h"
#include "runtime/executor.h"
#include "runtime/table_codec.h"

namespace sluice {

namespace {

constexpr size_t kMaxRoundTripBytes = size_t{4} << 20;  // well under max_allowed_packet

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One planned table as change apply sees it.
struct TableState {
  TableCodec codec;
  std::string target_name;  // "schema.table" for messages and metrics
  std::set<std::string> ignored;  // source columns never written (dropped, generated)
  // Per column list of the row images: where each column lands (index into
  // codec.cols, -1 to ignore). Used by the coordinator only.
  std::map<std::vector<std::string>, std::shared_ptr<const std::vector<int>>> maps;
  const std::vector<std::string>* last_columns = nullptr;
  std::shared_ptr<const std::vector<int>> last_map;
  std::atomic<int64_t> rows{0};
};

// One row's values as target literals, in codec column order.
struct Image {
  enum State : uint8_t { kAbsent, kLiteral, kUnchanged };
  std::vector<std::string> lit;
  std::vector<uint8_t> state;
  bool Complete() const {
    for (auto s : state) {
      if (s != kLiteral) return false;
    }
    return true;
  }
};

// One Apply call's transactions, and the rows rebuilt from the source for
// them; alive until the phase that refers to them has committed.
struct Batch {
  std::vector<CapturedTransaction> txns;
  std::deque<RowChange> filled;
};

struct RowWork {
  const RowChange* row = nullptr;
  TableState* table = nullptr;
  std::shared_ptr<const std::vector<int>> map;  // row.columns -> table columns
  bool idempotent = false;
};

}  // namespace

struct ChangeApplier::Impl {
  Impl(const RunPlan& p, const Endpoints& e, RejectSink& r, int n, std::string m)
      : plan(&p), endpoints(e), rejects(r), n_workers(n), migration(std::move(m)) {}

  struct Worker {
    int id = 0;
    std::thread thread;
    std::mutex mu;
    std::condition_variable cv;
    bool has_job = false;
    bool finished = false;
    bool quit = false;
    std::vector<RowWork> job;
    std::string end_position;
    std::string record_position;  // what its sluice_meta row gets: never behind what it had
    int64_t seq = 0;
    int64_t commit_us = 0;
    bool write_complete = false;
    std::exception_ptr error;
    std::unique_ptr<SqlConnection> conn;
  };

  const RunPlan* plan;
  const Endpoints& endpoints;
  RejectSink& rejects;
  int n_workers;
  std::string migration;  // the key of this migration's rows in sluice_meta
  bool mysql_target = true;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<TableState>> tables;
  std::vector<std::unique_ptr<Worker>> workers;
  std::unique_ptr<SqlConnection> coord;
  int64_t seq = 0;
  // The furthest position each worker has committed: a worker's row never
  // moves back (a retry's phases can end before what a worker had done).
  std::map<int, std::string> worker_positions;
  ApplyStats stats;
  std::vector<std::string> idempotent_until;
  std::shared_ptr<Batch> batch;  // the Apply call's, while it partitions
  // The phase on the workers that Drain() has not collected yet (none when
  // `busy` is empty: a dispatched phase always has a worker).
  struct InFlight {
    std::vector<Worker*> busy;
    std::string end;
    int64_t commit_us = 0;
    bool single = false;
    std::shared_ptr<Batch> hold;
  } in_flight;
  std::string committed;
  std::map<std::string, std::string> keyless_copied;
  std::string keyless_applied;

  // ---- tables ---------------------------------------------------------------

  void BuildTables(const RunPlan& p) {
    plan = &p;
    mysql_target = IsMySQLFamily(p.target.dialect);
    tables.clear();
    for (const auto& t : p.tables) {
      auto s = std::make_unique<TableState>();
      s->codec = MakeTableCodec(p, t);
      s->target_name = t.TargetName();
      for (const auto& d : t.dropped_columns) s->ignored.insert(d);
      for (const auto& c : t.columns) {
        if (c.generated) s->ignored.insert(c.source);
      }
      tables[{t.source_schema, t.source_table}] = std::move(s);
    }
  }

  TableState* Find(const RowChange& row) {
    auto it = tables.find({row.schema, row.table});
    return it == tables.end() ? nullptr : it->second.get();
  }

  // Where each column of a row image lands (cached per column list: every
  // row of a table has the same list until its schema changes).
  static std::shared_ptr<const std::vector<int>> Map(TableState& t, const std::vector<std::string>& columns) {
    if (t.last_columns && *t.last_columns == columns) return t.last_map;
    auto it = t.maps.find(columns);
    if (it == t.maps.end()) {
      std::vector<int> map;
      for (const auto& name : columns) {
        if (auto i = t.codec.FindSource(name)) {
          map.push_back(static_cast<int>(*i));
        } else if (t.ignored.count(name)) {
          map.push_back(-1);
        } else {
          throw TaskError("a change to " + t.codec.table->SourceName() + " has column '" + name +
                          "', which the plan does not know (a schema change the sync did not apply?). Nothing after "
                          "it was applied; re-plan the table, or add the column on the target and to the plan, then "
                          "run 'sluice apply' again");
        }
      }
      it = t.maps.emplace(columns, std::make_shared<const std::vector<int>>(std::move(map))).first;
    }
    t.last_columns = &it->first;
    t.last_map = it->second;
    return it->second;
  }

  // ---- positions ------------------------------------------------------------

  bool Idempotent(const std::string& position) const {
    for (const auto& until : idempotent_until) {
      if (!until.empty() && PositionReached(until, position)) return true;
    }
    return false;
  }

  bool KeylessAlreadyApplied(const TableState& t, const std::string& position) const {
    auto it = keyless_copied.find(t.target_name);
    if (it != keyless_copied.end() && PositionReached(it->second, position)) return true;
    return !keyless_applied.empty() && PositionReached(keyless_applied, position);
  }

  std::string MetaTable() const {
    return mysql_target ? std::string("`") + kMetaSchema + "`.`apply_position`"
                        : std::string("\"") + kMetaSchema + "\".\"apply_position\"";
  }

  std::string MetaUpsert(SqlConnection& c, int worker, const std::string& position, int64_t s, int64_t commit_us) {
    std::string values = "(" + c.QuoteString(migration) + ", " + std::to_string(worker) + ", " + c.QuoteString(position) +
                         ", " + std::to_string(s) + ", " + std::to_string(commit_us) + ", " + std::to_string(NowMicros()) +
                         ")";
    std::string cols = "(migration, worker, position, seq, source_commit_us, applied_at_us)";
    if (mysql_target) {
      return "INSERT INTO " + MetaTable() + " " + cols + " VALUES " + values +
             " ON DUPLICATE KEY UPDATE position = VALUES(position), seq = VALUES(seq), source_commit_us = "
             "VALUES(source_commit_us), applied_at_us = VALUES(applied_at_us)";
    }
    return "INSERT INTO " + MetaTable() + " " + cols + " VALUES " + values +
           " ON CONFLICT (migration, worker) DO UPDATE SET position = EXCLUDED.position, seq = EXCLUDED.seq, "
           "source_commit_us = EXCLUDED.source_commit_us, applied_at_us = EXCLUDED.applied_at_us";
  }

  ApplyResume Prepare() {
    if (!coord) coord = endpoints.Target();
    if (mysql_target) {
      coord->Exec(std::string("CREATE DATABASE IF NOT EXISTS `") + kMetaSchema + "`");
      coord->Exec("CREATE TABLE IF NOT EXISTS " + MetaTable() +
                  " (migration VARCHAR(191) NOT NULL, worker INT NOT NULL, position TEXT NOT NULL, seq BIGINT NOT NULL, "
                  "source_commit_us BIGINT NOT NULL, applied_at_us BIGINT NOT NULL, PRIMARY KEY (migration, worker)) "
                  "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
    } else {
      coord->Exec(std::string("CREATE SCHEMA IF NOT EXISTS \"") + kMetaSchema + "\"");
      coord->Exec("CREATE TABLE IF NOT EXISTS " + MetaTable() +
                  " (migration text NOT NULL, worker integer NOT NULL, position text NOT NULL, seq bigint NOT NULL, "
                  "source_commit_us bigint NOT NULL, applied_at_us bigint NOT NULL, PRIMARY KEY (migration, worker))");
    }
    QueryResult r = coord->Query("SELECT worker, position, seq FROM " + MetaTable() +
                                 " WHERE migration = " + coord->QuoteString(migration));
    ApplyResume resume;
    worker_positions.clear();
    for (const auto& row : r.rows) {
      int worker = std::stoi(row[0].value_or("0"));
      std::string position = row[1].value_or("");
      int64_t s = std::stoll(row[2].value_or("0"));
      if (worker == -1) {
        resume.resume_after = position;
      } else {
        worker_positions[worker] = position;
        if (worker == 0) resume.keyless_applied = position;
      }
      resume.last_seq = std::max(resume.last_seq, s);
    }
    // Rows up to the furthest any worker committed may be applied already.
    resume.replay_until = resume.resume_after;
    for (const auto& [w, p] : worker_positions) {
      if (!p.empty() && !PositionReached(resume.replay_until, p)) resume.replay_until = p;
    }
    seq = resume.last_seq;
    return resume;
  }

  // ---- workers --------------------------------------------------------------

  void StartWorkers() {
    if (!workers.empty()) return;
    for (int i = 0; i < n_workers; ++i) {
      auto w = std::make_unique<Worker>();
      w->id = i;
      Worker* wp = w.get();
      w->thread = std::thread([this, wp] { WorkerLoop(*wp); });
      workers.push_back(std::move(w));
    }
  }

  void StopWorkers() {
    for (auto& w : workers) {
      {
        std::lock_guard<std::mutex> l(w->mu);
        w->quit = true;
      }
      w->cv.notify_all();
    }
    for (auto& w : workers) {
      if (w->thread.joinable()) w->thread.join();
    }
    workers.clear();
  }

  void WorkerLoop(Worker& w) {
    while (true) {
      {
        std::unique_lock<std::mutex> l(w.mu);
        w.cv.wait(l, [&] { return w.has_job || w.quit; });
        if (w.quit) return;
      }
      std::exception_ptr error;
      try {
        RunJob(w);
      } catch (...) {
        error = std::current_exception();
        w.conn.reset();  // its session state is unknown now
      }
      {
        std::lock_guard<std::mutex> l(w.mu);
        w.error = error;
        w.has_job = false;
        w.finished = true;
      }
      w.cv.notify_all();
    }
  }

  void RunJob(Worker& w) {
    if (!w.conn) w.conn = endpoints.Target();
    SqlConnection& c = *w.conn;
    std::vector<std::string> statements;
    StatementBuilder builder{*this, c, statements};
    for (const RowWork& r : w.job) builder.Add(r);
    builder.FlushCompacted();
    builder.Flush();
    statements.push_back(MetaUpsert(c, w.id, w.record_position, w.seq, w.commit_us));
    if (w.write_complete) statements.push_back(MetaUpsert(c, -1, w.end_position, w.seq, w.commit_us));
    Execute(c, statements);
    for (const RowWork& r : w.job) r.table->rows.fetch_add(1, std::memory_order_relaxed);
  }

  // BEGIN, the statements, COMMIT: in as few round trips as the size allows.
  void Execute(SqlConnection& c, const std::vector<std::string>& statements) {
    std::string batch = mysql_target ? "START TRANSACTION" : "BEGIN";
    auto send = [&](std::string& sql) {
      if (mysql_target) {
        static_cast<MySqlConnection&>(c).ExecMulti(sql);
      } else {
        c.Exec(sql);
      }
      sql.clear();
    };
    try {
      for (const auto& s : statements) {
        if (!batch.empty() && batch.size() + s.size() > kMaxRoundTripBytes) send(batch);
        if (!batch.empty()) batch += ";\n";
        batch += s;
      }
      batch += batch.empty() ? "COMMIT" : ";\nCOMMIT";
      send(batch);
    } catch (...) {
      try {
        c.Exec("ROLLBACK");
      } catch (...) {
      }
      throw;
    }
  }

  // ---- statements -----------------------------------------------------------

  struct StatementBuilder {
    Impl& impl;
    SqlConnection& c;
    std::vector<std::string>& out;

    // The run of rows being coalesced into one statement.
    enum class RunKind { kNone, kUpsert, kInsert, kDelete };
    RunKind kind = RunKind::kNone;
    TableState* table = nullptr;
    std::vector<std::string> values;  // "(...)" per row, or key tuples for deletes
    std::vector<std::string> delete_wheres;  // deletes: "k1 = .. AND k2 = .." per row
    std::set<std::string> keys_in_run;

    void Flush() {
      if (kind == RunKind::kNone || values.empty()) {
        kind = RunKind::kNone;
        return;
      }
      const TableCodec& tc = table->codec;
      std::string list;
      for (size_t i = 0; i < values.size(); ++i) list += (i ? ", " : "") + values[i];
      if (kind == RunKind::kDelete) {
        if (tc.key.size() == 1) {
          out.push_back("DELETE FROM " + tc.target_table_sql + " WHERE " + KeyColumns(tc) + " IN (" + list + ")");
        } else {
          // Row-constructor IN with one tuple makes MariaDB scan (and lock)
          // the whole table; ORed equalities use the key.
          std::string cond;
          for (size_t i = 0; i < delete_wheres.size(); ++i) cond += (i ? " OR (" : "(") + delete_wheres[i] + ")";
          out.push_back("DELETE FROM " + tc.target_table_sql + " WHERE " + cond);
        }
      } else {
        std::string cols;
        for (size_t i = 0; i < tc.cols.size(); ++i) cols += (i ? ", " : "") + tc.QuoteTarget(tc.cols[i].target);
        bool upsert = kind == RunKind::kUpsert;
        if (impl.mysql_target) {
          out.push_back(std::string(upsert ? "REPLACE" : "INSERT") + " INTO " + tc.target_table_sql + " (" + cols +
                        ") VALUES " + list);
        } else {
          std::string sql = "INSERT INTO " + tc.target_table_sql + " (" + cols + ") VALUES " + list;
          if (upsert) sql += PgOnConflict(tc);
          out.push_back(std::move(sql));
        }
      }
      values.clear();
      delete_wheres.clear();
      keys_in_run.clear();
      kind = RunKind::kNone;
    }

    static std::string KeyColumns(const TableCodec& tc) {
      std::string out = tc.key.size() > 1 ? "(" : "";
      for (size_t i = 0; i < tc.key.size(); ++i) out += (i ? ", " : "") + tc.QuoteTarget(tc.cols[tc.key[i]].target);
      return out + (tc.key.size() > 1 ? ")" : "");
    }

    static std::string PgOnConflict(const TableCodec& tc) {
      std::string keys, sets;
      for (size_t i = 0; i < tc.key.size(); ++i) keys += (i ? ", " : "") + tc.QuoteTarget(tc.cols[tc.key[i]].target);
      for (size_t i = 0; i < tc.cols.size(); ++i) {
        if (std::find(tc.key.begin(), tc.key.end(), i) != tc.key.end()) continue;
        std::string q = tc.QuoteTarget(tc.cols[i].target);
        sets += (sets.empty() ? "" : ", ") + q + " = EXCLUDED." + q;
      }
      return " ON CONFLICT (" + keys + ")" + (sets.empty() ? " DO NOTHING" : " DO UPDATE SET " + sets);
    }

    void Append(RunKind k, TableState* t, std::string v, const std::string& key, std::string delete_where = "") {
      // PostgreSQL refuses one upsert touching a key twice: a new statement.
      if (k != kind || t != table || (!key.empty() && keys_in_run.count(key))) Flush();
      kind = k;
      table = t;
      values.push_back(std::move(v));
      if (k == RunKind::kDelete) delete_wheres.push_back(std::move(delete_where));
      if (!key.empty()) keys_in_run.insert(key);
      if (values.size() >= 1000) Flush();
    }

    void AppendDelete(TableState* t, const Image& img, const std::string& key) {
      Append(RunKind::kDelete, t, key, key, KeyWhere(t->codec, img));
    }

    void Statement(std::string sql) {
      if (!flushing_compacted) FlushCompacted();
      Flush();
      out.push_back(std::move(sql));
    }

    // Compaction: within a phase only each key's last state matters (the
    // phase commits as one transaction per worker, and a worker holds every
    // change of its keys). Whole-row changes are folded into one entry per
    // key -- deleted, or its last image -- and written as one DELETE and
    // multi-row upserts per table instead of a statement per change. Deletes
    // go first and upserts in the order of their last change, so a unique
    // value one row gives up is free before another row takes it.
    struct Pending {
      bool deleted = false;
      Image image;           // the last image (deleted: holds the key)
      const RowWork* work = nullptr;
      int64_t order = 0;
    };
    std::vector<TableState*> pending_tables;
    std::map<TableState*, std::unordered_map<std::string, Pending>> pending;
    int64_t pending_order = 0;

    void Compact(const RowWork& r, const Image& old_image, const std::string& old_key, const Image& after,
                 const std::string& new_key) {
      auto [it, fresh] = pending.try_emplace(r.table);
      if (fresh) pending_tables.push_back(r.table);
      auto& m = it->second;
      if (r.row->kind == ChangeKind::kDelete || old_key != new_key) {
        Pending& d = m[old_key];
        d.deleted = true;
        d.image = old_image;
        d.work = &r;
        d.order = ++pending_order;
      }
      if (r.row->kind != ChangeKind::kDelete) {
        Pending& u = m[new_key];
        u.deleted = false;
        u.image = after;
        u.work = &r;
        u.order = ++pending_order;
      }
    }

    bool flushing_compacted = false;
    void FlushCompacted() {
      flushing_compacted = true;
      for (TableState* t : pending_tables) {
        auto& m = pending[t];
        std::vector<std::pair<const std::string*, Pending*>> upserts;
        for (auto& [key, p] : m) {
          if (p.deleted) {
            AppendDelete(t, p.image, key);
          } else {
            upserts.emplace_back(&key, &p);
          }
        }
        std::sort(upserts.begin(), upserts.end(), [](const auto& a, const auto& b) { return a.second->order < b.second->order; });
        for (auto& [key, p] : upserts) AddUpsert(*p->work, p->image, *key, RunKind::kUpsert);
      }
      pending_tables.clear();
      pending.clear();
      flushing_compacted = false;
    }

    // The row's image as literals; false when a value cannot be represented
    // and the plan says reject (the row is skipped, recorded).
    bool Literals(const RowWork& r, const std::vector<CapturedValue>& image, Image& out_image) {
      const TableCodec& tc = r.table->codec;
      const auto& map = *r.map;
      out_image.lit.assign(tc.cols.size(), std::string());
      out_image.state.assign(tc.cols.size(), Image::kAbsent);
      for (size_t i = 0; i < image.size() && i < map.size(); ++i) {
        int ci = map[i];
        if (ci < 0) continue;
        const CapturedValue& v = image[i];
        switch (v.kind) {
          case CapturedValue::Kind::kNull:
            out_image.lit[ci] = "NULL";
            out_image.state[ci] = Image::kLiteral;
            break;
          case CapturedValue::Kind::kValue: {
            std::string reason;
            auto lit = CanonicalTargetLiteral(c, tc.cols[ci], v.text, &reason);
            if (!lit) return BadValue(r, tc.cols[ci].source, reason);
            out_image.lit[ci] = std::move(*lit);
            out_image.state[ci] = Image::kLiteral;
            break;
          }
          case CapturedValue::Kind::kUnchanged:
            out_image.state[ci] = Image::kUnchanged;
            break;
          case CapturedValue::Kind::kMissing:
            break;
        }
      }
      return true;
    }

    bool BadValue(const RowWork& r, const std::string& column, const std::string& reason) {
      const std::string& policy = impl.plan->settings.on_bad_row;
      std::string what = r.table->codec.table->SourceName() + ", column " + column + ": " + reason;
      if (policy == "reject") {
        impl.rejects.Reject(r.table->codec.table->SourceName(), "", std::string(ChangeKindName(r.row->kind)) + " " +
                                                                        column + ": " + reason, "");
        impl.stats.rejected++;
        return false;
      }
      throw TaskError("a captured " + std::string(ChangeKindName(r.row->kind)) + " of " + what +
                      " (set full.on_bad_row: reject to record such changes in the reject file instead)");
    }

    // "(a, b)" of the key columns from an image; "" when a key value is absent.
    std::string KeyTuple(const TableCodec& tc, const Image& img) {
      std::string out = tc.key.size() > 1 ? "(" : "";
      for (size_t i = 0; i < tc.key.size(); ++i) {
        if (img.state[tc.key[i]] != Image::kLiteral) return "";
        out += (i ? ", " : "") + img.lit[tc.key[i]];
      }
      return out + (tc.key.size() > 1 ? ")" : "");
    }

    std::string KeyWhere(const TableCodec& tc, const Image& img) {
      std::string out;
      for (size_t i = 0; i < tc.key.size(); ++i) {
        out += (i ? " AND " : "") + tc.QuoteTarget(tc.cols[tc.key[i]].target) + " = " + img.lit[tc.key[i]];
      }
      return out;
    }

    // Keyless tables: the first row equal in every comparable column.
    std::string MatchOne(const TableCodec& tc, const Image& img) {
      std::string cond;
      for (size_t i = 0; i < tc.cols.size(); ++i) {
        if (img.state[i] != Image::kLiteral) continue;
        const auto& n = tc.cols[i].codec.neutral;
        // Floats and JSON do not compare reliably as literals; the other
        // columns still pick an equal row.
        if (n && (n->kind == NeutralKind::kFloat32 || n->kind == NeutralKind::kFloat64 || n->kind == NeutralKind::kJson)) {
          continue;
        }
        std::string q = tc.QuoteTarget(tc.cols[i].target);
        std::string cmp = impl.mysql_target ? q + " <=> " + img.lit[i] : q + " IS NOT DISTINCT FROM " + img.lit[i];
        cond += (cond.empty() ? "" : " AND ") + cmp;
      }
      if (cond.empty()) cond = "1 = 1";
      return cond;
    }

    std::string RowValues(const Image& img) {
      std::string v = "(";
      for (size_t i = 0; i < img.lit.size(); ++i) v += (i ? ", " : "") + img.lit[i];
      return v + ")";
    }

    std::string SetList(const TableCodec& tc, const Image& img, bool include_key) {
      std::string sets;
      for (size_t i = 0; i < tc.cols.size(); ++i) {
        if (img.state[i] != Image::kLiteral) continue;
        bool is_key = std::find(tc.key.begin(), tc.key.end(), i) != tc.key.end();
        if (is_key && !include_key) continue;
        sets += (sets.empty() ? "" : ", ") + tc.QuoteTarget(tc.cols[i].target) + " = " + img.lit[i];
      }
      return sets;
    }

    void Add(const RowWork& r) {
      const TableCodec& tc = r.table->codec;
      const RowChange& row = *r.row;
      if (row.kind == ChangeKind::kTruncate) {
        // DELETE on MySQL-family targets: TRUNCATE would commit the batch.
        Statement((impl.mysql_target ? "DELETE FROM " : "TRUNCATE ") + tc.target_table_sql);
        return;
      }
      Image before, after;
      if (!row.before.empty() && !Literals(r, row.before, before)) return;
      if (!row.after.empty() && !Literals(r, row.after, after)) return;
      if (tc.keyless) {
        FlushCompacted();
        AddKeyless(r, before, after);
        return;
      }
      const Image& old_image = row.before.empty() ? after : before;
      std::string old_key = KeyTuple(tc, old_image);
      std::string new_key = row.after.empty() ? "" : KeyTuple(tc, after);
      if (row.kind == ChangeKind::kDelete ? !old_key.empty() : (after.Complete() && !old_key.empty() && !new_key.empty())) {
        Compact(r, old_image, old_key, after, new_key);
        return;
      }
      FlushCompacted();
      switch (row.kind) {
        case ChangeKind::kInsert:
          if (new_key.empty()) throw TaskError("an insert into " + tc.table->SourceName() + " without its key values");
          AddUpsert(r, after, new_key, r.idempotent ? RunKind::kUpsert : RunKind::kInsert);
          return;
        case ChangeKind::kDelete:
          if (old_key.empty()) throw TaskError("a delete from " + tc.table->SourceName() + " without its key values");
          AppendDelete(r.table, old_image, old_key);
          return;
        case ChangeKind::kUpdate: {
          if (old_key.empty() || new_key.empty()) {
            throw TaskError("an update of " + tc.table->SourceName() + " without its key values");
          }
          bool key_changed = old_key != new_key;
          if (r.idempotent && after.Complete()) {
            if (key_changed) AppendDelete(r.table, old_image, old_key);
            AddUpsert(r, after, new_key, RunKind::kUpsert);
            return;
          }
          // Exact, or values the source did not send (unchanged TOAST): an
          // UPDATE by the old key keeps what it does not mention.
          std::string sets = SetList(tc, after, key_changed);
          if (sets.empty()) return;
          Statement("UPDATE " + tc.target_table_sql + " SET " + sets + " WHERE " + KeyWhere(tc, old_image));
          return;
        }
        case ChangeKind::kTruncate:
          return;
      }
    }

    void AddUpsert(const RowWork& r, const Image& after, const std::string& key, RunKind kind) {
      const TableCodec& tc = r.table->codec;
      if (!after.Complete()) {
        throw TaskError("an insert into " + tc.table->SourceName() + " without every column's value");
      }
      if (kind == RunKind::kUpsert && r.idempotent && !impl.mysql_target && !tc.unique_keys.empty()) {
        // REPLACE semantics on PostgreSQL: rows holding one of this row's
        // unique values under another key go first (a replay window only).
        for (const auto& uk : tc.unique_keys) {
          std::string cond;
          bool has_null = false;
          for (size_t i : uk) {
            has_null = has_null || after.lit[i] == "NULL";
            cond += (cond.empty() ? "" : " AND ") + tc.QuoteTarget(tc.cols[i].target) + " = " + after.lit[i];
          }
          if (has_null) continue;
          Statement("DELETE FROM " + tc.target_table_sql + " WHERE " + cond + " AND NOT (" + KeyWhere(tc, after) + ")");
        }
      }
      Append(kind, r.table, RowValues(after), key);
    }

    void AddKeyless(const RowWork& r, const Image& before, const Image& after) {
      const TableCodec& tc = r.table->codec;
      const RowChange& row = *r.row;
      auto one = [&](const Image& img) {
        if (impl.mysql_target) return " WHERE " + MatchOne(tc, img) + " LIMIT 1";
        return " WHERE ctid = (SELECT ctid FROM " + tc.target_table_sql + " WHERE " + MatchOne(tc, img) + " LIMIT 1)";
      };
      switch (row.kind) {
        case ChangeKind::kInsert:
          if (!after.Complete()) throw TaskError("an insert into " + tc.table->SourceName() + " without every value");
          Append(RunKind::kInsert, r.table, RowValues(after), "");
          return;
        case ChangeKind::kDelete:
          Statement("DELETE FROM " + tc.target_table_sql + one(before));
          return;
        case ChangeKind::kUpdate: {
          std::string sets = SetList(tc, after, true);
          if (!sets.empty()) Statement("UPDATE " + tc.target_table_sql + " SET " + sets + one(before));
          return;
        }
        case ChangeKind::kTruncate:
          return;
      }
    }
  };

  // ---- values the source did not send ---------------------------------------

  // PostgreSQL leaves unchanged TOASTed values out of an update. Exact mode
  // keeps them with UPDATE ... SET only what came. In the idempotent window
  // the target row may be older or missing (a chunk read at another moment),
  // so the row is rebuilt from the source as it is now: later changes in the
  // log bring it to the same end state, and a row gone from the source
  // becomes a delete (its delete is still to come).
  std::unique_ptr<SqlConnection> source;

  static bool HasUnchanged(const RowChange& row) {
    for (const auto& v : row.after) {
      if (v.kind == CapturedValue::Kind::kUnchanged) return true;
    }
    return false;
  }

  // The rows that replace `row` (pointers into the batch's `filled`);
  // `row` itself when it cannot be rebuilt.
  std::vector<const RowChange*> FillUnchanged(const RowChange& row, TableState& t) {
    const TableCodec& tc = t.codec;
    if (tc.keyless) return {&row};
    if (!source) source = endpoints.Source();
    auto find = [&](const std::vector<CapturedValue>& image, const std::string& col) -> const CapturedValue* {
      for (size_t i = 0; i < row.columns.size() && i < image.size(); ++i) {
        if (row.columns[i] == col) return &image[i];
      }
      return nullptr;
    };
    std::string where, select;
    for (size_t i = 0; i < tc.key.size(); ++i) {
      const TableColumn& k = tc.cols[tc.key[i]];
      const CapturedValue* v = find(row.after, k.source);
      if (v == nullptr || v->kind != CapturedValue::Kind::kValue) return {&row};
      where += (i ? " AND " : "") + tc.QuoteSource(k.source) + " = " + source->QuoteString(v->text);
    }
    for (size_t i = 0; i < tc.cols.size(); ++i) {
      select += (i ? ", " : "") + tc.cols[i].codec.SourceExpression(tc.QuoteSource(tc.cols[i].source));
    }
    QueryResult r = source->Query("SELECT " + select + " FROM " + tc.source_table_sql + " WHERE " + where);
    // Images over the table's columns: the key from `image`, the rest missing.
    auto key_image = [&](const std::vector<CapturedValue>& image) {
      std::vector<CapturedValue> out;
      for (const auto& c : tc.cols) {
        const CapturedValue* v = find(image, c.source);
        bool key = std::any_of(tc.key.begin(), tc.key.end(), [&](size_t k) { return tc.cols[k].source == c.source; });
        out.push_back(key && v ? *v : CapturedValue{CapturedValue::Kind::kMissing, ""});
      }
      return out;
    };
    RowChange base;
    base.schema = row.schema;
    base.table = row.table;
    for (const auto& c : tc.cols) base.columns.push_back(c.source);
    std::deque<RowChange>& filled = batch->filled;
    std::vector<const RowChange*> out;
    if (!row.before.empty()) {
      // The old key goes first (a key change, or REPLICA IDENTITY FULL).
      RowChange del = base;
      del.kind = ChangeKind::kDelete;
      del.before = key_image(row.before);
      filled.push_back(std::move(del));
      out.push_back(&filled.back());
    }
    if (r.rows.empty()) {
      // Gone from the source: so is the new key here; the log's delete follows.
      RowChange del = base;
      del.kind = ChangeKind::kDelete;
      del.before = key_image(row.after);
      filled.push_back(std::move(del));
      out.push_back(&filled.back());
      return out;
    }
    RowChange up = base;
    up.kind = ChangeKind::kInsert;  // idempotent: an upsert of the whole row
    for (size_t i = 0; i < tc.cols.size(); ++i) {
      const auto& text = r.rows[0][i];
      Converted c = text ? ToCanonical(tc.cols[i].codec, *text) : Converted{Converted::Kind::kNull, "", "", false};
      up.after.push_back(c.kind == Converted::Kind::kValue ? CapturedValue::Of(c.text) : CapturedValue::Null());
    }
    filled.push_back(std::move(up));
    out.push_back(&filled.back());
    return out;
  }

  // ---- phases ---------------------------------------------------------------

  // Tokens: a row's key (before and after) and unique values, per table.
  static void Tokens(const RowWork& r, std::vector<size_t>& out) {
    out.clear();
    const TableCodec& tc = r.table->codec;
    std::hash<std::string> h;
    if (tc.keyless || r.row->kind == ChangeKind::kTruncate) {
      out.push_back(h(tc.target_table_sql));
      return;
    }
    auto add_image = [&](const std::vector<CapturedValue>& image) {
      if (image.empty()) return;
      const auto& map = *r.map;
      auto value_of = [&](size_t col) -> const CapturedValue* {
        for (size_t i = 0; i < map.size() && i < image.size(); ++i) {
          if (map[i] == static_cast<int>(col)) return &image[i];
        }
        return nullptr;
      };
      auto token = [&](const std::vector<size_t>& cols, char tag) -> std::optional<size_t> {
        std::string s = tc.target_table_sql;
        s += tag;
        for (size_t c : cols) {
          const CapturedValue* v = value_of(c);
          if (v == nullptr || v->kind != CapturedValue::Kind::kValue) return std::nullopt;
          s += '\0';
          s += v->text;
        }
        return h(s);
      };
      if (auto k = token(tc.key, 'k')) out.push_back(*k);
      for (size_t u = 0; u < tc.unique_keys.size(); ++u) {
        if (auto t = token(tc.unique_keys[u], static_cast<char>('u' + u))) out.push_back(*t);
      }
    };
    add_image(r.row->before);
    add_image(r.row->after);
    if (out.empty()) out.push_back(h(tc.target_table_sql));
  }

  // Transactions without planned rows only move the position. Recording it
  // costs a target transaction, which itself lands in the source's log when
  // source and target share a server: so it is recorded at most once a
  // second (replaying such transactions after a crash does nothing).
  int64_t last_meta_us = 0;
  bool PositionOnly(const std::vector<CapturedTransaction>& txns) {
    for (const auto& t : txns) {
      for (const auto& row : t.rows) {
        if (Find(row) != nullptr) return false;
      }
    }
    return true;
  }

  void Apply(std::vector<CapturedTransaction> given, bool force_record) {
    StartWorkers();
    batch = std::make_shared<Batch>();
    batch->txns = std::move(given);
    const std::vector<CapturedTransaction>& txns = batch->txns;
    if (!txns.empty() && PositionOnly(txns)) {
      stats.transactions += static_cast<int64_t>(txns.size());
      if (!force_record && NowMicros() - last_meta_us < 1000000) {
        // Not recorded, yet done: replaying such transactions does nothing.
        Drain();
        committed = txns.back().position;
        return;
      }
      std::vector<std::vector<RowWork>> none(workers.size());
      RunPhase(none, txns.back().position, txns.back().commit_time_us);
      return;
    }
    std::vector<std::vector<RowWork>> jobs(workers.size());
    std::unordered_map<size_t, int> owner;  // token -> worker in this phase
    std::string phase_end;
    int64_t phase_commit_us = 0;
    int64_t phase_txns = 0;
    std::vector<size_t> tokens;
    std::vector<RowWork> txn_rows;

    auto run_phase = [&] {
      if (phase_end.empty()) return;
      RunPhase(jobs, phase_end, phase_commit_us);
      stats.transactions += phase_txns;
      for (auto& j : jobs) j.clear();
      owner.clear();
      phase_end.clear();
      phase_txns = 0;
    };

    for (const CapturedTransaction& t : txns) {
      bool idempotent = Idempotent(t.position);
      txn_rows.clear();
      for (const RowChange& row : t.rows) {
        TableState* ts = Find(row);
        if (ts == nullptr) continue;  // not a planned table
        if (ts->codec.keyless && KeylessAlreadyApplied(*ts, t.position)) continue;
        if (idempotent && row.kind == ChangeKind::kUpdate && HasUnchanged(row)) {
          for (const RowChange* r : FillUnchanged(row, *ts)) txn_rows.push_back(RowWork{r, ts, Map(*ts, r->columns), idempotent});
          continue;
        }
        txn_rows.push_back(RowWork{&row, ts, Map(*ts, row.columns), idempotent});
      }
      // Place the transaction's rows; if a row's tokens are already held by
      // two workers, or the transaction truncates, close the phase first.
      auto place = [&](bool dry, std::vector<int>& chosen) -> bool {
        std::unordered_map<size_t, int> local;
        chosen.clear();
        for (const RowWork& r : txn_rows) {
          Tokens(r, tokens);
          int w = -1;
          for (size_t tok : tokens) {
            int held = -1;
            if (auto it = owner.find(tok); it != owner.end()) held = it->second;
            if (auto it = local.find(tok); it != local.end()) held = it->second;
            if (held < 0) continue;
            if (w >= 0 && w != held) return false;
            w = held;
          }
          if (w < 0) {
            w = r.table->codec.keyless || r.row->kind == ChangeKind::kTruncate
                    ? 0
                    : static_cast<int>(tokens.front() % workers.size());
          }
          if ((r.table->codec.keyless || r.row->kind == ChangeKind::kTruncate) && w != 0) return false;
          for (size_t tok : tokens) local[tok] = w;
          chosen.push_back(w);
        }
        if (!dry) {
          for (auto& [tok, w] : local) owner[tok] = w;
        }
        return true;
      };
      std::vector<int> chosen;
      bool truncates = std::any_of(txn_rows.begin(), txn_rows.end(),
                                   [](const RowWork& r) { return r.row->kind == ChangeKind::kTruncate; });
      if (truncates) run_phase();
      if (!place(true, chosen)) {
        run_phase();
        if (!place(true, chosen)) {
          // Conflicts within the transaction itself: one worker takes it all.
          chosen.assign(txn_rows.size(), 0);
        }
      }
      for (size_t i = 0; i < txn_rows.size(); ++i) {
        Tokens(txn_rows[i], tokens);
        for (size_t tok : tokens) owner[tok] = chosen[i];
        jobs[chosen[i]].push_back(txn_rows[i]);
      }
      phase_end = t.position;
      phase_commit_us = std::max(phase_commit_us, t.commit_time_us);
      ++phase_txns;
      if (truncates) run_phase();
    }
    run_phase();
    batch.reset();  // the running phase holds it
  }

  // Every worker with rows commits its part; the last position goes to
  // sluice_meta with each part and, once all are in, as the complete row.
  // Starts the phase once the one before has committed; Drain() collects it.
  void RunPhase(std::vector<std::vector<RowWork>>& jobs, const std::string& end, int64_t commit_us) {
    Drain();
    ++seq;
    std::vector<Worker*> busy;
    for (size_t i = 0; i < workers.size(); ++i) {
      if (!jobs[i].empty()) busy.push_back(workers[i].get());
    }
    bool single = busy.size() <= 1;
    if (busy.empty()) busy.push_back(workers[0].get());  // only positions moved: worker 0 records them
    for (Worker* w : busy) {
      std::lock_guard<std::mutex> l(w->mu);
      w->job = std::move(jobs[w->id]);
      w->end_position = end;
      const std::string& had = worker_positions[w->id];
      w->record_position = had.empty() || PositionReached(end, had) ? end : had;
      w->seq = seq;
      w->commit_us = commit_us;
      w->write_complete = single;
      w->error = nullptr;
      w->finished = false;
      w->has_job = true;
      w->cv.notify_all();
    }
    in_flight = InFlight{std::move(busy), end, commit_us, single, batch};
  }

  void Drain() {
    if (in_flight.busy.empty()) return;
    InFlight f = std::move(in_flight);
    in_flight = InFlight{};
    std::exception_ptr error;
    for (Worker* w : f.busy) {
      std::unique_lock<std::mutex> l(w->mu);
      w->cv.wait(l, [&] { return w->finished; });
      if (w->error && !error) error = w->error;
      stats.rows += static_cast<int64_t>(w->job.size());
      w->job.clear();
    }
    if (error) std::rethrow_exception(error);
    for (Worker* w : f.busy) worker_positions[w->id] = w->record_position;
    last_meta_us = NowMicros();
    if (!f.single) {
      if (!coord) coord = endpoints.Target();
      coord->Exec(MetaUpsert(*coord, -1, f.end, seq, f.commit_us));
    }
    stats.target_transactions += static_cast<int64_t>(f.busy.size());
    if (f.commit_us > 0) stats.last_commit_us = f.commit_us;
    committed = f.end;
  }
};

ChangeApplier::ChangeApplier(const RunPlan& plan, const Endpoints& endpoints, RejectSink& rejects, int workers,
                             std::string migration)
    : impl_(std::make_unique<Impl>(plan, endpoints, rejects, std::max(1, workers), std::move(migration))) {
  impl_->BuildTables(plan);
}

ChangeApplier::~ChangeApplier() { impl_->StopWorkers(); }

ApplyResume ChangeApplier::Prepare() { return impl_->Prepare(); }

void ChangeApplier::SetIdempotentUntil(const std::string& position) { impl_->idempotent_until.push_back(position); }

void ChangeApplier::SetKeylessCopied(const std::string& target_table, const std::string& position) {
  impl_->keyless_copied[target_table] = position;
}

void ChangeApplier::SetKeylessApplied(const std::string& position) { impl_->keyless_applied = position; }

void ChangeApplier::Apply(std::vector<CapturedTransaction> txns, bool force_record) {
  impl_->Apply(std::move(txns), force_record);
}

void ChangeApplier::Drain() { impl_->Drain(); }

const std::string& ChangeApplier::Committed() const { return impl_->committed; }

void ChangeApplier::ResetTables(const RunPlan& plan) {
  impl_->Drain();  // the running phase refers to the tables
  impl_->BuildTables(plan);
}

const ApplyStats& ChangeApplier::stats() const { return impl_->stats; }

std::map<std::string, int64_t> ChangeApplier::RowsByTable() const {
  std::map<std::string, int64_t> out;
  for (const auto& [k, t] : impl_->tables) out[t->target_name] = t->rows.load();
  return out;
}

}  // namespace sluice
