// Pandium's side of the In-App Marketplace SSO, free of HTTP: the vendor's backend mints an HS256
// JWT with the shared secret and sends the customer's browser to `/pandium/<account>?tenant=<jwt>`;
// Pandium verifies the token, finds or creates the tenant (the vendor's user, by `sub`) and shows
// the marketplace. Here the vendor is the one under test, so the verifier is strict: it is the
// judge of what the vendor minted (security-catalog.md section 3, B-* and BV-*).
//
// State lives in the shared store, partitioned by account: seen jti values (kind "pandium.jti", id
// "<account>/<jti>"), tenants (kind "pandium.tenant", id "<account>/<sub>") and the marketplace
// page's sessions (kind "pandium.session", id the session token). A rotated secret (RotateSecret)
// is kept as store meta "pandium.secret.<account>" so that it survives a restart on a state file.
//
// Time: iat and exp are checked against the wall clock (the vendor's real time); tenants are dated
// with the marketplace clock (core/clock.h).
//
// Thread-safety: every method may be called concurrently, except that the Account a FindAccount
// pointer shows (and config()) must not be read while RotateSecret replaces its secret.
#ifndef MPEMU_EMULATOR_PANDIUM_SERVICE_H_
#define MPEMU_EMULATOR_PANDIUM_SERVICE_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/control/marketplace.h"
#include "emulator/pandium/config.h"

namespace mpemu::pandium {

inline constexpr char kJtiKind[] = "pandium.jti";
inline constexpr char kTenantKind[] = "pandium.tenant";
inline constexpr char kSessionKind[] = "pandium.session";
// How long a marketplace page session lasts (marketplace clock).
inline constexpr int64_t kSessionTtlMillis = 8LL * 3600 * 1000;

// Why a token was rejected, as TokenCheck::code, and the HTTP status the entry page answers.
inline constexpr char kUnknownAccount[] = "unknown_account";  // 404
inline constexpr char kMissingToken[] = "missing_token";      // 400: no ?tenant=
inline constexpr char kMalformed[] = "malformed";             // 400: not a strict compact JWS
// 401: the header is not {"alg":"HS256","typ":"JWT"}.
inline constexpr char kUnsupportedHeader[] = "unsupported_header";
inline constexpr char kBadSignature[] = "bad_signature";    // 401
inline constexpr char kInvalidClaims[] = "invalid_claims";  // 401: sub, iat, jti, claim types
inline constexpr char kExpired[] = "expired";               // 401: exp passed, iat too old
inline constexpr char kNotYetValid[] = "not_yet_valid";     // 401: iat in the future, nbf
inline constexpr char kReplayed[] = "replayed";             // 401: jti seen before
// ("internal", 500: the store failed.)

// The verdict on one tenant token.
struct TokenCheck {
  bool ok = false;
  std::string code;    // empty when ok; otherwise one of the constants above
  std::string reason;  // why it was rejected, for the error page and the harness; never a secret
  // As decoded (null when the token did not decode), whether or not it verified.
  nlohmann::json header, claims;
  // The tenant's identity and data, when ok.
  std::string sub, jti, external_id;
  nlohmann::json meta, tenant_info;  // null when absent

  // The HTTP status the entry page answers with: 200 when ok, else 400, 401, 404 (or 500).
  int HttpStatus() const;
  // {ok, code, reason, header, claims}, plus {sub, jti, externalId, meta, tenantInfo} when ok.
  nlohmann::json ToJson() const;
};

struct Tenant {
  std::string account, sub, external_id;
  nlohmann::json meta, tenant_info;       // from the latest token (null when it had none)
  std::vector<std::string> installed;     // integration ids, in installation order
  int64_t first_seen = 0, last_seen = 0;  // marketplace clock, ms

  // {account, sub, externalId, meta, tenantInfo, installed, firstSeen, lastSeen (RFC 3339),
  //  firstSeenMillis, lastSeenMillis}; the store keeps this shape.
  nlohmann::json ToJson() const;
  static StatusOr<Tenant> FromJson(const nlohmann::json& j);
};

// The JWS signature layer alone, Verify's step 4 without any JSON: `token` has exactly three
// segments, the third strict base64url and equal, in constant time, to
// HMAC-SHA256(secret, first "." second) with `secret` used as raw bytes. For the verifier's
// self-tests against JWS vectors whose payload is not a claims set (Wycheproof hs256).
bool Hs256SignatureMatches(std::string_view token, std::string_view secret);

// A browser's session on the marketplace page, opened by a verified entry and bound to one
// account and tenant. `csrf` must come back with every form post.
struct Session {
  std::string id;  // the cookie value: 64 hex digits (244 random bits) from the id generator
  std::string account, sub, csrf;
  int64_t created = 0;  // marketplace clock, ms

  nlohmann::json ToJson() const;  // {id, account, sub, csrf, createdMillis}
};

class Service {
 public:
  Service(Config config, control::Environment env);
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Loads rotated secrets from the store.
  Status Initialize();
  // Forgets tenants, seen jti values and sessions, and restores the configured secrets.
  Status Reset();

  // The configuration, with the current (possibly rotated) secrets.
  const Config& config() const { return config_; }
  // A copy of config(), taken under the lock RotateSecret takes: safe at any time.
  Config Snapshot() const;
  const control::Environment& env() const { return env_; }
  // The account, or nullptr. The pointer stays valid for the service's life; its secret is the
  // current one.
  const Account* FindAccount(const std::string& name) const;
  // The account's current secret; "" for an unknown account.
  std::string Secret(const std::string& account) const;
  // Replaces an account's secret at once: tokens signed with the old one are rejected from now on
  // (security catalogue B-15). NotFound; InvalidArgument per ValidateSecret.
  Status RotateSecret(const std::string& account, const std::string& secret);

  // Verifies a tenant token for `account`, in this order (the first failure is the verdict):
  //  1. the account exists (kUnknownAccount) and a token was given (kMissingToken);
  //  2. strict compact JWS (kMalformed): three segments, base64url without padding or '+' '/',
  //     header and payload JSON objects without duplicate member names;
  //  3. the header's alg is exactly "HS256" and typ exactly "JWT" (other members tolerated, but no
  //     "crit") (kUnsupportedHeader);
  //  4. HMAC-SHA256 over the received first two segments with the account's raw secret, compared
  //     in constant time, so an appended or truncated MAC fails (kBadSignature);
  //  5. claims (kInvalidClaims): sub a non-empty string of at most 512 bytes; iat present; iat,
  //     exp and nbf JSON numbers in seconds when present (a value of 1e11 or more is named as
  //     milliseconds); jti a non-empty string of at most 256 bytes (optional unless
  //     require_jti); external_id a string and meta an object when present; "ti" and "xti"
  //     objects when present (the tenant info is "ti", else "xti");
  //  6. time, wall clock: exp, when present, after now (kExpired); nbf, when present, not after
  //     now (kNotYetValid); now - iat_window_s <= iat (kExpired) and iat <= now + iat_window_s
  //     (kNotYetValid);
  //  7. the jti was never accepted before for this account (kReplayed); when `record_jti`, it is
  //     recorded (atomically: of two concurrent entries with one jti, one is a replay).
  // Never throws; a store failure is a rejection with code "internal".
  TokenCheck Verify(const std::string& account, const std::string& token, bool record_jti = true);

  // Creates or updates the tenant of a verified token: external_id, meta and tenant info from the
  // token, last_seen now; installed integrations kept. FailedPrecondition unless check.ok.
  StatusOr<Tenant> Enter(const std::string& account, const TokenCheck& check);
  StatusOr<Tenant> FindTenant(const std::string& account, const std::string& sub);  // NotFound
  // The account's tenants in creation order. NotFound for an unknown account.
  StatusOr<std::vector<Tenant>> Tenants(const std::string& account);
  // Marks an integration of the account's catalogue installed (or not) for a tenant. Idempotent.
  // NotFound for an unknown account, tenant or integration.
  Status Install(const std::string& account, const std::string& sub,
                 const std::string& integration_id);
  Status Uninstall(const std::string& account, const std::string& sub,
                   const std::string& integration_id);

  // A new session for a tenant that entered (Enter) the account.
  StatusOr<Session> OpenSession(const std::string& account, const std::string& sub);
  // The session `id` names, if it exists, belongs to `account` and is younger than
  // kSessionTtlMillis; Unauthenticated otherwise (an empty id included), with a message that
  // never echoes the id.
  StatusOr<Session> FindSession(const std::string& account, const std::string& id);

  // The marketplace entry for an account: emulator base URL + "/pandium/" + account.
  std::string EntryUrl(const std::string& account) const;

  // An HS256 token with the header {"alg":"HS256","typ":"JWT"} and `claims` serialized in their
  // own order, signed with `secret` as given. For tests and the control API's mint.
  static std::string MintForTests(const std::string& secret, const nlohmann::ordered_json& claims);

 private:
  Account* MutableAccount(const std::string& name);
  StatusOr<Tenant> SaveTenant(const std::string& account, const std::string& sub,
                              const std::function<Status(Tenant&)>& change);
  Status SetInstalled(const std::string& account, const std::string& sub,
                      const std::string& integration_id, bool installed);

  const Config configured_;  // as configured, for Reset
  Config config_;            // secrets replaced by RotateSecret (under mu_)
  control::Environment env_;
  mutable std::mutex mu_;  // guards the secrets in config_
};

}  // namespace mpemu::pandium

#endif  // MPEMU_EMULATOR_PANDIUM_SERVICE_H_
