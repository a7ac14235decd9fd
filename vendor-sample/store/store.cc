#include "vendor-sample/store/store.h"

#include <SQLiteCpp/SQLiteCpp.h>

namespace vendor_sample::store {
namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS accounts (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  tier TEXT NOT NULL DEFAULT 'basic'
);
CREATE TABLE IF NOT EXISTS stackit_subscriptions (
  subscription_id TEXT NOT NULL UNIQUE,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  state TEXT NOT NULL,
  approved INTEGER NOT NULL DEFAULT 0,
  state_seen_at_ms INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  approve_failed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS signups (
  id TEXT PRIMARY KEY,
  subscription_id TEXT NOT NULL,
  resolved_state TEXT NOT NULL,
  approved_on_landing INTEGER NOT NULL DEFAULT 0,
  used INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  expires_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS clevercloud_resources (
  id TEXT PRIMARY KEY,
  addon_id TEXT NOT NULL UNIQUE,
  plan TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  owner_name TEXT NOT NULL,
  user_id TEXT NOT NULL,
  region TEXT NOT NULL,
  callback_url TEXT NOT NULL,
  token TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'deprovisioned')),
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS clevercloud_sessions (
  token_hash TEXT PRIMARY KEY,
  resource_id TEXT NOT NULL REFERENCES clevercloud_resources(id),
  user_id TEXT NOT NULL,
  email TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL
);
)sql";

// SQLiteCpp reports failures by exception; this is the one place they become a Status.
template <typename F>
auto Guard(const char* what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return InternalError(std::string("database: ") + what + ": " + e.what());
  }
}

Account ReadAccount(SQLite::Statement& q) {
  return Account{q.getColumn(0).getString(), q.getColumn(1).getString(),
                 q.getColumn(2).getString(), q.getColumn(3).getString(),
                 q.getColumn(4).getInt64(),  q.getColumn(5).getString()};
}

constexpr char kAccountColumns[] = "id, email, name, password_hash, created_at_ms, tier";

void InsertAccount(SQLite::Database& db, const Account& account, const char* on_conflict) {
  SQLite::Statement q(db, std::string("INSERT INTO accounts (id, email, name, password_hash, "
                                      "created_at_ms, tier) VALUES (?, ?, ?, ?, ?, ?)") +
                              on_conflict);
  q.bind(1, account.id);
  q.bind(2, account.email);
  q.bind(3, account.name);
  q.bind(4, account.password_hash);
  q.bind(5, account.created_at_ms);
  q.bind(6, account.tier);
  q.exec();
}

// Databases written before accounts had a tier get the column, every account "basic".
void MigrateAccountsTier(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT 1 FROM pragma_table_info('accounts') WHERE name = 'tier'");
  if (q.executeStep()) return;
  db.exec("ALTER TABLE accounts ADD COLUMN tier TEXT NOT NULL DEFAULT 'basic'");
}

Subscription ReadSubscription(SQLite::Statement& q) {
  return Subscription{q.getColumn(0).getString(),  q.getColumn(1).getString(),
                      q.getColumn(2).getString(),  q.getColumn(3).getInt() != 0,
                      q.getColumn(4).getInt64(),   q.getColumn(5).getInt64(),
                      q.getColumn(6).getInt() != 0};
}

constexpr char kSubscriptionColumns[] =
    "subscription_id, account_id, state, approved, state_seen_at_ms, created_at_ms, "
    "approve_failed";

Signup ReadSignup(SQLite::Statement& q) {
  return Signup{q.getColumn(0).getString(),   q.getColumn(1).getString(),
                q.getColumn(2).getString(),   q.getColumn(3).getInt() != 0,
                q.getColumn(4).getInt() != 0, q.getColumn(5).getInt64(),
                q.getColumn(6).getInt64()};
}

constexpr char kCleverColumns[] =
    "id, addon_id, plan, owner_id, owner_name, user_id, region, callback_url, token, status, "
    "created_at_ms, updated_at_ms";

CleverResource ReadCleverResource(SQLite::Statement& q) {
  CleverResource r;
  r.id = q.getColumn(0).getString();
  r.addon_id = q.getColumn(1).getString();
  r.plan = q.getColumn(2).getString();
  r.owner_id = q.getColumn(3).getString();
  r.owner_name = q.getColumn(4).getString();
  r.user_id = q.getColumn(5).getString();
  r.region = q.getColumn(6).getString();
  r.callback_url = q.getColumn(7).getString();
  r.token = q.getColumn(8).getString();
  r.status = q.getColumn(9).getString();
  r.created_at_ms = q.getColumn(10).getInt64();
  r.updated_at_ms = q.getColumn(11).getInt64();
  return r;
}

std::optional<CleverResource> FindCleverLocked(SQLite::Database& db, const char* column,
                                               const std::string& value) {
  SQLite::Statement q(db, std::string("SELECT ") + kCleverColumns +
                              " FROM clevercloud_resources WHERE " + column + " = ?");
  q.bind(1, value);
  if (!q.executeStep()) return std::nullopt;
  return ReadCleverResource(q);
}

std::optional<Signup> FindSignupLocked(SQLite::Database& db, const std::string& id) {
  SQLite::Statement q(db,
                      "SELECT id, subscription_id, resolved_state, approved_on_landing, used, "
                      "created_at_ms, expires_at_ms FROM signups WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return ReadSignup(q);
}

}  // namespace

StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  return Guard("open", [&]() -> StatusOr<std::unique_ptr<Store>> {
    auto db = std::make_unique<SQLite::Database>(
        path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
    db->exec("PRAGMA foreign_keys = ON");
    db->exec("PRAGMA busy_timeout = 5000");
    if (path != ":memory:") db->exec("PRAGMA journal_mode = WAL");
    db->exec(kSchema);
    MigrateAccountsTier(*db);
    return std::unique_ptr<Store>(new Store(std::move(db)));
  });
}

Store::Store(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}
Store::~Store() = default;

Status Store::CreateSignup(const Signup& s) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("create signup", [&]() -> Status {
    SQLite::Statement q(*db_,
                        "INSERT INTO signups (id, subscription_id, resolved_state, "
                        "approved_on_landing, used, created_at_ms, expires_at_ms) "
                        "VALUES (?, ?, ?, ?, 0, ?, ?)");
    q.bind(1, s.id);
    q.bind(2, s.subscription_id);
    q.bind(3, s.resolved_state);
    q.bind(4, s.approved_on_landing ? 1 : 0);
    q.bind(5, s.created_at_ms);
    q.bind(6, s.expires_at_ms);
    q.exec();
    return Status::Ok();
  });
}

StatusOr<std::optional<Signup>> Store::FindSignup(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("find signup",
               [&]() -> StatusOr<std::optional<Signup>> { return FindSignupLocked(*db_, id); });
}

StatusOr<RegisterResult> Store::Register(const std::string& signup_id, Account account,
                                         int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("register", [&]() -> StatusOr<RegisterResult> {
    RegisterResult result;
    SQLite::Transaction tx(*db_);  // rolls back unless committed
    std::optional<Signup> signup = FindSignupLocked(*db_, signup_id);
    if (!signup) return result;
    result.signup = *signup;
    if (signup->used) {
      result.outcome = RegisterOutcome::kSignupUsed;
      return result;
    }
    if (now_ms >= signup->expires_at_ms) {
      result.outcome = RegisterOutcome::kExpiredSignup;
      return result;
    }
    {
      SQLite::Statement q(*db_, "SELECT 1 FROM stackit_subscriptions WHERE subscription_id = ?");
      q.bind(1, signup->subscription_id);
      if (q.executeStep()) {
        result.outcome = RegisterOutcome::kSubscriptionBound;
        return result;
      }
    }
    {
      SQLite::Statement q(*db_, "SELECT 1 FROM accounts WHERE email = ?");
      q.bind(1, account.email);
      if (q.executeStep()) {
        result.outcome = RegisterOutcome::kEmailTaken;
        return result;
      }
    }
    account.created_at_ms = now_ms;
    InsertAccount(*db_, account, "");
    SQLite::Statement bind(*db_,
                           "INSERT INTO stackit_subscriptions (subscription_id, account_id, state, "
                           "approved, state_seen_at_ms, created_at_ms) VALUES (?, ?, ?, 0, ?, ?)");
    bind.bind(1, signup->subscription_id);
    bind.bind(2, account.id);
    bind.bind(3, signup->resolved_state);
    bind.bind(4, signup->created_at_ms);
    bind.bind(5, now_ms);
    bind.exec();
    SQLite::Statement use(*db_, "UPDATE signups SET used = 1 WHERE id = ? AND used = 0");
    use.bind(1, signup_id);
    if (use.exec() != 1) return InternalError("database: register: signup claimed twice");
    tx.commit();
    result.outcome = RegisterOutcome::kRegistered;
    result.account = std::move(account);
    return result;
  });
}

Status Store::MarkApproved(const std::string& subscription_id, const std::string& state,
                           int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("mark approved", [&]() -> Status {
    SQLite::Statement q(*db_,
                        "UPDATE stackit_subscriptions SET approved = 1, approve_failed = 0, "
                        "state = ?, state_seen_at_ms = ? WHERE subscription_id = ?");
    q.bind(1, state);
    q.bind(2, now_ms);
    q.bind(3, subscription_id);
    q.exec();
    return Status::Ok();
  });
}

Status Store::MarkApproveFailed(const std::string& subscription_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("mark approve failed", [&]() -> Status {
    SQLite::Statement q(*db_,
                        "UPDATE stackit_subscriptions SET approve_failed = 1 "
                        "WHERE subscription_id = ? AND approved = 0");
    q.bind(1, subscription_id);
    q.exec();
    return Status::Ok();
  });
}

Status Store::UpdateState(const std::string& subscription_id, const std::string& state,
                          int64_t seen_at_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("update state", [&]() -> Status {
    SQLite::Statement q(*db_,
                        "UPDATE stackit_subscriptions SET state = ?, state_seen_at_ms = ? "
                        "WHERE subscription_id = ? AND state_seen_at_ms <= ?");
    q.bind(1, state);
    q.bind(2, seen_at_ms);
    q.bind(3, subscription_id);
    q.bind(4, seen_at_ms);
    q.exec();
    return Status::Ok();
  });
}

StatusOr<std::optional<Subscription>> Store::FindSubscription(const std::string& subscription_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("find subscription", [&]() -> StatusOr<std::optional<Subscription>> {
    SQLite::Statement q(*db_, std::string("SELECT ") + kSubscriptionColumns +
                                  " FROM stackit_subscriptions WHERE subscription_id = ?");
    q.bind(1, subscription_id);
    if (!q.executeStep()) return std::optional<Subscription>();
    return std::optional<Subscription>(ReadSubscription(q));
  });
}

StatusOr<std::vector<Subscription>> Store::SubscriptionsOf(const std::string& account_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("list subscriptions", [&]() -> StatusOr<std::vector<Subscription>> {
    SQLite::Statement q(*db_, std::string("SELECT ") + kSubscriptionColumns +
                                  " FROM stackit_subscriptions WHERE account_id = ? "
                                  "ORDER BY created_at_ms");
    q.bind(1, account_id);
    std::vector<Subscription> out;
    while (q.executeStep()) out.push_back(ReadSubscription(q));
    return out;
  });
}

StatusOr<std::vector<Subscription>> Store::AllSubscriptions() {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("list subscriptions", [&]() -> StatusOr<std::vector<Subscription>> {
    SQLite::Statement q(*db_, std::string("SELECT ") + kSubscriptionColumns +
                                  " FROM stackit_subscriptions ORDER BY created_at_ms");
    std::vector<Subscription> out;
    while (q.executeStep()) out.push_back(ReadSubscription(q));
    return out;
  });
}

StatusOr<std::optional<Account>> Store::FindAccount(const std::string& account_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("find account", [&]() -> StatusOr<std::optional<Account>> {
    SQLite::Statement q(*db_,
                        std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE id = ?");
    q.bind(1, account_id);
    if (!q.executeStep()) return std::optional<Account>();
    return std::optional<Account>(ReadAccount(q));
  });
}

StatusOr<std::optional<Account>> Store::FindAccountByEmail(const std::string& email) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("find account", [&]() -> StatusOr<std::optional<Account>> {
    SQLite::Statement q(
        *db_, std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE email = ?");
    q.bind(1, email);
    if (!q.executeStep()) return std::optional<Account>();
    return std::optional<Account>(ReadAccount(q));
  });
}

StatusOr<bool> Store::CreateAccountIfAbsent(const Account& account) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("create account", [&]() -> StatusOr<bool> {
    InsertAccount(*db_, account, " ON CONFLICT DO NOTHING");
    return db_->getChanges() == 1;
  });
}

Status Store::CreateSession(const std::string& token_hash, const std::string& account_id,
                            int64_t expires_at_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("create session", [&]() -> Status {
    SQLite::Statement q(*db_,
                        "INSERT INTO sessions (token_hash, account_id, expires_at_ms) "
                        "VALUES (?, ?, ?)");
    q.bind(1, token_hash);
    q.bind(2, account_id);
    q.bind(3, expires_at_ms);
    q.exec();
    return Status::Ok();
  });
}

StatusOr<std::optional<std::string>> Store::SessionAccount(const std::string& token_hash,
                                                           int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("find session", [&]() -> StatusOr<std::optional<std::string>> {
    SQLite::Statement q(*db_,
                        "SELECT account_id FROM sessions WHERE token_hash = ? AND "
                        "expires_at_ms > ?");
    q.bind(1, token_hash);
    q.bind(2, now_ms);
    if (!q.executeStep()) return std::optional<std::string>();
    return std::optional<std::string>(q.getColumn(0).getString());
  });
}

Status Store::DeleteSession(const std::string& token_hash) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("delete session", [&]() -> Status {
    SQLite::Statement q(*db_, "DELETE FROM sessions WHERE token_hash = ?");
    q.bind(1, token_hash);
    q.exec();
    return Status::Ok();
  });
}

StatusOr<CleverProvision> Store::ProvisionCleverResource(const CleverResource& r) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("provision clevercloud resource", [&]() -> StatusOr<CleverProvision> {
    // The UNIQUE addon_id makes a concurrent replay insert nothing instead of a second resource.
    SQLite::Statement q(*db_,
                        "INSERT INTO clevercloud_resources (id, addon_id, plan, owner_id, "
                        "owner_name, user_id, region, callback_url, token, status, created_at_ms, "
                        "updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (addon_id) DO NOTHING");
    q.bind(1, r.id);
    q.bind(2, r.addon_id);
    q.bind(3, r.plan);
    q.bind(4, r.owner_id);
    q.bind(5, r.owner_name);
    q.bind(6, r.user_id);
    q.bind(7, r.region);
    q.bind(8, r.callback_url);
    q.bind(9, r.token);
    q.bind(10, r.status);
    q.bind(11, r.created_at_ms);
    q.bind(12, r.updated_at_ms);
    CleverProvision out;
    out.created = q.exec() == 1;
    std::optional<CleverResource> stored = FindCleverLocked(*db_, "addon_id", r.addon_id);
    if (!stored) return InternalError("database: provision: resource vanished");
    out.resource = std::move(*stored);
    return out;
  });
}

StatusOr<std::optional<CleverResource>> Store::FindCleverResource(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("find clevercloud resource", [&]() -> StatusOr<std::optional<CleverResource>> {
    return FindCleverLocked(*db_, "id", id);
  });
}

StatusOr<CleverChange> Store::ChangeCleverPlan(const std::string& id, const std::string& plan,
                                               int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("change clevercloud plan", [&]() -> StatusOr<CleverChange> {
    SQLite::Transaction tx(*db_);
    std::optional<CleverResource> r = FindCleverLocked(*db_, "id", id);
    if (!r) return CleverChange::kUnknown;
    if (r->status != kCleverActive) return CleverChange::kDeprovisioned;
    if (r->plan == plan) return CleverChange::kUnchanged;
    SQLite::Statement q(
        *db_, "UPDATE clevercloud_resources SET plan = ?, updated_at_ms = ? WHERE id = ?");
    q.bind(1, plan);
    q.bind(2, now_ms);
    q.bind(3, id);
    q.exec();
    tx.commit();
    return CleverChange::kDone;
  });
}

StatusOr<CleverChange> Store::DeprovisionCleverResource(const std::string& id, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("deprovision clevercloud resource", [&]() -> StatusOr<CleverChange> {
    SQLite::Transaction tx(*db_);
    std::optional<CleverResource> r = FindCleverLocked(*db_, "id", id);
    if (!r) return CleverChange::kUnknown;
    if (r->status != kCleverActive) return CleverChange::kDeprovisioned;
    SQLite::Statement q(*db_,
                        "UPDATE clevercloud_resources SET status = ?, updated_at_ms = ? "
                        "WHERE id = ?");
    q.bind(1, kCleverDeprovisioned);
    q.bind(2, now_ms);
    q.bind(3, id);
    q.exec();
    SQLite::Statement sessions(*db_, "DELETE FROM clevercloud_sessions WHERE resource_id = ?");
    sessions.bind(1, id);
    sessions.exec();
    tx.commit();
    return CleverChange::kDone;
  });
}

Status Store::CreateCleverSession(const std::string& token_hash, const CleverSession& session) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("create clevercloud session", [&]() -> Status {
    SQLite::Statement q(*db_,
                        "INSERT INTO clevercloud_sessions (token_hash, resource_id, user_id, "
                        "email, expires_at_ms) VALUES (?, ?, ?, ?, ?)");
    q.bind(1, token_hash);
    q.bind(2, session.resource_id);
    q.bind(3, session.user_id);
    q.bind(4, session.email);
    q.bind(5, session.expires_at_ms);
    q.exec();
    return Status::Ok();
  });
}

StatusOr<std::optional<CleverSession>> Store::FindCleverSession(const std::string& token_hash,
                                                                int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("find clevercloud session", [&]() -> StatusOr<std::optional<CleverSession>> {
    SQLite::Statement q(*db_,
                        "SELECT resource_id, user_id, email, expires_at_ms FROM "
                        "clevercloud_sessions WHERE token_hash = ? AND expires_at_ms > ?");
    q.bind(1, token_hash);
    q.bind(2, now_ms);
    if (!q.executeStep()) return std::optional<CleverSession>();
    return std::optional<CleverSession>(
        CleverSession{q.getColumn(0).getString(), q.getColumn(1).getString(),
                      q.getColumn(2).getString(), q.getColumn(3).getInt64()});
  });
}

Status Store::DeleteCleverSession(const std::string& token_hash) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("delete clevercloud session", [&]() -> Status {
    SQLite::Statement q(*db_, "DELETE FROM clevercloud_sessions WHERE token_hash = ?");
    q.bind(1, token_hash);
    q.exec();
    return Status::Ok();
  });
}

Status Store::DeleteExpired(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  return Guard("delete expired", [&]() -> Status {
    for (const char* sql : {"DELETE FROM signups WHERE expires_at_ms <= ?",
                            "DELETE FROM sessions WHERE expires_at_ms <= ?",
                            "DELETE FROM clevercloud_sessions WHERE expires_at_ms <= ?"}) {
      SQLite::Statement q(*db_, sql);
      q.bind(1, now_ms);
      q.exec();
    }
    return Status::Ok();
  });
}

}  // namespace vendor_sample::store
