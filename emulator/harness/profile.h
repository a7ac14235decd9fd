// A vendor profile: everything the harness needs to know about a vendor under test, in any
// language. Templates ({{ ... }}) in it are expanded against the run's variables: emulator.url,
// stackit.* (the emulator's effective STACKIT configuration: keysUrl, issuer, apiUrl, tokenUrl,
// projectId, ...), vendor.port, vendor.url, files.* (files the harness wrote for the vendor, such
// as files.stackitServiceAccountKey), paths.bin (the folder of the mpemu executable) and
// paths.profile (the folder of the profile file).
//
//   name: vendor-sample
//   emulatorConfig: mpemu.yaml                     # optional, relative to this file
//   realHostnames: true                            # optional: the vendor uses production URLs
//   url: "http://127.0.0.1:{{ vendor.port }}"     # the vendor's base URL
//   start:                                          # optional; without it the vendor must be up
//     command: ["{{ paths.bin }}/vendor-sample/vendor-sample"]
//     env: {STACKIT_KEYS_URL: "{{ stackit.keysUrl }}", ...}
//     ready: {path: /healthz, timeout: 15s}
//     files:                                        # optional: config files written from templates
//       config: {path: vendor.ini, content: "keys_url = {{ stackit.keysUrl }}\n"}
//   stackit:
//     signupPath: /stackit/signup                   # where STACKIT sends the customer
//     signup:                                       # how a customer completes the vendor's form
//       fields: {email: "{{ customer.email }}", password: "{{ customer.password }}"}
//     observe:                                      # optional: the vendor's view of a subscription
//       path: "/api/stackit/subscriptions/{{ subscription }}"
//       state: state                                # dotted path of the lifecycle state
//     keysRefetchCooldown: 100ms                    # the vendor's keys.json re-fetch rate limit
//     projectId: 5d1f...                            # the vendor's own project id, if it has one
//   clevercloud:
//     manifest: addon-manifest.json                 # the add-on manifest (templated)
//     sessionCookie: session                        # the vendor's session cookie name
//     observe: {path: "/api/resources/{{ resource }}", status: status}
//   pandium:
//     users: [{email: a@example.test, password: pw1}, {email: b@example.test, password: pw2}]
//     login: {path: /login, fields: {email: "{{ user.email }}", password: "{{ user.password }}"}}
//     ssoPath: /integrations/pandium/sso            # mints the tenant JWT and redirects
//     integrationsPath: /integrations               # the page with the iframe
#ifndef MPEMU_EMULATOR_HARNESS_PROFILE_H_
#define MPEMU_EMULATOR_HARNESS_PROFILE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emulator/core/status.h"

namespace mpemu::harness {

// A file the harness writes before starting the vendor (a configuration file in the vendor's own
// format, say), from a template; its absolute path is {{ files.<name> }}.
struct VendorFile {
  std::string path;     // relative to the run's work folder
  std::string content;  // templated
};

struct VendorStart {
  std::vector<std::string> command;          // argv, templated
  std::map<std::string, std::string> env;    // added to the harness's environment, templated
  std::map<std::string, VendorFile> files;   // written before start
  std::string cwd;                           // default: the profile's folder
  std::string ready_path = "/";              // GET must answer 2xx
  int64_t ready_timeout_ms = 15000;
};

struct StackitProfile {
  std::string signup_path = "/stackit/signup";
  std::string token_param = "x-stackit-marketplace-token";
  std::map<std::string, std::string> signup_fields;  // form fields the customer fills, templated
  std::string signup_form_action;                    // which form to submit; default: the first
  std::string observe_path;                          // templated with {{ subscription }}; optional
  std::string observe_state = "state";
  // How long the vendor waits between two re-fetches of keys.json (its documented rate limit);
  // rotate_keys waits this long so that a correct rate-limited vendor may fetch the new key.
  int64_t keys_refetch_cooldown_ms = 0;
  // The vendor's STACKIT project, when its configuration has one already (the emulator's default
  // vendor project takes this id).
  std::string project_id;
};

struct CleverCloudProfile {
  // The add-on manifest (relative to the profile), with templates ({{ vendor.url }}); the harness
  // expands it, gives it to the emulator and writes it to {{ files.clevercloudManifest }}.
  std::string manifest;
  std::string session_cookie;  // the vendor's session cookie name (SSO fixation checks)
  std::string observe_path;    // templated with {{ resource }} (the vendor's id); optional
  std::string observe_status = "status";
};

struct PandiumUser {
  std::string email;
  std::string password;
};

struct PandiumProfile {
  std::string account;                  // the emulator account (default: the first configured)
  std::string login_path = "/login";    // a form POST that opens a session
  std::map<std::string, std::string> login_fields = {{"email", "{{ user.email }}"},
                                                     {"password", "{{ user.password }}"}};
  std::vector<PandiumUser> users;       // test users the vendor knows (two or more)
  std::string sso_path;                 // the vendor endpoint that mints the JWT and redirects
  std::string integrations_path;        // the page embedding the marketplace (optional)
};

struct VendorProfile {
  std::string name;
  std::string file;  // where it was loaded from
  std::string dir;   // its folder
  std::string url;   // templated
  std::optional<VendorStart> start;
  std::optional<StackitProfile> stackit;
  std::optional<CleverCloudProfile> clevercloud;
  std::optional<PandiumProfile> pandium;
  // An emulator configuration file (relative to the profile) for products, TTLs, fidelity switches.
  std::string emulator_config;
  // The marketplaces the vendor implements: scenarios of others are skipped.
  std::vector<std::string> marketplaces;
  // The vendor's code uses the marketplaces' production URLs: the harness starts the proxy, gives
  // the vendor HTTPS_PROXY / HTTP_PROXY / NO_PROXY and the CA (REQUESTS_CA_BUNDLE, SSL_CERT_FILE,
  // CURL_CA_BUNDLE, NODE_EXTRA_CA_CERTS), signs redirect tokens with the production issuer, and
  // stackit.keysUrl, stackit.apiUrl, stackit.tokenUrl, clevercloud.apiUrl and pandium.entryUrl
  // name the production hosts.
  bool real_hostnames = false;
};

StatusOr<VendorProfile> LoadProfile(const std::string& path);
StatusOr<VendorProfile> ParseProfileText(const std::string& text, const std::string& name);

}  // namespace mpemu::harness

#endif  // MPEMU_EMULATOR_HARNESS_PROFILE_H_
