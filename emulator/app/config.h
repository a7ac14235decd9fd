// The emulator's configuration file (YAML). Every section is optional; with no file at all the
// defaults make `mpemu serve` useful. Each marketplace section is documented in its config.h.
//
//   server:  { host: 127.0.0.1, port: 8900, maxBodyBytes: 1048576, threads: 64 }
//   state:   mpemu.db          # optional SQLite state file (same as --state)
//   journalCapacity: 20000     # entries kept; journalMaxBytes: 67108864 bounds their stored text
//   stackit: { ... }           # stackit/config.h
//   clevercloud: { ... }       # clevercloud/config.h
//   pandium: { ... }           # pandium/config.h
//   tls:     { enabled: false, port: 8943 }  # also serve HTTPS (serve --tls); port 0 picks one
//   proxy:   { port: 8901 }                # HTTP proxy for real hostnames (serve --proxy-port)
//   hosts:   { keys.marketplace.stackit.cloud: stackit.keys, ... }   # replaces the defaults
#ifndef MPEMU_EMULATOR_APP_CONFIG_H_
#define MPEMU_EMULATOR_APP_CONFIG_H_

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/clevercloud/config.h"
#include "emulator/core/status.h"
#include "emulator/http/server.h"
#include "emulator/journal/journal.h"
#include "emulator/pandium/config.h"
#include "emulator/stackit/config.h"

namespace mpemu::app {

inline constexpr int kDefaultPort = 8900;
inline constexpr int kDefaultTlsPort = 8943;

// What an emulated production hostname serves: the pipeline service of the same name (and, for
// Pandium, the path prefix its pages have inside the emulator).
struct HostKind {
  std::string name;         // "stackit.keys", "stackit.api", "stackit.token", "clevercloud.api", "pandium"
  std::string path_prefix;  // "" or "/pandium"
  std::string description;
};
const std::vector<HostKind>& HostKinds();
// The marketplaces' production hostnames -> kind.
std::map<std::string, std::string> DefaultHosts();
// The host that stands for `kind` in URLs handed to vendors: the production one
// (keys.marketplace.stackit.cloud, imp.pandium.io, ...) when configured, else the first configured
// host of that kind, else "".
std::string PreferredHost(const std::map<std::string, std::string>& hosts, const std::string& kind);

struct EmulatorConfig {
  http::ServerOptions server;
  std::string state_file;      // empty: in memory
  size_t journal_capacity = 20000;                             // entries
  size_t journal_max_bytes = journal::Journal::kDefaultMaxBytes;  // stored text
  stackit::Config stackit = stackit::DefaultConfig();
  clevercloud::Config clevercloud = clevercloud::DefaultConfig();
  pandium::Config pandium = pandium::DefaultConfig();
  bool tls = false;       // also serve HTTPS on tls_port, with a leaf from the local CA
  int tls_port = kDefaultTlsPort;  // 0 picks a free port
  int proxy_port = -1;    // -1: no proxy; 0 picks a free port
  std::map<std::string, std::string> hosts = DefaultHosts();  // emulated hostname -> HostKind name
  std::string source = "(built-in defaults)";
};

EmulatorConfig DefaultConfig();
StatusOr<EmulatorConfig> LoadConfigFile(const std::string& path);
// InvalidArgument naming the host when a name is not a lower-case DNS name or a kind is unknown.
Status ValidateHosts(const std::map<std::string, std::string>& hosts);

StatusOr<EmulatorConfig> ParseConfigText(const std::string& text, const std::string& name);

}  // namespace mpemu::app

#endif  // MPEMU_EMULATOR_APP_CONFIG_H_
