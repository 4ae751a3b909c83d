// How the rule engine works.
//
// Loading: each rule file is parsed with yaml-cpp (whose nodes keep their
// line and column) and every rule is checked on the spot: known keys only
// (with did-you-mean), guard values of the right kind, placeholders that
// exist, and a `to` template that renders with sample values into a valid
// neutral type (to_neutral) or native spelling (from_neutral). All problems
// are reported, each as file:line:col with the source line.
//
// Matching: a lookup walks the dialect's own table, then its parent's
// (`inherits:`), and takes the first rule whose names match and whose guards
// all hold. Guards read "facts" computed from the input: the TypeName's
// params (after the rule's `defaults`), flags and charset on the way in, the
// neutral type's attributes on the way out, and the server version (a child
// evaluates its parent's version guards against its `parent_version`).
//
// Carrying: attributes no template mentions travel by themselves: enum/set
// labels, and the charset and collation of character types, which go through
// the dialect's `charsets` and `collations` tables (first match wins, no match
// keeps the name: exact). Array and range element types are mapped by a
// recursive lookup whose result fills the `{element}` placeholder.

#include "dialects/types/type_rules.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>

#include "common/text.h"
#include "dialects/types/native_type_text.h"

namespace sluice {

namespace {

// ---------------------------------------------------------------- facts

struct Fact {
  enum class Kind { kNone, kNumber, kBool, kString } kind = Kind::kNone;
  int64_t number = 0;
  bool flag = false;
  std::string text;
};
using Facts = std::map<std::string, Fact>;

Fact Num(int64_t n) { Fact f; f.kind = Fact::Kind::kNumber; f.number = n; return f; }
Fact Bool(bool b) { Fact f; f.kind = Fact::Kind::kBool; f.flag = b; return f; }
Fact Str(std::string s) { Fact f; f.kind = Fact::Kind::kString; f.text = std::move(s); return f; }

// Guard keys, their kind, and the sections they may appear in.
struct GuardKey {
  const char* name;
  RuleGuard::Kind kind;
  bool to_types, from_types, charsets, collations;
};
constexpr std::array kGuardKeys = {
    GuardKey{"version", RuleGuard::Kind::kVersion, true, true, true, true},
    GuardKey{"n", RuleGuard::Kind::kNumber, true, true, false, false},
    GuardKey{"p", RuleGuard::Kind::kNumber, true, true, false, false},
    GuardKey{"s", RuleGuard::Kind::kNumber, true, true, false, false},
    GuardKey{"params", RuleGuard::Kind::kNumber, true, false, false, false},
    GuardKey{"labels", RuleGuard::Kind::kNumber, true, true, false, false},
    GuardKey{"bytes", RuleGuard::Kind::kNumber, false, true, false, false},
    GuardKey{"width", RuleGuard::Kind::kNumber, false, true, false, false},
    GuardKey{"srid", RuleGuard::Kind::kNumber, false, true, false, false},
    GuardKey{"range_end", RuleGuard::Kind::kNumber, false, true, false, false},
    GuardKey{"unsigned", RuleGuard::Kind::kBool, true, true, false, false},
    GuardKey{"zerofill", RuleGuard::Kind::kBool, true, true, false, false},
    GuardKey{"tz", RuleGuard::Kind::kBool, true, true, false, false},
    GuardKey{"array", RuleGuard::Kind::kBool, true, false, false, false},
    GuardKey{"jsonb", RuleGuard::Kind::kBool, false, true, false, false},
    GuardKey{"unbounded", RuleGuard::Kind::kBool, false, true, false, false},
    GuardKey{"charset", RuleGuard::Kind::kString, true, true, false, true},
    GuardKey{"collation", RuleGuard::Kind::kString, true, true, false, false},
    GuardKey{"fields", RuleGuard::Kind::kString, true, true, false, false},
    GuardKey{"schema", RuleGuard::Kind::kString, true, false, false, false},
    GuardKey{"size", RuleGuard::Kind::kString, false, true, false, false},
    GuardKey{"subtype", RuleGuard::Kind::kString, false, true, false, false},
    GuardKey{"element", RuleGuard::Kind::kString, false, true, false, false},
};

bool KeyAllowed(const GuardKey& k, RuleSection s) {
  switch (s) {
    case RuleSection::kTypeToNeutral: return k.to_types;
    case RuleSection::kTypeFromNeutral: return k.from_types;
    case RuleSection::kCharsetToNeutral: case RuleSection::kCharsetFromNeutral: return k.charsets;
    case RuleSection::kCollationToNeutral: case RuleSection::kCollationFromNeutral: return k.collations;
  }
  return false;
}

const std::set<std::string>& Placeholders() {
  static const std::set<std::string> kNames = {
      "p", "s", "n", "display", "zerofill", "unsigned", "width", "fsp", "element", "name",
      "charset", "collation", "fields", "bytes", "size", "srid", "subtype", "labels",
      "version", "to", "*"};
  return kNames;
}

// ---------------------------------------------------------------- small helpers

std::vector<int64_t> ParseVersion(std::string_view v) {
  std::vector<int64_t> out;
  int64_t cur = 0;
  bool any = false;
  for (char c : v) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      cur = cur * 10 + (c - '0');
      any = true;
    } else if (c == '.' && any) {
      out.push_back(cur);
      cur = 0;
      any = false;
    } else {
      break;  // "8.0.36-log", "5.7.25-OceanBase-v4.2.1"
    }
  }
  if (any) out.push_back(cur);
  return out;
}

int CompareVersions(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    int64_t x = i < a.size() ? a[i] : 0;
    int64_t y = i < b.size() ? b[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

bool Holds(RuleGuard::Op op, int cmp) {
  switch (op) {
    case RuleGuard::Op::kEq: return cmp == 0;
    case RuleGuard::Op::kNe: return cmp != 0;
    case RuleGuard::Op::kLt: return cmp < 0;
    case RuleGuard::Op::kLe: return cmp <= 0;
    case RuleGuard::Op::kGt: return cmp > 0;
    case RuleGuard::Op::kGe: return cmp >= 0;
  }
  return false;
}

bool GlobRest(std::string_view pat, std::string_view text) {
  if (pat.empty()) return text.empty();
  if (pat[0] == '*') {
    for (size_t k = 0; k <= text.size(); ++k) {
      if (GlobRest(pat.substr(1), text.substr(k))) return true;
    }
    return false;
  }
  return !text.empty() && pat[0] == text[0] && GlobRest(pat.substr(1), text.substr(1));
}

// '*' matches any run of characters; *capture receives what the first '*'
// matched. "*" alone matches any non-empty text, "" only the empty text.
bool GlobMatch(std::string_view pat, std::string_view text, std::string* capture) {
  if (pat.empty()) return text.empty();
  if (pat == "*") {
    if (capture) *capture = std::string(text);
    return !text.empty();
  }
  size_t star = pat.find('*');
  if (star == std::string_view::npos) return pat == text;
  std::string_view pre = pat.substr(0, star);
  std::string_view rest = pat.substr(star + 1);
  if (text.substr(0, pre.size()) != pre) return false;
  for (size_t len = 0; pre.size() + len <= text.size(); ++len) {
    if (GlobRest(rest, text.substr(pre.size() + len))) {
      if (capture) *capture = std::string(text.substr(pre.size(), len));
      return true;
    }
  }
  return false;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Replaces {key} with vars[key]. Returns false (and the key in *missing)
// when a placeholder has no value.
bool Render(std::string_view tmpl, const std::map<std::string, std::string>& vars, std::string* out,
            std::string* missing) {
  out->clear();
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '{') {
      size_t close = tmpl.find('}', i);
      if (close != std::string_view::npos) {
        std::string key(tmpl.substr(i + 1, close - i - 1));
        if (Placeholders().count(key)) {
          auto it = vars.find(key);
          if (it == vars.end()) {
            if (missing) *missing = key;
            return false;
          }
          *out += it->second;
          i = close;
          continue;
        }
      }
    }
    *out += tmpl[i];
  }
  return true;
}

std::vector<std::string> PlaceholdersIn(std::string_view tmpl) {
  std::vector<std::string> out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '{') continue;
    size_t close = tmpl.find('}', i);
    if (close == std::string_view::npos) break;
    std::string key(tmpl.substr(i + 1, close - i - 1));
    bool ident = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '*';
    });
    if (ident) out.push_back(key);
    i = close;
  }
  return out;
}

Outcome Worse(Outcome a, Outcome b) {
  auto rank = [](Outcome o) {
    switch (o) {
      case Outcome::kExact: case Outcome::kUserOverride: return 0;
      case Outcome::kLossy: return 1;
      case Outcome::kUnsupported: return 2;
    }
    return 0;
  };
  return rank(a) >= rank(b) ? a : b;
}

std::string JoinLabels(const std::vector<std::string>& labels) {
  std::string out;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ",";
    out += "'";
    for (char c : labels[i]) {
      if (c == '\'') out += '\'';
      out += c;
    }
    out += "'";
  }
  return out;
}

size_t SectionIndex(RuleSection s) { return static_cast<size_t>(s); }

}  // namespace

// ---------------------------------------------------------------- public names


const char* RuleSectionName(RuleSection s) {
  switch (s) {
    case RuleSection::kTypeToNeutral: return "to_neutral.types";
    case RuleSection::kTypeFromNeutral: return "from_neutral.types";
    case RuleSection::kCharsetToNeutral: return "to_neutral.charsets";
    case RuleSection::kCharsetFromNeutral: return "from_neutral.charsets";
    case RuleSection::kCollationToNeutral: return "to_neutral.collations";
    case RuleSection::kCollationFromNeutral: return "from_neutral.collations";
  }
  return "?";
}

std::string Rule::Where() const {
  return file + ":" + std::to_string(line) + " (" + name + ")";
}

// ---------------------------------------------------------------- the set

struct DialectRules {
  Dialect dialect = Dialect::kMySQL;
  std::optional<Dialect> parent;
  std::string default_version;
  std::string parent_version;  // version used for the parent's version guards
  std::array<std::vector<const Rule*>, 6> tables;
};

struct TypeRuleSet::Impl {
  std::vector<std::unique_ptr<Rule>> rules;
  std::map<Dialect, DialectRules> dialects;

  // (rule, version to evaluate its guards with) along the inheritance chain.
  std::vector<std::pair<const Rule*, std::string>> Chain(Dialect d, RuleSection s,
                                                         std::string_view version) const {
    std::vector<std::pair<const Rule*, std::string>> out;
    std::string ver(version);
    const DialectRules* dr = Find(d);
    if (dr && ver.empty()) ver = dr->default_version;
    int depth = 0;
    while (dr && depth++ < 8) {
      for (const Rule* r : dr->tables[SectionIndex(s)]) out.emplace_back(r, ver);
      if (!dr->parent) break;
      if (!dr->parent_version.empty()) ver = dr->parent_version;
      dr = Find(*dr->parent);
    }
    return out;
  }

  const DialectRules* Find(Dialect d) const {
    auto it = dialects.find(d);
    return it == dialects.end() ? nullptr : &it->second;
  }

  struct NameResult {
    std::string value;
    Outcome outcome = Outcome::kExact;
    std::vector<std::string> messages;
    std::string help;
    const Rule* rule = nullptr;
  };

  // Charset or collation through a table; no match keeps the name.
  NameResult MapName(RuleSection s, Dialect d, std::string_view version, const std::string& value,
                     const std::string& charset) const {
    NameResult res;
    res.value = value;
    for (const auto& [rule, ver] : Chain(d, s, version)) {
      std::string capture;
      bool hit = false;
      for (const auto& pat : rule->match) {
        if (GlobMatch(pat, value, &capture)) { hit = true; break; }
      }
      if (!hit) continue;
      bool is_charset = s == RuleSection::kCharsetToNeutral || s == RuleSection::kCharsetFromNeutral;
      Facts facts;
      facts["charset"] = Str(is_charset ? value : charset);
      if (!GuardsHold(*rule, facts, ver)) continue;
      std::map<std::string, std::string> vars = {
          {"*", capture}, {"charset", is_charset ? value : charset}, {"collation", value}, {"version", ver}};
      std::string to = value;
      if (rule->has_to) Render(rule->to, vars, &to, nullptr);
      vars["to"] = to;
      res.rule = rule;
      res.outcome = rule->outcome;
      if (rule->outcome == Outcome::kUnsupported) res.value.clear();
      else res.value = to;
      AddMessages(*rule, vars, &res.messages, &res.help);
      return res;
    }
    return res;
  }

  static void AddMessages(const Rule& rule, const std::map<std::string, std::string>& vars,
                          std::vector<std::string>* messages, std::string* help) {
    std::string text;
    if (!rule.message.empty() && Render(rule.message, vars, &text, nullptr)) messages->push_back(text);
    if (!rule.note.empty() && Render(rule.note, vars, &text, nullptr)) messages->push_back("note: " + text);
    if (!rule.help.empty() && help->empty() && Render(rule.help, vars, &text, nullptr)) *help = text;
  }

  static bool GuardsHold(const Rule& rule, const Facts& facts, const std::string& version) {
    for (const auto& g : rule.guards) {
      if (g.kind == RuleGuard::Kind::kVersion) {
        auto v = ParseVersion(version);
        for (const auto& [op, want] : g.versions) {
          if (!Holds(op, CompareVersions(v, want))) return false;
        }
        continue;
      }
      auto it = facts.find(g.key);
      Fact f = it == facts.end() ? Fact{} : it->second;
      switch (g.kind) {
        case RuleGuard::Kind::kBool:
          if ((f.kind == Fact::Kind::kBool && f.flag) != g.flag) return false;
          break;
        case RuleGuard::Kind::kNumber:
          if (f.kind != Fact::Kind::kNumber) return false;
          for (const auto& [op, n] : g.numbers) {
            if (!Holds(op, f.number < n ? -1 : (f.number > n ? 1 : 0))) return false;
          }
          break;
        case RuleGuard::Kind::kString: {
          bool any = false;
          for (const auto& p : g.patterns) {
            if (GlobMatch(p, f.text, nullptr)) { any = true; break; }
          }
          if (!any) return false;
          break;
        }
        case RuleGuard::Kind::kVersion:
          break;
      }
    }
    return true;
  }

  Mapping<NeutralType> ToNeutral(const TypeName& tn, Dialect d, std::string_view version, int depth) const;
  Mapping<TypeName> FromNeutral(const NeutralType& nt, Dialect d, std::string_view version, int depth) const;
};

Mapping<NeutralType> TypeRuleSet::Impl::ToNeutral(const TypeName& tn, Dialect d, std::string_view version,
                                                  int depth) const {
  Mapping<NeutralType> m;
  std::string full = tn.schema.empty() ? tn.name : tn.schema + "." + tn.name;
  std::string shown = tn.raw.empty() ? NativeTypeText(tn, d) : tn.raw;
  if (!Find(d)) {
    m.outcome = Outcome::kUnsupported;
    m.messages.push_back(std::string("no type rules are loaded for ") + DialectName(d));
    return m;
  }
  for (const auto& [rule, ver] : Chain(d, RuleSection::kTypeToNeutral, version)) {
    bool hit = false;
    for (const auto& name : rule->match) {
      if (name == "*" || name == tn.name || name == full) { hit = true; break; }
    }
    if (!hit) continue;
    std::vector<int64_t> params = tn.params;
    for (size_t i = params.size(); i < rule->defaults.size(); ++i) params.push_back(rule->defaults[i]);
    Facts facts;
    if (!params.empty()) { facts["n"] = Num(params[0]); facts["p"] = Num(params[0]); }
    if (params.size() > 1) facts["s"] = Num(params[1]);
    facts["params"] = Num(static_cast<int64_t>(tn.params.size()));
    facts["labels"] = Num(static_cast<int64_t>(tn.labels.size()));
    facts["unsigned"] = Bool(tn.is_unsigned);
    facts["zerofill"] = Bool(tn.zerofill);
    facts["tz"] = Bool(tn.with_time_zone.value_or(false));
    facts["array"] = Bool(tn.array_dims > 0);
    facts["charset"] = Str(Lower(tn.charset));
    facts["collation"] = Str(tn.collation);
    facts["fields"] = Str(tn.interval_fields);
    facts["schema"] = Str(tn.schema);
    if (!GuardsHold(*rule, facts, ver)) continue;

    std::map<std::string, std::string> vars = {
        {"name", shown}, {"charset", tn.charset}, {"collation", tn.collation},
        {"fields", tn.interval_fields}, {"version", ver},
        {"display", tn.params.empty() ? "" : " display(" + std::to_string(tn.params[0]) + ")"},
        {"zerofill", tn.zerofill ? " zerofill" : ""}, {"unsigned", tn.is_unsigned ? " unsigned" : ""},
        {"labels", JoinLabels(tn.labels)}};
    if (!params.empty()) { vars["p"] = vars["n"] = std::to_string(params[0]); }
    if (params.size() > 1) vars["s"] = std::to_string(params[1]);
    m.rules.push_back(rule);
    m.outcome = rule->outcome;
    if (rule->outcome == Outcome::kUnsupported) {
      AddMessages(*rule, vars, &m.messages, &m.help);
      return m;
    }
    if (rule->to.find("{element}") != std::string::npos) {
      if (depth > 4) {
        m.outcome = Outcome::kUnsupported;
        m.messages.push_back("element types nest too deeply in '" + shown + "'");
        return m;
      }
      TypeName element = tn;
      element.array_dims = 0;
      element.raw.clear();
      auto em = ToNeutral(element, d, version, depth + 1);
      m.rules.insert(m.rules.end(), em.rules.begin(), em.rules.end());
      m.outcome = Worse(m.outcome, em.outcome);
      m.messages.insert(m.messages.end(), em.messages.begin(), em.messages.end());
      if (m.help.empty()) m.help = em.help;
      if (!em.value) return m;
      vars["element"] = ToString(*em.value);
    }
    std::string text, missing, error;
    if (!Render(rule->to, vars, &text, &missing)) {
      m.outcome = Outcome::kUnsupported;
      m.messages.push_back("rule " + rule->Where() + " needs {" + missing + "}, which '" + shown +
                           "' does not give");
      return m;
    }
    auto nt = ParseNeutralType(text, &error);
    if (!nt) {
      m.outcome = Outcome::kUnsupported;
      m.messages.push_back("rule " + rule->Where() + " produced '" + text + "': " + error);
      return m;
    }
    if ((nt->kind == NeutralKind::kEnum || nt->kind == NeutralKind::kSet) && nt->labels.empty()) {
      nt->labels = tn.labels;
    }
    AddMessages(*rule, vars, &m.messages, &m.help);
    if (IsCharacterKind(nt->kind) && nt->charset.empty() && nt->collation.empty()) {
      auto cs = MapName(RuleSection::kCharsetToNeutral, d, version, Lower(tn.charset), "");
      auto co = MapName(RuleSection::kCollationToNeutral, d, version, tn.collation, cs.value);
      for (auto* r : {&cs, &co}) {
        if (r->rule) m.rules.push_back(r->rule);
        m.outcome = Worse(m.outcome, r->outcome);
        m.messages.insert(m.messages.end(), r->messages.begin(), r->messages.end());
        if (m.help.empty()) m.help = r->help;
      }
      nt->charset = cs.value;
      nt->collation = co.value;
    }
    if (m.outcome == Outcome::kUnsupported) return m;
    m.value = std::move(*nt);
    return m;
  }
  m.outcome = Outcome::kUnsupported;
  m.messages.push_back(std::string(DialectName(d)) + " type '" + shown + "' has no type rule");
  std::vector<std::string> names;
  for (const auto& [rule, ver] : Chain(d, RuleSection::kTypeToNeutral, version)) {
    for (const auto& n : rule->match) names.push_back(n);
  }
  std::string dym = DidYouMean(tn.name, names);
  m.help = (dym.empty() ? std::string() : dym + " ") +
           "If the type is right, map it with a `types:` override in the plan.";
  return m;
}

Mapping<TypeName> TypeRuleSet::Impl::FromNeutral(const NeutralType& nt, Dialect d, std::string_view version,
                                                 int depth) const {
  Mapping<TypeName> m;
  std::string shown = ToString(nt);
  if (!Find(d)) {
    m.outcome = Outcome::kUnsupported;
    m.messages.push_back(std::string("no type rules are loaded for ") + DialectName(d));
    return m;
  }
  std::string kind = NeutralKindName(nt.kind);
  for (const auto& [rule, ver] : Chain(d, RuleSection::kTypeFromNeutral, version)) {
    bool hit = false;
    for (const auto& name : rule->match) {
      if (name == "*" || name == kind) { hit = true; break; }
    }
    if (!hit) continue;
    Facts facts;
    if (nt.length >= 0) facts["n"] = Num(nt.length);
    if (nt.precision >= 0) facts["p"] = Num(nt.precision);
    if (nt.kind == NeutralKind::kDecimal && nt.precision >= 0) facts["s"] = Num(nt.scale);
    if (nt.length >= 0) facts["bytes"] = Num(nt.length * MaxBytesPerChar(nt.charset));
    if (nt.kind == NeutralKind::kText || nt.kind == NeutralKind::kBlob) {
      facts["bytes"] = Num(SizeClassMaxBytes(nt.size));
      facts["size"] = Str(SizeClassName(nt.size));
    }
    facts["width"] = Num(nt.display_width);
    if (nt.srid >= 0) facts["srid"] = Num(nt.srid);
    facts["range_end"] = Num(nt.range_end_year);
    facts["labels"] = Num(static_cast<int64_t>(nt.labels.size()));
    facts["tz"] = Bool(nt.with_tz);
    facts["unsigned"] = Bool(nt.is_unsigned);
    facts["zerofill"] = Bool(nt.zerofill);
    facts["jsonb"] = Bool(nt.jsonb);
    facts["unbounded"] = Bool(nt.kind == NeutralKind::kDecimal && nt.precision < 0);
    facts["subtype"] = Str(nt.subtype);
    facts["fields"] = Str(nt.subtype);
    facts["element"] = Str(nt.element.empty() ? "" : NeutralKindName(nt.element[0].kind));
    facts["charset"] = Str(nt.charset);
    facts["collation"] = Str(nt.collation);
    if (!GuardsHold(*rule, facts, ver)) continue;

    std::map<std::string, std::string> vars = {
        {"name", shown}, {"charset", nt.charset}, {"collation", nt.collation},
        {"subtype", nt.subtype}, {"fields", nt.subtype}, {"version", ver},
        {"size", SizeClassName(nt.size)}, {"labels", JoinLabels(nt.labels)},
        {"width", nt.display_width > 0 ? "(" + std::to_string(nt.display_width) + ")" : ""},
        {"zerofill", nt.zerofill ? " zerofill" : ""}, {"unsigned", nt.is_unsigned ? " unsigned" : ""}};
    if (nt.length >= 0) vars["n"] = std::to_string(nt.length);
    if (nt.precision >= 0) {
      vars["p"] = std::to_string(nt.precision);
      vars["fsp"] = nt.precision > 0 ? "(" + std::to_string(nt.precision) + ")" : "";
    }
    if (nt.kind == NeutralKind::kDecimal && nt.precision >= 0) vars["s"] = std::to_string(nt.scale);
    if (auto it = facts.find("bytes"); it != facts.end()) vars["bytes"] = std::to_string(it->second.number);
    if (nt.srid >= 0) vars["srid"] = std::to_string(nt.srid);
    if (!nt.element.empty()) vars["element"] = ToString(nt.element[0]);
    m.rules.push_back(rule);
    m.outcome = rule->outcome;
    if (rule->outcome == Outcome::kUnsupported) {
      AddMessages(*rule, vars, &m.messages, &m.help);
      return m;
    }
    if (rule->to.find("{element}") != std::string::npos) {
      if (nt.element.empty() || depth > 4) {
        m.outcome = Outcome::kUnsupported;
        m.messages.push_back("'" + shown + "' has no usable element type");
        return m;
      }
      auto em = FromNeutral(nt.element[0], d, version, depth + 1);
      m.rules.insert(m.rules.end(), em.rules.begin(), em.rules.end());
      m.outcome = Worse(m.outcome, em.outcome);
      m.messages.insert(m.messages.end(), em.messages.begin(), em.messages.end());
      if (m.help.empty()) m.help = em.help;
      if (!em.value) return m;
      vars["element"] = NativeTypeText(*em.value, d);
    }
    std::string text, missing, error;
    if (!Render(rule->to, vars, &text, &missing)) {
      m.outcome = Outcome::kUnsupported;
      m.messages.push_back("rule " + rule->Where() + " needs {" + missing + "}, which '" + shown +
                           "' does not give");
      return m;
    }
    auto tn = ParseSimpleTypeName(text, &error);
    if (!tn) {
      m.outcome = Outcome::kUnsupported;
      m.messages.push_back("rule " + rule->Where() + " produced '" + text + "': " + error);
      return m;
    }
    tn->raw.clear();
    vars["to"] = NativeTypeText(*tn, d);
    if ((tn->name == "enum" || tn->name == "set") && tn->labels.empty()) tn->labels = nt.labels;
    AddMessages(*rule, vars, &m.messages, &m.help);
    if (IsCharacterKind(nt.kind) && tn->charset.empty() && tn->collation.empty()) {
      auto cs = MapName(RuleSection::kCharsetFromNeutral, d, version, nt.charset, "");
      auto co = MapName(RuleSection::kCollationFromNeutral, d, version, nt.collation, cs.value);
      for (auto* r : {&cs, &co}) {
        if (r->rule) m.rules.push_back(r->rule);
        m.outcome = Worse(m.outcome, r->outcome);
        m.messages.insert(m.messages.end(), r->messages.begin(), r->messages.end());
        if (m.help.empty()) m.help = r->help;
      }
      tn->charset = cs.value;
      tn->collation = co.value;
    }
    if (m.outcome == Outcome::kUnsupported) return m;
    m.value = std::move(*tn);
    return m;
  }
  m.outcome = Outcome::kUnsupported;
  m.messages.push_back(std::string(DialectName(d)) + " has no rule for neutral type '" + shown + "'");
  m.help = "Map it with a `types:` override in the plan.";
  return m;
}

// ---------------------------------------------------------------- loading

namespace {

class FileLoader {
 public:
  FileLoader(const RuleFileSource& src, DiagnosticSink& diags)
      : file_(std::make_shared<SourceFile>(src.path, src.text)), diags_(diags) {}

  struct Result {
    Dialect dialect = Dialect::kMySQL;
    bool has_dialect = false;
    std::optional<Dialect> parent;
    SourceLoc parent_loc;
    std::string default_version;
    std::string parent_version;
    std::vector<std::unique_ptr<Rule>> rules;
  };

  std::optional<Result> Load() {
    YAML::Node root;
    try {
      root = YAML::Load(file_->text());
    } catch (const YAML::ParserException& e) {
      SourceLoc loc{file_, static_cast<uint32_t>(e.mark.line + 1), static_cast<uint32_t>(e.mark.column + 1)};
      diags_.Error(loc, "not valid YAML: " + e.msg);
      return std::nullopt;
    }
    size_t errors_before = diags_.error_count();
    if (!root.IsMap()) {
      diags_.Error(Loc(root), "a type rule file is a mapping with dialect, to_neutral and from_neutral");
      return std::nullopt;
    }
    Result res;
    static const std::vector<std::string> kTop = {"dialect", "inherits", "default_version",
                                                  "parent_version", "description", "to_neutral",
                                                  "from_neutral"};
    for (auto it = root.begin(); it != root.end(); ++it) {
      std::string key = it->first.as<std::string>();
      const YAML::Node v = it->second;
      if (key == "dialect" || key == "inherits") {
        auto d = ParseDialect(Scalar(v));
        if (!d) {
          diags_.Error(Loc(v), "unknown dialect '" + Scalar(v) + "'", DidYouMean(Scalar(v), DialectNames()));
          continue;
        }
        if (key == "dialect") { res.dialect = *d; res.has_dialect = true; }
        else { res.parent = *d; res.parent_loc = Loc(v); }
      } else if (key == "default_version") {
        res.default_version = Scalar(v);
      } else if (key == "parent_version") {
        res.parent_version = Scalar(v);
      } else if (key == "description") {
      } else if (key == "to_neutral" || key == "from_neutral") {
        sections_.emplace_back(key, v);
      } else {
        UnknownKey(it->first, key, kTop);
      }
    }
    if (!res.has_dialect) diags_.Error(Loc(root), "the rule file does not say its `dialect:`");
    dialect_ = res.dialect;
    for (const auto& [key, node] : sections_) LoadSection(key == "to_neutral", node, &res);
    if (diags_.error_count() > errors_before) return std::nullopt;
    return res;
  }

 private:
  SourceLoc Loc(const YAML::Node& n) const {
    YAML::Mark m = n.Mark();
    if (m.is_null()) return SourceLoc{file_, 1, 1};
    return SourceLoc{file_, static_cast<uint32_t>(m.line + 1), static_cast<uint32_t>(m.column + 1)};
  }

  std::string Scalar(const YAML::Node& n) const { return n.IsScalar() ? n.Scalar() : std::string(); }

  void UnknownKey(const YAML::Node& key_node, const std::string& key, const std::vector<std::string>& known) {
    std::string dym = DidYouMean(key, known);
    diags_.Error(Loc(key_node), "unknown key '" + key + "'",
                 dym.empty() ? "known keys: " + QuotedList(known, " and ") : dym);
  }

  void LoadSection(bool to_neutral, const YAML::Node& node, Result* res) {
    if (!node.IsMap()) {
      diags_.Error(Loc(node), "expected a mapping with types, charsets and collations");
      return;
    }
    static const std::vector<std::string> kKeys = {"types", "charsets", "collations"};
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string key = it->first.as<std::string>();
      RuleSection s;
      if (key == "types") s = to_neutral ? RuleSection::kTypeToNeutral : RuleSection::kTypeFromNeutral;
      else if (key == "charsets") s = to_neutral ? RuleSection::kCharsetToNeutral : RuleSection::kCharsetFromNeutral;
      else if (key == "collations") s = to_neutral ? RuleSection::kCollationToNeutral : RuleSection::kCollationFromNeutral;
      else { UnknownKey(it->first, key, kKeys); continue; }
      const YAML::Node list = it->second;
      if (list.IsNull()) continue;
      if (!list.IsSequence()) {
        diags_.Error(Loc(list), "expected a list of rules");
        continue;
      }
      for (const auto& item : list) {
        if (auto r = LoadRule(s, item)) res->rules.push_back(std::move(r));
      }
    }
  }

  std::unique_ptr<Rule> LoadRule(RuleSection s, const YAML::Node& n) {
    if (!n.IsMap()) {
      diags_.Error(Loc(n), "a rule is a mapping, e.g. { type: int, to: int32 }");
      return nullptr;
    }
    bool types = s == RuleSection::kTypeToNeutral || s == RuleSection::kTypeFromNeutral;
    bool charsets = s == RuleSection::kCharsetToNeutral || s == RuleSection::kCharsetFromNeutral;
    const char* match_key = types ? "type" : (charsets ? "charset" : "collation");
    std::vector<std::string> known = {"name", match_key, "when", "to", "lossy", "unsupported", "note", "help"};
    if (s == RuleSection::kTypeToNeutral) known.push_back("defaults");
    if (s == RuleSection::kTypeFromNeutral) { known.push_back("key_prefix"); known.push_back("check_in_labels"); }

    auto rule = std::make_unique<Rule>();
    rule->file = file_->path();
    SourceLoc loc = Loc(n);
    rule->line = loc.line;
    rule->col = loc.col;
    rule->dialect = dialect_;
    rule->section = s;
    size_t errors_before = diags_.error_count();
    bool has_message = false;
    YAML::Node to_node;
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string key = it->first.as<std::string>();
      const YAML::Node v = it->second;
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        UnknownKey(it->first, key, known);
        continue;
      }
      if (key == match_key) {
        if (v.IsScalar()) {
          rule->match.push_back(Lower(v.Scalar()));
        } else if (v.IsSequence()) {
          for (const auto& x : v) {
            if (x.IsScalar()) rule->match.push_back(Lower(x.Scalar()));
            else diags_.Error(Loc(x), std::string("each `") + match_key + "` entry is a name");
          }
        } else {
          diags_.Error(Loc(v), std::string("`") + match_key + "` is a name or a list of names");
        }
        // Collation names keep their case (PostgreSQL's "C"); types and charsets do not.
        if (s == RuleSection::kCollationToNeutral || s == RuleSection::kCollationFromNeutral) {
          rule->match.clear();
          if (v.IsScalar()) rule->match.push_back(v.Scalar());
          else if (v.IsSequence()) for (const auto& x : v) if (x.IsScalar()) rule->match.push_back(x.Scalar());
        }
      } else if (key == "name") {
        rule->name = Scalar(v);
      } else if (key == "to") {
        if (!v.IsScalar() && !v.IsNull()) diags_.Error(Loc(v), "`to` is a type spelling");
        rule->to = v.IsNull() ? std::string() : v.Scalar();
        rule->has_to = true;
        to_node = v;
      } else if (key == "lossy" || key == "unsupported") {
        if (has_message) diags_.Error(Loc(it->first), "a rule is either lossy or unsupported, not both");
        has_message = true;
        rule->outcome = key == "lossy" ? Outcome::kLossy : Outcome::kUnsupported;
        rule->message = Scalar(v);
        if (rule->message.empty()) diags_.Error(Loc(v), "`" + key + "` needs a message saying what is lost or why");
        CheckPlaceholders(v, rule->message);
      } else if (key == "note") {
        rule->note = Scalar(v);
        CheckPlaceholders(v, rule->note);
      } else if (key == "help") {
        rule->help = Scalar(v);
        CheckPlaceholders(v, rule->help);
      } else if (key == "defaults") {
        if (!v.IsSequence()) {
          diags_.Error(Loc(v), "`defaults` is a list of numbers, e.g. [10, 0]");
        } else {
          for (const auto& x : v) {
            try {
              rule->defaults.push_back(x.as<int64_t>());
            } catch (const YAML::Exception&) {
              diags_.Error(Loc(x), "`defaults` entries are numbers");
            }
          }
        }
      } else if (key == "key_prefix" || key == "check_in_labels") {
        bool b = false;
        try { b = v.as<bool>(); } catch (const YAML::Exception&) { diags_.Error(Loc(v), "`" + key + "` is true or false"); }
        (key == "key_prefix" ? rule->key_prefix : rule->check_in_labels) = b;
      } else if (key == "when") {
        LoadGuards(s, v, rule.get());
      }
    }
    if (rule->match.empty()) diags_.Error(loc, std::string("the rule has no `") + match_key + "`");
    if (s == RuleSection::kTypeFromNeutral) {
      auto names = NeutralKindNames();
      for (const auto& m : rule->match) {
        if (m != "*" && !ParseNeutralKindName(m)) {
          std::string dym = DidYouMean(m, names);
          diags_.Error(loc, "'" + m + "' is not a neutral type",
                       m == "jsonb" ? "match `type: json` with `when: { jsonb: true }`" : dym);
        }
      }
    }
    if (types) {
      if (rule->outcome == Outcome::kUnsupported && rule->has_to) {
        diags_.Error(loc, "an unsupported rule has no `to`; say what to do in `help`");
      } else if (rule->outcome != Outcome::kUnsupported && !rule->has_to) {
        diags_.Error(loc, "the rule has no `to` (or say `unsupported:` with a reason)");
      }
    }
    if (rule->has_to) CheckTemplate(s, to_node, rule->to);
    if (rule->name.empty()) rule->name = Join(rule->match, "|");
    if (diags_.error_count() > errors_before) return nullptr;
    return rule;
  }

  void CheckPlaceholders(const YAML::Node& where, const std::string& text) {
    for (const auto& p : PlaceholdersIn(text)) {
      if (!Placeholders().count(p)) {
        std::vector<std::string> names(Placeholders().begin(), Placeholders().end());
        diags_.Error(Loc(where), "unknown placeholder {" + p + "}", DidYouMean(p, names));
      }
    }
  }

  // Renders the template with sample values and parses the result, so a typo
  // in a rule file fails at load time, not when a user hits that rule.
  void CheckTemplate(RuleSection s, const YAML::Node& where, const std::string& tmpl) {
    CheckPlaceholders(where, tmpl);
    if (s != RuleSection::kTypeToNeutral && s != RuleSection::kTypeFromNeutral) return;
    std::map<std::string, std::string> sample = {
        {"p", "10"}, {"s", "2"}, {"n", "10"}, {"display", ""}, {"zerofill", ""}, {"unsigned", ""},
        {"width", ""}, {"fsp", "(3)"}, {"name", "x"}, {"charset", "utf8mb4"}, {"collation", "x"},
        {"fields", "day"}, {"bytes", "40"}, {"size", "normal"}, {"srid", "0"}, {"subtype", "point"},
        {"labels", "'a'"}, {"version", "1"}, {"to", "x"}, {"*", "x"},
        {"element", s == RuleSection::kTypeToNeutral ? "int32" : "integer"}};
    std::string text, error;
    Render(tmpl, sample, &text, nullptr);
    bool ok = s == RuleSection::kTypeToNeutral ? ParseNeutralType(text, &error).has_value()
                                               : ParseSimpleTypeName(text, &error).has_value();
    if (!ok) {
      diags_.Error(Loc(where), "`to: " + tmpl + "` is not a valid " +
                                   (s == RuleSection::kTypeToNeutral ? "neutral type" : "type spelling") +
                                   ": " + error);
    }
  }

  void LoadGuards(RuleSection s, const YAML::Node& v, Rule* rule) {
    if (!v.IsMap()) {
      diags_.Error(Loc(v), "`when` is a mapping of conditions, e.g. { unsigned: true, p: \">65\" }");
      return;
    }
    std::vector<std::string> allowed;
    for (const auto& k : kGuardKeys) if (KeyAllowed(k, s)) allowed.push_back(k.name);
    for (auto it = v.begin(); it != v.end(); ++it) {
      std::string key = it->first.as<std::string>();
      const YAML::Node c = it->second;
      const GuardKey* gk = nullptr;
      for (const auto& k : kGuardKeys) if (key == k.name && KeyAllowed(k, s)) gk = &k;
      if (!gk) {
        std::string dym = DidYouMean(key, allowed);
        diags_.Error(Loc(it->first), "unknown condition '" + key + "' in " + RuleSectionName(s),
                     dym.empty() ? "conditions here: " + QuotedList(allowed, " and ") : dym);
        continue;
      }
      RuleGuard g;
      g.key = key;
      g.kind = gk->kind;
      switch (g.kind) {
        case RuleGuard::Kind::kBool:
          try { g.flag = c.as<bool>(); } catch (const YAML::Exception&) {
            diags_.Error(Loc(c), "'" + key + "' is true or false");
          }
          break;
        case RuleGuard::Kind::kNumber:
          if (!ParseComparisons(Scalar(c), false, &g)) {
            diags_.Error(Loc(c), "'" + key + "' needs a number or comparisons such as \">65\", \"<=16383\", \"1..6\"");
          }
          break;
        case RuleGuard::Kind::kVersion:
          if (!ParseComparisons(Scalar(c), true, &g)) {
            diags_.Error(Loc(c), "a version condition is comparisons such as \">=8.0.17\" or \">=10.5 <10.10\"");
          }
          break;
        case RuleGuard::Kind::kString:
          if (c.IsScalar()) g.patterns.push_back(c.Scalar());
          else if (c.IsSequence()) for (const auto& x : c) g.patterns.push_back(Scalar(x));
          else diags_.Error(Loc(c), "'" + key + "' is a name or a list of names");
          break;
      }
      rule->guards.push_back(std::move(g));
    }
  }

  static bool ParseComparisons(const std::string& text, bool version, RuleGuard* g) {
    if (text.empty()) return false;
    size_t i = 0;
    bool any = false;
    while (i < text.size()) {
      while (i < text.size() && text[i] == ' ') ++i;
      if (i >= text.size()) break;
      size_t end = text.find(' ', i);
      if (end == std::string::npos) end = text.size();
      std::string term = text.substr(i, end - i);
      i = end;
      RuleGuard::Op op = RuleGuard::Op::kEq;
      size_t skip = 0;
      if (term.rfind(">=", 0) == 0) { op = RuleGuard::Op::kGe; skip = 2; }
      else if (term.rfind("<=", 0) == 0) { op = RuleGuard::Op::kLe; skip = 2; }
      else if (term.rfind("==", 0) == 0) { op = RuleGuard::Op::kEq; skip = 2; }
      else if (term.rfind("!=", 0) == 0) { op = RuleGuard::Op::kNe; skip = 2; }
      else if (term.rfind(">", 0) == 0) { op = RuleGuard::Op::kGt; skip = 1; }
      else if (term.rfind("<", 0) == 0) { op = RuleGuard::Op::kLt; skip = 1; }
      else if (version) return false;  // a bare version is ambiguous
      std::string rest = term.substr(skip);
      if (rest.empty()) return false;
      if (version) {
        if (!std::isdigit(static_cast<unsigned char>(rest[0]))) return false;
        g->versions.emplace_back(op, ParseVersion(rest));
      } else if (auto dots = rest.find(".."); dots != std::string::npos && skip == 0) {
        int64_t lo = 0, hi = 0;
        if (!ParseInt(rest.substr(0, dots), &lo) || !ParseInt(rest.substr(dots + 2), &hi)) return false;
        g->numbers.emplace_back(RuleGuard::Op::kGe, lo);
        g->numbers.emplace_back(RuleGuard::Op::kLe, hi);
      } else {
        int64_t n = 0;
        if (!ParseInt(rest, &n)) return false;
        g->numbers.emplace_back(op, n);
      }
      any = true;
    }
    return any;
  }

  static bool ParseInt(const std::string& s, int64_t* out) {
    if (s.empty()) return false;
    size_t i = s[0] == '-' ? 1 : 0;
    if (i >= s.size()) return false;
    int64_t v = 0;
    for (; i < s.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = s[0] == '-' ? -v : v;
    return true;
  }

  std::shared_ptr<const SourceFile> file_;
  DiagnosticSink& diags_;
  Dialect dialect_ = Dialect::kMySQL;
  std::vector<std::pair<std::string, YAML::Node>> sections_;
};

}  // namespace

TypeRuleSet::TypeRuleSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TypeRuleSet::TypeRuleSet(TypeRuleSet&&) noexcept = default;
TypeRuleSet& TypeRuleSet::operator=(TypeRuleSet&&) noexcept = default;
TypeRuleSet::~TypeRuleSet() = default;

std::optional<TypeRuleSet> TypeRuleSet::Load(const std::vector<RuleFileSource>& files, DiagnosticSink& diags) {
  auto impl = std::make_unique<Impl>();
  bool ok = true;
  std::map<Dialect, SourceLoc> parent_locs;
  std::map<Dialect, std::string> paths;
  for (const auto& f : files) {
    FileLoader loader(f, diags);
    auto res = loader.Load();
    if (!res) { ok = false; continue; }
    if (impl->dialects.count(res->dialect)) {
      diags.Error(SourceLoc{}, f.path + ": dialect '" + DialectName(res->dialect) + "' already has rules from " +
                                   paths[res->dialect]);
      ok = false;
      continue;
    }
    paths[res->dialect] = f.path;
    DialectRules dr;
    dr.dialect = res->dialect;
    dr.parent = res->parent;
    dr.default_version = res->default_version;
    dr.parent_version = res->parent_version;
    if (res->parent) parent_locs[res->dialect] = res->parent_loc;
    for (auto& r : res->rules) {
      dr.tables[SectionIndex(r->section)].push_back(r.get());
      impl->rules.push_back(std::move(r));
    }
    impl->dialects[res->dialect] = std::move(dr);
  }
  for (const auto& [d, dr] : impl->dialects) {
    if (!dr.parent) continue;
    if (*dr.parent == d) {
      diags.Error(parent_locs[d], "a dialect cannot inherit from itself");
      ok = false;
    } else if (!impl->dialects.count(*dr.parent)) {
      diags.Error(parent_locs[d], std::string("inherits from '") + DialectName(*dr.parent) +
                                      "', whose rule file is not loaded");
      ok = false;
    } else if (impl->dialects.at(*dr.parent).parent) {
      diags.Error(parent_locs[d], "inheritance is one level deep: the parent must not inherit itself");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return TypeRuleSet(std::move(impl));
}

std::optional<TypeRuleSet> TypeRuleSet::LoadEmbedded(DiagnosticSink& diags) {
  return Load(EmbeddedTypeRuleFiles(), diags);
}

Mapping<NeutralType> TypeRuleSet::ToNeutral(const TypeName& source, Dialect dialect,
                                            std::string_view version) const {
  return impl_->ToNeutral(source, dialect, version, 0);
}

Mapping<TypeName> TypeRuleSet::FromNeutral(const NeutralType& neutral, Dialect dialect,
                                           std::string_view version) const {
  return impl_->FromNeutral(neutral, dialect, version, 0);
}

std::vector<const Rule*> TypeRuleSet::AllRules() const {
  std::vector<const Rule*> out;
  for (const auto& r : impl_->rules) out.push_back(r.get());
  return out;
}

std::string TypeRuleSet::DefaultVersion(Dialect d) const {
  const DialectRules* dr = impl_->Find(d);
  return dr ? dr->default_version : std::string();
}

bool TypeRuleSet::HasDialect(Dialect d) const { return impl_->Find(d) != nullptr; }

TypeTranslation TypeRuleSet::Translate(const TypeName& source, Dialect from, Dialect to,
                                       const TranslateOptions& options) const {
  TypeTranslation tr;
  if (options.overrides) {
    std::string full = source.schema.empty() ? source.name : source.schema + "." + source.name;
    for (const auto& o : *options.overrides) {
      std::string want = Lower(o.type);
      bool type_ok = want.empty() || want == Lower(source.name) || want == Lower(full);
      bool column_ok = !o.column || o.column(options.column);
      if (!type_ok || !column_ok) continue;
      tr.target = o.to;
      tr.target_text = o.to.raw.empty() ? NativeTypeText(o.to, to) : o.to.raw;
      tr.outcome = Outcome::kUserOverride;
      tr.severity = Severity::kNote;
      tr.override_used = &o;
      tr.messages.push_back("type chosen by the plan's `types:` override" +
                            (o.origin.empty() ? std::string() : " at " + o.origin));
      return tr;
    }
  }
  auto in = ToNeutral(source, from, options.from_version);
  tr.rules = in.rules;
  tr.messages = in.messages;
  tr.help = in.help;
  tr.outcome = in.outcome;
  if (in.value) {
    tr.neutral = in.value;
    tr.neutral_text = ToString(*in.value);
    auto out = FromNeutral(*in.value, to, options.to_version);
    tr.rules.insert(tr.rules.end(), out.rules.begin(), out.rules.end());
    tr.messages.insert(tr.messages.end(), out.messages.begin(), out.messages.end());
    if (tr.help.empty()) tr.help = out.help;
    tr.outcome = Worse(tr.outcome, out.outcome);
    if (!out.rules.empty()) tr.rule = out.rules.front();
    for (const Rule* r : out.rules) {
      if (r->section != RuleSection::kTypeFromNeutral) continue;
      tr.key_prefix = tr.key_prefix || r->key_prefix;
      if (r->check_in_labels && tr.check_in_labels.empty()) tr.check_in_labels = in.value->labels;
    }
    if (out.value && tr.outcome != Outcome::kUnsupported) {
      tr.target = *out.value;
      tr.target_text = NativeTypeText(tr.target, to);
    }
  } else if (!in.rules.empty()) {
    tr.rule = in.rules.front();
  }
  if (tr.outcome == Outcome::kUnsupported) {
    tr.target = TypeName{};
    tr.target_text.clear();
    tr.severity = Severity::kError;
  } else if (tr.outcome == Outcome::kLossy) {
    tr.severity = options.strict ? Severity::kError : Severity::kWarning;
    if (options.strict) {
      tr.help += std::string(tr.help.empty() ? "" : " ") +
                 "--strict makes lossy mappings errors: accept this one with a `types:` override in the plan.";
    }
  } else {
    tr.severity = Severity::kNote;
  }
  return tr;
}

}  // namespace sluice
