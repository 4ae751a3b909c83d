#include "runtime/run_plan.h"

namespace sluice {

using Json = nlohmann::ordered_json;

const RunColumn* RunTable::FindSource(const std::string& name) const {
  for (const auto& c : columns) {
    if (c.source == name) return &c;
  }
  return nullptr;
}

const RunTable* RunPlan::FindTableByTarget(const std::string& target_name) const {
  for (const auto& t : tables) {
    if (t.TargetName() == target_name) return &t;
  }
  return nullptr;
}

bool RunPlan::HasStep(const std::string& step) const {
  for (const auto& s : steps) {
    if (s == step) return true;
  }
  return false;
}

namespace {

// Field access that names the path of whatever is missing or mistyped.
struct Reader {
  std::string* error;
  bool ok = true;

  const Json* Field(const Json& obj, const char* key, const std::string& path) {
    if (!ok) return nullptr;
    if (!obj.is_object() || !obj.contains(key)) {
      Fail(path + "." + key + ": missing");
      return nullptr;
    }
    return &obj.at(key);
  }
  std::string Str(const Json& obj, const char* key, const std::string& path) {
    const Json* v = Field(obj, key, path);
    if (!v) return "";
    if (!v->is_string()) return Fail(path + "." + key + ": expected a string"), "";
    return v->get<std::string>();
  }
  int64_t Int(const Json& obj, const char* key, const std::string& path) {
    const Json* v = Field(obj, key, path);
    if (!v) return 0;
    if (!v->is_number_integer()) return Fail(path + "." + key + ": expected an integer"), 0;
    return v->get<int64_t>();
  }
  bool Bool(const Json& obj, const char* key, const std::string& path) {
    const Json* v = Field(obj, key, path);
    if (!v) return false;
    if (!v->is_boolean()) return Fail(path + "." + key + ": expected true or false"), false;
    return v->get<bool>();
  }
  std::vector<std::string> Strings(const Json& obj, const char* key, const std::string& path) {
    std::vector<std::string> out;
    const Json* v = Field(obj, key, path);
    if (!v) return out;
    if (!v->is_array()) return Fail(path + "." + key + ": expected a list"), out;
    for (const auto& e : *v) {
      if (!e.is_string()) return Fail(path + "." + key + ": expected strings"), out;
      out.push_back(e.get<std::string>());
    }
    return out;
  }
  void Fail(const std::string& msg) {
    if (ok) *error = msg;
    ok = false;
  }
};

RunEndpoint ParseEndpoint(Reader& r, const Json& j, const std::string& path) {
  RunEndpoint e;
  std::string dialect = r.Str(j, "dialect", path);
  if (auto d = ParseDialect(dialect)) e.dialect = *d;
  else if (r.ok) r.Fail(path + ".dialect: unknown dialect '" + dialect + "'");
  std::string dsn = r.Str(j, "dsn", path);
  if (r.ok) {
    DsnParse p = ParseDsn(dsn);
    if (!p.ok || !p.password.empty()) r.Fail(path + ".dsn: not a valid DSN without a password");
    e.dsn = p.dsn;
  }
  e.server_version = r.Str(j, "server_version", path);
  const Json* pw = r.Field(j, "password", path);
  if (pw && pw->is_object()) {
    if (pw->contains("env")) e.password.env = pw->at("env").get<std::string>();
    if (pw->contains("file")) e.password.file = pw->at("file").get<std::string>();
  }
  const Json* cap = r.Field(j, "capture", path);
  if (cap && cap->is_object()) {
    if (cap->contains("server_id")) e.server_id = cap->at("server_id").get<uint32_t>();
    if (cap->contains("slot")) e.slot = cap->at("slot").get<std::string>();
    if (cap->contains("publication")) e.publication = cap->at("publication").get<std::string>();
    if (cap->contains("kafka_brokers")) e.kafka_brokers = cap->at("kafka_brokers").get<std::string>();
    if (cap->contains("kafka_topic")) e.kafka_topic = cap->at("kafka_topic").get<std::string>();
  }
  return e;
}

}  // namespace

std::optional<RunPlan> ParseRunPlan(const Json& j, std::string* error) {
  Reader r{error};
  if (!j.is_object() || !j.contains("format") || j["format"] != "sluice-plan") {
    *error = "not a Sluice plan.json (\"format\": \"sluice-plan\" is missing)";
    return std::nullopt;
  }
  if (r.Int(j, "version", "") != 1) {
    if (r.ok) *error = "plan.json version " + j["version"].dump() + " is not one this Sluice runs (it runs 1)";
    return std::nullopt;
  }
  RunPlan p;
  p.name = r.Str(j, "name", "");
  p.plan_file = r.Str(j, "plan_file", "");
  const Json* fp = r.Field(j, "fingerprints", "");
  if (fp) {
    p.plan_fingerprint = r.Str(*fp, "plan", "fingerprints");
    p.source_schema_fingerprint = r.Str(*fp, "source_schema", "fingerprints");
  }
  if (const Json* s = r.Field(j, "source", "")) p.source = ParseEndpoint(r, *s, "source");
  if (const Json* t = r.Field(j, "target", "")) p.target = ParseEndpoint(r, *t, "target");
  p.steps = r.Strings(j, "steps", "");
  if (const Json* s = r.Field(j, "settings", "")) {
    if (const Json* f = r.Field(*s, "full", "settings")) {
      p.settings.full_parallel = r.Int(*f, "parallel", "settings.full");
      p.settings.full_chunk_rows = r.Int(*f, "chunk_rows", "settings.full");
      p.settings.on_bad_row = r.Str(*f, "on_bad_row", "settings.full");
      p.settings.reject_file = r.Str(*f, "reject_file", "settings.full");
      p.settings.zero_date = r.Str(*f, "zero_date", "settings.full");
      p.settings.time_zone = r.Str(*f, "time_zone", "settings.full");
      // Older plan.json files (before it) write the binlog.
      if (f->contains("target_binlog")) p.settings.target_binlog = r.Str(*f, "target_binlog", "settings.full");
    }
    // Older plan.json files (before these sections) run with the defaults.
    if (s->contains("incremental")) {
      const Json& in = (*s)["incremental"];
      p.settings.incremental_batch_rows = r.Int(in, "batch_rows", "settings.incremental");
      p.settings.incremental_parallel = r.Int(in, "parallel", "settings.incremental");
      p.settings.incremental_ddl = r.Str(in, "ddl", "settings.incremental");
      p.settings.heartbeat_ms = r.Int(in, "heartbeat_ms", "settings.incremental");
      p.settings.buffer_max_bytes = r.Int(in, "buffer_max_bytes", "settings.incremental");
      p.settings.retained_warn_bytes = r.Int(in, "retained_warn_bytes", "settings.incremental");
    }
    if (s->contains("verify")) {
      const Json& v = (*s)["verify"];
      p.settings.verify_fix = r.Str(v, "fix", "settings.verify");
      p.settings.verify_fix_sql = r.Str(v, "fix_sql", "settings.verify");
      p.settings.verify_chunk_rows = r.Int(v, "chunk_rows", "settings.verify");
      p.settings.verify_parallel = r.Int(v, "parallel", "settings.verify");
    }
    if (const Json* rt = r.Field(*s, "retry", "settings")) {
      p.settings.retry_attempts = r.Int(*rt, "attempts", "settings.retry");
      p.settings.backoff_min_ms = r.Int(*rt, "backoff_min_ms", "settings.retry");
      p.settings.backoff_max_ms = r.Int(*rt, "backoff_max_ms", "settings.retry");
    }
  }
  if (const Json* tables = r.Field(j, "tables", "")) {
    for (size_t i = 0; r.ok && i < tables->size(); ++i) {
      const Json& tj = (*tables)[i];
      std::string path = "tables[" + std::to_string(i) + "]";
      RunTable t;
      t.source_schema = r.Str(tj, "source_schema", path);
      t.source_table = r.Str(tj, "source_table", path);
      t.target_schema = r.Str(tj, "target_schema", path);
      t.target_table = r.Str(tj, "target_table", path);
      if (const Json* key = r.Field(tj, "key", path)) {
        std::string kind = r.Str(*key, "kind", path + ".key");
        t.key_kind = kind == "unique key" ? RunKeyKind::kUniqueKey
                     : kind == "plan key" ? RunKeyKind::kPlanKey
                     : kind == "hidden key" ? RunKeyKind::kHiddenKey
                                            : RunKeyKind::kPrimaryKey;
        t.key = r.Strings(*key, "columns", path + ".key");
      }
      if (tj.contains("unique_keys")) {
        for (const auto& uk : tj["unique_keys"]) {
          std::vector<std::string> cols;
          for (const auto& c : uk) cols.push_back(c.get<std::string>());
          t.unique_keys.push_back(std::move(cols));
        }
      }
      t.hidden_key = r.Bool(tj, "hidden_key", path);
      t.where = r.Str(tj, "where", path);
      const Json* est = r.Field(tj, "row_estimate", path);
      if (est && est->is_number_integer()) t.row_estimate = est->get<int64_t>();
      if (const Json* cols = r.Field(tj, "columns", path)) {
        for (size_t k = 0; r.ok && k < cols->size(); ++k) {
          const Json& cj = (*cols)[k];
          std::string cp = path + ".columns[" + std::to_string(k) + "]";
          RunColumn c;
          c.source = r.Str(cj, "source", cp);
          c.source_type = r.Str(cj, "source_type", cp);
          c.neutral = r.Str(cj, "neutral", cp);
          c.target = r.Str(cj, "target", cp);
          c.target_type = r.Str(cj, "target_type", cp);
          c.generated = r.Bool(cj, "generated", cp);
          t.columns.push_back(std::move(c));
        }
      }
      if (tj.contains("dropped_columns")) t.dropped_columns = r.Strings(tj, "dropped_columns", path);
      p.tables.push_back(std::move(t));
    }
  }
  if (const Json* tasks = r.Field(j, "tasks", "")) {
    for (size_t i = 0; r.ok && i < tasks->size(); ++i) {
      const Json& tj = (*tasks)[i];
      std::string path = "tasks[" + std::to_string(i) + "]";
      RunTask t;
      t.id = r.Str(tj, "id", path);
      t.kind = r.Str(tj, "kind", path);
      t.object = r.Str(tj, "object", path);
      t.source = r.Str(tj, "source", path);
      t.deps = r.Strings(tj, "deps", path);
      t.sql = r.Strings(tj, "sql", path);
      t.description = r.Str(tj, "description", path);
      t.origin = r.Str(tj, "origin", path);
      p.tasks.push_back(std::move(t));
    }
  }
  if (j.contains("source_schema")) p.source_schema = j["source_schema"];
  if (!r.ok) return std::nullopt;
  return p;
}

}  // namespace sluice
