// The `mpemu` command line: `serve` runs the emulator; the other commands drive a running one
// through its control API, in the spirit of `stripe trigger`.
#ifndef MPEMU_EMULATOR_CLI_COMMANDS_H_
#define MPEMU_EMULATOR_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace mpemu::cli {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // the emulator answered with an error / a check failed
inline constexpr int kExitUsage = 2;   // bad arguments, unreachable emulator, bad files

// Each adds its subcommands to `app`; the callbacks set `*exit_code`.
void AddServeCommand(CLI::App& app, int* exit_code);
void AddClientCommands(CLI::App& app, int* exit_code);
// `mpemu clevercloud ...`; uses the --url / --json options AddClientCommands adds (call it after).
void AddCleverCloudCommands(CLI::App& app, int* exit_code);
// `mpemu pandium ...`; the same (call it after AddClientCommands).
void AddPandiumCommands(CLI::App& app, int* exit_code);
// `mpemu ca`; uses --url (call it after AddClientCommands).
void AddCaCommand(CLI::App& app, int* exit_code);
void AddHarnessCommands(CLI::App& app, int* exit_code);

}  // namespace mpemu::cli

#endif  // MPEMU_EMULATOR_CLI_COMMANDS_H_
