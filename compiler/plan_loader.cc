// Plan loading: YAML tree -> typed Plan, collecting every problem.
//
// The loader walks the tree with a MapView per YAML mapping. Each known key is
// asked for by name (which records it as known, present or not); when the
// walk of a mapping is done, every key nobody asked for is reported as
// unknown with a did-you-mean among the known ones. Values are converted by
// small typed readers that report "expected X, found Y" at the value's
// location. Cross-field rules (step combinations, capture settings that need
// a given dialect, colliding renames) run after the walk, on the typed Plan.

#include "compiler/plan_loader.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "common/text.h"
#include "compiler/units.h"
#include "compiler/yaml_tree.h"

namespace sluice {

namespace {

struct Context {
  DiagnosticSink& diags;
  const LoadOptions& opts;
};

std::string Describe(const YamlNodePtr& n) {
  if (!n || n->IsNull()) return "nothing (null)";
  if (n->IsMap()) return "a mapping";
  if (n->IsSequence()) return "a list";
  return "'" + Shorten(SanitizeForDisplay(n->value), 40) + "'";
}

// A YAML mapping being read; see the file comment.
class MapView {
 public:
  MapView(Context& ctx, const YamlNodePtr& node, std::string path)
      : ctx_(ctx), node_(node), path_(std::move(path)) {
    if (node_ && node_->IsNull()) node_ = nullptr;  // "full:" alone means all defaults
    if (node_ && !node_->IsMap()) {
      ctx_.diags.Error(node_->loc,
                       "'" + path_ + "' must be a mapping of keys to values, found " +
                           Describe(node_));
      node_ = nullptr;
    }
  }

  bool present() const { return node_ != nullptr; }
  const SourceLoc& loc() const { return node_->loc; }
  const std::string& path() const { return path_; }
  std::string Child(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }

  // The value of `key`, or nullptr when absent. A YAML null value is
  // returned as a null node (the readers decide what it means), except for a
  // required key, where it is reported as empty.
  YamlNodePtr Get(const std::string& key, bool required = false) {
    known_.push_back(key);
    if (ctx_.opts.known_keys) ctx_.opts.known_keys->insert(DocPath(Child(key)));
    if (!node_) return nullptr;
    for (const auto& [k, v] : node_->entries) {
      if (k->value == key) {
        if (v->IsNull() && required) {
          ctx_.diags.Error(v->loc, "'" + Child(key) + "' is empty",
                           "give it a value; see docs/plan-language.md");
          return nullptr;
        }
        return v;
      }
    }
    if (required) {
      ctx_.diags.Error(node_->loc,
                       "missing required key '" + key + "'" +
                           (path_.empty() ? "" : " in '" + path_ + "'"),
                       help_for_missing(key));
    }
    return nullptr;
  }

  SourceLoc KeyLoc(const std::string& key) const {
    if (node_) {
      for (const auto& [k, v] : node_->entries) {
        if (k->value == key) return k->loc;
      }
    }
    return node_ ? node_->loc : SourceLoc{};
  }

  // Reports every key that was not asked for.
  void Finish() {
    if (!node_) return;
    for (const auto& [k, v] : node_->entries) {
      if (std::find(known_.begin(), known_.end(), k->value) != known_.end()) continue;
      std::string shown = Shorten(SanitizeForDisplay(k->value), 60);
      auto& d = ctx_.diags.Error(
          k->loc, "unknown key '" + shown + "'" + (path_.empty() ? "" : " in '" + path_ + "'"),
          DidYouMean(k->value, known_));
      d.notes.push_back({SourceLoc{}, "valid keys here: " + Join(known_, ", ")});
    }
  }

  std::function<std::string(const std::string&)> help_for_missing = [](const std::string&) {
    return std::string();
  };

 private:
  // "objects[3].from" -> "objects[].from": the documented shape of the path.
  static std::string DocPath(const std::string& path) {
    std::string out;
    for (size_t i = 0; i < path.size(); ++i) {
      if (path[i] == '[') {
        size_t close = path.find(']', i);
        out += "[]";
        i = close;
      } else {
        out += path[i];
      }
    }
    return out;
  }

  Context& ctx_;
  YamlNodePtr node_;
  std::string path_;
  std::vector<std::string> known_;
};

// ---- scalar readers ----------------------------------------------------------

// A string value with ${env:NAME} expanded. Unset variables: a warning in
// validate, an error when values are required.
// An explicit null where a value is expected.
bool RejectNull(Context& ctx, const YamlNodePtr& n, const std::string& path) {
  if (!n->IsNull()) return false;
  ctx.diags.Error(n->loc, "'" + path + "' is empty", "give it a value, or remove the key");
  return true;
}

std::optional<Located<std::string>> ReadString(Context& ctx, const YamlNodePtr& n,
                                               const std::string& path) {
  if (!n || RejectNull(ctx, n, path)) return std::nullopt;
  if (!n->IsScalar()) {
    ctx.diags.Error(n->loc, "expected a string for '" + path + "', found " + Describe(n));
    return std::nullopt;
  }
  Interpolation in = Interpolate(n->value, ctx.opts.env);
  uint32_t shift = n->quoted ? 1 : 0;
  if (!in.ok) {
    ctx.diags.Error(n->loc.Shifted(static_cast<uint32_t>(in.error_offset) + shift,
                                   static_cast<uint32_t>(in.error_length)),
                    in.error + " in '" + path + "'", in.help);
    return std::nullopt;
  }
  for (const auto& ref : in.refs) {
    if (ref.set) continue;
    SourceLoc at = n->loc.Shifted(static_cast<uint32_t>(ref.offset) + shift,
                                  static_cast<uint32_t>(ref.length));
    std::string msg = "environment variable '" + ref.name + "' is not set (used by '" + path + "')";
    std::string help = "export " + ref.name + " before running sluice";
    if (ctx.opts.require_env) ctx.diags.Error(at, msg, help);
    else ctx.diags.Warning(at, msg, help + "; 'validate' goes on without it");
  }
  return Located<std::string>{in.value, n->loc};
}

// A string that must not be empty.
std::optional<Located<std::string>> ReadName(Context& ctx, const YamlNodePtr& n,
                                             const std::string& path) {
  auto s = ReadString(ctx, n, path);
  if (s && s->value.empty()) {
    ctx.diags.Error(n->loc, "'" + path + "' must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<Located<int64_t>> ReadInt(Context& ctx, const YamlNodePtr& n,
                                        const std::string& path, int64_t min, int64_t max) {
  if (!n || RejectNull(ctx, n, path)) return std::nullopt;
  bool digits = n->IsScalar() && !n->value.empty() && n->value.size() <= 18;
  if (digits) {
    size_t start = (n->value[0] == '-' || n->value[0] == '+') ? 1 : 0;
    digits = start < n->value.size();
    for (size_t i = start; i < n->value.size(); ++i) {
      digits = digits && std::isdigit(static_cast<unsigned char>(n->value[i]));
    }
  }
  if (!digits || n->quoted) {
    std::string help;
    if (digits && n->quoted) help = "remove the quotes: numbers are written bare";
    else if (n->IsScalar() && n->value.find('_') != std::string::npos) help = "write the number without '_' separators";
    ctx.diags.Error(n->loc, "expected a whole number for '" + path + "', found " + Describe(n), help);
    return std::nullopt;
  }
  int64_t v = std::stoll(n->value);
  if (v < min || v > max) {
    ctx.diags.Error(n->loc,
                    "'" + path + "' must be from " + std::to_string(min) + " to " +
                        std::to_string(max) + ", found " + n->value);
    return std::nullopt;
  }
  return Located<int64_t>{v, n->loc};
}

template <typename E>
std::optional<Located<E>> ReadEnum(Context& ctx, const YamlNodePtr& n, const std::string& path,
                                   const std::vector<std::pair<std::string, E>>& choices) {
  if (n && n->IsNull()) {
    // `zero_date: null` means the choice "null", not "absent".
    for (const auto& [name, value] : choices) {
      if (name == "null") return Located<E>{value, n->loc};
    }
  }
  auto s = ReadString(ctx, n, path);
  if (!s) return std::nullopt;
  std::vector<std::string> names;
  for (const auto& [name, value] : choices) {
    if (s->value == name) return Located<E>{value, n->loc};
    names.push_back(name);
  }
  std::string dym = DidYouMean(s->value, names);
  ctx.diags.Error(n->loc, "unknown value " + Describe(n) + " for '" + path + "'",
                  dym.empty() ? "expected " + QuotedList(names) : dym);
  return std::nullopt;
}

std::optional<Located<uint64_t>> ReadUnits(Context& ctx, const YamlNodePtr& n,
                                           const std::string& path,
                                           UnitParse (*parse)(std::string_view)) {
  if (!n || RejectNull(ctx, n, path)) return std::nullopt;
  if (!n->IsScalar()) {
    ctx.diags.Error(n->loc, "expected a value with a unit for '" + path + "', found " + Describe(n));
    return std::nullopt;
  }
  UnitParse u = parse(n->value);
  if (!u.ok) {
    ctx.diags.Error(n->loc, u.error + " for '" + path + "'", u.help);
    return std::nullopt;
  }
  return Located<uint64_t>{u.value, n->loc};
}

// A list of strings; a single string is accepted as a list of one.
std::vector<Located<std::string>> ReadStringList(Context& ctx, const YamlNodePtr& n,
                                                 const std::string& path) {
  std::vector<Located<std::string>> out;
  if (!n || n->IsNull()) return out;
  if (n->IsScalar()) {
    if (auto s = ReadName(ctx, n, path)) out.push_back(*s);
    return out;
  }
  if (!n->IsSequence()) {
    ctx.diags.Error(n->loc, "expected a list of strings for '" + path + "', found " + Describe(n));
    return out;
  }
  for (size_t i = 0; i < n->items.size(); ++i) {
    if (auto s = ReadName(ctx, n->items[i], path + "[" + std::to_string(i + 1) + "]")) {
      out.push_back(*s);
    }
  }
  return out;
}

std::optional<Located<NameGlob>> ReadGlob(Context& ctx, const Located<std::string>& s,
                                          const YamlNodePtr& n, const std::string& path,
                                          size_t parts) {
  NameGlobParse g = ParseNameGlob(s.value, parts);
  if (!g.ok) {
    uint32_t shift = n->quoted ? 1 : 0;
    ctx.diags.Error(n->loc.Shifted(static_cast<uint32_t>(g.offset) + shift,
                                   static_cast<uint32_t>(g.length)),
                    g.error + " in '" + path + "'", g.help);
    return std::nullopt;
  }
  return Located<NameGlob>{g.glob, s.loc};
}

void CheckExpression(Context& ctx, const YamlNodePtr& n, const Located<std::string>& expr,
                     const std::string& path, Dialect dialect) {
  if (!ctx.opts.check_expression) return;
  uint32_t shift = n->quoted ? 1 : 0;
  for (const auto& p : ctx.opts.check_expression(expr.value, dialect)) {
    ctx.diags.Error(n->loc.Shifted(static_cast<uint32_t>(p.offset) + shift,
                                   static_cast<uint32_t>(p.length)),
                    p.message + " in '" + path + "'", p.help);
  }
}

// ---- sections ----------------------------------------------------------------

bool ValidPlanName(const std::string& s) {
  if (s.empty() || s.size() > 64 || s == "." || s == "..") return false;
  if (!std::isalnum(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

uint16_t DefaultPort(Dialect d) {
  switch (d) {
    case Dialect::kMySQL:
    case Dialect::kMariaDB: return 3306;
    case Dialect::kOceanBase: return 2881;
    case Dialect::kTiDB: return 4000;
    case Dialect::kPostgreSQL: return 5432;
  }
  return 0;
}

void ReadCapture(Context& ctx, MapView& parent, Endpoint& ep) {
  YamlNodePtr node = parent.Get("capture");
  MapView m(ctx, node, parent.Child("capture"));
  if (m.present()) ep.capture.loc = m.loc();
  if (auto v = ReadInt(ctx, m.Get("server_id"), m.Child("server_id"), 1, 4294967295LL)) {
    ep.capture.server_id = static_cast<uint32_t>(v->value);
  }
  if (auto v = ReadName(ctx, m.Get("slot"), m.Child("slot"))) ep.capture.slot = v->value;
  if (auto v = ReadName(ctx, m.Get("publication"), m.Child("publication"))) {
    ep.capture.publication = v->value;
  }
  if (auto v = ReadName(ctx, m.Get("kafka_brokers"), m.Child("kafka_brokers"))) {
    ep.capture.kafka_brokers = v->value;
  }
  if (auto v = ReadName(ctx, m.Get("kafka_topic"), m.Child("kafka_topic"))) {
    ep.capture.kafka_topic = v->value;
  }
  m.Finish();
}

void ReadPassword(Context& ctx, MapView& m, Endpoint& ep) {
  YamlNodePtr pw = m.Get("password");
  YamlNodePtr pw_file = m.Get("password_file");
  if (pw && RejectNull(ctx, pw, m.Child("password"))) pw = nullptr;
  if (pw && pw_file) {
    ctx.diags.Error(pw_file->loc,
                    "'" + m.Child("password") + "' and '" + m.Child("password_file") +
                        "' are both given",
                    "keep one of them");
  }
  if (pw) {
    if (!pw->IsScalar()) {
      ctx.diags.Error(pw->loc, "expected ${env:NAME} for '" + m.Child("password") + "', found " +
                                   Describe(pw));
      return;
    }
    Interpolation in = Interpolate(pw->value, ctx.opts.env);
    if (!in.ok || !in.IsSingleReference(pw->value)) {
      // A literal secret in the file: refuse it, and never show it.
      ctx.diags.AddSecret(pw->value);
      ctx.diags.Error(pw->loc, "a password must not be written in the plan ('" +
                                   m.Child("password") + "')",
                      "use 'password: ${env:NAME}' or 'password_file: PATH', and remove the "
                      "password from the file's history");
      return;
    }
    const EnvReference& ref = in.refs[0];
    ep.password = SecretRef{SecretRef::Kind::kEnv, ref.name, pw->loc};
    if (ref.set) {
      ctx.diags.AddSecret(in.value);
    } else {
      std::string msg = "environment variable '" + ref.name + "' is not set (used by '" +
                        m.Child("password") + "')";
      std::string help = "export " + ref.name + " before running sluice";
      if (ctx.opts.require_env) ctx.diags.Error(pw->loc, msg, help);
      else ctx.diags.Warning(pw->loc, msg, help + "; 'validate' goes on without it");
    }
  }
  if (pw_file) {
    if (auto path = ReadName(ctx, pw_file, m.Child("password_file"))) {
      ep.password = SecretRef{SecretRef::Kind::kFile, path->value, pw_file->loc};
    }
  }
}

void ReadEndpoint(Context& ctx, MapView& top, const std::string& key, Endpoint& ep) {
  YamlNodePtr node = top.Get(key, /*required=*/true);
  MapView m(ctx, node, key);
  if (!m.present()) return;
  ep.loc = m.loc();
  m.help_for_missing = [](const std::string& k) -> std::string {
    if (k == "dialect") return "add 'dialect: mysql' (or mariadb, oceanbase, tidb, postgresql)";
    if (k == "dsn") return "add e.g. 'dsn: mysql://user@127.0.0.1:3306/shop'";
    return "";
  };
  static const std::vector<std::pair<std::string, Dialect>> kDialects = {
      {"mysql", Dialect::kMySQL},         {"mariadb", Dialect::kMariaDB},
      {"oceanbase", Dialect::kOceanBase}, {"tidb", Dialect::kTiDB},
      {"postgresql", Dialect::kPostgreSQL}};
  YamlNodePtr dialect_node = m.Get("dialect", true);
  auto dialect = ReadEnum(ctx, dialect_node, m.Child("dialect"), kDialects);
  if (dialect) ep.dialect = *dialect;
  if (auto v = ReadName(ctx, m.Get("version"), m.Child("version"))) ep.version = *v;

  YamlNodePtr dsn_node = m.Get("dsn", true);
  auto dsn_text = ReadName(ctx, dsn_node, m.Child("dsn"));
  // A DSN with an unset ${env:…} part is incomplete; its problem is already reported.
  bool dsn_complete = dsn_text && Interpolate(dsn_node->value, ctx.opts.env).AllSet();
  if (dsn_complete) {
    const auto& s = dsn_text;
    DsnParse p = ParseDsn(s->value);
    if (!p.password.empty()) {
      ctx.diags.AddSecret(p.password);
      ctx.diags.Error(dsn_node->loc, "'" + m.Child("dsn") + "' contains a password",
                      "remove it from the DSN and use 'password: ${env:NAME}'");
    } else if (!p.ok) {
      uint32_t shift = dsn_node->quoted ? 1 : 0;
      ctx.diags.Error(dsn_node->loc.Shifted(static_cast<uint32_t>(p.error_offset) + shift,
                                            static_cast<uint32_t>(p.error_length)),
                      p.error + " in '" + m.Child("dsn") + "'",
                      "a DSN looks like mysql://user@127.0.0.1:3306/shop or "
                      "postgresql://user@127.0.0.1:5432/shop");
    } else {
      if (dialect) {
        bool pg_scheme = p.dsn.IsPostgres();
        bool pg_dialect = dialect->value == Dialect::kPostgreSQL;
        bool scheme_ok = pg_dialect ? pg_scheme
                                    : (p.dsn.scheme == "mysql" ||
                                       p.dsn.scheme == DialectName(dialect->value));
        if (!scheme_ok) {
          ctx.diags.Error(dsn_node->loc,
                          "DSN scheme '" + p.dsn.scheme + "' does not fit dialect '" +
                              DialectName(dialect->value) + "'",
                          pg_dialect ? "use postgresql://…"
                                     : "use mysql://… (or " +
                                           std::string(DialectName(dialect->value)) + "://…)");
        }
        if (p.dsn.port == 0) p.dsn.port = DefaultPort(dialect->value);
        if (pg_dialect && p.dsn.database.empty()) {
          ctx.diags.Error(dsn_node->loc, "the PostgreSQL DSN in '" + m.Child("dsn") +
                                             "' names no database",
                          "add it after the host: postgresql://user@host:5432/shop");
        }
      }
      if (p.dsn.user.empty()) {
        ctx.diags.Error(dsn_node->loc, "the DSN in '" + m.Child("dsn") + "' names no user",
                        "add it before the host: mysql://migrator@host:3306/shop");
      }
      ep.dsn = Located<Dsn>{p.dsn, dsn_node->loc};
    }
  }
  ReadPassword(ctx, m, ep);
  ReadCapture(ctx, m, ep);
  m.Finish();
}

void ReadSteps(Context& ctx, MapView& top, Plan& plan) {
  YamlNodePtr n = top.Get("steps", true);
  if (!n) return;
  if (!n->IsSequence()) {
    ctx.diags.Error(n->loc, "expected a list of steps for 'steps', found " + Describe(n),
                    "e.g. 'steps: [schema, full, incremental, verify]'");
    return;
  }
  if (n->items.empty()) {
    ctx.diags.Error(n->loc, "'steps' is empty", "list at least one of " + QuotedList(StepNames()));
    return;
  }
  std::map<Step, SourceLoc> seen;
  for (const auto& item : n->items) {
    auto s = ReadString(ctx, item, "steps");
    if (!s) continue;
    auto step = ParseStep(s->value);
    if (!step) {
      std::string dym = DidYouMean(s->value, StepNames());
      ctx.diags.Error(item->loc, "unknown step '" + Shorten(SanitizeForDisplay(s->value), 40) + "'",
                      dym.empty() ? "steps are " + QuotedList(StepNames()) : dym);
      continue;
    }
    auto [it, inserted] = seen.emplace(*step, item->loc);
    if (!inserted) {
      ctx.diags.Error(item->loc, "step '" + s->value + "' is listed twice")
          .notes.push_back({it->second, "first listed here"});
      continue;
    }
    plan.steps.push_back(Located<Step>{*step, item->loc});
  }
  auto order = [](const Located<Step>& a, const Located<Step>& b) { return a.value < b.value; };
  if (!std::is_sorted(plan.steps.begin(), plan.steps.end(), order)) {
    std::vector<std::string> names;
    std::vector<Located<Step>> sorted = plan.steps;
    std::sort(sorted.begin(), sorted.end(), order);
    for (const auto& s : sorted) names.push_back(StepName(s.value));
    ctx.diags.Warning(n->loc, "steps always run in the order " + Join(names, ", "),
                      "list them in that order to avoid surprises");
    plan.steps = sorted;
  }
}

void ReadColumns(Context& ctx, MapView& parent, ObjectRule& rule) {
  MapView m(ctx, parent.Get("columns"), parent.Child("columns"));
  YamlNodePtr rename = m.Get("rename");
  if (rename && !rename->IsNull()) {
    if (!rename->IsMap()) {
      ctx.diags.Error(rename->loc, "expected a mapping old_name: new_name for '" +
                                       m.Child("rename") + "', found " + Describe(rename));
    } else {
      for (const auto& [k, v] : rename->entries) {
        auto from = ReadName(ctx, k, m.Child("rename"));
        auto to = ReadName(ctx, v, m.Child("rename") + "." + k->value);
        if (from && to) rule.columns.rename.emplace_back(*from, *to);
      }
    }
  }
  rule.columns.drop = ReadStringList(ctx, m.Get("drop"), m.Child("drop"));
  m.Finish();

  // Renames that collide, and renames of dropped columns.
  std::map<std::string, SourceLoc> targets;
  for (const auto& [from, to] : rule.columns.rename) {
    auto [it, inserted] = targets.emplace(to.value, to.loc);
    if (!inserted) {
      ctx.diags.Error(to.loc, "two columns are renamed to '" + to.value + "'")
          .notes.push_back({it->second, "also renamed to it here"});
    }
    if (from.value == to.value) {
      ctx.diags.Warning(to.loc, "column '" + from.value + "' is renamed to itself");
    }
    for (const auto& d : rule.columns.drop) {
      if (d.value == from.value) {
        ctx.diags.Error(from.loc, "column '" + from.value + "' is both renamed and dropped")
            .notes.push_back({d.loc, "dropped here"});
      }
    }
  }
  for (const auto& d : rule.columns.drop) {
    if (targets.count(d.value)) {
      ctx.diags.Error(d.loc, "column '" + d.value + "' is dropped but another column is renamed to it");
    }
  }
}

void ReadObjects(Context& ctx, MapView& top, Plan& plan, std::optional<Dialect> source_dialect) {
  YamlNodePtr n = top.Get("objects", true);
  if (!n) return;
  if (!n->IsSequence() || n->items.empty()) {
    ctx.diags.Error(n->loc, "expected a list of object rules for 'objects', found " + Describe(n),
                    "e.g. 'objects: [{from: shop.*}]'");
    return;
  }
  for (size_t i = 0; i < n->items.size(); ++i) {
    std::string path = "objects[" + std::to_string(i + 1) + "]";
    YamlNodePtr item = n->items[i];
    ObjectRule rule;
    if (item->IsScalar()) {
      // Shorthand: "- shop.*" means "- from: shop.*".
      if (auto s = ReadName(ctx, item, path)) {
        if (auto g = ReadGlob(ctx, *s, item, path, 2)) rule.from = *g;
      }
      rule.loc = item->loc;
      rule.to = Located<NameTemplate>{ParseNameTemplate("{schema}.{table}").tmpl, {}};
      if (!rule.from.value.parts.empty()) plan.objects.push_back(rule);
      continue;
    }
    MapView m(ctx, item, path);
    if (!m.present()) continue;
    rule.loc = m.loc();
    m.help_for_missing = [](const std::string& k) -> std::string {
      return k == "from" ? "add 'from: schema.table' (globs allowed: 'shop.*')" : "";
    };
    bool ok = true;
    YamlNodePtr from_node = m.Get("from", true);
    if (auto s = ReadName(ctx, from_node, m.Child("from"))) {
      if (auto g = ReadGlob(ctx, *s, from_node, m.Child("from"), 2)) rule.from = *g;
      else ok = false;
    } else {
      ok = false;
    }
    YamlNodePtr ex = m.Get("exclude");
    auto excludes = ReadStringList(ctx, ex, m.Child("exclude"));
    for (size_t k = 0; k < excludes.size(); ++k) {
      YamlNodePtr en = ex->IsSequence() ? ex->items[k] : ex;
      if (auto g = ReadGlob(ctx, excludes[k], en, m.Child("exclude"), 2)) rule.exclude.push_back(*g);
    }
    YamlNodePtr to_node = m.Get("to");
    if (auto s = ReadName(ctx, to_node, m.Child("to"))) {
      NameTemplateParse t = ParseNameTemplate(s->value);
      if (!t.ok) {
        uint32_t shift = to_node->quoted ? 1 : 0;
        ctx.diags.Error(to_node->loc.Shifted(static_cast<uint32_t>(t.offset) + shift,
                                             static_cast<uint32_t>(t.length)),
                        t.error + " in '" + m.Child("to") + "'", t.help);
        ok = false;
      } else {
        rule.to = Located<NameTemplate>{t.tmpl, s->loc};
      }
    } else {
      rule.to = Located<NameTemplate>{ParseNameTemplate("{schema}.{table}").tmpl, {}};
    }
    ReadColumns(ctx, m, rule);
    YamlNodePtr where_node = m.Get("where");
    if (auto w = ReadName(ctx, where_node, m.Child("where"))) {
      rule.where = *w;
      if (source_dialect) CheckExpression(ctx, where_node, *w, m.Child("where"), *source_dialect);
    }
    rule.key = ReadStringList(ctx, m.Get("key"), m.Child("key"));
    m.Finish();

    // Many tables into one name: only when the pattern can match several.
    if (ok && !rule.from.value.literal) {
      const auto& parts = rule.from.value.parts;
      bool many_schemas = parts[0].find_first_of("*?[") != std::string::npos;
      bool many_tables = parts[1].find_first_of("*?[") != std::string::npos;
      const NameTemplate& to = rule.to.value;
      if ((many_tables && !to.uses_table) || (many_schemas && !to.uses_schema && !to.uses_table)) {
        ctx.diags.Error(rule.to.loc.valid() ? rule.to.loc : rule.from.loc,
                        "'" + path + "' maps every table matching '" + rule.from.value.text +
                            "' to the single name '" + to.text + "'",
                        "use {table} in 'to' (e.g. 'shop.{table}'); merging tables is not supported");
        ok = false;
      } else if (many_schemas && !to.uses_schema) {
        ctx.diags.Warning(rule.to.loc.valid() ? rule.to.loc : rule.from.loc,
                          "tables of the same name in different schemas matching '" +
                              rule.from.value.text + "' would collide in '" + to.text + "'",
                          "use {schema} in 'to', or name one schema in 'from'");
      }
    }
    if (ok) plan.objects.push_back(std::move(rule));
  }

  // Two rules for the same literal source table, or to the same literal target.
  std::map<std::string, SourceLoc> froms, tos;
  for (const auto& r : plan.objects) {
    if (r.from.value.literal) {
      auto [it, inserted] = froms.emplace(r.from.value.text, r.from.loc);
      if (!inserted) {
        ctx.diags.Error(r.from.loc, "table '" + r.from.value.text + "' has two object rules")
            .notes.push_back({it->second, "first rule here"});
      }
    }
    if (!r.to.value.uses_schema && !r.to.value.uses_table && r.to.loc.valid()) {
      auto [it, inserted] = tos.emplace(r.to.value.text, r.to.loc);
      if (!inserted) {
        ctx.diags.Error(r.to.loc, "two object rules write to '" + r.to.value.text + "'",
                        "rename one of the targets")
            .notes.push_back({it->second, "also written here"});
      }
    }
  }
}

void ReadTypes(Context& ctx, MapView& top, Plan& plan) {
  YamlNodePtr n = top.Get("types");
  if (!n || n->IsNull()) return;
  if (!n->IsSequence()) {
    ctx.diags.Error(n->loc, "expected a list of type rules for 'types', found " + Describe(n),
                    "e.g. 'types: [{match: {type: jsonb}, to: json}]'");
    return;
  }
  for (size_t i = 0; i < n->items.size(); ++i) {
    std::string path = "types[" + std::to_string(i + 1) + "]";
    MapView m(ctx, n->items[i], path);
    if (!m.present()) continue;
    TypeRule rule;
    rule.loc = m.loc();
    m.help_for_missing = [](const std::string& k) -> std::string {
      if (k == "match") return "add 'match: {type: jsonb}' or 'match: {column: schema.table.column}'";
      if (k == "to") return "add the target type, e.g. 'to: json'";
      return "";
    };
    bool ok = true;
    YamlNodePtr match = m.Get("match", true);
    MapView mm(ctx, match, m.Child("match"));
    if (auto t = ReadName(ctx, mm.Get("type"), mm.Child("type"))) rule.match_type = *t;
    YamlNodePtr col = mm.Get("column");
    if (auto c = ReadName(ctx, col, mm.Child("column"))) {
      if (auto g = ReadGlob(ctx, *c, col, mm.Child("column"), 3)) rule.match_column = *g;
      else ok = false;
    }
    mm.Finish();
    if (mm.present() && rule.match_type.value.empty() && !rule.match_column && ok) {
      ctx.diags.Error(mm.loc(), "'" + mm.path() + "' matches nothing",
                      "give 'type: NAME', 'column: schema.table.column', or both");
      ok = false;
    }
    if (!match) ok = false;
    if (auto t = ReadName(ctx, m.Get("to", true), m.Child("to"))) rule.to = *t;
    else ok = false;
    m.Finish();
    if (ok) plan.types.push_back(std::move(rule));
  }
}

bool ValidTimeZone(const std::string& tz) {
  if (tz == "UTC" || tz == "SYSTEM") return true;
  if (tz.size() == 6 && (tz[0] == '+' || tz[0] == '-') && tz[3] == ':') {
    auto d = [&](size_t i) { return std::isdigit(static_cast<unsigned char>(tz[i])) != 0; };
    if (!(d(1) && d(2) && d(4) && d(5))) return false;
    int h = std::stoi(tz.substr(1, 2)), mi = std::stoi(tz.substr(4, 2));
    return h <= 14 && mi < 60;
  }
  // IANA names: Area/Location, letters, digits, '_', '-', '+', '/'.
  if (tz.find('/') == std::string::npos || tz.front() == '/' || tz.back() == '/') return false;
  for (char c : tz) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '+' && c != '/') {
      return false;
    }
  }
  return true;
}

void ReadFull(Context& ctx, MapView& top, Plan& plan) {
  MapView m(ctx, top.Get("full"), "full");
  FullOptions& f = plan.full;
  if (auto v = ReadInt(ctx, m.Get("parallel"), m.Child("parallel"), 1, 64)) f.parallel = *v;
  if (auto v = ReadInt(ctx, m.Get("chunk_rows"), m.Child("chunk_rows"), 1, 10000000)) f.chunk_rows = *v;
  if (auto v = ReadEnum<BadRowPolicy>(ctx, m.Get("on_bad_row"), m.Child("on_bad_row"),
                                      {{"fail", BadRowPolicy::kFail}, {"reject", BadRowPolicy::kReject}})) {
    f.on_bad_row = *v;
  }
  if (auto v = ReadName(ctx, m.Get("reject_file"), m.Child("reject_file"))) f.reject_file = *v;
  if (auto v = ReadEnum<ZeroDatePolicy>(ctx, m.Get("zero_date"), m.Child("zero_date"),
                                        {{"fail", ZeroDatePolicy::kFail},
                                         {"null", ZeroDatePolicy::kNull},
                                         {"reject", ZeroDatePolicy::kReject}})) {
    f.zero_date = *v;
  }
  YamlNodePtr tz = m.Get("time_zone");
  if (auto v = ReadName(ctx, tz, m.Child("time_zone"))) {
    if (!ValidTimeZone(v->value)) {
      ctx.diags.Error(tz->loc, "invalid time zone " + Describe(tz) + " for 'full.time_zone'",
                      "write 'UTC', an offset such as '+08:00', or a name such as 'Asia/Shanghai'");
    } else {
      f.time_zone = *v;
    }
  }
  YamlNodePtr binlog = m.Get("target_binlog");
  if (auto v = ReadEnum<TargetBinlogPolicy>(ctx, binlog, m.Child("target_binlog"),
                                            {{"write", TargetBinlogPolicy::kWrite}, {"skip", TargetBinlogPolicy::kSkip}})) {
    f.target_binlog = *v;
    if (v->value == TargetBinlogPolicy::kSkip && plan.target.dialect.value == Dialect::kPostgreSQL) {
      ctx.diags.Warning(binlog->loc, "'full.target_binlog: skip' has no effect on a PostgreSQL target",
                        "it keeps the full copy out of a MySQL-family target's binary log");
    }
  }
  if (f.reject_file.loc.valid() && f.on_bad_row.value != BadRowPolicy::kReject &&
      f.zero_date.value != ZeroDatePolicy::kReject) {
    ctx.diags.Warning(f.reject_file.loc, "'full.reject_file' is set but nothing is rejected",
                      "set 'on_bad_row: reject' to write bad rows there");
  }
  m.Finish();
  if (m.present() && !plan.HasStep(Step::kFull) && !plan.steps.empty()) {
    ctx.diags.Warning(top.KeyLoc("full"), "'full' settings have no effect: 'full' is not in 'steps'");
  }
}

void ReadIncremental(Context& ctx, MapView& top, Plan& plan) {
  MapView m(ctx, top.Get("incremental"), "incremental");
  IncrementalOptions& o = plan.incremental;
  if (auto v = ReadInt(ctx, m.Get("batch_rows"), m.Child("batch_rows"), 1, 1000000)) o.batch_rows = *v;
  if (auto v = ReadInt(ctx, m.Get("parallel"), m.Child("parallel"), 1, 64)) o.parallel = *v;
  if (auto v = ReadEnum<DdlPolicy>(ctx, m.Get("ddl"), m.Child("ddl"),
                                   {{"apply", DdlPolicy::kApply},
                                    {"pause", DdlPolicy::kPause},
                                    {"ignore", DdlPolicy::kIgnore}})) {
    o.ddl = *v;
  }
  YamlNodePtr hb = m.Get("heartbeat");
  if (auto v = ReadUnits(ctx, hb, m.Child("heartbeat"), ParseDuration)) {
    if (v->value < 100 || v->value > 3600000) {
      ctx.diags.Error(hb->loc, "'incremental.heartbeat' must be from 100ms to 1h");
    } else {
      o.heartbeat_ms = Located<int64_t>{static_cast<int64_t>(v->value), v->loc};
    }
  }
  YamlNodePtr bm = m.Get("buffer_max");
  if (auto v = ReadUnits(ctx, bm, m.Child("buffer_max"), ParseSize)) {
    if (v->value < (16ull << 20)) ctx.diags.Error(bm->loc, "'incremental.buffer_max' must be at least 16MiB");
    else o.buffer_max_bytes = *v;
  }
  if (auto v = ReadUnits(ctx, m.Get("retained_warn"), m.Child("retained_warn"), ParseSize)) {
    o.retained_warn_bytes = *v;
  }
  m.Finish();
  if (m.present() && !plan.HasStep(Step::kIncremental) && !plan.steps.empty()) {
    ctx.diags.Warning(top.KeyLoc("incremental"),
                      "'incremental' settings have no effect: 'incremental' is not in 'steps'");
  }
}

void ReadVerify(Context& ctx, MapView& top, Plan& plan) {
  MapView m(ctx, top.Get("verify"), "verify");
  VerifyOptions& o = plan.verify;
  if (auto v = ReadEnum<FixPolicy>(ctx, m.Get("fix"), m.Child("fix"),
                                   {{"none", FixPolicy::kNone},
                                    {"sql-file", FixPolicy::kSqlFile},
                                    {"apply", FixPolicy::kApply}})) {
    o.fix = *v;
  }
  if (auto v = ReadName(ctx, m.Get("fix_sql"), m.Child("fix_sql"))) o.fix_sql = *v;
  if (auto v = ReadInt(ctx, m.Get("chunk_rows"), m.Child("chunk_rows"), 1, 10000000)) o.chunk_rows = *v;
  if (auto v = ReadInt(ctx, m.Get("parallel"), m.Child("parallel"), 1, 64)) o.parallel = *v;
  m.Finish();
  if (m.present() && !plan.HasStep(Step::kVerify) && !plan.steps.empty()) {
    ctx.diags.Warning(top.KeyLoc("verify"), "'verify' settings have no effect: 'verify' is not in 'steps'");
  }
}

void ReadRetry(Context& ctx, MapView& top, Plan& plan) {
  MapView m(ctx, top.Get("retry"), "retry");
  RetryOptions& o = plan.retry;
  if (auto v = ReadInt(ctx, m.Get("attempts"), m.Child("attempts"), 1, 1000)) o.attempts = *v;
  YamlNodePtr b = m.Get("backoff");
  if (auto s = ReadName(ctx, b, m.Child("backoff"))) {
    size_t dots = s->value.find("..");
    if (dots == std::string::npos) {
      ctx.diags.Error(b->loc, "expected MIN..MAX for 'retry.backoff', found " + Describe(b),
                      "e.g. 'backoff: 200ms..30s'");
    } else {
      UnitParse lo = ParseDuration(s->value.substr(0, dots));
      UnitParse hi = ParseDuration(s->value.substr(dots + 2));
      uint32_t shift = b->quoted ? 1 : 0;
      if (!lo.ok) {
        ctx.diags.Error(b->loc.Shifted(shift, static_cast<uint32_t>(dots)), lo.error + " in 'retry.backoff'", lo.help);
      }
      if (!hi.ok) {
        ctx.diags.Error(b->loc.Shifted(static_cast<uint32_t>(dots + 2) + shift,
                                       static_cast<uint32_t>(s->value.size() - dots - 2)),
                        hi.error + " in 'retry.backoff'", hi.help);
      }
      if (lo.ok && hi.ok) {
        if (lo.value == 0 || lo.value > hi.value) {
          ctx.diags.Error(b->loc, "'retry.backoff' must go from a positive minimum up to a maximum",
                          "e.g. 'backoff: 200ms..30s'");
        } else if (hi.value > 3600000) {
          ctx.diags.Error(b->loc, "'retry.backoff' maximum must be at most 1h");
        } else {
          o.backoff_min_ms = Located<int64_t>{static_cast<int64_t>(lo.value), b->loc};
          o.backoff_max_ms = Located<int64_t>{static_cast<int64_t>(hi.value), b->loc};
        }
      }
    }
  }
  m.Finish();
}

// ---- cross-field rules ---------------------------------------------------------

void CheckEndpoints(Context& ctx, const Plan& plan, const MapView& top) {
  const Endpoint& s = plan.source;
  const Endpoint& t = plan.target;
  if (!s.dialect.loc.valid() || !t.dialect.loc.valid()) return;
  Dialect sd = s.dialect.value, td = t.dialect.value;
  if (td == Dialect::kTiDB) {
    ctx.diags.Error(t.dialect.loc, "TiDB is supported as a source only",
                    "targets are mysql, mariadb, oceanbase and postgresql");
  } else if (sd == Dialect::kPostgreSQL && td == Dialect::kPostgreSQL) {
    ctx.diags.Error(t.dialect.loc, "PostgreSQL to PostgreSQL is not a supported path",
                    "use PostgreSQL's own logical replication for that; see the support matrix in README.md");
  }
  if (s.dsn.loc.valid() && t.dsn.loc.valid()) {
    const Dsn& a = s.dsn.value;
    const Dsn& b = t.dsn.value;
    if (a.host == b.host && a.port == b.port && a.database == b.database) {
      ctx.diags.Error(t.dsn.loc, "source and target are the same database",
                      "the target must be another server or another database");
    }
  }
  // Capture settings that only one engine family understands.
  auto check_capture = [&](const Endpoint& ep, const std::string& side) {
    Dialect d = ep.dialect.value;
    const CaptureOptions& c = ep.capture;
    if (!c.loc.valid()) return;
    if (c.server_id && !IsMySQLFamily(d)) {
      ctx.diags.Error(c.loc, "'" + side + ".capture.server_id' applies to MySQL-family servers only");
    }
    if ((!c.slot.empty() || !c.publication.empty()) && d != Dialect::kPostgreSQL) {
      ctx.diags.Error(c.loc, "'" + side + ".capture.slot' and 'publication' apply to PostgreSQL only");
    }
    if ((!c.kafka_brokers.empty() || !c.kafka_topic.empty()) && d != Dialect::kTiDB) {
      ctx.diags.Error(c.loc, "'" + side + ".capture.kafka_*' applies to TiDB (changes come through TiCDC) only");
    }
  };
  check_capture(s, "source");
  check_capture(t, "target");
  auto needs_kafka = [&](const Endpoint& ep, const std::string& side, const char* why) {
    if (ep.dialect.value != Dialect::kTiDB) return;
    if (ep.capture.kafka_brokers.empty() || ep.capture.kafka_topic.empty()) {
      ctx.diags.Error(ep.loc.valid() ? ep.loc : top.loc(),
                      std::string("TiDB changes arrive through TiCDC's Kafka sink, which ") + why +
                          " needs",
                      "add '" + side + ".capture: {kafka_brokers: HOST:9092, kafka_topic: NAME}' "
                      "(a TiCDC changefeed with protocol canal-json)");
    }
  };
  if (plan.HasStep(Step::kIncremental)) needs_kafka(s, "source", "'incremental'");
}

void CheckSteps(Context& ctx, const Plan& plan, const MapView& top) {
  auto loc_of = [&](Step s) {
    for (const auto& st : plan.steps) {
      if (st.value == s) return st.loc;
    }
    return top.KeyLoc("steps");
  };
  if (plan.HasStep(Step::kReverse)) {
    if (!plan.HasStep(Step::kIncremental)) {
      ctx.diags.Error(loc_of(Step::kReverse), "step 'reverse' needs step 'incremental'",
                      "reverse sync starts where forward sync stops at switchover; add 'incremental'");
    }
    if (!plan.HasStep(Step::kSwitchover)) {
      ctx.diags.Error(loc_of(Step::kReverse), "step 'reverse' needs step 'switchover'",
                      "reverse sync is started by the switchover; add 'switchover'");
    }
  }
}

}  // namespace

std::optional<Plan> LoadPlan(std::shared_ptr<const SourceFile> file, DiagnosticSink& diags,
                             const LoadOptions& options) {
  size_t errors_before = diags.error_count();
  YamlNodePtr root = ParseYaml(file, diags);
  if (!root) return std::nullopt;
  Context ctx{diags, options};
  Plan plan;
  plan.file = file;
  MapView top(ctx, root, "");
  if (!top.present()) return std::nullopt;
  top.help_for_missing = [](const std::string& k) -> std::string {
    if (k == "version") return "add 'version: 1' at the top of the plan";
    if (k == "name") return "add 'name: my-migration' (it names the state directory)";
    if (k == "steps") return "add e.g. 'steps: [schema, full, incremental, verify]'";
    if (k == "objects") return "add e.g. 'objects: [{from: shop.*}]'";
    if (k == "source" || k == "target") {
      return "add a '" + k + ":' block with 'dialect' and 'dsn'; see docs/plan-language.md";
    }
    return "";
  };

  YamlNodePtr version = top.Get("version", true);
  if (version) {
    if (auto v = ReadInt(ctx, version, "version", INT32_MIN, INT32_MAX)) {
      if (v->value != 1) {
        diags.Error(version->loc, "unsupported plan version " + std::to_string(v->value),
                    "this Sluice reads plan version 1");
      }
      plan.version = *v;
    }
  }
  YamlNodePtr name = top.Get("name", true);
  if (auto v = ReadName(ctx, name, "name")) {
    if (!ValidPlanName(v->value)) {
      diags.Error(name->loc, "invalid plan name " + Describe(name),
                  "use letters, digits, '_', '-' and '.', starting with a letter or digit "
                  "(at most 64); it names the state directory");
    }
    plan.name = *v;
  }
  ReadEndpoint(ctx, top, "source", plan.source);
  ReadEndpoint(ctx, top, "target", plan.target);
  ReadSteps(ctx, top, plan);
  std::optional<Dialect> source_dialect;
  if (plan.source.dialect.loc.valid()) source_dialect = plan.source.dialect.value;
  ReadObjects(ctx, top, plan, source_dialect);
  ReadTypes(ctx, top, plan);
  ReadFull(ctx, top, plan);
  ReadIncremental(ctx, top, plan);
  ReadVerify(ctx, top, plan);
  ReadRetry(ctx, top, plan);
  top.Finish();

  CheckEndpoints(ctx, plan, top);
  CheckSteps(ctx, plan, top);

  if (diags.error_count() > errors_before) return std::nullopt;
  return plan;
}

std::optional<Plan> LoadPlanFile(const std::string& path, DiagnosticSink& diags,
                                 const LoadOptions& options) {
  std::string error;
  auto file = ReadSourceFile(path, kMaxPlanFileBytes, &error);
  if (!file) {
    diags.Error(SourceLoc{}, error);
    return std::nullopt;
  }
  return LoadPlan(file, diags, options);
}

}  // namespace sluice
