// mpemu: parses the command line and hands over to a command. Nothing else lives here.
#include <CLI/CLI.hpp>

#include "emulator/app/emulator.h"
#include "emulator/cli/commands.h"

int main(int argc, char** argv) {
  mpemu::app::TuneProcessForServing();
  CLI::App app{"mpemu: offline emulator and conformance harness for SaaS marketplace integrations"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "mpemu 0.1.0");
  int exit_code = mpemu::cli::kExitOk;
  mpemu::cli::AddServeCommand(app, &exit_code);
  mpemu::cli::AddClientCommands(app, &exit_code);
  mpemu::cli::AddCleverCloudCommands(app, &exit_code);
  mpemu::cli::AddPandiumCommands(app, &exit_code);
  mpemu::cli::AddCaCommand(app, &exit_code);
  mpemu::cli::AddHarnessCommands(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : mpemu::cli::kExitUsage;
  }
  return exit_code;
}
