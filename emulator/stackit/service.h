// The STACKIT marketplace's behaviour, free of HTTP: subscriptions and their lifecycle, redirect
// tokens, the vendor API's operations, and the service-account token endpoint. Handlers in
// api.cc and control_api.cc translate requests into these calls.
//
// Time: lifecycle deadlines (the pending TTL) run on the marketplace clock; tokens handed to the
// vendor and credentials it presents use the wall clock (see core/clock.h).
#ifndef MPEMU_EMULATOR_STACKIT_SERVICE_H_
#define MPEMU_EMULATOR_STACKIT_SERVICE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/control/marketplace.h"
#include "emulator/http/message.h"
#include "emulator/stackit/config.h"
#include "emulator/stackit/keyring.h"
#include "emulator/stackit/subscription.h"

namespace mpemu::stackit {

inline constexpr char kKeysPath[] = "/v1/resolve-customer/keys.json";
inline constexpr char kSubscriptionKind[] = "stackit.subscription";

struct SubscribeRequest {
  std::string product_id;           // default: the first product
  std::string consumer_project_id;  // default: random
  std::string organization_id;      // default: random
  std::string subscription_id;      // default: random
};

struct Subscribed {
  Subscription subscription;
  std::string token;
  std::string redirect_url;
};

// Changes to a redirect token, for scenarios and `mpemu stackit token`. Claims and header members
// set to null are removed; others replace or add.
struct TokenOverrides {
  nlohmann::json claims = nlohmann::json::object();
  nlohmann::json header = nlohmann::json::object();
  std::string kid;                     // sign with this key (any held key); default: the signer
  std::optional<int64_t> iat_offset_s;  // iat = wall now + offset
  std::optional<int64_t> ttl_s;         // exp = iat + ttl
};

struct ListRequest {
  std::string cursor;
  std::optional<std::string> limit;  // raw text, validated
  std::string product_id;
  bool include_expired = false;
};

class Service {
 public:
  Service(Config config, control::Environment env);
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  Status Initialize();
  Status Reset(bool keys);

  const Config& config() const { return config_; }
  const control::Environment& env() const { return env_; }
  std::string KeysUrl() const;
  std::string Issuer() const;  // what redirect tokens carry in "iss"
  const Product* FindProduct(const std::string& product_id) const;

  // --- the customer ---
  StatusOr<Subscribed> Subscribe(const SubscribeRequest& request);
  StatusOr<std::string> MintRedirectToken(const std::string& subscription_id,
                                          const TokenOverrides& overrides);
  std::string RedirectUrl(const std::string& token) const;

  // --- the vendor API; `project` is the path's project, already authorized for the caller ---
  StatusOr<nlohmann::json> ResolveCustomer(const std::string& project, const std::string& token);
  StatusOr<nlohmann::json> GetSubscription(const std::string& project, const std::string& id);
  StatusOr<nlohmann::json> ListSubscriptions(const std::string& project, const ListRequest& request);
  // FailedPrecondition when not pending (the API maps it to the configured status).
  Status Approve(const std::string& project, const std::string& id,
                 const std::optional<std::string>& instance_target);
  Status Reject(const std::string& project, const std::string& id);

  // --- authentication ---
  // The vendor project an "Authorization: Bearer ..." value may act on; Unauthenticated otherwise.
  StatusOr<std::string> AuthenticateBearer(const std::string& authorization) const;
  // The token endpoint (form fields of POST /token).
  StatusOr<nlohmann::json> TokenGrant(const http::Params& form);

  // --- control ---
  StatusOr<Subscription> Find(const std::string& id);  // TTL applied
  StatusOr<std::vector<Subscription>> All();
  StatusOr<Subscription> SetState(const std::string& id, const std::string& state,
                                  const std::string& reason);
  // Applies the pending TTL to every pending subscription now due. Returns how many changed.
  StatusOr<int> ExpireDue();
  KeyRing& redirect_keys() { return redirect_keys_; }
  // The service account key JSON, as STACKIT's portal hands it out (with the private key when
  // mpemu generated it).
  StatusOr<nlohmann::json> ServiceAccountKey(const std::string& id_or_email) const;
  // An access token for a service account, as the token endpoint would issue (for scripts).
  StatusOr<nlohmann::json> IssueTokens(const ServiceAccount& sa);

 private:
  const ServiceAccount* FindServiceAccountByKid(const std::string& kid) const;
  StatusOr<Subscription> LoadForProject(const std::string& project, const std::string& id);
  StatusOr<std::string> SignInternal(const nlohmann::ordered_json& claims) const;

  Config config_;
  control::Environment env_;
  KeyRing redirect_keys_;   // published in keys.json
  KeyRing internal_keys_;   // signs access and refresh tokens
  KeyRing sa_keys_;         // generated service-account keys, by their kid
};

}  // namespace mpemu::stackit

#endif  // MPEMU_EMULATOR_STACKIT_SERVICE_H_
