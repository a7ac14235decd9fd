// Clever Cloud's configuration: the vendor's add-on manifest, the plans a customer can pick, who
// the customer is, and fidelity switches for what the public documentation leaves open (legacy
// body fields, the plan-change call, the SSO timestamp unit). `DefaultConfig()` makes `mpemu serve`
// useful without a file: a built-in manifest whose URLs point at a vendor on 127.0.0.1:8080.
//
// YAML (the `clevercloud:` section of the emulator's configuration file; every field optional):
//   clevercloud:
//     manifest: addon-manifest.json   # a JSON file, relative to the config file, or a mapping
//     plans: [{slug: basic, name: Basic}, {slug: premium, name: Premium}]
//     region: EU
//     ownerId: orga_...   ownerName: ...   ownerEmail: ...   userId: user_...   userEmail: ...
//     production: false         # use the manifest's production URLs instead of its test URLs
//     legacyFields: false       # also send heroku_id and logplex_token when provisioning
//     planChangeMethod: PUT     # the undocumented plan change: method and path under base_url,
//     planChangePath: /{id}     #   {id} = the vendor's id, {addon_id} = Clever's add-on id
//     timeout: 25s              # per call to the vendor
//     ssoTimestampUnit: ms      # ms (documented) or s (what some vendors verify)
#ifndef MPEMU_EMULATOR_CLEVERCLOUD_CONFIG_H_
#define MPEMU_EMULATOR_CLEVERCLOUD_CONFIG_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emulator/core/status.h"
#include "emulator/core/yaml_reader.h"

namespace mpemu::clevercloud {

struct Plan {
  std::string slug, name;  // the slug is what the vendor receives
};

struct Config {
  nlohmann::json manifest;  // the raw manifest (manifest.h parses and checks it)
  std::vector<Plan> plans = {{"basic", "Basic"}, {"premium", "Premium"}};
  std::string region = "EU";  // "only "EU" will be sent" (Clever's documentation)
  std::string owner_id = "orga_5a14261e-dd8d-4521-8b1c-0c1e7e7c10d0";
  std::string owner_name = "mpemu Test Org";
  std::string owner_email = "owner@example.com";
  std::string user_id = "user_0c1e7e7c-5a14-4261-9dd8-d5218cc10ade";
  std::string user_email = "user@example.com";
  bool production = false;     // which of the manifest's URLs are used
  bool legacy_fields = false;  // also send heroku_id and logplex_token
  std::string plan_change_method = "PUT";
  std::string plan_change_path = "/{id}";
  int64_t timeout_ms = 25000;  // Heroku's "MUST return within 25 seconds"
  std::string sso_timestamp_unit = "ms";
};

// The built-in manifest: id "mpemu-addon", config vars MPEMU_ADDON_URL and MPEMU_ADDON_TOKEN,
// regions ["eu"], fixed 40-character secrets, and http://127.0.0.1:8080/clevercloud/resources and
// /clevercloud/sso as both test and production URLs.
nlohmann::json DefaultManifest();
Config DefaultConfig();

// Reads the `clevercloud:` section over the defaults. Unknown fields, bad values, an unreadable
// manifest file and a manifest ParseManifest rejects are InvalidArgument with file:line:col.
StatusOr<Config> ParseConfig(const YamlMap& section);

// What the emulator needs to run: a usable manifest with a base URL for the selected mode, plans
// with distinct non-empty slugs, a known method, a path starting with '/', a positive timeout,
// "ms" or "s".
Status Validate(const Config& config);

// The effective configuration (secrets included: this is a test double) in camelCase.
nlohmann::json ToJson(const Config& config);

}  // namespace mpemu::clevercloud

#endif  // MPEMU_EMULATOR_CLEVERCLOUD_CONFIG_H_
