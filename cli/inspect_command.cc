// `sluice inspect DSN --dialect D [--out F]`: a deterministic JSON snapshot
// of a live catalog, for offline planning (`sluice plan --source-catalog`).

#include <fstream>
#include <iostream>

#include "catalog/catalog_json.h"
#include "cli/catalog_access.h"
#include "cli/commands.h"
#include "compiler/name_glob.h"

namespace sluice::cli {

namespace {

struct InspectArgs {
  std::string dsn;
  std::string dialect;
  std::string out;
  std::string password_env;
  std::string password_file;
  std::vector<std::string> schemas;
};

int RunInspect(const InspectArgs& args, const GlobalOptions& global) {
  DiagnosticSink diags;
  auto finish = [&](int code) {
    std::cerr << RenderDiagnosticsText(diags, RenderOptions{global.color});
    return code;
  };
  auto dialect = ParseDialect(args.dialect);
  if (!dialect) {
    diags.Error(SourceLoc{}, "unknown dialect '" + args.dialect + "'",
                "one of: mysql, mariadb, oceanbase, tidb, postgresql");
    return finish(1);
  }
  DsnParse p = ParseDsn(args.dsn);
  if (!p.password.empty()) {
    diags.AddSecret(p.password);
    diags.Error(SourceLoc{}, "the DSN contains a password", "use --password-env NAME or --password-file PATH");
    return finish(1);
  }
  if (!p.ok) {
    diags.Error(SourceLoc{}, "invalid DSN: " + p.error,
                "e.g. mysql://user@127.0.0.1:3306/shop or postgresql://user@127.0.0.1:5432/shop");
    return finish(1);
  }
  if (p.dsn.port == 0) p.dsn.port = *dialect == Dialect::kPostgreSQL ? 5432 : 3306;
  CatalogFilter filter;
  if (!args.schemas.empty()) {
    std::vector<std::string> globs = args.schemas;
    filter.schema = [globs](const std::string& s) {
      for (const auto& g : globs) {
        if (GlobMatch(g, s)) return true;
      }
      return false;
    };
  }
  LiveEndpoint ep{"inspected", *dialect, p.dsn, SecretSource{args.password_env, args.password_file}};
  auto catalog = ReadLiveCatalog(ep, filter, diags);
  if (!catalog) return finish(1);
  std::string json = CatalogToJsonText(*catalog);
  if (args.out.empty()) {
    std::cout << json;
  } else {
    std::ofstream out(args.out, std::ios::binary | std::ios::trunc);
    out << json;
    if (!out) {
      diags.Error(SourceLoc{}, "cannot write '" + args.out + "'");
      return finish(1);
    }
    size_t tables = 0;
    for (const auto& s : catalog->schemas) tables += s.tables.size();
    std::cerr << "wrote " << args.out << ": " << catalog->schemas.size() << " schemas, " << tables << " tables\n";
  }
  return finish(0);
}

}  // namespace

void AddInspectCommand(CLI::App& app, const GlobalOptions& global, CommandRun* run) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand("inspect", "Write a deterministic JSON snapshot of a live catalog (exit 0 ok, 1 error)");
  cmd->add_option("dsn", args->dsn, "Server to read, e.g. mysql://root@127.0.0.1:3306/shop")->required();
  cmd->add_option("--dialect", args->dialect, "mysql, mariadb, oceanbase, tidb or postgresql")->required();
  cmd->add_option("--out", args->out, "Write the snapshot here instead of stdout");
  cmd->add_option("--password-env", args->password_env, "Environment variable holding the password");
  cmd->add_option("--password-file", args->password_file, "File whose first line is the password");
  cmd->add_option("--schemas", args->schemas, "Schema (database) globs to read; default: all but system schemas")
      ->delimiter(',');
  cmd->callback([args, &global, run] { *run = [args, &global] { return RunInspect(*args, global); }; });
}

}  // namespace sluice::cli
