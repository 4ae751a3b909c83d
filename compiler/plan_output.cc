#include "compiler/plan_output.h"

#include <algorithm>
#include <map>
#include <set>

#include "catalog/catalog_json.h"
#include "common/hash.h"
#include "sluice_version.h"

namespace sluice {

using Json = nlohmann::ordered_json;

namespace {

Json EndpointJson(const sluice::Endpoint& e, const Catalog* catalog) {
  Json j;
  j["dialect"] = DialectName(e.dialect.value);
  j["version"] = e.version.value;
  j["server_version"] = catalog ? catalog->server_version : "";
  j["dsn"] = e.dsn.value.ToString();
  switch (e.password.kind) {
    case SecretRef::Kind::kNone: j["password"] = nullptr; break;
    case SecretRef::Kind::kEnv: j["password"] = Json{{"env", e.password.name}}; break;
    case SecretRef::Kind::kFile: j["password"] = Json{{"file", e.password.name}}; break;
  }
  Json c = Json::object();
  if (e.capture.server_id) c["server_id"] = *e.capture.server_id;
  if (!e.capture.slot.empty()) c["slot"] = e.capture.slot;
  if (!e.capture.publication.empty()) c["publication"] = e.capture.publication;
  if (!e.capture.kafka_brokers.empty()) c["kafka_brokers"] = e.capture.kafka_brokers;
  if (!e.capture.kafka_topic.empty()) c["kafka_topic"] = e.capture.kafka_topic;
  j["capture"] = c;
  return j;
}

const char* BadRowName(BadRowPolicy p) { return p == BadRowPolicy::kFail ? "fail" : "reject"; }
const char* TargetBinlogName(TargetBinlogPolicy p) { return p == TargetBinlogPolicy::kSkip ? "skip" : "write"; }

const char* ZeroDateName(ZeroDatePolicy p) {
  return p == ZeroDatePolicy::kFail ? "fail" : p == ZeroDatePolicy::kNull ? "null" : "reject";
}
const char* DdlName(DdlPolicy p) {
  return p == DdlPolicy::kApply ? "apply" : p == DdlPolicy::kPause ? "pause" : "ignore";
}
const char* FixName(FixPolicy p) {
  return p == FixPolicy::kNone ? "none" : p == FixPolicy::kSqlFile ? "sql-file" : "apply";
}

Json Settings(const Plan& p, bool strict) {
  Json j;
  j["full"] = {{"parallel", p.full.parallel.value},
               {"chunk_rows", p.full.chunk_rows.value},
               {"on_bad_row", BadRowName(p.full.on_bad_row.value)},
               {"reject_file", p.full.reject_file.value},
               {"zero_date", ZeroDateName(p.full.zero_date.value)},
               {"time_zone", p.full.time_zone.value},
               {"target_binlog", TargetBinlogName(p.full.target_binlog.value)}};
  j["incremental"] = {{"batch_rows", p.incremental.batch_rows.value},
                      {"parallel", p.incremental.parallel.value},
                      {"ddl", DdlName(p.incremental.ddl.value)},
                      {"heartbeat_ms", p.incremental.heartbeat_ms.value},
                      {"buffer_max_bytes", p.incremental.buffer_max_bytes.value},
                      {"retained_warn_bytes", p.incremental.retained_warn_bytes.value}};
  j["verify"] = {{"fix", FixName(p.verify.fix.value)},
                 {"fix_sql", p.verify.fix_sql.value},
                 {"chunk_rows", p.verify.chunk_rows.value},
                 {"parallel", p.verify.parallel.value}};
  j["retry"] = {{"attempts", p.retry.attempts.value},
                {"backoff_min_ms", p.retry.backoff_min_ms.value},
                {"backoff_max_ms", p.retry.backoff_max_ms.value}};
  j["strict"] = strict;
  return j;
}

Json Findings(const std::vector<Finding>& findings, bool strict) {
  Json arr = Json::array();
  for (const auto& f : findings) {
    bool error = f.outcome == Outcome::kUnsupported || (strict && f.outcome == Outcome::kLossy);
    arr.push_back({{"severity", error ? "error" : "warning"},
                   {"outcome", OutcomeName(f.outcome)},
                   {"subject", f.subject},
                   {"message", f.message},
                   {"help", f.help},
                   {"rule", f.rule}});
  }
  return arr;
}

std::string Pad(const std::string& s, size_t width) {
  // Width in code points, so unicode names line up.
  size_t cps = 0;
  for (unsigned char c : s) cps += (c & 0xC0) != 0x80;
  return cps >= width ? s : s + std::string(width - cps, ' ');
}

std::string WithThousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

std::string Plural(int64_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

Catalog SelectedSourceCatalog(const Catalog& source, const ResolvedPlan& resolved) {
  std::vector<std::pair<std::string, std::string>> objects;
  for (const auto& t : resolved.tables) objects.emplace_back(t.source_schema, t.source_table);
  for (const auto& v : resolved.views) objects.emplace_back(v.source_schema, v.source_view);
  return CatalogSubset(source, objects);
}

std::string SourceSchemaFingerprint(Catalog catalog) {
  // Statistics and the server's patch level change without the schema
  // changing: they must not make a reviewed plan stale.
  catalog.server_version.clear();
  for (auto& s : catalog.schemas) {
    for (auto& t : s.tables) t.row_estimate.reset();
  }
  return Fingerprint(CatalogToJsonText(catalog));
}

Catalog CatalogSubset(const Catalog& source, const std::vector<std::pair<std::string, std::string>>& objects) {
  std::set<std::pair<std::string, std::string>> wanted(objects.begin(), objects.end());
  Catalog out;
  out.dialect = source.dialect;
  out.server_version = source.server_version;
  for (const auto& s : source.schemas) {
    Schema sc;
    sc.name = s.name;
    for (const auto& t : s.tables) {
      if (wanted.count({s.name, t.name})) sc.tables.push_back(t);
    }
    for (const auto& v : s.views) {
      if (wanted.count({s.name, v.name})) sc.views.push_back(v);
    }
    if (sc.tables.empty() && sc.views.empty()) continue;
    sc.enum_types = s.enum_types;
    sc.domains = s.domains;
    out.schemas.push_back(std::move(sc));
  }
  return out;
}

Json PlanToJson(const CompiledPlan& c) {
  const Plan& p = *c.plan;
  Json j;
  j["format"] = "sluice-plan";
  j["version"] = kPlanJsonVersion;
  j["sluice_version"] = kVersion;
  j["name"] = p.name.value;
  j["plan_file"] = p.file ? p.file->path() : "";
  j["fingerprints"] = {{"plan", ""}, {"source_schema", ""}};
  j["source"] = EndpointJson(p.source, c.source_catalog);
  j["target"] = EndpointJson(p.target, c.target_catalog);
  j["target_inspected"] = c.diff->target_inspected;
  Json steps = Json::array();
  for (const auto& s : p.steps) steps.push_back(StepName(s.value));
  j["steps"] = steps;
  j["settings"] = Settings(p, c.strict);

  int64_t rows = 0, chunks = 0, warnings = 0, errors = 0;
  Json tables = Json::array();
  for (const auto& t : c.target->tables) {
    const TableMapping& m = *t.mapping;
    Json tj;
    tj["source"] = m.SourceName();
    tj["target"] = m.TargetName();
    // The parts apart too: names may contain dots.
    tj["source_schema"] = m.source_schema;
    tj["source_table"] = m.source_table;
    tj["target_schema"] = m.target_schema;
    tj["target_table"] = m.target_table;
    tj["rule"] = m.loc.ToString();
    tj["key"] = {{"kind", KeySourceName(m.key_source)}, {"columns", m.key}, {"index", m.key_index}};
    tj["hidden_key"] = t.hidden_key;
    // Every other unique key over migrated columns: change apply keeps rows
    // that share a unique value in order (parallel apply's conflict check).
    Json uniques = Json::array();
    if (m.source) {
      for (const auto& idx : m.source->indexes) {
        if (!idx.unique || idx.primary || !idx.predicate.empty() || idx.name == m.key_index) continue;
        Json cols = Json::array();
        bool plain = true;
        for (const auto& part : idx.parts) {
          bool kept = std::any_of(m.columns.begin(), m.columns.end(),
                                  [&](const ColumnMap& cm) { return cm.source == part.column; });
          plain = plain && !part.column.empty() && part.prefix_length == 0 && kept;
          cols.push_back(part.column);
        }
        if (plain) uniques.push_back(cols);
      }
    }
    tj["unique_keys"] = uniques;
    tj["where"] = m.where;
    tj["row_estimate"] = m.row_estimate ? Json(*m.row_estimate) : Json(nullptr);
    if (m.row_estimate) rows += *m.row_estimate;
    Json cols = Json::array();
    for (const auto& col : t.columns) {
      cols.push_back({{"source", col.source_name},
                      {"source_type", col.source_type},
                      {"neutral", col.neutral_type},
                      {"target", col.target_name},
                      {"target_type", col.target_type},
                      {"outcome", OutcomeName(col.outcome)},
                      {"generated", col.generated}});
    }
    tj["columns"] = cols;
    tj["dropped_columns"] = m.dropped;
    tj["findings"] = Findings(t.findings, c.strict);
    for (const auto& f : tj["findings"]) (f["severity"] == "error" ? errors : warnings)++;
    tables.push_back(tj);
  }
  j["tables"] = tables;
  Json views = Json::array();
  for (const auto& v : c.target->views) {
    Json vj;
    vj["source"] = v.mapping->source_schema + "." + v.mapping->source_view;
    vj["target"] = v.mapping->target_schema + "." + v.mapping->target_view;
    vj["migrated"] = v.ok;
    vj["findings"] = Findings(v.findings, c.strict);
    for (const auto& f : vj["findings"]) (f["severity"] == "error" ? errors : warnings)++;
    views.push_back(vj);
  }
  j["views"] = views;

  Json changes = Json::array();
  for (const auto& ch : c.diff->changes) {
    Json cj;
    cj["action"] = ch.action == ChangeAction::kCreate ? "create" : ch.action == ChangeAction::kAlter ? "alter" : "none";
    cj["symbol"] = ChangeSymbol(ch.action);
    cj["kind"] = ch.kind;
    cj["name"] = ch.name;
    cj["source"] = ch.source_name;
    cj["details"] = ch.details;
    cj["sql"] = {{"schema", ch.create_sql}, {"after_copy", ch.index_sql}, {"at_switchover", ch.constraint_sql}};
    changes.push_back(cj);
  }
  j["changes"] = changes;

  Json tasks = Json::array();
  for (const auto& t : c.graph->tasks) {
    chunks += t.kind == TaskKind::kFullTable ? t.chunk_estimate : 0;
    Json tj;
    tj["id"] = t.id;
    tj["kind"] = TaskKindName(t.kind);
    tj["object"] = t.object;
    tj["source"] = t.source_object;
    tj["deps"] = t.deps;
    tj["description"] = t.description;
    tj["origin"] = t.origin.ToString();
    if (t.kind == TaskKind::kFullTable) {
      tj["row_estimate"] = t.row_estimate ? Json(*t.row_estimate) : Json(nullptr);
      tj["chunk_estimate"] = t.chunk_estimate;
    }
    tj["sql"] = t.sql;
    tasks.push_back(tj);
  }
  j["tasks"] = tasks;
  j["summary"] = {{"to_add", c.diff->to_add},
                  {"to_change", c.diff->to_change},
                  {"unchanged", c.diff->unchanged},
                  {"to_destroy", 0},
                  {"tables", c.target->tables.size()},
                  {"views", c.target->views.size()},
                  {"rows_estimate", rows},
                  {"chunks_estimate", chunks},
                  {"warnings", warnings},
                  {"errors", errors}};
  Catalog selected = SelectedSourceCatalog(*c.source_catalog, *c.resolved);
  j["source_schema"] = CatalogToJson(selected);
  j["fingerprints"]["source_schema"] = SourceSchemaFingerprint(selected);
  j["fingerprints"]["plan"] = Fingerprint(j.dump());
  return j;
}

// ---- text ----------------------------------------------------------------------

std::string RenderPlanText(const Json& j, const RenderStyle& style) {
  auto color = [&](const char* code, const std::string& s) {
    return style.color ? std::string(code) + s + "\033[0m" : s;
  };
  const char* kGreen = "\033[32m";
  const char* kYellow = "\033[33m";
  const char* kBold = "\033[1m";
  const char* kDim = "\033[2m";
  auto symbol_color = [&](const std::string& sym) {
    return sym == "+" ? kGreen : sym == "~" ? kYellow : kDim;
  };
  std::string out;
  const Json& src = j["source"];
  const Json& tgt = j["target"];
  auto version_of = [](const Json& e) {
    std::string v = e["server_version"].get<std::string>();
    if (v.empty()) v = e["version"].get<std::string>();
    return v.empty() ? std::string() : " " + v;
  };
  out += color(kBold, "Sluice plan \"" + j["name"].get<std::string>() + "\"") + ": " +
         src["dialect"].get<std::string>() + version_of(src) + " → " + tgt["dialect"].get<std::string>() +
         version_of(tgt) + "\n";
  out += "  source  " + src["dsn"].get<std::string>() + "\n";
  out += "  target  " + tgt["dsn"].get<std::string>() + "\n";
  std::vector<std::string> steps;
  for (const auto& s : j["steps"]) steps.push_back(s.get<std::string>());
  std::string steps_text;
  for (size_t i = 0; i < steps.size(); ++i) steps_text += (i ? ", " : "") + steps[i];
  out += "  steps   " + steps_text + "\n";
  if (!j["target_inspected"].get<bool>()) {
    out += "  note    the target was not inspected (offline plan): every object is shown as new\n";
  }

  out += "\nTarget changes (+ create, ~ change, = unchanged):\n";
  std::map<std::string, const Json*> table_by_target;
  for (const auto& t : j["tables"]) table_by_target[t["target"].get<std::string>()] = &t;
  for (const auto& ch : j["changes"]) {
    std::string sym = ch["symbol"].get<std::string>();
    std::string head = "\n  " + color(symbol_color(sym), sym + " " + ch["kind"].get<std::string>() + " " +
                                                             ch["name"].get<std::string>());
    const Json* t = nullptr;
    if (ch["kind"] == "table") t = table_by_target[ch["name"].get<std::string>()];
    if (!ch["source"].get<std::string>().empty()) head += "  ← " + ch["source"].get<std::string>();
    if (t) {
      std::string extra;
      if (!(*t)["row_estimate"].is_null()) extra += "~" + WithThousands((*t)["row_estimate"].get<int64_t>()) + " rows, ";
      const Json& key = (*t)["key"];
      std::string cols;
      for (const auto& k : key["columns"]) cols += (cols.empty() ? "" : ", ") + k.get<std::string>();
      extra += "key: " + key["kind"].get<std::string>() + (cols.empty() ? "" : " (" + cols + ")");
      head += "  [" + extra + "]";
    }
    out += head + "\n";
    for (const auto& d : ch["details"]) out += "      " + d.get<std::string>() + "\n";
    auto sql_block = [&](const char* when, const Json& stmts) {
      if (stmts.empty()) return;
      if (when[0]) out += "      " + color(kDim, std::string("-- ") + when) + "\n";
      for (const auto& s : stmts) {
        std::string text = s.get<std::string>() + ";";
        size_t pos = 0;
        while (pos <= text.size()) {
          size_t nl = text.find('\n', pos);
          if (nl == std::string::npos) nl = text.size();
          out += "      " + text.substr(pos, nl - pos) + "\n";
          pos = nl + 1;
        }
      }
    };
    sql_block("", ch["sql"]["schema"]);
    sql_block("after the copy", ch["sql"]["after_copy"]);
    bool has_switchover = std::find(steps.begin(), steps.end(), "switchover") != steps.end();
    sql_block(has_switchover ? "at switchover" : "after the copy (constraints)", ch["sql"]["at_switchover"]);
    if (t) {
      // Column map: only columns whose name or type changes, plus every lossy one.
      std::vector<std::string> lines;
      size_t w1 = 0, w2 = 0;
      for (const auto& col : (*t)["columns"]) {
        w1 = std::max(w1, col["source"].get<std::string>().size() + col["source_type"].get<std::string>().size() + 1);
        w2 = std::max(w2, col["target"].get<std::string>().size() + col["target_type"].get<std::string>().size() + 1);
      }
      for (const auto& col : (*t)["columns"]) {
        std::string left = col["source"].get<std::string>() + " " + col["source_type"].get<std::string>();
        std::string right = col["target"].get<std::string>() + " " + col["target_type"].get<std::string>();
        std::string outcome = col["outcome"].get<std::string>();
        std::string mark = col["generated"].get<bool>() ? " (generated: never written)" : "";
        lines.push_back("        " + Pad(left, w1) + " → " + Pad(right, w2) + "  " + outcome + mark);
      }
      if (!lines.empty()) {
        out += "      " + color(kDim, "-- columns") + "\n";
        for (const auto& l : lines) out += l + "\n";
      }
      for (const auto& d : (*t)["dropped_columns"]) out += "        " + d.get<std::string>() + "  (dropped by the plan)\n";
      if (!(*t)["where"].get<std::string>().empty()) {
        out += "      rows where " + (*t)["where"].get<std::string>() + "\n";
      }
      for (const auto& f : (*t)["findings"]) {
        bool err = f["severity"] == "error";
        out += "      " + color(err ? "\033[31m" : kYellow, err ? "error: " : "warning: ") +
               f["subject"].get<std::string>() + ": " + f["message"].get<std::string>() + "\n";
        if (!f["help"].get<std::string>().empty()) out += "        help: " + f["help"].get<std::string>() + "\n";
        if (!f["rule"].get<std::string>().empty()) out += "        rule: " + f["rule"].get<std::string>() + "\n";
      }
    }
  }
  for (const auto& v : j["views"]) {
    if (v["migrated"].get<bool>() && v["findings"].empty()) continue;
    out += "\n  " + color(kYellow, "! view " + v["target"].get<std::string>()) + "  ← " +
           v["source"].get<std::string>() + "\n";
    for (const auto& f : v["findings"]) {
      out += "      warning: " + f["message"].get<std::string>() + "\n";
      if (!f["help"].get<std::string>().empty()) out += "        help: " + f["help"].get<std::string>() + "\n";
    }
  }

  out += "\nTasks (" + std::to_string(j["tasks"].size()) + "):\n";
  size_t width = 0;
  for (const auto& t : j["tasks"]) width = std::max(width, t["id"].get<std::string>().size());
  for (const auto& t : j["tasks"]) {
    std::string deps;
    for (const auto& d : t["deps"]) deps += (deps.empty() ? "" : ", ") + d.get<std::string>();
    std::string line = "  " + Pad(t["id"].get<std::string>(), width);
    if (t.contains("chunk_estimate")) {
      line += "  " + Plural(t["chunk_estimate"].get<int64_t>(), "chunk");
    }
    if (!deps.empty()) line += "  after " + deps;
    out += line + "\n";
  }

  const Json& s = j["summary"];
  out += "\n" + color(kBold, "Plan: " + std::to_string(s["to_add"].get<int>()) + " to add, " +
                                 std::to_string(s["to_change"].get<int>()) + " to change, 0 to destroy.") +
         " " + Plural(s["warnings"].get<int64_t>(), "warning") + ", " + Plural(s["errors"].get<int64_t>(), "error") +
         "; ~" + WithThousands(s["rows_estimate"].get<int64_t>()) + " rows in " +
         Plural(s["chunks_estimate"].get<int64_t>(), "chunk") + ".\n";
  return out;
}

std::string RenderPlanMarkdown(const Json& j) {
  std::string out;
  const Json& s = j["summary"];
  out += "### Sluice plan `" + j["name"].get<std::string>() + "`: " + j["source"]["dialect"].get<std::string>() +
         " → " + j["target"]["dialect"].get<std::string>() + "\n\n";
  out += "**" + std::to_string(s["to_add"].get<int>()) + " to add, " + std::to_string(s["to_change"].get<int>()) +
         " to change, 0 to destroy** · " + Plural(s["warnings"].get<int64_t>(), "warning") + " · " +
         Plural(s["errors"].get<int64_t>(), "error") + " · ~" + WithThousands(s["rows_estimate"].get<int64_t>()) +
         " rows\n\n";
  if (!j["target_inspected"].get<bool>()) out += "> The target was not inspected (offline plan): every object is shown as new.\n\n";
  out += "| | object | from | rows | key |\n|---|---|---|---|---|\n";
  std::map<std::string, const Json*> table_by_target;
  for (const auto& t : j["tables"]) table_by_target[t["target"].get<std::string>()] = &t;
  for (const auto& ch : j["changes"]) {
    const Json* t = ch["kind"] == "table" ? table_by_target[ch["name"].get<std::string>()] : nullptr;
    std::string rows = t && !(*t)["row_estimate"].is_null() ? WithThousands((*t)["row_estimate"].get<int64_t>()) : "";
    std::string key = t ? (*t)["key"]["kind"].get<std::string>() : "";
    out += "| `" + ch["symbol"].get<std::string>() + "` | " + ch["kind"].get<std::string>() + " `" +
           ch["name"].get<std::string>() + "` | " +
           (ch["source"].get<std::string>().empty() ? "" : "`" + ch["source"].get<std::string>() + "`") + " | " + rows +
           " | " + key + " |\n";
  }
  bool any_findings = false;
  for (const auto& t : j["tables"]) any_findings = any_findings || !t["findings"].empty();
  for (const auto& v : j["views"]) any_findings = any_findings || !v["findings"].empty();
  if (any_findings) {
    out += "\n#### Warnings and errors\n\n";
    auto list = [&](const Json& obj) {
      if (obj["findings"].empty()) return;
      out += "- `" + obj["target"].get<std::string>() + "`\n";
      for (const auto& f : obj["findings"]) {
        out += "  - **" + f["severity"].get<std::string>() + "** " + f["subject"].get<std::string>() + ": " +
               f["message"].get<std::string>() + (f["help"].get<std::string>().empty() ? "" : " — " + f["help"].get<std::string>()) + "\n";
      }
    };
    for (const auto& t : j["tables"]) list(t);
    for (const auto& v : j["views"]) list(v);
  }
  out += "\n<details><summary>DDL</summary>\n\n```sql\n";
  for (const auto& ch : j["changes"]) {
    for (const char* part : {"schema", "after_copy", "at_switchover"}) {
      for (const auto& stmt : ch["sql"][part]) out += stmt.get<std::string>() + ";\n";
    }
  }
  out += "```\n\n</details>\n\n<details><summary>Tasks (" + std::to_string(j["tasks"].size()) + ")</summary>\n\n";
  for (const auto& t : j["tasks"]) {
    std::string deps;
    for (const auto& d : t["deps"]) deps += (deps.empty() ? "" : ", ") + ("`" + d.get<std::string>() + "`");
    out += "- `" + t["id"].get<std::string>() + "`" + (deps.empty() ? "" : " after " + deps) + "\n";
  }
  out += "\n</details>\n";
  return out;
}

std::string RenderGraphDot(const Json& j) {
  auto q = [](const std::string& s) {
    std::string o = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') o += '\\';
      o += c;
    }
    return o + "\"";
  };
  std::string out = "digraph " + q(j["name"].get<std::string>()) + " {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n";
  for (const auto& t : j["tasks"]) out += "  " + q(t["id"].get<std::string>()) + ";\n";
  for (const auto& t : j["tasks"]) {
    for (const auto& d : t["deps"]) out += "  " + q(d.get<std::string>()) + " -> " + q(t["id"].get<std::string>()) + ";\n";
  }
  return out + "}\n";
}

std::string RenderGraphMermaid(const Json& j) {
  // Mermaid node ids must be simple: number the tasks, label them with ids.
  std::map<std::string, std::string> node;
  std::string out = "flowchart LR\n";
  int n = 0;
  for (const auto& t : j["tasks"]) {
    std::string id = t["id"].get<std::string>();
    node[id] = "t" + std::to_string(n++);
    std::string label;
    for (char c : id) label += c == '"' ? '\'' : c;
    out += "  " + node[id] + "[\"" + label + "\"]\n";
  }
  for (const auto& t : j["tasks"]) {
    for (const auto& d : t["deps"]) out += "  " + node[d.get<std::string>()] + " --> " + node[t["id"].get<std::string>()] + "\n";
  }
  return out;
}

}  // namespace sluice

namespace sluice {

std::vector<std::string> DescribeSchemaChanges(const Catalog& planned, const Catalog& current) {
  std::vector<std::string> out;
  auto tables = [](const Catalog& c) {
    std::map<std::string, const Table*> m;
    for (const auto& s : c.schemas) {
      for (const auto& t : s.tables) m[s.name + "." + t.name] = &t;
    }
    return m;
  };
  auto a = tables(planned), b = tables(current);
  for (const auto& [name, t] : a) {
    auto it = b.find(name);
    if (it == b.end()) {
      out.push_back("table " + name + " no longer exists");
      continue;
    }
    const Table& u = *it->second;
    for (const auto& c : t->columns) {
      const Column* d = u.FindColumn(c.name);
      if (d == nullptr) out.push_back("table " + name + ": column " + c.name + " was dropped");
      else if (d->type_raw != c.type_raw) out.push_back("table " + name + ": column " + c.name + ": type " + c.type_raw + " -> " + d->type_raw);
      else if (d->nullable != c.nullable) out.push_back("table " + name + ": column " + c.name + (d->nullable ? " now allows NULL" : " is now NOT NULL"));
      else if (!(d->default_value == c.default_value)) out.push_back("table " + name + ": column " + c.name + ": default changed");
    }
    for (const auto& d : u.columns) {
      if (t->FindColumn(d.name) == nullptr) out.push_back("table " + name + ": column " + d.name + " was added");
    }
    if (!(t->primary_key == u.primary_key)) out.push_back("table " + name + ": primary key changed");
    if (!(t->indexes == u.indexes)) out.push_back("table " + name + ": indexes changed");
    if (!(t->foreign_keys == u.foreign_keys)) out.push_back("table " + name + ": foreign keys changed");
    if (!(t->checks == u.checks)) out.push_back("table " + name + ": CHECK constraints changed");
  }
  if (out.empty()) out.push_back("the schema differs in details (types, views or options)");
  return out;
}

}  // namespace sluice
