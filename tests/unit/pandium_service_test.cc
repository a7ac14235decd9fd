// pandium::Service beyond the verifier: tenants entered by verified tokens, installations, page
// sessions, secret rotation and reset, all in the store. Sockets are in tests/e2e.
#include <gtest/gtest.h>

#include <memory>

#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/pandium/service.h"
#include "emulator/store/store.h"
#include "tests/support/status_matchers.h"

namespace mpemu::pandium {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

constexpr int64_t kT = 1767225600;
constexpr char kAccount[] = "mpemu-vendor";

class ServiceTest : public ::testing::Test {
 protected:
  ServiceTest() : wall_(kT * 1000), clock_(&wall_), ids_(5), store_(store::NewMemoryStore()) {
    service_ = Make();
  }

  std::unique_ptr<Service> Make() {
    Config config = DefaultConfig();
    Account other = config.accounts[0];
    other.name = "other";
    other.secret = "other-secret-other-secret-other-secret";
    config.accounts.push_back(other);
    control::Environment env;
    env.clock = &clock_;
    env.wall_clock = &wall_;
    env.ids = &ids_;
    env.store = store_.get();
    env.base_url = [] { return std::string("http://127.0.0.1:8900"); };
    auto s = std::make_unique<Service>(std::move(config), env);
    EXPECT_OK(s->Initialize());
    return s;
  }

  // A verified token for `sub` (its jti is used up).
  TokenCheck Check(const std::string& sub, ojson extra = ojson::object(),
                   const std::string& account = kAccount) {
    ojson claims = {{"iat", kT}, {"jti", "j" + std::to_string(++jti_)}, {"sub", sub}};
    for (const auto& [k, v] : extra.items()) claims[k] = v;
    const TokenCheck c =
        service_->Verify(account, Service::MintForTests(service_->Secret(account), claims));
    EXPECT_TRUE(c.ok) << c.reason;
    return c;
  }

  ManualClock wall_;
  VirtualClock clock_;
  SeededIdGenerator ids_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Service> service_;
  int jti_ = 0;
};

TEST_F(ServiceTest, EnterCreatesThenRefreshesTheTenant) {
  StatusOr<Tenant> t =
      service_->Enter(kAccount, Check("u1", {{"external_id", "e1"}, {"ti", {{"ufn", "Una"}}}}));
  ASSERT_OK(t);
  EXPECT_EQ(t->account, kAccount);
  EXPECT_EQ(t->sub, "u1");
  EXPECT_EQ(t->external_id, "e1");
  EXPECT_EQ(t->tenant_info, json({{"ufn", "Una"}}));
  EXPECT_EQ(t->first_seen, kT * 1000);
  EXPECT_THAT(t->installed, IsEmpty());
  ASSERT_OK(service_->Install(kAccount, "u1", "hubspot"));

  clock_.AdvanceMillis(5000);
  t = service_->Enter(kAccount, Check("u1", {{"meta", {{"k", 1}}}}));
  ASSERT_OK(t);
  EXPECT_EQ(t->first_seen, kT * 1000);
  EXPECT_EQ(t->last_seen, kT * 1000 + 5000);
  EXPECT_EQ(t->external_id, "");  // the latest token's view
  EXPECT_TRUE(t->tenant_info.is_null());
  EXPECT_EQ(t->meta, json({{"k", 1}}));
  EXPECT_THAT(t->installed, ElementsAre("hubspot"));  // kept
  const json j = t->ToJson();
  EXPECT_EQ(j["firstSeen"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(j["installed"], json::array({"hubspot"}));
}

TEST_F(ServiceTest, EnterNeedsAnAcceptedToken) {
  TokenCheck rejected;
  rejected.code = kBadSignature;
  rejected.reason = "signature does not verify";
  EXPECT_THAT(service_->Enter(kAccount, rejected),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("signature")));
}

TEST_F(ServiceTest, TenantsAreListedPerAccountInCreationOrder) {
  ASSERT_OK(service_->Enter(kAccount, Check("b")).status());
  ASSERT_OK(service_->Enter(kAccount, Check("a")).status());
  ASSERT_OK(service_->Enter("other", Check("c", ojson::object(), "other")).status());
  ASSERT_OK(service_->Enter(kAccount, Check("b")).status());  // again: no duplicate
  StatusOr<std::vector<Tenant>> all = service_->Tenants(kAccount);
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].sub, "b");
  EXPECT_EQ((*all)[1].sub, "a");
  EXPECT_EQ(service_->Tenants("other")->size(), 1u);
  EXPECT_THAT(service_->Tenants("nobody"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(service_->FindTenant(kAccount, "c"), StatusIs(StatusCode::kNotFound));
}

TEST_F(ServiceTest, InstallAndUninstallAreIdempotent) {
  ASSERT_OK(service_->Enter(kAccount, Check("u1")).status());
  ASSERT_OK(service_->Install(kAccount, "u1", "shopify"));
  ASSERT_OK(service_->Install(kAccount, "u1", "salesforce"));
  ASSERT_OK(service_->Install(kAccount, "u1", "shopify"));
  EXPECT_THAT(service_->FindTenant(kAccount, "u1")->installed,
              ElementsAre("shopify", "salesforce"));
  ASSERT_OK(service_->Uninstall(kAccount, "u1", "shopify"));
  ASSERT_OK(service_->Uninstall(kAccount, "u1", "shopify"));
  EXPECT_THAT(service_->FindTenant(kAccount, "u1")->installed, ElementsAre("salesforce"));
}

TEST_F(ServiceTest, InstallChecksAccountTenantAndCatalogue) {
  ASSERT_OK(service_->Enter(kAccount, Check("u1")).status());
  EXPECT_THAT(service_->Install(kAccount, "u1", "sap"),
              StatusIs(StatusCode::kNotFound, HasSubstr("catalogue")));
  EXPECT_THAT(service_->Install(kAccount, "u2", "shopify"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(service_->Install("nobody", "u1", "shopify"), StatusIs(StatusCode::kNotFound));
  // The tenant of one account is not a tenant of another.
  EXPECT_THAT(service_->Install("other", "u1", "shopify"), StatusIs(StatusCode::kNotFound));
}

TEST_F(ServiceTest, SessionsAreBoundToAccountAndExpire) {
  ASSERT_OK(service_->Enter(kAccount, Check("u1")).status());
  StatusOr<Session> s = service_->OpenSession(kAccount, "u1");
  ASSERT_OK(s);
  EXPECT_EQ(s->id.size(), 64u);
  EXPECT_EQ(s->csrf.size(), 64u);
  EXPECT_NE(s->id, s->csrf);
  StatusOr<Session> found = service_->FindSession(kAccount, s->id);
  ASSERT_OK(found);
  EXPECT_EQ(found->sub, "u1");
  EXPECT_EQ(found->csrf, s->csrf);
  EXPECT_THAT(service_->FindSession("other", s->id), StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(service_->FindSession(kAccount, ""), StatusIs(StatusCode::kUnauthenticated));
  StatusOr<Session> unknown = service_->FindSession(kAccount, "f00");
  EXPECT_THAT(unknown, StatusIs(StatusCode::kUnauthenticated, HasSubstr("unknown")));
  EXPECT_THAT(unknown.status().message(), ::testing::Not(HasSubstr("f00")));
  clock_.AdvanceMillis(kSessionTtlMillis + 1);
  EXPECT_THAT(service_->FindSession(kAccount, s->id),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("expired")));
  EXPECT_THAT(service_->OpenSession(kAccount, "nobody"), StatusIs(StatusCode::kNotFound));
}

TEST_F(ServiceTest, RotationIsValidatedPersistedAndUndoneByReset) {
  const std::string configured = service_->Secret(kAccount);
  EXPECT_THAT(service_->RotateSecret(kAccount, "short"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(service_->RotateSecret("nobody", std::string(40, 'n')),
              StatusIs(StatusCode::kNotFound));
  const std::string rotated(40, 'r');
  ASSERT_OK(service_->RotateSecret(kAccount, rotated));
  EXPECT_EQ(service_->Secret(kAccount), rotated);
  EXPECT_EQ(service_->Snapshot().accounts[0].secret, rotated);
  EXPECT_EQ(service_->Secret("other"), "other-secret-other-secret-other-secret");

  // A restart on the same store keeps the rotation.
  std::unique_ptr<Service> restarted = Make();
  EXPECT_EQ(restarted->Secret(kAccount), rotated);

  ASSERT_OK(service_->Enter(kAccount, Check("u1")).status());
  ASSERT_OK(service_->Reset());
  EXPECT_EQ(service_->Secret(kAccount), configured);
  EXPECT_THAT(*service_->Tenants(kAccount), IsEmpty());
  EXPECT_EQ(*store_->Count(kJtiKind), 0);
  EXPECT_EQ(Make()->Secret(kAccount), configured);
}

TEST_F(ServiceTest, ResetForgetsSeenJtis) {
  const std::string token = Service::MintForTests(service_->Secret(kAccount),
                                                  {{"iat", kT}, {"jti", "once"}, {"sub", "u1"}});
  EXPECT_TRUE(service_->Verify(kAccount, token).ok);
  EXPECT_EQ(service_->Verify(kAccount, token).code, kReplayed);
  ASSERT_OK(service_->Reset());
  EXPECT_TRUE(service_->Verify(kAccount, token).ok);
}

TEST_F(ServiceTest, EntryUrlIsUnderTheEmulatorBase) {
  EXPECT_EQ(service_->EntryUrl(kAccount), "http://127.0.0.1:8900/pandium/mpemu-vendor");
  ASSERT_NE(service_->FindAccount("other"), nullptr);
  EXPECT_EQ(service_->FindAccount("nobody"), nullptr);
  EXPECT_EQ(service_->Secret("nobody"), "");
}

}  // namespace
}  // namespace mpemu::pandium
