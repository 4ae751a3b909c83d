#pragma once
// Registration of the subcommands. Each adds itself to the CLI11 app and sets
// `*run` to the function that executes it and returns the exit code.

#include <CLI/CLI.hpp>
#include <functional>

namespace sluice::cli {

using CommandRun = std::function<int()>;

// Output options shared by every subcommand.
struct GlobalOptions {
  bool color = false;  // diagnostics in colour (a terminal, NO_COLOR unset)
};

void AddValidateCommand(CLI::App& app, const GlobalOptions& global, CommandRun* run);

}  // namespace sluice::cli
