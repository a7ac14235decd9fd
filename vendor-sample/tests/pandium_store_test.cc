// Accounts for Pandium: the stored tier (meta.plan, xti.user_group), seed accounts created only
// when absent, and databases written before accounts had a tier.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <cstdio>

#include "vendor-sample/account/test_users.h"
#include "vendor-sample/base/log.h"
#include "vendor-sample/crypto/password.h"
#include "vendor-sample/store/store.h"

namespace vendor_sample {
namespace {

class PandiumStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogEnabled(false);
    store_ = std::move(*store::Store::Open(":memory:"));
  }
  void TearDown() override { SetLogEnabled(true); }

  ManualClock clock_{1767225600000};
  std::unique_ptr<store::Store> store_;
};

TEST_F(PandiumStoreTest, CreatesAnAccountOnlyWhenAbsent) {
  store::Account a{"id-1", "a@x.test", "a", "hash", 5, "enterprise"};
  EXPECT_TRUE(*store_->CreateAccountIfAbsent(a));
  store::Account again = a;
  again.id = "id-2";
  again.tier = "basic";
  EXPECT_FALSE(*store_->CreateAccountIfAbsent(again));  // same e-mail
  std::optional<store::Account> stored = *store_->FindAccountByEmail("a@x.test");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->id, "id-1");
  EXPECT_EQ(stored->tier, "enterprise");
  EXPECT_FALSE(store_->FindAccount("id-2")->has_value());
}

TEST_F(PandiumStoreTest, SignupAccountsAreBasic) {
  store::Signup s;
  s.id = "s1";
  s.subscription_id = "sub-1";
  s.resolved_state = "SUBSCRIPTION_PENDING";
  s.expires_at_ms = 10000;
  ASSERT_TRUE(store_->CreateSignup(s).ok());
  store::Account a;
  a.id = "a1";
  a.email = "b@x.test";
  a.name = "B";
  a.password_hash = "h";
  ASSERT_EQ(store_->Register("s1", a, 2000)->outcome, store::RegisterOutcome::kRegistered);
  EXPECT_EQ((*store_->FindAccount("a1"))->tier, "basic");
}

TEST_F(PandiumStoreTest, SeedsTestUsersOnceWithHashedPasswords) {
  const std::vector<account::TestUser> users = {{"alice@example.test", "pw-alice", "enterprise"},
                                                {"bob@example.test", "pw-bob", "basic"}};
  ASSERT_TRUE(account::SeedTestUsers(store_.get(), users, 1000, &clock_).ok());
  std::optional<store::Account> alice = *store_->FindAccountByEmail("alice@example.test");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(alice->tier, "enterprise");
  EXPECT_EQ(alice->created_at_ms, 1767225600000);
  EXPECT_EQ(alice->password_hash.rfind("pbkdf2-sha256$1000$", 0), 0u);
  EXPECT_EQ(alice->password_hash.find("pw-alice"), std::string::npos);
  EXPECT_TRUE(crypto::VerifyPassword("pw-alice", alice->password_hash));
  std::optional<store::Account> bob = *store_->FindAccountByEmail("bob@example.test");
  ASSERT_TRUE(bob);
  EXPECT_NE(bob->id, alice->id);

  // Seeding again (a restart) changes nothing, even with other passwords and tiers.
  ASSERT_TRUE(account::SeedTestUsers(store_.get(), {{"alice@example.test", "other", "basic"}}, 1000,
                                     &clock_)
                  .ok());
  std::optional<store::Account> after = *store_->FindAccountByEmail("alice@example.test");
  EXPECT_EQ(after->id, alice->id);
  EXPECT_EQ(after->tier, "enterprise");
  EXPECT_EQ(after->password_hash, alice->password_hash);
}

TEST_F(PandiumStoreTest, MigratesADatabaseWithoutTiers) {
  const std::string path = ::testing::TempDir() + "vendor_sample_pandium_migrate.db";
  std::remove(path.c_str());
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(
        "CREATE TABLE accounts (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT "
        "NULL, password_hash TEXT NOT NULL, created_at_ms INTEGER NOT NULL);"
        "INSERT INTO accounts VALUES ('old-1', 'old@x.test', 'Old', 'h', 1);");
  }
  for (int i = 0; i < 2; ++i) {  // the second open finds the column
    StatusOr<std::unique_ptr<store::Store>> store = store::Store::Open(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::optional<store::Account> old = *(*store)->FindAccount("old-1");
    ASSERT_TRUE(old);
    EXPECT_EQ(old->tier, "basic");
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}

}  // namespace
}  // namespace vendor_sample
