#include "emulator/clevercloud/manifest.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

namespace mpemu::clevercloud {
namespace {

// Values printed in Clever Cloud's documentation (the 2023 manifest example and the infos-API curl
// sample: Clever's 2025 security fix names providers that kept them), kensa's fixture credentials
// and Heroku's examples. A secret anyone can read is no secret.
const std::set<std::string>& ExampleSecrets() {
  static const std::set<std::string> kValues = {
      "44ca82ddf8d4e74d52494ce2895152ee",
      "fcb5b3add85d65e1dddda87a115b429f",
      "secret",
      "SSO_SALT",
      "super-secret",
      "2f97bfa52ca102f8874716e2eb1d3b4920ad0be4",
  };
  return kValues;
}

const char* TypeName(const nlohmann::json& j) { return j.type_name(); }

struct UrlParts {
  std::string scheme;  // lower case
  std::string host;    // lower case, without brackets
};

// Just enough of RFC 3986 to tell the scheme and the host: "scheme://[userinfo@]host[:port]/...".
bool SplitUrlParts(const std::string& url, UrlParts* out) {
  const size_t sep = url.find("://");
  if (sep == std::string::npos || sep == 0) return false;
  out->scheme = url.substr(0, sep);
  std::transform(out->scheme.begin(), out->scheme.end(), out->scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const size_t start = sep + 3;
  const size_t end = url.find_first_of("/?#", start);
  std::string authority =
      url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  const size_t at = authority.rfind('@');
  if (at != std::string::npos) authority = authority.substr(at + 1);
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string::npos) return false;
    out->host = authority.substr(1, close - 1);
  } else {
    out->host = authority.substr(0, authority.find(':'));
  }
  std::transform(out->host.begin(), out->host.end(), out->host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return !out->host.empty() && url.find_first_of(" \t\r\n") == std::string::npos;
}

bool IsLocalHost(const std::string& host) {
  static const std::regex kLoopbackV4("^127(\\.[0-9]{1,3}){3}$");
  const std::string suffix = ".localhost";
  return host == "localhost" || host == "::1" || host == "0.0.0.0" ||
         std::regex_match(host, kLoopbackV4) ||
         (host.size() > suffix.size() &&
          host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0);
}

class Checker {
 public:
  explicit Checker(bool production) : production_(production) {}

  void Error(const std::string& pointer, const std::string& rule, const std::string& message) {
    findings_.push_back({"error", pointer, rule, message});
  }
  void Warning(const std::string& pointer, const std::string& rule, const std::string& message) {
    findings_.push_back({"warning", pointer, rule, message});
  }

  void Run(const nlohmann::json& m) {
    if (!m.is_object()) {
      Error("", "manifest.object",
            std::string("manifest: expected a JSON object, got ") + TypeName(m));
      return;
    }
    for (const auto& [key, value] : m.items()) {
      (void)value;
      if (key != "id" && key != "name" && key != "api") {
        Warning("/" + key, "fields.unknown",
                key + ": unknown field; Clever Cloud ignores it (known: id, name, api)");
      }
    }
    CheckId(m);
    if (m.contains("name") && !m["name"].is_string()) {
      Error("/name", "name.type",
            std::string("name: expected a string, got ") + TypeName(m["name"]));
    }
    if (!m.contains("api") || !m["api"].is_object()) {
      Error("/api", "api.present",
            m.contains("api") ? std::string("api: expected an object, got ") + TypeName(m["api"])
                              : "api: missing; it holds config_vars, regions, password, sso_salt, "
                                "production and test");
      return;
    }
    const nlohmann::json& api = m["api"];
    static const std::set<std::string> kApiKeys = {"config_vars", "regions", "password", "sso_salt",
                                                   "production",  "test",    "username"};
    for (const auto& [key, value] : api.items()) {
      (void)value;
      if (kApiKeys.count(key) == 0) {
        Warning("/api/" + key, "fields.unknown",
                key +
                    ": unknown field in api; Clever Cloud ignores it (known: config_vars, regions, "
                    "password, sso_salt, production, test)");
      }
    }
    if (api.contains("username")) {
      Warning(
          "/api/username", "api.username",
          "username: deprecated and ignored; Clever Cloud authenticates with the add-on id as the "
          "user name");
    }
    CheckRegions(api);
    CheckSecret(api, "password",
                "Clever Cloud sends it as the Basic auth password of every provisioning call");
    CheckSecret(api, "sso_salt", "it is the shared secret of the SSO signature");
    if (api.contains("password") && api.contains("sso_salt") && api["password"].is_string() &&
        api["password"] == api["sso_salt"] && !api["password"].get<std::string>().empty()) {
      Warning("/api/sso_salt", "secrets.distinct",
              "sso_salt: same value as password; use two independent random secrets");
    }
    CheckConfigVars(m, api);
    for (const char* env : {"production", "test"}) CheckUrls(api, env);
  }

  std::vector<ManifestFinding> Take() {
    std::stable_partition(findings_.begin(), findings_.end(),
                          [](const ManifestFinding& f) { return f.severity == "error"; });
    return std::move(findings_);
  }

 private:
  void CheckId(const nlohmann::json& m) {
    if (!m.contains("id")) {
      Error("/id", "id.present",
            "id: missing; the add-on id is required (it is also the Basic auth user name)");
      return;
    }
    if (!m["id"].is_string()) {
      Error("/id", "id.format", std::string("id: expected a string, got ") + TypeName(m["id"]));
      return;
    }
    const std::string id = m["id"].get<std::string>();
    if (id.empty()) {
      Error("/id", "id.present",
            "id: empty; the add-on id is required (it is also the Basic auth user name)");
      return;
    }
    static const std::regex kId("^[a-z0-9_-]+$");
    if (!std::regex_match(id, kId)) {
      Error("/id", "id.format",
            "id: \"" + id +
                "\" must be lower case letters, digits, '_' and '-' only (no spaces or other "
                "punctuation)");
    }
  }

  void CheckRegions(const nlohmann::json& api) {
    const std::string hint = "must be a non-empty list containing \"eu\"";
    if (!api.contains("regions")) {
      Error("/api/regions", "regions.present", "regions: missing; " + hint);
      return;
    }
    const nlohmann::json& regions = api["regions"];
    if (!regions.is_array()) {
      Error("/api/regions", "regions.type",
            std::string("regions: expected a list, got ") + TypeName(regions) + "; " + hint);
      return;
    }
    if (regions.empty()) {
      Error("/api/regions", "regions.present", "regions: empty; " + hint);
      return;
    }
    bool eu = false;
    for (size_t i = 0; i < regions.size(); ++i) {
      if (!regions[i].is_string()) {
        Error("/api/regions/" + std::to_string(i), "regions.type",
              "regions[" + std::to_string(i) + "]: expected a string, got " + TypeName(regions[i]));
        continue;
      }
      eu = eu || regions[i].get<std::string>() == "eu";
    }
    if (!eu) {
      Error("/api/regions", "regions.eu",
            "regions: must contain \"eu\" (lower case), got " + regions.dump() +
                "; Clever Cloud requires it for now");
    }
  }

  // password and sso_salt. Messages never repeat the value: findings end up in logs and reports.
  void CheckSecret(const nlohmann::json& api, const std::string& key, const std::string& why) {
    const std::string pointer = "/api/" + key;
    if (!api.contains(key)) {
      Error(pointer, key + ".present", key + ": missing; " + why);
      return;
    }
    if (!api[key].is_string()) {
      Error(pointer, key + ".present", key + ": expected a string, got " + TypeName(api[key]));
      return;
    }
    const std::string value = api[key].get<std::string>();
    if (value.empty()) {
      Error(pointer, key + ".present", key + ": empty; " + why);
      return;
    }
    const bool placeholder = value.size() >= 2 && value.front() == '<' && value.back() == '>';
    if (placeholder || ExampleSecrets().count(value) > 0) {
      Error(pointer, key + ".example",
            key + ": " +
                (placeholder ? "still the documentation's placeholder"
                             : "a value published in "
                               "Clever Cloud's or Heroku's documentation") +
                "; generate a random secret of at least " + std::to_string(kMinSecretLength) +
                " characters (e.g. `openssl rand -base64 36`)");
      return;
    }
    if (value.size() < kMinSecretLength) {
      Error(pointer, key + ".length",
            key + ": " + std::to_string(value.size()) +
                " characters; Clever Cloud asks for at least " + std::to_string(kMinSecretLength) +
                " random characters");
    }
    const std::set<char> distinct(value.begin(), value.end());
    if (distinct.size() < 10) {
      Error(pointer, key + ".random",
            key + ": only " + std::to_string(distinct.size()) +
                " distinct characters; it does not look random (generate it, e.g. `openssl rand "
                "-base64 36`)");
    }
  }

  void CheckConfigVars(const nlohmann::json& m, const nlohmann::json& api) {
    if (!api.contains("config_vars")) {
      Warning("/api/config_vars", "config_vars.present",
              "config_vars: missing; the add-on cannot hand any configuration to the customer's "
              "applications (Clever Cloud ignores config keys that are not listed here)");
      return;
    }
    const nlohmann::json& vars = api["config_vars"];
    if (!vars.is_array()) {
      Error("/api/config_vars", "config_vars.type",
            std::string("config_vars: expected a list of strings, got ") + TypeName(vars));
      return;
    }
    std::string prefix;
    if (m.contains("id") && m["id"].is_string() && !m["id"].get<std::string>().empty()) {
      Manifest probe;
      probe.id = m["id"].get<std::string>();
      prefix = probe.ConfigVarPrefix();
    }
    static const std::regex kEnvKey("^[A-Z][0-9A-Z_]+$");
    std::set<std::string> seen;
    for (size_t i = 0; i < vars.size(); ++i) {
      const std::string pointer = "/api/config_vars/" + std::to_string(i);
      const std::string label = "config_vars[" + std::to_string(i) + "]";
      if (!vars[i].is_string()) {
        Error(pointer, "config_vars.type", label + ": expected a string, got " + TypeName(vars[i]));
        continue;
      }
      const std::string var = vars[i].get<std::string>();
      if (!std::regex_match(var, kEnvKey)) {
        Error(pointer, "config_vars.format",
              label + ": \"" + var +
                  "\" is not a valid environment variable name (^[A-Z][0-9A-Z_]+$)");
      }
      if (!prefix.empty() && var.compare(0, prefix.size(), prefix) != 0) {
        Error(pointer, "config_vars.prefix",
              label + ": \"" + var + "\" must start with " + prefix +
                  " (the add-on id in upper case, '-' as '_')");
      }
      if (!seen.insert(var).second) {
        Warning(pointer, "config_vars.duplicate", label + ": \"" + var + "\" is listed twice");
      }
    }
  }

  void CheckUrls(const nlohmann::json& api, const std::string& env) {
    const std::string pointer = "/api/" + env;
    if (!api.contains(env) || !api[env].is_object()) {
      Error(pointer, "urls.present",
            env +
                (api.contains(env) ? std::string(": expected an object, got ") + TypeName(api[env])
                                   : std::string(": missing")) +
                "; it needs base_url and sso_url");
      return;
    }
    for (const char* field : {"base_url", "sso_url"}) {
      const std::string label = env + "." + field;
      const std::string ptr = pointer + "/" + field;
      const nlohmann::json& v = api[env].contains(field) ? api[env][field] : nlohmann::json();
      if (!v.is_string() || v.get<std::string>().empty()) {
        Error(ptr, "urls.present",
              label +
                  (v.is_null()     ? ": missing"
                   : v.is_string() ? ": empty"
                                   : std::string(": expected a string, got ") + TypeName(v)) +
                  (std::string(field) == "base_url" ? "; provisioning calls go there"
                                                    : "; the SSO form is posted there"));
        continue;
      }
      const std::string url = v.get<std::string>();
      UrlParts parts;
      if (!SplitUrlParts(url, &parts) || (parts.scheme != "http" && parts.scheme != "https")) {
        Error(ptr, "urls.valid", label + ": \"" + url + "\" is not an http(s) URL with a host");
        continue;
      }
      const bool local = IsLocalHost(parts.host);
      if (parts.scheme == "http") {
        const std::string why = std::string(field) == "base_url"
                                    ? "Clever Cloud sends the Basic auth password there"
                                    : "the SSO form carries the user's identity";
        if (env == "production" && production_) {
          Error(ptr, "urls.https", label + ": must use https (" + why + ")");
        } else if (env == "production" && !local) {
          Warning(
              ptr, "urls.https",
              label + ": must use https before the manifest is used in production (" + why + ")");
        } else if (env == "test" && production_ && !local) {
          Warning(ptr, "urls.https", label + ": plain http to a remote host (" + why + ")");
        }
      }
      if (env == "production" && production_ && local) {
        Error(ptr, "urls.localhost",
              label + ": points to a local host (" + parts.host +
                  "), which Clever Cloud cannot reach");
      }
    }
  }

  bool production_;
  std::vector<ManifestFinding> findings_;
};

Status Invalid(const std::string& pointer, const std::string& message) {
  return InvalidArgumentError("manifest: " + (pointer.empty() ? std::string() : pointer + ": ") +
                              message);
}

StatusOr<std::vector<std::string>> StringList(const nlohmann::json& parent, const std::string& key,
                                              const std::string& pointer) {
  std::vector<std::string> out;
  if (!parent.contains(key)) return out;
  const nlohmann::json& v = parent[key];
  if (!v.is_array())
    return Invalid(pointer, std::string("expected a list of strings, got ") + TypeName(v));
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) {
      return Invalid(pointer + "/" + std::to_string(i),
                     std::string("expected a string, got ") + TypeName(v[i]));
    }
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

Status OptionalString(const nlohmann::json& parent, const std::string& key,
                      const std::string& pointer, std::string* out) {
  if (!parent.contains(key) || parent[key].is_null()) return Status::Ok();
  if (!parent[key].is_string()) {
    return Invalid(pointer, std::string("expected a string, got ") + TypeName(parent[key]));
  }
  *out = parent[key].get<std::string>();
  return Status::Ok();
}

Status Urls(const nlohmann::json& api, const std::string& env, std::string* base,
            std::string* sso) {
  if (!api.contains(env) || api[env].is_null()) return Status::Ok();
  const std::string pointer = "/api/" + env;
  if (!api[env].is_object())
    return Invalid(pointer, std::string("expected an object, got ") + TypeName(api[env]));
  MPEMU_RETURN_IF_ERROR(OptionalString(api[env], "base_url", pointer + "/base_url", base));
  return OptionalString(api[env], "sso_url", pointer + "/sso_url", sso);
}

}  // namespace

std::string Manifest::ConfigVarPrefix() const {
  std::string out = id;
  for (char& c : out)
    c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out + "_";
}

bool Manifest::IsConfigVar(const std::string& key) const {
  return std::find(config_vars.begin(), config_vars.end(), key) != config_vars.end();
}

nlohmann::json ManifestFinding::ToJson() const {
  return {{"severity", severity}, {"pointer", pointer}, {"rule", rule}, {"message", message}};
}

std::vector<ManifestFinding> CheckManifest(const nlohmann::json& manifest, bool production) {
  Checker checker(production);
  checker.Run(manifest);
  return checker.Take();
}

bool HasErrors(const std::vector<ManifestFinding>& findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [](const ManifestFinding& f) { return f.severity == "error"; });
}

StatusOr<Manifest> ParseManifest(const nlohmann::json& m) {
  if (!m.is_object()) return Invalid("", std::string("expected a JSON object, got ") + TypeName(m));
  Manifest out;
  out.raw = m;
  MPEMU_RETURN_IF_ERROR(OptionalString(m, "id", "/id", &out.id));
  if (out.id.empty()) return Invalid("/id", "missing; the add-on id is required");
  MPEMU_RETURN_IF_ERROR(OptionalString(m, "name", "/name", &out.name));
  if (!m.contains("api") || !m["api"].is_object()) {
    return Invalid("/api", m.contains("api")
                               ? std::string("expected an object, got ") + TypeName(m["api"])
                               : std::string("missing"));
  }
  const nlohmann::json& api = m["api"];
  MPEMU_RETURN_IF_ERROR(OptionalString(api, "password", "/api/password", &out.password));
  if (out.password.empty())
    return Invalid("/api/password", "missing; it is the Basic auth password");
  MPEMU_RETURN_IF_ERROR(OptionalString(api, "sso_salt", "/api/sso_salt", &out.sso_salt));
  MPEMU_ASSIGN_OR_RETURN(out.config_vars, StringList(api, "config_vars", "/api/config_vars"));
  MPEMU_ASSIGN_OR_RETURN(out.regions, StringList(api, "regions", "/api/regions"));
  MPEMU_RETURN_IF_ERROR(Urls(api, "production", &out.production_base_url, &out.production_sso_url));
  MPEMU_RETURN_IF_ERROR(Urls(api, "test", &out.test_base_url, &out.test_sso_url));
  if (out.production_base_url.empty() && out.test_base_url.empty()) {
    return Invalid("/api/test/base_url",
                   "missing, and so is /api/production/base_url: there is nowhere to "
                   "send provisioning calls");
  }
  return out;
}

}  // namespace mpemu::clevercloud
