// Verification of a plan's tables. How a keyed table is compared:
//
// 1. Chunks: key ranges from the source's key distribution (a uniform split
//    of [min, max] for one integer key, else every chunk_rows-th key of an
//    ordered key scan). Ranges are used only when both engines order the key
//    alike (numbers and times always; strings only on the same engine family
//    with the same column type); otherwise the table is one chunk.
// 2. In the databases, when every column has a canonical SQL text on both
//    sides (verify_canonical.h: same dialect and type, or kinds both engines
//    print alike): each side returns each chunk's row count and the SHA-256
//    of its rows' self-delimiting encodings in key order, each side at its
//    own pace. Equal digests: the chunk is equal and no row leaves the
//    servers. The other chunks (or all, for tables with a column that has no
//    such text) are then streamed:
// 3. Per chunk, both sides are streamed at once (two connections) into maps
//    canonical key -> (row hash, raw row). Equal hashes are equal rows; a key
//    on one side only is missing or extra; unequal hashes are compared column
//    by column (floats within the tolerance), which also clears the rare
//    float pair that rounds apart but is within the tolerance.
// 4. Re-check: the differing keys are re-read on both sides (WHERE key IN
//    ...) after the caller's catch-up callback and delay; what is equal now
//    was lag. What persists is reported and corrected.
// 5. Correction: DELETE extra rows, UPDATE differing columns, INSERT missing
//    rows, values converted by the same codecs as the full copy. Applying
//    runs them in batches of one transaction each, then re-reads those keys.
//
// A keyless table is streamed once per side into a count and the sum of its
// row hashes mod 2^128; its correction rewrites the table.

#include "runtime/verify.h"

#include <fnmatch.h>
#include <mysql.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <numeric>
#include <thread>
#include <unordered_map>

#include "common/text.h"
#include "runtime/reporter.h"
#include "runtime/row_io.h"
#include "runtime/table_codec.h"

namespace sluice {

using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

const char* RowDiffKindName(RowDiffKind k) {
  switch (k) {
    case RowDiffKind::kMissing: return "missing";
    case RowDiffKind::kExtra: return "extra";
    case RowDiffKind::kDiffering: return "differing";
  }
  return "?";
}

bool VerifyReport::has_errors() const {
  for (const auto& t : tables) {
    if (!t.error.empty() || !t.fix_error.empty()) return true;
  }
  return false;
}

bool VerifyReport::has_differences() const {
  for (const auto& t : tables) {
    if (t.differs() && !t.fixed) return true;
  }
  return false;
}

int VerifyExitCode(const VerifyReport& r) {
  if (r.has_errors()) return 1;
  return r.has_differences() ? 2 : 0;
}

namespace {

struct VCol {
  std::string source, target;
  ColumnCodec copy;  // source -> target, as the full copy converts
  VerifyValueSpec sspec, tspec;
  bool bit_target = false;
  bool binary = false;
  bool integer = false;
  bool same_type = false;  // same dialect and column type on both sides
};

struct Spec {
  const RunPlan* plan = nullptr;
  const RunTable* table = nullptr;
  Dialect sd = Dialect::kMySQL, td = Dialect::kMySQL;
  std::vector<VCol> cols;
  std::vector<size_t> key;
  bool keyless = false;
  bool ranged = false;
  std::string src_table, tgt_table;
  std::string src_list, tgt_list;

  std::string QS(const std::string& n) const {
    return IsMySQLFamily(sd) ? MySqlConnection::QuoteMySqlIdent(n) : PgConnection::QuotePgIdent(n);
  }
  std::string QT(const std::string& n) const {
    return IsMySQLFamily(td) ? MySqlConnection::QuoteMySqlIdent(n) : PgConnection::QuotePgIdent(n);
  }
};

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsBinaryKind(const std::optional<NeutralType>& n) {
  return n && (n->kind == NeutralKind::kBinary || n->kind == NeutralKind::kVarbinary || n->kind == NeutralKind::kBlob);
}

// Whether both engines order values of this key column alike.
bool OrdersAlike(const Spec& s, const RunColumn& rc, const VCol& c) {
  const auto& n = c.copy.neutral;
  if (!n) return false;
  if (IsIntegerKind(n->kind) || n->kind == NeutralKind::kDecimal || n->kind == NeutralKind::kDate ||
      n->kind == NeutralKind::kYear || (n->kind == NeutralKind::kTimestamp && !n->with_tz)) {
    return true;
  }
  return IsMySQLFamily(s.sd) == IsMySQLFamily(s.td) && Lower(rc.source_type) == Lower(rc.target_type);
}

Spec MakeSpec(const RunPlan& plan, const RunTable& t, const FloatTolerance& tol) {
  Spec s;
  s.plan = &plan;
  s.table = &t;
  s.sd = plan.source.dialect;
  s.td = plan.target.dialect;
  auto tz = ParseFixedOffset(plan.settings.time_zone);
  if (!tz) throw TaskError("full.time_zone '" + plan.settings.time_zone + "' is a zone name; write it as +HH:MM");
  std::vector<const RunColumn*> rcs;
  for (const auto& c : t.columns) {
    if (c.generated) continue;  // computed on each side from the compared columns
    VCol v;
    v.source = c.source;
    v.target = c.target;
    v.copy.source = s.sd;
    v.copy.target = s.td;
    if (!c.neutral.empty()) {
      std::string err;
      v.copy.neutral = ParseNeutralType(c.neutral, &err);
    }
    v.copy.target_type = c.target_type;
    v.copy.zero_date = plan.settings.zero_date;
    v.copy.tz_offset_minutes = *tz;
    std::string tt = Lower(c.target_type);
    v.copy.target_has_tz = tt.find("with time zone") != std::string::npos || tt.rfind("timestamp", 0) == 0;
    if (IsMySQLFamily(s.td) && tt.rfind("datetime", 0) == 0) v.copy.target_has_tz = false;
    v.bit_target = IsMySQLFamily(s.td) && tt.rfind("bit", 0) == 0;
    v.binary = IsBinaryKind(v.copy.neutral);
    v.integer = v.copy.neutral && IsIntegerKind(v.copy.neutral->kind);
    v.same_type = s.sd == s.td && Lower(c.source_type) == Lower(c.target_type);
    v.sspec.codec = v.copy;
    v.sspec.tolerance = tol;
    v.tspec = v.sspec;
    v.tspec.codec.source = s.td;
    v.tspec.target_side = true;
    s.cols.push_back(std::move(v));
    rcs.push_back(&c);
  }
  if (t.key_kind == RunKeyKind::kHiddenKey || t.key.empty()) {
    s.keyless = true;
  } else {
    s.ranged = true;
    for (const auto& k : t.key) {
      size_t i = 0;
      while (i < s.cols.size() && s.cols[i].source != k) ++i;
      if (i == s.cols.size()) throw TaskError("key column '" + k + "' of " + t.SourceName() + " is not compared");
      s.key.push_back(i);
      s.ranged = s.ranged && OrdersAlike(s, *rcs[i], s.cols[i]);
    }
  }
  s.src_table = s.QS(t.source_schema) + "." + s.QS(t.source_table);
  s.tgt_table = s.QT(t.target_schema) + "." + s.QT(t.target_table);
  for (size_t i = 0; i < s.cols.size(); ++i) {
    s.src_list += (i ? ", " : "") + s.cols[i].sspec.codec.SourceExpression(s.QS(s.cols[i].source));
    s.tgt_list += (i ? ", " : "") + s.cols[i].tspec.codec.SourceExpression(s.QT(s.cols[i].target));
  }
  return s;
}

// One side's connection, of whichever engine.
struct Side {
  std::unique_ptr<MySqlConnection> my;
  std::unique_ptr<PgConnection> pg;
  SqlConnection& conn() { return my ? static_cast<SqlConnection&>(*my) : *pg; }
  std::unique_ptr<RowReader> Read(const std::string& sql) { return my ? ReadMySqlRows(*my, sql) : ReadPgRows(*pg, sql); }
};

Side OpenSource(const Endpoints& e) {
  Side s;
  if (IsMySQLFamily(e.source().dialect)) s.my = e.SourceMySql();
  else s.pg = e.SourcePg();
  return s;
}

Side OpenTarget(const Endpoints& e) {
  Side s;
  if (IsMySQLFamily(e.target().dialect)) s.my = e.TargetMySql();
  else s.pg = e.TargetPg();
  return s;
}

std::string UnsignedFromBytes(std::string_view b) {
  unsigned long long v = 0;
  for (unsigned char c : b) v = (v << 8) | c;
  return std::to_string(v);
}

// A value_codec canonical key value as a source literal.
std::string SourceLiteral(const Spec& s, SqlConnection& conn, const VCol& c, const std::string& v) {
  const auto& n = c.copy.neutral;
  if (n && (IsIntegerKind(n->kind) || n->kind == NeutralKind::kDecimal)) {
    bool plain = !v.empty();
    for (char ch : v) plain = plain && (std::isdigit(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.');
    if (plain) return v;
  }
  if (c.binary) return IsMySQLFamily(s.sd) ? "X'" + HexDigits(v) + "'" : "'\\x" + HexDigits(v) + "'::bytea";
  if (n && n->kind == NeutralKind::kTimestamp && n->with_tz && s.sd == Dialect::kPostgreSQL) {
    return conn.QuoteString(v + "+00");
  }
  return conn.QuoteString(v);
}

// The target's text for a value as a target literal.
std::string TargetTextLiteral(const Spec& s, SqlConnection& conn, const VCol& c, const std::string& text) {
  if (c.bit_target || c.integer) return text;
  if (c.binary && IsMySQLFamily(s.td)) return "X'" + HexDigits(text) + "'";
  return conn.QuoteString(text);
}

// A value as the target printed it, as a target literal (the target's own
// output is valid input for it, binary and BIT aside).
std::string TargetRawLiteral(const Spec& s, SqlConnection& conn, const VCol& c, const std::string& raw) {
  if (IsMySQLFamily(s.td)) {
    if (c.bit_target) return UnsignedFromBytes(raw);
    if (c.binary) return "X'" + HexDigits(raw) + "'";
  }
  if (c.integer) return raw;
  return conn.QuoteString(raw);
}

// A value_codec canonical key value as a target literal.
std::string TargetCanonLiteral(const Spec& s, SqlConnection& conn, const VCol& c, const std::string& canon) {
  Converted t = FromCanonical(c.copy, canon);
  if (t.kind != Converted::Kind::kValue) return "NULL";
  return TargetTextLiteral(s, conn, c, t.text);
}

using RawRow = std::vector<std::optional<std::string_view>>;

RawRow Decode(std::string_view enc) {
  RawRow out;
  size_t i = 0;
  while (i < enc.size()) {
    if (enc[i] == '\0') {
      out.push_back(std::nullopt);
      ++i;
      continue;
    }
    uint64_t n = 0;
    for (int b = 0; b < 8; ++b) n |= static_cast<uint64_t>(static_cast<unsigned char>(enc[i + 1 + b])) << (8 * b);
    out.push_back(enc.substr(i + 9, n));
    i += 9 + n;
  }
  return out;
}

struct RowRec {
  Hash128 hash;
  std::string raw;  // encoded raw values, as the side printed them
};
using RowMap = std::unordered_map<std::string, RowRec>;

// Whether a source value becomes NULL on the target by policy (zero dates
// with full.zero_date: null on a PostgreSQL target).
bool BecomesNull(const VCol& c, std::string_view raw) {
  if (!c.copy.neutral || IsMySQLFamily(c.copy.target) || c.copy.zero_date != "null") return false;
  if (c.copy.neutral->kind != NeutralKind::kDate && c.copy.neutral->kind != NeutralKind::kTimestamp) return false;
  return FromCanonical(c.copy, ToCanonical(c.copy, raw).text).kind == Converted::Kind::kNull;
}

// Streams one side's rows into `out` (keyed) or `sum` (keyless).
int64_t Scan(const Spec& s, bool target, Side& side, const std::string& sql, RowMap* out, Hash128* sum,
             const std::function<bool()>& stop) {
  auto reader = side.Read(sql);
  RawRow row;
  std::string enc, key, raw;
  int64_t n = 0;
  while (reader->Next(row)) {
    if (++n % 10000 == 0 && stop && stop()) throw TaskStopped();
    enc.clear();
    for (size_t i = 0; i < s.cols.size(); ++i) {
      const VCol& c = s.cols[i];
      if (!row[i] || (!target && BecomesNull(c, *row[i]))) {
        AppendEncoded(enc, std::nullopt);
      } else {
        std::string v = VerifyCanonical(target ? c.tspec : c.sspec, *row[i]);
        AppendEncoded(enc, std::string_view(v));
      }
    }
    Hash128 h = HashBytes(enc);
    if (sum) {
      *sum += h;
      continue;
    }
    key.clear();
    raw.clear();
    for (size_t k : s.key) {
      if (!row[k]) AppendEncoded(key, std::nullopt);
      else AppendEncoded(key, std::string_view(VerifyCanonical(target ? s.cols[k].tspec : s.cols[k].sspec, *row[k])));
    }
    for (const auto& v : row) AppendEncoded(raw, v);
    out->emplace(key, RowRec{h, raw});
  }
  return n;
}

struct Candidate {
  RowDiffKind kind = RowDiffKind::kDiffering;
  std::string key;  // encoded canonical key
  std::optional<std::string> sraw, traw;
  int64_t chunk = 0;
};

struct ChunkBounds {
  std::string lo, hi;  // JSON arrays of canonical key values; "" = unbounded
};

// Key order for the report: numbers by value, everything else by bytes.
bool KeyLess(const Spec& s, const std::string& a, const std::string& b) {
  RawRow x = Decode(a), y = Decode(b);
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (x[i] == y[i]) continue;
    if (!x[i] || !y[i]) return !x[i];
    const auto& n = s.cols[s.key[i]].copy.neutral;
    if (n && (IsIntegerKind(n->kind) || n->kind == NeutralKind::kDecimal)) {
      long double u = std::strtold(std::string(*x[i]).c_str(), nullptr);
      long double v = std::strtold(std::string(*y[i]).c_str(), nullptr);
      if (u != v) return u < v;
    }
    return *x[i] < *y[i];
  }
  return x.size() < y.size();
}

// One side's catalog facts of a table's columns (by column name), for the
// in-database digest; the second member is the primary key's columns.
struct SideFacts {
  std::map<std::string, SqlColumnFacts> columns;
  std::vector<std::string> primary_key;
  bool utf8 = true;  // PostgreSQL: the server encoding is UTF-8
};

SideFacts LoadFacts(Side& side, Dialect d, const std::string& schema, const std::string& table) {
  SideFacts out;
  SqlConnection& c = side.conn();
  auto to_int = [](const std::optional<std::string>& v) { return v ? std::stoi(*v) : -1; };
  if (IsMySQLFamily(d)) {
    QueryResult r = c.Query(
        "SELECT COLUMN_NAME, LOWER(DATA_TYPE), LOWER(COLUMN_TYPE), CHARACTER_SET_NAME, IS_NULLABLE, NUMERIC_SCALE, "
        "DATETIME_PRECISION, COLUMN_KEY FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
        c.QuoteString(schema) + " AND TABLE_NAME = " + c.QuoteString(table) + " ORDER BY ORDINAL_POSITION");
    for (const auto& row : r.rows) {
      SqlColumnFacts f;
      f.data_type = row[1].value_or("");
      f.column_type = row[2].value_or("");
      f.charset = row[3].value_or("");
      f.nullable = row[4].value_or("YES") != "NO";
      f.scale = f.data_type == "decimal" ? to_int(row[5]) : -1;
      f.fsp = std::max(0, to_int(row[6]));
      if (row[7].value_or("") == "PRI") out.primary_key.push_back(row[0].value_or(""));
      out.columns[row[0].value_or("")] = f;
    }
    return out;
  }
  QueryResult r = c.Query(
      "SELECT column_name, data_type, is_nullable, numeric_scale, current_setting('server_encoding') "
      "FROM information_schema.columns WHERE table_schema = " +
      c.QuoteString(schema) + " AND table_name = " + c.QuoteString(table));
  for (const auto& row : r.rows) {
    SqlColumnFacts f;
    f.data_type = Lower(row[1].value_or(""));
    f.nullable = row[2].value_or("YES") != "NO";
    f.scale = f.data_type == "numeric" ? to_int(row[3]) : -1;
    out.utf8 = out.utf8 && row[4].value_or("") == "UTF8";
    out.columns[row[0].value_or("")] = f;
  }
  return out;
}

// The engine's row estimate of a table (statistics, no scan); nullopt when it
// has none.
std::optional<int64_t> RowEstimate(Side& side, Dialect d, const std::string& schema, const std::string& table) {
  SqlConnection& c = side.conn();
  std::string sql =
      IsMySQLFamily(d)
          ? "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + c.QuoteString(schema) +
                " AND TABLE_NAME = " + c.QuoteString(table)
          : "SELECT c.reltuples::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = " + c.QuoteString(schema) + " AND c.relname = " + c.QuoteString(table) +
                " AND c.reltuples >= 0";
  QueryResult r = c.Query(sql);
  if (r.rows.empty() || !r.rows[0][0]) return std::nullopt;
  return std::stoll(*r.rows[0][0]);
}

const SqlColumnFacts* FindFacts(const SideFacts& f, Dialect d, const std::string& name) {
  auto it = f.columns.find(name);
  if (it != f.columns.end()) return &it->second;
  if (!IsMySQLFamily(d)) return nullptr;
  for (const auto& [n, facts] : f.columns) {  // MySQL-family column names ignore case
    if (Lower(n) == Lower(name)) return &facts;
  }
  return nullptr;
}

// GROUP_CONCAT's result is cut (with a warning) beyond this: a chunk that
// large is streamed instead.
constexpr int64_t kGroupConcatMaxBytes = int64_t{256} << 20;

struct ChunkDigest {
  int64_t rows = 0;
  std::optional<std::string> sha256;
  bool complete = true;  // false: the server cut or refused the aggregate
};

class TableVerifier {
 public:
  TableVerifier(const RunPlan& plan, const RunTable& table, const Endpoints& e, const VerifyRunOptions& o)
      : plan_(plan), table_(table), endpoints_(e), opt_(o), spec_(MakeSpec(plan, table, o.tolerance)) {}

  TableReport Run(std::string* fix_sql) {
    report_.source = table_.SourceName();
    report_.target = table_.TargetName();
    report_.keyed = !spec_.keyless;
    if (spec_.keyless) {
      RunKeyless(fix_sql);
      return report_;
    }
    std::vector<ChunkBounds> chunks = PlanChunks();
    if (!spec_.ranged && !table_.key.empty()) {
      report_.notes.push_back("the key's order differs between the engines: compared in one chunk");
    }
    PrepareDigests();
    CompareChunks(chunks);
    Recheck();
    Finish(fix_sql);
    return report_;
  }

 private:
  std::string SourceWhere() const { return table_.where.empty() ? "" : "(" + table_.where + ")"; }

  std::vector<ChunkBounds> PlanChunks() {
    std::vector<ChunkBounds> out;
    if (!spec_.ranged) {
      out.push_back({});
      return out;
    }
    int64_t chunk_rows = std::max<int64_t>(1, opt_.chunk_rows);
    Side src = OpenSource(endpoints_);
    std::string where = SourceWhere().empty() ? "" : " WHERE " + SourceWhere();
    const VCol& k0 = spec_.cols[spec_.key[0]];
    if (spec_.key.size() == 1 && k0.integer) {
      std::string kq = spec_.QS(k0.source);
      QueryResult r = src.conn().Query("SELECT MIN(" + kq + "), MAX(" + kq + ") FROM " + spec_.src_table + where);
      if (r.rows.empty() || !r.rows[0][0] || !r.rows[0][1]) {
        out.push_back({});
        return out;
      }
      long double lo = std::stold(*r.rows[0][0]), hi = std::stold(*r.rows[0][1]);
      // A range of w keys holds at most w rows, so splitting the span into
      // chunks of chunk_rows keys never makes a chunk too big; it makes
      // many near-empty ones when the keys are sparse. The statistics'
      // estimate tells dense keys (split the span, no scan) from sparse
      // ones (count the rows first: a full scan of the key, ~10% of a
      // verify).
      long double span = hi - lo + 1;
      std::optional<int64_t> estimate =
          where.empty() ? RowEstimate(src, spec_.sd, table_.source_schema, table_.source_table) : std::nullopt;
      int64_t count;
      if (estimate && *estimate * 2 >= span) {
        count = static_cast<int64_t>(std::min<long double>(span, 9e18L));
      } else {
        QueryResult c = src.conn().Query("SELECT COUNT(*) FROM " + spec_.src_table + where);
        count = c.rows.empty() ? 0 : std::stoll(c.rows[0][0].value_or("0"));
      }
      int64_t n = std::max<int64_t>(1, (count + chunk_rows - 1) / chunk_rows);
      long double step = span / n;
      std::string prev;
      for (int64_t i = 1; i < n; ++i) {
        long long bound = static_cast<long long>(lo - 1 + step * i);
        std::string h = Json::array({std::to_string(bound)}).dump();
        if (h == prev) continue;
        out.push_back({prev, h});
        prev = h;
      }
      out.push_back({prev, ""});
      return out;
    }
    std::string cols, order;
    for (size_t i = 0; i < spec_.key.size(); ++i) {
      const VCol& c = spec_.cols[spec_.key[i]];
      cols += (i ? ", " : "") + c.sspec.codec.SourceExpression(spec_.QS(c.source));
      order += (i ? ", " : "") + spec_.QS(c.source);
    }
    auto reader = src.Read("SELECT " + cols + " FROM " + spec_.src_table + where + " ORDER BY " + order);
    RawRow row;
    int64_t seen = 0;
    std::string prev;
    while (reader->Next(row)) {
      if (++seen % chunk_rows != 0) continue;
      Json key = Json::array();
      for (size_t i = 0; i < spec_.key.size(); ++i) {
        key.push_back(row[i] ? ToCanonical(spec_.cols[spec_.key[i]].copy, *row[i]).text : std::string());
      }
      std::string h = key.dump(-1, ' ', false, Json::error_handler_t::replace);
      out.push_back({prev, h});
      prev = h;
    }
    out.push_back({prev, ""});
    return out;
  }

  std::string Tuple(const std::vector<std::string>& parts) const {
    std::string out = parts.size() > 1 ? "(" : "";
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
    return out + (parts.size() > 1 ? ")" : "");
  }

  std::string KeyColumns(bool target, bool tuple = true) const {
    std::vector<std::string> names;
    for (size_t k : spec_.key) names.push_back(target ? spec_.QT(spec_.cols[k].target) : spec_.QS(spec_.cols[k].source));
    if (tuple) return Tuple(names);
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
    return out;
  }

  // "(k) > lo AND (k) <= hi" on one side.
  std::string RangePredicate(const ChunkBounds& b, bool target, SqlConnection& conn) const {
    auto values = [&](const std::string& text) {
      Json j = Json::parse(text);
      std::vector<std::string> lits;
      for (size_t i = 0; i < spec_.key.size(); ++i) {
        const VCol& c = spec_.cols[spec_.key[i]];
        std::string v = j.at(i).get<std::string>();
        lits.push_back(target ? TargetCanonLiteral(spec_, conn, c, v) : SourceLiteral(spec_, conn, c, v));
      }
      return Tuple(lits);
    };
    std::string cols = KeyColumns(target), out;
    if (!b.lo.empty()) out = cols + " > " + values(b.lo);
    if (!b.hi.empty()) out += (out.empty() ? "" : " AND ") + cols + " <= " + values(b.hi);
    return out;
  }

  std::string SelectSql(bool target, const std::string& pred) const {
    std::string where = pred;
    if (!target && !SourceWhere().empty()) where += (where.empty() ? "" : " AND ") + SourceWhere();
    return "SELECT " + (target ? spec_.tgt_list : spec_.src_list) + " FROM " +
           (target ? spec_.tgt_table : spec_.src_table) + (where.empty() ? "" : " WHERE " + where);
  }

  // Decides whether chunks are compared in the databases, and builds each
  // side's field list.
  void PrepareDigests() {
    if (!opt_.in_database || !spec_.ranged || spec_.keyless) return;
    if (!SupportsSqlDigest(spec_.sd) || !SupportsSqlDigest(spec_.td)) return;
    Side src = OpenSource(endpoints_), tgt = OpenTarget(endpoints_);
    SideFacts sf = LoadFacts(src, spec_.sd, table_.source_schema, table_.source_table);
    SideFacts tf = LoadFacts(tgt, spec_.td, table_.target_schema, table_.target_table);
    if (!sf.utf8 || !tf.utf8) {
      report_.notes.push_back("rows streamed: the PostgreSQL server encoding is not UTF-8");
      return;
    }
    std::vector<std::string> sfields, tfields;
    for (const VCol& c : spec_.cols) {
      const SqlColumnFacts* a = FindFacts(sf, spec_.sd, c.source);
      const SqlColumnFacts* b = FindFacts(tf, spec_.td, c.target);
      if (!a || !b) return;  // the read itself will report the missing column
      SqlFieldSide s{spec_.sd, spec_.QS(c.source), c.sspec.codec.SourceExpression(spec_.QS(c.source)), *a};
      SqlFieldSide t{spec_.td, spec_.QT(c.target), c.tspec.codec.SourceExpression(spec_.QT(c.target)), *b};
      std::string why;
      auto field = CanonicalSqlField(c.copy.neutral, c.same_type, s, t, &why);
      if (!field) {
        report_.notes.push_back("rows streamed: column " + c.source + ": " + why);
        return;
      }
      sfields.push_back(field->source);
      tfields.push_back(field->target);
    }
    // Rows are concatenated in key order on both sides. A MySQL-family range
    // scan of a one-column primary key already returns them so (a sort would
    // cost more than the hash); should it not, the digests differ and the
    // chunk is streamed: slower, never wrong.
    auto order = [&](bool target, const SideFacts& f, Dialect d) {
      if (IsMySQLFamily(d) && spec_.key.size() == 1 && f.primary_key.size() == 1) {
        const VCol& k = spec_.cols[spec_.key[0]];
        if (Lower(f.primary_key[0]) == Lower(target ? k.target : k.source)) return std::string();
      }
      return KeyColumns(target, false);
    };
    src_order_ = order(false, sf, spec_.sd);
    tgt_order_ = order(true, tf, spec_.td);
    src_fields_ = std::move(sfields);
    tgt_fields_ = std::move(tfields);
    in_database_ = true;
  }

  static void PrepareDigestSession(Side& side) {
    if (side.my) side.my->Exec("SET SESSION group_concat_max_len = " + std::to_string(kGroupConcatMaxBytes));
  }

  ChunkDigest Digest(Side& side, bool target, const std::string& pred) const {
    std::string where = pred;
    if (!target && !SourceWhere().empty()) where += (where.empty() ? "" : " AND ") + SourceWhere();
    Dialect d = target ? spec_.td : spec_.sd;
    std::string sql = SqlChunkDigestQuery(d, target ? tgt_fields_ : src_fields_, target ? spec_.tgt_table : spec_.src_table,
                                          where, target ? tgt_order_ : src_order_);
    ChunkDigest out;
    QueryResult r = side.conn().Query(sql);
    // A MySQL-family warning here can only be GROUP_CONCAT cutting its result.
    if (side.my && mysql_warning_count(side.my->handle()) > 0) out.complete = false;
    if (r.rows.size() != 1 || r.rows[0].size() != 2 || !r.rows[0][0]) {
      out.complete = false;
      return out;
    }
    out.rows = std::stoll(*r.rows[0][0]);
    out.sha256 = r.rows[0][1];
    return out;
  }

  // Both sides of one predicate pair, read at once.
  void ScanBoth(Side& src, Side& tgt, const std::string& src_sql, const std::string& tgt_sql, RowMap& s, RowMap& t,
                int64_t* src_rows, int64_t* tgt_rows) {
    auto stop = opt_.stop_requested;
    auto target_scan = std::async(std::launch::async, [&] { return Scan(spec_, true, tgt, tgt_sql, &t, nullptr, stop); });
    int64_t n = 0;
    std::exception_ptr failure;
    try {
      n = Scan(spec_, false, src, src_sql, &s, nullptr, stop);
    } catch (...) {
      failure = std::current_exception();
    }
    int64_t m = target_scan.get();  // rethrows the target's failure
    if (failure) std::rethrow_exception(failure);
    if (src_rows) *src_rows = n;
    if (tgt_rows) *tgt_rows = m;
  }

  static void Classify(RowMap& s, RowMap& t, int64_t chunk, std::vector<Candidate>& out) {
    for (auto& [k, rec] : s) {
      auto it = t.find(k);
      if (it == t.end()) {
        out.push_back({RowDiffKind::kMissing, k, std::move(rec.raw), std::nullopt, chunk});
        continue;
      }
      if (!(it->second.hash == rec.hash)) {
        out.push_back({RowDiffKind::kDiffering, k, std::move(rec.raw), std::move(it->second.raw), chunk});
      }
      t.erase(it);
    }
    for (auto& [k, rec] : t) out.push_back({RowDiffKind::kExtra, k, std::nullopt, std::move(rec.raw), chunk});
  }

  void CompareChunks(const std::vector<ChunkBounds>& chunks) {
    std::vector<size_t> to_stream;
    if (in_database_) {
      to_stream = DigestChunks(chunks);
    } else {
      to_stream.resize(chunks.size());
      std::iota(to_stream.begin(), to_stream.end(), size_t{0});
    }
    StreamChunks(chunks, to_stream);
  }

  // Runs fn(worker index, failed) on `n` threads, this one included, and
  // rethrows the first failure; `failed` tells the others to stop early.
  template <typename Fn>
  static void RunWorkers(size_t n, Fn fn) {
    std::mutex mu;
    std::exception_ptr failure;
    std::atomic<bool> failed{false};
    auto run = [&](size_t index) {
      try {
        fn(index, failed);
      } catch (...) {
        std::lock_guard<std::mutex> l(mu);
        if (!failure) failure = std::current_exception();
        failed = true;
      }
    };
    std::vector<std::thread> threads;
    for (size_t i = 1; i < n; ++i) threads.emplace_back(run, i);
    run(0);
    for (auto& t : threads) t.join();
    if (failure) std::rethrow_exception(failure);
  }

  size_t Workers(size_t jobs) const {
    return std::max<size_t>(1, std::min<size_t>(jobs, static_cast<size_t>(std::max(1, opt_.parallel))));
  }

  // Phase 1: each side computes its chunk digests at its own pace, `parallel`
  // queries per side, never waiting for the other side between chunks (a
  // per-chunk rendezvous leaves a core idle whenever one side is slower).
  // Returns the chunks to stream: digests unequal or incomplete, or not
  // computed because a server could not run them.
  std::vector<size_t> DigestChunks(const std::vector<ChunkBounds>& chunks) {
    std::vector<std::optional<ChunkDigest>> digests[2];
    digests[0].resize(chunks.size());
    digests[1].resize(chunks.size());
    std::vector<bool> equal(chunks.size(), false);
    std::atomic<size_t> next[2] = {0, 0};
    std::mutex mu;
    size_t per_side = Workers(chunks.size());
    RunWorkers(2 * per_side, [&](size_t index, const std::atomic<bool>& failed) {
      bool target = index % 2 == 1;
      Side side = target ? OpenTarget(endpoints_) : OpenSource(endpoints_);
      PrepareDigestSession(side);
      while (!failed && in_database_) {
        size_t i = next[target]++;
        if (i >= chunks.size()) return;
        if (opt_.stop_requested && opt_.stop_requested()) throw TaskStopped();
        ChunkDigest d;
        try {
          d = Digest(side, target, RangePredicate(chunks[i], target, side.conn()));
        } catch (const std::exception& e) {
          // A server that cannot run the digest (a missing function, a
          // refused aggregate): the table is streamed from here on; a lost
          // connection fails the streaming read that follows.
          std::lock_guard<std::mutex> l(mu);
          if (in_database_.exchange(false)) {
            report_.notes.push_back("in-database digest failed, rows streamed: " + endpoints_.Mask(e.what()));
          }
          return;
        }
        std::lock_guard<std::mutex> l(mu);
        digests[target][i] = d;
        const std::optional<ChunkDigest>& other = digests[!target][i];
        if (!other) continue;
        const ChunkDigest& a = target ? *other : d;
        const ChunkDigest& b = target ? d : *other;
        if (a.complete && b.complete && a.rows == b.rows && a.sha256 == b.sha256 && (a.rows == 0 || a.sha256)) {
          equal[i] = true;
          ++report_.chunks;
          ++report_.chunks_equal_in_database;
          report_.rows_checked += a.rows;
          report_.rows_target += a.rows;
        }
      }
    });
    std::vector<size_t> to_stream;
    for (size_t i = 0; i < chunks.size(); ++i) {
      if (!equal[i]) to_stream.push_back(i);
    }
    return to_stream;
  }

  // Phase 2: the chunks to stream, both sides of a chunk read at once into
  // row maps and classified.
  void StreamChunks(const std::vector<ChunkBounds>& chunks, const std::vector<size_t>& which) {
    if (which.empty()) return;
    std::atomic<size_t> next{0};
    std::mutex mu;
    RunWorkers(Workers(which.size()), [&](size_t, const std::atomic<bool>& failed) {
      Side src = OpenSource(endpoints_), tgt = OpenTarget(endpoints_);
      while (!failed) {
        size_t k = next++;
        if (k >= which.size()) return;
        size_t i = which[k];
        if (opt_.stop_requested && opt_.stop_requested()) throw TaskStopped();
        RowMap s, t;
        int64_t ns = 0, nt = 0;
        ScanBoth(src, tgt, SelectSql(false, RangePredicate(chunks[i], false, src.conn())),
                 SelectSql(true, RangePredicate(chunks[i], true, tgt.conn())), s, t, &ns, &nt);
        std::vector<Candidate> found;
        Classify(s, t, static_cast<int64_t>(i), found);
        std::lock_guard<std::mutex> l(mu);
        ++report_.chunks;
        ++report_.chunks_streamed;
        report_.rows_checked += ns;
        report_.rows_target += nt;
        for (auto& c : found) candidates_.push_back(std::move(c));
      }
    });
  }

  // "(k) IN ((..), (..))" for candidate keys on one side, from whichever
  // side's raw row each candidate has.
  std::string KeysPredicate(const std::vector<const Candidate*>& batch, bool target, SqlConnection& conn) const {
    std::vector<std::string> tuples;
    for (const Candidate* c : batch) {
      bool from_source = c->sraw.has_value();
      RawRow row = Decode(from_source ? *c->sraw : *c->traw);
      std::vector<std::string> lits;
      for (size_t k : spec_.key) {
        const VCol& col = spec_.cols[k];
        if (!row[k]) {
          lits.push_back("NULL");
          continue;
        }
        std::string canon = ToCanonical(from_source ? col.copy : col.tspec.codec, *row[k]).text;
        if (target && !from_source) lits.push_back(TargetRawLiteral(spec_, conn, col, std::string(*row[k])));
        else if (target) lits.push_back(TargetCanonLiteral(spec_, conn, col, canon));
        else lits.push_back(SourceLiteral(spec_, conn, col, canon));
      }
      tuples.push_back(Tuple(lits));
    }
    std::string list;
    for (size_t i = 0; i < tuples.size(); ++i) list += (i ? ", " : "") + tuples[i];
    return KeyColumns(target) + " IN (" + list + ")";
  }

  // Re-reads the candidates' rows on both sides and keeps those still different.
  void Reread(std::vector<Candidate>& cands) {
    if (cands.empty()) return;
    Side src = OpenSource(endpoints_), tgt = OpenTarget(endpoints_);
    std::vector<Candidate> still;
    const size_t kBatch = 500;
    for (size_t b = 0; b < cands.size(); b += kBatch) {
      std::vector<const Candidate*> batch;
      for (size_t i = b; i < std::min(cands.size(), b + kBatch); ++i) batch.push_back(&cands[i]);
      RowMap s, t;
      ScanBoth(src, tgt, SelectSql(false, KeysPredicate(batch, false, src.conn())),
               SelectSql(true, KeysPredicate(batch, true, tgt.conn())), s, t, nullptr, nullptr);
      std::vector<Candidate> found;
      Classify(s, t, 0, found);
      // Keep the original chunk numbers (for the report's order).
      std::map<std::string, int64_t> chunk_of;
      for (const Candidate* c : batch) chunk_of[c->key] = c->chunk;
      for (auto& f : found) {
        auto it = chunk_of.find(f.key);
        f.chunk = it == chunk_of.end() ? 0 : it->second;
        if (RowStillDiffers(f)) still.push_back(std::move(f));
      }
    }
    cands = std::move(still);
  }

  // A hash mismatch is a difference only if some column differs beyond the
  // float tolerance.
  bool RowStillDiffers(const Candidate& c) const {
    if (c.kind != RowDiffKind::kDiffering) return true;
    RawRow s = Decode(*c.sraw), t = Decode(*c.traw);
    for (size_t i = 0; i < spec_.cols.size(); ++i) {
      const VCol& col = spec_.cols[i];
      std::optional<std::string_view> sv = s[i];
      if (sv && BecomesNull(col, *sv)) sv = std::nullopt;
      if (!VerifyValuesEqual(col.sspec, sv, col.tspec, t[i])) return true;
    }
    return false;
  }

  void Recheck() {
    std::vector<Candidate> kept;
    for (auto& c : candidates_) {
      if (RowStillDiffers(c)) kept.push_back(std::move(c));
    }
    candidates_ = std::move(kept);
    size_t first_seen = candidates_.size();
    for (int round = 0; round < opt_.recheck.rounds && !candidates_.empty(); ++round) {
      if (opt_.recheck.caught_up) opt_.recheck.caught_up();
      if (opt_.recheck.delay.count() > 0) std::this_thread::sleep_for(opt_.recheck.delay);
      Reread(candidates_);
    }
    report_.resolved_by_recheck = static_cast<int64_t>(first_seen - candidates_.size());
    std::sort(candidates_.begin(), candidates_.end(), [&](const Candidate& a, const Candidate& b) {
      if (a.chunk != b.chunk) return a.chunk < b.chunk;
      return KeyLess(spec_, a.key, b.key);
    });
  }

  std::optional<std::string> Display(const VerifyValueSpec& spec, const std::optional<std::string_view>& raw) const {
    if (!raw) return std::nullopt;
    return Shorten(SanitizeForDisplay(VerifyDisplay(spec, *raw)), opt_.max_value_chars);
  }

  RowDiff Describe(const Candidate& c) const {
    RowDiff d;
    d.kind = c.kind;
    RawRow s = c.sraw ? Decode(*c.sraw) : RawRow{}, t = c.traw ? Decode(*c.traw) : RawRow{};
    for (size_t k : spec_.key) {
      const VCol& col = spec_.cols[k];
      auto v = c.sraw ? Display(col.sspec, s[k]) : Display(col.tspec, t[k]);
      d.key.emplace_back(col.target, v.value_or("NULL"));
    }
    if (c.kind == RowDiffKind::kDiffering) {
      for (size_t i = 0; i < spec_.cols.size(); ++i) {
        const VCol& col = spec_.cols[i];
        std::optional<std::string_view> sv = s[i];
        if (sv && BecomesNull(col, *sv)) sv = std::nullopt;
        if (VerifyValuesEqual(col.sspec, sv, col.tspec, t[i])) continue;
        d.columns.push_back({col.target, col.source, Display(col.sspec, sv), Display(col.tspec, t[i])});
      }
    }
    return d;
  }

  // The source value as a target literal, or nullopt (with *why) when the
  // copy could not have written it either.
  std::optional<std::string> ValueLiteral(SqlConnection& conn, const VCol& col, const std::optional<std::string_view>& raw,
                                          std::string* why) const {
    if (!raw) return std::string("NULL");
    Converted v = ConvertValue(col.copy, *raw);
    if (v.kind == Converted::Kind::kNull) return std::string("NULL");
    if (v.kind == Converted::Kind::kBad) {
      *why = col.source + ": " + v.reason;
      return std::nullopt;
    }
    return TargetTextLiteral(spec_, conn, col, v.text);
  }

  std::string KeyWhere(SqlConnection& conn, const RawRow& t) const {
    std::string out;
    for (size_t n = 0; n < spec_.key.size(); ++n) {
      const VCol& col = spec_.cols[spec_.key[n]];
      out += (n ? " AND " : "") + spec_.QT(col.target) + " = " + TargetRawLiteral(spec_, conn, col, std::string(*t[spec_.key[n]]));
    }
    return out;
  }

  std::string InsertPrefix() const {
    std::string cols;
    for (size_t i = 0; i < spec_.cols.size(); ++i) cols += (i ? ", " : "") + spec_.QT(spec_.cols[i].target);
    return "INSERT INTO " + spec_.tgt_table + " (" + cols + ")" +
           (spec_.td == Dialect::kPostgreSQL ? " OVERRIDING SYSTEM VALUE" : "") + " VALUES ";
  }

  // Statements that make the candidates' target rows match the source.
  std::vector<std::string> FixStatements(SqlConnection& conn) {
    std::vector<std::string> dels, upds, ins;
    std::string prefix = InsertPrefix();
    for (const Candidate& c : candidates_) {
      std::string why;
      if (c.kind == RowDiffKind::kExtra) {
        dels.push_back("DELETE FROM " + spec_.tgt_table + " WHERE " + KeyWhere(conn, Decode(*c.traw)) + ";");
      } else if (c.kind == RowDiffKind::kMissing) {
        RawRow s = Decode(*c.sraw);
        std::string values;
        bool ok = true;
        for (size_t i = 0; i < spec_.cols.size() && ok; ++i) {
          auto lit = ValueLiteral(conn, spec_.cols[i], s[i], &why);
          if (!lit) ok = false;
          else values += (i ? ", " : "") + *lit;
        }
        if (ok) ins.push_back(prefix + "(" + values + ");");
        else ins.push_back("-- not correctable: " + SanitizeForDisplay(why));
      } else {
        RawRow s = Decode(*c.sraw), t = Decode(*c.traw);
        std::string sets;
        bool ok = true;
        for (size_t i = 0; i < spec_.cols.size() && ok; ++i) {
          const VCol& col = spec_.cols[i];
          std::optional<std::string_view> sv = s[i];
          if (sv && BecomesNull(col, *sv)) sv = std::nullopt;
          if (VerifyValuesEqual(col.sspec, sv, col.tspec, t[i])) continue;
          auto lit = ValueLiteral(conn, col, s[i], &why);
          if (!lit) ok = false;
          else sets += (sets.empty() ? "" : ", ") + spec_.QT(col.target) + " = " + *lit;
        }
        if (!ok) upds.push_back("-- not correctable: " + SanitizeForDisplay(why));
        else if (!sets.empty()) upds.push_back("UPDATE " + spec_.tgt_table + " SET " + sets + " WHERE " + KeyWhere(conn, t) + ";");
      }
    }
    std::vector<std::string> all = std::move(dels);
    all.insert(all.end(), upds.begin(), upds.end());
    all.insert(all.end(), ins.begin(), ins.end());
    return all;
  }

  void ApplyStatements(SqlConnection& conn, const std::vector<std::string>& stmts, size_t batch) {
    bool mysql = IsMySQLFamily(spec_.td);
    batch = std::max<size_t>(1, batch);
    for (size_t b = 0; b < stmts.size(); b += batch) {
      conn.Exec(mysql ? "START TRANSACTION" : "BEGIN");
      try {
        for (size_t i = b; i < std::min(stmts.size(), b + batch); ++i) {
          if (stmts[i].rfind("--", 0) == 0) continue;
          conn.Exec(stmts[i].substr(0, stmts[i].size() - 1));
        }
        conn.Exec("COMMIT");
      } catch (...) {
        try {
          conn.Exec("ROLLBACK");
        } catch (...) {
        }
        throw;
      }
    }
  }

  std::string FixHeader(int64_t statements) const {
    return "-- " + report_.target + " (source " + report_.source + "): " + std::to_string(statements) +
           " statements\n";
  }

  void Finish(std::string* fix_sql) {
    for (const Candidate& c : candidates_) {
      int64_t& count = c.kind == RowDiffKind::kMissing ? report_.missing
                       : c.kind == RowDiffKind::kExtra ? report_.extra
                                                       : report_.differing;
      ++count;
      if (static_cast<size_t>(count) <= opt_.max_rows_reported) report_.rows.push_back(Describe(c));
    }
    if (candidates_.empty() || opt_.fix == FixMode::kNone) return;
    Side tgt = OpenTarget(endpoints_);
    std::vector<std::string> stmts = FixStatements(tgt.conn());
    report_.fix_statements = static_cast<int64_t>(stmts.size());
    if (fix_sql) {
      *fix_sql += FixHeader(report_.fix_statements);
      for (const auto& s : stmts) *fix_sql += s + "\n";
    }
    if (opt_.fix != FixMode::kApply) return;
    try {
      ApplyStatements(tgt.conn(), stmts, static_cast<size_t>(opt_.fix_batch_rows));
      report_.fix_applied = true;
      std::vector<Candidate> again = candidates_;
      Reread(again);
      report_.fixed = again.empty();
      if (!again.empty()) {
        report_.fix_error = std::to_string(again.size()) + " rows still differ after the correction";
      }
    } catch (const std::exception& e) {
      report_.fix_error = endpoints_.Mask(e.what());
    }
  }

  // Keyless: count and multiset hash per side.
  void RunKeyless(std::string* fix_sql) {
    Side src = OpenSource(endpoints_), tgt = OpenTarget(endpoints_);
    Hash128 hs, ht;
    auto stop = opt_.stop_requested;
    std::string ssql = SelectSql(false, ""), tsql = SelectSql(true, "");
    auto target_scan = std::async(std::launch::async, [&] { return Scan(spec_, true, tgt, tsql, nullptr, &ht, stop); });
    int64_t ns = 0;
    std::exception_ptr failure;
    try {
      ns = Scan(spec_, false, src, ssql, nullptr, &hs, stop);
    } catch (...) {
      failure = std::current_exception();
    }
    int64_t nt = target_scan.get();
    if (failure) std::rethrow_exception(failure);
    report_.rows_checked = ns;
    report_.rows_target = nt;
    report_.source_hash = hs.Hex();
    report_.target_hash = ht.Hex();
    report_.multiset_differs = ns != nt || !(hs == ht);
    report_.notes.push_back("no key: compared as a multiset (row count and sum of row hashes); "
                            "row-level drill-down needs a key (objects[].key)");
    if (!report_.multiset_differs || opt_.fix == FixMode::kNone) return;
    // Without a key no row can be addressed: the correction rewrites the table.
    std::vector<std::string> stmts;
    stmts.push_back("DELETE FROM " + spec_.tgt_table + ";");
    std::string prefix = InsertPrefix();
    auto reader = src.Read(ssql);
    RawRow row;
    std::string values, why;
    int rows_in_stmt = 0;
    while (reader->Next(row)) {
      std::string tuple = "(";
      bool ok = true;
      for (size_t i = 0; i < spec_.cols.size() && ok; ++i) {
        auto lit = ValueLiteral(tgt.conn(), spec_.cols[i], row[i], &why);
        if (!lit) ok = false;
        else tuple += (i ? ", " : "") + *lit;
      }
      if (!ok) {
        stmts.push_back("-- not correctable: " + SanitizeForDisplay(why));
        continue;
      }
      values += (rows_in_stmt ? ", " : "") + tuple + ")";
      if (++rows_in_stmt == 100) {
        stmts.push_back(prefix + values + ";");
        values.clear();
        rows_in_stmt = 0;
      }
    }
    if (rows_in_stmt) stmts.push_back(prefix + values + ";");
    reader.reset();
    report_.fix_statements = static_cast<int64_t>(stmts.size());
    if (fix_sql) {
      *fix_sql += FixHeader(report_.fix_statements) + "-- no key: the table is rewritten from the source\n";
      for (const auto& s : stmts) *fix_sql += s + "\n";
    }
    if (opt_.fix != FixMode::kApply) return;
    try {
      // One transaction: the table is never seen half rewritten.
      ApplyStatements(tgt.conn(), stmts, stmts.size());
      report_.fix_applied = true;
      Hash128 again;
      int64_t n = Scan(spec_, true, tgt, tsql, nullptr, &again, stop);
      report_.fixed = n == ns && again == hs;
      if (!report_.fixed) report_.fix_error = "the table still differs after the correction";
    } catch (const std::exception& e) {
      report_.fix_error = endpoints_.Mask(e.what());
    }
  }

  const RunPlan& plan_;
  const RunTable& table_;
  const Endpoints& endpoints_;
  const VerifyRunOptions& opt_;
  Spec spec_;
  TableReport report_;
  std::vector<Candidate> candidates_;
  // The in-database digest (PrepareDigests): per side, one field per column
  // and the ORDER BY of the rows ("" = the scan's order).
  std::atomic<bool> in_database_{false};
  std::vector<std::string> src_fields_, tgt_fields_;
  std::string src_order_, tgt_order_;
};

}  // namespace

bool VerifySelects(const VerifyRunOptions& o, const RunTable& t) {
  if (o.tables.empty()) return true;
  for (const auto& g : o.tables) {
    if (fnmatch(g.c_str(), t.TargetName().c_str(), 0) == 0 || fnmatch(g.c_str(), t.SourceName().c_str(), 0) == 0) {
      return true;
    }
  }
  return false;
}

namespace {

std::string FixFileHeader(Dialect target) {
  std::string h =
      "-- Sluice correction SQL: makes the target match the source (the baseline).\n"
      "-- Review before running; statements are in the target's dialect.\n";
  if (IsMySQLFamily(target)) h += "SET NAMES utf8mb4;\nSET time_zone = '+00:00';\n";
  else h += "SET TIME ZONE 'UTC';\nSET standard_conforming_strings = on;\n";
  return h;
}

}  // namespace

TableReport VerifyTable(const RunPlan& plan, const RunTable& table, const Endpoints& endpoints,
                        const VerifyRunOptions& options, std::string* fix_sql) {
  try {
    TableVerifier v(plan, table, endpoints, options);
    return v.Run(fix_sql);
  } catch (const TaskStopped&) {
    throw;
  } catch (const std::exception& e) {
    TableReport r;
    r.source = table.SourceName();
    r.target = table.TargetName();
    r.keyed = !(table.key_kind == RunKeyKind::kHiddenKey || table.key.empty());
    r.error = endpoints.Mask(e.what());
    return r;
  }
}

VerifyReport VerifyPlan(const RunPlan& plan, const Endpoints& endpoints, const VerifyRunOptions& options) {
  auto start = std::chrono::steady_clock::now();
  VerifyReport report;
  std::string fix;
  for (const auto& t : plan.tables) {
    if (!VerifySelects(options, t)) continue;
    report.tables.push_back(VerifyTable(plan, t, endpoints, options, &fix));
  }
  if (options.fix != FixMode::kNone && !options.fix_sql.empty() && !fix.empty()) {
    std::ofstream out(options.fix_sql, std::ios::binary | std::ios::trunc);
    out << FixFileHeader(plan.target.dialect) << fix;
    out.close();
    if (!out) {
      TableReport r;
      r.error = "cannot write the correction SQL to " + options.fix_sql;
      report.tables.push_back(r);
    } else {
      report.fix_sql_path = options.fix_sql;
    }
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

namespace {

std::string ShowValue(const std::optional<std::string>& v) { return v ? "'" + *v + "'" : "NULL"; }

std::string ShowKey(const RowDiff& d) {
  std::string out;
  for (size_t i = 0; i < d.key.size(); ++i) out += (i ? ", " : "") + d.key[i].first + "=" + d.key[i].second;
  return out;
}

}  // namespace

std::string RenderVerifyText(const VerifyReport& r) {
  std::string out;
  int equal = 0, differing = 0, errors = 0;
  for (const auto& t : r.tables) {
    std::string name = t.target + (t.source != t.target ? " (source " + t.source + ")" : "");
    if (!t.error.empty()) {
      ++errors;
      out += "table " + name + ": error: " + t.error + "\n";
      continue;
    }
    if (t.keyed) {
      out += "table " + name + ": " + std::to_string(t.rows_checked) + " rows checked, " + std::to_string(t.missing) +
             " missing on target, " + std::to_string(t.extra) + " extra on target, " + std::to_string(t.differing) +
             " differing";
    } else {
      out += "table " + name + ": " + std::to_string(t.rows_checked) + " rows checked, " +
             std::to_string(t.rows_target) + " on target, multiset " + (t.multiset_differs ? "differs" : "equal");
    }
    if (t.resolved_by_recheck > 0) out += " (" + std::to_string(t.resolved_by_recheck) + " resolved on re-check)";
    out += "\n";
    t.differs() ? ++differing : ++equal;
    for (const auto& d : t.rows) {
      if (d.kind == RowDiffKind::kMissing) out += "  missing on target: " + ShowKey(d) + "\n";
      else if (d.kind == RowDiffKind::kExtra) out += "  extra on target: " + ShowKey(d) + "\n";
      else {
        out += "  differing: " + ShowKey(d) + "\n";
        for (const auto& c : d.columns) {
          out += "    " + c.column + ": source " + ShowValue(c.source) + ", target " + ShowValue(c.target) + "\n";
        }
      }
    }
    int64_t shown = static_cast<int64_t>(t.rows.size());
    if (t.missing + t.extra + t.differing > shown) {
      out += "  ... " + std::to_string(t.missing + t.extra + t.differing - shown) + " more rows not shown\n";
    }
    if (t.differs()) {
      for (const auto& n : t.notes) out += "  note: " + n + "\n";
    }
    if (t.fix_applied) {
      out += "  fix: " + std::to_string(t.fix_statements) + " statements applied; " +
             (t.fixed ? "the rows now match" : "error: " + t.fix_error) + "\n";
    } else if (!t.fix_error.empty()) {
      out += "  fix: error: " + t.fix_error + "\n";
    }
  }
  out += "verify: " + std::to_string(r.tables.size()) + " tables, " + std::to_string(equal) + " equal, " +
         std::to_string(differing) + " with differences, " + std::to_string(errors) + " errors";
  if (!r.fix_sql_path.empty()) out += "; correction SQL in " + r.fix_sql_path;
  char took[32];
  std::snprintf(took, sizeof took, " (%.1fs)", r.seconds);
  return out + took + "\n";
}

OJson VerifyReportJson(const VerifyReport& r) {
  OJson j;
  j["format"] = "sluice-verify";
  j["version"] = 1;
  OJson tables = OJson::array();
  for (const auto& t : r.tables) {
    OJson tj;
    tj["source"] = t.source;
    tj["target"] = t.target;
    tj["keyed"] = t.keyed;
    tj["rows_checked"] = t.rows_checked;
    tj["rows_target"] = t.rows_target;
    tj["missing"] = t.missing;
    tj["extra"] = t.extra;
    tj["differing"] = t.differing;
    tj["resolved_by_recheck"] = t.resolved_by_recheck;
    if (t.keyed) {
      tj["chunks"] = {{"total", t.chunks},
                      {"equal_in_database", t.chunks_equal_in_database},
                      {"streamed", t.chunks_streamed}};
    }
    if (!t.keyed) {
      tj["multiset_differs"] = t.multiset_differs;
      tj["source_hash"] = t.source_hash;
      tj["target_hash"] = t.target_hash;
    }
    OJson rows = OJson::array();
    for (const auto& d : t.rows) {
      OJson dj;
      dj["kind"] = RowDiffKindName(d.kind);
      OJson key = OJson::object();
      for (const auto& [k, v] : d.key) key[k] = v;
      dj["key"] = key;
      if (d.kind == RowDiffKind::kDiffering) {
        OJson cols = OJson::array();
        for (const auto& c : d.columns) {
          cols.push_back({{"column", c.column},
                          {"source_column", c.source_column},
                          {"source", c.source ? OJson(*c.source) : OJson(nullptr)},
                          {"target", c.target ? OJson(*c.target) : OJson(nullptr)}});
        }
        dj["columns"] = cols;
      }
      rows.push_back(dj);
    }
    tj["rows"] = rows;
    tj["notes"] = t.notes;
    tj["error"] = t.error.empty() ? OJson(nullptr) : OJson(t.error);
    tj["fix"] = {{"statements", t.fix_statements}, {"applied", t.fix_applied}, {"fixed", t.fixed},
                 {"error", t.fix_error.empty() ? OJson(nullptr) : OJson(t.fix_error)}};
    tables.push_back(tj);
  }
  j["tables"] = tables;
  j["fix_sql"] = r.fix_sql_path.empty() ? OJson(nullptr) : OJson(r.fix_sql_path);
  j["exit_code"] = VerifyExitCode(r);
  return j;
}

bool ApplyVerifySettings(const RunSettings& settings, const std::string& state_dir, VerifyRunOptions* o,
                         std::string* error) {
  const std::string& f = settings.verify_fix;
  if (f == "none") o->fix = FixMode::kNone;
  else if (f == "sql-file" || f.empty()) o->fix = FixMode::kSqlFile;
  else if (f == "apply") o->fix = FixMode::kApply;
  else {
    *error = "settings.verify.fix: unknown value '" + f + "' (expected sql-file, apply or none)";
    return false;
  }
  o->fix_sql = settings.verify_fix_sql.empty() ? state_dir + "/fix.sql" : settings.verify_fix_sql;
  if (settings.verify_chunk_rows < 1) {
    *error = "settings.verify.chunk_rows: " + std::to_string(settings.verify_chunk_rows) + " is not a positive number";
    return false;
  }
  if (settings.verify_parallel < 1 || settings.verify_parallel > 64) {
    *error = "settings.verify.parallel: " + std::to_string(settings.verify_parallel) + " is not in 1..64";
    return false;
  }
  o->chunk_rows = settings.verify_chunk_rows;
  o->parallel = static_cast<int>(settings.verify_parallel);
  return true;
}

namespace {

class VerifyRunner : public TaskRunner {
 public:
  VerifyRunner(const Endpoints& e, std::string state_dir) : endpoints_(e), state_dir_(std::move(state_dir)) {}

  Dialect ErrorDialect(const TaskContext& ctx) const override { return ctx.plan.target.dialect; }

  void Run(TaskContext& ctx) override {
    const RunTable* table = ctx.plan.FindTableByTarget(ctx.task.object);
    if (table == nullptr) throw TaskError("plan.json has no table " + ctx.task.object);
    VerifyRunOptions o;
    std::string error;
    if (!ApplyVerifySettings(ctx.plan.settings, state_dir_, &o, &error)) throw TaskError(error);
    o.stop_requested = ctx.stop_requested;
    std::string fix;
    TableReport r = VerifyTable(ctx.plan, *table, endpoints_, o, &fix);
    if (!r.error.empty()) throw TaskError(r.error);
    VerifyReport one;
    one.tables.push_back(r);
    if (!fix.empty() && o.fix != FixMode::kNone) {
      std::lock_guard<std::mutex> l(mu_);
      std::ofstream out(o.fix_sql, std::ios::binary | (wrote_ ? std::ios::app : std::ios::trunc));
      if (!wrote_) out << FixFileHeader(ctx.plan.target.dialect);
      out << fix;
      out.close();
      if (!out) throw TaskError("cannot write the correction SQL to " + o.fix_sql);
      wrote_ = true;
      one.fix_sql_path = o.fix_sql;
    }
    std::string text = RenderVerifyText(one);
    ctx.reporter.Note(text.substr(0, text.rfind("verify: ")));
    if (r.differs() && !r.fixed) {
      throw TaskError(r.target + " differs from " + r.source + ": " + std::to_string(r.missing) + " missing, " +
                      std::to_string(r.extra) + " extra, " + std::to_string(r.differing) + " differing" +
                      (r.keyed ? "" : " (multiset)") +
                      (one.fix_sql_path.empty() ? "" : "; correction SQL in " + one.fix_sql_path));
    }
  }

 private:
  const Endpoints& endpoints_;
  std::string state_dir_;
  std::mutex mu_;
  bool wrote_ = false;
};

}  // namespace

std::shared_ptr<TaskRunner> MakeVerifyRunner(const Endpoints& endpoints, const std::string& state_dir) {
  return std::make_shared<VerifyRunner>(endpoints, state_dir);
}

}  // namespace sluice
