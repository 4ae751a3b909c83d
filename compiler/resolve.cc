// Resolve walks the source catalog once, in name order, and asks for every
// table and view which object rule claims it (MatchObjectRule). For each
// claimed table it applies the rule's column renames and drops, checks them
// against the real columns, and picks the key (primary key, else a unique
// index on NOT NULL columns, else the plan's key, else a hidden key).
// Afterwards it checks the plan against what was found: literal names that
// match nothing, renames of columns that do not exist, and two sources that
// land on the same target name.

#include "compiler/resolve.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/text.h"

namespace sluice {

const char* KeySourceName(KeySource k) {
  switch (k) {
    case KeySource::kPrimaryKey: return "primary key";
    case KeySource::kUniqueKey: return "unique key";
    case KeySource::kPlanKey: return "plan key";
    case KeySource::kHiddenKey: return "hidden key";
  }
  return "?";
}

const ColumnMap* TableMapping::FindBySource(const std::string& name) const {
  for (const auto& c : columns) {
    if (c.source == name) return &c;
  }
  return nullptr;
}

const TableMapping* ResolvedPlan::FindSource(const std::string& schema,
                                             const std::string& table) const {
  for (const auto& t : tables) {
    if (t.source_schema == schema && t.source_table == table) return &t;
  }
  return nullptr;
}

std::optional<size_t> MatchObjectRule(const Plan& plan, const std::string& schema,
                                      const std::string& name) {
  std::vector<std::string> parts{schema, name};
  std::optional<size_t> glob_match;
  for (size_t i = 0; i < plan.objects.size(); ++i) {
    const NameGlob& from = plan.objects[i].from.value;
    if (!from.Matches(parts)) continue;
    if (from.literal) return i;
    if (!glob_match) glob_match = i;
  }
  if (!glob_match) return std::nullopt;
  for (const auto& ex : plan.objects[*glob_match].exclude) {
    if (ex.value.Matches(parts)) return std::nullopt;
  }
  return glob_match;
}

namespace {

// Every "schema.table" in the catalog, for did-you-mean.
std::vector<std::string> AllTableNames(const Catalog& catalog) {
  std::vector<std::string> out;
  for (const auto& s : catalog.schemas) {
    for (const auto& t : s.tables) out.push_back(s.name + "." + t.name);
    for (const auto& v : s.views) out.push_back(s.name + "." + v.name);
  }
  return out;
}

bool AllNotNull(const Table& t, const std::vector<std::string>& columns) {
  for (const auto& c : columns) {
    const Column* col = t.FindColumn(c);
    if (col == nullptr || col->nullable) return false;
  }
  return !columns.empty();
}

// Picks the key a table is chunked, synced and verified by.
void ChooseKey(const ObjectRule& rule, const Table& table, TableMapping& m, DiagnosticSink& diags) {
  if (!rule.key.empty()) {
    bool ok = true;
    std::vector<std::string> names;
    for (const auto& k : table.columns) names.push_back(k.name);
    for (const auto& k : rule.key) {
      const Column* col = table.FindColumn(k.value);
      if (col == nullptr) {
        diags.Error(k.loc, "unknown column '" + k.value + "' in the key of " + m.SourceName(),
                    DidYouMean(k.value, names));
        ok = false;
      } else if (col->nullable) {
        diags.Warning(k.loc, "key column '" + k.value + "' of " + m.SourceName() + " allows NULL",
                      "rows whose key is NULL cannot be synced or verified one by one; "
                      "declare the column NOT NULL on the source if it never holds NULL");
      }
      m.key.push_back(k.value);
    }
    if (table.primary_key) {
      diags.Warning(rule.key.front().loc,
                    m.SourceName() + " has a primary key; the plan's key replaces it for "
                                     "chunking, sync and verification");
    }
    m.key_source = KeySource::kPlanKey;
    if (!ok) m.key.clear();
    return;
  }
  if (table.primary_key && !table.primary_key->columns.empty()) {
    m.key_source = KeySource::kPrimaryKey;
    m.key = table.primary_key->columns;
    return;
  }
  // A unique index on NOT NULL plain columns; the narrowest, ties by name.
  const Index* best = nullptr;
  for (const auto& idx : table.indexes) {
    if (!idx.unique || !idx.predicate.empty()) continue;
    std::vector<std::string> cols;
    bool plain = true;
    for (const auto& p : idx.parts) {
      if (p.column.empty() || p.prefix_length > 0) plain = false;
      cols.push_back(p.column);
    }
    if (!plain || !AllNotNull(table, cols)) continue;
    if (best == nullptr || idx.parts.size() < best->parts.size() ||
        (idx.parts.size() == best->parts.size() && idx.name < best->name)) {
      best = &idx;
    }
  }
  if (best != nullptr) {
    m.key_source = KeySource::kUniqueKey;
    m.key_index = best->name;
    for (const auto& p : best->parts) m.key.push_back(p.column);
    return;
  }
  m.key_source = KeySource::kHiddenKey;
  diags.Warning(m.loc,
                m.SourceName() + " has no primary key or unique key on NOT NULL columns",
                std::string("Sluice adds a hidden column '") + kHiddenKeyColumn +
                    "' with a unique index on the target and drops both at switchover; "
                    "or name a key with 'key: [column, ...]'");
}

}  // namespace

ResolvedPlan Resolve(const Plan& plan, const Catalog& source, DiagnosticSink& diags) {
  ResolvedPlan out;
  std::vector<bool> rule_used(plan.objects.size(), false);

  std::vector<const Schema*> schemas;
  for (const auto& s : source.schemas) schemas.push_back(&s);
  std::sort(schemas.begin(), schemas.end(),
            [](const Schema* a, const Schema* b) { return a->name < b->name; });

  for (const Schema* schema : schemas) {
    std::vector<const Table*> tables;
    for (const auto& t : schema->tables) tables.push_back(&t);
    std::sort(tables.begin(), tables.end(),
              [](const Table* a, const Table* b) { return a->name < b->name; });
    for (const Table* table : tables) {
      if (table->temporary) continue;
      auto rule_index = MatchObjectRule(plan, schema->name, table->name);
      if (!rule_index) continue;
      rule_used[*rule_index] = true;
      const ObjectRule& rule = plan.objects[*rule_index];
      TableMapping m;
      m.source_schema = schema->name;
      m.source_table = table->name;
      auto target = rule.to.value.Expand(schema->name, table->name);
      m.target_schema = target[0];
      m.target_table = target[1];
      m.rule_index = *rule_index;
      m.loc = rule.from.loc;
      m.where = rule.where.value;
      m.row_estimate = table->row_estimate;
      m.source = table;
      std::set<std::string> dropped;
      for (const auto& d : rule.columns.drop) dropped.insert(d.value);
      std::map<std::string, std::string> renamed;
      for (const auto& [from, to] : rule.columns.rename) renamed[from.value] = to.value;
      for (const auto& col : table->columns) {
        if (dropped.count(col.name)) {
          m.dropped.push_back(col.name);
          continue;
        }
        auto it = renamed.find(col.name);
        m.columns.push_back({col.name, it == renamed.end() ? col.name : it->second, col});
      }
      ChooseKey(rule, *table, m, diags);
      for (const auto& k : m.key) {
        if (dropped.count(k)) {
          diags.Error(rule.from.loc, "key column '" + k + "' of " + m.SourceName() + " is dropped",
                      "a table's key must be migrated; remove it from 'columns.drop'");
        }
      }
      out.tables.push_back(std::move(m));
    }
    std::vector<const View*> views;
    for (const auto& v : schema->views) views.push_back(&v);
    std::sort(views.begin(), views.end(),
              [](const View* a, const View* b) { return a->name < b->name; });
    for (const View* view : views) {
      auto rule_index = MatchObjectRule(plan, schema->name, view->name);
      if (!rule_index) continue;
      rule_used[*rule_index] = true;
      const ObjectRule& rule = plan.objects[*rule_index];
      auto target = rule.to.value.Expand(schema->name, view->name);
      out.views.push_back(ViewMapping{schema->name, view->name, target[0], target[1],
                                      *rule_index, rule.from.loc, view});
    }
  }

  // Column renames and drops must name real columns of every table the rule
  // selects (a typo must not silently migrate the column under its old name).
  for (size_t i = 0; i < plan.objects.size(); ++i) {
    const ObjectRule& rule = plan.objects[i];
    std::vector<const TableMapping*> selected;
    for (const auto& t : out.tables) {
      if (t.rule_index == i) selected.push_back(&t);
    }
    auto check_column = [&](const Located<std::string>& name, const char* what) {
      for (const TableMapping* t : selected) {
        if (t->source->FindColumn(name.value) != nullptr) continue;
        std::vector<std::string> names;
        for (const auto& c : t->source->columns) names.push_back(c.name);
        diags.Error(name.loc,
                    std::string("unknown column '") + name.value + "' in 'objects[" +
                        std::to_string(i + 1) + "].columns." + what + "' (table " +
                        t->SourceName() + ")",
                    DidYouMean(name.value, names));
      }
    };
    for (const auto& [from, to] : rule.columns.rename) check_column(from, "rename");
    for (const auto& d : rule.columns.drop) check_column(d, "drop");
    if (!rule_used[i]) {
      if (rule.from.value.literal) {
        diags.Error(rule.from.loc,
                    "table '" + rule.from.value.text + "' does not exist on the source",
                    DidYouMean(rule.from.value.text, AllTableNames(source)));
      } else {
        diags.Warning(rule.from.loc, "'" + rule.from.value.text + "' matches no table on the source",
                      "names match case-sensitively; check the schema name");
      }
    }
  }

  // Two sources landing on one target name.
  std::map<std::string, const TableMapping*> targets;
  for (const auto& t : out.tables) {
    auto [it, inserted] = targets.emplace(t.TargetName(), &t);
    if (!inserted) {
      diags.Error(t.loc, t.SourceName() + " and " + it->second->SourceName() +
                             " would both become " + t.TargetName(),
                  "give one of them another name with 'to:'")
          .notes.push_back({it->second->loc, "the other comes from this rule"});
    }
  }
  for (const auto& v : out.views) {
    std::string name = v.target_schema + "." + v.target_view;
    if (targets.count(name)) {
      diags.Error(v.loc, "view " + v.source_schema + "." + v.source_view +
                             " and a table would both become " + name);
    }
  }
  return out;
}

}  // namespace sluice
