#pragma once
// Opening connections to a plan's source and target, with the session
// settings every Sluice task relies on (UTC, strict modes, ISO dates). The
// passwords are read once, from where the plan says, and held in memory only;
// `Mask` removes them from any text before it is shown or stored.

#include <memory>
#include <string>

#include "dialects/mysql/mysql_connection.h"
#include "dialects/postgresql/pg_connection.h"
#include "runtime/run_plan.h"

namespace sluice {

class Endpoints {
 public:
  // Reads both passwords; throws std::runtime_error naming what is missing.
  explicit Endpoints(const RunPlan& plan);

  const RunEndpoint& source() const { return plan_.source; }
  const RunEndpoint& target() const { return plan_.target; }

  // New connections with the session prepared. Throw DbException.
  std::unique_ptr<MySqlConnection> SourceMySql() const;
  std::unique_ptr<PgConnection> SourcePg() const;
  std::unique_ptr<MySqlConnection> TargetMySql() const;
  std::unique_ptr<PgConnection> TargetPg() const;
  // The one matching the endpoint's dialect.
  std::unique_ptr<SqlConnection> Source() const;
  std::unique_ptr<SqlConnection> Target() const;
  // A target connection for the full copy's rows: with `full.target_binlog:
  // skip` on a MySQL-family target its writes stay out of the binary log
  // (SET sql_log_bin = 0; SUPER or BINLOG ADMIN).
  std::unique_ptr<SqlConnection> CopyTarget() const;

  // The source's connection settings, password included (for the
  // replication clients, which open their own connections).
  ConnectionConfig SourceConfig() const { return Config(plan_.source, source_password_, false); }

  std::string Mask(std::string text) const;

 private:
  ConnectionConfig Config(const RunEndpoint& e, const std::string& password, bool local_infile) const;

  const RunPlan& plan_;
  std::string source_password_;
  std::string target_password_;
};

}  // namespace sluice
