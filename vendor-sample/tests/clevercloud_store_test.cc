// The Clever Cloud part of the store: idempotent provisioning, plan changes, deprovisioning that
// ends the resource's sessions.
#include <gtest/gtest.h>

#include "vendor-sample/store/store.h"

namespace vendor_sample::store {
namespace {

CleverResource Resource(const std::string& id, const std::string& addon_id,
                        const std::string& plan = "basic") {
  CleverResource r;
  r.id = id;
  r.addon_id = addon_id;
  r.plan = plan;
  r.token = "secret-" + id;
  r.status = kCleverActive;
  r.created_at_ms = r.updated_at_ms = 1000;
  return r;
}

class ClevercloudStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = std::move(*Store::Open(":memory:")); }
  std::unique_ptr<Store> store_;
};

TEST_F(ClevercloudStoreTest, ProvisionIsIdempotentOnAddonId) {
  StatusOr<CleverProvision> first = store_->ProvisionCleverResource(Resource("vs-1", "addon_1"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->created);
  StatusOr<CleverProvision> replay =
      store_->ProvisionCleverResource(Resource("vs-2", "addon_1", "premium"));
  ASSERT_TRUE(replay.ok());
  EXPECT_FALSE(replay->created);
  EXPECT_EQ(replay->resource.id, "vs-1");
  EXPECT_EQ(replay->resource.plan, "basic");
  EXPECT_EQ(replay->resource.token, "secret-vs-1");
  EXPECT_FALSE(store_->FindCleverResource("vs-2")->has_value());
  StatusOr<CleverProvision> other = store_->ProvisionCleverResource(Resource("vs-3", "addon_3"));
  EXPECT_TRUE(other->created);
}

TEST_F(ClevercloudStoreTest, PlanChanges) {
  ASSERT_TRUE(store_->ProvisionCleverResource(Resource("vs-1", "addon_1")).ok());
  EXPECT_EQ(*store_->ChangeCleverPlan("vs-1", "basic", 2000), CleverChange::kUnchanged);
  EXPECT_EQ(*store_->ChangeCleverPlan("vs-1", "premium", 2000), CleverChange::kDone);
  EXPECT_EQ((*store_->FindCleverResource("vs-1"))->plan, "premium");
  EXPECT_EQ((*store_->FindCleverResource("vs-1"))->updated_at_ms, 2000);
  EXPECT_EQ(*store_->ChangeCleverPlan("nope", "premium", 2000), CleverChange::kUnknown);
  ASSERT_EQ(*store_->DeprovisionCleverResource("vs-1", 3000), CleverChange::kDone);
  EXPECT_EQ(*store_->ChangeCleverPlan("vs-1", "basic", 4000), CleverChange::kDeprovisioned);
  EXPECT_EQ((*store_->FindCleverResource("vs-1"))->plan, "premium");
}

TEST_F(ClevercloudStoreTest, DeprovisionEndsOnlyThatResourcesSessions) {
  ASSERT_TRUE(store_->ProvisionCleverResource(Resource("vs-1", "addon_1")).ok());
  ASSERT_TRUE(store_->ProvisionCleverResource(Resource("vs-2", "addon_2")).ok());
  ASSERT_TRUE(store_->CreateCleverSession("h1", {"vs-1", "user_1", "a@x.io", 10000}).ok());
  ASSERT_TRUE(store_->CreateCleverSession("h2", {"vs-2", "user_1", "a@x.io", 10000}).ok());
  EXPECT_EQ((*store_->FindCleverSession("h1", 5000))->resource_id, "vs-1");

  EXPECT_EQ(*store_->DeprovisionCleverResource("vs-1", 6000), CleverChange::kDone);
  EXPECT_EQ((*store_->FindCleverResource("vs-1"))->status, kCleverDeprovisioned);
  EXPECT_FALSE(store_->FindCleverSession("h1", 6000)->has_value());
  EXPECT_TRUE(store_->FindCleverSession("h2", 6000)->has_value());
  EXPECT_EQ(*store_->DeprovisionCleverResource("vs-1", 7000), CleverChange::kDeprovisioned);
  EXPECT_EQ(*store_->DeprovisionCleverResource("nope", 7000), CleverChange::kUnknown);

  // A deprovisioned addon_id is not provisioned again.
  StatusOr<CleverProvision> again = store_->ProvisionCleverResource(Resource("vs-9", "addon_1"));
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->resource.status, kCleverDeprovisioned);
}

TEST_F(ClevercloudStoreTest, SessionsExpire) {
  ASSERT_TRUE(store_->ProvisionCleverResource(Resource("vs-1", "addon_1")).ok());
  ASSERT_TRUE(store_->CreateCleverSession("h", {"vs-1", "user_1", "a@x.io", 5000}).ok());
  EXPECT_TRUE(store_->FindCleverSession("h", 4999)->has_value());
  EXPECT_FALSE(store_->FindCleverSession("h", 5000)->has_value());
  ASSERT_TRUE(store_->DeleteExpired(5000).ok());
  ASSERT_TRUE(store_->DeleteCleverSession("h").ok());
  EXPECT_FALSE(store_->CreateCleverSession("x", {"no-such-resource", "u", "e", 5000}).ok());
}

}  // namespace
}  // namespace vendor_sample::store
