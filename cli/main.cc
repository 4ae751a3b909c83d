// sluice: the command line. Parses arguments, dispatches to one subcommand,
// and maps its result to the documented exit codes (see docs/cli.md).

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli/commands.h"
#include "sluice_version.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Sluice: online database migration from one YAML plan.\n"
      "MySQL, MariaDB, OceanBase, TiDB and PostgreSQL; see docs/ for the plan language."};
  app.set_version_flag("--version", std::string("sluice ") + sluice::kVersion);
  app.require_subcommand(1);
  app.fallthrough(false);

  sluice::cli::GlobalOptions global;
  global.color = isatty(STDERR_FILENO) && std::getenv("NO_COLOR") == nullptr;
  global.color_stdout = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;

  sluice::cli::CommandRun run;
  sluice::cli::AddValidateCommand(app, global, &run);
  sluice::cli::AddInspectCommand(app, global, &run);
  sluice::cli::AddPlanCommand(app, global, &run);
  sluice::cli::AddGraphCommand(app, global, &run);
  sluice::cli::AddApplyCommands(app, global, &run);
  sluice::cli::AddVerifyCommand(app, global, &run);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; usage errors exit 1 (the contract's error code).
    int code = app.exit(e);
    return code == 0 ? 0 : 1;
  }
  return run ? run() : 1;
}
