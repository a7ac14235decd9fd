// The STACKIT marketplace's behaviour without HTTP: a ManualClock is the vendor's wall clock, a
// VirtualClock over it is the marketplace clock, and keys come from the test pool.
#include "emulator/stackit/service.h"

#include <gtest/gtest.h>

#include "emulator/crypto/jwt.h"
#include "tests/support/stackit_helpers.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_keys.h"

namespace mpemu::stackit {
namespace {

using ::mpemu::testing::FormBody;
using ::mpemu::testing::JwtClaims;
using ::mpemu::testing::JwtHeader;
using ::mpemu::testing::StatusIs;
using ::mpemu::testing::TestKey;
using ::mpemu::testing::TestKeySource;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using json = nlohmann::json;

constexpr int64_t kWallStart = 1795548859123;  // 2026-11-24T19:34:19.123Z
constexpr int64_t kWallStartS = kWallStart / 1000;
constexpr int64_t kHour = 3600 * 1000;
constexpr char kBaseUrl[] = "http://127.0.0.1:4711";
constexpr char kOtherProject[] = "99999999-9999-4999-8999-999999999999";
constexpr char kOtherProduct[] = "other-0f0f0f0f";

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(DefaultConfig()); }

  void Start(Config config) {
    service_.reset();
    store_ = store::NewMemoryStore();
    env_.clock = &clock_;
    env_.wall_clock = &wall_;
    env_.ids = &ids_;
    env_.keys = &keys_;
    env_.store = store_.get();
    env_.journal = &journal_;
    env_.faults = &faults_;
    env_.base_url = [] { return std::string(kBaseUrl); };
    service_ = std::make_unique<Service>(std::move(config), env_);
    ASSERT_OK(service_->Initialize());
  }

  // A second vendor project with its own product and static token.
  static Config TwoVendors() {
    Config c = DefaultConfig();
    c.vendor_projects.push_back({kOtherProject, {"other-token"}});
    Product p = c.products[0];
    p.product_id = kOtherProduct;
    p.vendor_project_id = kOtherProject;
    c.products.push_back(p);
    return c;
  }

  Service& service() { return *service_; }
  std::string project() const { return service_->config().vendor_projects[0].project_id; }
  const std::string& live() const { return service_->config().products[0].product_id; }
  const std::string& preview() const { return service_->config().products[1].product_id; }

  Subscribed Subscribe(const std::string& product_id = "") {
    SubscribeRequest r;
    r.product_id = product_id;
    StatusOr<Subscribed> s = service_->Subscribe(r);
    EXPECT_OK(s);
    return s.ok() ? *s : Subscribed{};
  }

  std::string StateOf(const std::string& id) {
    StatusOr<Subscription> s = service_->Find(id);
    EXPECT_OK(s);
    return s.ok() ? s->state : "";
  }

  // The service account's key JSON and a private key that signs its assertions.
  json SaKey() {
    StatusOr<json> key = service_->ServiceAccountKey(service_->config().service_accounts[0].id);
    EXPECT_OK(key);
    return key.ok() ? *key : json();
  }
  crypto::RsaKey SaPrivateKey() {
    StatusOr<crypto::RsaKey> k = crypto::RsaKey::FromPem(SaKey()["credentials"]["privateKey"].get<std::string>());
    EXPECT_OK(k);
    return *k;
  }
  ::mpemu::testing::Assertion Assertion() {
    return ::mpemu::testing::SdkAssertion(SaKey()["credentials"], wall_.NowSeconds());
  }
  StatusOr<json> GrantJwtBearer(const std::string& assertion) {
    return service_->TokenGrant(http::ParseFormUrlEncoded(
        FormBody({{"grant_type", ::mpemu::testing::kJwtBearerGrant}, {"assertion", assertion}})));
  }
  StatusOr<json> GrantRefresh(const std::string& refresh_token) {
    return service_->TokenGrant(http::ParseFormUrlEncoded(
        FormBody({{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}})));
  }

  ManualClock wall_{kWallStart};
  VirtualClock clock_{&wall_};
  SeededIdGenerator ids_{2026};
  TestKeySource keys_;
  journal::Journal journal_;
  http::FaultInjector faults_;
  std::unique_ptr<store::Store> store_;
  control::Environment env_;
  std::unique_ptr<Service> service_;
};

// --- the customer: subscribe and the redirect token ---

TEST_F(ServiceTest, SubscribeCreatesAPendingSubscription) {
  clock_.AdvanceMillis(5000);
  Subscribed s = Subscribe();
  const Subscription& sub = s.subscription;
  EXPECT_TRUE(IsCanonicalUuid(sub.subscription_id));
  EXPECT_TRUE(IsCanonicalUuid(sub.consumer_project_id));
  EXPECT_TRUE(IsCanonicalUuid(sub.organization_id));
  EXPECT_EQ(sub.state, kPending);
  EXPECT_EQ(sub.product_id, live());
  EXPECT_EQ(sub.vendor_project_id, project());
  EXPECT_EQ(sub.created_at, kWallStart + 5000);  // the marketplace clock
  EXPECT_EQ(sub.pending_ttl_ms, kHour);
  ASSERT_EQ(sub.history.size(), 1u);
  EXPECT_EQ(sub.history[0].state, kPending);
  EXPECT_EQ(StateOf(sub.subscription_id), kPending);
  EXPECT_EQ(s.redirect_url, "http://127.0.0.1:8080/stackit/signup?x-stackit-marketplace-token=" + s.token);
}

TEST_F(ServiceTest, RedirectTokenHasTheClaimsVendorsCheck) {
  clock_.AdvanceMillis(10 * kHour);  // marketplace time does not leak into tokens
  Subscribed s = Subscribe();
  const json header = JwtHeader(s.token);
  const json claims = JwtClaims(s.token);
  StatusOr<SigningKey> signer = service().redirect_keys().Signing();
  ASSERT_OK(signer);
  EXPECT_EQ(header, json({{"alg", "RS256"}, {"kid", signer->kid}, {"typ", "JWT"}}));
  EXPECT_EQ(claims["iss"], std::string(kBaseUrl) + "/v1/resolve-customer/keys.json");
  EXPECT_EQ(claims["iat"], kWallStartS);  // the wall clock
  EXPECT_EQ(claims["exp"], kWallStartS + 300);
  EXPECT_EQ(claims["subscriptionId"], s.subscription.subscription_id);
  EXPECT_FALSE(claims.contains("aud"));  // PyJWT rejects tokens with an unexpected aud
  EXPECT_EQ(claims.size(), 4u);

  // It verifies with the PEM that keys.json publishes under its kid.
  const json keys = json::parse(service().redirect_keys().KeysJsonBody());
  ASSERT_TRUE(keys.contains(signer->kid));
  StatusOr<crypto::RsaKey> pem = crypto::RsaKey::FromPem(keys[signer->kid].get<std::string>());
  ASSERT_OK(pem);
  crypto::VerifyOptions options;
  options.now_seconds = kWallStartS;
  options.issuer = service().Issuer();
  EXPECT_OK(crypto::VerifyJwt(s.token, options, [&](const json&) -> StatusOr<crypto::RsaKey> { return *pem; }));
}

TEST_F(ServiceTest, IssuerModes) {
  EXPECT_EQ(service().Issuer(), service().KeysUrl());
  EXPECT_EQ(service().KeysUrl(), std::string(kBaseUrl) + kKeysPath);
  Config production = DefaultConfig();
  production.issuer = "production";
  Start(production);
  EXPECT_EQ(service().Issuer(), kProductionIssuer);
  EXPECT_EQ(JwtClaims(Subscribe().token)["iss"], kProductionIssuer);
  Config custom = DefaultConfig();
  custom.issuer = "https://issuer.example/keys.json";
  custom.redirect_token_ttl_s = 60;
  Start(custom);
  const json claims = JwtClaims(Subscribe().token);
  EXPECT_EQ(claims["iss"], "https://issuer.example/keys.json");
  EXPECT_EQ(claims["exp"].get<int64_t>() - claims["iat"].get<int64_t>(), 60);
}

TEST_F(ServiceTest, SubscribeHonoursGivenIdsAndProduct) {
  SubscribeRequest r;
  r.product_id = preview();
  r.subscription_id = "0a0a0a0a-0a0a-4a0a-8a0a-0a0a0a0a0a0a";
  r.consumer_project_id = "1b1b1b1b-1b1b-4b1b-8b1b-1b1b1b1b1b1b";
  r.organization_id = "2c2c2c2c-2c2c-4c2c-8c2c-2c2c2c2c2c2c";
  StatusOr<Subscribed> s = service().Subscribe(r);
  ASSERT_OK(s);
  EXPECT_EQ(s->subscription.subscription_id, r.subscription_id);
  EXPECT_EQ(s->subscription.consumer_project_id, r.consumer_project_id);
  EXPECT_EQ(s->subscription.organization_id, r.organization_id);
  EXPECT_EQ(s->subscription.product_id, preview());
  EXPECT_THAT(service().Subscribe(r), StatusIs(StatusCode::kAlreadyExists));
}

TEST_F(ServiceTest, SubscribeRejectsUnknownProductsAndBadIds) {
  SubscribeRequest unknown;
  unknown.product_id = "nope-00000000";
  EXPECT_THAT(service().Subscribe(unknown),
              StatusIs(StatusCode::kNotFound, HasSubstr("configured: " + live() + ", " + preview())));
  SubscribeRequest bad;
  bad.subscription_id = "NOT-A-UUID";
  EXPECT_THAT(service().Subscribe(bad), StatusIs(StatusCode::kInvalidArgument, HasSubstr("NOT-A-UUID")));
  SubscribeRequest upper;
  upper.organization_id = "2C2C2C2C-2C2C-4C2C-8C2C-2C2C2C2C2C2C";
  EXPECT_THAT(service().Subscribe(upper), StatusIs(StatusCode::kInvalidArgument));
  Config none = DefaultConfig();
  none.products.clear();
  Start(none);
  EXPECT_THAT(service().Subscribe({}), StatusIs(StatusCode::kFailedPrecondition));
}

TEST_F(ServiceTest, TokenOverridesChangeClaimsHeaderKeyAndTimes) {
  const std::string id = Subscribe().subscription.subscription_id;
  TokenOverrides o;
  o.claims = {{"aud", "vendor"}, {"subscriptionId", nullptr}};
  o.header = {{"typ", nullptr}, {"x5u", "https://x"}};
  o.iat_offset_s = -30;
  o.ttl_s = 10;
  StatusOr<std::string> token = service().MintRedirectToken(id, o);
  ASSERT_OK(token);
  const json claims = JwtClaims(*token);
  EXPECT_EQ(claims["aud"], "vendor");
  EXPECT_FALSE(claims.contains("subscriptionId"));
  EXPECT_EQ(claims["iat"], kWallStartS - 30);
  EXPECT_EQ(claims["exp"], kWallStartS - 20);
  const json header = JwtHeader(*token);
  EXPECT_FALSE(header.contains("typ"));
  EXPECT_EQ(header["x5u"], "https://x");

  TokenOverrides unknown_kid;
  unknown_kid.kid = "no-such-kid";
  EXPECT_THAT(service().MintRedirectToken(id, unknown_kid), StatusIs(StatusCode::kNotFound));
  TokenOverrides bad;
  bad.claims = json::array({1});
  EXPECT_THAT(service().MintRedirectToken(id, bad), StatusIs(StatusCode::kInvalidArgument));
}

// --- the pending TTL, on the marketplace clock ---

TEST_F(ServiceTest, PendingExpiresExactlyAtTheTtl) {
  const std::string id = Subscribe().subscription.subscription_id;
  clock_.AdvanceMillis(kHour - 1);
  EXPECT_EQ(StateOf(id), kPending);
  clock_.AdvanceMillis(1);
  EXPECT_EQ(StateOf(id), kRejected);
  StatusOr<Subscription> s = service().Find(id);
  ASSERT_OK(s);
  EXPECT_EQ(s->history.back().at, kWallStart + kHour);
  // The expiry was persisted, not only computed.
  EXPECT_EQ(Subscription::FromStoredJson(store_->Get(kSubscriptionKind, id)->body)->state, kRejected);
}

TEST_F(ServiceTest, LatestStatesTimeOutInstead) {
  Config c = DefaultConfig();
  c.latest_states = true;
  Start(c);
  const std::string id = Subscribe().subscription.subscription_id;
  clock_.AdvanceMillis(kHour);
  EXPECT_EQ(StateOf(id), kApprovalTimedOut);
}

TEST_F(ServiceTest, ExpireDuePersistsEveryDueSubscription) {
  const std::string a = Subscribe().subscription.subscription_id;
  const std::string b = Subscribe().subscription.subscription_id;
  const std::string c = Subscribe().subscription.subscription_id;
  ASSERT_OK(service().Approve(project(), b, std::nullopt));
  clock_.AdvanceMillis(kHour + 1);
  StatusOr<int> expired = service().ExpireDue();
  ASSERT_OK(expired);
  EXPECT_EQ(*expired, 2);
  for (const std::string& id : {a, c}) {
    EXPECT_EQ(Subscription::FromStoredJson(store_->Get(kSubscriptionKind, id)->body)->state, kRejected);
  }
  EXPECT_EQ(StateOf(b), kActive);
  EXPECT_EQ(*service().ExpireDue(), 0);
}

TEST_F(ServiceTest, LongerProductTtls) {
  Config c = DefaultConfig();
  c.products[0].pending_ttl_ms = 30LL * 24 * kHour;  // "SaaS async."
  Start(c);
  const std::string id = Subscribe().subscription.subscription_id;
  clock_.AdvanceMillis(29LL * 24 * kHour);
  EXPECT_EQ(StateOf(id), kPending);
  clock_.AdvanceMillis(24 * kHour);
  EXPECT_EQ(StateOf(id), kRejected);
}

// --- resolve-customer ---

TEST_F(ServiceTest, ResolveCustomerReturnsTheSubscription) {
  Subscribed s = Subscribe();
  StatusOr<json> resolved = service().ResolveCustomer(project(), s.token);
  ASSERT_OK(resolved);
  EXPECT_EQ((*resolved)["subscriptionId"], s.subscription.subscription_id);
  EXPECT_EQ((*resolved)["lifecycleState"], "SUBSCRIPTION_PENDING");
  EXPECT_EQ((*resolved)["projectId"], s.subscription.consumer_project_id);
  EXPECT_EQ((*resolved)["organizationId"], s.subscription.organization_id);
  EXPECT_EQ((*resolved)["product"]["productId"], live());
  EXPECT_EQ((*resolved)["product"]["lifecycleState"], "PRODUCT_LIVE");
}

TEST_F(ServiceTest, ResolveCustomerRejectsBadTokens) {
  Subscribed s = Subscribe();
  EXPECT_THAT(service().ResolveCustomer(project(), ""),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("token is empty")));
  EXPECT_THAT(service().ResolveCustomer(project(), "not-a-jwt"),
              StatusIs(StatusCode::kInvalidArgument, StartsWith("Validation of token failed")));
  // Signed by a key the marketplace never had.
  ::mpemu::testing::Assertion forged;
  forged.header = JwtHeader(s.token);
  forged.header["alg"] = "RS256";
  forged.claims = JwtClaims(s.token);
  EXPECT_THAT(service().ResolveCustomer(project(), ::mpemu::testing::SignAssertion(forged, TestKey(6))),
              StatusIs(StatusCode::kNotFound, StartsWith("Subscription for token not found")));
  TokenOverrides no_id;
  no_id.claims = {{"subscriptionId", nullptr}};
  EXPECT_THAT(service().ResolveCustomer(project(), *service().MintRedirectToken("x", no_id)),
              StatusIs(StatusCode::kNotFound, HasSubstr("no subscriptionId")));
  EXPECT_THAT(service().ResolveCustomer(project(), *service().MintRedirectToken(
                                                       "3d3d3d3d-3d3d-4d3d-8d3d-3d3d3d3d3d3d", {})),
              StatusIs(StatusCode::kNotFound, HasSubstr("3d3d3d3d-3d3d-4d3d-8d3d-3d3d3d3d3d3d not found")));
  TokenOverrides no_kid;
  no_kid.header = {{"kid", nullptr}};
  EXPECT_THAT(service().ResolveCustomer(project(), *service().MintRedirectToken(s.subscription.subscription_id, no_kid)),
              StatusIs(StatusCode::kNotFound));
  TokenOverrides no_exp;
  no_exp.claims = {{"exp", nullptr}};
  EXPECT_THAT(service().ResolveCustomer(project(), *service().MintRedirectToken(s.subscription.subscription_id, no_exp)),
              StatusIs(StatusCode::kNotFound));
}

TEST_F(ServiceTest, ResolveCustomerChecksExpiryOnTheWallClock) {
  Subscribed s = Subscribe();
  wall_.AdvanceMillis(299 * 1000);
  EXPECT_OK(service().ResolveCustomer(project(), s.token));
  wall_.AdvanceMillis(1000);  // now == exp: expired, as PyJWT and jwt/v5 see it
  EXPECT_THAT(service().ResolveCustomer(project(), s.token),
              StatusIs(StatusCode::kNotFound, HasSubstr("expired")));
}

TEST_F(ServiceTest, ResolveCustomerForAnotherVendorsProductIsForbidden) {
  Start(TwoVendors());
  Subscribed s = Subscribe(kOtherProduct);
  EXPECT_THAT(service().ResolveCustomer(project(), s.token),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("another vendor project")));
  EXPECT_OK(service().ResolveCustomer(kOtherProject, s.token));
}

TEST_F(ServiceTest, TokensSignedBeforeARotationStillResolve) {
  Subscribed before = Subscribe();
  const std::string old_kid = JwtHeader(before.token)["kid"];
  StatusOr<SigningKey> rotated = service().redirect_keys().Rotate(/*unpublish_previous=*/true);
  ASSERT_OK(rotated);
  Subscribed after = Subscribe();
  EXPECT_EQ(JwtHeader(after.token)["kid"], rotated->kid);
  EXPECT_NE(rotated->kid, old_kid);
  EXPECT_OK(service().ResolveCustomer(project(), before.token));
  EXPECT_OK(service().ResolveCustomer(project(), after.token));
}

// --- get, approve, reject ---

TEST_F(ServiceTest, GetChecksExistenceAndOwnership) {
  Start(TwoVendors());
  const std::string id = Subscribe().subscription.subscription_id;
  StatusOr<json> got = service().GetSubscription(project(), id);
  ASSERT_OK(got);
  EXPECT_EQ((*got)["subscriptionId"], id);
  EXPECT_THAT(service().GetSubscription(kOtherProject, id), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(service().GetSubscription(project(), "4e4e4e4e-4e4e-4e4e-8e4e-4e4e4e4e4e4e"),
              StatusIs(StatusCode::kNotFound, "Subscription 4e4e4e4e-4e4e-4e4e-8e4e-4e4e4e4e4e4e not found."));
}

TEST_F(ServiceTest, ApproveActivatesPendingOnly) {
  const std::string id = Subscribe().subscription.subscription_id;
  clock_.AdvanceMillis(1000);
  ASSERT_OK(service().Approve(project(), id, std::string("https://vendor.example/instances/1")));
  StatusOr<Subscription> s = service().Find(id);
  ASSERT_OK(s);
  EXPECT_EQ(s->state, kActive);
  EXPECT_EQ(s->instance_target, "https://vendor.example/instances/1");
  EXPECT_EQ(s->history.back().at, kWallStart + 1000);
  EXPECT_THAT(service().Approve(project(), id, std::nullopt),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("is in state SUBSCRIPTION_ACTIVE")));
  // Still ACTIVE (and the TTL no longer applies).
  clock_.AdvanceMillis(2 * kHour);
  EXPECT_EQ(StateOf(id), kActive);
}

TEST_F(ServiceTest, ApproveWithoutTargetKeepsItEmpty) {
  const std::string id = Subscribe().subscription.subscription_id;
  ASSERT_OK(service().Approve(project(), id, std::nullopt));
  EXPECT_EQ(service().Find(id)->instance_target, "");
}

TEST_F(ServiceTest, ApproveAfterTheTtlFails) {
  const std::string id = Subscribe().subscription.subscription_id;
  clock_.AdvanceMillis(kHour);
  EXPECT_THAT(service().Approve(project(), id, std::nullopt),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("SUBSCRIPTION_REJECTED")));
}

TEST_F(ServiceTest, ApproveChecksOwnershipAndExistence) {
  Start(TwoVendors());
  const std::string id = Subscribe().subscription.subscription_id;
  EXPECT_THAT(service().Approve(kOtherProject, id, std::nullopt), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_EQ(StateOf(id), kPending);
  EXPECT_THAT(service().Approve(project(), "5f5f5f5f-5f5f-4f5f-8f5f-5f5f5f5f5f5f", std::nullopt),
              StatusIs(StatusCode::kNotFound));
}

TEST_F(ServiceTest, RejectOnlyForPreviewProducts) {
  const std::string live_id = Subscribe(live()).subscription.subscription_id;
  EXPECT_THAT(service().Reject(project(), live_id),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("PRODUCT_PREVIEW")));
  EXPECT_EQ(StateOf(live_id), kPending);

  const std::string preview_id = Subscribe(preview()).subscription.subscription_id;
  ASSERT_OK(service().Reject(project(), preview_id));
  EXPECT_EQ(StateOf(preview_id), kRejected);

  // "Reject a subscription (in any lifecycle state)."
  const std::string active_id = Subscribe(preview()).subscription.subscription_id;
  ASSERT_OK(service().Approve(project(), active_id, std::nullopt));
  ASSERT_OK(service().Reject(project(), active_id));
  EXPECT_EQ(StateOf(active_id), kRejected);
  EXPECT_THAT(service().Reject(project(), "6a6a6a6a-6a6a-4a6a-8a6a-6a6a6a6a6a6a"), StatusIs(StatusCode::kNotFound));
}

// --- list ---

class ListTest : public ServiceTest {
 protected:
  StatusOr<json> List(const std::string& cursor = "", std::optional<std::string> limit = std::nullopt,
                      const std::string& product = "", bool include_expired = false) {
    ListRequest r;
    r.cursor = cursor;
    r.limit = std::move(limit);
    r.product_id = product;
    r.include_expired = include_expired;
    return service().ListSubscriptions(project(), r);
  }
  static std::vector<std::string> Ids(const json& page) {
    std::vector<std::string> out;
    for (const json& item : page["items"]) out.push_back(item["subscriptionId"]);
    return out;
  }
};

TEST_F(ListTest, PagesWithACursorInCreationOrder) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Subscribe().subscription.subscription_id);
  StatusOr<json> first = List("", "2");
  ASSERT_OK(first);
  EXPECT_EQ(Ids(*first), (std::vector<std::string>{ids[0], ids[1]}));
  EXPECT_EQ((*first)["limit"], 2);
  ASSERT_TRUE((*first)["cursor"].is_string());
  ASSERT_NE((*first)["cursor"], "");
  StatusOr<json> second = List((*first)["cursor"], "2");
  ASSERT_OK(second);
  EXPECT_EQ(Ids(*second), (std::vector<std::string>{ids[2], ids[3]}));
  StatusOr<json> last = List((*second)["cursor"], "2");
  ASSERT_OK(last);
  EXPECT_EQ(Ids(*last), (std::vector<std::string>{ids[4]}));
  EXPECT_EQ((*last)["cursor"], "");  // "" at the end: Python SDK 0.2.0 requires a string

  StatusOr<json> exact = List("", "5");
  ASSERT_OK(exact);
  EXPECT_EQ(Ids(*exact), ids);
  EXPECT_EQ((*exact)["cursor"], "");  // no further page
}

TEST_F(ListTest, EmptyListHasAllThreeFields) {
  StatusOr<json> page = List();
  ASSERT_OK(page);
  EXPECT_EQ(*page, json({{"items", json::array()}, {"cursor", ""}, {"limit", 50}}));
}

TEST_F(ListTest, NullEndCursorWhenConfigured) {
  Config c = DefaultConfig();
  c.null_end_cursor = true;
  Start(c);
  Subscribe();
  Subscribe();
  StatusOr<json> first = List("", "1");
  ASSERT_OK(first);
  EXPECT_TRUE((*first)["cursor"].is_string());
  StatusOr<json> second = List((*first)["cursor"], "1");
  ASSERT_OK(second);
  EXPECT_TRUE((*second)["cursor"].is_null());
}

TEST_F(ListTest, LimitDefaultsCapsAndValidates) {
  for (int i = 0; i < 3; ++i) Subscribe();
  EXPECT_EQ((*List())["limit"], 50);
  EXPECT_EQ((*List("", "0"))["limit"], 50);
  EXPECT_EQ((*List("", "1000"))["limit"], 100);
  EXPECT_EQ((*List("", "100"))["limit"], 100);
  StatusOr<json> go_sdk = List("", "2.000000");  // how the Go SDK renders a float32
  ASSERT_OK(go_sdk);
  EXPECT_EQ((*go_sdk)["limit"], 2);
  EXPECT_EQ((*go_sdk)["items"].size(), 2u);
  // Huge but integral: the maximum is used. (Regression: these were cast to an integer first,
  // which is undefined behaviour for values out of range, NaN and infinity.)
  EXPECT_EQ((*List("", "1e300"))["limit"], 100);
  for (const char* bad : {"", "abc", "-1", "1.5", "2x", "nan", "inf", "-inf", "1e-300"}) {
    EXPECT_THAT(List("", std::string(bad)),
                StatusIs(StatusCode::kInvalidArgument, StartsWith("Validation of limit failed")))
        << bad;
  }
}

TEST_F(ListTest, RejectsCursorsItDidNotIssue) {
  for (const char* bad : {"eyJrZXkiOiJ2YWx1ZSJ9", "!!!", "e30", "eyJhZnRlciI6LTF9"}) {
    EXPECT_THAT(List(bad), StatusIs(StatusCode::kInvalidArgument, StartsWith("Validation of cursor failed")))
        << bad;
  }
}

TEST_F(ListTest, FiltersByProduct) {
  const std::string a = Subscribe(live()).subscription.subscription_id;
  const std::string b = Subscribe(preview()).subscription.subscription_id;
  const std::string c = Subscribe(live()).subscription.subscription_id;
  EXPECT_EQ(Ids(*List("", std::nullopt, live())), (std::vector<std::string>{a, c}));
  EXPECT_EQ(Ids(*List("", std::nullopt, preview())), (std::vector<std::string>{b}));
  EXPECT_TRUE(Ids(*List("", std::nullopt, "unknown-00000000")).empty());
  // The filter does not count against the limit: a page of one still finds c.
  StatusOr<json> first = List("", "1", live());
  ASSERT_OK(first);
  EXPECT_EQ(Ids(*first), (std::vector<std::string>{a}));
  EXPECT_EQ(Ids(*List((*first)["cursor"], "1", live())), (std::vector<std::string>{c}));
}

TEST_F(ListTest, HidesExpiredUnlessAsked) {
  const std::string expired = Subscribe().subscription.subscription_id;
  clock_.AdvanceMillis(30 * 60 * 1000);
  const std::string pending = Subscribe().subscription.subscription_id;
  const std::string cancelled = Subscribe().subscription.subscription_id;
  ASSERT_OK(service().Approve(project(), cancelled, std::nullopt));
  ASSERT_OK(service().SetState(cancelled, kCancelled, "").status());
  const std::string cancelling = Subscribe().subscription.subscription_id;
  ASSERT_OK(service().Approve(project(), cancelling, std::nullopt));
  ASSERT_OK(service().SetState(cancelling, kCancelling, "").status());
  clock_.AdvanceMillis(30 * 60 * 1000);  // the first one's TTL is over, the others' not

  EXPECT_EQ(Ids(*List()), (std::vector<std::string>{pending, cancelling}));
  StatusOr<json> all = List("", std::nullopt, "", /*include_expired=*/true);
  ASSERT_OK(all);
  EXPECT_EQ(Ids(*all), (std::vector<std::string>{expired, pending, cancelled, cancelling}));
  EXPECT_EQ((*all)["items"][0]["lifecycleState"], "SUBSCRIPTION_REJECTED");
}

TEST_F(ListTest, IsScopedToTheVendorProject) {
  Start(TwoVendors());
  const std::string mine = Subscribe(live()).subscription.subscription_id;
  const std::string theirs = Subscribe(kOtherProduct).subscription.subscription_id;
  EXPECT_EQ(Ids(*List()), (std::vector<std::string>{mine}));
  ListRequest r;
  StatusOr<json> other = service().ListSubscriptions(kOtherProject, r);
  ASSERT_OK(other);
  EXPECT_EQ(Ids(*other), (std::vector<std::string>{theirs}));
}

// --- authentication ---

TEST_F(ServiceTest, StaticBearerTokens) {
  EXPECT_EQ(*service().AuthenticateBearer("Bearer mpemu-static-token"), project());
  EXPECT_EQ(*service().AuthenticateBearer("bearer mpemu-static-token"), project());
  for (const char* bad : {"", "Bearer", "Bearer ", "Basic bXBlbXU6eA==", "Bearer wrong", "mpemu-static-token",
                          "Bearer mpemu-static-token "}) {
    EXPECT_THAT(service().AuthenticateBearer(bad),
                StatusIs(StatusCode::kUnauthenticated, StartsWith("Access to this resource requires authentication")))
        << bad;
  }
  Start(TwoVendors());
  EXPECT_EQ(*service().AuthenticateBearer("Bearer other-token"), kOtherProject);
}

TEST_F(ServiceTest, JwtBearerGrantIssuesUsableTokens) {
  StatusOr<json> tokens = GrantJwtBearer(::mpemu::testing::SignAssertion(Assertion(), SaPrivateKey()));
  ASSERT_OK(tokens);
  EXPECT_EQ((*tokens)["token_type"], "Bearer");
  EXPECT_EQ((*tokens)["expires_in"], 600);
  EXPECT_TRUE((*tokens)["scope"].is_string());
  const std::string access = (*tokens)["access_token"];
  const std::string refresh = (*tokens)["refresh_token"];
  // Both are JWTs with exp (the SDKs decode them to plan refreshes).
  EXPECT_EQ(JwtClaims(access)["exp"], kWallStartS + 600);
  EXPECT_EQ(JwtClaims(refresh)["exp"], kWallStartS + 86400);
  EXPECT_EQ(JwtClaims(access)["sub"], service().config().service_accounts[0].id);
  EXPECT_EQ(*service().AuthenticateBearer("Bearer " + access), project());
  // A refresh token is no access token.
  EXPECT_THAT(service().AuthenticateBearer("Bearer " + refresh),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("not an access token")));
  // Access tokens expire on the wall clock.
  wall_.AdvanceMillis(599 * 1000);
  EXPECT_OK(service().AuthenticateBearer("Bearer " + access));
  wall_.AdvanceMillis(1000);
  EXPECT_THAT(service().AuthenticateBearer("Bearer " + access), StatusIs(StatusCode::kUnauthenticated));
}

TEST_F(ServiceTest, JwtBearerAcceptsAnAudienceArray) {
  auto a = Assertion();
  a.claims["aud"] = json::array({"https://other.example", kDefaultTokenAudience});
  EXPECT_OK(GrantJwtBearer(::mpemu::testing::SignAssertion(a, SaPrivateKey())));
}

TEST_F(ServiceTest, JwtBearerUnknownKidIsReportedLikeStackit) {
  auto a = Assertion();
  a.header["kid"] = "0badc0de-0000-4000-8000-000000000000";
  EXPECT_THAT(GrantJwtBearer(::mpemu::testing::SignAssertion(a, SaPrivateKey())),
              StatusIs(StatusCode::kInvalidArgument, "Key with kid 0badc0de-0000-4000-8000-000000000000 was not found"));
}

TEST_F(ServiceTest, JwtBearerRejectsBadAssertions) {
  const crypto::RsaKey key = SaPrivateKey();
  auto wrong_iss = Assertion();
  wrong_iss.claims["iss"] = "someone@else";
  auto wrong_sub = Assertion();
  wrong_sub.claims["sub"] = "7c9e6679-0000-4000-8000-000000000000";
  auto wrong_aud = Assertion();
  wrong_aud.claims["aud"] = "https://attacker.example";
  auto no_aud = Assertion();
  no_aud.claims.erase("aud");
  auto rs256 = Assertion();
  rs256.header["alg"] = "RS256";
  auto expired = Assertion();
  expired.claims["iat"] = kWallStartS - 7200;
  expired.claims["exp"] = kWallStartS - 3600;
  auto no_exp = Assertion();
  no_exp.claims.erase("exp");
  const struct {
    std::string assertion;
    std::string message;
  } cases[] = {
      {::mpemu::testing::SignAssertion(wrong_iss, key), "iss"},
      {::mpemu::testing::SignAssertion(wrong_sub, key), "sub must be the service account id"},
      {::mpemu::testing::SignAssertion(wrong_aud, key), "aud must be one of"},
      {::mpemu::testing::SignAssertion(no_aud, key), "aud must be one of"},
      {::mpemu::testing::SignAssertion(rs256, key), "RS256"},
      {::mpemu::testing::SignAssertion(expired, key), "expired"},
      {::mpemu::testing::SignAssertion(no_exp, key), "exp"},
      {::mpemu::testing::SignAssertion(Assertion(), TestKey(6)), "signature"},
      {"garbage", "Validation of assertion failed"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(GrantJwtBearer(c.assertion),
                StatusIs(StatusCode::kInvalidArgument,
                         ::testing::AllOf(StartsWith("Validation of assertion failed"), HasSubstr(c.message))))
        << c.message;
  }
}

// Regression: a validly signed assertion whose sub was not a string (a number, an object) threw
// from nlohmann's value() and became a 500 instead of a 400.
TEST_F(ServiceTest, JwtBearerWithANonStringSubIsABadRequest) {
  for (const json& sub : {json(7), json::object(), json::array({"x"}), json(nullptr)}) {
    auto a = Assertion();
    a.claims["sub"] = sub;
    EXPECT_THAT(GrantJwtBearer(::mpemu::testing::SignAssertion(a, SaPrivateKey())),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("sub must be the service account id")))
        << sub.dump();
  }
}

TEST_F(ServiceTest, GrantRequestsNeedAGrantTypeAndItsFields) {
  EXPECT_THAT(service().TokenGrant({}), StatusIs(StatusCode::kInvalidArgument, "Validation of grant_type failed: missing."));
  EXPECT_THAT(service().TokenGrant(http::ParseFormUrlEncoded("grant_type=client_credentials")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unsupported grant type \"client_credentials\"")));
  EXPECT_THAT(GrantJwtBearer(""), StatusIs(StatusCode::kInvalidArgument, "Validation of assertion failed: missing."));
  EXPECT_THAT(GrantRefresh(""), StatusIs(StatusCode::kInvalidArgument, "Validation of refresh_token failed: missing."));
}

TEST_F(ServiceTest, RefreshTokensRotateAndCannotBeReused) {
  StatusOr<json> first = GrantJwtBearer(::mpemu::testing::SignAssertion(Assertion(), SaPrivateKey()));
  ASSERT_OK(first);
  StatusOr<json> second = GrantRefresh((*first)["refresh_token"]);
  ASSERT_OK(second);
  EXPECT_NE((*second)["refresh_token"], (*first)["refresh_token"]);
  EXPECT_NE((*second)["access_token"], (*first)["access_token"]);
  EXPECT_EQ(*service().AuthenticateBearer("Bearer " + (*second)["access_token"].get<std::string>()), project());
  EXPECT_THAT(GrantRefresh((*first)["refresh_token"]),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("already used")));
  EXPECT_OK(GrantRefresh((*second)["refresh_token"]));
  EXPECT_THAT(GrantRefresh((*first)["access_token"]),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not a refresh token")));
  EXPECT_THAT(GrantRefresh("a.b.c"), StatusIs(StatusCode::kInvalidArgument, StartsWith("Validation of refresh_token failed")));
}

TEST_F(ServiceTest, RefreshTokensExpire) {
  StatusOr<json> first = GrantJwtBearer(::mpemu::testing::SignAssertion(Assertion(), SaPrivateKey()));
  ASSERT_OK(first);
  wall_.AdvanceMillis(86400 * 1000);
  EXPECT_THAT(GrantRefresh((*first)["refresh_token"]), StatusIs(StatusCode::kInvalidArgument, HasSubstr("expired")));
}

TEST_F(ServiceTest, ServiceAccountWithAConfiguredPublicKey) {
  Config c = DefaultConfig();
  c.service_accounts[0].public_key_pem = TestKey(5).PublicPem();
  Start(c);
  const json key = SaKey();
  EXPECT_EQ(key["keyOrigin"], "USER_PROVIDED");
  EXPECT_FALSE(key["credentials"].contains("privateKey"));
  EXPECT_EQ(key["publicKey"], TestKey(5).PublicPem());
  EXPECT_OK(GrantJwtBearer(::mpemu::testing::SignAssertion(Assertion(), TestKey(5))));
  EXPECT_THAT(GrantJwtBearer(::mpemu::testing::SignAssertion(Assertion(), TestKey(4))),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(ServiceTest, ServiceAccountKeyJsonLooksLikeStackits) {
  const json key = SaKey();
  const ServiceAccount& sa = service().config().service_accounts[0];
  EXPECT_EQ(key["id"], sa.key_id);
  EXPECT_EQ(key["keyOrigin"], "GENERATED");
  EXPECT_EQ(key["keyAlgorithm"], "RSA_2048");
  EXPECT_EQ(key["active"], true);
  const json& c = key["credentials"];
  EXPECT_EQ(c["kid"], sa.key_id);
  EXPECT_EQ(c["iss"], sa.email);
  EXPECT_EQ(c["sub"], sa.id);
  EXPECT_EQ(c["aud"], kDefaultTokenAudience);
  EXPECT_EQ(c["tokenEndpoint"], std::string(kBaseUrl) + "/token");
  EXPECT_EQ(*service().ServiceAccountKey(sa.email), key);
  EXPECT_EQ(*service().ServiceAccountKey(sa.key_id), key);
  EXPECT_THAT(service().ServiceAccountKey("nobody"), StatusIs(StatusCode::kNotFound));
}

TEST_F(ServiceTest, GeneratedServiceAccountKeysSurviveARestart) {
  const std::string before = SaKey()["publicKey"];
  service_ = std::make_unique<Service>(DefaultConfig(), env_);  // same store
  ASSERT_OK(service().Initialize());
  EXPECT_EQ(SaKey()["publicKey"], before);
}

// --- control ---

TEST_F(ServiceTest, SetStateMovesThroughTheLifecycle) {
  const std::string id = Subscribe().subscription.subscription_id;
  ASSERT_OK(service().Approve(project(), id, std::nullopt));
  for (const char* state : {kCancelling, kCancelled}) {
    StatusOr<Subscription> s = service().SetState(id, state, "");
    ASSERT_OK(s);
    EXPECT_EQ(s->state, state);
    EXPECT_EQ(s->history.back().reason, "set by the control API");
  }
  StatusOr<Subscription> inactive = service().SetState(id, kInactive, "payment failed");
  ASSERT_OK(inactive);
  EXPECT_EQ(inactive->history.back().reason, "payment failed");
  EXPECT_EQ(inactive->history.size(), 5u);
  EXPECT_EQ((*service().GetSubscription(project(), id))["lifecycleState"], "SUBSCRIPTION_INACTIVE");
  EXPECT_THAT(service().SetState(id, "SUBSCRIPTION_PAUSED", ""), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(service().SetState("7b7b7b7b-7b7b-4b7b-8b7b-7b7b7b7b7b7b", kActive, ""),
              StatusIs(StatusCode::kNotFound));
}

TEST_F(ServiceTest, AllListsEveryProjectWithTheTtlApplied) {
  Start(TwoVendors());
  Subscribe(live());
  Subscribe(kOtherProduct);
  clock_.AdvanceMillis(kHour);
  StatusOr<std::vector<Subscription>> all = service().All();
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 2u);
  for (const Subscription& s : *all) EXPECT_EQ(s.state, kRejected);
}

TEST_F(ServiceTest, ResetForgetsSubscriptionsAndOptionallyKeys) {
  const std::string id = Subscribe().subscription.subscription_id;
  StatusOr<json> tokens = GrantJwtBearer(::mpemu::testing::SignAssertion(Assertion(), SaPrivateKey()));
  ASSERT_OK(tokens);
  ASSERT_OK(GrantRefresh((*tokens)["refresh_token"]));
  const std::string kid = service().redirect_keys().Signing()->kid;
  ASSERT_OK(service().Reset(/*keys=*/false));
  EXPECT_THAT(service().Find(id), StatusIs(StatusCode::kNotFound));
  EXPECT_EQ(service().redirect_keys().Signing()->kid, kid);
  ASSERT_OK(service().Reset(/*keys=*/true));
  EXPECT_NE(service().redirect_keys().Signing()->kid, kid);
  EXPECT_EQ(service().redirect_keys().All().size(), 1u);
}

}  // namespace
}  // namespace mpemu::stackit
