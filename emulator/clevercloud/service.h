// Clever Cloud's side of the add-on protocol, free of server-side HTTP: it provisions,
// deprovisions, changes plans and builds SSO forms by calling the vendor under test (through
// http::Client), keeps the add-ons in the store (kind "clevercloud.addon"), and answers the add-on
// infos API that api.cc serves. Handlers in api.cc and control_api.cc, and the harness, call it.
//
// Calls to the vendor never fail as a Status when the vendor misbehaves: whatever came back (any
// status, any body, or a transport failure in VendorReply::error) is the result, for the caller to
// judge. A Status error means the emulator could not make the call at all (unknown add-on, wrong
// state, unknown plan). Every call made is in the journal: direction "outbound", service
// "clevercloud.vendor", route "clevercloud.provision" / ".deprovision" / ".plan-change" / ".sso";
// a transport failure is journaled with status 0 and the error text as the reply body.
//
// Time: add-ons are dated with the marketplace clock; SSO timestamps use the wall clock, because
// the vendor checks them against its real clock (core/clock.h).
//
// Thread-safety: all methods may be called concurrently (the vendor calls the infos API back while
// a provisioning call is in flight); state lives in the store.
#ifndef MPEMU_EMULATOR_CLEVERCLOUD_SERVICE_H_
#define MPEMU_EMULATOR_CLEVERCLOUD_SERVICE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emulator/clevercloud/config.h"
#include "emulator/clevercloud/manifest.h"
#include "emulator/control/marketplace.h"
#include "emulator/http/message.h"

namespace mpemu::clevercloud {

inline constexpr char kAddonKind[] = "clevercloud.addon";
inline constexpr char kVendorService[] = "clevercloud.vendor";

// Add-on states.
inline constexpr char kProvisioning[] = "provisioning";  // the provisioning call is in flight
inline constexpr char kActive[] = "active";              // the vendor answered 2xx with an id
inline constexpr char kFailed[] = "failed";              // anything else; it never existed
inline constexpr char kDeprovisioned[] = "deprovisioned";

// One call to the vendor and what came back.
struct VendorReply {
  std::string method, url;
  std::string request_body;
  http::Headers
      request_headers;  // as set by the emulator (the transport adds Host, Content-Length)
  int status = 0;       // 0: no reply (see error)
  http::Headers headers;
  std::string body;
  std::optional<nlohmann::json> json;  // the body, when it is JSON
  double duration_ms = 0;
  std::string error;  // transport failure (refused, timeout, bad URL); status is then 0

  bool ok() const { return status >= 200 && status < 300; }
  // {method, url, status, headers (lower-case keys; repeated ones as arrays), body, json (or null),
  //  durationMs, error, request: {headers, body}}
  nlohmann::json ToJson() const;
};

// How a call departs from the protocol, for negative tests.
struct CallOptions {
  // The raw Authorization header value; nullopt = "Basic base64(id:password)"; "" = no header.
  std::optional<std::string> authorization;
  std::vector<std::string> extra_authorization;  // further Authorization headers (duplicates)
  std::optional<std::string> body;               // raw body replacing the JSON one
  std::optional<std::string> content_type;       // replaces application/json
  // Merged into the JSON body (RFC 7386: null removes a field; objects merge recursively).
  nlohmann::json merge = nlohmann::json::object();
  // Replaces "/{vendor id}" in deprovision and plan-change URLs, e.g. "/..%2Fother" (sent as is).
  std::string path_suffix_override;
};

struct ProvisionRequest {
  std::string plan;    // a configured plan slug; default: the first plan
  std::string region;  // default: the configured region ("EU")
  nlohmann::json options = nlohmann::json::object();  // sent as "options"
  std::optional<bool> legacy_fields;                  // default: the configured legacyFields
  // Default: a new "addon_" + UUID; an existing one makes a replay. [A-Za-z0-9_.-]{1,128}.
  std::string addon_id;
  std::string name;  // the add-on's name in the infos API; default "<manifest name> instance"
  CallOptions call;
};

struct Addon {
  std::string addon_id;   // Clever's id (the emulator's)
  std::string vendor_id;  // the vendor's "id" from the provisioning reply
  std::string name;
  std::string plan, region, owner_id, owner_name, owner_email, user_id, user_email;
  std::string status;  // kProvisioning | kActive | kFailed | kDeprovisioned
  std::string callback_url;
  // Only keys listed in the manifest's config_vars, values as the vendor sent them.
  nlohmann::json config = nlohmann::json::object();
  nlohmann::json options = nlohmann::json::object();
  std::string message;     // the vendor's "message", or why provisioning failed
  int64_t created_at = 0;  // marketplace clock, ms

  // camelCase, as the control API shows it and the store keeps it.
  nlohmann::json ToJson() const;
  static StatusOr<Addon> FromJson(const nlohmann::json& j);
};

struct Provisioned {
  VendorReply reply;
  // Set when the vendor answered 2xx with a JSON object holding a non-empty "id" (a string, or
  // other JSON kept as its dump): the stored, now active add-on. For a replay, the stored add-on
  // as it was (a replay changes nothing stored).
  std::optional<Addon> addon;
  std::string addon_id;  // always set: the add-on the call was for
  bool replay = false;   // addon_id named an existing add-on
};

// Departures from a correct SSO form (security-catalog.md section 4).
struct SsoOverrides {
  // Field values to replace (nullopt removes the field); fields not in the form are appended.
  std::map<std::string, std::optional<std::string>> fields;
  // true: the signature is computed over the overridden values (the isolation rule: change one
  // property, sign everything else correctly); false: over the original ones, then overridden.
  bool resign = true;
  int64_t timestamp_offset_ms = 0;  // added to the wall clock's now
  std::string timestamp_unit;       // "ms" | "s"; empty: the configured unit
  std::optional<std::string> salt;  // sign with this salt instead of the manifest's
  bool legacy_token = false;        // add token = sha1(id:salt:timestamp) (the pre-2025 scheme)
  std::optional<std::string> signature;  // replaces the computed signature
};

struct SsoForm {
  std::string url;
  std::vector<std::pair<std::string, std::string>> fields;  // in order, decoded
  std::string signing_input;                                // what was hashed (contains the salt)

  std::string Body() const;  // application/x-www-form-urlencoded
  // {url, fields: [[name, value]...], body, signingInput}
  nlohmann::json ToJson() const;
};

class Service {
 public:
  // A manifest ParseManifest rejects makes Initialize (and every call) fail with its error.
  Service(Config config, control::Environment env);
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // The manifest's parse error, if any.
  Status Initialize();
  // Forgets every add-on.
  Status Reset();

  const Config& config() const { return config_; }
  const Manifest& manifest() const { return manifest_; }
  const control::Environment& env() const { return env_; }
  // The manifest's base_url / sso_url for the configured mode (production or test).
  std::string BaseUrl() const;
  std::string SsoUrl() const;
  // The emulator's infos-API URL for an add-on (what provisioning sends as callback_url).
  std::string CallbackUrl(const std::string& addon_id) const;
  // "Basic " + base64(manifest id + ":" + password).
  std::string BasicAuthorization() const;

  // --- calls to the vendor ---
  // POST {base_url} {addon_id, owner_id, owner_name, user_id, plan, region, callback_url, options}
  // (+ heroku_id, logplex_token when legacy). The add-on is stored as provisioning before the call
  // and becomes active or failed after it. InvalidArgument for an unknown plan, options that are
  // not an object, or a malformed addon_id.
  StatusOr<Provisioned> Provision(const ProvisionRequest& request);
  // DELETE {base_url}/{vendor id}, no body; deprovisioned on 2xx. May be repeated. NotFound for an
  // unknown add-on, FailedPrecondition while provisioning or after a failed provisioning.
  StatusOr<VendorReply> Deprovision(const std::string& addon_id, const CallOptions& call = {});
  // {planChangeMethod} {base_url}{planChangePath} {"addon_id", "plan"}; on 2xx the plan (and any
  // returned config) is stored. InvalidArgument for an unknown plan; FailedPrecondition unless
  // active.
  StatusOr<VendorReply> ChangePlan(const std::string& addon_id, const std::string& plan,
                                   const CallOptions& call = {});
  // The SSO form for an add-on the vendor knows (active or deprovisioned): id, timestamp, nav-data,
  // email, user_id, signature. FailedPrecondition when there is no vendor id; FailedPrecondition
  // when the manifest has no sso_salt and no salt override is given.
  StatusOr<SsoForm> BuildSso(const std::string& addon_id, const SsoOverrides& overrides = {});
  // Posts the form as the customer's browser would (form-encoded, no redirects followed).
  StatusOr<VendorReply> PostSso(const SsoForm& form);

  // --- state ---
  StatusOr<Addon> Find(const std::string& addon_id);  // NotFound
  StatusOr<std::vector<Addon>> All();                 // creation order

  // --- the add-on infos API (api.cc) ---
  // OK when `authorization` is Basic with the manifest's id and password (both compared in
  // constant time); Unauthenticated otherwise, with a message that never echoes credentials.
  Status AuthenticateVendor(const std::string& authorization) const;
  // An add-on the infos API may show. NotFound for unknown, failed and deprovisioned add-ons, and
  // NotFound too while its provisioning call is in flight, with a message saying that the API "is
  // not available during the provisioning call" (Clever's add-on does not exist yet either).
  StatusOr<Addon> FindVisible(const std::string& addon_id);
  // Sets config keys (merged over the current ones; keys outside config_vars are ignored, as on
  // provisioning). InvalidArgument unless `config` is an object of strings.
  StatusOr<Addon> UpdateConfig(const std::string& addon_id, const nlohmann::json& config);

  // signature = lower-case hex sha512(id:user_id:email:nav_data:salt:timestamp).
  static std::string SsoSignature(const std::string& id, const std::string& user_id,
                                  const std::string& email, const std::string& nav_data,
                                  const std::string& salt, const std::string& timestamp);
  // The pre-2025 token = lower-case hex sha1(id:salt:timestamp).
  static std::string LegacySsoToken(const std::string& id, const std::string& salt,
                                    const std::string& timestamp);

 private:
  const Plan* FindPlan(const std::string& slug) const;
  Status CheckPlan(const std::string& slug) const;
  // Sends one request to the vendor and journals it.
  // `json_body` (with call.merge applied) is sent unless call.body replaces it.
  VendorReply Call(const std::string& route, const std::string& method, const std::string& url,
                   const std::optional<nlohmann::ordered_json>& json_body, const CallOptions& call,
                   const std::string& accept = "application/json");
  // Atomic read-modify-write of a stored add-on; an error from `change` writes nothing.
  StatusOr<Addon> Save(const std::string& addon_id, const std::function<Status(Addon&)>& change);
  nlohmann::json FilterConfig(const nlohmann::json& config) const;
  std::string VendorPath(const Addon& addon, const std::string& pattern,
                         const CallOptions& call) const;

  const Config config_;
  control::Environment env_;
  Manifest manifest_;
  Status manifest_status_;
};

}  // namespace mpemu::clevercloud

#endif  // MPEMU_EMULATOR_CLEVERCLOUD_SERVICE_H_
