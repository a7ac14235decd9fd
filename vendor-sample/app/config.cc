#include "vendor-sample/app/config.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <map>

#include "vendor-sample/pandium/entry.h"

namespace vendor_sample {
namespace {

StatusOr<int64_t> ParseInt(const std::string& name, const std::string& text, int64_t min,
                           int64_t max) {
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || v < min || v > max) {
    return InvalidArgumentError(name + ": \"" + text + "\" is not an integer in [" +
                                std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return static_cast<int64_t>(v);
}

Status CheckUrl(const std::string& name, const std::string& url) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return InvalidArgumentError(name + ": \"" + url + "\" is not an http:// or https:// URL");
  }
  return Status::Ok();
}

std::string StripTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// The Pandium settings. The secret is checked for presence only and never quoted.
Status LoadPandium(const std::function<std::string(const char*)>& get, Config* c) {
  c->pandium_account = get("PANDIUM_ACCOUNT");
  if (c->pandium_account.empty()) {
    for (const char* name : {"PANDIUM_ENTRY_URL", "PANDIUM_SECRET", "PANDIUM_ALLOWED_HOSTS"}) {
      if (!get(name).empty()) {
        return InvalidArgumentError(std::string(name) + " is set but PANDIUM_ACCOUNT is not");
      }
    }
    return Status::Ok();
  }
  if (!pandium::IsAccountName(c->pandium_account)) {
    return InvalidArgumentError("PANDIUM_ACCOUNT: \"" + c->pandium_account +
                                "\" is not an account name (1-64 of A-Z a-z 0-9 . _ -)");
  }
  c->pandium_secret = get("PANDIUM_SECRET");
  if (c->pandium_secret.empty()) {
    return InvalidArgumentError(
        "PANDIUM_SECRET is required (the shared secret Pandium issued for PANDIUM_ACCOUNT)");
  }
  c->pandium_entry_url = get("PANDIUM_ENTRY_URL");
  if (c->pandium_entry_url.empty()) {
    c->pandium_entry_url = pandium::kDefaultEntryBase + c->pandium_account;
  }
  StatusOr<pandium::Entry> entry = pandium::ParseEntryUrl(c->pandium_entry_url);
  if (!entry.ok()) {
    return InvalidArgumentError("PANDIUM_ENTRY_URL: \"" + c->pandium_entry_url +
                                "\": " + entry.status().message());
  }
  c->pandium_allowed_hosts = {entry->host};
  if (const std::string hosts = get("PANDIUM_ALLOWED_HOSTS"); !hosts.empty()) {
    StatusOr<std::vector<std::string>> parsed = pandium::ParseAllowedHosts(hosts);
    if (!parsed.ok()) {
      return InvalidArgumentError("PANDIUM_ALLOWED_HOSTS: " + parsed.status().message());
    }
    c->pandium_allowed_hosts = std::move(*parsed);
    if (!pandium::HostAllowed(*entry, c->pandium_allowed_hosts)) {
      return InvalidArgumentError(
          "PANDIUM_ALLOWED_HOSTS does not allow the host of PANDIUM_ENTRY_URL (" +
          entry->authority + ")");
    }
  }
  return Status::Ok();
}

}  // namespace

const std::vector<Setting>& Settings() {
  static const std::vector<Setting> kSettings = {
      {"VENDOR_LISTEN", "HOST:PORT to listen on; port 0 picks a free port", "127.0.0.1:8080"},
      {"VENDOR_PUBLIC_URL", "public base URL, used for instanceTarget and links", "the listen URL"},
      {"VENDOR_DB", "SQLite database file", ":memory:"},
      {"STACKIT_KEYS_URL", "URL of STACKIT's keys.json (kid -> PEM); the only key source", nullptr},
      {"STACKIT_ISSUER", "exact expected iss of redirect tokens", "STACKIT_KEYS_URL"},
      {"STACKIT_API_URL", "base URL of the marketplace API (/v1/vendors/projects/...)", nullptr},
      {"STACKIT_TOKEN_URL", "service-account token endpoint",
       "the key file's credentials.tokenEndpoint"},
      {"STACKIT_PROJECT_ID", "the vendor's STACKIT project id", nullptr},
      {"STACKIT_SERVICE_ACCOUNT_KEY_PATH", "service-account key JSON file, with privateKey",
       nullptr},
      {"CLEVERCLOUD_MANIFEST", "Clever Cloud add-on manifest JSON; turns the Clever Cloud side on",
       "none (off)"},
      {"CLEVERCLOUD_API_URL", "base URL of Clever Cloud's add-on infos API (.../v2)",
       "none (dashboards show no owner)"},
      {"CLEVERCLOUD_SSO_MAX_AGE_S", "oldest accepted Clever Cloud SSO timestamp", "300"},
      {"CLEVERCLOUD_SSO_MAX_SKEW_S", "how far in the future a Clever Cloud SSO timestamp may be",
       "60"},
      {"PANDIUM_ACCOUNT", "Pandium In-App Marketplace account name; turns the Pandium side on",
       "none (off)"},
      {"PANDIUM_ENTRY_URL",
       "the In-App Marketplace entry; tenant tokens go to <it>?tenant=<jwt> and nowhere else",
       "https://imp.pandium.io/<PANDIUM_ACCOUNT>"},
      {"PANDIUM_SECRET",
       "the shared HS256 secret Pandium issued, used as raw bytes (set it in the environment)",
       "none; required with PANDIUM_ACCOUNT"},
      {"PANDIUM_ALLOWED_HOSTS", "comma-separated hosts tenant tokens may be sent to",
       "the entry URL's host"},
      {"VENDOR_TEST_USERS",
       "seed accounts email:password[:tier],... created at start if absent (tests, demos)", ""},
      {"VENDOR_POLL_INTERVAL_MS", "subscription poll interval", "2000"},
      {"VENDOR_KEYS_REFETCH_COOLDOWN_MS", "minimum time between keys.json fetches for unknown kids",
       "1000"},
      {"VENDOR_KEYS_MAX_AGE_S", "cached keys.json is re-read after this long", "600"},
      {"VENDOR_CLOCK_LEEWAY_S", "allowed clock skew for exp, iat and nbf", "60"},
      {"VENDOR_HTTP_TIMEOUT_MS", "connect and read timeout of outbound calls", "5000"},
      {"VENDOR_PBKDF2_ITERATIONS", "PBKDF2-HMAC-SHA256 iterations for new passwords", "600000"},
      {"VENDOR_BUGS", "comma-separated planted bugs (testing the harness only)", ""},
  };
  return kSettings;
}

std::string FlagFor(const std::string& env) {
  std::string name = env;
  if (name.rfind("VENDOR_", 0) == 0) name = name.substr(7);
  std::string flag = "--";
  for (char c : name) flag += c == '_' ? '-' : static_cast<char>(std::tolower(c));
  return flag;
}

EnvLookup ProcessEnv() {
  return [](const std::string& name, std::string* value) {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return false;
    *value = v;
    return true;
  };
}

std::string UsageText() {
  std::string text =
      "usage: vendor-sample [--flag=value ...]\n"
      "The reference STACKIT Marketplace vendor, Clever Cloud add-on provider and Pandium\n"
      "In-App Marketplace host.\n"
      "Every setting is an environment variable and the same as a flag (a flag wins).\n"
      "The STACKIT settings marked required may all be left out when Clever Cloud\n"
      "(CLEVERCLOUD_MANIFEST) or Pandium (PANDIUM_ACCOUNT) is configured.\n\n";
  for (const Setting& s : Settings()) {
    text += "  " + std::string(s.env) + " / " + FlagFor(s.env) + "\n      " + s.meaning + " (" +
            (s.fallback == nullptr ? std::string("required")
                                   : "default: " + std::string(*s.fallback ? s.fallback : "none")) +
            ")\n";
  }
  text += "\nPlanted bugs (VENDOR_BUGS):\n";
  for (const BugInfo& b : Bugs::Catalog()) {
    text += "  " + std::string(b.name) + ": " + b.effect + "\n";
  }
  return text;
}

StatusOr<Config> LoadConfig(const EnvLookup& env, const std::vector<std::string>& args) {
  std::map<std::string, std::string> flag_to_env;
  for (const Setting& s : Settings()) flag_to_env[FlagFor(s.env)] = s.env;

  std::map<std::string, std::string> values;
  for (const Setting& s : Settings()) {
    std::string v;
    if (env(s.env, &v)) values[s.env] = v;
  }
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    const size_t eq = flag.find('=');
    bool has_value = false;
    if (eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_value = true;
    }
    auto it = flag_to_env.find(flag);
    if (it == flag_to_env.end()) {
      return InvalidArgumentError("unknown argument \"" + flag + "\" (see --help)");
    }
    if (!has_value) {
      if (i + 1 >= args.size()) return InvalidArgumentError(flag + " needs a value");
      value = args[++i];
    }
    values[it->second] = value;
  }
  auto get = [&](const char* name) -> std::string {
    auto it = values.find(name);
    return it == values.end() ? std::string() : it->second;
  };

  Config c;
  if (const std::string listen = get("VENDOR_LISTEN"); !listen.empty()) {
    const size_t colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return InvalidArgumentError("VENDOR_LISTEN: \"" + listen + "\" is not HOST:PORT");
    }
    c.listen_host = listen.substr(0, colon);
    if (c.listen_host.size() > 2 && c.listen_host.front() == '[' && c.listen_host.back() == ']') {
      c.listen_host = c.listen_host.substr(1, c.listen_host.size() - 2);
    }
    VS_ASSIGN_OR_RETURN(int64_t port,
                        ParseInt("VENDOR_LISTEN port", listen.substr(colon + 1), 0, 65535));
    c.listen_port = static_cast<int>(port);
  }
  c.public_url = StripTrailingSlash(get("VENDOR_PUBLIC_URL"));
  if (!c.public_url.empty()) VS_RETURN_IF_ERROR(CheckUrl("VENDOR_PUBLIC_URL", c.public_url));
  if (const std::string db = get("VENDOR_DB"); !db.empty()) c.db_path = db;

  struct Required {
    const char* env;
    const char* what;
    std::string* out;
    bool url;
  };
  const Required required[] = {
      {"STACKIT_KEYS_URL", "the URL of STACKIT's keys.json", &c.stackit_keys_url, true},
      {"STACKIT_API_URL", "the base URL of the STACKIT Marketplace API", &c.stackit_api_url, true},
      {"STACKIT_PROJECT_ID", "the vendor's STACKIT project id", &c.stackit_project_id, false},
      {"STACKIT_SERVICE_ACCOUNT_KEY_PATH", "the service-account key JSON file",
       &c.stackit_service_account_key_path, false},
  };
  c.clevercloud_manifest_path = get("CLEVERCLOUD_MANIFEST");
  c.clevercloud_api_url = StripTrailingSlash(get("CLEVERCLOUD_API_URL"));
  if (!c.clevercloud_api_url.empty()) {
    if (c.clevercloud_manifest_path.empty()) {
      return InvalidArgumentError("CLEVERCLOUD_API_URL is set but CLEVERCLOUD_MANIFEST is not");
    }
    VS_RETURN_IF_ERROR(CheckUrl("CLEVERCLOUD_API_URL", c.clevercloud_api_url));
  }
  VS_RETURN_IF_ERROR(LoadPandium(get, &c));
  // STACKIT is on when any STACKIT setting is given or no other marketplace is configured; when it
  // is on, every required STACKIT setting must be there.
  bool stackit = c.clevercloud_manifest_path.empty() && c.pandium_account.empty();
  for (const char* name :
       {"STACKIT_KEYS_URL", "STACKIT_ISSUER", "STACKIT_API_URL", "STACKIT_TOKEN_URL",
        "STACKIT_PROJECT_ID", "STACKIT_SERVICE_ACCOUNT_KEY_PATH"}) {
    stackit = stackit || !get(name).empty();
  }
  if (stackit) {
    for (const Required& r : required) {
      *r.out = get(r.env);
      if (r.out->empty()) {
        return InvalidArgumentError(std::string(r.env) + " is required (" + r.what + ")");
      }
      if (r.url) VS_RETURN_IF_ERROR(CheckUrl(r.env, *r.out));
    }
    c.stackit_api_url = StripTrailingSlash(c.stackit_api_url);
    c.stackit_issuer = get("STACKIT_ISSUER");
    if (c.stackit_issuer.empty()) c.stackit_issuer = c.stackit_keys_url;
    c.stackit_token_url = get("STACKIT_TOKEN_URL");
    if (!c.stackit_token_url.empty())
      VS_RETURN_IF_ERROR(CheckUrl("STACKIT_TOKEN_URL", c.stackit_token_url));
  }

  struct Number {
    const char* env;
    int64_t min;
    int64_t max;
    int64_t* out;
  };
  int64_t keys_max_age_s = c.keys_max_age_ms / 1000;
  int64_t iterations = c.pbkdf2_iterations;
  const Number numbers[] = {
      {"VENDOR_POLL_INTERVAL_MS", 10, 86400000, &c.poll_interval_ms},
      {"VENDOR_KEYS_REFETCH_COOLDOWN_MS", 0, 86400000, &c.keys_refetch_cooldown_ms},
      {"VENDOR_KEYS_MAX_AGE_S", 1, 86400 * 7, &keys_max_age_s},
      {"VENDOR_CLOCK_LEEWAY_S", 0, 600, &c.clock_leeway_s},
      {"VENDOR_HTTP_TIMEOUT_MS", 100, 120000, &c.http_timeout_ms},
      {"VENDOR_PBKDF2_ITERATIONS", 1000, 10000000, &iterations},
      {"CLEVERCLOUD_SSO_MAX_AGE_S", 1, 86400, &c.clevercloud_sso_max_age_s},
      {"CLEVERCLOUD_SSO_MAX_SKEW_S", 0, 3600, &c.clevercloud_sso_max_skew_s},
  };
  for (const Number& n : numbers) {
    const std::string text = get(n.env);
    if (text.empty()) continue;
    VS_ASSIGN_OR_RETURN(*n.out, ParseInt(n.env, text, n.min, n.max));
  }
  c.keys_max_age_ms = keys_max_age_s * 1000;
  c.pbkdf2_iterations = static_cast<int>(iterations);

  VS_ASSIGN_OR_RETURN(c.bugs, Bugs::Parse(get("VENDOR_BUGS")));
  VS_ASSIGN_OR_RETURN(c.test_users, account::ParseTestUsers(get("VENDOR_TEST_USERS")));
  return c;
}

}  // namespace vendor_sample
