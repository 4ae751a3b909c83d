#include "dialects/types/type_rules.h"

#include <doctest/doctest.h>

#include "dialects/types/native_type_text.h"

namespace sluice {

namespace {

TypeRuleSet Embedded() {
  DiagnosticSink diags;
  auto rules = TypeRuleSet::LoadEmbedded(diags);
  INFO(RenderDiagnosticsText(diags));
  REQUIRE(rules.has_value());
  return std::move(*rules);
}

TypeName T(const char* text) {
  std::string error;
  auto t = ParseSimpleTypeName(text, &error);
  INFO(text << ": " << error);
  REQUIRE(t.has_value());
  return *t;
}

// Loads `text` as the only file besides the embedded MySQL base and returns the rendered diagnostics.
std::string LoadErrors(const std::string& text) {
  auto files = EmbeddedTypeRuleFiles();
  std::vector<RuleFileSource> chosen = {files[0], {"bad.yaml", text}};
  DiagnosticSink diags;
  auto rules = TypeRuleSet::Load(chosen, diags);
  CHECK_FALSE(rules.has_value());
  return RenderDiagnosticsText(diags);
}

}  // namespace

TEST_CASE("the embedded rule files load for every dialect") {
  auto rules = Embedded();
  for (Dialect d : AllDialects()) {
    CHECK(rules.HasDialect(d));
    CHECK_FALSE(rules.DefaultVersion(d).empty());
  }
  CHECK(rules.AllRules().size() > 200);
  for (const Rule* r : rules.AllRules()) {
    CHECK(r->line > 0);
    CHECK(r->file.rfind("dialects/types/rules/", 0) == 0);
  }
}

TEST_CASE("the embedded rule files are the ones in the source tree") {
  for (const auto& f : EmbeddedTypeRuleFiles()) {
    auto src = ReadSourceFile(std::string(SLUICE_SOURCE_DIR) + "/" + f.path, 1 << 22, nullptr);
    REQUIRE(src);
    CHECK_MESSAGE(src->text() == f.text, f.path << " changed since the build: rebuild");
  }
}

TEST_CASE("malformed rule files are rejected with file:line:col") {
  CHECK(LoadErrors("dialect: tidb\nto_neutral: { types: [ {type: x, to: int32 ]\n")
            .find("bad.yaml:2:") != std::string::npos);
  std::string e = LoadErrors("dialect: tidb\ninherits: mysql\nfrom_neutral:\n  types:\n    - { type: int32, too: int }\n");
  CHECK(e.find("bad.yaml:5:22: error: unknown key 'too'") != std::string::npos);
  CHECK(e.find("help: did you mean 'to'?") != std::string::npos);
  e = LoadErrors("dialect: tidb\nfrom_neutral:\n  types:\n    - { type: int33, to: int }\n");
  CHECK(e.find("bad.yaml:4:7: error: 'int33' is not a neutral type") != std::string::npos);
  e = LoadErrors("dialect: tidb\nfrom_neutral:\n  types:\n    - { type: int32, when: { unsinged: true }, to: int }\n");
  CHECK(e.find("bad.yaml:4:30: error: unknown condition 'unsinged'") != std::string::npos);
  CHECK(e.find("did you mean 'unsigned'?") != std::string::npos);
  e = LoadErrors("dialect: tidb\nto_neutral:\n  types:\n    - { type: int, to: \"int32 with tz\" }\n");
  CHECK(e.find("bad.yaml:4:24: error: `to: int32 with tz` is not a valid neutral type: 'with' does not apply to int32") !=
        std::string::npos);
  e = LoadErrors("dialect: tidb\nfrom_neutral:\n  types:\n    - { type: int32, when: { version: \"8.0\" }, to: int }\n");
  CHECK(e.find("a version condition is comparisons") != std::string::npos);
  e = LoadErrors("dialect: tidb\nfrom_neutral:\n  types:\n    - { type: int32, lossy: \"x {nn}\", to: int }\n");
  CHECK(e.find("unknown placeholder {nn}") != std::string::npos);
  e = LoadErrors("dialect: tidb\nfrom_neutral:\n  types:\n    - { type: int32 }\n");
  CHECK(e.find("the rule has no `to`") != std::string::npos);
  e = LoadErrors("dialect: tidb\nfrom_neutral:\n  types:\n    - { type: int32, unsupported: no, to: int }\n");
  CHECK(e.find("an unsupported rule has no `to`") != std::string::npos);
  e = LoadErrors("dialect: tidbx\n");
  CHECK(e.find("unknown dialect 'tidbx'") != std::string::npos);
  e = LoadErrors("dialect: tidb\ninherits: postgresql\n");
  CHECK(e.find("inherits from 'postgresql', whose rule file is not loaded") != std::string::npos);
  e = LoadErrors("dialect: mysql\n");
  CHECK(e.find("already has rules") != std::string::npos);
  e = LoadErrors("- 1\n- 2\n");
  CHECK(e.find("bad.yaml:1:1: error: a type rule file is a mapping") != std::string::npos);
  e = LoadErrors("dialect: tidb\nfrom_neutral:\n  typse: []\n");
  CHECK(e.find("unknown key 'typse'") != std::string::npos);
}

TEST_CASE("translations pick the documented targets") {
  auto rules = Embedded();
  TranslateOptions opt;
  auto tr = rules.Translate(T("timestamptz"), Dialect::kPostgreSQL, Dialect::kMySQL, opt);
  CHECK(tr.target_text == "datetime(6)");
  CHECK(tr.outcome == Outcome::kLossy);
  CHECK(tr.severity == Severity::kWarning);
  CHECK(tr.neutral_text == "timestamp(6) with tz");
  REQUIRE(tr.rule != nullptr);
  CHECK(tr.rule->Where().find("dialects/types/rules/mysql.yaml:") == 0);

  tr = rules.Translate(T("bigint unsigned"), Dialect::kMySQL, Dialect::kPostgreSQL, opt);
  CHECK(tr.target_text == "numeric(20,0)");
  CHECK(tr.outcome == Outcome::kExact);
  CHECK(tr.severity == Severity::kNote);

  tr = rules.Translate(T("numeric(70,2)"), Dialect::kPostgreSQL, Dialect::kOceanBase, opt);
  CHECK(tr.outcome == Outcome::kUnsupported);
  CHECK(tr.severity == Severity::kError);
  CHECK(tr.target_text.empty());
  CHECK(tr.messages.at(0) == "MySQL DECIMAL holds at most 65 digits; this column has precision 70");
  CHECK(tr.help.find("decimal(65,2)") != std::string::npos);

  tr = rules.Translate(T("intger"), Dialect::kPostgreSQL, Dialect::kMySQL, opt);
  CHECK(tr.outcome == Outcome::kUnsupported);
  CHECK(tr.help.find("did you mean 'integer'?") != std::string::npos);
}

TEST_CASE("server versions select rules") {
  auto rules = Embedded();
  TranslateOptions opt;
  opt.to_version = "10.6.16";
  auto tr = rules.Translate(T("uuid"), Dialect::kPostgreSQL, Dialect::kMariaDB, opt);
  CHECK(tr.target_text == "char(36) CHARACTER SET ascii");
  opt.to_version = "10.7.1";
  tr = rules.Translate(T("uuid"), Dialect::kPostgreSQL, Dialect::kMariaDB, opt);
  CHECK(tr.target_text == "uuid");
  opt.to_version = "";
  tr = rules.Translate(T("varchar(10) character set utf8mb4 collate utf8mb4_0900_ai_ci"), Dialect::kMySQL,
                       Dialect::kMariaDB, opt);
  CHECK(tr.target_text == "varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_nopad_ai_ci");
  CHECK(tr.outcome == Outcome::kLossy);
  opt.to_version = "10.6";
  tr = rules.Translate(T("varchar(10) character set utf8mb4 collate utf8mb4_0900_ai_ci"), Dialect::kMySQL,
                       Dialect::kMariaDB, opt);
  CHECK(tr.target_text == "varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci");
}

TEST_CASE("strict mode turns lossy into errors") {
  auto rules = Embedded();
  TranslateOptions opt;
  opt.strict = true;
  auto tr = rules.Translate(T("timestamptz"), Dialect::kPostgreSQL, Dialect::kMySQL, opt);
  CHECK(tr.outcome == Outcome::kLossy);
  CHECK(tr.severity == Severity::kError);
  CHECK(tr.help.find("--strict") != std::string::npos);
  tr = rules.Translate(T("integer"), Dialect::kPostgreSQL, Dialect::kMySQL, opt);
  CHECK(tr.severity == Severity::kNote);
}

TEST_CASE("plan overrides win, first match first, by type or by column") {
  auto rules = Embedded();
  std::vector<TypeOverride> overrides;
  overrides.push_back({"jsonb", nullptr, T("json"), "plan.yaml:20:5"});
  overrides.push_back({"", [](std::string_view c) { return c == "public.orders.total"; }, T("decimal(18,4)"),
                       "plan.yaml:22:5"});
  overrides.push_back({"", [](std::string_view c) { return c == "public.orders.total"; }, T("double"),
                       "plan.yaml:24:5"});
  TranslateOptions opt;
  opt.overrides = &overrides;
  opt.column = "public.orders.total";
  auto tr = rules.Translate(T("numeric"), Dialect::kPostgreSQL, Dialect::kOceanBase, opt);
  CHECK(tr.outcome == Outcome::kUserOverride);
  CHECK(tr.target_text == "decimal(18,4)");
  CHECK(tr.override_used == &overrides[1]);
  CHECK(tr.messages.at(0) == "type chosen by the plan's `types:` override at plan.yaml:22:5");
  opt.column = "public.orders.note";
  tr = rules.Translate(T("jsonb"), Dialect::kPostgreSQL, Dialect::kOceanBase, opt);
  CHECK(tr.override_used == &overrides[0]);
  CHECK(tr.target_text == "json");
  tr = rules.Translate(T("numeric"), Dialect::kPostgreSQL, Dialect::kOceanBase, opt);
  CHECK(tr.override_used == nullptr);
  CHECK(tr.outcome == Outcome::kLossy);
  // An override target the simple reader cannot hold is printed as written.
  TypeName geo;
  geo.name = "geometry";
  geo.raw = "geometry(Point,4326)";
  overrides.push_back({"point", nullptr, geo, ""});
  tr = rules.Translate(T("point"), Dialect::kMySQL, Dialect::kPostgreSQL, opt);
  CHECK(tr.target_text == "geometry(Point,4326)");
}

TEST_CASE("hooks for the schema translator") {
  auto rules = Embedded();
  TranslateOptions opt;
  auto tr = rules.Translate(T("text"), Dialect::kPostgreSQL, Dialect::kMySQL, opt);
  // The default collation is deterministic: equal only when the bytes are.
  CHECK(tr.target_text == "longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin");
  CHECK(tr.key_prefix);
  tr = rules.Translate(T("varchar(20)"), Dialect::kPostgreSQL, Dialect::kMySQL, opt);
  CHECK_FALSE(tr.key_prefix);
  tr = rules.Translate(T("enum('a','b')"), Dialect::kMySQL, Dialect::kPostgreSQL, opt);
  CHECK(tr.target_text == "text");
  CHECK(tr.check_in_labels == std::vector<std::string>{"a", "b"});
}

TEST_CASE("ToNeutral and FromNeutral can be used on their own") {
  auto rules = Embedded();
  auto n = rules.ToNeutral(T("int(11) unsigned"), Dialect::kMySQL, "");
  REQUIRE(n.value);
  CHECK(ToString(*n.value) == "uint32 display(11)");
  auto back = rules.FromNeutral(*n.value, Dialect::kOceanBase, "");
  REQUIRE(back.value);
  CHECK(NativeTypeText(*back.value, Dialect::kOceanBase) == "int(11) unsigned");
  auto none = rules.FromNeutral(*ParseNeutralType("tsvector", nullptr), Dialect::kPostgreSQL, "");
  CHECK(none.outcome == Outcome::kUnsupported);
  CHECK_FALSE(none.value);
}

}  // namespace sluice
