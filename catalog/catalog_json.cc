// Catalog <-> JSON.
//
// One Visit() function per struct lists its fields once, in output order,
// with their defaults; two visitors walk it. JsonOut writes a field unless it
// holds its default; JsonIn reads it back, checks the JSON type, records the
// key as known, and on the first problem stores "<path>: <message>" and turns
// every later call into a no-op. Because both directions share the field
// list, writing what was read reproduces the input byte for byte.

#include "catalog/catalog_json.h"

#include <set>
#include <type_traits>
#include <utility>

namespace sluice {

namespace {

using Json = nlohmann::ordered_json;

template <typename E>
struct EnumNames {
  const char* (*name)(E);
  std::vector<E> values;
};

const EnumNames<DefaultKind> kDefaultKinds{
    DefaultKindName,
    {DefaultKind::kNone, DefaultKind::kLiteral, DefaultKind::kExpression, DefaultKind::kSequence}};
const EnumNames<GeneratedKind> kGeneratedKinds{
    GeneratedKindName, {GeneratedKind::kNone, GeneratedKind::kStored, GeneratedKind::kVirtual}};
const EnumNames<IdentityKind> kIdentityKinds{
    IdentityKindName, {IdentityKind::kNone, IdentityKind::kAlways, IdentityKind::kByDefault}};

// ---- writing ---------------------------------------------------------------

class JsonOut {
 public:
  Json json = Json::object();

  void Str(const char* key, std::string& value, bool always = false) {
    if (always || !value.empty()) json[key] = value;
  }
  void Bool(const char* key, bool& value, bool def) {
    if (value != def) json[key] = value;
  }
  template <typename I>
  void Int(const char* key, I& value, I def) {
    if (value != def) json[key] = value;
  }
  void OptInt(const char* key, std::optional<int64_t>& value) {
    if (value) json[key] = *value;
  }
  void OptBool(const char* key, std::optional<bool>& value) {
    if (value) json[key] = *value;
  }
  template <typename T>
  void Values(const char* key, std::vector<T>& values) {
    if (!values.empty()) json[key] = values;
  }
  template <typename E>
  void Enum(const char* key, E& value, const EnumNames<E>& names) {
    if (value != names.values.front()) json[key] = names.name(value);
  }
  template <typename T, typename F>
  void Object(const char* key, T& value, F visit) {
    JsonOut out;
    visit(out, value);
    if (!out.json.empty()) json[key] = std::move(out.json);
  }
  template <typename T, typename F>
  void Optional(const char* key, std::optional<T>& value, F visit) {
    if (!value) return;
    JsonOut out;
    visit(out, *value);
    json[key] = std::move(out.json);
  }
  template <typename T, typename F>
  void List(const char* key, std::vector<T>& items, F visit) {
    if (items.empty()) return;
    Json array = Json::array();
    for (T& item : items) {
      JsonOut out;
      visit(out, item);
      array.push_back(std::move(out.json));
    }
    json[key] = std::move(array);
  }
};

// ---- reading ---------------------------------------------------------------

std::string Describe(const Json& j) {
  std::string text = j.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return std::string(j.type_name()) + " " + text;
}

class JsonIn {
 public:
  JsonIn(const Json& json, std::string path, std::string* error)
      : json_(json), path_(std::move(path)), error_(error) {
    if (!Failed() && !json_.is_object()) Fail(path_, "expected an object, got " + Describe(json_));
  }

  bool Failed() const { return !error_->empty(); }

  void Str(const char* key, std::string& value, bool always = false) {
    const Json* j = Get(key, always);
    if (!j) return;
    if (!j->is_string()) return Fail(Path(key), "expected a string, got " + Describe(*j));
    value = j->get<std::string>();
  }
  void Bool(const char* key, bool& value, bool) {
    const Json* j = Get(key);
    if (!j) return;
    if (!j->is_boolean()) return Fail(Path(key), "expected a boolean, got " + Describe(*j));
    value = j->get<bool>();
  }
  template <typename I>
  void Int(const char* key, I& value, I) {
    const Json* j = Get(key);
    if (!j) return;
    if (!j->is_number_integer()) return Fail(Path(key), "expected an integer, got " + Describe(*j));
    if constexpr (std::is_same_v<I, int>) {
      int64_t v = j->get<int64_t>();
      if (v < INT32_MIN || v > INT32_MAX) return Fail(Path(key), "integer out of range");
      value = static_cast<int>(v);
    } else {
      if (j->is_number_unsigned() && j->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
        return Fail(Path(key), "integer out of range");
      }
      value = j->get<I>();
    }
  }
  void OptInt(const char* key, std::optional<int64_t>& value) {
    int64_t v = 0;
    if (!Has(key)) return;
    Int(key, v, int64_t{0});
    if (!Failed()) value = v;
  }
  void OptBool(const char* key, std::optional<bool>& value) {
    bool v = false;
    if (!Has(key)) return;
    Bool(key, v, false);
    if (!Failed()) value = v;
  }
  template <typename T>
  void Values(const char* key, std::vector<T>& values) {
    const Json* j = Get(key);
    if (!j) return;
    if (!j->is_array()) return Fail(Path(key), "expected an array, got " + Describe(*j));
    values.clear();
    for (size_t i = 0; i < j->size(); ++i) {
      const Json& item = (*j)[i];
      std::string item_path = Path(key) + "[" + std::to_string(i) + "]";
      if constexpr (std::is_same_v<T, std::string>) {
        if (!item.is_string()) return Fail(item_path, "expected a string, got " + Describe(item));
      } else {
        if (!item.is_number_integer()) return Fail(item_path, "expected an integer, got " + Describe(item));
      }
      values.push_back(item.get<T>());
    }
  }
  template <typename E>
  void Enum(const char* key, E& value, const EnumNames<E>& names) {
    std::string text;
    if (!Has(key)) return;
    Str(key, text);
    if (Failed()) return;
    std::string allowed;
    for (E e : names.values) {
      if (text == names.name(e)) {
        value = e;
        return;
      }
      allowed += (allowed.empty() ? "" : ", ") + std::string(names.name(e));
    }
    Fail(Path(key), "unknown value \"" + text + "\" (expected one of " + allowed + ")");
  }
  template <typename T, typename F>
  void Object(const char* key, T& value, F visit) {
    const Json* j = Get(key);
    if (!j) return;
    JsonIn in(*j, Path(key), error_);
    visit(in, value);
    in.Finish();
  }
  template <typename T, typename F>
  void Optional(const char* key, std::optional<T>& value, F visit) {
    if (!Has(key)) return;
    value.emplace();
    Object(key, *value, visit);
  }
  template <typename T, typename F>
  void List(const char* key, std::vector<T>& items, F visit) {
    const Json* j = Get(key);
    if (!j) return;
    if (!j->is_array()) return Fail(Path(key), "expected an array, got " + Describe(*j));
    items.clear();
    for (size_t i = 0; i < j->size() && !Failed(); ++i) {
      JsonIn in((*j)[i], Path(key) + "[" + std::to_string(i) + "]", error_);
      T item{};
      visit(in, item);
      in.Finish();
      items.push_back(std::move(item));
    }
  }

  // Unknown keys are errors: a typo in a hand-edited snapshot must not be
  // silently ignored.
  void Finish() {
    if (Failed() || !json_.is_object()) return;
    for (const auto& [key, value] : json_.items()) {
      if (!known_.count(key)) return Fail(Path(key.c_str()), "unknown field");
    }
  }

 private:
  bool Has(const char* key) const { return !Failed() && json_.is_object() && json_.contains(key); }
  const Json* Get(const char* key, bool required = false) {
    known_.insert(key);
    if (Failed() || !json_.is_object()) return nullptr;
    auto it = json_.find(key);
    if (it == json_.end()) {
      if (required) Fail(Path(key), "missing required field");
      return nullptr;
    }
    return &*it;
  }
  std::string Path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  void Fail(const std::string& path, const std::string& message) {
    if (error_->empty()) *error_ = (path.empty() ? "(document)" : path) + ": " + message;
  }

  const Json& json_;
  std::string path_;
  std::string* error_;
  std::set<std::string> known_;
};

// ---- the field lists -------------------------------------------------------

// TypeName without `raw`: the owner stores the raw text once and copies it in.
template <typename V>
void VisitTypeParts(V& v, TypeName& t) {
  v.Str("name", t.name);
  v.Str("schema", t.schema);
  v.Values("params", t.params);
  v.Values("labels", t.labels);
  v.Bool("unsigned", t.is_unsigned, false);
  v.Bool("zerofill", t.zerofill, false);
  v.OptBool("with_time_zone", t.with_time_zone);
  v.Str("interval_fields", t.interval_fields);
  v.Int("array_dims", t.array_dims, 0);
  v.Str("charset", t.charset);
  v.Str("collation", t.collation);
}

template <typename V>
void VisitDefault(V& v, ColumnDefault& d) {
  v.Enum("kind", d.kind, kDefaultKinds);
  v.Str("raw", d.raw);
  v.Str("value", d.value);
}

template <typename V>
void VisitColumn(V& v, Column& c) {
  v.Str("name", c.name, true);
  v.Int("ordinal", c.ordinal, 0);
  v.Str("type", c.type_raw, true);
  v.Object("type_name", c.type, [](auto& w, TypeName& t) { VisitTypeParts(w, t); });
  c.type.raw = c.type_raw;
  v.Bool("nullable", c.nullable, true);
  v.Object("default", c.default_value, [](auto& w, ColumnDefault& d) { VisitDefault(w, d); });
  v.Enum("generated", c.generated, kGeneratedKinds);
  v.Str("generation_expression", c.generation_expression);
  v.Enum("identity", c.identity, kIdentityKinds);
  v.Bool("auto_increment", c.auto_increment, false);
  v.Str("on_update", c.on_update);
  v.Bool("invisible", c.invisible, false);
  v.Str("charset", c.charset);
  v.Str("collation", c.collation);
  v.Str("comment", c.comment);
}

template <typename V>
void VisitIndexPart(V& v, IndexPart& p) {
  v.Str("column", p.column);
  v.Str("expression", p.expression);
  v.Int("prefix_length", p.prefix_length, int64_t{0});
  v.Bool("descending", p.descending, false);
}

template <typename V>
void VisitIndex(V& v, Index& i) {
  v.Str("name", i.name, true);
  v.Bool("unique", i.unique, false);
  v.Bool("primary", i.primary, false);
  v.Str("constraint", i.constraint);
  v.Str("method", i.method);
  v.List("parts", i.parts, [](auto& w, IndexPart& p) { VisitIndexPart(w, p); });
  v.Values("include", i.include);
  v.Str("predicate", i.predicate);
  v.Str("comment", i.comment);
  v.Bool("visible", i.visible, true);
}

template <typename V>
void VisitKey(V& v, KeyConstraint& k) {
  v.Str("name", k.name, true);
  v.Values("columns", k.columns);
  v.Bool("deferrable", k.deferrable, false);
  v.Bool("initially_deferred", k.initially_deferred, false);
}

template <typename V>
void VisitForeignKey(V& v, ForeignKey& f) {
  v.Str("name", f.name, true);
  v.Values("columns", f.columns);
  v.Str("referenced_schema", f.referenced_schema);
  v.Str("referenced_table", f.referenced_table);
  v.Values("referenced_columns", f.referenced_columns);
  // Actions are always written: they matter to every reader of a snapshot.
  v.Str("on_update", f.on_update, true);
  v.Str("on_delete", f.on_delete, true);
  v.Str("match", f.match, true);
  v.Bool("deferrable", f.deferrable, false);
  v.Bool("initially_deferred", f.initially_deferred, false);
}

template <typename V>
void VisitCheck(V& v, Check& c) {
  v.Str("name", c.name, true);
  v.Str("expression", c.expression, true);
  v.Bool("enforced", c.enforced, true);
}

template <typename V>
void VisitPartition(V& v, Partition& p) {
  v.Str("name", p.name, true);
  v.Str("bound", p.bound);
  v.Values("subpartitions", p.subpartitions);
}

template <typename V>
void VisitPartitioning(V& v, Partitioning& p) {
  v.Str("method", p.method, true);
  v.Bool("columns_form", p.columns_form, false);
  v.Bool("linear", p.linear, false);
  v.Str("expression", p.expression);
  v.Values("columns", p.columns);
  v.Str("sub_method", p.sub_method);
  v.Str("sub_expression", p.sub_expression);
  v.List("partitions", p.partitions, [](auto& w, Partition& x) { VisitPartition(w, x); });
}

template <typename V>
void VisitTable(V& v, Table& t) {
  v.Str("name", t.name, true);
  v.Bool("temporary", t.temporary, false);
  v.Bool("unlogged", t.unlogged, false);
  v.Str("engine", t.engine);
  v.Str("charset", t.charset);
  v.Str("collation", t.collation);
  v.Str("comment", t.comment);
  v.OptInt("row_estimate", t.row_estimate);
  v.List("columns", t.columns, [](auto& w, Column& c) { VisitColumn(w, c); });
  v.Optional("primary_key", t.primary_key, [](auto& w, KeyConstraint& k) { VisitKey(w, k); });
  v.List("unique_constraints", t.unique_constraints, [](auto& w, KeyConstraint& k) { VisitKey(w, k); });
  v.List("indexes", t.indexes, [](auto& w, Index& i) { VisitIndex(w, i); });
  v.List("foreign_keys", t.foreign_keys, [](auto& w, ForeignKey& f) { VisitForeignKey(w, f); });
  v.List("checks", t.checks, [](auto& w, Check& c) { VisitCheck(w, c); });
  v.Optional("partitioning", t.partitioning, [](auto& w, Partitioning& p) { VisitPartitioning(w, p); });
}

template <typename V>
void VisitView(V& v, View& x) {
  v.Str("name", x.name, true);
  v.Bool("materialized", x.materialized, false);
  v.Str("check_option", x.check_option);
  v.Str("security", x.security);
  v.Values("depends_on", x.depends_on);
  v.List("columns", x.columns, [](auto& w, Column& c) { VisitColumn(w, c); });
  v.Str("definition", x.definition, true);
}

template <typename V>
void VisitSequence(V& v, Sequence& s) {
  // Every number is written: a sequence's numbers are its whole content.
  v.Str("name", s.name, true);
  v.Str("data_type", s.data_type);
  v.Int("start", s.start, INT64_MIN);
  v.Int("increment", s.increment, INT64_MIN);
  v.Int("min_value", s.min_value, INT64_MIN);
  v.Int("max_value", s.max_value, INT64_MIN);
  v.Bool("cycle", s.cycle, false);
  v.Int("cache", s.cache, INT64_MIN);
  v.Str("owned_by", s.owned_by);
}

template <typename V>
void VisitEnumType(V& v, EnumType& e) {
  v.Str("name", e.name, true);
  v.Values("labels", e.labels);
}

template <typename V>
void VisitDomain(V& v, Domain& d) {
  v.Str("name", d.name, true);
  v.Str("base_type", d.base_type_raw, true);
  v.Object("base_type_name", d.base_type, [](auto& w, TypeName& t) { VisitTypeParts(w, t); });
  d.base_type.raw = d.base_type_raw;
  v.Bool("not_null", d.not_null, false);
  v.Str("default", d.default_raw);
  v.Str("collation", d.collation);
  v.List("checks", d.checks, [](auto& w, Check& c) { VisitCheck(w, c); });
}

template <typename V>
void VisitTrigger(V& v, Trigger& t) {
  v.Str("name", t.name, true);
  v.Str("table", t.table, true);
  v.Str("timing", t.timing);
  v.Values("events", t.events);
  v.Str("orientation", t.orientation);
  v.Str("definition", t.definition);
}

template <typename V>
void VisitRoutine(V& v, Routine& r) {
  v.Str("name", r.name, true);
  v.Str("kind", r.kind);
  v.Str("arguments", r.arguments);
  v.Str("returns", r.returns);
  v.Str("language", r.language);
  v.Str("definition", r.definition);
}

template <typename V>
void VisitSchema(V& v, Schema& s) {
  v.Str("name", s.name, true);
  v.List("tables", s.tables, [](auto& w, Table& t) { VisitTable(w, t); });
  v.List("views", s.views, [](auto& w, View& x) { VisitView(w, x); });
  v.List("sequences", s.sequences, [](auto& w, Sequence& x) { VisitSequence(w, x); });
  v.List("enum_types", s.enum_types, [](auto& w, EnumType& x) { VisitEnumType(w, x); });
  v.List("domains", s.domains, [](auto& w, Domain& x) { VisitDomain(w, x); });
  v.List("routines", s.routines, [](auto& w, Routine& x) { VisitRoutine(w, x); });
  v.List("triggers", s.triggers, [](auto& w, Trigger& x) { VisitTrigger(w, x); });
}

}  // namespace

Json CatalogToJson(const Catalog& catalog) {
  Catalog copy = catalog;
  NormalizeCatalog(copy);
  JsonOut out;
  std::string format = kCatalogJsonFormat;
  int version = kCatalogJsonVersion;
  out.Str("format", format, true);
  out.json["version"] = version;
  std::string dialect = DialectName(copy.dialect);
  out.Str("dialect", dialect, true);
  out.Str("server_version", copy.server_version, true);
  out.json["schemas"] = Json::array();
  out.List("schemas", copy.schemas, [](auto& w, Schema& s) { VisitSchema(w, s); });
  return out.json;
}

std::string CatalogToJsonText(const Catalog& catalog) {
  // Invalid UTF-8 (which a server configured for utf8mb4 does not send) is
  // replaced rather than aborting the snapshot.
  return CatalogToJson(catalog).dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

CatalogJsonResult CatalogFromJson(const Json& json) {
  std::string error;
  Catalog catalog;
  JsonIn in(json, "", &error);
  std::string format, dialect;
  int version = 0;
  in.Str("format", format, true);
  if (!in.Failed() && format != kCatalogJsonFormat) {
    error = std::string("format: expected \"") + kCatalogJsonFormat + "\", got \"" + format + "\"";
  }
  if (!in.Failed() && !json.contains("version")) error = "version: missing required field";
  in.Int("version", version, 0);
  if (!in.Failed() && version != kCatalogJsonVersion) {
    error = "version: unsupported catalog snapshot version " + std::to_string(version) +
            " (this build reads version " + std::to_string(kCatalogJsonVersion) + ")";
  }
  in.Str("dialect", dialect, true);
  if (!in.Failed()) {
    auto d = ParseDialect(dialect);
    if (!d) {
      error = "dialect: unknown dialect \"" + dialect + "\"";
    } else {
      catalog.dialect = *d;
    }
  }
  in.Str("server_version", catalog.server_version);
  in.List("schemas", catalog.schemas, [](auto& w, Schema& s) { VisitSchema(w, s); });
  in.Finish();
  CatalogJsonResult result;
  if (!error.empty()) {
    result.error = error;
    return result;
  }
  NormalizeCatalog(catalog);
  result.catalog = std::move(catalog);
  return result;
}

CatalogJsonResult CatalogFromJsonText(std::string_view text) {
  Json json = Json::parse(text.begin(), text.end(), nullptr, false);
  if (json.is_discarded()) {
    // Re-parse with exceptions on to get the position of the syntax error.
    try {
      Json strict = Json::parse(text.begin(), text.end());
      (void)strict;
    } catch (const nlohmann::json::parse_error& e) {
      return CatalogJsonResult{std::nullopt, std::string("invalid JSON: ") + e.what()};
    }
    return CatalogJsonResult{std::nullopt, "invalid JSON"};
  }
  return CatalogFromJson(json);
}

}  // namespace sluice
