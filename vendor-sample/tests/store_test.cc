#include "vendor-sample/store/store.h"

#include <gtest/gtest.h>

namespace vendor_sample::store {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*Store::Open(":memory:"));
    ASSERT_TRUE(store_->CreateSignup(MakeSignup("s1", "sub-1")).ok());
    ASSERT_TRUE(store_->CreateSignup(MakeSignup("s2", "sub-1")).ok());
    ASSERT_TRUE(store_->CreateSignup(MakeSignup("s3", "sub-3")).ok());
  }

  static Signup MakeSignup(const std::string& id, const std::string& sub) {
    Signup s;
    s.id = id;
    s.subscription_id = sub;
    s.resolved_state = "SUBSCRIPTION_PENDING";
    s.created_at_ms = 1000;
    s.expires_at_ms = 10000;
    return s;
  }
  static Account MakeAccount(const std::string& id, const std::string& email) {
    return Account{id, email, "N", "hash", 0};
  }
  RegisterOutcome Register(const std::string& signup, const std::string& account_id,
                           const std::string& email, int64_t now = 2000) {
    return store_->Register(signup, MakeAccount(account_id, email), now)->outcome;
  }

  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, RegistersOnceAndBindsTheSubscription) {
  EXPECT_EQ(Register("s1", "a1", "a@x.io"), RegisterOutcome::kRegistered);
  std::optional<Subscription> sub = *store_->FindSubscription("sub-1");
  ASSERT_TRUE(sub.has_value());
  EXPECT_EQ(sub->account_id, "a1");
  EXPECT_FALSE(sub->approved);
  EXPECT_EQ(Register("s1", "a2", "b@x.io"), RegisterOutcome::kSignupUsed);
  EXPECT_EQ(Register("s2", "a3", "c@x.io"), RegisterOutcome::kSubscriptionBound);
  EXPECT_FALSE(store_->FindAccount("a2")->has_value());
  EXPECT_FALSE(store_->FindAccount("a3")->has_value());
}

TEST_F(StoreTest, TakenEmailLeavesTheSignupUsable) {
  EXPECT_EQ(Register("s1", "a1", "a@x.io"), RegisterOutcome::kRegistered);
  EXPECT_EQ(Register("s3", "a2", "a@x.io"), RegisterOutcome::kEmailTaken);
  EXPECT_FALSE((*store_->FindSignup("s3"))->used);
  EXPECT_EQ(Register("s3", "a2", "b@x.io"), RegisterOutcome::kRegistered);
}

TEST_F(StoreTest, ExpiredAndUnknownSignupsRegisterNothing) {
  EXPECT_EQ(Register("s1", "a1", "a@x.io", 10000), RegisterOutcome::kExpiredSignup);
  EXPECT_EQ(Register("nope", "a1", "a@x.io"), RegisterOutcome::kUnknownSignup);
  EXPECT_TRUE(store_->AllSubscriptions()->empty());
}

TEST_F(StoreTest, OlderObservationsDoNotOverwriteNewerOnes) {
  ASSERT_EQ(Register("s1", "a1", "a@x.io"), RegisterOutcome::kRegistered);
  ASSERT_TRUE(store_->MarkApproved("sub-1", "SUBSCRIPTION_ACTIVE", 5000).ok());
  ASSERT_TRUE(store_->UpdateState("sub-1", "SUBSCRIPTION_PENDING", 4000).ok());
  EXPECT_EQ((*store_->FindSubscription("sub-1"))->state, "SUBSCRIPTION_ACTIVE");
  ASSERT_TRUE(store_->UpdateState("sub-1", "SUBSCRIPTION_CANCELLED", 6000).ok());
  EXPECT_EQ((*store_->FindSubscription("sub-1"))->state, "SUBSCRIPTION_CANCELLED");
}

TEST_F(StoreTest, SessionsExpire) {
  ASSERT_EQ(Register("s1", "a1", "a@x.io"), RegisterOutcome::kRegistered);
  ASSERT_TRUE(store_->CreateSession("h", "a1", 5000).ok());
  EXPECT_EQ(**store_->SessionAccount("h", 4999), "a1");
  EXPECT_FALSE(store_->SessionAccount("h", 5000)->has_value());
  ASSERT_TRUE(store_->DeleteExpired(10000).ok());
  EXPECT_FALSE(store_->FindSignup("s1")->has_value());
}

}  // namespace
}  // namespace vendor_sample::store
