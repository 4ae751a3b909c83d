// Catalog model helpers: lookups, normalisation and view ordering.
//
// SortViewsByDependency runs Kahn's algorithm over the view-to-view edges
// (dependencies on tables are always satisfied first), taking the smallest
// ready name each step so the order is deterministic. What Kahn cannot place
// lies on or behind a cycle; Tarjan's algorithm over those leftovers names the
// cycles themselves.

#include "catalog/catalog.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>

namespace sluice {

namespace {

template <typename T>
const T* FindByName(const std::vector<T>& items, const std::string& name) {
  for (const T& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

template <typename T>
void SortByName(std::vector<T>& items) {
  std::stable_sort(items.begin(), items.end(),
                   [](const T& a, const T& b) { return a.name < b.name; });
}

}  // namespace

const Column* Table::FindColumn(const std::string& column) const { return FindByName(columns, column); }
const Index* Table::FindIndex(const std::string& index) const { return FindByName(indexes, index); }
const Table* Schema::FindTable(const std::string& table) const { return FindByName(tables, table); }
const View* Schema::FindView(const std::string& view) const { return FindByName(views, view); }
const Schema* Catalog::FindSchema(const std::string& schema) const { return FindByName(schemas, schema); }

void NormalizeCatalog(Catalog& catalog) {
  SortByName(catalog.schemas);
  for (Schema& s : catalog.schemas) {
    SortByName(s.tables);
    for (Table& t : s.tables) {
      std::stable_sort(t.columns.begin(), t.columns.end(),
                       [](const Column& a, const Column& b) { return a.ordinal < b.ordinal; });
      SortByName(t.unique_constraints);
      SortByName(t.indexes);
      SortByName(t.foreign_keys);
      SortByName(t.checks);
    }
    SortByName(s.views);
    for (View& v : s.views) {
      std::sort(v.depends_on.begin(), v.depends_on.end());
      v.depends_on.erase(std::unique(v.depends_on.begin(), v.depends_on.end()), v.depends_on.end());
    }
    SortByName(s.sequences);
    SortByName(s.enum_types);
    SortByName(s.domains);
    for (Domain& d : s.domains) SortByName(d.checks);
    std::stable_sort(s.routines.begin(), s.routines.end(), [](const Routine& a, const Routine& b) {
      return std::tie(a.name, a.arguments) < std::tie(b.name, b.arguments);
    });
    std::stable_sort(s.triggers.begin(), s.triggers.end(), [](const Trigger& a, const Trigger& b) {
      return std::tie(a.table, a.name) < std::tie(b.table, b.name);
    });
  }
}

ViewOrder SortViewsByDependency(const Catalog& catalog) {
  // Nodes are the views, keyed "schema.name"; edges point from a view to the
  // views it uses.
  std::map<std::string, QualifiedName> nodes;
  for (const Schema& s : catalog.schemas) {
    for (const View& v : s.views) nodes[s.name + "." + v.name] = QualifiedName{s.name, v.name};
  }
  std::map<std::string, std::set<std::string>> uses;       // view -> views it depends on
  std::map<std::string, std::set<std::string>> used_by;    // view -> views depending on it
  for (const Schema& s : catalog.schemas) {
    for (const View& v : s.views) {
      std::string key = s.name + "." + v.name;
      uses[key];
      for (const std::string& dep : v.depends_on) {
        if (nodes.count(dep) == 0) continue;  // a table, or outside the catalog
        uses[key].insert(dep);
        used_by[dep].insert(key);
      }
    }
  }

  ViewOrder result;
  std::map<std::string, size_t> pending;
  std::set<std::string> ready;
  for (const auto& [key, deps] : uses) {
    pending[key] = deps.size();
    if (deps.empty()) ready.insert(key);
  }
  std::set<std::string> placed;
  while (!ready.empty()) {
    std::string key = *ready.begin();
    ready.erase(ready.begin());
    placed.insert(key);
    result.order.push_back(nodes[key]);
    for (const std::string& dependent : used_by[key]) {
      if (--pending[dependent] == 0) ready.insert(dependent);
    }
  }
  if (placed.size() == nodes.size()) return result;

  // Tarjan's strongly connected components over the views Kahn left behind.
  std::map<std::string, int> index, low;
  std::set<std::string> on_stack;
  std::vector<std::string> stack;
  int next_index = 0;
  std::function<void(const std::string&)> connect = [&](const std::string& v) {
    index[v] = low[v] = next_index++;
    stack.push_back(v);
    on_stack.insert(v);
    for (const std::string& w : uses[v]) {
      if (placed.count(w)) continue;
      if (!index.count(w)) {
        connect(w);
        low[v] = std::min(low[v], low[w]);
      } else if (on_stack.count(w)) {
        low[v] = std::min(low[v], index[w]);
      }
    }
    if (low[v] == index[v]) {
      std::vector<QualifiedName> component;
      std::string w;
      do {
        w = stack.back();
        stack.pop_back();
        on_stack.erase(w);
        component.push_back(nodes[w]);
      } while (w != v);
      bool self_loop = uses[v].count(v) > 0;
      if (component.size() > 1 || self_loop) {
        std::sort(component.begin(), component.end());
        result.cycles.push_back(std::move(component));
      }
    }
  };
  for (const auto& [key, name] : nodes) {
    if (!placed.count(key) && !index.count(key)) connect(key);
  }
  std::sort(result.cycles.begin(), result.cycles.end());
  for (const auto& [key, name] : nodes) {
    if (!placed.count(key)) result.order.push_back(name);
  }
  return result;
}

const char* DefaultKindName(DefaultKind k) {
  switch (k) {
    case DefaultKind::kNone: return "none";
    case DefaultKind::kLiteral: return "literal";
    case DefaultKind::kExpression: return "expression";
    case DefaultKind::kSequence: return "sequence";
  }
  return "?";
}

const char* GeneratedKindName(GeneratedKind k) {
  switch (k) {
    case GeneratedKind::kNone: return "none";
    case GeneratedKind::kStored: return "stored";
    case GeneratedKind::kVirtual: return "virtual";
  }
  return "?";
}

const char* IdentityKindName(IdentityKind k) {
  switch (k) {
    case IdentityKind::kNone: return "none";
    case IdentityKind::kAlways: return "always";
    case IdentityKind::kByDefault: return "by_default";
  }
  return "?";
}

}  // namespace sluice
