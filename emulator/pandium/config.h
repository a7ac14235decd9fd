// Pandium's configuration: the In-App Marketplace accounts the emulator serves. Each account is
// what Pandium support hands a vendor (docs "Embedding the In-App Marketplace"): a name that is the
// entry URL's path segment, a shared secret the vendor signs tenant JWTs with (HS256), and the
// parent domain that may frame the marketplace (none for sandbox and PoC accounts). The catalogue
// is the list of integrations the marketplace page offers. `DefaultConfig()` makes `mpemu serve`
// useful without a file.
//
// YAML (the `pandium:` section of the emulator's configuration file; every field optional; a given
// `accounts` list replaces the default account):
//   pandium:
//     accounts:
//       - name: acme                            # [a-z0-9-]+, the entry URL is /pandium/acme
//         secret: "...at least 32 characters..."  # the raw HS256 secret, used as is
//         parentDomain: https://app.acme.example   # CSP frame-ancestors; omit for none (sandbox)
//         iatWindow: 300s                        # max |now - iat| (a duration, or seconds)
//         requireJti: true                       # reject tokens without a jti
//         catalogue:                             # default: the built-in four
//           - {id: salesforce, name: Salesforce, description: "Sync accounts and contacts"}
#ifndef MPEMU_EMULATOR_PANDIUM_CONFIG_H_
#define MPEMU_EMULATOR_PANDIUM_CONFIG_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emulator/core/status.h"
#include "emulator/core/yaml_reader.h"

namespace mpemu::pandium {

// The shortest secret accepted: RFC 7518 section 3.2 wants an HS256 key of at least 256 bits.
inline constexpr size_t kMinSecretBytes = 32;

struct Integration {
  std::string id;  // [A-Za-z0-9._-]+, a path segment of the deep link and install routes
  std::string name, description;
};

struct Account {
  std::string name;           // the path segment, [a-z0-9-]+
  std::string secret;         // shared HS256 secret, the raw string (never decoded)
  std::string parent_domain;  // e.g. "https://app.vendor.example"; empty: no frame-ancestors header
  std::vector<Integration> catalogue;
  int64_t iat_window_s = 300;  // max |now - iat|, wall clock
  bool require_jti = true;
};

struct Config {
  std::vector<Account> accounts;
  // The origin entry URLs are given under: "" for the emulator's own (<base>/pandium/<account>),
  // or a production origin such as "https://imp.pandium.io" when vendors reach the emulator
  // under the real hostnames (the proxy mode); then the entry URL is <origin>/<account>.
  std::string entry_origin;
};

// The built-in catalogue: salesforce, hubspot, shopify, netsuite.
std::vector<Integration> DefaultCatalogue();
// One account "mpemu-vendor" with a fixed 40-character secret (a test value, not a secret), no
// parent domain (as a sandbox account) and the built-in catalogue.
Config DefaultConfig();

// Reads the `pandium:` section over the defaults. Unknown fields and bad values are
// InvalidArgument with file:line:col.
StatusOr<Config> ParseConfig(const YamlMap& section);

// What the emulator needs: at least one account; names [a-z0-9-]+ and distinct; secrets of at
// least kMinSecretBytes; a parent domain that is empty or one http(s) origin (a '*.' host wildcard
// allowed) with nothing that could break out of a CSP header; 1 s <= iat window <= 1 day;
// integration ids [A-Za-z0-9._-]+, distinct within an account, with non-empty names.
Status Validate(const Config& config);
// The same checks for one secret (the control API's rotation uses it).
Status ValidateSecret(const std::string& secret);

// The configuration (secrets included: this is a test double) in camelCase:
// {accounts: [{name, secret, parentDomain, iatWindow, iatWindowSeconds, requireJti,
//              catalogue: [{id, name, description}]}]}
nlohmann::json ToJson(const Config& config);

}  // namespace mpemu::pandium

#endif  // MPEMU_EMULATOR_PANDIUM_CONFIG_H_
