#include "cli/catalog_access.h"

#include <fstream>
#include <sstream>

#include "catalog/catalog_json.h"
#include "dialects/mysql/catalog_reader.h"
#include "dialects/mysql/mysql_connection.h"
#include "dialects/postgresql/catalog_reader.h"
#include "dialects/postgresql/pg_connection.h"

namespace sluice::cli {

std::optional<Catalog> LoadCatalogSnapshot(const std::string& path, DiagnosticSink& diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.Error(SourceLoc{}, "cannot open the catalog snapshot '" + path + "'",
                "make one with 'sluice inspect DSN --dialect D --out " + path + "'");
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  CatalogJsonResult r = CatalogFromJsonText(ss.str());
  if (!r.ok()) {
    diags.Error(SourceLoc{}, "'" + path + "' is not a catalog snapshot: " + r.error,
                "snapshots are written by 'sluice inspect'");
    return std::nullopt;
  }
  return r.catalog;
}

namespace {

// A hint for the connection failures users meet first.
std::string ConnectHelp(const DbError& e, const LiveEndpoint& ep) {
  const std::string& s = e.sqlstate;
  std::string msg = e.message;
  if (e.code == 1045 || s == "28000" || s == "28P01" || msg.find("password") != std::string::npos) {
    return ep.password.env.empty() && ep.password.file.empty()
               ? "the server wants a password: add '" + ep.role + ".password: ${env:NAME}' to the plan"
               : "check the password in " +
                     (ep.password.env.empty() ? "the file " + ep.password.file : "$" + ep.password.env) +
                     " and the user's host grants";
  }
  if (e.code == 2002 || e.code == 2003 || e.code == 2005 || s == "08001" || s == "08006") {
    return "is the server running and listening on " + ep.dsn.host + ":" + std::to_string(ep.dsn.port) + "?";
  }
  if (e.code == 1049 || s == "3D000") return "the database does not exist; create it or fix the DSN";
  return "";
}

}  // namespace

std::optional<Catalog> ReadLiveCatalog(const LiveEndpoint& ep, const CatalogFilter& filter, DiagnosticSink& diags) {
  std::string error;
  auto password = ReadSecret(ep.password, &error);
  if (!password) {
    diags.Error(SourceLoc{}, "cannot read the " + ep.role + " password: " + error);
    return std::nullopt;
  }
  diags.AddSecret(*password);
  ConnectionConfig config;
  config.dsn = ep.dsn;
  config.password = *password;
  try {
    if (ep.dialect == Dialect::kPostgreSQL) {
      PgConnection conn(config);
      return ReadPgCatalog(conn, filter);
    }
    MySqlConnection conn(config);
    return ReadMySqlCatalog(conn, ep.dialect, filter);
  } catch (const DbException& e) {
    diags.Error(SourceLoc{}, "cannot read the " + ep.role + " catalog at " + ep.dsn.ToString() + ": " +
                                 e.error().ToString(),
                ConnectHelp(e.error(), ep));
  }
  return std::nullopt;
}

}  // namespace sluice::cli
