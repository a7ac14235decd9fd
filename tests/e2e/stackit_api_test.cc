// The emulated STACKIT API over real loopback sockets: keys.json, the token endpoint and the
// vendor API, with every error in STACKIT's schema. The vendor's wall clock is a ManualClock
// started at the real time, so token expiry is exact and needs no sleeping.
#include <gtest/gtest.h>

#include <functional>
#include <future>
#include <string>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/http/client.h"
#include "tests/support/scoped_emulator.h"
#include "tests/support/stackit_helpers.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_keys.h"

namespace mpemu {
namespace {

using ::mpemu::testing::FormBody;
using ::mpemu::testing::IsStackitError;
using ::mpemu::testing::JwtClaims;
using ::mpemu::testing::JwtHeader;
using ::mpemu::testing::ScopedEmulator;
using ::mpemu::testing::ScopedEmulatorOptions;
using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kOtherProject[] = "99999999-9999-4999-8999-999999999999";
constexpr char kOtherProduct[] = "other-0f0f0f0f";
constexpr char kOtherToken[] = "other-vendor-token";
constexpr char kUnknownId[] = "0e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e";

ScopedEmulatorOptions Options(const Clock* wall) {
  ScopedEmulatorOptions o;
  o.wall_clock = wall;
  o.configure = [](app::EmulatorConfig& c) {
    // A second vendor, to prove that one vendor cannot see another's subscriptions.
    c.stackit.vendor_projects.push_back({kOtherProject, {kOtherToken}});
    stackit::Product p = c.stackit.products[0];
    p.product_id = kOtherProduct;
    p.vendor_project_id = kOtherProject;
    c.stackit.products.push_back(p);
  };
  return o;
}

class StackitApiTest : public ::testing::Test {
 protected:
  http::Response Call(const std::string& method, const std::string& path, const std::string& body = "",
                      const std::string& content_type = "", http::Headers headers = {}) {
    StatusOr<http::Response> r = client_->Send(method, path, headers, body, content_type);
    EXPECT_OK(r);
    return r.ok() ? *r : http::Response{};
  }
  // As the default vendor, with its static bearer token.
  http::Response Vendor(const std::string& method, const std::string& path, const std::string& body = "",
                        const std::string& content_type = "") {
    return Call(method, path, body, content_type, {{"Authorization", emu_.bearer()}});
  }
  std::string Api(const std::string& suffix, const std::string& project = "") const {
    return "/v1/vendors/projects/" + (project.empty() ? emu_.project() : project) + suffix;
  }
  static json Json(const http::Response& r) { return json::parse(r.body, nullptr, false); }

  // POST /_emulator/stackit/subscriptions: {subscriptionId, token, redirectUrl, subscription}.
  json Subscribe(const std::string& product = "") {
    json body = json::object();
    if (!product.empty()) body["productId"] = product;
    http::Response r = Call("POST", "/_emulator/stackit/subscriptions", body.dump(), "application/json");
    EXPECT_EQ(r.status, 201) << r.body;
    return Json(r);
  }
  std::string ControlState(const std::string& id) {
    return Json(Call("GET", "/_emulator/stackit/subscriptions/" + id)).value("lifecycleState", "");
  }
  std::string VendorState(const std::string& id) {
    http::Response r = Vendor("GET", Api("/subscriptions/" + id));
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r).value("lifecycleState", "");
  }
  json AdvanceClock(double seconds) {
    http::Response r = Call("POST", "/_emulator/clock/advance", json{{"seconds", seconds}}.dump(), "application/json");
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r);
  }
  json KeysJson() {
    http::Response r = Call("GET", "/v1/resolve-customer/keys.json");
    EXPECT_EQ(r.status, 200);
    return Json(r);
  }

  // The default service account's key JSON, as `mpemu stackit sa-key` hands it out.
  json SaKey() {
    const std::string id = emu_.emulator().config().stackit.service_accounts[0].id;
    http::Response r = Call("GET", "/_emulator/stackit/service-accounts/" + id + "/key");
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r);
  }
  std::string SignedAssertion(const std::function<void(::mpemu::testing::Assertion&)>& change = nullptr) {
    const json key = SaKey();
    ::mpemu::testing::Assertion a = ::mpemu::testing::SdkAssertion(key["credentials"], wall_.NowSeconds());
    if (change) change(a);
    StatusOr<crypto::RsaKey> pk = crypto::RsaKey::FromPem(key["credentials"]["privateKey"].get<std::string>());
    EXPECT_OK(pk);
    return ::mpemu::testing::SignAssertion(a, *pk);
  }
  http::Response PostToken(const std::vector<std::pair<std::string, std::string>>& form) {
    return Call("POST", "/token", FormBody(form), "application/x-www-form-urlencoded");
  }

  ManualClock wall_{RealClock::Default()->NowMillis()};
  ScopedEmulator emu_{Options(&wall_)};
  std::unique_ptr<http::Client> client_ = emu_.NewClient();  // destroyed before emu_ stops
};

// --- keys ---

TEST_F(StackitApiTest, KeysJsonIsAFlatMapOfKidToPem) {
  http::Response r = Call("GET", "/v1/resolve-customer/keys.json");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  const json keys = Json(r);
  ASSERT_TRUE(keys.is_object());
  ASSERT_EQ(keys.size(), 1u);
  const json control = Json(Call("GET", "/_emulator/stackit/keys"));
  const std::string kid = control["keys"][0]["kid"];
  EXPECT_TRUE(control["keys"][0]["signing"].get<bool>());
  EXPECT_EQ(control["keysUrl"], emu_.url() + "/v1/resolve-customer/keys.json");
  ASSERT_TRUE(keys.contains(kid));
  const std::string pem = keys[kid];
  EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u);
  EXPECT_NE(pem.find("-----END PUBLIC KEY-----"), std::string::npos);
  StatusOr<crypto::RsaKey> key = crypto::RsaKey::FromPem(pem);
  ASSERT_OK(key);
  EXPECT_FALSE(key->has_private());
  EXPECT_EQ(key->bits(), 2048);
}

TEST_F(StackitApiTest, JwksPublishesTheSameKeys) {
  const json keys = KeysJson();
  http::Response r = Call("GET", "/.well-known/jwks.json");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  const json jwks = Json(r);
  ASSERT_EQ(jwks["keys"].size(), keys.size());
  const json& jwk = jwks["keys"][0];
  EXPECT_EQ(jwk["kty"], "RSA");
  EXPECT_EQ(jwk["alg"], "RS256");
  EXPECT_EQ(jwk["use"], "sig");
  StatusOr<crypto::RsaKey> from_jwk = crypto::RsaKey::FromJwk(jwk);
  ASSERT_OK(from_jwk);
  EXPECT_EQ(from_jwk->PublicPem(), keys[jwk["kid"].get<std::string>()]);
}

TEST_F(StackitApiTest, RedirectTokensAreSignedByAPublishedKey) {
  const json s = Subscribe();
  const std::string token = s["token"];
  const json header = JwtHeader(token);
  const json claims = JwtClaims(token);
  EXPECT_EQ(header["alg"], "RS256");
  ASSERT_TRUE(KeysJson().contains(header["kid"].get<std::string>()));
  EXPECT_EQ(claims["iss"], emu_.url() + "/v1/resolve-customer/keys.json");
  EXPECT_EQ(claims["iat"], wall_.NowSeconds());
  EXPECT_EQ(claims["exp"], wall_.NowSeconds() + 300);
  EXPECT_EQ(claims["subscriptionId"], s["subscriptionId"]);
  EXPECT_FALSE(claims.contains("aud"));
  EXPECT_EQ(s["redirectUrl"], "http://127.0.0.1:8080/stackit/signup?x-stackit-marketplace-token=" + token);
  EXPECT_EQ(s["subscription"]["lifecycleState"], "SUBSCRIPTION_PENDING");
}

// --- POST /token ---

TEST_F(StackitApiTest, TokenEndpointGrantsForAJwtBearerForm) {
  http::Response r = PostToken({{"grant_type", ::mpemu::testing::kJwtBearerGrant}, {"assertion", SignedAssertion()}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");
  const json tokens = Json(r);
  for (const char* field : {"access_token", "refresh_token", "expires_in", "scope", "token_type"}) {
    EXPECT_TRUE(tokens.contains(field)) << field;
  }
  EXPECT_EQ(tokens["token_type"], "Bearer");
  EXPECT_EQ(tokens["expires_in"], 600);
  const std::string access = tokens["access_token"];
  EXPECT_EQ(JwtClaims(access)["exp"], wall_.NowSeconds() + 600);

  // The access token works on the vendor API.
  http::Response list = Call("GET", Api("/subscriptions"), "", "", {{"Authorization", "Bearer " + access}});
  EXPECT_EQ(list.status, 200) << list.body;

  // ...and the refresh token rotates once.
  http::Response refreshed = PostToken({{"grant_type", "refresh_token"}, {"refresh_token", tokens["refresh_token"]}});
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_NE(Json(refreshed)["refresh_token"], tokens["refresh_token"]);
  http::Response reused = PostToken({{"grant_type", "refresh_token"}, {"refresh_token", tokens["refresh_token"]}});
  EXPECT_TRUE(IsStackitError(reused, 400, "/token"));
  EXPECT_THAT(Json(reused)["message"].get<std::string>(), HasSubstr("already used"));
}

TEST_F(StackitApiTest, TokenEndpointTakesFormsOnly) {
  const json grant = {{"grant_type", ::mpemu::testing::kJwtBearerGrant}, {"assertion", SignedAssertion()}};
  http::Response as_json = Call("POST", "/token", grant.dump(), "application/json");
  EXPECT_TRUE(IsStackitError(as_json, 400, "/token"));
  EXPECT_THAT(Json(as_json)["message"].get<std::string>(), HasSubstr("application/x-www-form-urlencoded"));
  http::Response no_type = Call("POST", "/token", FormBody({{"grant_type", "refresh_token"}}));
  EXPECT_TRUE(IsStackitError(no_type, 400, "/token"));
  // Grant fields in the query string do not count.
  http::Response in_query = Call("POST", "/token?grant_type=refresh_token&refresh_token=x", "",
                                 "application/x-www-form-urlencoded");
  EXPECT_TRUE(IsStackitError(in_query, 400, "/token"));
  EXPECT_THAT(Json(in_query)["message"].get<std::string>(), HasSubstr("grant_type failed: missing"));
  EXPECT_TRUE(IsStackitError(Call("GET", "/token"), 405, "/token"));
}

TEST_F(StackitApiTest, TokenEndpointErrorsAreStackitErrorResponses) {
  http::Response unknown_kid = PostToken({{"grant_type", ::mpemu::testing::kJwtBearerGrant},
                                          {"assertion", SignedAssertion([](auto& a) { a.header["kid"] = "XXXXX"; })}});
  EXPECT_TRUE(IsStackitError(unknown_kid, 400, "/token"));
  EXPECT_EQ(Json(unknown_kid)["message"], "Key with kid XXXXX was not found");  // the SDK greps for this

  const struct {
    std::function<void(::mpemu::testing::Assertion&)> change;
    const char* message;
  } cases[] = {
      {[](auto& a) { a.claims["iss"] = "intruder@sa.stackit.cloud"; }, "issuer"},
      {[](auto& a) { a.claims["sub"] = "00000000-0000-4000-8000-000000000000"; }, "sub must be"},
      {[](auto& a) { a.claims["aud"] = "https://elsewhere.example"; }, "aud must be"},
      {[](auto& a) { a.header["alg"] = "RS256"; }, "RS256"},
      {[this](auto& a) {
         a.claims["iat"] = wall_.NowSeconds() - 7200;
         a.claims["exp"] = wall_.NowSeconds() - 3600;
       },
       "expired"},
  };
  for (const auto& c : cases) {
    http::Response r = PostToken({{"grant_type", ::mpemu::testing::kJwtBearerGrant}, {"assertion", SignedAssertion(c.change)}});
    EXPECT_TRUE(IsStackitError(r, 400, "/token")) << c.message;
    EXPECT_THAT(Json(r).value("message", ""), HasSubstr(c.message));
  }
  EXPECT_TRUE(IsStackitError(PostToken({{"grant_type", "password"}}), 400, "/token"));
  EXPECT_TRUE(IsStackitError(PostToken({{"grant_type", ::mpemu::testing::kJwtBearerGrant}, {"assertion", "x.y.z"}}),
                             400, "/token"));
}

// --- resolve-customer ---

TEST_F(StackitApiTest, ResolveCustomerReturnsTheVendorSubscription) {
  const json s = Subscribe();
  http::Response r = Vendor("POST", Api("/resolve-customer"), json{{"token", s["token"]}}.dump(), "application/json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  const json sub = Json(r);
  EXPECT_EQ(sub["subscriptionId"], s["subscriptionId"]);
  EXPECT_EQ(sub["lifecycleState"], "SUBSCRIPTION_PENDING");
  EXPECT_TRUE(IsCanonicalUuid(sub["projectId"]));
  EXPECT_TRUE(IsCanonicalUuid(sub["organizationId"]));
  EXPECT_TRUE(sub["orderedAt"].is_string());
  for (const char* field : {"productId", "productName", "vendorName", "vendorWebsiteUrl", "deliveryMethod",
                            "lifecycleState", "priceType", "pricingPlan", "planId"}) {
    EXPECT_TRUE(sub["product"].contains(field)) << field;  // the Go reference dereferences them all
  }
}

TEST_F(StackitApiTest, ResolveCustomerErrors) {
  const json s = Subscribe();
  const std::string path = Api("/resolve-customer");
  EXPECT_TRUE(IsStackitError(Vendor("POST", path, R"({"token": "garbage"})", "application/json"), 400, path));
  EXPECT_TRUE(IsStackitError(Vendor("POST", path, R"({"tokn": "x"})", "application/json"), 400, path));
  EXPECT_TRUE(IsStackitError(Vendor("POST", path, R"({"token": 5})", "application/json"), 400, path));
  EXPECT_TRUE(IsStackitError(Vendor("POST", path, "", "application/json"), 400, path));
  http::Response malformed = Vendor("POST", path, R"({"token": )", "application/json");
  EXPECT_TRUE(IsStackitError(malformed, 400, path));
  EXPECT_THAT(Json(malformed).value("message", ""), HasSubstr("malformed JSON body at byte"));
  // Signed with a key the marketplace never published.
  ::mpemu::testing::Assertion forged;
  forged.header = JwtHeader(s["token"]);
  forged.header["alg"] = "RS256";
  forged.claims = JwtClaims(s["token"]);
  const std::string forged_token = ::mpemu::testing::SignAssertion(forged, ::mpemu::testing::TestKey(6));
  EXPECT_TRUE(IsStackitError(Vendor("POST", path, json{{"token", forged_token}}.dump(), "application/json"), 404, path));
  // No bearer token at all.
  EXPECT_TRUE(IsStackitError(Call("POST", path, json{{"token", s["token"]}}.dump(), "application/json"), 401, path));
}

TEST_F(StackitApiTest, ResolveCustomerForAnotherVendorsProductIsForbidden) {
  const json theirs = Subscribe(kOtherProduct);
  const std::string path = Api("/resolve-customer");
  EXPECT_TRUE(IsStackitError(Vendor("POST", path, json{{"token", theirs["token"]}}.dump(), "application/json"), 403, path));
  // Their own vendor resolves it.
  http::Response r = Call("POST", Api("/resolve-customer", kOtherProject), json{{"token", theirs["token"]}}.dump(),
                          "application/json", {{"Authorization", std::string("Bearer ") + kOtherToken}});
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(StackitApiTest, ResolveCustomerWithAnExpiredToken) {
  const json s = Subscribe();
  const std::string path = Api("/resolve-customer");
  const std::string body = json{{"token", s["token"]}}.dump();
  wall_.AdvanceMillis(299 * 1000);
  EXPECT_EQ(Vendor("POST", path, body, "application/json").status, 200);
  wall_.AdvanceMillis(1000);
  http::Response r = Vendor("POST", path, body, "application/json");
  EXPECT_TRUE(IsStackitError(r, 404, path));
  EXPECT_THAT(Json(r).value("message", ""), HasSubstr("expired"));
  // A token minted with a past expiry through the control API fails the same way.
  http::Response minted = Call("POST", "/_emulator/stackit/subscriptions/" + s["subscriptionId"].get<std::string>() + "/token",
                               R"({"iatOffsetSeconds": -600, "ttlSeconds": 60})", "application/json");
  ASSERT_EQ(minted.status, 201) << minted.body;
  EXPECT_TRUE(IsStackitError(Vendor("POST", path, json{{"token", Json(minted)["token"]}}.dump(), "application/json"), 404, path));
}

// --- authentication and authorization on every vendor route ---

TEST_F(StackitApiTest, EveryVendorRouteNeedsAValidBearerForItsProject) {
  const std::string id = Subscribe()["subscriptionId"];
  const struct {
    const char* method;
    std::string suffix;
    std::string body;
  } routes[] = {
      {"GET", "/subscriptions", ""},
      {"GET", "/subscriptions/" + id, ""},
      {"POST", "/subscriptions/" + id + "/approve", ""},
      {"POST", "/subscriptions/" + id + "/reject", ""},
      {"POST", "/resolve-customer", R"({"token": "x"})"},
  };
  // An access token that has expired on the wall clock.
  http::Response granted = PostToken({{"grant_type", ::mpemu::testing::kJwtBearerGrant}, {"assertion", SignedAssertion()}});
  ASSERT_EQ(granted.status, 200);
  const std::string access = Json(granted)["access_token"];
  wall_.AdvanceMillis(600 * 1000);

  for (const auto& route : routes) {
    const std::string path = Api(route.suffix);
    const std::string type = route.body.empty() ? "" : "application/json";
    SCOPED_TRACE(std::string(route.method) + " " + path);
    EXPECT_TRUE(IsStackitError(Call(route.method, path, route.body, type), 401, path));
    EXPECT_TRUE(IsStackitError(Call(route.method, path, route.body, type, {{"Authorization", "Bearer nope"}}), 401, path));
    EXPECT_TRUE(IsStackitError(Call(route.method, path, route.body, type, {{"Authorization", "Basic dXNlcjpwYXNz"}}), 401, path));
    EXPECT_TRUE(IsStackitError(Call(route.method, path, route.body, type, {{"Authorization", "Bearer " + access}}), 401, path));
    // The static token of another vendor project, or a path for another project.
    EXPECT_TRUE(IsStackitError(
        Call(route.method, path, route.body, type, {{"Authorization", std::string("Bearer ") + kOtherToken}}), 403, path));
    const std::string other = Api(route.suffix, kOtherProject);
    EXPECT_TRUE(IsStackitError(Vendor(route.method, other, route.body, type), 403, other));
    const std::string bad_project = Api(route.suffix, "not-a-uuid");
    EXPECT_TRUE(IsStackitError(Vendor(route.method, bad_project, route.body, type), 400, bad_project));
  }
  // Nothing changed.
  EXPECT_EQ(ControlState(id), "SUBSCRIPTION_PENDING");
}

// --- get, approve, reject ---

TEST_F(StackitApiTest, GetSubscription) {
  const json s = Subscribe();
  http::Response r = Vendor("GET", Api("/subscriptions/" + s["subscriptionId"].get<std::string>()));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Json(r)["subscriptionId"], s["subscriptionId"]);
  const std::string missing = Api(std::string("/subscriptions/") + kUnknownId);
  http::Response nf = Vendor("GET", missing);
  EXPECT_TRUE(IsStackitError(nf, 404, missing));
  EXPECT_EQ(Json(nf)["message"], std::string("Subscription ") + kUnknownId + " not found.");
  // Another vendor's subscription is not theirs to see.
  const std::string theirs = Api("/subscriptions/" + Subscribe(kOtherProduct)["subscriptionId"].get<std::string>());
  EXPECT_TRUE(IsStackitError(Vendor("GET", theirs), 403, theirs));
}

TEST_F(StackitApiTest, ApproveAcceptsEveryBodyTheClientsSend) {
  const struct {
    const char* name;
    std::string body;
    std::string content_type;
    std::string target;
  } cases[] = {
      {"no body", "", "", ""},
      {"empty JSON body (Python SDK)", "", "application/json", ""},
      {"{}", "{}", "application/json", ""},
      {"null", "null", "application/json", ""},
      {"instanceTarget", R"({"instanceTarget": "https://vendor.example/instances/42"})", "application/json",
       "https://vendor.example/instances/42"},
      {"instanceTarget null", R"({"instanceTarget": null})", "application/json", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string id = Subscribe()["subscriptionId"];
    http::Response r = Vendor("POST", Api("/subscriptions/" + id + "/approve"), c.body, c.content_type);
    EXPECT_EQ(r.status, 204) << r.body;
    EXPECT_EQ(r.body, "");
    const json control = Json(Call("GET", "/_emulator/stackit/subscriptions/" + id));
    EXPECT_EQ(control["lifecycleState"], "SUBSCRIPTION_ACTIVE");
    EXPECT_EQ(control["instanceTarget"], c.target);
    EXPECT_EQ(VendorState(id), "SUBSCRIPTION_ACTIVE");
  }
}

TEST_F(StackitApiTest, ApproveRejectsBadBodiesAndLeavesThePendingState) {
  const std::string id = Subscribe()["subscriptionId"];
  const std::string path = Api("/subscriptions/" + id + "/approve");
  for (const std::string& body : {std::string(R"({"instanceTarget": 5})"), std::string("[1]"), std::string("\"x\""),
                                 std::string("{bad"),
                                 json{{"instanceTarget", "https://v.example/" + std::string(600, 'a')}}.dump()}) {
    EXPECT_TRUE(IsStackitError(Vendor("POST", path, body, "application/json"), 400, path)) << body;
  }
  EXPECT_EQ(ControlState(id), "SUBSCRIPTION_PENDING");
}

TEST_F(StackitApiTest, ApproveOnlyPendingSubscriptions) {
  const std::string id = Subscribe()["subscriptionId"];
  const std::string path = Api("/subscriptions/" + id + "/approve");
  EXPECT_EQ(Vendor("POST", path).status, 204);
  http::Response again = Vendor("POST", path);
  EXPECT_TRUE(IsStackitError(again, 400, path));
  EXPECT_THAT(Json(again).value("message", ""), HasSubstr("SUBSCRIPTION_ACTIVE"));
  const std::string missing = Api(std::string("/subscriptions/") + kUnknownId + "/approve");
  EXPECT_TRUE(IsStackitError(Vendor("POST", missing), 404, missing));
}

TEST_F(StackitApiTest, ConcurrentApprovalsActivateExactlyOnce) {
  const std::string id = Subscribe()["subscriptionId"];
  const std::string path = Api("/subscriptions/" + id + "/approve");
  std::vector<std::future<int>> statuses;
  for (int i = 0; i < 8; ++i) {
    statuses.push_back(std::async(std::launch::async, [&] {
      http::Client client(emu_.url());  // one connection each
      StatusOr<http::Response> r = client.Send("POST", path, {{"Authorization", emu_.bearer()}});
      return r.ok() ? r->status : -1;
    }));
  }
  int approved = 0;
  int refused = 0;
  for (auto& s : statuses) {
    const int status = s.get();
    approved += status == 204 ? 1 : 0;
    refused += status == 400 ? 1 : 0;
  }
  EXPECT_EQ(approved, 1);
  EXPECT_EQ(refused, 7);
  const json history = Json(Call("GET", "/_emulator/stackit/subscriptions/" + id))["history"];
  EXPECT_EQ(history.size(), 2u);  // PENDING, then ACTIVE once
}

TEST_F(StackitApiTest, RejectOnlyForPreviewProducts) {
  const auto& products = emu_.emulator().config().stackit.products;
  const std::string preview = Subscribe(products[1].product_id)["subscriptionId"];
  EXPECT_EQ(Vendor("POST", Api("/subscriptions/" + preview + "/reject")).status, 204);
  EXPECT_EQ(VendorState(preview), "SUBSCRIPTION_REJECTED");
  const std::string live = Subscribe(products[0].product_id)["subscriptionId"];
  const std::string path = Api("/subscriptions/" + live + "/reject");
  http::Response r = Vendor("POST", path);
  EXPECT_TRUE(IsStackitError(r, 400, path));
  EXPECT_THAT(Json(r).value("message", ""), HasSubstr("PRODUCT_PREVIEW"));
  EXPECT_EQ(ControlState(live), "SUBSCRIPTION_PENDING");
}

// --- list ---

TEST_F(StackitApiTest, ListPagesFiltersAndValidates) {
  const auto& products = emu_.emulator().config().stackit.products;
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(Subscribe(products[0].product_id)["subscriptionId"]);
  ids.push_back(Subscribe(products[1].product_id)["subscriptionId"]);
  Subscribe(kOtherProduct);  // another vendor's: never listed here

  http::Response first = Vendor("GET", Api("/subscriptions?limit=3"));
  ASSERT_EQ(first.status, 200) << first.body;
  const json page1 = Json(first);
  ASSERT_EQ(page1["items"].size(), 3u);
  EXPECT_EQ(page1["limit"], 3);
  EXPECT_EQ(page1["items"][0]["subscriptionId"], ids[0]);
  const std::string cursor = page1["cursor"];
  ASSERT_FALSE(cursor.empty());
  const json page2 = Json(Vendor("GET", Api("/subscriptions?limit=3&cursor=" + http::UrlEncode(cursor))));
  ASSERT_EQ(page2["items"].size(), 1u);
  EXPECT_EQ(page2["items"][0]["subscriptionId"], ids[3]);
  EXPECT_EQ(page2["cursor"], "");

  const json all = Json(Vendor("GET", Api("/subscriptions")));
  EXPECT_EQ(all["items"].size(), 4u);
  EXPECT_EQ(all["limit"], 50);
  const json filtered = Json(Vendor("GET", Api("/subscriptions?productId=" + products[1].product_id)));
  ASSERT_EQ(filtered["items"].size(), 1u);
  EXPECT_EQ(filtered["items"][0]["product"]["productId"], products[1].product_id);

  for (const std::string query : {"limit=abc", "limit=-1", "cursor=bogus", "includeExpired=maybe"}) {
    const std::string path = Api("/subscriptions");
    EXPECT_TRUE(IsStackitError(Vendor("GET", path + "?" + query), 400, path)) << query;
  }
}

// --- time: the pending TTL on the virtual clock ---

TEST_F(StackitApiTest, AnHourAndASecondLaterAPendingSubscriptionIsRejected) {
  const std::string id = Subscribe()["subscriptionId"];
  http::Response r = Call("POST", "/_emulator/clock/advance", R"({"seconds": 3601})", "application/json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(VendorState(id), "SUBSCRIPTION_REJECTED");
  EXPECT_EQ(ControlState(id), "SUBSCRIPTION_REJECTED");
}

TEST_F(StackitApiTest, PendingExpiresWhenTheVirtualClockPassesTheTtl) {
  const json s = Subscribe();
  const std::string id = s["subscriptionId"];
  const json clock = AdvanceClock(3599);
  EXPECT_EQ(clock["offsetMillis"], 3599 * 1000);
  EXPECT_EQ(VendorState(id), "SUBSCRIPTION_PENDING");
  AdvanceClock(1);  // exactly the one-hour TTL
  EXPECT_EQ(VendorState(id), "SUBSCRIPTION_REJECTED");

  // Hidden from the default list, shown with includeExpired.
  EXPECT_TRUE(Json(Vendor("GET", Api("/subscriptions")))["items"].empty());
  const json expired = Json(Vendor("GET", Api("/subscriptions?includeExpired=true")));
  ASSERT_EQ(expired["items"].size(), 1u);
  EXPECT_EQ(expired["items"][0]["lifecycleState"], "SUBSCRIPTION_REJECTED");
  // Too late to approve.
  const std::string approve = Api("/subscriptions/" + id + "/approve");
  EXPECT_TRUE(IsStackitError(Vendor("POST", approve), 400, approve));
  // The redirect token lives on the vendor's wall clock, which did not move: it still resolves.
  http::Response resolved = Vendor("POST", Api("/resolve-customer"), json{{"token", s["token"]}}.dump(), "application/json");
  ASSERT_EQ(resolved.status, 200);
  EXPECT_EQ(Json(resolved)["lifecycleState"], "SUBSCRIPTION_REJECTED");
}

TEST_F(StackitApiTest, AdvancingByMoreThanTheTtlExpiresOnlyDueSubscriptions) {
  const std::string old_id = Subscribe()["subscriptionId"];
  AdvanceClock(1800);
  const std::string young_id = Subscribe()["subscriptionId"];
  const std::string approved_id = Subscribe()["subscriptionId"];
  ASSERT_EQ(Vendor("POST", Api("/subscriptions/" + approved_id + "/approve")).status, 204);
  AdvanceClock(3601 - 1800);
  EXPECT_EQ(ControlState(old_id), "SUBSCRIPTION_REJECTED");
  EXPECT_EQ(ControlState(young_id), "SUBSCRIPTION_PENDING");
  EXPECT_EQ(ControlState(approved_id), "SUBSCRIPTION_ACTIVE");
  const json history = Json(Call("GET", "/_emulator/stackit/subscriptions/" + old_id))["history"];
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1]["state"], "SUBSCRIPTION_REJECTED");
}

// --- key rotation ---

TEST_F(StackitApiTest, KeyRotationPublishesTheNewKeyBeforeUsingIt) {
  const json before = Subscribe();
  const std::string old_kid = JwtHeader(before["token"])["kid"];

  http::Response rotated = Call("POST", "/_emulator/stackit/keys/rotate", "", "");
  ASSERT_EQ(rotated.status, 201) << rotated.body;
  const std::string new_kid = Json(rotated)["kid"];
  EXPECT_NE(new_kid, old_kid);
  const json keys = KeysJson();
  EXPECT_TRUE(keys.contains(old_kid));  // still published: tokens in flight keep verifying
  EXPECT_TRUE(keys.contains(new_kid));

  const json after = Subscribe();
  EXPECT_EQ(JwtHeader(after["token"])["kid"], new_kid);
  for (const json* s : {&before, &after}) {
    http::Response r = Vendor("POST", Api("/resolve-customer"), json{{"token", (*s)["token"]}}.dump(), "application/json");
    EXPECT_EQ(r.status, 200) << r.body;
  }

  http::Response retired = Call("POST", "/_emulator/stackit/keys/rotate", R"({"retirePrevious": true})", "application/json");
  ASSERT_EQ(retired.status, 201);
  const std::string newest = Json(retired)["kid"];
  const json published = KeysJson();
  EXPECT_EQ(published.size(), 1u);
  EXPECT_TRUE(published.contains(newest));
  EXPECT_EQ(JwtHeader(Subscribe()["token"])["kid"], newest);
  const json control = Json(Call("GET", "/_emulator/stackit/keys"));
  ASSERT_EQ(control["keys"].size(), 3u);
  for (const json& k : control["keys"]) {
    EXPECT_EQ(k["published"], k["kid"] == newest);
    EXPECT_EQ(k["signing"], k["kid"] == newest);
  }

  // A retired key can be published again.
  http::Response republished = Call("POST", "/_emulator/stackit/keys/" + old_kid + "/publish", "", "");
  ASSERT_EQ(republished.status, 200);
  EXPECT_TRUE(KeysJson().contains(old_kid));
  EXPECT_EQ(Call("POST", "/_emulator/stackit/keys/nope/unpublish", "", "").status, 404);
}

// --- lifecycle moves made by the marketplace ---

TEST_F(StackitApiTest, StateTransitionsSetThroughTheControlApi) {
  const std::string id = Subscribe()["subscriptionId"];
  ASSERT_EQ(Vendor("POST", Api("/subscriptions/" + id + "/approve")).status, 204);
  EXPECT_EQ(VendorState(id), "SUBSCRIPTION_ACTIVE");
  const std::string state_path = "/_emulator/stackit/subscriptions/" + id + "/state";
  for (const char* state : {"SUBSCRIPTION_CANCELLING", "SUBSCRIPTION_CANCELLED"}) {
    http::Response r = Call("POST", state_path, json{{"state", state}}.dump(), "application/json");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Json(r)["lifecycleState"], state);
    EXPECT_EQ(VendorState(id), state);
  }
  EXPECT_TRUE(Json(Vendor("GET", Api("/subscriptions")))["items"].empty());
  EXPECT_EQ(Json(Vendor("GET", Api("/subscriptions?includeExpired=true")))["items"][0]["lifecycleState"],
            "SUBSCRIPTION_CANCELLED");
  const json history = Json(Call("GET", "/_emulator/stackit/subscriptions/" + id))["history"];
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[0]["state"], "SUBSCRIPTION_PENDING");
  EXPECT_EQ(history[1]["state"], "SUBSCRIPTION_ACTIVE");
  EXPECT_EQ(history[2]["state"], "SUBSCRIPTION_CANCELLING");
  EXPECT_EQ(history[3]["state"], "SUBSCRIPTION_CANCELLED");

  const std::string other = Subscribe()["subscriptionId"];
  ASSERT_EQ(Vendor("POST", Api("/subscriptions/" + other + "/approve")).status, 204);
  ASSERT_EQ(Call("POST", "/_emulator/stackit/subscriptions/" + other + "/state",
                 R"({"state": "SUBSCRIPTION_INACTIVE", "reason": "payment failed"})", "application/json").status, 200);
  EXPECT_EQ(VendorState(other), "SUBSCRIPTION_INACTIVE");
  EXPECT_EQ(Json(Vendor("GET", Api("/subscriptions")))["items"].size(), 1u);  // INACTIVE is listed

  EXPECT_EQ(Call("POST", state_path, R"({"state": "SUBSCRIPTION_PAUSED"})", "application/json").status, 400);
  EXPECT_EQ(Call("POST", state_path, R"({"status": "x"})", "application/json").status, 400);
  EXPECT_EQ(Call("POST", std::string("/_emulator/stackit/subscriptions/") + kUnknownId + "/state",
                 R"({"state": "SUBSCRIPTION_ACTIVE"})", "application/json").status, 404);
}

// --- transport-level errors in STACKIT's schema ---

TEST_F(StackitApiTest, MalformedOversizedUnknownAndWrongMethodGetTheErrorSchema) {
  const std::string resolve = Api("/resolve-customer");
  EXPECT_TRUE(IsStackitError(Vendor("POST", resolve, "{\"token\": \"x\",,}", "application/json"), 400, resolve));

  const std::string big(2 * 1024 * 1024, 'x');
  http::Response too_large = Vendor("POST", resolve, big, "application/json");
  EXPECT_TRUE(IsStackitError(too_large, 413, resolve));
  EXPECT_THAT(Json(too_large).value("message", ""), HasSubstr("1048576"));
  const std::string token_path = "/token";
  EXPECT_TRUE(IsStackitError(Call("POST", token_path, big, "application/x-www-form-urlencoded"), 413, token_path));

  for (const std::string& path : {"/v1/vendors/projects/" + emu_.project() + "/nothing", std::string("/v1/unknown"),
                                 std::string("/v2/vendors/projects"), std::string("/nothing/at/all"),
                                 std::string("/v1/resolve-customer/keys.xml")}) {
    EXPECT_TRUE(IsStackitError(Vendor("GET", path), 404, path)) << path;
  }
  const std::string list = Api("/subscriptions");
  EXPECT_TRUE(IsStackitError(Vendor("DELETE", list), 405, list));
  EXPECT_TRUE(IsStackitError(Vendor("POST", list, "{}", "application/json"), 405, list));
  EXPECT_TRUE(IsStackitError(Call("POST", "/v1/resolve-customer/keys.json", "{}", "application/json"), 405,
                             "/v1/resolve-customer/keys.json"));

  // Bytes that are not UTF-8, in the path and in a body: answered, journaled, never a crash.
  // (Regression: echoing them into the error reply threw and terminated the emulator.)
  const std::string bad_id = Api("/subscriptions/%FF%FE");
  http::Response bad_path = Vendor("GET", bad_id);
  EXPECT_EQ(bad_path.status, 404);
  EXPECT_TRUE(json::accept(bad_path.body)) << bad_path.body;
  EXPECT_THAT(Json(bad_path).value("message", ""), HasSubstr("Subscription \xEF\xBF\xBD\xEF\xBF\xBD not found."));
  EXPECT_EQ(Call("GET", "/nothing%FF").status, 404);
  http::Response bad_body = Vendor("POST", resolve, "{\"token\": \"\xff\"}", "application/json");
  EXPECT_EQ(bad_body.status, 400);
  EXPECT_TRUE(json::accept(bad_body.body)) << bad_body.body;
  http::Response journal = Call("GET", "/_emulator/journal?control=true");
  EXPECT_EQ(journal.status, 200);
  EXPECT_TRUE(json::accept(journal.body));

  // Nothing crashed: the same connection still serves.
  EXPECT_EQ(Call("GET", "/_emulator/health").status, 200);
  EXPECT_EQ(Vendor("GET", list).status, 200);
}

}  // namespace
}  // namespace mpemu
