#include "emulator/stackit/subscription.h"

#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace mpemu::stackit {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::HasSubstr;

constexpr int64_t kCreated = 1795548859123;  // 2026-11-24T19:34:19.123Z
constexpr int64_t kTtl = 3600 * 1000;

Subscription Pending() {
  Subscription s;
  s.subscription_id = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
  s.vendor_project_id = "5d1f2c3a-7b4e-4c2d-9e8f-0a1b2c3d4e5f";
  s.product_id = "mpemu-saas-1a2b3c4d";
  s.consumer_project_id = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
  s.organization_id = "cccccccc-cccc-4ccc-8ccc-cccccccccccc";
  s.created_at = kCreated;
  s.pending_ttl_ms = kTtl;
  s.SetState(kPending, kCreated, "subscribed");
  return s;
}

TEST(SubscriptionStatesTest, ClassicAndLatestStates) {
  for (const char* s : {kPending, kActive, kInactive, kCancelling, kCancelled, kRejected}) {
    EXPECT_TRUE(IsKnownState(s, false)) << s;
    EXPECT_TRUE(IsKnownState(s, true)) << s;
  }
  EXPECT_FALSE(IsKnownState(kApprovalTimedOut, false));
  EXPECT_TRUE(IsKnownState(kApprovalTimedOut, true));
  EXPECT_FALSE(IsKnownState("STATE_UNSPECIFIED", false));
  EXPECT_TRUE(IsKnownState("STATE_UNSPECIFIED", true));
  EXPECT_FALSE(IsKnownState("SUBSCRIPTION_active", true));
  EXPECT_FALSE(IsKnownState("", true));
}

TEST(SubscriptionStatesTest, ExpiredStatesAreHiddenFromLists) {
  EXPECT_TRUE(IsExpiredState(kCancelled));
  EXPECT_TRUE(IsExpiredState(kRejected));
  EXPECT_TRUE(IsExpiredState(kApprovalTimedOut));
  EXPECT_FALSE(IsExpiredState(kPending));
  EXPECT_FALSE(IsExpiredState(kActive));
  EXPECT_FALSE(IsExpiredState(kInactive));
  EXPECT_FALSE(IsExpiredState(kCancelling));
}

TEST(SubscriptionTest, StoredJsonRoundTrips) {
  Subscription s = Pending();
  s.instance_target = "https://vendor.example/i/1";
  s.SetState(kActive, kCreated + 5, "approved");
  StatusOr<Subscription> back = Subscription::FromStoredJson(s.ToStoredJson().dump());
  ASSERT_OK(back);
  EXPECT_EQ(back->ToStoredJson(), s.ToStoredJson());
  EXPECT_EQ(back->state, kActive);
  EXPECT_EQ(back->instance_target, "https://vendor.example/i/1");
  ASSERT_EQ(back->history.size(), 2u);
  EXPECT_EQ(back->history[1].state, kActive);
  EXPECT_EQ(back->history[1].at, kCreated + 5);
  EXPECT_EQ(back->history[1].reason, "approved");
}

TEST(SubscriptionTest, UnreadableStoredJsonIsInternal) {
  EXPECT_THAT(Subscription::FromStoredJson("not json"), StatusIs(StatusCode::kInternal));
  EXPECT_THAT(Subscription::FromStoredJson("[]"), StatusIs(StatusCode::kInternal));
  nlohmann::json missing = Pending().ToStoredJson();
  missing.erase("state");
  EXPECT_THAT(Subscription::FromStoredJson(missing.dump()),
              StatusIs(StatusCode::kInternal, HasSubstr("unreadable")));
  nlohmann::json wrong = Pending().ToStoredJson();
  wrong["createdAt"] = "yesterday";
  EXPECT_THAT(Subscription::FromStoredJson(wrong.dump()), StatusIs(StatusCode::kInternal));
}

TEST(SubscriptionTtlTest, StaysPendingUntilTheDeadline) {
  Subscription s = Pending();
  EXPECT_FALSE(s.ApplyTtl(kCreated + kTtl - 1, false));
  EXPECT_EQ(s.state, kPending);
  EXPECT_EQ(s.history.size(), 1u);
}

TEST(SubscriptionTtlTest, ExpiresExactlyAtTheDeadline) {
  Subscription s = Pending();
  EXPECT_TRUE(s.ApplyTtl(kCreated + kTtl, false));
  EXPECT_EQ(s.state, kRejected);
  ASSERT_EQ(s.history.size(), 2u);
  EXPECT_EQ(s.history.back().at, kCreated + kTtl);  // dated at the deadline, not at "now"
  EXPECT_THAT(s.history.back().reason, HasSubstr("3600 s"));
  EXPECT_FALSE(s.ApplyTtl(kCreated + 10 * kTtl, false));  // once only
  EXPECT_EQ(s.history.size(), 2u);
}

TEST(SubscriptionTtlTest, LateExpiryIsStillDatedAtTheDeadline) {
  Subscription s = Pending();
  EXPECT_TRUE(s.ApplyTtl(kCreated + 5 * kTtl, false));
  EXPECT_EQ(s.history.back().at, kCreated + kTtl);
}

TEST(SubscriptionTtlTest, LatestStatesTimeOutInstead) {
  Subscription s = Pending();
  EXPECT_TRUE(s.ApplyTtl(kCreated + kTtl, true));
  EXPECT_EQ(s.state, kApprovalTimedOut);
}

TEST(SubscriptionTtlTest, OnlyPendingSubscriptionsExpire) {
  for (const char* state : {kActive, kInactive, kCancelling, kCancelled, kRejected}) {
    Subscription s = Pending();
    s.SetState(state, kCreated + 1, "moved");
    EXPECT_FALSE(s.ApplyTtl(kCreated + 2 * kTtl, false)) << state;
    EXPECT_EQ(s.state, state);
  }
}

TEST(SubscriptionApiJsonTest, IsTheClassicVendorSubscription) {
  Product p;
  p.product_id = "mpemu-saas-1a2b3c4d";
  p.plan_id = "mpemu-plan-5e6f7a8b";
  Subscription s = Pending();
  const nlohmann::json j = ToApiJson(s, p);
  EXPECT_EQ(j["subscriptionId"], s.subscription_id);
  EXPECT_EQ(j["projectId"], s.consumer_project_id);  // the consumer's project, not the vendor's
  EXPECT_EQ(j["organizationId"], s.organization_id);
  EXPECT_EQ(j["lifecycleState"], "SUBSCRIPTION_PENDING");
  EXPECT_EQ(j["orderedAt"], "2026-11-24T19:34:19Z");
  EXPECT_EQ(j.size(), 6u);
  const nlohmann::json& product = j["product"];
  EXPECT_EQ(product["productId"], "mpemu-saas-1a2b3c4d");
  EXPECT_EQ(product["productName"], "mpemu Test Product");
  EXPECT_EQ(product["vendorName"], "mpemu Test Vendor");
  EXPECT_EQ(product["vendorWebsiteUrl"], "https://vendor.example");
  EXPECT_EQ(product["deliveryMethod"], "SAAS");
  EXPECT_EQ(product["lifecycleState"], "PRODUCT_LIVE");
  EXPECT_EQ(product["priceType"], "CONTRACT");
  EXPECT_EQ(product["pricingPlan"], "Monthly subscription");
  EXPECT_EQ(product["planId"], "mpemu-plan-5e6f7a8b");
  EXPECT_FALSE(product.contains("vendorPlanId"));
  EXPECT_FALSE(product.contains("vendorProductId"));
  EXPECT_FALSE(j.contains("vendorProjectId"));  // internal bookkeeping stays inside

  p.vendor_plan_id = "gold";
  p.vendor_product_id = "widget";
  const nlohmann::json with_ids = ToApiJson(s, p);
  EXPECT_EQ(with_ids["product"]["vendorPlanId"], "gold");
  EXPECT_EQ(with_ids["product"]["vendorProductId"], "widget");
}

}  // namespace
}  // namespace mpemu::stackit
