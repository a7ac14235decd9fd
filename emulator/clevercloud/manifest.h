// The add-on manifest a Clever Cloud vendor registers (the JSON of the "Add-on Manifest" section of
// Clever's marketplace documentation), and a kensa-style checker for it.
//
//   {"id": "addon-name", "name": "Addon Name",
//    "api": {"config_vars": ["ADDON_NAME_MY_VAR"], "regions": ["eu"],
//            "password": "<35+ random chars>", "sso_salt": "<35+ random chars>",
//            "production": {"base_url": "https://...", "sso_url": "https://..."},
//            "test": {"base_url": "http://localhost:9000/...", "sso_url": "..."}}}
//
// Two functions with different jobs: CheckManifest reports everything worth fixing (as findings,
// never as a Status), ParseManifest fails only for what makes the manifest unusable by the
// emulator (no id, no password, no base URL...).
#ifndef MPEMU_EMULATOR_CLEVERCLOUD_MANIFEST_H_
#define MPEMU_EMULATOR_CLEVERCLOUD_MANIFEST_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emulator/core/status.h"

namespace mpemu::clevercloud {

// The minimum length Clever's documentation asks of `password` and `sso_salt` since 2025.
inline constexpr size_t kMinSecretLength = 35;

struct Manifest {
  std::string id, name;
  std::vector<std::string> config_vars, regions;
  std::string password, sso_salt;
  std::string production_base_url, production_sso_url, test_base_url, test_sso_url;
  nlohmann::json raw;  // the manifest as given

  // What every config var must start with: upper(id) with '-' turned into '_', then "_"
  // ("addon-name" -> "ADDON_NAME_").
  std::string ConfigVarPrefix() const;
  // True when `key` is one of config_vars.
  bool IsConfigVar(const std::string& key) const;
};

struct ManifestFinding {
  std::string severity;  // "error" | "warning"
  std::string pointer;   // RFC 6901 JSON pointer of the field ("/api/password"); "" = the document
  std::string rule;      // stable id, e.g. "password.length"
  std::string message;   // names the field first: "password: shorter than 35 characters (...)"

  nlohmann::json ToJson() const;  // {severity, pointer, rule, message}
};

// Every finding, errors first in document order, then warnings. `production`: the manifest is
// about to be used with its production URLs, which must then use https and not point at a local
// host (without it, plain http on a loopback host is accepted everywhere, and on other hosts it is
// a warning for production URLs). Rules (ids):
//   manifest.object, id.present, id.format, name.type, api.present, api.username (warning),
//   regions.present, regions.type, regions.eu, password.present, password.length,
//   password.random, password.example, sso_salt.present, sso_salt.length, sso_salt.random,
//   sso_salt.example, secrets.distinct (warning), config_vars.present (warning), config_vars.type,
//   config_vars.format, config_vars.prefix, config_vars.duplicate (warning), urls.present,
//   urls.valid, urls.https, urls.localhost, fields.unknown (warning).
std::vector<ManifestFinding> CheckManifest(const nlohmann::json& manifest, bool production);

// True when some finding has severity "error".
bool HasErrors(const std::vector<ManifestFinding>& findings);

// The manifest's values. InvalidArgument naming the JSON pointer when it is unusable: not an
// object; id not a non-empty string; api not an object; password not a non-empty string; a
// present sso_salt, config_vars, regions, test or production of the wrong type; no base_url at
// all. Everything else (weak secrets, http URLs...) is left to CheckManifest.
StatusOr<Manifest> ParseManifest(const nlohmann::json& manifest);

}  // namespace mpemu::clevercloud

#endif  // MPEMU_EMULATOR_CLEVERCLOUD_MANIFEST_H_
