#pragma once
// Registration of the subcommands. Each adds itself to the CLI11 app and sets
// `*run` to the function that executes it and returns the exit code.

#include <CLI/CLI.hpp>
#include <functional>

namespace sluice::cli {

using CommandRun = std::function<int()>;

// Output options shared by every subcommand.
struct GlobalOptions {
  bool color = false;         // diagnostics (stderr) in colour: a terminal, NO_COLOR unset
  bool color_stdout = false;  // reports (stdout) in colour
};

void AddValidateCommand(CLI::App& app, const GlobalOptions& global, CommandRun* run);
void AddInspectCommand(CLI::App& app, const GlobalOptions& global, CommandRun* run);
void AddPlanCommand(CLI::App& app, const GlobalOptions& global, CommandRun* run);
void AddGraphCommand(CLI::App& app, const GlobalOptions& global, CommandRun* run);
void AddApplyCommands(CLI::App& app, const GlobalOptions& global, CommandRun* run);  // apply, status, stop
void AddVerifyCommand(CLI::App& app, const GlobalOptions& global, CommandRun* run);

}  // namespace sluice::cli
