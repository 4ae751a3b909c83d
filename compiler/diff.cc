// Diff: for every desired object, find it in the existing target catalog; a
// missing object is created whole, a present table is compared column by
// column (missing -> ADD COLUMN, different type/nullability -> ALTER), and
// missing indexes and constraints are added. Views that exist are kept.

#include "compiler/diff.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace sluice {

const char* ChangeSymbol(ChangeAction a) {
  switch (a) {
    case ChangeAction::kCreate: return "+";
    case ChangeAction::kAlter: return "~";
    case ChangeAction::kNone: return "=";
  }
  return "?";
}

namespace {

std::string NormaliseType(std::string t) {
  std::string out;
  for (char c : t) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  // Integer display widths mean nothing to the stored value: int(11) == int.
  static const char* kInts[] = {"tinyint", "smallint", "mediumint", "int", "bigint"};
  for (const char* name : kInts) {
    std::string prefix = std::string(name) + "(";
    if (out.rfind(prefix, 0) == 0) {
      size_t close = out.find(')');
      std::string width = out.substr(prefix.size(), close - prefix.size());
      // tinyint(1) is how MySQL-family engines spell booleans: keep it.
      if (!(std::string(name) == "tinyint" && width == "1")) out = name + out.substr(close + 1);
      break;
    }
  }
  // PostgreSQL reports timestamp(0) as "timestamp(0) without time zone".
  const std::string without_tz = " without time zone";
  if (out.size() > without_tz.size() && out.compare(out.size() - without_tz.size(), without_tz.size(), without_tz) == 0) {
    out.erase(out.size() - without_tz.size());
  }
  if (out == "integer") out = "int";
  if (out == "character varying") out = "varchar";
  if (out.rfind("character varying(", 0) == 0) out = "varchar" + out.substr(17);
  return out;
}

}  // namespace

bool SameColumnType(const std::string& a, const std::string& b) {
  return NormaliseType(a) == NormaliseType(b);
}

namespace {

// Splits "varchar(20) CHARACTER SET utf8mb4 COLLATE x" into the type and its
// charset / collation clauses (MySQL-family catalogs report them apart).
std::string SplitCharset(const std::string& type, std::string* charset, std::string* collation) {
  std::string lower = NormaliseType(type);
  std::string base = lower;
  size_t cs = lower.find(" character set ");
  size_t co = lower.find(" collate ");
  size_t cut = std::min(cs, co);
  if (cut != std::string::npos) base = lower.substr(0, cut);
  // PostgreSQL writes the collation as an identifier (COLLATE "C"); readers report the bare name.
  auto word_after = [&](size_t pos, size_t skip) {
    std::string rest = lower.substr(pos + skip);
    std::string word = rest.substr(0, rest.find(' '));
    if (word.size() >= 2 && word.front() == '"' && word.back() == '"') word = word.substr(1, word.size() - 2);
    return word;
  };
  if (cs != std::string::npos) *charset = word_after(cs, 15);
  if (co != std::string::npos) *collation = word_after(co, 9);
  return base;
}

// Whether an existing target column already has the desired type.
bool ColumnTypeMatches(const Column& existing, const Column& desired) {
  std::string charset, collation;
  std::string base = SplitCharset(desired.type_raw, &charset, &collation);
  bool same_base = NormaliseType(existing.type_raw) == base ||
                   (!existing.type.name.empty() && NormaliseType(existing.type.name) == base);
  if (!same_base) return false;
  auto lower = [](std::string v) { return NormaliseType(v); };
  if (!charset.empty() && !existing.charset.empty() && lower(existing.charset) != charset) return false;
  if (!collation.empty() && !existing.collation.empty() && lower(existing.collation) != collation) return false;
  return true;
}

}  // namespace

SchemaDiff Diff(const TargetSchema& desired, const Catalog* existing, const DdlWriter& w) {
  SchemaDiff d;
  d.target_inspected = existing != nullptr;
  auto find_schema = [&](const std::string& name) -> const Schema* {
    return existing ? existing->FindSchema(name) : nullptr;
  };
  bool pg = desired.dialect == Dialect::kPostgreSQL;
  for (const auto& s : desired.schemas) {
    ObjectChange c;
    c.kind = pg ? "schema" : "database";
    c.name = s;
    if (find_schema(s) != nullptr) {
      c.action = ChangeAction::kNone;
      ++d.unchanged;
    } else {
      c.create_sql = {w.CreateSchema(s)};
      ++d.to_add;
    }
    d.changes.push_back(std::move(c));
  }

  std::vector<const TranslatedTable*> tables;
  for (const auto& t : desired.tables) tables.push_back(&t);
  std::sort(tables.begin(), tables.end(), [](const TranslatedTable* a, const TranslatedTable* b) {
    return a->mapping->TargetName() < b->mapping->TargetName();
  });
  for (const TranslatedTable* t : tables) {
    const std::string& schema = t->mapping->target_schema;
    ObjectChange c;
    c.kind = "table";
    c.name = t->mapping->TargetName();
    c.source_name = t->mapping->SourceName();
    c.table = t;
    const Schema* es = find_schema(schema);
    const Table* et = es ? es->FindTable(t->table.name) : nullptr;
    if (et == nullptr) {
      c.action = ChangeAction::kCreate;
      c.create_sql = w.CreateTable(schema, t->table);
      std::vector<std::string> inlined = w.InlinedIndexes(t->table);
      for (const auto& idx : t->table.indexes) {
        if (std::find(inlined.begin(), inlined.end(), idx.name) != inlined.end()) continue;
        c.index_sql.push_back(w.CreateIndex(schema, t->table.name, idx));
      }
      for (const auto& fk : t->table.foreign_keys) c.constraint_sql.push_back(w.AddForeignKey(schema, t->table.name, fk));
      for (const auto& ck : t->table.checks) c.constraint_sql.push_back(w.AddCheck(schema, t->table.name, ck));
      ++d.to_add;
      d.changes.push_back(std::move(c));
      continue;
    }
    // The table exists: compare.
    for (const auto& col : t->table.columns) {
      const Column* ec = et->FindColumn(col.name);
      if (ec == nullptr) {
        c.details.push_back("+ column " + col.name + " " + col.type_raw);
        c.create_sql.push_back(w.AddColumn(schema, t->table.name, col));
        continue;
      }
      bool type_differs = !ColumnTypeMatches(*ec, col);
      bool null_differs = ec->nullable != col.nullable;
      if (type_differs || null_differs) {
        std::string what = type_differs ? "type " + ec->type_raw + " -> " + col.type_raw : "";
        if (null_differs) {
          what += std::string(what.empty() ? "" : ", ") + (col.nullable ? "NOT NULL -> NULL" : "NULL -> NOT NULL");
        }
        c.details.push_back("~ column " + col.name + ": " + what);
        for (auto& s : w.AlterColumn(schema, t->table.name, col)) c.create_sql.push_back(s);
      }
    }
    for (const auto& ec : et->columns) {
      bool wanted = false;
      for (const auto& col : t->table.columns) wanted = wanted || col.name == ec.name;
      if (!wanted) {
        c.details.push_back("  column " + ec.name + " exists only on the target; kept (" +
                            (ec.nullable || ec.default_value.kind != DefaultKind::kNone
                                 ? "copied rows leave it at its default)"
                                 : "NOT NULL without a default: the copy will fail)"));
      }
    }
    for (const auto& idx : t->table.indexes) {
      if (et->FindIndex(idx.name) == nullptr) {
        c.details.push_back("+ index " + idx.name);
        c.index_sql.push_back(w.CreateIndex(schema, t->table.name, idx));
      }
    }
    std::set<std::string> existing_constraints;
    for (const auto& fk : et->foreign_keys) existing_constraints.insert(fk.name);
    for (const auto& ck : et->checks) existing_constraints.insert(ck.name);
    for (const auto& fk : t->table.foreign_keys) {
      if (!existing_constraints.count(fk.name)) {
        c.details.push_back("+ foreign key " + fk.name);
        c.constraint_sql.push_back(w.AddForeignKey(schema, t->table.name, fk));
      }
    }
    for (const auto& ck : t->table.checks) {
      if (!existing_constraints.count(ck.name)) {
        c.details.push_back("+ check " + ck.name);
        c.constraint_sql.push_back(w.AddCheck(schema, t->table.name, ck));
      }
    }
    if (c.create_sql.empty() && c.index_sql.empty() && c.constraint_sql.empty()) {
      c.action = ChangeAction::kNone;
      ++d.unchanged;
    } else {
      c.action = ChangeAction::kAlter;
      ++d.to_change;
    }
    d.changes.push_back(std::move(c));
  }

  for (const auto& v : desired.views) {
    if (!v.ok) continue;
    ObjectChange c;
    c.kind = "view";
    c.name = v.mapping->target_schema + "." + v.mapping->target_view;
    c.source_name = v.mapping->source_schema + "." + v.mapping->source_view;
    c.view = &v;
    const Schema* es = find_schema(v.mapping->target_schema);
    if (es && es->FindView(v.view.name)) {
      c.action = ChangeAction::kNone;
      ++d.unchanged;
    } else {
      c.create_sql = {w.CreateView(v.mapping->target_schema, v.view)};
      ++d.to_add;
    }
    d.changes.push_back(std::move(c));
  }
  return d;
}

}  // namespace sluice
