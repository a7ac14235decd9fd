// clevercloud::Service without a vendor: SSO signatures and forms (against the published vectors),
// Basic authentication of the infos API, stored add-ons, and what happens when the vendor cannot
// be reached. Calls to a live vendor are in tests/e2e/clevercloud_api_test.cc.
#include <gtest/gtest.h>

#include <memory>

#include "emulator/clevercloud/service.h"
#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/crypto/encoding.h"
#include "emulator/http/faults.h"
#include "emulator/journal/journal.h"
#include "emulator/store/store.h"
#include "tests/support/status_matchers.h"

namespace mpemu::clevercloud {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Pair;
using json = nlohmann::json;

// security-catalog.md section 4: the harness baseline vector.
constexpr char kBaselineSalt[] = "harness-sso-salt-0123456789abcdef0123456789";
constexpr char kBaselineId[] = "addon_harness_1";
constexpr char kBaselineUser[] = "user_00000000-0000-4000-8000-000000000001";
constexpr char kBaselineEmail[] = "first.last+tag@example.com";
constexpr int64_t kBaselineMillis = 1767225600000;
constexpr char kBaselineSignature[] =
    "628efd21b8d18c2e9267292c5e2149102dbb19045533278e58b7d4fbfc82db395d40df08738afe0c288c255429be3d"
    "86f55adfb038e32a24bb2b47b795d2633b";

class ServiceTest : public ::testing::Test {
 protected:
  ServiceTest()
      : wall_(kBaselineMillis), clock_(&wall_), ids_(7), store_(store::NewMemoryStore()) {}

  std::unique_ptr<Service> Make(Config config) {
    control::Environment env;
    env.clock = &clock_;
    env.wall_clock = &wall_;
    env.ids = &ids_;
    env.store = store_.get();
    env.journal = &journal_;
    env.faults = &faults_;
    env.base_url = [] { return std::string("http://127.0.0.1:8900"); };
    return std::make_unique<Service>(std::move(config), env);
  }
  // The catalogue's baseline: salt, user and email as configured, vendor id addon_harness_1.
  std::unique_ptr<Service> Baseline() {
    Config c = DefaultConfig();
    c.manifest["api"]["sso_salt"] = kBaselineSalt;
    c.user_id = kBaselineUser;
    c.user_email = kBaselineEmail;
    return Make(c);
  }
  // Stores an add-on directly, as if the vendor had provisioned it.
  void Store(const std::string& addon_id, const std::string& vendor_id, const std::string& status,
             const Config& c) {
    Addon a;
    a.addon_id = addon_id;
    a.vendor_id = vendor_id;
    a.status = status;
    a.plan = "basic";
    a.user_id = c.user_id;
    a.user_email = c.user_email;
    a.owner_id = c.owner_id;
    ASSERT_OK(store_->Insert({kAddonKind, addon_id, "", 0, a.ToJson().dump()}).status());
  }
  std::vector<journal::Entry> Outbound() {
    journal::Filter f;
    f.direction = "outbound";
    return journal_.Query(f);
  }

  ManualClock wall_;
  VirtualClock clock_;
  SeededIdGenerator ids_;
  std::unique_ptr<store::Store> store_;
  journal::Journal journal_;
  http::FaultInjector faults_;
};

TEST(SsoSignatureTest, MatchesTheReferenceVectors) {
  // clevercloud.md 3.7 (computed from Clever's documented formula).
  EXPECT_EQ(Service::SsoSignature("addon_12345", "user_cccdddee-efff-4445-5566-6777888999aa",
                                  "me@my.self", "", "s3cr3t-salt", "1700000000000"),
            "8a1cdb8633c0fd5aacaa6f72ecba85844dff27f09aa8272ad75e32567884afe8cb8e4dba8707586303d4fb"
            "1e4daa79f09392a"
            "6fa1b72b1772aa23b5f01571780");
  // security-catalog.md section 4, the harness baseline.
  EXPECT_EQ(Service::SsoSignature(kBaselineId, kBaselineUser, kBaselineEmail, "", kBaselineSalt,
                                  std::to_string(kBaselineMillis)),
            kBaselineSignature);
}

TEST(SsoSignatureTest, LegacyTokenMatchesTheReferenceVectors) {
  EXPECT_EQ(Service::LegacySsoToken("addon_12345", "s3cr3t-salt", "1700000000000"),
            "58761ec92a06e63082f8fcf51e6c943088fc8604");  // clevercloud.md 3.7
  EXPECT_EQ(Service::LegacySsoToken("1", "SSO_SALT", "1262304000"),
            "b6010f6fbb850887a396c2bc0ab23974003008f6");  // kensa test/sso_test.rb
  EXPECT_EQ(
      Service::LegacySsoToken("123", "2f97bfa52ca102f8874716e2eb1d3b4920ad0be4", "1267597772"),
      "bb466eb1d6bc345d11072c3cd25c311f21be130d");  // Heroku's SSO article
}

TEST_F(ServiceTest, TheSsoFormIsTheCataloguesExactBaselineBody) {
  auto service = Baseline();
  Store("addon_x", kBaselineId, kActive, service->config());
  StatusOr<SsoForm> form = service->BuildSso("addon_x");
  ASSERT_OK(form);
  EXPECT_EQ(form->url, "http://127.0.0.1:8080/clevercloud/sso");
  EXPECT_EQ(form->Body(),
            std::string("id=addon_harness_1&timestamp=1767225600000&nav-data=&email=first.last%"
                        "2Btag%40example.com"
                        "&user_id=user_00000000-0000-4000-8000-000000000001&signature=") +
                kBaselineSignature);
  EXPECT_EQ(form->signing_input, std::string(kBaselineId) + ":" + kBaselineUser + ":" +
                                     kBaselineEmail + "::" + kBaselineSalt + ":1767225600000");
  const json j = form->ToJson();
  EXPECT_EQ(j["fields"][0], json::array({"id", kBaselineId}));
  EXPECT_EQ(j["body"], form->Body());
}

TEST_F(ServiceTest, SsoTimestampsFollowTheWallClockNotTheMarketplaceClock) {
  auto service = Baseline();
  Store("addon_x", kBaselineId, kActive, service->config());
  clock_.AdvanceMillis(3600 * 1000);  // a scenario advanced marketplace time
  wall_.AdvanceMillis(1234);
  StatusOr<SsoForm> form = service->BuildSso("addon_x");
  ASSERT_OK(form);
  EXPECT_THAT(form->fields[1], Pair("timestamp", std::to_string(kBaselineMillis + 1234)));
}

// The isolation rule: one property changes, the signature stays right for what is sent.
TEST_F(ServiceTest, OverridesAreResignedByDefault) {
  auto service = Baseline();
  Store("addon_x", kBaselineId, kActive, service->config());
  SsoOverrides o;
  o.timestamp_offset_ms = -360000;
  o.fields["email"] = "other@example.com";
  StatusOr<SsoForm> form = service->BuildSso("addon_x", o);
  ASSERT_OK(form);
  const std::string ts = std::to_string(kBaselineMillis - 360000);
  EXPECT_THAT(form->fields[1], Pair("timestamp", ts));
  EXPECT_THAT(form->fields[3], Pair("email", "other@example.com"));
  EXPECT_THAT(form->fields[5],
              Pair("signature", Service::SsoSignature(kBaselineId, kBaselineUser,
                                                      "other@example.com", "", kBaselineSalt, ts)));
}

TEST_F(ServiceTest, WithoutResignTheSignatureCoversTheOriginalValues) {
  auto service = Baseline();
  Store("addon_x", kBaselineId, kActive, service->config());
  SsoOverrides o;
  o.resign = false;
  o.fields["email"] = "victim@example.com";  // catalogue C-05-style tamper: identity from email
  o.fields["name"] = "extra";                // unknown fields are appended
  o.fields["nav-data"] = std::nullopt;       // removed
  StatusOr<SsoForm> form = service->BuildSso("addon_x", o);
  ASSERT_OK(form);
  ASSERT_EQ(form->fields.size(), 6u);
  EXPECT_THAT(form->fields[2], Pair("email", "victim@example.com"));
  EXPECT_THAT(form->fields[4], Pair("signature", kBaselineSignature));
  EXPECT_THAT(form->fields[5], Pair("name", "extra"));
}

TEST_F(ServiceTest, SaltUnitLegacyTokenAndSignatureOverrides) {
  auto service = Baseline();
  Store("addon_x", kBaselineId, kActive, service->config());
  SsoOverrides o;
  o.salt = "wrong-salt";
  o.timestamp_unit = "s";
  o.legacy_token = true;
  StatusOr<SsoForm> form = service->BuildSso("addon_x", o);
  ASSERT_OK(form);
  const std::string seconds = std::to_string(kBaselineMillis / 1000);
  EXPECT_THAT(form->fields[1], Pair("timestamp", seconds));
  EXPECT_THAT(form->fields[5],
              Pair("signature", Service::SsoSignature(kBaselineId, kBaselineUser, kBaselineEmail,
                                                      "", "wrong-salt", seconds)));
  EXPECT_THAT(form->fields[6],
              Pair("token", Service::LegacySsoToken(kBaselineId, "wrong-salt", seconds)));

  SsoOverrides flipped;
  flipped.signature = std::string(128, '0');
  form = service->BuildSso("addon_x", flipped);
  ASSERT_OK(form);
  EXPECT_THAT(form->fields[5], Pair("signature", std::string(128, '0')));

  SsoOverrides bad_unit;
  bad_unit.timestamp_unit = "ns";
  EXPECT_THAT(service->BuildSso("addon_x", bad_unit), StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(ServiceTest, SsoNeedsAnAddOnTheVendorKnows) {
  auto service = Baseline();
  Store("addon_failed", "", kFailed, service->config());
  Store("addon_gone", "v-9", kDeprovisioned, service->config());
  EXPECT_THAT(service->BuildSso("addon_nope"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(service->BuildSso("addon_failed"), StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_OK(service->BuildSso("addon_gone"));  // catalogue C-21: a deprovisioned id must be refused
  Config no_salt = DefaultConfig();
  no_salt.manifest["api"].erase("sso_salt");
  auto unsalted = Make(no_salt);
  EXPECT_THAT(unsalted->BuildSso("addon_gone"),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("sso_salt")));
}

TEST_F(ServiceTest, BasicAuthenticationOfTheVendor) {
  auto service = Make(DefaultConfig());
  const std::string id = service->manifest().id;
  const std::string password = service->manifest().password;
  auto basic = [](const std::string& credentials) {
    return "Basic " + crypto::Base64Encode(credentials);
  };
  EXPECT_OK(service->AuthenticateVendor(basic(id + ":" + password)));
  EXPECT_EQ(service->BasicAuthorization(), basic(id + ":" + password));
  EXPECT_OK(
      service->AuthenticateVendor("basic " + crypto::Base64Encode(id + ":" + password)));  // D-03
  EXPECT_OK(service->AuthenticateVendor("BASIC  " + crypto::Base64Encode(id + ":" + password)));
  const std::string rejected[] = {
      "",
      basic("wrong:" + password),        // D-04
      basic(":" + password),             // D-05
      basic("MPEMU-ADDON:" + password),  // D-06
      basic(id + ":wrong"),              // D-07
      basic(id + ":"),
      basic(id + ":" + password.substr(0, password.size() - 1)),
      basic(id + ":" + password + "x"),
      basic(id + password),                                   // D-09
      "Bearer " + crypto::Base64Encode(id + ":" + password),  // D-02
      "Basic",
      "Basic    ",
      "Basicxyz",
      "Basic aGFy*bmVz",  // D-10
      basic(id + ":" + password) + "garbage!",
  };
  for (const std::string& header : rejected) {
    Status s = service->AuthenticateVendor(header);
    EXPECT_THAT(s, StatusIs(StatusCode::kUnauthenticated)) << header;
    EXPECT_THAT(s.message(), ::testing::Not(HasSubstr(password)));  // D-23
  }
}

TEST_F(ServiceTest, APasswordWithColonsSplitsAtTheFirstColon) {
  Config c = DefaultConfig();
  c.manifest["api"]["password"] = "Pw0rd:0123456789:abcdefghij:KLMNOPQRS";
  auto service = Make(c);
  EXPECT_OK(service->AuthenticateVendor(
      "Basic " + crypto::Base64Encode("mpemu-addon:Pw0rd:0123456789:abcdefghij:KLMNOPQRS")));
}

TEST_F(ServiceTest, AnUnreachableVendorFailsTheAddOnAndIsJournaled) {
  Config c = DefaultConfig();
  c.manifest["api"]["test"]["base_url"] = "http://127.0.0.1:1/clevercloud/resources";
  c.timeout_ms = 2000;
  auto service = Make(c);
  ProvisionRequest request;
  request.addon_id = "addon_down";
  StatusOr<Provisioned> p = service->Provision(request);
  ASSERT_OK(p);
  EXPECT_FALSE(p->addon.has_value());
  EXPECT_EQ(p->reply.status, 0);
  EXPECT_FALSE(p->reply.error.empty());
  StatusOr<Addon> stored = service->Find("addon_down");
  ASSERT_OK(stored);
  EXPECT_EQ(stored->status, kFailed);
  EXPECT_THAT(stored->message, HasSubstr("could not be reached"));
  const auto outbound = Outbound();
  ASSERT_EQ(outbound.size(), 1u);
  EXPECT_EQ(outbound[0].service, kVendorService);
  EXPECT_EQ(outbound[0].route, "clevercloud.provision");
  EXPECT_EQ(outbound[0].method, "POST");
  EXPECT_EQ(outbound[0].host, "127.0.0.1:1");
  EXPECT_EQ(outbound[0].path, "/clevercloud/resources");
  EXPECT_EQ(outbound[0].status, 0);
  EXPECT_EQ(outbound[0].reply_body, p->reply.error);
  // Nothing to deprovision or sign in to: the vendor never gave an id.
  EXPECT_THAT(service->Deprovision("addon_down"), StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(service->ChangePlan("addon_down", "premium"),
              StatusIs(StatusCode::kFailedPrecondition));
}

TEST_F(ServiceTest, BadRequestsAreRefusedBeforeAnyCall) {
  auto service = Make(DefaultConfig());
  ProvisionRequest request;
  request.plan = "gold";
  EXPECT_THAT(service->Provision(request),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("basic, premium")));
  for (const char* id : {"../x", "a/b", "a b", "."}) {
    ProvisionRequest odd;
    odd.addon_id = id;
    EXPECT_THAT(service->Provision(odd), StatusIs(StatusCode::kInvalidArgument)) << id;
  }
  ProvisionRequest not_object;
  not_object.options = json::array();
  EXPECT_THAT(service->Provision(not_object), StatusIs(StatusCode::kInvalidArgument));
  Store("addon_a", "v-1", kActive, service->config());
  EXPECT_THAT(service->ChangePlan("addon_a", "gold"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_TRUE(Outbound().empty());
}

TEST_F(ServiceTest, TheInfosApiSeesOnlyActiveAddOns) {
  auto service = Make(DefaultConfig());
  Store("addon_p", "", kProvisioning, service->config());
  Store("addon_f", "", kFailed, service->config());
  Store("addon_d", "v-2", kDeprovisioned, service->config());
  Store("addon_a", "v-1", kActive, service->config());
  EXPECT_THAT(
      service->FindVisible("addon_p"),
      StatusIs(StatusCode::kNotFound, HasSubstr("not available during the provisioning call")));
  EXPECT_THAT(service->FindVisible("addon_f"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(service->FindVisible("addon_d"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(service->FindVisible("addon_x"), StatusIs(StatusCode::kNotFound));
  EXPECT_OK(service->FindVisible("addon_a"));

  StatusOr<Addon> updated =
      service->UpdateConfig("addon_a", {{"MPEMU_ADDON_URL", "https://x"}, {"OTHER", "y"}});
  ASSERT_OK(updated);
  EXPECT_EQ(updated->config,
            json({{"MPEMU_ADDON_URL", "https://x"}}));  // keys outside config_vars ignored
  EXPECT_THAT(service->UpdateConfig("addon_a", {{"MPEMU_ADDON_URL", 3}}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(service->UpdateConfig("addon_a", json::array()),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(service->UpdateConfig("addon_p", json::object()), StatusIs(StatusCode::kNotFound));
}

TEST_F(ServiceTest, AddOnsRoundTripThroughTheStoreAndReset) {
  auto service = Make(DefaultConfig());
  Addon a;
  a.addon_id = "addon_1";
  a.vendor_id = "v";
  a.name = "n";
  a.plan = "premium";
  a.region = "EU";
  a.owner_id = "orga_1";
  a.owner_name = "Org";
  a.owner_email = "o@example.com";
  a.user_id = "user_1";
  a.user_email = "u@example.com";
  a.status = kActive;
  a.callback_url = "http://x/v2/vendor/apps/addon_1";
  a.config = {{"MPEMU_ADDON_URL", "u"}};
  a.options = {{"k", "v"}};
  a.message = "hi";
  a.created_at = 1234;
  StatusOr<Addon> back = Addon::FromJson(a.ToJson());
  ASSERT_OK(back);
  EXPECT_EQ(back->ToJson(), a.ToJson());
  EXPECT_EQ(a.ToJson()["createdAt"], "1970-01-01T00:00:01.234Z");
  ASSERT_OK(store_->Insert({kAddonKind, "addon_1", "", 0, a.ToJson().dump()}).status());
  StatusOr<std::vector<Addon>> all = service->All();
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_OK(service->Reset());
  EXPECT_THAT(service->Find("addon_1"), StatusIs(StatusCode::kNotFound));
}

TEST_F(ServiceTest, AnUnusableManifestFailsInitializeAndEveryCall) {
  Config c = DefaultConfig();
  c.manifest["api"].erase("password");
  auto service = Make(c);
  EXPECT_THAT(service->Initialize(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("/api/password")));
  EXPECT_THAT(service->Provision({}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(service->AuthenticateVendor("Basic eDp5"), StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace mpemu::clevercloud
