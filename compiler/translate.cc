// Schema translation, table by table.
//
// Columns: the type goes through the type rules (dialects/types, with the
// plan's `types:` overrides first); defaults, generated expressions and
// CHECKs go through the expression grammar (parse in the source dialect,
// print in the target's); sequences and identities become the target's
// auto-numbering. Keys and indexes follow, with what the target lacks
// (partial or expression indexes, index methods, prefix rules) decided by the
// small tables at the top of this file. Last, names are made legal for the
// target: length limits, MySQL's case-insensitive column and index names, and
// PostgreSQL's per-schema index names. Every rename is deterministic and
// reported.

#include "compiler/translate.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

#include "common/text.h"
#include "dialects/types/type_rules.h"
#include "grammar/expr_parser.h"
#include "grammar/expr_printer.h"

namespace sluice {

namespace {

// ---- small tables ------------------------------------------------------------

// Index methods each target family has. Anything else is reported.
struct IndexMethodRule {
  bool target_is_pg;
  const char* method;
  const char* becomes;  // nullptr: not supported
  const char* why;
};
constexpr IndexMethodRule kIndexMethods[] = {
    {false, "btree", "btree", ""},
    {false, "hash", "btree", "MySQL-family InnoDB indexes are B-trees; a hash index becomes one"},
    {false, "fulltext", "fulltext", ""},
    {false, "spatial", "spatial", ""},
    {false, "gin", nullptr, "GIN indexes have no MySQL-family equivalent"},
    {false, "gist", nullptr, "GiST indexes have no MySQL-family equivalent"},
    {false, "brin", nullptr, "BRIN indexes have no MySQL-family equivalent"},
    {false, "spgist", nullptr, "SP-GiST indexes have no MySQL-family equivalent"},
    {true, "btree", "btree", ""},
    {true, "hash", "hash", ""},
    {true, "gin", "gin", ""},
    {true, "gist", "gist", ""},
    {true, "brin", "brin", ""},
    {true, "spgist", "spgist", ""},
    {true, "fulltext", nullptr,
     "a FULLTEXT index has no direct PostgreSQL form; create a GIN index on to_tsvector(...) by hand"},
    {true, "spatial", nullptr, "a SPATIAL index needs PostGIS (a GiST index on a geometry column)"},
};

// What a MySQL BIGINT UNSIGNED auto-numbered column becomes on PostgreSQL
// (and, to keep foreign keys implementable, the columns that reference it).
constexpr const char* kNarrowedUInt64 = "bigint";

// Prefix length given to a TEXT/BLOB column in a non-unique MySQL index: 255
// characters stay within InnoDB's 3072-byte key limit even at 4 bytes each.
constexpr int64_t kTextIndexPrefix = 255;

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// PostgreSQL stores `col IN ('a', 'b')` on a varchar column as
// `col::text = ANY ((ARRAY['a'::varchar, 'b'::varchar])::text[])`. The cast of
// the array only serves PostgreSQL's typing; without it the printer's
// `= ANY (ARRAY[...])` -> `IN (...)` rewrite applies for MySQL-family targets.
void DropArrayCastsUnderAny(Expr& e) {
  if (e.kind == ExprKind::kQuantified && e.args.size() == 2 && e.args[1]) {
    ExprPtr& rhs = e.args[1];
    while (rhs->kind == ExprKind::kCast && rhs->type.array_dims > 0 && !rhs->args.empty() && rhs->args[0] &&
           rhs->args[0]->kind == ExprKind::kArray) {
      ExprPtr inner = std::move(rhs->args[0]);
      rhs = std::move(inner);
    }
  }
  for (auto& a : e.args) if (a) DropArrayCastsUnderAny(*a);
  if (e.operand) DropArrayCastsUnderAny(*e.operand);
  if (e.else_expr) DropArrayCastsUnderAny(*e.else_expr);
  if (e.filter) DropArrayCastsUnderAny(*e.filter);
}


// ---- the translator ------------------------------------------------------------

class TableTranslator {
 public:
  TableTranslator(const Plan& plan, const ResolvedPlan& resolved, const TypeRuleSet& rules,
                  const TranslateSettings& settings, std::vector<TypeOverride>& overrides)
      : plan_(plan), resolved_(resolved), rules_(rules), s_(settings), overrides_(overrides) {}

  TranslatedTable Run(const TableMapping& m) {
    TranslatedTable out;
    out.mapping = &m;
    out_ = &out;
    m_ = &m;
    Table& t = out.table;
    t.name = m.target_table;
    t.comment = m.source->comment;
    t.row_estimate = m.source->row_estimate;
    if (IsMySQLFamily(s_.target)) {
      // Table options: keep the engine between MySQL-family engines, InnoDB otherwise.
      t.engine = IsMySQLFamily(s_.source) && !m.source->engine.empty() ? m.source->engine : "";
      if (IsMySQLFamily(s_.source)) TranslateTableCollation();
    }
    for (const auto& cm : m.columns) TranslateColumn(cm);
    AddKey();
    TranslateIndexes();
    TranslateForeignKeys();
    TranslateChecks();
    TranslatePartitioning();
    FixColumnNames();
    return out;
  }

 private:
  bool target_pg() const { return s_.target == Dialect::kPostgreSQL; }

  void Find(Outcome o, std::string subject, std::string message, std::string help = {},
            std::string rule = {}) {
    if (o == Outcome::kExact || o == Outcome::kUserOverride) return;
    out_->findings.push_back(Finding{o, std::move(subject), std::move(message), std::move(help),
                                     std::move(rule)});
  }

  // The source column's TypeName, parsed from its text when the catalog
  // reader left it empty; PostgreSQL enum and domain types resolved.
  TypeName SourceType(const Column& c) {
    TypeName t = c.type;
    if (t.name.empty()) {
      auto parsed = ParseTypeName(c.type_raw, s_.source);
      if (parsed.ok() && parsed.type) t = *parsed.type;
      else t.name = Lower(c.type_raw);
    }
    if (t.raw.empty()) t.raw = c.type_raw;
    // MySQL-family readers report a column's charset and collation apart from
    // its type. Between MySQL-family engines a column that follows its
    // table's default keeps following it (the table's default is carried);
    // for PostgreSQL every collation is mapped (and its case rules reported).
    if (t.charset.empty() && t.collation.empty() && (!c.charset.empty() || !c.collation.empty())) {
      bool table_default = IsMySQLFamily(s_.source) && c.charset == m_->source->charset &&
                           c.collation == m_->source->collation;
      if (!(table_default && IsMySQLFamily(s_.target))) {
        t.charset = c.charset;
        t.collation = c.collation;
      }
    }
    if (s_.source == Dialect::kPostgreSQL && t.labels.empty()) {
      for (const auto& schema : source_catalog_schemas()) {
        if (!t.schema.empty() && schema->name != t.schema) continue;
        for (const auto& e : schema->enum_types) {
          if (e.name == t.name) t.labels = e.labels;
        }
        for (const auto& d : schema->domains) {
          if (d.name != t.name) continue;
          Find(Outcome::kLossy, "column " + current_column_,
               "domain '" + d.name + "' becomes its base type " + d.base_type_raw +
                   "; the domain's own constraints are not carried over",
               "add a CHECK on the target by hand if the application relies on it");
          TypeName base = d.base_type;
          if (base.name.empty()) {
            auto parsed = ParseTypeName(d.base_type_raw, s_.source);
            if (parsed.ok() && parsed.type) base = *parsed.type;
          }
          base.array_dims += t.array_dims;
          return base;
        }
      }
    }
    return t;
  }

  std::vector<const Schema*> source_catalog_schemas() const { return schemas_; }

  // The table's default charset and collation, mapped by the collation rules
  // as a character column with them would be.
  void TranslateTableCollation() {
    const Table& src = *m_->source;
    if (src.charset.empty() && src.collation.empty()) return;
    TypeName probe;
    probe.name = "varchar";
    probe.params = {1};
    probe.charset = src.charset;
    probe.collation = src.collation;
    TranslateOptions topts;
    topts.from_version = s_.source_version;
    topts.to_version = s_.target_version;
    TypeTranslation tr = rules_.Translate(probe, s_.source, s_.target, topts);
    if (tr.outcome == Outcome::kUnsupported) {
      Find(Outcome::kLossy, "table " + m_->target_table,
           "its default collation " + src.collation + " is not kept: " + Join(tr.messages, "; ") +
               "; the target database's default applies");
      return;
    }
    out_->table.charset = tr.target.charset;
    out_->table.collation = tr.target.collation;
    if (tr.outcome == Outcome::kLossy) {
      Find(Outcome::kLossy, "table " + m_->target_table, "default collation: " + Join(tr.messages, "; "));
    }
  }

 public:
  std::vector<const Schema*> schemas_;  // the source catalog's schemas (for enum/domain lookup)

 private:
  void TranslateColumn(const ColumnMap& cm) {
    const Column& src = cm.column;
    current_column_ = cm.target;
    Column c;
    c.name = cm.target;
    c.nullable = src.nullable;
    c.comment = src.comment;
    c.ordinal = static_cast<int>(out_->table.columns.size()) + 1;

    TranslateOptions topts;
    topts.from_version = s_.source_version;
    topts.to_version = s_.target_version;
    topts.overrides = &overrides_;
    topts.column = m_->source_schema + "." + m_->source_table + "." + src.name;
    topts.strict = false;  // strictness is applied to findings below
    TypeName source_type = SourceType(src);
    TypeTranslation tr = rules_.Translate(source_type, s_.source, s_.target, topts);
    c.type_raw = tr.target_text;
    c.type = tr.target;
    std::string rule_where = tr.rule ? tr.rule->Where() : "";
    std::string subject = "column " + cm.target;
    if (tr.outcome == Outcome::kUnsupported) {
      Find(Outcome::kUnsupported, subject,
           "type " + src.type_raw + " cannot be migrated: " + Join(tr.messages, "; "), tr.help,
           rule_where);
    } else if (tr.outcome == Outcome::kLossy) {
      Find(Outcome::kLossy, subject, src.type_raw + " → " + tr.target_text + ": " + Join(tr.messages, "; "),
           tr.help, rule_where);
    }
    if (!tr.check_in_labels.empty()) {
      std::string list;
      for (size_t i = 0; i < tr.check_in_labels.size(); ++i) {
        list += (i ? ", " : "") + QuoteString(tr.check_in_labels[i], s_.target).value_or("''");
      }
      out_->table.checks.push_back(
          Check{FitIdentifier(m_->target_table + "_" + cm.target + "_check", s_.target),
                QuoteIdentifier(cm.target, s_.target) + " IN (" + list + ")", true});
    }
    if (tr.key_prefix) key_prefix_columns_.insert(cm.target);
    neutral_.emplace(cm.target, tr.neutral);

    ColumnTranslation ct{src.name, src.type_raw, tr.neutral_text, cm.target, tr.target_text,
                         tr.outcome, src.generated != GeneratedKind::kNone};

    // Generated columns: the expression in the target's SQL. Never written.
    if (src.generated != GeneratedKind::kNone) {
      c.generated = src.generated;
      if (target_pg() && src.generated == GeneratedKind::kVirtual) {
        c.generated = GeneratedKind::kStored;
        Find(Outcome::kLossy, subject, "a VIRTUAL generated column becomes STORED (PostgreSQL 15 has no virtual ones)");
      }
      auto printed = TranslateExpression(src.generation_expression, subject, "generated expression");
      if (printed) {
        c.generation_expression = *printed;
      } else {
        Find(Outcome::kUnsupported, subject, "its generated expression cannot be translated",
             "drop the column with 'columns.drop' and compute it on the target");
      }
    }

    // Auto-numbering: MySQL AUTO_INCREMENT, PostgreSQL identity and serial.
    bool numbered = src.auto_increment || src.identity != IdentityKind::kNone ||
                    src.default_value.kind == DefaultKind::kSequence;
    if (numbered && src.generated == GeneratedKind::kNone) {
      if (target_pg()) {
        c.identity = src.identity == IdentityKind::kAlways ? IdentityKind::kAlways : IdentityKind::kByDefault;
        if (tr.neutral && tr.neutral->kind == NeutralKind::kUInt64) {
          // numeric(20,0) holds every BIGINT UNSIGNED but cannot be an identity.
          c.type_raw = kNarrowedUInt64;
          c.type = TypeName{};
          c.type.name = c.type.raw = kNarrowedUInt64;
          ct.target_type = kNarrowedUInt64;
          ct.outcome = Outcome::kLossy;
          Find(Outcome::kLossy, subject,
               src.type_raw + " AUTO_INCREMENT becomes bigint GENERATED BY DEFAULT AS IDENTITY: PostgreSQL "
               "identity columns are smallint, integer or bigint, so values above 9223372036854775807 "
               "cannot be stored");
        }
      } else if (has_auto_increment_) {
        Find(Outcome::kLossy, subject,
             "a second auto-numbered column: MySQL allows one AUTO_INCREMENT column per table; "
             "this one keeps its values but gets no default",
             "", "");
      } else {
        c.auto_increment = true;
        has_auto_increment_ = true;
        if (src.identity == IdentityKind::kAlways) {
          Find(Outcome::kLossy, subject,
               "GENERATED ALWAYS AS IDENTITY becomes AUTO_INCREMENT, which also accepts explicit values");
        }
      }
    } else if (src.default_value.kind != DefaultKind::kNone && src.generated == GeneratedKind::kNone) {
      TranslateDefault(src, tr, c);
    }

    if (!src.on_update.empty()) {
      if (target_pg()) {
        Find(Outcome::kLossy, subject,
             "ON UPDATE " + src.on_update + " has no PostgreSQL column form; the value is no longer "
             "refreshed on update", "create a BEFORE UPDATE trigger on the target if the application relies on it");
      } else {
        auto printed = TranslateExpression(src.on_update, subject, "ON UPDATE expression", PrecisionOf(tr));
        if (printed) c.on_update = *printed;
      }
    }
    if (src.invisible) {
      if (target_pg()) Find(Outcome::kLossy, subject, "INVISIBLE columns do not exist in PostgreSQL; it becomes visible");
      else c.invisible = true;
    }
    out_->table.columns.push_back(std::move(c));
    out_->columns.push_back(std::move(ct));
  }

  std::optional<int> PrecisionOf(const TypeTranslation& tr) const {
    if (tr.neutral && (tr.neutral->kind == NeutralKind::kTimestamp) && tr.neutral->precision > 0) {
      return tr.neutral->precision;
    }
    return std::nullopt;
  }

  // Cast targets are left to the printer's own table: a CAST accepts fewer
  // types than a column (MySQL's CAST takes SIGNED, CHAR, DECIMAL, ... but not
  // INT, LONGTEXT or VARCHAR(n) CHARACTER SET x), so the column type rules
  // would print casts the target refuses.
  PrintOptions ExprOptions(std::optional<int> precision = std::nullopt) const {
    PrintOptions o;
    o.current_timestamp_precision = precision;
    return o;
  }

  // Parses `text` in the source dialect and prints it in the target's;
  // records a finding for anything lossy; nullopt when unsupported.
  std::optional<std::string> TranslateExpression(const std::string& text, const std::string& subject,
                                                 const std::string& what,
                                                 std::optional<int> precision = std::nullopt) {
    auto parsed = ParseExpression(text, s_.source);
    if (!parsed.ok()) {
      Find(Outcome::kUnsupported, subject,
           "its " + what + " '" + Shorten(text, 80) + "' could not be parsed: " +
               parsed.errors.front().message);
      return std::nullopt;
    }
    if (!target_pg()) DropArrayCastsUnderAny(*parsed.expr);
    PrintResult pr = PrintExpression(*parsed.expr, s_.target, ExprOptions(precision));
    if (pr.outcome == Outcome::kUnsupported) {
      Find(Outcome::kUnsupported, subject,
           "its " + what + " '" + Shorten(text, 80) + "' cannot be translated: " + Join(pr.messages, "; "));
      return std::nullopt;
    }
    if (pr.outcome == Outcome::kLossy) {
      Find(Outcome::kLossy, subject, "its " + what + " becomes " + Shorten(pr.text, 80) + ": " + Join(pr.messages, "; "));
    }
    return pr.text;
  }

  void TranslateDefault(const Column& src, const TypeTranslation& tr, Column& c) {
    const std::string subject = "column " + c.name;
    if (src.default_value.kind == DefaultKind::kLiteral) {
      NeutralKind kind = tr.neutral ? tr.neutral->kind : NeutralKind::kText;
      std::string v = src.default_value.value;
      std::string text;
      if (kind == NeutralKind::kBool) {
        std::string l = Lower(v);
        bool truth = l == "true" || l == "t" || l == "1" || l == "yes" || l == "on";
        text = target_pg() ? (truth ? "true" : "false") : (truth ? "1" : "0");
      } else if (IsIntegerKind(kind) || kind == NeutralKind::kDecimal || kind == NeutralKind::kFloat32 ||
                 kind == NeutralKind::kFloat64) {
        bool numeric = !v.empty();
        for (char ch : v) numeric = numeric && (std::isdigit(static_cast<unsigned char>(ch)) || ch == '.' ||
                                                ch == '-' || ch == '+' || ch == 'e' || ch == 'E');
        text = numeric ? v : QuoteString(v, s_.target).value_or("''");
      } else if (kind == NeutralKind::kArray && !target_pg()) {
        // A PostgreSQL array literal ('{a,b}') is not JSON; only the empty
        // array has an obvious JSON form.
        if (v != "{}") {
          Find(Outcome::kLossy, subject,
               "its default '" + v + "' is a PostgreSQL array literal with no JSON form here; no default",
               "set a JSON default on the target by hand");
          return;
        }
        text = "'[]'";
      } else if (kind == NeutralKind::kBit && IsMySQLFamily(s_.source) && v.rfind("b'", 0) == 0) {
        text = target_pg() ? "B" + v.substr(1) : v;
      } else {
        auto q = QuoteString(v, s_.target);
        if (!q) {
          Find(Outcome::kLossy, subject, "its default cannot be written on the target (it holds a NUL byte); no default");
          return;
        }
        text = *q;
      }
      c.default_value = ColumnDefault{DefaultKind::kLiteral, text, v};
      return;
    }
    auto printed = TranslateExpression(src.default_value.raw.empty() ? src.default_value.value
                                                                      : src.default_value.raw,
                                       subject, "default", PrecisionOf(tr));
    if (!printed) {
      // Reported as unsupported by TranslateExpression; downgrade to lossy:
      // the data is unaffected, only future inserts lack the default.
      if (!out_->findings.empty() && out_->findings.back().subject == subject &&
          out_->findings.back().outcome == Outcome::kUnsupported) {
        out_->findings.back().outcome = Outcome::kLossy;
        out_->findings.back().message += "; the column gets no default on the target";
      }
      return;
    }
    std::string text = *printed;
    // MySQL-family expression defaults other than CURRENT_TIMESTAMP must be
    // parenthesised (MySQL 8.0.13+, MariaDB 10.2+ accept the parentheses).
    if (!target_pg() && Lower(text).rfind("current_timestamp", 0) != 0 && text.front() != '(') {
      text = "(" + text + ")";
    }
    c.default_value = ColumnDefault{DefaultKind::kExpression, text, *printed};
  }

  // Primary key, or the chosen unique key, or the hidden key.
  void AddKey() {
    Table& t = out_->table;
    const TableMapping& m = *m_;
    auto target_names = [&](const std::vector<std::string>& source_cols) {
      std::vector<std::string> out;
      for (const auto& s : source_cols) {
        const ColumnMap* cm = m.FindBySource(s);
        out.push_back(cm ? cm->target : s);
      }
      return out;
    };
    if (m.source->primary_key) {
      std::string name = target_pg() ? FitIdentifier(m.target_table + "_pkey", s_.target) : "";
      t.primary_key = KeyConstraint{name, target_names(m.source->primary_key->columns)};
      CheckKeyColumns(t.primary_key->columns, "primary key");
    }
    if (m.key_source == KeySource::kHiddenKey) {
      Column hidden;
      hidden.name = kHiddenKeyColumn;
      hidden.ordinal = static_cast<int>(t.columns.size()) + 1;
      hidden.type_raw = "bigint";
      hidden.nullable = false;
      hidden.comment = "added by Sluice for a table without a key; dropped at switchover";
      if (target_pg()) {
        hidden.identity = IdentityKind::kByDefault;
      } else if (!has_auto_increment_) {
        hidden.auto_increment = true;
        // Invisible where the engine has it, so SELECT * does not change.
        hidden.invisible = s_.target == Dialect::kMariaDB || s_.target == Dialect::kMySQL;
      }
      t.columns.push_back(hidden);
      Index idx;
      idx.name = std::string(kHiddenKeyColumn) + "_key";
      if (target_pg()) idx.name = FitIdentifier(m.target_table + "_" + idx.name, s_.target);
      idx.unique = true;
      idx.method = "btree";
      idx.parts = {{kHiddenKeyColumn, "", 0, false}};
      // Created with the table: the copy relies on it from the first row.
      hidden_index_ = idx;
      out_->hidden_key = true;
    }
  }

  void CheckKeyColumns(const std::vector<std::string>& cols, const std::string& what) {
    for (const auto& c : cols) {
      if (key_prefix_columns_.count(c) && !target_pg()) {
        Find(Outcome::kUnsupported, "column " + c,
             "it is part of the " + what + " but its target type needs a prefix length in a key, "
             "which would change what the key considers equal",
             "map it to a bounded type with the plan's 'types:' (e.g. to: varchar(255))");
      }
    }
  }

  void TranslateIndexes() {
    const TableMapping& m = *m_;
    Table& t = out_->table;
    if (hidden_index_) t.indexes.push_back(*hidden_index_);
    for (const auto& idx : m.source->indexes) {
      if (idx.primary) continue;
      std::string subject = "index " + idx.name;
      Index out;
      out.name = idx.name;
      out.unique = idx.unique;
      out.comment = idx.comment;
      out.visible = idx.visible;
      out.constraint = target_pg() ? idx.constraint : "";
      std::string method = idx.method.empty() ? "btree" : idx.method;
      const IndexMethodRule* rule = nullptr;
      for (const auto& r : kIndexMethods) {
        if (r.target_is_pg == target_pg() && method == r.method) rule = &r;
      }
      if (rule == nullptr || rule->becomes == nullptr) {
        Find(Outcome::kLossy, subject,
             "not migrated: " + std::string(rule ? rule->why : ("index method '" + method + "' is unknown").c_str()));
        continue;
      }
      if (std::string(rule->becomes) != method) Find(Outcome::kLossy, subject, rule->why);
      out.method = rule->becomes;
      bool ok = true;
      for (const auto& p : idx.parts) {
        IndexPart part;
        part.descending = p.descending;
        if (!p.column.empty()) {
          const ColumnMap* cm = m.FindBySource(p.column);
          if (cm == nullptr) {
            Find(Outcome::kLossy, subject, "not migrated: its column '" + p.column + "' is dropped by the plan");
            ok = false;
            break;
          }
          part.column = cm->target;
          if (IsMySQLFamily(s_.target) && IsMySQLFamily(s_.source)) part.prefix_length = p.prefix_length;
          if (!IsMySQLFamily(s_.target) && p.prefix_length > 0) {
            Find(Outcome::kLossy, subject,
                 "its prefix length (" + std::to_string(p.prefix_length) + ") is dropped: PostgreSQL indexes whole values");
            if (idx.unique) {
              Find(Outcome::kLossy, subject, "uniqueness now covers whole values, which is weaker than the prefix uniqueness on the source");
            }
          }
          // FULLTEXT and SPATIAL indexes take whole values, never a prefix.
          if (!target_pg() && key_prefix_columns_.count(part.column) && part.prefix_length == 0 &&
              out.method != "fulltext" && out.method != "spatial") {
            if (idx.unique) {
              Find(Outcome::kUnsupported, subject,
                   "unique index on '" + part.column + "', whose target type can only be indexed by a prefix; "
                   "uniqueness of a prefix is stronger than the source's",
                   "map the column to a bounded type with 'types:' (e.g. varchar(255))");
              ok = false;
              break;
            }
            part.prefix_length = kTextIndexPrefix;
            Find(Outcome::kLossy, subject,
                 "indexes the first " + std::to_string(kTextIndexPrefix) + " characters of '" + part.column + "'");
          }
        } else {
          if (s_.target == Dialect::kMariaDB || s_.target == Dialect::kTiDB ||
              s_.target == Dialect::kOceanBase) {
            Find(Outcome::kLossy, subject,
                 std::string("not migrated: ") + DialectName(s_.target) + " has no expression indexes",
                 "index a generated column instead");
            ok = false;
            break;
          }
          auto printed = TranslateExpression(p.expression, subject, "expression");
          if (!printed) { ok = false; break; }
          part.expression = *printed;
        }
        out.parts.push_back(part);
      }
      if (!ok) continue;
      if (!idx.include.empty()) {
        if (target_pg()) {
          for (const auto& inc : idx.include) {
            const ColumnMap* cm = m.FindBySource(inc);
            if (cm) out.include.push_back(cm->target);
          }
        } else {
          Find(Outcome::kLossy, subject, "its INCLUDE columns are dropped (MySQL-family indexes have none)");
        }
      }
      if (!idx.predicate.empty()) {
        if (!target_pg()) {
          Find(Outcome::kLossy, subject,
               "not migrated: a partial index (WHERE " + Shorten(idx.predicate, 60) + ") has no MySQL-family form",
               idx.unique ? "a full unique index could refuse rows the source accepts; enforce it in the application"
                          : "create a full index by hand if queries need it");
          continue;
        }
        auto printed = TranslateExpression(idx.predicate, subject, "predicate");
        if (!printed) continue;
        out.predicate = *printed;
      }
      t.indexes.push_back(std::move(out));
    }
  }

  void TranslateForeignKeys() {
    const TableMapping& m = *m_;
    for (const auto& fk : m.source->foreign_keys) {
      std::string subject = "foreign key " + fk.name;
      const TableMapping* ref = resolved_.FindSource(fk.referenced_schema, fk.referenced_table);
      if (ref == nullptr) {
        Find(Outcome::kLossy, subject,
             "not migrated: it references " + fk.referenced_schema + "." + fk.referenced_table +
                 ", which the plan does not migrate");
        continue;
      }
      ForeignKey out = fk;
      out.name = FitIdentifier(fk.name, s_.target);
      out.referenced_schema = ref->target_schema;
      out.referenced_table = ref->target_table;
      bool ok = true;
      out.columns.clear();
      for (const auto& c : fk.columns) {
        const ColumnMap* cm = m.FindBySource(c);
        if (!cm) ok = false;
        else out.columns.push_back(cm->target);
      }
      out.referenced_columns.clear();
      for (const auto& c : fk.referenced_columns) {
        const ColumnMap* cm = ref->FindBySource(c);
        if (!cm) ok = false;
        else out.referenced_columns.push_back(cm->target);
      }
      if (!ok) {
        Find(Outcome::kLossy, subject, "not migrated: one of its columns is dropped by the plan");
        continue;
      }
      if (target_pg() && !IsKeyOf(*ref->source, fk.referenced_columns)) {
        Find(Outcome::kLossy, subject,
             "not migrated: it references (" + Join(fk.referenced_columns, ", ") + ") of " + ref->SourceName() +
                 ", which is not a primary key or unique index; PostgreSQL requires one there, MySQL-family "
                 "engines accept any index",
             "add a UNIQUE constraint on those columns on the target, then create the foreign key by hand");
        continue;
      }
      if (!target_pg()) {
        if (out.deferrable) Find(Outcome::kLossy, subject, "DEFERRABLE is dropped: MySQL-family checks keys at once");
        out.deferrable = out.initially_deferred = false;
        if (out.match == "FULL") Find(Outcome::kLossy, subject, "MATCH FULL is dropped");
        out.match = "SIMPLE";
        if (out.on_delete == "SET DEFAULT" || out.on_update == "SET DEFAULT") {
          Find(Outcome::kLossy, subject, "SET DEFAULT actions become NO ACTION (InnoDB rejects SET DEFAULT)");
          if (out.on_delete == "SET DEFAULT") out.on_delete = "NO ACTION";
          if (out.on_update == "SET DEFAULT") out.on_update = "NO ACTION";
        }
      }
      out_->table.foreign_keys.push_back(std::move(out));
    }
  }

  // True when `columns` (in any order) are the table's primary key or the
  // whole of a unique index on plain columns: what PostgreSQL requires a
  // foreign key to reference.
  static bool IsKeyOf(const Table& t, const std::vector<std::string>& columns) {
    std::set<std::string> want(columns.begin(), columns.end());
    if (t.primary_key && std::set<std::string>(t.primary_key->columns.begin(), t.primary_key->columns.end()) == want) {
      return true;
    }
    for (const auto& idx : t.indexes) {
      if (!idx.unique || !idx.predicate.empty()) continue;
      std::set<std::string> have;
      bool plain = true;
      for (const auto& p : idx.parts) {
        plain = plain && !p.column.empty() && p.prefix_length == 0;
        have.insert(p.column);
      }
      if (plain && have == want) return true;
    }
    return false;
  }

  // A CHECK that only restates what the target column's type guarantees
  // (MariaDB's automatic json_valid(col) on JSON columns).
  bool ImpliedByType(const std::string& expression) {
    auto parsed = ParseExpression(expression, s_.source);
    if (!parsed.ok()) return false;
    const Expr& e = *parsed.expr;
    if (e.kind != ExprKind::kFunction || e.FunctionName() != "json_valid" || e.args.size() != 1) return false;
    const Expr& arg = *e.args[0];
    if (arg.kind != ExprKind::kColumnRef || arg.name.empty()) return false;
    const ColumnMap* cm = m_->FindBySource(arg.name.back().name);
    if (cm == nullptr) return false;
    auto it = neutral_.find(cm->target);
    return it != neutral_.end() && it->second && it->second->kind == NeutralKind::kJson;
  }

  void TranslateChecks() {
    for (const auto& ck : m_->source->checks) {
      std::string subject = "check " + ck.name;
      if (ImpliedByType(ck.expression)) continue;
      if (!ck.enforced && target_pg()) {
        Find(Outcome::kLossy, subject, "NOT ENFORCED is not available on PostgreSQL; it is not migrated");
        continue;
      }
      auto printed = TranslateExpression(RenameColumnsIn(ck.expression), subject, "condition");
      if (!printed) continue;
      out_->table.checks.push_back(Check{FitIdentifier(ck.name, s_.target), *printed, ck.enforced});
    }
  }

  // Column renames inside an expression are applied on the AST by the
  // printer's callers in a later version; today an expression that refers to
  // a renamed column is reported instead of being emitted wrong.
  std::string RenameColumnsIn(const std::string& text) {
    for (const auto& cm : m_->columns) {
      if (cm.source != cm.target && text.find(cm.source) != std::string::npos) {
        Find(Outcome::kLossy, "check on column " + cm.target,
             "the condition mentions the renamed column '" + cm.source + "'; check it after migration");
      }
    }
    return text;
  }

  void TranslatePartitioning() {
    const auto& p = m_->source->partitioning;
    if (!p) return;
    if (IsMySQLFamily(s_.source) && IsMySQLFamily(s_.target)) {
      out_->table.partitioning = p;
      return;
    }
    Find(Outcome::kLossy, "table " + m_->target_table,
         std::string("created without partitioning: ") + (IsMySQLFamily(s_.source) ? "MySQL" : "PostgreSQL") +
             " partitioning (" + p->method + ") has no automatic translation to " + DialectName(s_.target),
         "partition the target table by hand before the copy if you need it");
  }

  // MySQL column names are case-insensitive; identifiers have length limits.
  void FixColumnNames() {
    std::set<std::string> seen;
    std::map<std::string, std::string> renames;
    for (auto& c : out_->table.columns) {
      std::string fitted = FitIdentifier(c.name, s_.target);
      std::string key = target_pg() ? fitted : Lower(fitted);
      int n = 2;
      std::string candidate = fitted;
      while (seen.count(target_pg() ? candidate : Lower(candidate))) {
        candidate = FitIdentifier(fitted + "_" + std::to_string(n++), s_.target);
      }
      seen.insert(target_pg() ? candidate : Lower(candidate));
      if (candidate != c.name) {
        Find(Outcome::kLossy, "column " + c.name,
             "renamed to '" + candidate + "' on the target (" +
                 (fitted != c.name ? "longer than " + std::to_string(MaxIdentifierLength(s_.target)) +
                                         (target_pg() ? " bytes" : " characters")
                                   : std::string("column names differ only in case, which MySQL-family engines do not tell apart")) +
                 ")",
             "choose the name yourself with 'columns.rename'");
        renames[c.name] = candidate;
        c.name = candidate;
      }
    }
    if (renames.empty()) return;
    auto fix = [&](std::string& name) {
      auto it = renames.find(name);
      if (it != renames.end()) name = it->second;
    };
    for (auto& ct : out_->columns) fix(ct.target_name);
    if (out_->table.primary_key) for (auto& c : out_->table.primary_key->columns) fix(c);
    for (auto& idx : out_->table.indexes) for (auto& p : idx.parts) fix(p.column);
    for (auto& fk : out_->table.foreign_keys) for (auto& c : fk.columns) fix(c);
  }

  const Plan& plan_;
  const ResolvedPlan& resolved_;
  const TypeRuleSet& rules_;
  const TranslateSettings& s_;
  std::vector<TypeOverride>& overrides_;
  TranslatedTable* out_ = nullptr;
  const TableMapping* m_ = nullptr;
  std::string current_column_;
  bool has_auto_increment_ = false;
  std::set<std::string> key_prefix_columns_;
  std::map<std::string, std::optional<NeutralType>> neutral_;
  std::optional<Index> hidden_index_;
};

// The plan's `types:` entries as type-rule overrides.
std::vector<TypeOverride> MakeOverrides(const Plan& plan, Dialect target) {
  std::vector<TypeOverride> out;
  for (const auto& r : plan.types) {
    TypeOverride o;
    o.type = r.match_type.value;
    if (r.match_column) {
      NameGlob glob = r.match_column->value;
      o.column = [glob](std::string_view full) {
        // full is "schema.table.column"; names may contain dots, so split
        // from the right is wrong too: the caller builds it from parts.
        std::vector<std::string> parts;
        std::string cur;
        for (char c : full) {
          if (c == '.' && parts.size() < 2) { parts.push_back(cur); cur.clear(); }
          else cur += c;
        }
        parts.push_back(cur);
        return glob.Matches(parts);
      };
    }
    auto parsed = ParseTypeName(r.to.value, target);
    if (parsed.ok() && parsed.type) o.to = *parsed.type;
    o.to.raw = r.to.value;
    o.origin = r.loc.ToString();
    out.push_back(std::move(o));
  }
  return out;
}

// Rewrites the table names a view reads to their target names. Unqualified
// names are in the view's own schema. Returns the source tables it read.
void RenameTablesInSelect(Select& s, const std::string& default_schema, const ResolvedPlan& resolved,
                          std::vector<std::string>* unknown, std::vector<const TableMapping*>* used);

void RenameTablesInExpr(Expr& e, const std::string& default_schema, const ResolvedPlan& resolved,
                        std::vector<std::string>* unknown, std::vector<const TableMapping*>* used);

// A column reference qualified with its schema (MariaDB stores view bodies
// as `db`.`t`.`c`) names the source schema, which the target does not have:
// it is rewritten to what the FROM clause now exposes, the target's
// schema.table, or the old table name where RenameTablesInRef kept it as an
// alias (the table or view is renamed).
void RequalifyColumn(std::vector<Identifier>& name, size_t table_part, const ResolvedPlan& resolved) {
  if (table_part < 1 || name.size() <= table_part) return;
  const std::string& schema = name[table_part - 1].name;
  const std::string& table = name[table_part].name;
  std::string target_schema, target_name;
  if (const TableMapping* m = resolved.FindSource(schema, table)) {
    target_schema = m->target_schema;
    target_name = m->target_table;
  } else {
    for (const auto& v : resolved.views) {
      if (v.source_schema == schema && v.source_view == table) {
        target_schema = v.target_schema;
        target_name = v.target_view;
      }
    }
  }
  if (target_name.empty()) return;
  if (target_name == table) {
    name[table_part - 1] = Identifier{target_schema, true};
  } else {
    name.erase(name.begin() + static_cast<std::ptrdiff_t>(table_part - 1));
  }
}

void RenameTablesInOrder(std::vector<OrderItem>& items, const std::string& default_schema,
                         const ResolvedPlan& resolved, std::vector<std::string>* unknown,
                         std::vector<const TableMapping*>* used) {
  for (auto& o : items) if (o.expr) RenameTablesInExpr(*o.expr, default_schema, resolved, unknown, used);
}

void RenameTablesInExpr(Expr& e, const std::string& default_schema, const ResolvedPlan& resolved,
                        std::vector<std::string>* unknown, std::vector<const TableMapping*>* used) {
  if (e.kind == ExprKind::kColumnRef && e.name.size() == 3) RequalifyColumn(e.name, 1, resolved);
  if (e.kind == ExprKind::kStar && e.name.size() == 2) RequalifyColumn(e.name, 1, resolved);
  if (e.select) RenameTablesInSelect(*e.select, default_schema, resolved, unknown, used);
  for (auto& a : e.args) if (a) RenameTablesInExpr(*a, default_schema, resolved, unknown, used);
  if (e.operand) RenameTablesInExpr(*e.operand, default_schema, resolved, unknown, used);
  if (e.else_expr) RenameTablesInExpr(*e.else_expr, default_schema, resolved, unknown, used);
  if (e.filter) RenameTablesInExpr(*e.filter, default_schema, resolved, unknown, used);
  RenameTablesInOrder(e.order_by, default_schema, resolved, unknown, used);
  RenameTablesInOrder(e.within_group, default_schema, resolved, unknown, used);
  if (e.over) {
    for (auto& p : e.over->partition_by) if (p) RenameTablesInExpr(*p, default_schema, resolved, unknown, used);
    RenameTablesInOrder(e.over->order_by, default_schema, resolved, unknown, used);
  }
}

void RenameTablesInRef(TableRef& r, const std::string& default_schema, const ResolvedPlan& resolved,
                       std::vector<std::string>* unknown, std::vector<const TableMapping*>* used,
                       const std::set<std::string>& ctes) {
  switch (r.kind) {
    case TableRef::Kind::kTable: {
      if (r.name.size() == 1 && ctes.count(r.name[0].name)) return;
      std::string schema = r.name.size() >= 2 ? r.name[r.name.size() - 2].name : default_schema;
      std::string table = r.name.back().name;
      const TableMapping* m = resolved.FindSource(schema, table);
      if (m == nullptr) {
        for (const auto& v : resolved.views) {
          if (v.source_schema == schema && v.source_view == table) {
            if (!r.alias && v.target_view != table) r.alias = Identifier{table, true};
            r.name = {Identifier{v.target_schema, true}, Identifier{v.target_view, true}};
            return;
          }
        }
        unknown->push_back(schema + "." + table);
        return;
      }
      used->push_back(m);
      // Keep the alias the body uses: unqualified column references like
      // orders.id still resolve when the table is renamed.
      if (!r.alias && m->target_table != table) r.alias = Identifier{table, true};
      r.name = {Identifier{m->target_schema, true}, Identifier{m->target_table, true}};
      return;
    }
    case TableRef::Kind::kDerived:
      if (r.subquery) RenameTablesInSelect(*r.subquery, default_schema, resolved, unknown, used);
      return;
    case TableRef::Kind::kJoin:
      if (r.left) RenameTablesInRef(*r.left, default_schema, resolved, unknown, used, ctes);
      if (r.right) RenameTablesInRef(*r.right, default_schema, resolved, unknown, used, ctes);
      if (r.on) RenameTablesInExpr(*r.on, default_schema, resolved, unknown, used);
      return;
  }
}

void RenameTablesInSelect(Select& s, const std::string& default_schema, const ResolvedPlan& resolved,
                          std::vector<std::string>* unknown, std::vector<const TableMapping*>* used) {
  std::set<std::string> ctes;
  for (auto& c : s.with) {
    ctes.insert(c.name.name);
    if (c.query) RenameTablesInSelect(*c.query, default_schema, resolved, unknown, used);
  }
  for (auto& r : s.from) RenameTablesInRef(r, default_schema, resolved, unknown, used, ctes);
  for (auto& item : s.items) if (item.expr) RenameTablesInExpr(*item.expr, default_schema, resolved, unknown, used);
  if (s.where) RenameTablesInExpr(*s.where, default_schema, resolved, unknown, used);
  if (s.having) RenameTablesInExpr(*s.having, default_schema, resolved, unknown, used);
  for (auto& g : s.group_by) if (g) RenameTablesInExpr(*g, default_schema, resolved, unknown, used);
  RenameTablesInOrder(s.order_by, default_schema, resolved, unknown, used);
  if (s.left) RenameTablesInSelect(*s.left, default_schema, resolved, unknown, used);
  if (s.right) RenameTablesInSelect(*s.right, default_schema, resolved, unknown, used);
}

// Orders views so each comes after the views it depends on (ties by name).
std::vector<const ViewMapping*> OrderViews(const ResolvedPlan& resolved) {
  std::map<std::string, const ViewMapping*> by_name;
  for (const auto& v : resolved.views) by_name[v.source_schema + "." + v.source_view] = &v;
  std::vector<const ViewMapping*> out;
  std::set<std::string> done, visiting;
  std::function<void(const std::string&)> visit = [&](const std::string& name) {
    if (done.count(name) || visiting.count(name)) return;
    visiting.insert(name);
    const ViewMapping* v = by_name[name];
    for (const auto& dep : v->source->depends_on) {
      if (by_name.count(dep)) visit(dep);
    }
    visiting.erase(name);
    done.insert(name);
    out.push_back(v);
  };
  for (const auto& [name, v] : by_name) visit(name);
  return out;
}

// PostgreSQL: a BIGINT UNSIGNED column that references a key narrowed to
// bigint (see kNarrowedUInt64) is narrowed too, since a foreign key cannot
// compare numeric with bigint. Repeated until nothing changes (chains).
void FollowNarrowedKeys(std::vector<TranslatedTable>& tables) {
  auto key = [](const std::string& schema, const std::string& table, const std::string& column) {
    return schema + '\0' + table + '\0' + column;
  };
  auto is_uint64 = [](const ColumnTranslation& ct) { return ct.neutral_type.rfind("uint64", 0) == 0; };
  std::set<std::string> narrowed;
  for (const auto& t : tables) {
    for (const auto& ct : t.columns) {
      if (is_uint64(ct) && ct.target_type == kNarrowedUInt64) {
        narrowed.insert(key(t.mapping->target_schema, t.table.name, ct.target_name));
      }
    }
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (auto& t : tables) {
      for (const auto& fk : t.table.foreign_keys) {
        for (size_t i = 0; i < fk.columns.size() && i < fk.referenced_columns.size(); ++i) {
          if (!narrowed.count(key(fk.referenced_schema, fk.referenced_table, fk.referenced_columns[i]))) continue;
          std::string self = key(t.mapping->target_schema, t.table.name, fk.columns[i]);
          if (narrowed.count(self)) continue;
          auto ct = std::find_if(t.columns.begin(), t.columns.end(),
                                 [&](const ColumnTranslation& c) { return c.target_name == fk.columns[i]; });
          auto col = std::find_if(t.table.columns.begin(), t.table.columns.end(),
                                  [&](const Column& c) { return c.name == fk.columns[i]; });
          if (ct == t.columns.end() || col == t.table.columns.end() || !is_uint64(*ct)) continue;
          ct->target_type = kNarrowedUInt64;
          ct->outcome = Outcome::kLossy;
          col->type_raw = kNarrowedUInt64;
          col->type = TypeName{};
          col->type.name = col->type.raw = kNarrowedUInt64;
          t.findings.push_back(Finding{Outcome::kLossy, "column " + col->name,
                                       ct->source_type + " becomes bigint, like the key " + fk.referenced_table + "." +
                                           fk.referenced_columns[i] + " it references (foreign key " + fk.name +
                                           "): values above 9223372036854775807 cannot be stored",
                                       "", ""});
          narrowed.insert(self);
          changed = true;
        }
      }
    }
  }
}

}  // namespace

TargetSchema Translate(const Plan& plan, const Catalog& source, const ResolvedPlan& resolved,
                       const TypeRuleSet& rules, const TranslateSettings& settings,
                       DiagnosticSink& diags) {
  TargetSchema out;
  out.dialect = settings.target;
  std::vector<TypeOverride> overrides = MakeOverrides(plan, settings.target);
  std::set<std::string> schemas;
  std::vector<const Schema*> source_schemas;
  for (const auto& sc : source.schemas) source_schemas.push_back(&sc);

  for (const auto& m : resolved.tables) {
    TableTranslator tt(plan, resolved, rules, settings, overrides);
    tt.schemas_ = source_schemas;
    TranslatedTable t = tt.Run(m);
    schemas.insert(m.target_schema);
    out.tables.push_back(std::move(t));
  }

  if (settings.target == Dialect::kPostgreSQL) FollowNarrowedKeys(out.tables);

  // PostgreSQL index names are unique per schema: make them so.
  if (settings.target == Dialect::kPostgreSQL) {
    std::map<std::string, std::set<std::string>> used;  // schema -> names
    for (auto& t : out.tables) {
      auto& names = used[t.mapping->target_schema];
      names.insert(t.table.name);
      if (t.table.primary_key) names.insert(t.table.primary_key->name);
    }
    for (auto& t : out.tables) {
      auto& names = used[t.mapping->target_schema];
      for (auto& idx : t.table.indexes) {
        std::string candidate = FitIdentifier(idx.name, settings.target);
        if (names.count(candidate)) candidate = FitIdentifier(t.table.name + "_" + idx.name, settings.target);
        for (int n = 2; names.count(candidate); ++n) {
          candidate = FitIdentifier(t.table.name + "_" + idx.name + "_" + std::to_string(n), settings.target);
        }
        if (candidate != idx.name) {
          t.findings.push_back(Finding{Outcome::kLossy, "index " + idx.name,
                                       "renamed to '" + candidate + "': PostgreSQL index names are unique per schema",
                                       "", ""});
          idx.name = candidate;
        }
        names.insert(candidate);
      }
    }
  } else {
    for (auto& t : out.tables) {
      std::set<std::string> names;
      for (auto& idx : t.table.indexes) {
        std::string candidate = FitIdentifier(idx.name, settings.target);
        for (int n = 2; names.count(Lower(candidate)); ++n) {
          candidate = FitIdentifier(idx.name + "_" + std::to_string(n), settings.target);
        }
        if (candidate != idx.name) {
          t.findings.push_back(Finding{Outcome::kLossy, "index " + idx.name,
                                       "renamed to '" + candidate + "' (length or case-insensitive clash)", "", ""});
          idx.name = candidate;
        }
        names.insert(Lower(candidate));
      }
    }
  }

  // Views: parse the body in the source dialect, print in the target's.
  for (const ViewMapping* vm : OrderViews(resolved)) {
    TranslatedView tv;
    tv.mapping = vm;
    tv.view = *vm->source;
    tv.view.name = vm->target_view;
    tv.view.depends_on.clear();
    auto parsed = ParseSelect(vm->source->definition, settings.source);
    if (!parsed.ok()) {
      tv.ok = false;
      tv.findings.push_back(Finding{Outcome::kLossy, "view " + vm->source_view,
                                    "not migrated: its definition could not be parsed (" +
                                        parsed.errors.front().message + ")",
                                    "create it on the target by hand", ""});
    } else {
      std::vector<std::string> unknown;
      std::vector<const TableMapping*> used;
      RenameTablesInSelect(*parsed.select, vm->source_schema, resolved, &unknown, &used);
      for (const auto& u : unknown) {
        tv.ok = false;
        tv.findings.push_back(Finding{Outcome::kLossy, "view " + vm->source_view,
                                      "not migrated: it reads " + u + ", which the plan does not migrate",
                                      "add " + u + " to 'objects'", ""});
      }
      for (const TableMapping* m : used) {
        for (const auto& c : m->columns) {
          if (c.source != c.target) {
            tv.ok = false;
            tv.findings.push_back(Finding{Outcome::kLossy, "view " + vm->source_view,
                                          "not migrated: it reads " + m->SourceName() + ", whose column '" + c.source +
                                              "' the plan renames",
                                          "create the view on the target by hand", ""});
            break;
          }
        }
      }
    }
    if (tv.ok && parsed.ok()) {
      PrintResult pr = PrintSelect(*parsed.select, settings.target);
      if (pr.outcome == Outcome::kUnsupported) {
        tv.ok = false;
        tv.findings.push_back(Finding{Outcome::kLossy, "view " + vm->source_view,
                                      "not migrated: " + Join(pr.messages, "; "),
                                      "create it on the target by hand", ""});
      } else {
        if (pr.outcome == Outcome::kLossy) {
          tv.findings.push_back(Finding{Outcome::kLossy, "view " + vm->source_view, Join(pr.messages, "; "), "", ""});
        }
        tv.view.definition = pr.text;
      }
    }
    schemas.insert(vm->target_schema);
    out.views.push_back(std::move(tv));
  }

  out.schemas.assign(schemas.begin(), schemas.end());

  // Findings become diagnostics: unsupported ones are errors; lossy ones are
  // warnings (errors under --strict). All point at the rule that selected the table.
  for (const auto& t : out.tables) {
    for (const auto& f : t.findings) {
      bool error = f.outcome == Outcome::kUnsupported || (settings.strict && f.outcome == Outcome::kLossy);
      std::string msg = t.mapping->SourceName() + " " + f.subject + ": " + f.message;
      if (error) diags.Error(t.mapping->loc, msg, f.help);
    }
  }
  for (const auto& v : out.views) {
    for (const auto& f : v.findings) {
      if (settings.strict || f.outcome == Outcome::kUnsupported) {
        diags.Error(v.mapping->loc, v.mapping->source_schema + "." + v.mapping->source_view + " " + f.subject +
                                        ": " + f.message, f.help);
      }
    }
  }
  return out;
}

}  // namespace sluice
