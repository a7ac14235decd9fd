// vendor-sample's configuration: environment variables, each also accepted as a command-line flag
// (`VENDOR_LISTEN` is `--listen`, `STACKIT_KEYS_URL` is `--stackit-keys-url`; a flag wins over the
// environment). `vendor-sample --help` prints the table.
#ifndef VENDOR_SAMPLE_APP_CONFIG_H_
#define VENDOR_SAMPLE_APP_CONFIG_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "vendor-sample/account/test_users.h"
#include "vendor-sample/base/bugs.h"
#include "vendor-sample/base/status.h"

namespace vendor_sample {

struct Config {
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;  // 0: pick a free port
  std::string public_url;  // empty: the listen URL, known once bound; never ends in '/'
  std::string db_path = ":memory:";

  std::string stackit_keys_url;   // the ONLY source of redirect-token keys
  std::string stackit_issuer;     // exact expected "iss"; defaults to stackit_keys_url
  std::string stackit_api_url;    // base of /v1/vendors/projects/...; never ends in '/'
  std::string stackit_token_url;  // empty: the key file's credentials.tokenEndpoint
  std::string stackit_project_id;
  std::string stackit_service_account_key_path;

  // Clever Cloud: on when clevercloud_manifest_path is set.
  std::string clevercloud_manifest_path;  // the add-on manifest JSON
  std::string clevercloud_api_url;        // base of the add-on infos API (".../v2"); never ends in
                                          // '/'; empty: dashboards show no owner info
  int64_t clevercloud_sso_max_age_s = 300;  // oldest accepted SSO timestamp
  int64_t clevercloud_sso_max_skew_s = 60;  // how far in the future an SSO timestamp may be

  // Pandium: on when pandium_account is set.
  std::string pandium_account;                     // the In-App Marketplace account name
  std::string pandium_entry_url;                   // tokens go to <this>?tenant=<jwt>, only here
  std::string pandium_secret;                      // the shared HS256 secret, raw bytes; never
                                                   // printed, logged or put in an error
  std::vector<std::string> pandium_allowed_hosts;  // hosts tokens may go to; default: the entry's

  std::vector<account::TestUser> test_users;  // VENDOR_TEST_USERS, created at start if absent

  int64_t poll_interval_ms = 2000;
  int64_t keys_refetch_cooldown_ms = 1000;
  int64_t keys_max_age_ms = 600 * 1000;  // cached keys.json is re-read after this (revocation)
  int64_t clock_leeway_s = 60;
  int64_t http_timeout_ms = 5000;  // connect and read timeout of every outbound call
  int pbkdf2_iterations = 600000;  // OWASP 2023 for PBKDF2-HMAC-SHA256

  Bugs bugs;

  // A vendor may integrate with one marketplace only: STACKIT is optional when Clever Cloud or
  // Pandium is set.
  bool stackit_enabled() const { return !stackit_keys_url.empty(); }
  bool clevercloud_enabled() const { return !clevercloud_manifest_path.empty(); }
  bool pandium_enabled() const { return !pandium_account.empty(); }
};

struct Setting {
  const char* env;  // e.g. "VENDOR_LISTEN"
  const char* meaning;
  const char* fallback;  // shown in --help; nullptr = required
};

// Every setting, in --help order.
const std::vector<Setting>& Settings();

// The flag spelling of an environment variable: VENDOR_POLL_INTERVAL_MS -> --poll-interval-ms,
// STACKIT_KEYS_URL -> --stackit-keys-url.
std::string FlagFor(const std::string& env);

// Looks a variable up; returns false when unset.
using EnvLookup = std::function<bool(const std::string& name, std::string* value)>;

// Reads every setting from `args` (flags, `--name=value` or `--name value`; args[0] is not the
// program name) over `env`. Errors are InvalidArgument naming the variable, e.g.
// "STACKIT_KEYS_URL is required (the URL of STACKIT's keys.json)". The STACKIT settings are
// required unless CLEVERCLOUD_MANIFEST or PANDIUM_ACCOUNT is set and no STACKIT setting is; then
// STACKIT is off. PANDIUM_SECRET is required with PANDIUM_ACCOUNT, and no PANDIUM_* setting is
// accepted without it. No error message repeats PANDIUM_SECRET or a VENDOR_TEST_USERS password.
StatusOr<Config> LoadConfig(const EnvLookup& env, const std::vector<std::string>& args);

// Reads the process environment.
EnvLookup ProcessEnv();

// The --help text.
std::string UsageText();

}  // namespace vendor_sample

#endif  // VENDOR_SAMPLE_APP_CONFIG_H_
