#include "runtime/endpoints.h"

#include <stdexcept>

#include "common/diagnostics.h"

namespace sluice {

namespace {

std::string ReadOrThrow(const RunEndpoint& e, const std::string& role) {
  std::string error;
  auto pw = ReadSecret(e.password, &error);
  if (!pw) throw std::runtime_error("cannot read the " + role + " password: " + error);
  return *pw;
}

// Session settings. Source: read in UTC so timestamps with a zone come out as
// UTC, ISO dates, every float digit, bytea in hex. Target: strict (a value the
// column cannot hold is an error, never a silent truncation), UTC, zero ids
// kept as given, foreign keys unchecked while loading (they are added later).
constexpr const char* kMySqlSource[] = {"SET time_zone = '+00:00'", "SET NAMES utf8mb4"};
constexpr const char* kMySqlTarget[] = {
    "SET time_zone = '+00:00'", "SET NAMES utf8mb4",
    "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'",
    "SET foreign_key_checks = 0"};
constexpr const char* kPgSession[] = {"SET TIME ZONE 'UTC'", "SET DateStyle = 'ISO, YMD'",
                                      "SET IntervalStyle = 'postgres'", "SET extra_float_digits = 1",
                                      "SET bytea_output = 'hex'", "SET standard_conforming_strings = on"};

}  // namespace

Endpoints::Endpoints(const RunPlan& plan)
    : plan_(plan),
      source_password_(ReadOrThrow(plan.source, "source")),
      target_password_(ReadOrThrow(plan.target, "target")) {}

ConnectionConfig Endpoints::Config(const RunEndpoint& e, const std::string& password, bool local_infile) const {
  ConnectionConfig c;
  c.dsn = e.dsn;
  c.password = password;
  c.local_infile = local_infile;
  c.application_name = "sluice " + plan_.name;
  return c;
}

std::unique_ptr<MySqlConnection> Endpoints::SourceMySql() const {
  auto c = std::make_unique<MySqlConnection>(Config(plan_.source, source_password_, false));
  for (const char* s : kMySqlSource) c->Exec(s);
  return c;
}

std::unique_ptr<PgConnection> Endpoints::SourcePg() const {
  auto c = std::make_unique<PgConnection>(Config(plan_.source, source_password_, false));
  for (const char* s : kPgSession) c->Exec(s);
  return c;
}

std::unique_ptr<MySqlConnection> Endpoints::TargetMySql() const {
  RunEndpoint e = plan_.target;
  e.dsn.database.clear();  // the target database may be created by the plan itself
  auto c = std::make_unique<MySqlConnection>(Config(e, target_password_, true));
  for (const char* s : kMySqlTarget) c->Exec(s);
  return c;
}

std::unique_ptr<PgConnection> Endpoints::TargetPg() const {
  auto c = std::make_unique<PgConnection>(Config(plan_.target, target_password_, false));
  for (const char* s : kPgSession) c->Exec(s);
  return c;
}

std::unique_ptr<SqlConnection> Endpoints::Source() const {
  if (plan_.source.dialect == Dialect::kPostgreSQL) return SourcePg();
  return SourceMySql();
}

std::unique_ptr<SqlConnection> Endpoints::Target() const {
  if (plan_.target.dialect == Dialect::kPostgreSQL) return TargetPg();
  return TargetMySql();
}

std::unique_ptr<SqlConnection> Endpoints::CopyTarget() const {
  auto c = Target();
  if (IsMySQLFamily(plan_.target.dialect) && plan_.settings.target_binlog == "skip") c->Exec("SET SESSION sql_log_bin = 0");
  return c;
}

std::string Endpoints::Mask(std::string text) const {
  return MaskSecrets(std::move(text), {source_password_, target_password_});
}

}  // namespace sluice
