// The emulator's configuration file (YAML). Every section is optional; with no file at all the
// defaults make `mpemu serve` useful. See docs/configuration.md for the reference.
//
//   server:  { host: 127.0.0.1, port: 8900, maxBodyBytes: 1048576, threads: 64 }
//   state:   mpemu.db          # optional SQLite state file (same as --state)
//   stackit: { ... }           # stackit/config.h
//   clevercloud: { ... }       # clevercloud/config.h
//   pandium: { ... }           # pandium/config.h
#ifndef MPEMU_EMULATOR_APP_CONFIG_H_
#define MPEMU_EMULATOR_APP_CONFIG_H_

#include <string>

#include <nlohmann/json.hpp>

#include "emulator/clevercloud/config.h"
#include "emulator/core/status.h"
#include "emulator/http/server.h"
#include "emulator/pandium/config.h"
#include "emulator/stackit/config.h"

namespace mpemu::app {

inline constexpr int kDefaultPort = 8900;

struct EmulatorConfig {
  http::ServerOptions server;
  std::string state_file;      // empty: in memory
  size_t journal_capacity = 20000;
  stackit::Config stackit = stackit::DefaultConfig();
  clevercloud::Config clevercloud = clevercloud::DefaultConfig();
  pandium::Config pandium = pandium::DefaultConfig();
  std::string source = "(built-in defaults)";
};

EmulatorConfig DefaultConfig();
StatusOr<EmulatorConfig> LoadConfigFile(const std::string& path);
StatusOr<EmulatorConfig> ParseConfigText(const std::string& text, const std::string& name);

}  // namespace mpemu::app

#endif  // MPEMU_EMULATOR_APP_CONFIG_H_
