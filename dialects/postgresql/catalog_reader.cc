// The PostgreSQL catalog reader.
//
// Selection first: namespaces, then relations (pg_class relkind r, p, v, m,
// S) passed through the filter; the selected oids become an oid[] literal
// that every later query (columns, constraints, indexes, partitions,
// triggers) restricts itself to, so cost follows what is read. Lists inside a
// row (constraint columns, enum labels) are fetched as JSON arrays
// (to_json(ARRAY(...))) so names with commas, quotes or braces need no
// PostgreSQL array-literal parsing.
//
// The session's search_path is set to pg_catalog while reading: format_type,
// pg_get_expr and pg_get_viewdef then qualify every user object with its
// schema, which makes the snapshot independent of the caller's search_path.

#include "dialects/postgresql/catalog_reader.h"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "dialects/postgresql/pg_catalog_text.h"

namespace sluice {

namespace {

std::vector<std::string> JsonStrings(const std::string& text) {
  std::vector<std::string> out;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& v : j) out.push_back(v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

// Restores the session's search_path however the read ends.
class SearchPathGuard {
 public:
  explicit SearchPathGuard(PgConnection& conn) : conn_(conn) {
    QueryResult r = conn_.Query("SELECT current_setting('search_path')");
    saved_ = r.GetOr(0, "current_setting");
    conn_.Query("SELECT set_config('search_path', 'pg_catalog', false)");
  }
  ~SearchPathGuard() {
    try {
      conn_.Query("SELECT set_config('search_path', $1, false)", {saved_});
    } catch (const DbException&) {
      // The connection is broken; the read already failed with the real error.
    }
  }

 private:
  PgConnection& conn_;
  std::string saved_;
};

// Columns describing a type: X is the type oid expression, M its typmod.
std::string TypeColumns(const std::string& x, const std::string& m) {
  return "format_type(" + x + ", " + m + ") AS type_raw, " + m +
         " AS typmod, tt.typcategory = 'A' AS is_array, format_type(bt.oid, NULL) AS base_canonical, "
         "bt.typname AS base_typname, bt.typtype AS base_typtype, bn.nspname AS base_schema";
}
std::string TypeJoins(const std::string& x) {
  return " JOIN pg_type tt ON tt.oid = " + x +
         " JOIN pg_type bt ON bt.oid = CASE WHEN tt.typcategory = 'A' AND tt.typelem <> 0 THEN tt.typelem "
         "ELSE tt.oid END JOIN pg_namespace bn ON bn.oid = bt.typnamespace";
}
PgTypeInfo TypeInfoAt(const QueryResult& r, size_t i, const std::string& ndims_col) {
  PgTypeInfo info;
  info.raw = r.GetOr(i, "type_raw");
  info.typmod = std::stoi(r.GetOr(i, "typmod", "-1"));
  info.is_array = r.GetOr(i, "is_array") == "t";
  if (!ndims_col.empty()) info.ndims = std::stoi(r.GetOr(i, ndims_col, "0"));
  info.base_canonical = r.GetOr(i, "base_canonical");
  info.base_typname = r.GetOr(i, "base_typname");
  info.base_typtype = r.GetOr(i, "base_typtype");
  info.base_schema = r.GetOr(i, "base_schema");
  return info;
}

const char* kNotExtensionMember =
    "NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '%s'::regclass AND dep.objid = %s "
    "AND dep.deptype = 'e')";

std::string NotExtensionMember(const std::string& catalog, const std::string& oid) {
  std::string s = kNotExtensionMember;
  s.replace(s.find("%s"), 2, catalog);
  s.replace(s.find("%s"), 2, oid);
  return s;
}

std::string FkAction(const std::string& code) {
  if (code == "r") return "RESTRICT";
  if (code == "c") return "CASCADE";
  if (code == "n") return "SET NULL";
  if (code == "d") return "SET DEFAULT";
  return "NO ACTION";
}

class Reader {
 public:
  Reader(PgConnection& conn, const CatalogFilter& filter) : conn_(conn), filter_(filter) {
    catalog_.dialect = Dialect::kPostgreSQL;
  }

  Catalog Run() {
    catalog_.server_version = conn_.ServerVersion();
    SearchPathGuard guard(conn_);
    ReadSchemas();
    if (!catalog_.schemas.empty()) {
      ReadRelations();
      if (!relations_.empty()) {
        ReadColumns();
        ReadConstraints();
        ReadIndexes();
        ReadPartitions();
        ReadViews();
        ReadSequences();
        ReadTriggers();
      }
      ReadTypes();
      ReadRoutines();
    }
    NormalizeCatalog(catalog_);
    return std::move(catalog_);
  }

 private:
  struct Relation {
    std::string schema;
    std::string name;
    char kind;
    size_t index;  // in its schema's tables / views / sequences
  };

  std::string OidArray(const std::vector<std::string>& oids) {
    std::string list;
    for (const std::string& o : oids) list += (list.empty() ? "" : ",") + o;
    return "'{" + list + "}'::oid[]";
  }
  std::string SchemaOids() {
    std::vector<std::string> oids;
    for (const auto& [oid, index] : schema_by_oid_) oids.push_back(oid);
    return OidArray(oids);
  }
  std::string RelationOids() {
    std::vector<std::string> oids;
    for (const auto& [oid, rel] : relations_) oids.push_back(oid);
    return OidArray(oids);
  }

  Schema& SchemaAt(const std::string& name) { return catalog_.schemas[schema_by_name_.at(name)]; }
  Table* TableOf(const std::string& oid) {
    auto it = relations_.find(oid);
    if (it == relations_.end() || (it->second.kind != 'r' && it->second.kind != 'p')) return nullptr;
    return &SchemaAt(it->second.schema).tables[it->second.index];
  }
  View* ViewOf(const std::string& oid) {
    auto it = relations_.find(oid);
    if (it == relations_.end() || (it->second.kind != 'v' && it->second.kind != 'm')) return nullptr;
    return &SchemaAt(it->second.schema).views[it->second.index];
  }

  void ReadSchemas() {
    QueryResult r = conn_.Query(
        "SELECT n.oid, n.nspname FROM pg_namespace n WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_' AND " +
        NotExtensionMember("pg_namespace", "n.oid") + " ORDER BY n.nspname");
    for (size_t i = 0; i < r.rows.size(); ++i) {
      std::string name = r.GetOr(i, "nspname");
      if (IsPgSystemSchema(name) || !filter_.AcceptSchema(name)) continue;
      schema_by_oid_[r.GetOr(i, "oid")] = catalog_.schemas.size();
      schema_by_name_[name] = catalog_.schemas.size();
      catalog_.schemas.push_back(Schema{.name = name});
    }
  }

  void ReadRelations() {
    QueryResult r = conn_.Query(
        "SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, c.relispartition, "
        "CASE WHEN c.relkind = 'p' THEN (SELECT sum(ch.reltuples)::bigint FROM pg_inherits i "
        "  JOIN pg_class ch ON ch.oid = i.inhrelid WHERE i.inhparent = c.oid AND ch.reltuples >= 0) "
        "  WHEN c.reltuples >= 0 THEN c.reltuples::bigint END AS row_estimate, "
        "obj_description(c.oid, 'pg_class') AS comment, "
        "(SELECT option_value FROM pg_options_to_table(c.reloptions) WHERE option_name = 'check_option') "
        "  AS check_option, "
        "(SELECT option_value FROM pg_options_to_table(c.reloptions) WHERE option_name = 'security_invoker') "
        "  AS security_invoker "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relnamespace = ANY(" + SchemaOids() + ") "
        "AND c.relpersistence <> 't' AND NOT c.relispartition AND " + NotExtensionMember("pg_class", "c.oid") +
        " ORDER BY n.nspname, c.relname");
    for (size_t i = 0; i < r.rows.size(); ++i) {
      std::string schema = r.GetOr(i, "nspname");
      std::string name = r.GetOr(i, "relname");
      if (!filter_.AcceptTable(schema, name)) continue;
      char kind = r.GetOr(i, "relkind", "r")[0];
      Schema& s = SchemaAt(schema);
      Relation rel{schema, name, kind, 0};
      if (kind == 'r' || kind == 'p') {
        Table t;
        t.name = name;
        t.comment = r.GetOr(i, "comment");
        t.unlogged = r.GetOr(i, "relpersistence") == "u";
        if (auto est = r.Get(i, "row_estimate")) t.row_estimate = std::stoll(*est);
        rel.index = s.tables.size();
        s.tables.push_back(std::move(t));
      } else if (kind == 'v' || kind == 'm') {
        View v;
        v.name = name;
        v.materialized = kind == 'm';
        std::string option = r.GetOr(i, "check_option");
        for (char& c : option) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        v.check_option = option;
        if (kind == 'v') v.security = r.GetOr(i, "security_invoker") == "true" ? "INVOKER" : "DEFINER";
        rel.index = s.views.size();
        s.views.push_back(std::move(v));
      } else {
        rel.index = 0;  // sequences are read (and may be dropped) in ReadSequences
      }
      relations_[r.GetOr(i, "oid")] = rel;
    }
  }

  void ReadColumns() {
    QueryResult r = conn_.Query(
        "SELECT a.attrelid, a.attnum, a.attname, a.attnotnull, a.attndims, a.attidentity, a.attgenerated, " +
        TypeColumns("a.atttypid", "a.atttypmod") +
        ", pg_get_expr(d.adbin, d.adrelid) AS default_expr, "
        "CASE WHEN a.attcollation <> tt.typcollation THEN co.collname END AS collation, "
        "col_description(a.attrelid, a.attnum) AS comment "
        "FROM pg_attribute a" + TypeJoins("a.atttypid") +
        " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "LEFT JOIN pg_collation co ON co.oid = a.attcollation "
        "WHERE a.attrelid = ANY(" + RelationOids() + ") AND a.attnum > 0 AND NOT a.attisdropped "
        "ORDER BY a.attrelid, a.attnum");
    for (size_t i = 0; i < r.rows.size(); ++i) {
      std::string relid = r.GetOr(i, "attrelid");
      Column c;
      c.name = r.GetOr(i, "attname");
      attnames_[{relid, r.GetOr(i, "attnum")}] = c.name;
      c.type = PgTypeName(TypeInfoAt(r, i, "attndims"));
      c.type_raw = c.type.raw;
      c.nullable = r.GetOr(i, "attnotnull") != "t";
      std::string expr = r.GetOr(i, "default_expr");
      std::string generated = r.GetOr(i, "attgenerated");
      if (generated == "s") {
        c.generated = GeneratedKind::kStored;
        c.generation_expression = expr;
      } else {
        c.default_value = PgColumnDefault(expr);
      }
      std::string identity = r.GetOr(i, "attidentity");
      if (identity == "a") c.identity = IdentityKind::kAlways;
      if (identity == "d") c.identity = IdentityKind::kByDefault;
      c.collation = r.GetOr(i, "collation");
      c.comment = r.GetOr(i, "comment");
      std::vector<Column>* columns = nullptr;
      if (Table* t = TableOf(relid)) columns = &t->columns;
      if (View* v = ViewOf(relid)) columns = &v->columns;
      if (columns == nullptr) continue;
      c.ordinal = static_cast<int>(columns->size()) + 1;
      columns->push_back(std::move(c));
    }
  }

  std::string AttName(const std::string& relid, int attnum) {
    auto it = attnames_.find({relid, std::to_string(attnum)});
    return it == attnames_.end() ? "" : it->second;
  }

  void ReadConstraints() {
    QueryResult r = conn_.Query(
        "SELECT con.conrelid, con.conname, con.contype, con.condeferrable, con.condeferred, "
        "pg_get_constraintdef(con.oid, true) AS def, con.confupdtype, con.confdeltype, con.confmatchtype, "
        "fn.nspname AS ref_schema, fc.relname AS ref_table, ic.relname AS index_name, "
        "to_json(ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a "
        "  ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i))::text AS cols, "
        "to_json(ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a "
        "  ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i))::text AS ref_cols "
        "FROM pg_constraint con LEFT JOIN pg_class fc ON fc.oid = con.confrelid "
        "LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace LEFT JOIN pg_class ic ON ic.oid = con.conindid "
        // Rows with a parent are clones made for partitions (of either side).
        "WHERE con.conrelid = ANY(" + RelationOids() + ") AND con.contype IN ('p', 'u', 'f', 'c') "
        "AND con.conparentid = 0 "
        "ORDER BY con.conrelid, con.conname");
    for (size_t i = 0; i < r.rows.size(); ++i) {
      Table* t = TableOf(r.GetOr(i, "conrelid"));
      if (t == nullptr) continue;
      std::string type = r.GetOr(i, "contype");
      std::string name = r.GetOr(i, "conname");
      bool deferrable = r.GetOr(i, "condeferrable") == "t";
      bool deferred = r.GetOr(i, "condeferred") == "t";
      std::vector<std::string> cols = JsonStrings(r.GetOr(i, "cols", "[]"));
      if (type == "p" || type == "u") {
        KeyConstraint k{.name = name, .columns = cols, .deferrable = deferrable, .initially_deferred = deferred};
        if (type == "p") {
          t->primary_key = k;
        } else {
          t->unique_constraints.push_back(k);
        }
        constraint_of_index_[{t, r.GetOr(i, "index_name")}] = name;
      } else if (type == "f") {
        ForeignKey fk;
        fk.name = name;
        fk.columns = cols;
        fk.referenced_schema = r.GetOr(i, "ref_schema");
        fk.referenced_table = r.GetOr(i, "ref_table");
        fk.referenced_columns = JsonStrings(r.GetOr(i, "ref_cols", "[]"));
        fk.on_update = FkAction(r.GetOr(i, "confupdtype"));
        fk.on_delete = FkAction(r.GetOr(i, "confdeltype"));
        std::string match = r.GetOr(i, "confmatchtype");
        fk.match = match == "f" ? "FULL" : match == "p" ? "PARTIAL" : "SIMPLE";
        fk.deferrable = deferrable;
        fk.initially_deferred = deferred;
        t->foreign_keys.push_back(std::move(fk));
      } else {
        t->checks.push_back(Check{.name = name, .expression = PgCheckExpression(r.GetOr(i, "def"))});
      }
    }
  }

  void ReadIndexes() {
    QueryResult r = conn_.Query(
        "SELECT i.indrelid, ic.relname AS name, i.indisunique, i.indisprimary, am.amname, i.indnkeyatts, "
        "i.indkey::text AS indkey, i.indoption::text AS indoption, "
        "pg_get_expr(i.indpred, i.indrelid, true) AS predicate, obj_description(i.indexrelid, 'pg_class') AS comment, "
        "to_json(ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnatts) k "
        "  ORDER BY k))::text AS parts "
        "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam "
        "WHERE i.indrelid = ANY(" + RelationOids() + ") ORDER BY i.indrelid, ic.relname");
    for (size_t i = 0; i < r.rows.size(); ++i) {
      std::string relid = r.GetOr(i, "indrelid");
      Table* t = TableOf(relid);
      if (t == nullptr) continue;  // materialized view indexes are not modelled
      Index index;
      index.name = r.GetOr(i, "name");
      index.unique = r.GetOr(i, "indisunique") == "t";
      index.primary = r.GetOr(i, "indisprimary") == "t";
      index.method = r.GetOr(i, "amname");
      index.predicate = r.GetOr(i, "predicate");
      index.comment = r.GetOr(i, "comment");
      auto it = constraint_of_index_.find({t, index.name});
      if (it != constraint_of_index_.end()) index.constraint = it->second;
      std::vector<int> keys = ParsePgIntVector(r.GetOr(i, "indkey"));
      std::vector<int> options = ParsePgIntVector(r.GetOr(i, "indoption"));
      std::vector<std::string> texts = JsonStrings(r.GetOr(i, "parts", "[]"));
      size_t key_count = static_cast<size_t>(std::stoi(r.GetOr(i, "indnkeyatts", "0")));
      for (size_t k = 0; k < keys.size(); ++k) {
        std::string column = keys[k] != 0 ? AttName(relid, keys[k]) : "";
        if (k >= key_count) {
          index.include.push_back(column);
          continue;
        }
        IndexPart part;
        part.column = column;
        if (keys[k] == 0 && k < texts.size()) part.expression = texts[k];
        part.descending = k < options.size() && (options[k] & 1) != 0;
        index.parts.push_back(std::move(part));
      }
      t->indexes.push_back(std::move(index));
    }
  }

  void ReadPartitions() {
    QueryResult r = conn_.Query(
        "SELECT p.partrelid, pg_get_partkeydef(p.partrelid) AS keydef, p.partattrs::text AS partattrs "
        "FROM pg_partitioned_table p WHERE p.partrelid = ANY(" + RelationOids() + ")");
    for (size_t i = 0; i < r.rows.size(); ++i) {
      std::string relid = r.GetOr(i, "partrelid");
      Table* t = TableOf(relid);
      if (t == nullptr) continue;
      Partitioning p;
      std::tie(p.method, p.expression) = PgPartitionKey(r.GetOr(i, "keydef"));
      std::vector<int> attrs = ParsePgIntVector(r.GetOr(i, "partattrs"));
      bool plain = !attrs.empty();
      for (int a : attrs) plain = plain && a != 0;
      if (plain) {
        for (int a : attrs) p.columns.push_back(AttName(relid, a));
      }
      t->partitioning = std::move(p);
    }
    QueryResult c = conn_.Query(
        "SELECT i.inhparent, n.nspname, c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound "
        "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relispartition AND i.inhparent = ANY(" + RelationOids() + ") ORDER BY c.relname");
    for (size_t i = 0; i < c.rows.size(); ++i) {
      std::string parent = c.GetOr(i, "inhparent");
      Table* t = TableOf(parent);
      if (t == nullptr || !t->partitioning) continue;
      std::string schema = c.GetOr(i, "nspname");
      std::string name = c.GetOr(i, "relname");
      if (schema != relations_[parent].schema) name = schema + "." + name;
      t->partitioning->partitions.push_back(Partition{.name = name, .bound = c.GetOr(i, "bound")});
    }
  }

  void ReadViews() {
    QueryResult r = conn_.Query(
        "SELECT c.oid, pg_get_viewdef(c.oid, true) AS def FROM pg_class c WHERE c.relkind IN ('v', 'm') "
        "AND c.oid = ANY(" + RelationOids() + ")");
    for (size_t i = 0; i < r.rows.size(); ++i) {
      if (View* v = ViewOf(r.GetOr(i, "oid"))) v->definition = r.GetOr(i, "def");
    }
    QueryResult d = conn_.Query(
        "SELECT DISTINCT w.ev_class AS view_oid, rn.nspname, rc.relname FROM pg_depend dep "
        "JOIN pg_rewrite w ON w.oid = dep.objid JOIN pg_class rc ON rc.oid = dep.refobjid "
        "JOIN pg_namespace rn ON rn.oid = rc.relnamespace "
        "WHERE dep.classid = 'pg_rewrite'::regclass AND dep.refclassid = 'pg_class'::regclass "
        "AND dep.refobjid <> w.ev_class AND w.ev_class = ANY(" + RelationOids() + ")");
    for (size_t i = 0; i < d.rows.size(); ++i) {
      if (View* v = ViewOf(d.GetOr(i, "view_oid"))) {
        v->depends_on.push_back(d.GetOr(i, "nspname") + "." + d.GetOr(i, "relname"));
      }
    }
  }

  void ReadSequences() {
    QueryResult r = conn_.Query(
        "SELECT s.seqrelid, format_type(s.seqtypid, NULL) AS data_type, s.seqstart, s.seqincrement, s.seqmin, "
        "s.seqmax, s.seqcycle, s.seqcache, "
        "(SELECT tc.relname || '.' || a.attname FROM pg_depend d JOIN pg_class tc ON tc.oid = d.refobjid "
        "  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
        "  WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid "
        "  AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a' LIMIT 1) AS owned_by, "
        "EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid "
        "  AND d.deptype = 'i') AS is_identity "
        "FROM pg_sequence s WHERE s.seqrelid = ANY(" + RelationOids() + ")");
    for (size_t i = 0; i < r.rows.size(); ++i) {
      // Identity sequences belong to their column (Column::identity).
      if (r.GetOr(i, "is_identity") == "t") continue;
      const Relation& rel = relations_[r.GetOr(i, "seqrelid")];
      Sequence s;
      s.name = rel.name;
      s.data_type = r.GetOr(i, "data_type");
      s.start = std::stoll(r.GetOr(i, "seqstart", "1"));
      s.increment = std::stoll(r.GetOr(i, "seqincrement", "1"));
      s.min_value = std::stoll(r.GetOr(i, "seqmin", "1"));
      s.max_value = std::stoll(r.GetOr(i, "seqmax", "1"));
      s.cycle = r.GetOr(i, "seqcycle") == "t";
      s.cache = std::stoll(r.GetOr(i, "seqcache", "1"));
      s.owned_by = r.GetOr(i, "owned_by");
      SchemaAt(rel.schema).sequences.push_back(std::move(s));
    }
  }

  void ReadTriggers() {
    std::string children = conn_.ServerVersionNum() >= 130000 ? " AND tg.tgparentid = 0" : "";
    QueryResult r = conn_.Query(
        "SELECT tg.tgrelid, tg.tgname, tg.tgtype, pg_get_triggerdef(tg.oid, true) AS def FROM pg_trigger tg "
        "WHERE NOT tg.tgisinternal" + children + " AND tg.tgrelid = ANY(" + RelationOids() + ")");
    for (size_t i = 0; i < r.rows.size(); ++i) {
      const Relation& rel = relations_[r.GetOr(i, "tgrelid")];
      PgTriggerType type = DecodePgTriggerType(std::stoi(r.GetOr(i, "tgtype", "0")));
      SchemaAt(rel.schema).triggers.push_back(Trigger{.name = r.GetOr(i, "tgname"),
                                                      .table = rel.name,
                                                      .timing = type.timing,
                                                      .events = type.events,
                                                      .orientation = type.orientation,
                                                      .definition = r.GetOr(i, "def")});
    }
  }

  void ReadTypes() {
    QueryResult e = conn_.Query(
        "SELECT n.nspname, t.typname, to_json(ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid "
        "ORDER BY e.enumsortorder))::text AS labels FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
        "WHERE t.typtype = 'e' AND t.typnamespace = ANY(" + SchemaOids() + ") AND " +
        NotExtensionMember("pg_type", "t.oid"));
    for (size_t i = 0; i < e.rows.size(); ++i) {
      SchemaAt(e.GetOr(i, "nspname"))
          .enum_types.push_back(EnumType{.name = e.GetOr(i, "typname"), .labels = JsonStrings(e.GetOr(i, "labels", "[]"))});
    }
    QueryResult d = conn_.Query(
        "SELECT t.oid, n.nspname, t.typname, t.typnotnull, t.typdefault, " +
        TypeColumns("t.typbasetype", "t.typtypmod") + ", t.typndims, "
        "CASE WHEN t.typcollation <> tt.typcollation THEN co.collname END AS collation, "
        "to_json(ARRAY(SELECT c.conname FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' "
        "  ORDER BY c.conname))::text AS check_names, "
        "to_json(ARRAY(SELECT pg_get_constraintdef(c.oid, true) FROM pg_constraint c WHERE c.contypid = t.oid "
        "  AND c.contype = 'c' ORDER BY c.conname))::text AS check_defs "
        "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace" + TypeJoins("t.typbasetype") +
        " LEFT JOIN pg_collation co ON co.oid = t.typcollation "
        "WHERE t.typtype = 'd' AND t.typnamespace = ANY(" + SchemaOids() + ") AND " +
        NotExtensionMember("pg_type", "t.oid"));
    for (size_t i = 0; i < d.rows.size(); ++i) {
      Domain dom;
      dom.name = d.GetOr(i, "typname");
      dom.base_type = PgTypeName(TypeInfoAt(d, i, "typndims"));
      dom.base_type_raw = dom.base_type.raw;
      dom.not_null = d.GetOr(i, "typnotnull") == "t";
      dom.default_raw = d.GetOr(i, "typdefault");
      dom.collation = d.GetOr(i, "collation");
      std::vector<std::string> names = JsonStrings(d.GetOr(i, "check_names", "[]"));
      std::vector<std::string> defs = JsonStrings(d.GetOr(i, "check_defs", "[]"));
      for (size_t k = 0; k < names.size() && k < defs.size(); ++k) {
        dom.checks.push_back(Check{.name = names[k], .expression = PgCheckExpression(defs[k])});
      }
      SchemaAt(d.GetOr(i, "nspname")).domains.push_back(std::move(dom));
    }
  }

  void ReadRoutines() {
    QueryResult r = conn_.Query(
        "SELECT n.nspname, p.proname, p.prokind, pg_get_function_identity_arguments(p.oid) AS args, "
        "CASE WHEN p.prokind = 'f' THEN pg_get_function_result(p.oid) END AS result, l.lanname, "
        "pg_get_functiondef(p.oid) AS def FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "JOIN pg_language l ON l.oid = p.prolang WHERE p.prokind IN ('f', 'p') "
        "AND p.pronamespace = ANY(" + SchemaOids() + ") AND " + NotExtensionMember("pg_proc", "p.oid"));
    for (size_t i = 0; i < r.rows.size(); ++i) {
      SchemaAt(r.GetOr(i, "nspname"))
          .routines.push_back(Routine{.name = r.GetOr(i, "proname"),
                                      .kind = r.GetOr(i, "prokind") == "p" ? "procedure" : "function",
                                      .arguments = r.GetOr(i, "args"),
                                      .returns = r.GetOr(i, "result"),
                                      .language = r.GetOr(i, "lanname"),
                                      .definition = r.GetOr(i, "def")});
    }
  }

  PgConnection& conn_;
  const CatalogFilter& filter_;
  Catalog catalog_;
  std::map<std::string, size_t> schema_by_oid_;
  std::map<std::string, size_t> schema_by_name_;
  std::map<std::string, Relation> relations_;  // by oid (text)
  std::map<std::pair<std::string, std::string>, std::string> attnames_;  // (relid, attnum) -> name
  std::map<std::pair<const Table*, std::string>, std::string> constraint_of_index_;
};

}  // namespace

bool IsPgSystemSchema(const std::string& schema) {
  return schema == "pg_catalog" || schema == "information_schema" || schema.rfind("pg_toast", 0) == 0 ||
         schema.rfind("pg_temp_", 0) == 0;
}

Catalog ReadPgCatalog(PgConnection& conn, const CatalogFilter& filter) { return Reader(conn, filter).Run(); }

}  // namespace sluice
