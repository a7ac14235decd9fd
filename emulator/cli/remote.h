// What the marketplace subcommands share when they talk to a running emulator's control API.
#ifndef MPEMU_EMULATOR_CLI_REMOTE_H_
#define MPEMU_EMULATOR_CLI_REMOTE_H_

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace mpemu::cli {

// --url and --json belong to the root command (client_commands.cc); read them once parsed.
struct Target {
  std::string url;
  bool json = false;
};
Target TargetOf(CLI::App& root);

// The string member `key` of an object, or "".
std::string StringMember(const nlohmann::json& j, const char* key);

// Calls the emulator; prints errors; returns the parsed JSON body, or nullopt with *exit_code set
// (kExitUsage when unreachable, kExitFailed for an error reply).
std::optional<nlohmann::json> CallEmulator(const Target& t, const std::string& method, const std::string& path,
                                           const nlohmann::json& body, int* exit_code, int read_timeout_ms);

}  // namespace mpemu::cli

#endif  // MPEMU_EMULATOR_CLI_REMOTE_H_
