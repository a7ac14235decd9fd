// What the marketplace subcommands share when they talk to a running emulator's control API.
#ifndef MPEMU_EMULATOR_CLI_REMOTE_H_
#define MPEMU_EMULATOR_CLI_REMOTE_H_

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/http/message.h"

namespace mpemu::cli {

// --url and --json belong to the root command (client_commands.cc); read them once parsed.
struct Target {
  std::string url;
  bool json = false;
};
Target TargetOf(CLI::App& root);

// The string member `key` of an object, or "".
std::string StringMember(const nlohmann::json& j, const char* key);

// The emulator's URL when no --url is given: $MPEMU_URL, else http://127.0.0.1:8900.
std::string DefaultEmulatorUrl();

// Calls the emulator (a JSON body unless `body` is null); prints errors; returns the parsed JSON
// body (null for an empty one), or nullopt with *exit_code set when exit_code is not null
// (kExitUsage when unreachable, kExitFailed for an error reply).
std::optional<nlohmann::json> CallEmulator(const Target& t, const std::string& method, const std::string& path,
                                           const nlohmann::json& body, int* exit_code, int read_timeout_ms,
                                           const http::Headers& headers = {});

}  // namespace mpemu::cli

#endif  // MPEMU_EMULATOR_CLI_REMOTE_H_
