// Subprocesses are started with fork/exec and their output sent to files
// (never pipes: a chatty child cannot block on a full pipe while the test
// waits for it). Table comparison reads both sides completely into maps keyed
// by the normalised key text; the tables of these tests are small enough.

#include "tests/integration/full_copy_support.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <sqlite3.h>

namespace sluice::fctest {

namespace fs = std::filesystem;

std::string SluiceBinary() { return std::string(SLUICE_BINARY_DIR) + "/cli/sluice"; }

namespace {

pid_t Spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
            const std::string& out_path, const std::string& err_path) {
  std::vector<std::string> argv_s;
  argv_s.push_back(SluiceBinary());
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::fflush(nullptr);  // else the child flushes our buffered output a second time
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    FILE* o = std::freopen(out_path.c_str(), "wb", stdout);
    FILE* e = std::freopen(err_path.c_str(), "wb", stderr);
    if (o == nullptr || e == nullptr) _exit(126);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

int DecodeStatus(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

}  // namespace

RunResult RunSluice(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                    int timeout_seconds) {
  std::string dir = MakeTempDir("sluice-run");
  auto start = std::chrono::steady_clock::now();
  SluiceProcess p(args, dir, env);
  RunResult r;
  r.exit_code = p.Wait(timeout_seconds);
  r.out = p.Out();
  r.err = p.Err();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

SluiceProcess::SluiceProcess(const std::vector<std::string>& args, const std::string& work_dir,
                             const std::map<std::string, std::string>& env) {
  static int counter = 0;
  std::string base = work_dir + "/run" + std::to_string(++counter);
  out_path_ = base + ".out";
  err_path_ = base + ".err";
  pid_ = Spawn(args, env, out_path_, err_path_);
}

SluiceProcess::~SluiceProcess() {
  if (!status_) {
    kill(pid_, SIGKILL);
    int st = 0;
    waitpid(pid_, &st, 0);
  }
}

std::optional<int> SluiceProcess::Poll() {
  if (status_) return status_;
  int st = 0;
  pid_t r = waitpid(pid_, &st, WNOHANG);
  if (r == pid_) status_ = DecodeStatus(st);
  return status_;
}

int SluiceProcess::Wait(int timeout_seconds) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (!Poll()) {
    if (std::chrono::steady_clock::now() > until) {
      Kill9();
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return *status_;
}

void SluiceProcess::Kill9() {
  if (status_) return;
  kill(pid_, SIGKILL);
  int st = 0;
  waitpid(pid_, &st, 0);
  status_ = -1;
}

std::string SluiceProcess::Out() const { return ReadFile(out_path_); }
std::string SluiceProcess::Err() const { return ReadFile(err_path_); }

int64_t RowsCheckpointed(const std::string& state) {
  sqlite3* db = nullptr;
  int64_t rows = -1;
  if (sqlite3_open_v2((state + "/state.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 1000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT COALESCE(SUM(rows), 0) FROM chunks WHERE state = 'done'", -1, &st, nullptr) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      rows = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return rows;
}

void MarkFirstChunkInterrupted(const std::string& state, const std::string& task_id) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2((state + "/state.db").c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + state + "/state.db");
  }
  sqlite3_busy_timeout(db, 5000);
  for (const char* sql : {"UPDATE chunks SET state = 'running', attempts = 1 WHERE task_id = ?1 AND no = "
                          "(SELECT MIN(no) FROM chunks WHERE task_id = ?1)",
                          "UPDATE tasks SET state = 'running' WHERE id = ?1"}) {
    sqlite3_stmt* st = nullptr;
    bool ok = sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK &&
              sqlite3_bind_text(st, 1, task_id.c_str(), -1, SQLITE_TRANSIENT) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok || sqlite3_changes(db) == 0) {
      sqlite3_close(db);
      throw std::runtime_error(std::string("state.db: nothing to mark for ") + task_id);
    }
  }
  sqlite3_close(db);
}

std::string MakeTempDir(const std::string& prefix) {
  std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ReadAllFiles(const std::string& dir) {
  std::string all;
  if (!fs::exists(dir)) return all;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) all += ReadFile(e.path().string());
  }
  return all;
}

std::string DataFile(const std::string& name) {
  std::string path = std::string(SLUICE_SOURCE_DIR) + "/tests/integration/testdata/full_copy/" + name;
  if (!fs::exists(path)) throw std::runtime_error("missing test data " + path);
  return ReadFile(path);
}

std::string DsnWithDatabase(const std::string& dsn, const std::string& database) {
  size_t scheme = dsn.find("://");
  size_t slash = dsn.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  std::string base = slash == std::string::npos ? dsn : dsn.substr(0, slash);
  return base + "/" + database;
}

std::vector<std::string> SqlStatements(const std::string& text) {
  // Drop whole-line comments, then split at ";\n" (statements in the data
  // files end a line with ';'; literals never do).
  std::stringstream in(text);
  std::string line, body;
  while (std::getline(in, line)) {
    size_t first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line.compare(first, 2, "--") == 0) continue;
    body += line + "\n";
  }
  std::vector<std::string> out;
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find(";\n", start);
    std::string stmt = body.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (stmt.find_first_not_of(" \t\n") != std::string::npos) out.push_back(stmt);
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return out;
}

// ---- sides ----

Side::Side(Engine engine, const std::string& database) : engine_(engine) {
  const auto& servers = testing::TestServersFromEnv();
  if (engine == Engine::kMariaDb) {
    my_.emplace(servers.mariadb.Admin(database));
    my_->Exec("SET time_zone = '+00:00'");
  } else {
    pg_.emplace(servers.postgres.Admin(database));
    pg_->Exec("SET TIME ZONE 'UTC'; SET extra_float_digits = 1; SET bytea_output = 'hex'");
  }
}

Rows Side::Query(const std::string& sql) { return my_ ? my_->Query(sql) : pg_->Query(sql); }
std::optional<std::string> Side::Scalar(const std::string& sql) { return my_ ? my_->Scalar(sql) : pg_->Scalar(sql); }
void Side::Exec(const std::string& sql) {
  if (my_) my_->Exec(sql);
  else pg_->Exec(sql);
}

std::string Side::Q(const std::string& ident) const {
  return engine_ == Engine::kMariaDb ? "`" + ident + "`" : "\"" + ident + "\"";
}

// ---- expressions ----

std::string Expr::Col(const std::string& c) const {
  return engine == Engine::kMariaDb ? "`" + c + "`" : "\"" + c + "\"::text";
}
std::string Expr::Hex(const std::string& c) const {
  return engine == Engine::kMariaDb ? "HEX(`" + c + "`)" : "upper(encode(\"" + c + "\", 'hex'))";
}
std::string Expr::Ts(const std::string& c) const {
  return engine == Engine::kMariaDb ? "DATE_FORMAT(`" + c + "`, '%Y-%m-%d %H:%i:%s.%f')"
                                    : "to_char(\"" + c + "\", 'YYYY-MM-DD HH24:MI:SS.US')";
}
std::string Expr::Time(const std::string& c) const {
  // PostgreSQL: through interval so that 24:00:00 prints as 24, not 00.
  return engine == Engine::kMariaDb ? "TIME_FORMAT(`" + c + "`, '%H:%i:%s.%f')"
                                    : "to_char(\"" + c + "\"::interval, 'HH24:MI:SS.US')";
}
std::string Expr::Double(const std::string& c) const {
  return engine == Engine::kMariaDb ? "CAST(`" + c + "` AS DOUBLE)" : "\"" + c + "\"::float8::text";
}
std::string Expr::Bits(const std::string& c, int n) const {
  return engine == Engine::kMariaDb ? "LPAD(BIN(`" + c + "`), " + std::to_string(n) + ", '0')"
                                    : "\"" + c + "\"::text";
}

// ---- comparison ----

namespace {

std::optional<std::string> Normalise(Norm norm, const std::optional<std::string>& v) {
  if (!v) return v;
  std::string s = *v;
  switch (norm) {
    case Norm::kExact:
      return s;
    case Norm::kCharPad:
      while (!s.empty() && s.back() == ' ') s.pop_back();
      return s;
    case Norm::kDecimal: {
      if (s.find('.') != std::string::npos) {
        while (!s.empty() && s.back() == '0') s.pop_back();
        if (!s.empty() && s.back() == '.') s.pop_back();
      }
      if (s == "-0") s = "0";
      return s;
    }
    case Norm::kFloat: {
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (end == s.c_str() || *end != '\0') return "unparsable float '" + s + "'";
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      // The bits decide equality; the %.17g text (a function of the bits) is for messages.
      char buf[64];
      std::snprintf(buf, sizeof buf, "%016llx %.17g", static_cast<unsigned long long>(bits), d);
      return std::string(buf);
    }
    case Norm::kJson:
      try {
        return nlohmann::json::parse(s).dump();
      } catch (const std::exception&) {
        return "unparsable JSON '" + s + "'";
      }
  }
  return s;
}

std::string Show(const std::optional<std::string>& v) {
  if (!v) return "NULL";
  std::string s = *v;
  if (s.size() > 120) s = s.substr(0, 120) + "...(" + std::to_string(v->size()) + " bytes)";
  std::string out = "'";
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "'";
}

using NormRow = std::vector<std::optional<std::string>>;

std::string Select(const std::vector<ColumnCheck>& key, const std::vector<ColumnCheck>& cols, bool source,
                   const std::string& table, const std::string& where) {
  std::string sql = "SELECT ";
  bool first = true;
  for (const auto* list : {&key, &cols}) {
    for (const auto& c : *list) {
      sql += (first ? "" : ", ") + (source ? c.source_sql : c.target_sql);
      first = false;
    }
  }
  sql += " FROM " + table;
  if (!where.empty()) sql += " WHERE " + where;
  return sql;
}

}  // namespace

std::string CompareTable(Side& source, Side& target, const TableCheck& check, int64_t* rows_out) {
  auto read = [&](Side& side, bool is_source) {
    Rows raw = side.Query(Select(check.key, check.columns, is_source, is_source ? check.source_table : check.target_table,
                                 is_source ? check.source_where : ""));
    std::vector<std::pair<std::string, NormRow>> rows;
    for (const auto& r : raw) {
      std::string key;
      size_t i = 0;
      for (const auto& k : check.key) {
        auto v = Normalise(k.norm, r[i++]);
        key += (v ? "'" + *v + "'" : "NULL") + "|";
      }
      NormRow vals;
      for (const auto& c : check.columns) vals.push_back(Normalise(c.norm, r[i++]));
      rows.emplace_back(std::move(key), std::move(vals));
    }
    return rows;
  };
  auto src = read(source, true);
  auto tgt = read(target, false);
  if (rows_out) *rows_out = static_cast<int64_t>(src.size());
  std::ostringstream diff;
  int problems = 0;
  auto note = [&](const std::string& s) {
    if (++problems <= 10) diff << "  " << s << "\n";
  };
  if (src.size() != tgt.size()) {
    note(check.target_table + ": " + std::to_string(src.size()) + " source rows, " + std::to_string(tgt.size()) +
         " target rows");
  }
  if (check.key.empty()) {
    // Multiset comparison of whole rows.
    std::map<NormRow, int> count;
    for (auto& [k, r] : src) ++count[r];
    for (auto& [k, r] : tgt) --count[r];
    for (const auto& [r, n] : count) {
      if (n == 0) continue;
      std::string text;
      for (const auto& v : r) text += Show(v) + " ";
      note(check.target_table + ": row (" + text + ") " + (n > 0 ? "missing " + std::to_string(n) : "extra " + std::to_string(-n)) +
           " time(s) on the target");
    }
  } else {
    std::map<std::string, NormRow> t;
    for (auto& [k, r] : tgt) {
      if (!t.emplace(k, r).second) note(check.target_table + ": key " + k + " appears twice on the target");
    }
    std::map<std::string, NormRow> s;
    for (auto& [k, r] : src) s.emplace(k, r);
    for (const auto& [k, r] : s) {
      auto it = t.find(k);
      if (it == t.end()) {
        note(check.target_table + ": key " + k + " missing on the target");
        continue;
      }
      for (size_t i = 0; i < r.size(); ++i) {
        if (r[i] != it->second[i]) {
          note(check.target_table + ": key " + k + " column " + check.columns[i].name + ": source " + Show(r[i]) +
               ", target " + Show(it->second[i]));
        }
      }
    }
    for (const auto& [k, r] : t) {
      if (!s.count(k)) note(check.target_table + ": key " + k + " on the target but not in the source");
    }
  }
  if (problems > 10) diff << "  ... " << problems - 10 << " more\n";
  return diff.str();
}

}  // namespace sluice::fctest
