// The STACKIT marketplace's configuration: vendor projects, products, service accounts, the
// vendor's URLs, TTLs and fidelity switches. `DefaultConfig()` makes `mpemu serve` with no
// arguments useful: one vendor project with a static bearer token and a service account, one live
// product and one preview product.
#ifndef MPEMU_EMULATOR_STACKIT_CONFIG_H_
#define MPEMU_EMULATOR_STACKIT_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/status.h"
#include "emulator/core/yaml_reader.h"

namespace mpemu::stackit {

// The real issuer string, which is also the real keys URL. Vendor code often hard-codes it.
inline constexpr char kProductionIssuer[] =
    "https://keys.marketplace.stackit.cloud/v1/resolve-customer/keys.json";
// The audience of service-account assertions in STACKIT's SDK tests.
inline constexpr char kDefaultTokenAudience[] =
    "https://stackit-service-account-prod.apps.01.cf.eu01.stackit.cloud";

struct Product {
  std::string product_id;         // ^[a-z0-9-]{1,20}-[0-9a-f]{8}$
  std::string vendor_project_id;  // the vendor project that owns it
  std::string product_name = "mpemu Test Product";
  std::string vendor_name = "mpemu Test Vendor";
  std::string vendor_website_url = "https://vendor.example";
  std::string delivery_method = "SAAS";
  std::string lifecycle_state = "PRODUCT_LIVE";  // or PRODUCT_PREVIEW (reject allowed)
  std::string price_type = "CONTRACT";
  std::string pricing_plan = "Monthly subscription";
  std::string plan_id;
  std::string vendor_product_id;  // optional
  std::string vendor_plan_id;     // optional
  int64_t pending_ttl_ms = 3600 * 1000;
};

struct ServiceAccount {
  std::string id;                 // the "sub" of its assertions (a UUID)
  std::string email;              // the "iss" of its assertions
  std::string vendor_project_id;  // what its access tokens may act on
  std::string key_id;             // the kid of its key (the key JSON's credentials.kid)
  std::string public_key_pem;     // when empty, mpemu generates the key pair and keeps it
};

struct VendorProject {
  std::string project_id;
  std::vector<std::string> bearer_tokens;  // static tokens accepted for this project
};

struct Config {
  std::vector<VendorProject> vendor_projects;
  std::vector<Product> products;
  std::vector<ServiceAccount> service_accounts;

  // Where the customer's browser is sent after subscribing; the token is appended.
  std::string signup_url = "http://127.0.0.1:8080/stackit/signup";
  std::string login_url;  // empty: the signup URL without token

  // "self" (the emulator's own keys.json URL), "production" (kProductionIssuer) or a URL.
  std::string issuer = "self";
  int64_t redirect_token_ttl_s = 300;
  int64_t access_token_ttl_s = 600;
  int64_t refresh_token_ttl_s = 24 * 3600;
  std::vector<std::string> token_audiences = {kDefaultTokenAudience};

  // Fidelity switches.
  bool latest_states = false;       // SUBSCRIPTION_APPROVAL_TIMED_OUT instead of REJECTED on TTL
  bool null_end_cursor = false;     // "cursor": null instead of "" on the last page
  int approve_non_pending_status = 400;
  int reject_non_preview_status = 400;
};

Config DefaultConfig();

// Reads the `stackit:` section of a configuration file over the defaults. Unknown fields and bad
// values are errors with file:line:col. Cross-references (a product's vendor project) are checked.
StatusOr<Config> ParseConfig(const YamlMap& section);

// Checks the cross-references and formats.
Status Validate(const Config& config);

nlohmann::json ToJson(const Config& config);

}  // namespace mpemu::stackit

#endif  // MPEMU_EMULATOR_STACKIT_CONFIG_H_
