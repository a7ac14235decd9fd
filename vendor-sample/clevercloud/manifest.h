// The Clever Cloud add-on manifest, in Clever's own format:
//
//   {"id": "vendor-sample", "name": "...", "api": {"config_vars": ["VENDOR_SAMPLE_URL", ...],
//    "regions": ["eu"], "password": "...", "sso_salt": "...",
//    "production": {"base_url", "sso_url"}, "test": {"base_url", "sso_url"}}}
//
// vendor-sample reads the part it needs: who it is to Clever Cloud (id and password, the Basic
// credentials of every provider call), the SSO salt, and the config vars it must return.
#ifndef VENDOR_SAMPLE_CLEVERCLOUD_MANIFEST_H_
#define VENDOR_SAMPLE_CLEVERCLOUD_MANIFEST_H_

#include <string>
#include <string_view>
#include <vector>

#include "vendor-sample/base/status.h"

namespace vendor_sample::clevercloud {

struct Manifest {
  std::string id;        // the add-on id: the Basic auth user name
  std::string name;      // "" when absent
  std::string password;  // the Basic auth password
  std::string sso_salt;
  std::vector<std::string> config_vars;  // each UrlVar(id) or TokenVar(id)
  std::vector<std::string> regions;
};

// The config var prefix of an add-on id: upper case, '-' becomes '_' ("vendor-sample" ->
// "VENDOR_SAMPLE"). Every config var starts with it and '_'.
std::string ConfigVarPrefix(const std::string& id);
// The config vars vendor-sample can fill: <PREFIX>_URL is the resource's dashboard URL,
// <PREFIX>_TOKEN a random secret of the resource.
std::string UrlVar(const std::string& id);
std::string TokenVar(const std::string& id);

// Parses a manifest strictly (one JSON object, no repeated member names). InvalidArgument naming
// the field when:
//   - id is not a non-empty string of a-z 0-9 _ - (Clever's rule; at most 64 characters);
//   - api.password or api.sso_salt is not a non-empty string without control characters;
//   - api.config_vars (optional) is not an array of distinct strings matching ^[A-Z][0-9A-Z_]+$
//     that start with ConfigVarPrefix(id) + "_" and that vendor-sample knows how to fill
//     (UrlVar or TokenVar);
//   - api.regions is not an array of strings containing "eu" (Clever requires it).
// name is read when it is a string; the URLs and all other fields are neither used nor checked.
StatusOr<Manifest> ParseManifest(std::string_view json);

// Reads the file at `path` and parses it; NotFound when it cannot be read.
StatusOr<Manifest> LoadManifest(const std::string& path);

}  // namespace vendor_sample::clevercloud

#endif  // VENDOR_SAMPLE_CLEVERCLOUD_MANIFEST_H_
