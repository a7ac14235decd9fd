// vendor-sample's state in SQLite: accounts, the STACKIT subscription each account is bound to,
// pending signups and sessions; Clever Cloud add-on resources and their SSO sessions.
//
// One connection behind one mutex: every method is a short statement or transaction, so this is
// simple and correct for httplib's thread pool plus the poller. Methods return Internal when
// SQLite fails; the message names the operation.
#ifndef VENDOR_SAMPLE_STORE_STORE_H_
#define VENDOR_SAMPLE_STORE_STORE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "vendor-sample/base/status.h"

namespace SQLite {
class Database;
}

namespace vendor_sample::store {

struct Account {
  std::string id;     // random UUID, never changes: what marketplaces are told identifies the user
  std::string email;  // lower case
  std::string name;
  std::string password_hash;  // crypto::HashPassword format
  int64_t created_at_ms = 0;
  std::string tier = "basic";  // the product plan (Pandium's meta.plan and xti.user_group)
};

// A STACKIT subscription bound to an account (the mapping the marketplace docs require before
// approving). subscription_id is UNIQUE: one subscription, one account.
struct Subscription {
  std::string subscription_id;
  std::string account_id;
  std::string state;  // last seen lifecycleState
  bool approved = false;
  int64_t state_seen_at_ms = 0;
  int64_t created_at_ms = 0;
  bool approve_failed = false;  // registration's approve call failed; the poller retries it
};

// A verified landing waiting for its registration form. The id is what the form carries (never the
// token); single use; expires.
struct Signup {
  std::string id;
  std::string subscription_id;  // what registration binds and approves
  std::string resolved_state;   // lifecycleState at landing
  bool approved_on_landing = false;
  bool used = false;
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
};

enum class RegisterOutcome {
  kRegistered,
  kUnknownSignup,
  kExpiredSignup,
  kSignupUsed,         // the form was posted before
  kEmailTaken,         // the signup stays usable with another e-mail
  kSubscriptionBound,  // another signup already registered this subscription
};

struct RegisterResult {
  RegisterOutcome outcome = RegisterOutcome::kUnknownSignup;
  Signup signup;    // set unless kUnknownSignup
  Account account;  // set for kRegistered
};

// A Clever Cloud add-on resource: one provision call. `id` is ours (random) and is what Clever
// Cloud uses in later calls and in SSO; `addon_id` is Clever's and UNIQUE, so a replayed provision
// finds the resource it created.
struct CleverResource {
  std::string id;
  std::string addon_id;
  std::string plan;
  std::string owner_id;  // the optional provision fields, "" when absent
  std::string owner_name;
  std::string user_id;
  std::string region;
  std::string callback_url;  // recorded as received, never fetched
  std::string token;         // the secret handed out as config (the customer's API key)
  std::string status;        // kCleverActive or kCleverDeprovisioned
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

inline constexpr char kCleverActive[] = "active";
inline constexpr char kCleverDeprovisioned[] = "deprovisioned";

struct CleverProvision {
  CleverResource resource;  // the stored one: the existing resource for a replay
  bool created = false;
};

enum class CleverChange {
  kDone,
  kUnchanged,      // plan change to the current plan
  kUnknown,        // no resource with that id
  kDeprovisioned,  // the resource is deprovisioned; nothing changed
};

// A dashboard session opened by Clever Cloud SSO, valid for one resource only.
struct CleverSession {
  std::string resource_id;
  std::string user_id;
  std::string email;
  int64_t expires_at_ms = 0;
};

class Store {
 public:
  // Opens (creating if needed) the database at `path` (":memory:" for a private in-memory one).
  static StatusOr<std::unique_ptr<Store>> Open(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Status CreateSignup(const Signup& signup);
  StatusOr<std::optional<Signup>> FindSignup(const std::string& id);

  // In one transaction: claims the signup (single use), creates the account (unique e-mail) and
  // binds the signup's subscription to it (unique subscription). Nothing changes unless the
  // outcome is kRegistered.
  StatusOr<RegisterResult> Register(const std::string& signup_id, Account account, int64_t now_ms);

  // Records a successful approve call.
  Status MarkApproved(const std::string& subscription_id, const std::string& state, int64_t now_ms);
  // Records that registration's approve call failed (so the poller may retry it).
  Status MarkApproveFailed(const std::string& subscription_id);
  // Records a lifecycleState observed at `seen_at_ms`, unless a newer observation is stored.
  Status UpdateState(const std::string& subscription_id, const std::string& state,
                     int64_t seen_at_ms);

  StatusOr<std::optional<Subscription>> FindSubscription(const std::string& subscription_id);
  StatusOr<std::vector<Subscription>> SubscriptionsOf(const std::string& account_id);
  StatusOr<std::vector<Subscription>> AllSubscriptions();

  StatusOr<std::optional<Account>> FindAccount(const std::string& account_id);
  StatusOr<std::optional<Account>> FindAccountByEmail(const std::string& email);
  // Inserts `account` unless its e-mail (or id) is taken; then changes nothing. True when inserted.
  StatusOr<bool> CreateAccountIfAbsent(const Account& account);

  // Sessions are stored by the SHA-256 of their cookie value.
  Status CreateSession(const std::string& token_hash, const std::string& account_id,
                       int64_t expires_at_ms);
  StatusOr<std::optional<std::string>> SessionAccount(const std::string& token_hash,
                                                      int64_t now_ms);
  Status DeleteSession(const std::string& token_hash);

  // Clever Cloud. Inserts `resource` unless a resource with its addon_id exists (then returns that
  // one, created = false, and changes nothing).
  StatusOr<CleverProvision> ProvisionCleverResource(const CleverResource& resource);
  StatusOr<std::optional<CleverResource>> FindCleverResource(const std::string& id);
  StatusOr<CleverChange> ChangeCleverPlan(const std::string& id, const std::string& plan,
                                          int64_t now_ms);
  // Marks the resource deprovisioned and deletes its SSO sessions, in one transaction.
  StatusOr<CleverChange> DeprovisionCleverResource(const std::string& id, int64_t now_ms);

  // Clever Cloud SSO sessions, stored by the SHA-256 of their cookie value.
  Status CreateCleverSession(const std::string& token_hash, const CleverSession& session);
  StatusOr<std::optional<CleverSession>> FindCleverSession(const std::string& token_hash,
                                                           int64_t now_ms);
  Status DeleteCleverSession(const std::string& token_hash);

  // Drops expired signups and sessions (both kinds).
  Status DeleteExpired(int64_t now_ms);

 private:
  explicit Store(std::unique_ptr<SQLite::Database> db);

  std::mutex mu_;
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace vendor_sample::store

#endif  // VENDOR_SAMPLE_STORE_STORE_H_
