#include "vendor-sample/clevercloud/manifest.h"

#include <fstream>
#include <set>
#include <sstream>

#include "vendor-sample/crypto/strict_json.h"

namespace vendor_sample::clevercloud {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxManifestBytes = size_t{64} * 1024;

bool IsAddonId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

bool IsEnvKey(const std::string& key) {
  if (key.size() < 2 || key[0] < 'A' || key[0] > 'Z') return false;
  for (char c : key) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool HasControl(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

StatusOr<std::string> Secret(const Json& api, const char* name) {
  const auto it = api.find(name);
  if (it == api.end() || !it->is_string() || it->get<std::string>().empty()) {
    return InvalidArgumentError(std::string("api.") + name + " must be a non-empty string");
  }
  std::string value = it->get<std::string>();
  if (HasControl(value)) {
    return InvalidArgumentError(std::string("api.") + name + " contains control characters");
  }
  return value;
}

}  // namespace

std::string ConfigVarPrefix(const std::string& id) {
  std::string prefix;
  for (char c : id) {
    prefix += c == '-' ? '_' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  return prefix;
}

std::string UrlVar(const std::string& id) { return ConfigVarPrefix(id) + "_URL"; }
std::string TokenVar(const std::string& id) { return ConfigVarPrefix(id) + "_TOKEN"; }

StatusOr<Manifest> ParseManifest(std::string_view text) {
  StatusOr<Json> parsed = crypto::ParseStrictJson(text, 16);
  if (!parsed.ok()) return InvalidArgumentError("not valid JSON: " + parsed.status().message());
  const Json& root = *parsed;
  if (!root.is_object()) return InvalidArgumentError("the manifest must be a JSON object");

  Manifest m;
  const auto id = root.find("id");
  if (id == root.end() || !id->is_string() || !IsAddonId(id->get<std::string>())) {
    return InvalidArgumentError(
        "id must be a non-empty string of lower-case letters, digits, '_' and '-'");
  }
  m.id = id->get<std::string>();
  if (const auto name = root.find("name"); name != root.end() && name->is_string()) {
    m.name = name->get<std::string>();
  }
  const auto api = root.find("api");
  if (api == root.end() || !api->is_object()) {
    return InvalidArgumentError("api must be an object");
  }
  VS_ASSIGN_OR_RETURN(m.password, Secret(*api, "password"));
  VS_ASSIGN_OR_RETURN(m.sso_salt, Secret(*api, "sso_salt"));

  if (const auto vars = api->find("config_vars"); vars != api->end()) {
    if (!vars->is_array()) return InvalidArgumentError("api.config_vars must be an array");
    const std::string prefix = ConfigVarPrefix(m.id) + "_";
    std::set<std::string> seen;
    for (const Json& v : *vars) {
      if (!v.is_string() || !IsEnvKey(v.get<std::string>())) {
        return InvalidArgumentError("api.config_vars: " + v.dump().substr(0, 80) +
                                    " is not a valid environment variable name");
      }
      const std::string var = v.get<std::string>();
      if (var.rfind(prefix, 0) != 0) {
        return InvalidArgumentError("api.config_vars: " + var + " must be prefixed with " + prefix);
      }
      if (var != UrlVar(m.id) && var != TokenVar(m.id)) {
        return InvalidArgumentError("api.config_vars: vendor-sample can fill only " + UrlVar(m.id) +
                                    " and " + TokenVar(m.id) + ", not " + var);
      }
      if (!seen.insert(var).second) {
        return InvalidArgumentError("api.config_vars: " + var + " is listed twice");
      }
      m.config_vars.push_back(var);
    }
  }

  const auto regions = api->find("regions");
  if (regions == api->end() || !regions->is_array()) {
    return InvalidArgumentError("api.regions must be an array");
  }
  for (const Json& r : *regions) {
    if (!r.is_string()) return InvalidArgumentError("api.regions must hold strings");
    m.regions.push_back(r.get<std::string>());
  }
  bool eu = false;
  for (const std::string& r : m.regions) eu = eu || r == "eu";
  if (!eu) return InvalidArgumentError("api.regions must contain \"eu\"");
  return m;
}

StatusOr<Manifest> LoadManifest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > kMaxManifestBytes) {
    return InvalidArgumentError(path + ": larger than " + std::to_string(kMaxManifestBytes) +
                                " bytes");
  }
  StatusOr<Manifest> m = ParseManifest(text.str());
  if (!m.ok()) return InvalidArgumentError(path + ": " + m.status().message());
  return m;
}

}  // namespace vendor_sample::clevercloud
