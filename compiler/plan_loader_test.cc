#include "compiler/plan_loader.h"

#include <doctest/doctest.h>

#include <map>

namespace sluice {
namespace {

const char* kValid = R"(version: 1
name: shop
source:
  dialect: postgresql
  dsn: postgresql://migrator@127.0.0.1:5432/shop
  password: ${env:SRC_PW}
target:
  dialect: oceanbase
  dsn: mysql://root%40sys@127.0.0.1:2881/shop
steps: [schema, full, incremental, verify]
objects:
  - from: public.*
    exclude: [public.*_tmp]
    to: shop.{table}
  - from: public.customer_v2
    to: shop.customers
    columns: { rename: { created: created_at }, drop: [legacy_flag] }
    where: "created >= DATE '2024-01-01'"
types:
  - match: { type: jsonb }
    to: json
full: { parallel: 4, chunk_rows: 50000, on_bad_row: reject }
incremental: { batch_rows: 2000, ddl: apply, heartbeat: 5s, buffer_max: 2GiB }
verify: { fix: sql-file }
retry: { attempts: 8, backoff: 200ms..30s }
)";

struct Loaded {
  std::optional<Plan> plan;
  DiagnosticSink diags;
};

std::unique_ptr<Loaded> Load(const std::string& text, std::map<std::string, std::string> env = {},
                             bool require_env = false) {
  auto out = std::make_unique<Loaded>();
  LoadOptions opts;
  opts.env = [env](const std::string& n) -> std::optional<std::string> {
    auto it = env.find(n);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  opts.require_env = require_env;
  out->plan = LoadPlan(std::make_shared<SourceFile>("p.yaml", text), out->diags, opts);
  return out;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

// True when some error has exactly this message.
bool HasError(const Loaded& l, const std::string& message) {
  for (const auto& d : l.diags.diagnostics()) {
    if (d.severity == Severity::kError && d.message == message) return true;
  }
  return false;
}

// The first error's message (or "" when there is none).
std::string FirstError(const Loaded& l) {
  for (const auto& d : l.diags.Sorted()) {
    if (d.severity == Severity::kError) return d.message;
  }
  return "";
}

TEST_CASE("a valid plan loads into typed values") {
  auto l = Load(kValid, {{"SRC_PW", "s3cret"}});
  REQUIRE(l->plan);
  const Plan& p = *l->plan;
  CHECK(l->diags.error_count() == 0);
  CHECK(l->diags.warning_count() == 0);
  CHECK(p.name.value == "shop");
  CHECK(p.source.dialect.value == Dialect::kPostgreSQL);
  CHECK(p.target.dsn.value.user == "root@sys");
  CHECK(p.target.dsn.value.port == 2881);
  CHECK(p.source.password.kind == SecretRef::Kind::kEnv);
  CHECK(p.source.password.name == "SRC_PW");
  REQUIRE(p.steps.size() == 4);
  CHECK(p.HasStep(Step::kIncremental));
  REQUIRE(p.objects.size() == 2);
  CHECK(p.objects[0].exclude.size() == 1);
  CHECK(p.objects[1].columns.rename.size() == 1);
  CHECK(p.objects[1].columns.drop[0].value == "legacy_flag");
  CHECK(p.objects[1].where.value == "created >= DATE '2024-01-01'");
  CHECK(p.types[0].to.value == "json");
  CHECK(p.full.on_bad_row.value == BadRowPolicy::kReject);
  CHECK(p.incremental.heartbeat_ms.value == 5000);
  CHECK(p.incremental.buffer_max_bytes.value == (2ull << 30));
  CHECK(p.retry.backoff_min_ms.value == 200);
  CHECK(p.retry.backoff_max_ms.value == 30000);
  // The resolved password is registered as a secret, so it is masked anywhere.
  CHECK(l->diags.secrets() == std::vector<std::string>{"s3cret"});
}

TEST_CASE("unset variables: a warning in validate, an error when required") {
  auto w = Load(kValid);
  CHECK(w->plan);
  CHECK(w->diags.warning_count() == 1);
  CHECK(w->diags.diagnostics()[0].message ==
        "environment variable 'SRC_PW' is not set (used by 'source.password')");
  auto e = Load(kValid, {}, /*require_env=*/true);
  CHECK_FALSE(e->plan);
  CHECK(e->diags.error_count() == 1);
}

TEST_CASE("unknown keys suggest the closest known key") {
  auto l = Load(Replace(kValid, "chunk_rows: 50000", "chunk_rws: 50000"), {{"SRC_PW", "x"}});
  CHECK_FALSE(l->plan);
  REQUIRE(l->diags.error_count() == 1);
  const Diagnostic& d = l->diags.diagnostics()[0];
  CHECK(d.message == "unknown key 'chunk_rws' in 'full'");
  CHECK(d.help == "did you mean 'chunk_rows'?");
  CHECK(d.loc.line == 22);
  auto top = Load(Replace(kValid, "steps:", "stpes:"));
  CHECK(HasError(*top, "unknown key 'stpes'"));
  CHECK(HasError(*top, "missing required key 'steps'"));
}

TEST_CASE("every problem is reported, not just the first") {
  std::string text = Replace(kValid, "parallel: 4", "parallel: four");
  text = Replace(text, "ddl: apply", "ddl: aply");
  text = Replace(text, "attempts: 8", "attempts: 0");
  auto l = Load(text, {{"SRC_PW", "x"}});
  CHECK_FALSE(l->plan);
  CHECK(l->diags.error_count() == 3);
}

TEST_CASE("missing required keys name the key and how to add it") {
  auto l = Load("version: 1\nname: x\n");
  CHECK_FALSE(l->plan);
  std::vector<std::string> messages;
  for (const auto& d : l->diags.diagnostics()) messages.push_back(d.message);
  CHECK(messages == std::vector<std::string>{"missing required key 'source'",
                                             "missing required key 'target'",
                                             "missing required key 'steps'",
                                             "missing required key 'objects'"});
}

TEST_CASE("wrong versions and names") {
  CHECK(FirstError(*Load(Replace(kValid, "version: 1", "version: 2"))) ==
        "unsupported plan version 2");
  CHECK(FirstError(*Load(Replace(kValid, "version: 1", "version: \"1\""))) ==
        "expected a whole number for 'version', found '1'");
  CHECK(FirstError(*Load(Replace(kValid, "name: shop", "name: ../etc"))) ==
        "invalid plan name '../etc'");
}

TEST_CASE("dialects, steps and combinations") {
  auto d = Load(Replace(kValid, "dialect: oceanbase", "dialect: oceanbsae"), {{"SRC_PW", "x"}});
  CHECK(FirstError(*d) == "unknown value 'oceanbsae' for 'target.dialect'");
  CHECK(d->diags.diagnostics()[0].help == "did you mean 'oceanbase'?");
  CHECK(FirstError(*Load(Replace(kValid, "steps: [schema, full, incremental, verify]",
                                 "steps: [schema, full, reverse]"))) ==
        "step 'reverse' needs step 'incremental'");
  CHECK(FirstError(*Load(Replace(kValid, "steps: [schema, full, incremental, verify]",
                                 "steps: [schema, ful]"))) == "unknown step 'ful'");
  CHECK(FirstError(*Load(Replace(kValid, "steps: [schema, full, incremental, verify]",
                                 "steps: [full, full]"))) == "step 'full' is listed twice");
  auto order = Load(Replace(kValid, "steps: [schema, full, incremental, verify]",
                            "steps: [full, schema]"),
                    {{"SRC_PW", "x"}});
  REQUIRE(order->plan);
  CHECK(order->diags.warning_count() == 3);  // order, plus incremental/verify settings unused
  CHECK(order->plan->steps[0].value == Step::kSchema);
  CHECK(FirstError(*Load(Replace(kValid, "dialect: oceanbase", "dialect: tidb"))) ==
        "TiDB is supported as a source only");
  CHECK(HasError(*Load(Replace(kValid, "dialect: oceanbase", "dialect: postgresql")),
                 "DSN scheme 'mysql' does not fit dialect 'postgresql'"));
}

TEST_CASE("TiDB sources need TiCDC's Kafka settings for incremental") {
  std::string text = Replace(kValid, "dialect: postgresql", "dialect: tidb");
  text = Replace(text, "postgresql://migrator@127.0.0.1:5432/shop", "mysql://m@127.0.0.1:4000/shop");
  CHECK(FirstError(*Load(text)) ==
        "TiDB changes arrive through TiCDC's Kafka sink, which 'incremental' needs");
  std::string with_kafka = Replace(text, "  password: ${env:SRC_PW}\n",
                                   "  capture: {kafka_brokers: '127.0.0.1:9092', kafka_topic: t}\n");
  auto ok = Load(with_kafka);
  CHECK(ok->plan);
  CHECK(FirstError(*ok).empty());
}

TEST_CASE("capture settings must fit the dialect") {
  std::string text = Replace(kValid, "  password: ${env:SRC_PW}\n", "  capture: {server_id: 77}\n");
  CHECK(FirstError(*Load(text)) == "'source.capture.server_id' applies to MySQL-family servers only");
}

TEST_CASE("DSNs") {
  auto pw = Load(Replace(kValid, "postgresql://migrator@", "postgresql://migrator:hunter2@"));
  CHECK(FirstError(*pw) == "'source.dsn' contains a password");
  CHECK(pw->diags.secrets() == std::vector<std::string>{"hunter2"});
  std::string shown = RenderDiagnosticsText(pw->diags);
  CHECK(shown.find("hunter2") == std::string::npos);
  CHECK(shown.find("migrator:***@") != std::string::npos);

  auto port = Load(Replace(kValid, "127.0.0.1:5432", "127.0.0.1:99999"));
  CHECK(FirstError(*port) == "port must be a number from 1 to 65535 in 'source.dsn'");
  CHECK(port->diags.Sorted()[0].loc.col == 40);  // at the port itself
  CHECK(FirstError(*Load(Replace(kValid, "postgresql://migrator@127.0.0.1:5432/shop",
                                 "postgresql://migrator@127.0.0.1:5432"))) ==
        "the PostgreSQL DSN in 'source.dsn' names no database");
  CHECK(FirstError(*Load(Replace(kValid, "postgresql://migrator@", "pgsql://migrator@"))) ==
        "unknown DSN scheme 'pgsql' in 'source.dsn'");
  CHECK(FirstError(*Load(Replace(kValid, "mysql://root%40sys@127.0.0.1:2881/shop",
                                 "mysql://root@127.0.0.1:5432/shop"))) ==
        "source and target are the same database");
}

TEST_CASE("literal passwords are refused and masked") {
  auto l = Load(Replace(kValid, "password: ${env:SRC_PW}", "password: Tr0ub4dor"));
  CHECK(FirstError(*l) == "a password must not be written in the plan ('source.password')");
  std::string shown = RenderDiagnosticsText(l->diags) + RenderDiagnosticsJson(l->diags);
  CHECK(shown.find("Tr0ub4dor") == std::string::npos);
  CHECK(shown.find("password: ***") != std::string::npos);
}

TEST_CASE("globs, templates and renames") {
  CHECK(FirstError(*Load(Replace(kValid, "from: public.*", "from: public.[ab"))) ==
        "unclosed '[' in a name pattern in 'objects[1].from'");
  CHECK(FirstError(*Load(Replace(kValid, "to: shop.{table}", "to: shop.{tabel}"))) ==
        "unknown placeholder '{tabel}' in a name template in 'objects[1].to'");
  CHECK(FirstError(*Load(Replace(kValid, "to: shop.{table}", "to: shop.all"))) ==
        "'objects[1]' maps every table matching 'public.*' to the single name 'shop.all'");
  CHECK(FirstError(*Load(Replace(kValid, "drop: [legacy_flag]", "drop: [created]"))) ==
        "column 'created' is both renamed and dropped");
  CHECK(FirstError(*Load(Replace(kValid, "{ created: created_at }",
                                 "{ created: x, updated: x }"))) ==
        "two columns are renamed to 'x'");
  CHECK(FirstError(*Load(Replace(kValid, "from: public.*", "from: public.customer_v2"))) ==
        "table 'public.customer_v2' has two object rules");
}

TEST_CASE("durations and sizes") {
  CHECK(FirstError(*Load(Replace(kValid, "backoff: 200ms..30s", "backoff: 30s..200ms"))) ==
        "'retry.backoff' must go from a positive minimum up to a maximum");
  CHECK(FirstError(*Load(Replace(kValid, "heartbeat: 5s", "heartbeat: 5"))) ==
        "the duration '5' has no unit for 'incremental.heartbeat'");
  CHECK(FirstError(*Load(Replace(kValid, "buffer_max: 2GiB", "buffer_max: 2Gb"))) ==
        "unknown unit 'Gb' in size '2Gb' for 'incremental.buffer_max'");
}

TEST_CASE("full.target_binlog: write by default, skip on request, a warning where it cannot apply") {
  const std::string full = "full: { parallel: 4, chunk_rows: 50000, on_bad_row: reject }";
  auto d = Load(kValid, {{"SRC_PW", "x"}});
  REQUIRE(d->plan);
  CHECK(d->plan->full.target_binlog.value == TargetBinlogPolicy::kWrite);
  auto s = Load(Replace(kValid, full, "full: { target_binlog: skip }"), {{"SRC_PW", "x"}});
  REQUIRE(s->plan);
  CHECK(s->plan->full.target_binlog.value == TargetBinlogPolicy::kSkip);
  CHECK(s->diags.warning_count() == 0);
  CHECK(FirstError(*Load(Replace(kValid, full, "full: { target_binlog: off }"), {{"SRC_PW", "x"}})).find(
            "'full.target_binlog'") != std::string::npos);
  // A PostgreSQL target has no binlog: the setting is said to do nothing.
  std::string to_pg = Replace(Replace(kValid, full, "full: { target_binlog: skip }"),
                              "dialect: postgresql\n  dsn: postgresql://migrator@127.0.0.1:5432/shop",
                              "dialect: mysql\n  dsn: mysql://migrator@127.0.0.1:3306/shop");
  auto pg = Load(Replace(to_pg, "dialect: oceanbase\n  dsn: mysql://root%40sys@127.0.0.1:2881/shop",
                         "dialect: postgresql\n  dsn: postgresql://t@127.0.0.1:5432/shop"),
                 {{"SRC_PW", "x"}});
  INFO(FirstError(*pg));
  REQUIRE(pg->plan);
  bool warned = false;
  for (const auto& diag : pg->diags.diagnostics()) {
    warned = warned || diag.message == "'full.target_binlog: skip' has no effect on a PostgreSQL target";
  }
  CHECK(warned);
}

TEST_CASE("YAML null: defaults for a section, the choice 'null', an error for a value") {
  auto a = Load(Replace(kValid, "full: { parallel: 4, chunk_rows: 50000, on_bad_row: reject }",
                        "full:\n  zero_date: null"),
                {{"SRC_PW", "x"}});
  REQUIRE(a->plan);
  CHECK(a->plan->full.zero_date.value == ZeroDatePolicy::kNull);
  CHECK(a->plan->full.parallel.value == 4);
  auto b = Load(Replace(kValid, "full: { parallel: 4, chunk_rows: 50000, on_bad_row: reject }",
                        "full:"),
                {{"SRC_PW", "x"}});
  CHECK(b->plan);
  CHECK(FirstError(*Load(Replace(kValid, "parallel: 4", "parallel: ~"))) ==
        "'full.parallel' is empty");
  CHECK(FirstError(*Load(Replace(kValid, "steps: [schema, full, incremental, verify]", "steps:"))) ==
        "'steps' is empty");
}

TEST_CASE("type rules need a match and a target") {
  CHECK(FirstError(*Load(Replace(kValid, "match: { type: jsonb }", "match: {}"))) ==
        "'types[1].match' matches nothing");
  CHECK(FirstError(*Load(Replace(kValid, "match: { type: jsonb }",
                                 "match: { column: public.orders }"))) ==
        "expected a schema.table.column pattern, found 2 parts in 'types[1].match.column'");
}

TEST_CASE("the expression checker's problems point into the plan") {
  LoadOptions opts;
  opts.env = [](const std::string&) { return std::optional<std::string>("x"); };
  opts.check_expression = [](const std::string& text, Dialect) {
    std::vector<ExpressionProblem> out;
    size_t pos = text.find(">=");
    if (pos != std::string::npos) out.push_back({pos, 2, "bad operator", "try ="});
    return out;
  };
  DiagnosticSink diags;
  auto plan = LoadPlan(std::make_shared<SourceFile>("p.yaml", kValid), diags, opts);
  CHECK_FALSE(plan);
  REQUIRE(diags.error_count() == 1);
  const Diagnostic& d = diags.diagnostics()[0];
  CHECK(d.message == "bad operator in 'objects[2].where'");
  CHECK(d.loc.line == 18);
  CHECK(d.loc.col == 21);  // the quote is at 12; "created " is 8 more
}

TEST_CASE("every known key is collected for the docs test") {
  std::set<std::string> keys;
  LoadOptions opts;
  opts.known_keys = &keys;
  DiagnosticSink diags;
  LoadPlan(std::make_shared<SourceFile>("p.yaml", kValid), diags, opts);
  CHECK(keys.count("full.parallel") == 1);
  CHECK(keys.count("objects[].columns.rename") == 1);
  CHECK(keys.count("source.capture.server_id") == 1);
}

}  // namespace
}  // namespace sluice
