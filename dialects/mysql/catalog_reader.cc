// The MySQL-family catalog reader.
//
// It runs one query per information_schema table for all selected schemas
// at once (not one per table), so the cost grows with the number of objects
// read, not with round trips. Selection happens first: SCHEMATA, then TABLES
// (which also lists views and MariaDB sequences); the filter's verdict
// becomes a WHERE clause for every later query, naming tables explicitly
// when the filter rejected some. Columns are read with SELECT * and picked
// by name, because MySQL 8 and MariaDB expose different columns (IS_VISIBLE
// vs IGNORED, EXPRESSION, ...); a column a server lacks reads as NULL.
//
// View dependencies come from VIEW_TABLE_USAGE where the server has it
// (MySQL >= 8.0.13), else from the `schema`.`name` pairs in the stored view
// definition, checked against TABLES.

#include "dialects/mysql/catalog_reader.h"

#include <cctype>
#include <map>
#include <set>
#include <tuple>

#include "dialects/mysql/mysql_catalog_text.h"

namespace sluice {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

using TableKey = std::pair<std::string, std::string>;  // schema, table

class Reader {
 public:
  Reader(MySqlConnection& conn, Dialect dialect, const CatalogFilter& filter)
      : conn_(conn), filter_(filter) {
    catalog_.dialect = dialect;
  }

  Catalog Run() {
    catalog_.server_version = conn_.ServerVersion();
    mariadb_ = conn_.IsMariaDb();
    ReadSchemas();
    if (!catalog_.schemas.empty()) {
      ReadTables();
      ReadColumns();
      ReadIndexes();
      ReadForeignKeys();
      ReadChecks();
      ReadPartitions();
      ReadViews();
      ReadTriggers();
      ReadRoutines();
      ReadSequences();
    }
    NormalizeCatalog(catalog_);
    return std::move(catalog_);
  }

 private:
  std::string Q(const std::string& s) { return conn_.QuoteString(s); }

  bool HasInformationSchemaTable(const std::string& name) {
    QueryResult r = conn_.Query(
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = " +
        Q(name));
    return !r.rows.empty() && r.rows[0][0] && *r.rows[0][0] != "0";
  }

  // "<schema_col> IN (...)" plus, when the filter dropped tables, the
  // explicit (schema, table) list. `table_col` empty: schema only.
  std::string Where(const std::string& schema_col, const std::string& table_col) {
    std::string schemas;
    for (const Schema& s : catalog_.schemas) schemas += (schemas.empty() ? "" : ", ") + Q(s.name);
    std::string where = schema_col + " IN (" + schemas + ")";
    if (table_col.empty() || !tables_filtered_) return where;
    std::string any;
    for (const auto& [schema, names] : selected_) {
      if (names.empty()) continue;
      std::string list;
      for (const std::string& n : names) list += (list.empty() ? "" : ", ") + Q(n);
      any += std::string(any.empty() ? "" : " OR ") + "(" + schema_col + " = " + Q(schema) + " AND " + table_col +
             " IN (" + list + "))";
    }
    return where + " AND (" + (any.empty() ? "FALSE" : any) + ")";
  }

  Schema* FindSchema(const std::string& name) {
    auto it = schema_index_.find(name);
    return it == schema_index_.end() ? nullptr : &catalog_.schemas[it->second];
  }
  Table* FindTable(const std::string& schema, const std::string& table) {
    auto it = tables_.find({schema, table});
    if (it == tables_.end()) return nullptr;
    return &FindSchema(schema)->tables[it->second];
  }
  View* FindView(const std::string& schema, const std::string& view) {
    auto it = views_.find({schema, view});
    if (it == views_.end()) return nullptr;
    return &FindSchema(schema)->views[it->second];
  }

  void ReadSchemas() {
    QueryResult r = conn_.Query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME");
    for (size_t i = 0; i < r.rows.size(); ++i) {
      std::string name = r.GetOr(i, "SCHEMA_NAME");
      if (IsMySqlSystemSchema(name) || !filter_.AcceptSchema(name)) continue;
      schema_index_[name] = catalog_.schemas.size();
      catalog_.schemas.push_back(Schema{.name = name});
    }
  }

  void ReadTables() {
    QueryResult r = conn_.Query("SELECT * FROM information_schema.TABLES WHERE " + Where("TABLE_SCHEMA", "") +
                                " ORDER BY TABLE_SCHEMA, TABLE_NAME");
    for (size_t i = 0; i < r.rows.size(); ++i) {
      std::string schema = r.GetOr(i, "TABLE_SCHEMA");
      std::string name = r.GetOr(i, "TABLE_NAME");
      std::string type = Upper(r.GetOr(i, "TABLE_TYPE"));
      if (type.find("TEMPORARY") != std::string::npos || r.GetOr(i, "TEMPORARY") == "Y") continue;
      if (!filter_.AcceptTable(schema, name)) {
        tables_filtered_ = true;
        continue;
      }
      selected_[schema].push_back(name);
      Schema* s = FindSchema(schema);
      if (type == "VIEW" || type == "SYSTEM VIEW") {
        views_[{schema, name}] = s->views.size();
        s->views.push_back(View{.name = name});
      } else if (type == "SEQUENCE") {
        sequences_.push_back({schema, name});
      } else {
        Table t;
        t.name = name;
        t.engine = r.GetOr(i, "ENGINE");
        t.collation = r.GetOr(i, "TABLE_COLLATION");
        t.charset = t.collation.substr(0, t.collation.find('_'));
        t.comment = r.GetOr(i, "TABLE_COMMENT");
        if (auto rows = r.Get(i, "TABLE_ROWS")) t.row_estimate = std::stoll(*rows);
        tables_[{schema, name}] = s->tables.size();
        s->tables.push_back(std::move(t));
      }
    }
  }

  void ReadColumns() {
    QueryResult r = conn_.Query("SELECT * FROM information_schema.COLUMNS WHERE " +
                                Where("TABLE_SCHEMA", "TABLE_NAME") +
                                " ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION");
    for (size_t i = 0; i < r.rows.size(); ++i) {
      std::string schema = r.GetOr(i, "TABLE_SCHEMA");
      std::string table = r.GetOr(i, "TABLE_NAME");
      Column c;
      c.name = r.GetOr(i, "COLUMN_NAME");
      c.ordinal = std::stoi(r.GetOr(i, "ORDINAL_POSITION", "0"));
      c.type_raw = r.GetOr(i, "COLUMN_TYPE");
      c.type = MySqlTypeName(r.GetOr(i, "DATA_TYPE"), c.type_raw);
      c.nullable = r.GetOr(i, "IS_NULLABLE") == "YES";
      std::string extra = r.GetOr(i, "EXTRA");
      c.default_value = MySqlColumnDefault(r.Get(i, "COLUMN_DEFAULT"), extra, mariadb_);
      if (ExtraHas(extra, "VIRTUAL GENERATED")) {
        c.generated = GeneratedKind::kVirtual;
      } else if (ExtraHas(extra, "STORED GENERATED") || ExtraHas(extra, "PERSISTENT GENERATED")) {
        c.generated = GeneratedKind::kStored;
      }
      if (c.generated != GeneratedKind::kNone) {
        c.generation_expression = r.GetOr(i, "GENERATION_EXPRESSION");
        c.default_value = ColumnDefault{};
      }
      c.auto_increment = ExtraHas(extra, "auto_increment");
      c.on_update = MySqlOnUpdate(extra);
      c.invisible = ExtraHas(extra, "INVISIBLE");
      c.charset = r.GetOr(i, "CHARACTER_SET_NAME");
      c.collation = r.GetOr(i, "COLLATION_NAME");
      c.comment = r.GetOr(i, "COLUMN_COMMENT");
      if (Table* t = FindTable(schema, table)) {
        t->columns.push_back(std::move(c));
      } else if (View* v = FindView(schema, table)) {
        v->columns.push_back(std::move(c));
      }
    }
    // MariaDB's JSON is an alias of LONGTEXT guarded by CHECK (json_valid(col));
    // the type name says json so the type rules map it as JSON.
    if (mariadb_) {
      QueryResult checks = HasInformationSchemaTable("CHECK_CONSTRAINTS")
                               ? conn_.Query("SELECT * FROM information_schema.CHECK_CONSTRAINTS WHERE " +
                                             Where("CONSTRAINT_SCHEMA", "TABLE_NAME"))
                               : QueryResult{};
      for (size_t i = 0; i < checks.rows.size(); ++i) {
        std::string column = checks.GetOr(i, "CONSTRAINT_NAME");
        if (checks.GetOr(i, "LEVEL") != "Column" ||
            checks.GetOr(i, "CHECK_CLAUSE") != "json_valid(" + MySqlConnection::QuoteMySqlIdent(column) + ")") {
          continue;
        }
        Table* t = FindTable(checks.GetOr(i, "CONSTRAINT_SCHEMA"), checks.GetOr(i, "TABLE_NAME"));
        if (t == nullptr) continue;
        for (Column& c : t->columns) {
          if (c.name == column && c.type.name == "longtext") c.type.name = "json";
        }
      }
    }
  }

  void ReadIndexes() {
    QueryResult r = conn_.Query("SELECT * FROM information_schema.STATISTICS WHERE " +
                                Where("TABLE_SCHEMA", "TABLE_NAME") +
                                " ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX");
    for (size_t i = 0; i < r.rows.size(); ++i) {
      Table* t = FindTable(r.GetOr(i, "TABLE_SCHEMA"), r.GetOr(i, "TABLE_NAME"));
      if (t == nullptr) continue;
      std::string name = r.GetOr(i, "INDEX_NAME");
      if (t->indexes.empty() || t->indexes.back().name != name) {
        Index index;
        index.name = name;
        index.unique = r.GetOr(i, "NON_UNIQUE") == "0";
        index.primary = name == "PRIMARY";
        if (index.primary) index.constraint = "PRIMARY";
        index.method = Lower(r.GetOr(i, "INDEX_TYPE"));
        index.comment = r.GetOr(i, "INDEX_COMMENT");
        index.visible = r.GetOr(i, "IS_VISIBLE", "YES") != "NO" && r.GetOr(i, "IGNORED", "NO") != "YES";
        t->indexes.push_back(std::move(index));
      }
      IndexPart part;
      part.column = r.GetOr(i, "COLUMN_NAME");
      if (part.column.empty()) part.expression = r.GetOr(i, "EXPRESSION");
      if (auto sub = r.Get(i, "SUB_PART")) part.prefix_length = std::stoll(*sub);
      part.descending = r.GetOr(i, "COLLATION") == "D";
      t->indexes.back().parts.push_back(std::move(part));
    }
    for (Schema& s : catalog_.schemas) {
      for (Table& t : s.tables) {
        for (const Index& index : t.indexes) {
          if (!index.primary) continue;
          KeyConstraint pk{.name = index.name};
          for (const IndexPart& p : index.parts) pk.columns.push_back(p.column);
          t.primary_key = pk;
        }
      }
    }
  }

  void ReadForeignKeys() {
    QueryResult rules = conn_.Query("SELECT * FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE " +
                                    Where("CONSTRAINT_SCHEMA", "TABLE_NAME"));
    std::map<std::tuple<std::string, std::string, std::string>, size_t> rule_row;
    for (size_t i = 0; i < rules.rows.size(); ++i) {
      rule_row[{rules.GetOr(i, "CONSTRAINT_SCHEMA"), rules.GetOr(i, "TABLE_NAME"), rules.GetOr(i, "CONSTRAINT_NAME")}] = i;
    }
    QueryResult r = conn_.Query(
        "SELECT * FROM information_schema.KEY_COLUMN_USAGE WHERE REFERENCED_TABLE_NAME IS NOT NULL AND " +
        Where("TABLE_SCHEMA", "TABLE_NAME") + " ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION");
    for (size_t i = 0; i < r.rows.size(); ++i) {
      std::string schema = r.GetOr(i, "TABLE_SCHEMA");
      std::string table = r.GetOr(i, "TABLE_NAME");
      Table* t = FindTable(schema, table);
      if (t == nullptr) continue;
      std::string name = r.GetOr(i, "CONSTRAINT_NAME");
      if (t->foreign_keys.empty() || t->foreign_keys.back().name != name) {
        ForeignKey fk;
        fk.name = name;
        fk.referenced_schema = r.GetOr(i, "REFERENCED_TABLE_SCHEMA");
        fk.referenced_table = r.GetOr(i, "REFERENCED_TABLE_NAME");
        auto it = rule_row.find({schema, table, name});
        if (it != rule_row.end()) {
          fk.on_update = rules.GetOr(it->second, "UPDATE_RULE", "NO ACTION");
          fk.on_delete = rules.GetOr(it->second, "DELETE_RULE", "NO ACTION");
          std::string match = rules.GetOr(it->second, "MATCH_OPTION", "NONE");
          fk.match = match == "NONE" ? "SIMPLE" : match;
        }
        t->foreign_keys.push_back(std::move(fk));
      }
      t->foreign_keys.back().columns.push_back(r.GetOr(i, "COLUMN_NAME"));
      t->foreign_keys.back().referenced_columns.push_back(r.GetOr(i, "REFERENCED_COLUMN_NAME"));
    }
  }

  void ReadChecks() {
    // MariaDB >= 10.2 and MySQL >= 8.0.16 only.
    if (!HasInformationSchemaTable("CHECK_CONSTRAINTS")) return;
    QueryResult r = conn_.Query("SELECT * FROM information_schema.CHECK_CONSTRAINTS WHERE " +
                                Where("CONSTRAINT_SCHEMA", ""));
    bool has_table_name = r.ColumnIndex("TABLE_NAME") >= 0;
    // MySQL's CHECK_CONSTRAINTS lacks the table (check names are unique per
    // schema there); TABLE_CONSTRAINTS has it, and ENFORCED.
    std::map<TableKey, std::pair<std::string, std::string>> owner;  // (schema, name) -> (table, enforced)
    QueryResult tc = conn_.Query(
        "SELECT * FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_TYPE = 'CHECK' AND " +
        Where("CONSTRAINT_SCHEMA", "TABLE_NAME"));
    for (size_t i = 0; i < tc.rows.size(); ++i) {
      owner[{tc.GetOr(i, "CONSTRAINT_SCHEMA"), tc.GetOr(i, "CONSTRAINT_NAME")}] = {tc.GetOr(i, "TABLE_NAME"),
                                                                                   tc.GetOr(i, "ENFORCED", "YES")};
    }
    for (size_t i = 0; i < r.rows.size(); ++i) {
      std::string schema = r.GetOr(i, "CONSTRAINT_SCHEMA");
      std::string name = r.GetOr(i, "CONSTRAINT_NAME");
      std::string table;
      std::string enforced = "YES";
      auto it = owner.find({schema, name});
      if (has_table_name) {
        table = r.GetOr(i, "TABLE_NAME");
      } else if (it != owner.end()) {
        table = it->second.first;
        enforced = it->second.second;
      }
      Table* t = FindTable(schema, table);
      if (t == nullptr) continue;
      t->checks.push_back(Check{.name = name, .expression = r.GetOr(i, "CHECK_CLAUSE"), .enforced = enforced != "NO"});
    }
  }

  void ReadPartitions() {
    QueryResult r = conn_.Query("SELECT * FROM information_schema.PARTITIONS WHERE PARTITION_NAME IS NOT NULL AND " +
                                Where("TABLE_SCHEMA", "TABLE_NAME") +
                                " ORDER BY TABLE_SCHEMA, TABLE_NAME, PARTITION_ORDINAL_POSITION, "
                                "SUBPARTITION_ORDINAL_POSITION");
    for (size_t i = 0; i < r.rows.size(); ++i) {
      Table* t = FindTable(r.GetOr(i, "TABLE_SCHEMA"), r.GetOr(i, "TABLE_NAME"));
      if (t == nullptr) continue;
      if (!t->partitioning) {
        Partitioning p;
        std::string method = Upper(r.GetOr(i, "PARTITION_METHOD"));
        p.linear = method.rfind("LINEAR ", 0) == 0;
        if (p.linear) method = method.substr(7);
        p.columns_form = method.size() > 8 && method.substr(method.size() - 8) == " COLUMNS";
        if (p.columns_form) method = method.substr(0, method.size() - 8);
        p.method = Lower(method);
        p.expression = r.GetOr(i, "PARTITION_EXPRESSION");
        if (p.columns_form || p.method == "key") p.columns = SplitMySqlIdentList(p.expression);
        std::string sub = Upper(r.GetOr(i, "SUBPARTITION_METHOD"));
        p.sub_method = Lower(sub);
        p.sub_expression = r.GetOr(i, "SUBPARTITION_EXPRESSION");
        t->partitioning = std::move(p);
      }
      Partitioning& p = *t->partitioning;
      std::string name = r.GetOr(i, "PARTITION_NAME");
      if (p.partitions.empty() || p.partitions.back().name != name) {
        p.partitions.push_back(Partition{
            .name = name, .bound = MySqlPartitionBound(p.method, p.columns_form, r.Get(i, "PARTITION_DESCRIPTION"))});
      }
      if (auto sub = r.Get(i, "SUBPARTITION_NAME")) p.partitions.back().subpartitions.push_back(*sub);
    }
  }

  void ReadViews() {
    if (views_.empty()) return;
    QueryResult r = conn_.Query("SELECT * FROM information_schema.VIEWS WHERE " + Where("TABLE_SCHEMA", "TABLE_NAME"));
    for (size_t i = 0; i < r.rows.size(); ++i) {
      View* v = FindView(r.GetOr(i, "TABLE_SCHEMA"), r.GetOr(i, "TABLE_NAME"));
      if (v == nullptr) continue;
      v->definition = r.GetOr(i, "VIEW_DEFINITION");
      std::string option = Upper(r.GetOr(i, "CHECK_OPTION", "NONE"));
      v->check_option = option == "NONE" ? "" : option;
      v->security = Upper(r.GetOr(i, "SECURITY_TYPE"));
    }
    if (HasInformationSchemaTable("VIEW_TABLE_USAGE")) {
      QueryResult u = conn_.Query("SELECT * FROM information_schema.VIEW_TABLE_USAGE WHERE " +
                                  Where("VIEW_SCHEMA", "VIEW_NAME"));
      for (size_t i = 0; i < u.rows.size(); ++i) {
        if (View* v = FindView(u.GetOr(i, "VIEW_SCHEMA"), u.GetOr(i, "VIEW_NAME"))) {
          v->depends_on.push_back(u.GetOr(i, "TABLE_SCHEMA") + "." + u.GetOr(i, "TABLE_NAME"));
        }
      }
      return;
    }
    // Candidates from the definitions, confirmed against TABLES in one query.
    std::map<TableKey, std::vector<View*>> candidates;
    for (Schema& s : catalog_.schemas) {
      for (View& v : s.views) {
        for (const auto& ref : MySqlQualifiedReferences(v.definition)) candidates[ref].push_back(&v);
      }
    }
    if (candidates.empty()) return;
    std::string list;
    for (const auto& [ref, views] : candidates) {
      list += (list.empty() ? "(" : ", (") + Q(ref.first) + ", " + Q(ref.second) + ")";
    }
    QueryResult known = conn_.Query(
        "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE (TABLE_SCHEMA, TABLE_NAME) IN (" + list +
        ")");
    for (size_t i = 0; i < known.rows.size(); ++i) {
      TableKey key{known.GetOr(i, "TABLE_SCHEMA"), known.GetOr(i, "TABLE_NAME")};
      auto it = candidates.find(key);
      if (it == candidates.end()) continue;
      for (View* v : it->second) v->depends_on.push_back(key.first + "." + key.second);
    }
  }

  void ReadTriggers() {
    QueryResult r = conn_.Query("SELECT * FROM information_schema.TRIGGERS WHERE " +
                                Where("EVENT_OBJECT_SCHEMA", "EVENT_OBJECT_TABLE"));
    for (size_t i = 0; i < r.rows.size(); ++i) {
      Schema* s = FindSchema(r.GetOr(i, "TRIGGER_SCHEMA"));
      if (s == nullptr) continue;
      s->triggers.push_back(Trigger{.name = r.GetOr(i, "TRIGGER_NAME"),
                                    .table = r.GetOr(i, "EVENT_OBJECT_TABLE"),
                                    .timing = Upper(r.GetOr(i, "ACTION_TIMING")),
                                    .events = {Upper(r.GetOr(i, "EVENT_MANIPULATION"))},
                                    .orientation = Upper(r.GetOr(i, "ACTION_ORIENTATION", "ROW")),
                                    .definition = r.GetOr(i, "ACTION_STATEMENT")});
    }
  }

  void ReadRoutines() {
    QueryResult r = conn_.Query("SELECT * FROM information_schema.ROUTINES WHERE " + Where("ROUTINE_SCHEMA", ""));
    if (r.rows.empty()) return;
    std::map<TableKey, std::string> arguments;  // (schema, specific name) -> "IN a int, ..."
    QueryResult p = conn_.Query("SELECT * FROM information_schema.PARAMETERS WHERE ORDINAL_POSITION > 0 AND " +
                                Where("SPECIFIC_SCHEMA", "") + " ORDER BY SPECIFIC_SCHEMA, SPECIFIC_NAME, ORDINAL_POSITION");
    for (size_t i = 0; i < p.rows.size(); ++i) {
      std::string& args = arguments[{p.GetOr(i, "SPECIFIC_SCHEMA"), p.GetOr(i, "SPECIFIC_NAME")}];
      // Function parameters are always IN; MariaDB still reports the mode.
      std::string mode = Upper(p.GetOr(i, "ROUTINE_TYPE")) == "FUNCTION" ? "" : p.GetOr(i, "PARAMETER_MODE");
      std::string text = (mode.empty() ? "" : mode + " ") +
                         MySqlConnection::QuoteMySqlIdent(p.GetOr(i, "PARAMETER_NAME")) + " " +
                         p.GetOr(i, "DTD_IDENTIFIER");
      args += (args.empty() ? "" : ", ") + text;
    }
    for (size_t i = 0; i < r.rows.size(); ++i) {
      Schema* s = FindSchema(r.GetOr(i, "ROUTINE_SCHEMA"));
      if (s == nullptr) continue;
      Routine routine;
      routine.name = r.GetOr(i, "ROUTINE_NAME");
      routine.kind = Lower(r.GetOr(i, "ROUTINE_TYPE"));
      routine.arguments = arguments[{s->name, r.GetOr(i, "SPECIFIC_NAME", routine.name)}];
      if (routine.kind == "function") routine.returns = r.GetOr(i, "DTD_IDENTIFIER");
      routine.language = Lower(r.GetOr(i, "EXTERNAL_LANGUAGE", r.GetOr(i, "ROUTINE_BODY", "SQL")));
      routine.definition = r.GetOr(i, "ROUTINE_DEFINITION");
      s->routines.push_back(std::move(routine));
    }
  }

  // MariaDB sequences are tables of one row holding their parameters.
  void ReadSequences() {
    for (const auto& [schema, name] : sequences_) {
      QueryResult r = conn_.Query(
          "SELECT start_value, minimum_value, maximum_value, increment, cycle_option, cache_size FROM " +
          conn_.QuoteIdent(schema) + "." + conn_.QuoteIdent(name));
      if (r.rows.empty()) continue;
      Sequence seq;
      seq.name = name;
      seq.data_type = "bigint";
      seq.start = std::stoll(r.GetOr(0, "start_value", "1"));
      seq.min_value = std::stoll(r.GetOr(0, "minimum_value", "1"));
      seq.max_value = std::stoll(r.GetOr(0, "maximum_value", "9223372036854775806"));
      seq.increment = std::stoll(r.GetOr(0, "increment", "1"));
      seq.cycle = r.GetOr(0, "cycle_option", "0") == "1";
      seq.cache = std::stoll(r.GetOr(0, "cache_size", "1"));
      FindSchema(schema)->sequences.push_back(std::move(seq));
    }
  }

  MySqlConnection& conn_;
  const CatalogFilter& filter_;
  Catalog catalog_;
  bool mariadb_ = false;
  bool tables_filtered_ = false;
  std::map<std::string, size_t> schema_index_;
  std::map<std::string, std::vector<std::string>> selected_;  // schema -> accepted tables and views
  std::map<TableKey, size_t> tables_;  // -> index in its schema's tables
  std::map<TableKey, size_t> views_;
  std::vector<TableKey> sequences_;
};

}  // namespace

bool IsMySqlSystemSchema(const std::string& schema) {
  static const std::set<std::string> kSystem = {"mysql", "information_schema", "performance_schema", "sys",
                                                "metrics_schema", "oceanbase", "__recyclebin", "lbacsys",
                                                "oraauditor", "__public"};
  return kSystem.count(Lower(schema)) > 0;
}

Catalog ReadMySqlCatalog(MySqlConnection& conn, Dialect dialect, const CatalogFilter& filter) {
  return Reader(conn, dialect, filter).Run();
}

}  // namespace sluice
