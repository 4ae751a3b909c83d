#include "runtime/full_copy.h"

#include <libpq-fe.h>
#include <mysql.h>

#include <condition_variable>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "runtime/incremental.h"
#include "runtime/reporter.h"
#include "runtime/row_io.h"
#include "runtime/table_codec.h"
#include "runtime/value_codec.h"

namespace sluice {

using Json = nlohmann::json;

void CopySlots::Acquire() {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [&] { return free_ > 0; });
  --free_;
}

void CopySlots::Release() {
  std::lock_guard<std::mutex> l(mu_);
  ++free_;
  cv_.notify_one();
}

void RejectSink::Reject(const std::string& table, const std::string& key_json, const std::string& reason,
                        const std::string& row_json) {
  std::lock_guard<std::mutex> l(mu_);
  std::ofstream out(path_, std::ios::app | std::ios::binary);
  auto clean = [](std::string s) {
    for (auto& c : s) {
      if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    }
    return s;
  };
  out << clean(table) << '\t' << clean(key_json) << '\t' << clean(reason) << '\t' << clean(row_json) << '\n';
  out.flush();
  if (!out) throw TaskError("cannot write the reject file " + path_);
  ++count_;
}

namespace {

std::string JsonText(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string SelectList(const TableCodec& s) {
  std::string out;
  for (size_t i = 0; i < s.cols.size(); ++i) {
    out += (i ? ", " : "") + s.cols[i].codec.SourceExpression(s.QuoteSource(s.cols[i].source));
  }
  return out;
}

// A canonical key value as a literal of the source's SQL.
std::string SourceLiteral(const TableCodec& s, SqlConnection& conn, const TableColumn& c, const std::string& v) {
  const auto& n = c.codec.neutral;
  if (n && (IsIntegerKind(n->kind) || n->kind == NeutralKind::kDecimal)) {
    bool plain = !v.empty();
    for (char ch : v) plain = plain && (std::isdigit(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.');
    if (plain) return v;
  }
  if (c.binary) {
    std::string h = HexDigits(v);
    return IsMySQLFamily(s.source) ? "X'" + h + "'" : "'\\x" + h + "'::bytea";
  }
  if (n && n->kind == NeutralKind::kTimestamp && n->with_tz && s.source == Dialect::kPostgreSQL) {
    return conn.QuoteString(v + "+00");
  }
  return conn.QuoteString(v);
}

// A canonical key value as a literal of the target's SQL.
std::string TargetLiteral(SqlConnection& conn, const TableColumn& c, const std::string& canonical) {
  std::string reason;
  return CanonicalTargetLiteral(conn, c, canonical, &reason).value_or("NULL");
}

// "(k1, k2) > (a, b) AND (k1, k2) <= (c, d)" for a chunk; "" for all rows.
std::string RangePredicate(const TableCodec& s, const std::vector<std::string>& names, const ChunkRecord& chunk,
                           const std::function<std::string(size_t, const std::string&)>& literal) {
  if (s.keyless) return "";
  auto tuple = [&](const std::vector<std::string>& parts) {
    std::string out = parts.size() > 1 ? "(" : "";
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
    return out + (parts.size() > 1 ? ")" : "");
  };
  auto values = [&](const std::string& json_text) {
    std::vector<std::string> out;
    Json j = Json::parse(json_text);
    for (size_t i = 0; i < s.key.size(); ++i) out.push_back(literal(i, j.at(i).get<std::string>()));
    return tuple(out);
  };
  std::string cols = tuple(names);
  std::string out;
  if (!chunk.lo.empty()) out = cols + " > " + values(chunk.lo);
  if (!chunk.hi.empty()) out += (out.empty() ? "" : " AND ") + cols + " <= " + values(chunk.hi);
  return out;
}

// Whether both engines order the key's values alike, so that a chunk's key
// range selects the same rows on the target as on the source. Text and
// binary keys do not: collations differ (utf8mb4_general_ci, a PostgreSQL
// locale, bytes), and a range could take rows of other chunks.
bool RangeSafeKey(const TableCodec& s) {
  for (size_t i : s.key) {
    const auto& n = s.cols[i].codec.neutral;
    if (!n) return false;
    switch (n->kind) {
      case NeutralKind::kBool: case NeutralKind::kDecimal: case NeutralKind::kDate: case NeutralKind::kTimestamp:
      case NeutralKind::kYear:
        break;
      default:
        if (!IsIntegerKind(n->kind)) return false;
    }
  }
  return true;
}

class FullCopyRunner : public TaskRunner {
 public:
  FullCopyRunner(const Endpoints& e, CopySlots& slots, RejectSink& rejects, CopyConsistency* consistency)
      : endpoints_(e), slots_(slots), rejects_(rejects), consistency_(consistency) {}

  Dialect ErrorDialect(const TaskContext& ctx) const override {
    // Both sides are involved; the classifier tables agree on connection
    // errors, and most failures are the target's.
    return ctx.plan.target.dialect;
  }

  void Run(TaskContext& ctx) override {
    const RunTable* table = ctx.plan.FindTableByTarget(ctx.task.object);
    if (table == nullptr) throw TaskError("plan.json has no table " + ctx.task.object);
    TableCodec spec = MakeTableCodec(ctx.plan, *table);
    std::vector<ChunkRecord> chunks = ctx.store.GetChunks(ctx.task.id);
    if (chunks.empty()) {
      chunks = PlanChunks(ctx, spec);
      ctx.store.SaveChunks(ctx.task.id, chunks);
      chunks = ctx.store.GetChunks(ctx.task.id);
    }
    int64_t total = table->row_estimate.value_or(0);
    std::atomic<int64_t> rows{0}, bytes{0};
    std::vector<size_t> pending;
    for (size_t i = 0; i < chunks.size(); ++i) {
      if (chunks[i].state == TaskState::kDone) {
        rows += chunks[i].rows;
        bytes += chunks[i].bytes;
      } else {
        pending.push_back(i);
      }
    }
    ctx.reporter.Progress(ctx.task.id, rows, bytes, total);
    std::atomic<size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mu;
    std::atomic<bool> abort{false};
    auto worker = [&] {
      std::unique_ptr<SqlConnection> src, tgt;
      while (!abort) {
        size_t k = next++;
        if (k >= pending.size()) return;
        if (ctx.stop_requested()) {
          abort = true;
          std::lock_guard<std::mutex> l(failure_mu);
          if (!failure) failure = std::make_exception_ptr(TaskStopped());
          return;
        }
        ChunkRecord& chunk = chunks[pending[k]];
        try {
          slots_.Acquire();
          struct Release {
            CopySlots& s;
            ~Release() { s.Release(); }
          } release{slots_};
          if (!src) src = endpoints_.Source();
          if (!tgt) tgt = endpoints_.CopyTarget();
          ctx.store.StartChunk(ctx.task.id, chunk.no);
          int64_t attempts = chunk.attempts + 1;
          auto [r, b] = CopyChunk(ctx, spec, chunk, attempts > 1, *src, *tgt);
          ctx.store.FinishChunk(ctx.task.id, chunk.no, r, b);
          rows += r;
          bytes += b;
          ctx.store.SetTaskProgress(ctx.task.id, rows, bytes, total);
          ctx.reporter.Progress(ctx.task.id, rows, bytes, total);
        } catch (...) {
          abort = true;
          std::lock_guard<std::mutex> l(failure_mu);
          if (!failure) failure = std::current_exception();
          return;
        }
      }
    };
    size_t n = std::min<size_t>(pending.size(), static_cast<size_t>(std::max<int64_t>(1, ctx.plan.settings.full_parallel)));
    std::vector<std::thread> threads;
    for (size_t i = 1; i < n; ++i) threads.emplace_back(worker);
    if (n > 0) worker();
    for (auto& t : threads) t.join();
    if (failure) std::rethrow_exception(failure);
    FinishTable(spec);
  }

 private:
  // Chunk boundaries from the key distribution.
  std::vector<ChunkRecord> PlanChunks(TaskContext& ctx, const TableCodec& s) {
    std::vector<ChunkRecord> out;
    int64_t chunk_rows = std::max<int64_t>(1, ctx.plan.settings.full_chunk_rows);
    auto add = [&](std::string lo, std::string hi) {
      ChunkRecord c;
      c.no = static_cast<int64_t>(out.size());
      c.lo = std::move(lo);
      c.hi = std::move(hi);
      out.push_back(std::move(c));
    };
    if (s.keyless) {
      add("", "");
      return out;
    }
    auto src = endpoints_.Source();
    std::string where = s.table->where.empty() ? "" : " WHERE (" + s.table->where + ")";
    const TableColumn& k0 = s.cols[s.key[0]];
    if (s.key.size() == 1 && k0.codec.neutral && IsIntegerKind(k0.codec.neutral->kind)) {
      std::string kq = s.QuoteSource(k0.source);
      QueryResult r = src->Query("SELECT MIN(" + kq + "), MAX(" + kq + "), COUNT(*) FROM " + s.source_table_sql + where);
      if (r.rows.empty() || !r.rows[0][0] || !r.rows[0][1]) {
        add("", "");
        return out;
      }
      int64_t count = std::stoll(r.rows[0][2].value_or("0"));
      std::string prev;
      for (const auto& bound : IntegerChunkBounds(*r.rows[0][0], *r.rows[0][1], count, chunk_rows)) {
        std::string hi_text = Json::array({bound}).dump();
        add(prev, hi_text);
        prev = hi_text;
      }
      add(prev, "");
      return out;
    }
    // Any other key: every chunk_rows-th key of an ordered scan of the key.
    std::string cols, order;
    for (size_t i = 0; i < s.key.size(); ++i) {
      const TableColumn& c = s.cols[s.key[i]];
      cols += (i ? ", " : "") + c.codec.SourceExpression(s.QuoteSource(c.source));
      order += (i ? ", " : "") + s.QuoteSource(c.source);
    }
    std::string sql = "SELECT " + cols + " FROM " + s.source_table_sql + where + " ORDER BY " + order;
    std::unique_ptr<RowReader> reader;
    std::unique_ptr<MySqlConnection> my;
    std::unique_ptr<PgConnection> pg;
    if (IsMySQLFamily(s.source)) {
      my = endpoints_.SourceMySql();
      reader = ReadMySqlRows(*my, sql);
    } else {
      pg = endpoints_.SourcePg();
      reader = ReadPgRows(*pg, sql);
    }
    std::vector<std::optional<std::string_view>> row;
    int64_t seen = 0;
    std::string prev;
    while (reader->Next(row)) {
      if (++seen % chunk_rows != 0) continue;
      Json key = Json::array();
      for (size_t i = 0; i < s.key.size(); ++i) {
        if (!row[i]) throw TaskError("key column '" + s.cols[s.key[i]].source + "' of " + s.table->SourceName() + " holds NULL");
        Converted c = ToCanonical(s.cols[s.key[i]].codec, *row[i]);
        key.push_back(c.text);
      }
      std::string hi = JsonText(key);
      add(prev, hi);
      prev = hi;
    }
    add(prev, "");
    return out;
  }

  // Deletes on the target the rows whose keys the source has in the chunk
  // (`src_pred`), 500 keys a statement.
  static void DeleteSourceKeys(const TableCodec& s, const std::string& src_pred, SqlConnection& src, SqlConnection& tgt) {
    std::string select;
    for (size_t k = 0; k < s.key.size(); ++k) {
      const TableColumn& c = s.cols[s.key[k]];
      select += (k ? ", " : "") + c.codec.SourceExpression(s.QuoteSource(c.source));
    }
    QueryResult keys = src.Query("SELECT " + select + " FROM " + s.source_table_sql + " WHERE " + src_pred);
    std::string cond;
    size_t in_cond = 0;
    auto flush = [&] {
      if (in_cond > 0) tgt.Exec("DELETE FROM " + s.target_table_sql + " WHERE " + cond);
      cond.clear();
      in_cond = 0;
    };
    for (const auto& row : keys.rows) {
      std::string match;
      for (size_t k = 0; k < s.key.size(); ++k) {
        const TableColumn& c = s.cols[s.key[k]];
        if (!row[k]) throw TaskError("a NULL key value in " + s.table->SourceName() + " (keys must be NOT NULL)");
        Converted v = ToCanonical(c.codec, *row[k]);
        match += std::string(k ? " AND " : "") + s.QuoteTarget(c.target) + " = " + TargetLiteral(tgt, c, v.text);
      }
      cond += (cond.empty() ? "(" : " OR (") + match + ")";
      if (++in_cond == 500) flush();
    }
    flush();
  }

  // Copies one chunk in one target transaction. Returns rows and bytes written.
  std::pair<int64_t, int64_t> CopyChunk(TaskContext& ctx, const TableCodec& s, const ChunkRecord& chunk, bool redo,
                                        SqlConnection& src, SqlConnection& tgt) {
    std::vector<std::string> src_key_names, tgt_key_names;
    for (size_t i : s.key) {
      src_key_names.push_back(s.QuoteSource(s.cols[i].source));
      tgt_key_names.push_back(s.QuoteTarget(s.cols[i].target));
    }
    std::string src_pred = RangePredicate(s, src_key_names, chunk, [&](size_t i, const std::string& v) {
      return SourceLiteral(s, src, s.cols[s.key[i]], v);
    });
    std::string tgt_pred = RangePredicate(s, tgt_key_names, chunk, [&](size_t i, const std::string& v) {
      return TargetLiteral(tgt, s.cols[s.key[i]], v);
    });
    std::string where;
    if (!src_pred.empty()) where = " WHERE " + src_pred;
    if (!s.table->where.empty()) where += (where.empty() ? " WHERE " : " AND ") + std::string("(") + s.table->where + ")";
    std::string select = "SELECT " + SelectList(s) + " FROM " + s.source_table_sql + where;

    bool mysql_target = IsMySQLFamily(s.target);
    // Incremental plans: the read runs in the transaction the sync says
    // (a snapshot); a keyless table records the log position it matches.
    std::optional<std::string> read_position;
    struct EndRead {
      CopyConsistency* c;
      SqlConnection& src;
      ~EndRead() {
        if (c) c->EndRead(src);
      }
    } end_read{consistency_, src};
    if (consistency_) read_position = consistency_->BeginRead(src, s.keyless);
    tgt.Exec(mysql_target ? "START TRANSACTION" : "BEGIN");
    try {
      if (redo) {
        // A previous attempt may have committed this chunk (the state store
        // did not hear of it): its rows go first. By the key range where both
        // engines order keys alike, else by the keys the source has in it.
        if (tgt_pred.empty() || RangeSafeKey(s)) {
          tgt.Exec("DELETE FROM " + s.target_table_sql + (tgt_pred.empty() ? "" : " WHERE " + tgt_pred));
        } else {
          DeleteSourceKeys(s, src_pred, src, tgt);
        }
      }
      auto result = BulkLoad(ctx, s, select, src, tgt);
      if (!result) {
        // The target refused or adjusted some value: redo row by row so each
        // problem row is found and handled by the policy.
        tgt.Exec("ROLLBACK");
        tgt.Exec(mysql_target ? "START TRANSACTION" : "BEGIN");
        if (redo) tgt.Exec("DELETE FROM " + s.target_table_sql + (tgt_pred.empty() ? "" : " WHERE " + tgt_pred));
        result = RowByRow(ctx, s, select, tgt, &read_position);
      }
      if (consistency_ && s.keyless) {
        if (!read_position) throw TaskError("no consistent snapshot position for keyless table " + s.table->SourceName());
        consistency_->RecordKeylessCopy(s.table->TargetName(), *read_position);
      }
      tgt.Exec("COMMIT");
      return *result;
    } catch (...) {
      try {
        tgt.Exec("ROLLBACK");
      } catch (...) {
      }
      throw;
    }
  }

  std::unique_ptr<RowReader> Read(const TableCodec& s, const std::string& select, SqlConnection& src) {
    if (IsMySQLFamily(s.source)) return ReadMySqlRows(static_cast<MySqlConnection&>(src), select);
    return ReadPgRows(static_cast<PgConnection&>(src), select);
  }

  std::string KeyJson(const TableCodec& s, const std::vector<std::optional<std::string_view>>& row) {
    Json k = Json::array();
    for (size_t i : s.key) k.push_back(row[i] ? std::string(*row[i]) : std::string("NULL"));
    return JsonText(k);
  }
  std::string RowJson(const std::vector<std::optional<std::string_view>>& row) {
    Json r = Json::array();
    for (const auto& v : row) r.push_back(v ? Json(std::string(*v)) : Json(nullptr));
    return JsonText(r);
  }

  // A value the copy cannot write: reject it or stop, as the plan says.
  // Returns false when the row is rejected (skipped).
  void BadRow(TaskContext& ctx, const TableCodec& s, const std::vector<std::optional<std::string_view>>& row,
              const std::string& column, const std::string& reason, bool zero_date) {
    const std::string& policy = zero_date ? ctx.plan.settings.zero_date : ctx.plan.settings.on_bad_row;
    std::string where = s.table->SourceName() + (s.keyless ? "" : " key " + KeyJson(s, row));
    if (policy == "reject") {
      rejects_.Reject(s.table->SourceName(), s.keyless ? "" : KeyJson(s, row), column + ": " + reason, RowJson(row));
      return;
    }
    throw TaskError(where + ", column " + column + ": " + reason + " (set " +
                    (zero_date ? "full.zero_date" : "full.on_bad_row") + ": reject to write such rows to the reject file" +
                    (zero_date ? ", or null to store NULL" : "") + ")");
  }

  // Converts one source row into target texts; false when the row was rejected.
  bool ConvertRow(TaskContext& ctx, const TableCodec& s, const std::vector<std::optional<std::string_view>>& row,
                  std::vector<std::optional<std::string>>& out) {
    out.resize(s.cols.size());
    for (size_t i = 0; i < s.cols.size(); ++i) {
      if (!row[i]) {
        out[i] = std::nullopt;
        continue;
      }
      Converted c = ConvertValue(s.cols[i].codec, *row[i]);
      if (c.kind == Converted::Kind::kValue) {
        out[i] = std::move(c.text);
      } else if (c.kind == Converted::Kind::kNull) {
        out[i] = std::nullopt;
      } else {
        BadRow(ctx, s, row, s.cols[i].source, c.reason, c.zero_date);
        return false;
      }
    }
    return true;
  }

  // The fast path. nullopt when the target raised warnings or loaded fewer
  // rows than sent (the caller redoes the chunk row by row).
  std::optional<std::pair<int64_t, int64_t>> BulkLoad(TaskContext& ctx, const TableCodec& s, const std::string& select,
                                                      SqlConnection& src, SqlConnection& tgt) {
    auto reader = Read(s, select, src);
    std::vector<std::optional<std::string_view>> row;
    std::vector<std::optional<std::string>> values;
    int64_t rows_since_check = 0;
    LineProducer producer = [&](std::string& line) {
      while (true) {
        if (!reader->Next(row)) return false;
        if (++rows_since_check % 10000 == 0 && ctx.stop_requested()) throw TaskStopped();
        if (!ConvertRow(ctx, s, row, values)) continue;
        for (size_t i = 0; i < values.size(); ++i) {
          if (i) line += '\t';
          AppendField(line, values[i]);
        }
        line += '\n';
        return true;
      }
    };
    std::string cols = "(";
    std::string sets;
    for (size_t i = 0; i < s.cols.size(); ++i) {
      if (i) cols += ", ";
      if (s.cols[i].bit_target) {
        cols += "@v" + std::to_string(i);
        sets += std::string(sets.empty() ? " SET " : ", ") + s.QuoteTarget(s.cols[i].target) + " = CAST(@v" +
                std::to_string(i) + " AS UNSIGNED)";
      } else {
        cols += s.QuoteTarget(s.cols[i].target);
      }
    }
    cols += ")" + sets;
    if (IsMySQLFamily(s.target) && !LocalInfileAllowed(tgt)) return InsertLoad(ctx, s, *reader, tgt);
    if (IsMySQLFamily(s.target)) {
      LoadResult r = LoadMySql(static_cast<MySqlConnection&>(tgt), s.target_table_sql, cols, producer);
      if (r.warnings > 0 || r.affected != r.rows) return std::nullopt;
      return std::make_pair(r.rows, r.bytes);
    }
    try {
      LoadResult r = LoadPg(static_cast<PgConnection&>(tgt), s.target_table_sql, cols, producer);
      return std::make_pair(r.rows, r.bytes);
    } catch (const DbException& e) {
      // Data and integrity errors (classes 22, 23) name a row: find it.
      const std::string& st = e.error().sqlstate;
      if (st.rfind("22", 0) == 0 || st.rfind("23", 0) == 0) return std::nullopt;
      throw;
    }
  }

  // Whether the MySQL-family target takes LOAD DATA LOCAL INFILE (asked once).
  bool LocalInfileAllowed(SqlConnection& tgt) {
    std::call_once(infile_checked_, [&] {
      QueryResult r = tgt.Query("SELECT @@GLOBAL.local_infile");
      local_infile_ = !r.rows.empty() && r.rows[0][0].value_or("0") == "1";
    });
    return local_infile_;
  }

  // The bulk path when the target refuses LOAD DATA LOCAL: multi-row INSERTs
  // of up to 1,000 rows or 1 MiB. nullopt when the target refused or adjusted
  // a value (the chunk is then redone row by row, as for LOAD DATA).
  std::optional<std::pair<int64_t, int64_t>> InsertLoad(TaskContext& ctx, const TableCodec& s, RowReader& reader,
                                                        SqlConnection& tgt) {
    std::string cols;
    for (size_t i = 0; i < s.cols.size(); ++i) cols += (i ? ", " : "") + s.QuoteTarget(s.cols[i].target);
    const std::string prefix = "INSERT INTO " + s.target_table_sql + " (" + cols + ") VALUES ";
    std::vector<std::optional<std::string_view>> row;
    std::vector<std::optional<std::string>> values;
    std::string sql;
    int64_t rows = 0, bytes = 0, in_batch = 0;
    auto send = [&]() -> bool {
      if (in_batch == 0) return true;
      uint64_t affected = 0;
      try {
        affected = tgt.Exec(sql);
      } catch (const DbException& e) {
        if (IsRowError(s.target, e.error())) return false;
        throw;
      }
      QueryResult w = tgt.Query("SELECT @@warning_count");
      bool clean = static_cast<int64_t>(affected) == in_batch && !w.rows.empty() && w.rows[0][0].value_or("0") == "0";
      bytes += static_cast<int64_t>(sql.size());
      sql.clear();
      in_batch = 0;
      return clean;
    };
    while (reader.Next(row)) {
      if ((rows + 1) % 10000 == 0 && ctx.stop_requested()) throw TaskStopped();
      if (!ConvertRow(ctx, s, row, values)) continue;
      sql += in_batch == 0 ? prefix : std::string(", ");
      sql += "(";
      for (size_t i = 0; i < values.size(); ++i) {
        if (i) sql += ", ";
        sql += values[i] ? TargetTextLiteral(tgt, s.cols[i], *values[i]) : std::string("NULL");
      }
      sql += ")";
      ++in_batch;
      ++rows;
      if (in_batch >= 1000 || sql.size() >= (size_t{1} << 20)) {
        if (!send()) return std::nullopt;
      }
    }
    if (!send()) return std::nullopt;
    return std::make_pair(rows, bytes);
  }

  // The careful path: one INSERT per row, each row's refusal handled alone.
  std::pair<int64_t, int64_t> RowByRow(TaskContext& ctx, const TableCodec& s, const std::string& select,
                                       SqlConnection& tgt, std::optional<std::string>* read_position) {
    // A second source connection: the first may still be mid-stream. In an
    // incremental plan it reads in a snapshot of its own.
    auto src2 = endpoints_.Source();
    struct EndRead {
      CopyConsistency* c;
      SqlConnection& src;
      ~EndRead() {
        if (c) c->EndRead(src);
      }
    } end_read{consistency_, *src2};
    if (consistency_) *read_position = consistency_->BeginRead(*src2, s.keyless);
    auto reader = Read(s, select, *src2);
    std::string cols;
    for (size_t i = 0; i < s.cols.size(); ++i) cols += (i ? ", " : "") + s.QuoteTarget(s.cols[i].target);
    std::string prefix = "INSERT INTO " + s.target_table_sql + " (" + cols + ") VALUES (";
    std::vector<std::optional<std::string_view>> row;
    std::vector<std::optional<std::string>> values;
    int64_t rows = 0, bytes = 0;
    bool pg = s.target == Dialect::kPostgreSQL;
    while (reader->Next(row)) {
      if (!ConvertRow(ctx, s, row, values)) continue;
      std::string sql = prefix;
      for (size_t i = 0; i < values.size(); ++i) {
        if (i) sql += ", ";
        sql += values[i] ? TargetTextLiteral(tgt, s.cols[i], *values[i]) : std::string("NULL");
      }
      sql += ")";
      if (pg) tgt.Exec("SAVEPOINT sluice_row");
      try {
        tgt.Exec(sql);
        if (pg) tgt.Exec("RELEASE SAVEPOINT sluice_row");
        ++rows;
        bytes += static_cast<int64_t>(sql.size());
      } catch (const DbException& e) {
        if (!IsRowError(s.target, e.error())) throw;
        if (pg) tgt.Exec("ROLLBACK TO SAVEPOINT sluice_row");
        BadRow(ctx, s, row, "(row)", "the target refused it: " + e.error().message, false);
      }
    }
    return {rows, bytes};
  }

  static bool IsRowError(Dialect d, const DbError& e) {
    if (d == Dialect::kPostgreSQL) return e.sqlstate.rfind("22", 0) == 0 || e.sqlstate.rfind("23", 0) == 0;
    static const int kRowErrors[] = {1048, 1062, 1264, 1265, 1292, 1366, 1367, 1406, 1411, 1416, 3140, 3819, 4025, 4078};
    for (int c : kRowErrors) {
      if (e.code == c) return true;
    }
    return false;
  }

  // After the last chunk: PostgreSQL identity sequences continue after the
  // copied values (MySQL AUTO_INCREMENT does that by itself).
  void FinishTable(const TableCodec& s) {
    if (s.target != Dialect::kPostgreSQL) return;
    auto tgt = endpoints_.TargetPg();
    std::string regclass = tgt->QuoteString(s.target_table_sql);
    QueryResult r = tgt->Query("SELECT attname FROM pg_attribute WHERE attrelid = " + regclass +
                               "::regclass AND attidentity <> '' AND NOT attisdropped");
    for (const auto& row : r.rows) {
      std::string col = PgConnection::QuotePgIdent(*row[0]);
      tgt->Query("SELECT setval(pg_get_serial_sequence(" + regclass + ", " + tgt->QuoteString(*row[0]) +
                 "), COALESCE((SELECT MAX(" + col + ") FROM " + s.target_table_sql + "), 1), (SELECT MAX(" + col +
                 ") FROM " + s.target_table_sql + ") IS NOT NULL)");
    }
  }

  const Endpoints& endpoints_;
  CopySlots& slots_;
  RejectSink& rejects_;
  CopyConsistency* consistency_;  // incremental plans: snapshot reads
  std::once_flag infile_checked_;
  bool local_infile_ = true;
};

}  // namespace

std::vector<std::string> IntegerChunkBounds(const std::string& min_key, const std::string& max_key, int64_t count,
                                            int64_t chunk_rows) {
  // Keys span int64 and uint64 (MySQL BIGINT UNSIGNED): split in long double,
  // whose 64-bit mantissa holds both exactly, and print each bound through
  // the integer type its sign allows (a cast of a value above 2^63 - 1 to
  // long long would wrap and break the ranges' order).
  long double lo = std::stold(min_key), hi = std::stold(max_key);
  int64_t n = std::max<int64_t>(1, (count + std::max<int64_t>(1, chunk_rows) - 1) / std::max<int64_t>(1, chunk_rows));
  long double step = (hi - lo + 1) / n;
  std::vector<std::string> out;
  for (int64_t i = 1; i < n; ++i) {
    long double b = lo - 1 + step * i;
    std::string text = b < 0 ? std::to_string(static_cast<long long>(b)) : std::to_string(static_cast<unsigned long long>(b));
    if (!out.empty() && out.back() == text) continue;
    out.push_back(std::move(text));
  }
  return out;
}

std::shared_ptr<TaskRunner> MakeFullCopyRunner(const Endpoints& endpoints, CopySlots& slots, RejectSink& rejects,
                                               CopyConsistency* consistency) {
  return std::make_shared<FullCopyRunner>(endpoints, slots, rejects, consistency);
}

}  // namespace sluice
