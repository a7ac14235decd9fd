// The control plane (/_emulator/) over loopback: health, config, reset, the clock, the journal and
// fault injection; and the journal filter parser it uses.
#include "emulator/control/control_api.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "emulator/http/client.h"
#include "tests/support/scoped_emulator.h"
#include "tests/support/stackit_helpers.h"
#include "tests/support/status_matchers.h"

namespace mpemu {
namespace {

using ::mpemu::testing::IsStackitError;
using ::mpemu::testing::JwtHeader;
using ::mpemu::testing::ScopedEmulator;
using ::mpemu::testing::StatusIs;
using ::testing::HasSubstr;
using json = nlohmann::json;

class ControlApiTest : public ::testing::Test {
 protected:
  http::Response Call(const std::string& method, const std::string& path, const std::string& body = "",
                      const std::string& content_type = "", const http::Headers& headers = {}) {
    StatusOr<http::Response> r = client_->Send(method, path, headers, body, content_type);
    EXPECT_OK(r);
    return r.ok() ? *r : http::Response{};
  }
  http::Response PostJson(const std::string& path, const json& body) {
    return Call("POST", path, body.dump(), "application/json");
  }
  static json Json(const http::Response& r) { return json::parse(r.body, nullptr, false); }
  std::string Subscribe() {
    http::Response r = PostJson("/_emulator/stackit/subscriptions", json::object());
    EXPECT_EQ(r.status, 201) << r.body;
    return Json(r).value("subscriptionId", "");
  }
  std::string KeysPath() const { return "/v1/resolve-customer/keys.json"; }
  std::string ListPath() const { return "/v1/vendors/projects/" + emu_.project() + "/subscriptions"; }
  json Journal(const std::string& query) {
    http::Response r = Call("GET", "/_emulator/journal" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r);
  }

  ScopedEmulator emu_;
  std::unique_ptr<http::Client> client_ = emu_.NewClient();
};

TEST_F(ControlApiTest, HealthSaysReady) {
  http::Response r = Call("GET", "/_emulator/health");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  const json h = Json(r);
  EXPECT_EQ(h["status"], "ok");
  EXPECT_EQ(h["ready"], true);
  EXPECT_EQ(h["marketplaces"], json::array({"stackit", "clevercloud", "pandium"}));
  EXPECT_TRUE(h["uptimeMs"].is_number_integer());
  EXPECT_TRUE(h["version"].is_string());
}

TEST_F(ControlApiTest, ConfigHasWhatScriptsNeed) {
  const json c = Json(Call("GET", "/_emulator/config"));
  EXPECT_EQ(c["baseUrl"], emu_.url());
  EXPECT_EQ(c["server"]["port"], emu_.emulator().port());
  EXPECT_EQ(c["state"], "memory");
  const json& s = c["stackit"];
  EXPECT_EQ(s["projectId"], emu_.project());
  EXPECT_EQ("Bearer " + s["bearerToken"].get<std::string>(), emu_.bearer());
  EXPECT_EQ(s["keysUrl"], emu_.url() + KeysPath());
  EXPECT_EQ(s["issuer"], emu_.url() + KeysPath());  // issuer "self"
  EXPECT_EQ(s["issuerMode"], "self");
  EXPECT_EQ(s["jwksUrl"], emu_.url() + "/.well-known/jwks.json");
  EXPECT_EQ(s["tokenUrl"], emu_.url() + "/token");
  EXPECT_EQ(s["apiUrl"], emu_.url());
  ASSERT_TRUE(s["serviceAccountKeyUrl"].is_string());
  // The URLs it names answer.
  auto split = http::SplitUrl(s["serviceAccountKeyUrl"]);
  ASSERT_OK(split);
  EXPECT_EQ(Call("GET", split->second).status, 200);
  EXPECT_EQ(Call("GET", KeysPath()).status, 200);
}

TEST_F(ControlApiTest, ResetForgetsStateClockJournalAndFaults) {
  const std::string id = Subscribe();
  ASSERT_EQ(PostJson("/_emulator/clock/advance", {{"seconds", 90}}).status, 200);
  ASSERT_EQ(PostJson("/_emulator/faults", {{"route", "stackit.jwks"}, {"status", 500}}).status, 201);
  const std::string kid = Json(Call("GET", "/_emulator/stackit/keys"))["keys"][0]["kid"];

  http::Response r = Call("POST", "/_emulator/reset");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r), json({{"reset", true}, {"keys", false}}));
  EXPECT_EQ(emu_.emulator().journal().size(), 1u);  // only the reset request itself
  EXPECT_TRUE(Json(Call("GET", "/_emulator/stackit/subscriptions"))["items"].empty());
  EXPECT_EQ(Call("GET", "/_emulator/stackit/subscriptions/" + id).status, 404);
  EXPECT_EQ(Json(Call("GET", "/_emulator/clock"))["offsetMillis"], 0);
  EXPECT_TRUE(Json(Call("GET", "/_emulator/faults"))["faults"].empty());
  EXPECT_EQ(Json(Call("GET", "/_emulator/stackit/keys"))["keys"][0]["kid"], kid);  // keys survive

  ASSERT_EQ(PostJson("/_emulator/reset", {{"keys", true}}).status, 200);
  const json keys = Json(Call("GET", "/_emulator/stackit/keys"))["keys"];
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_NE(keys[0]["kid"], kid);
  EXPECT_FALSE(Json(Call("GET", KeysPath())).contains(kid));
  EXPECT_TRUE(IsStackitError(Call("POST", "/_emulator/reset", "{oops", "application/json"), 400, "/_emulator/reset"));
  // Regression: a non-boolean flag threw inside nlohmann's value() and answered 500.
  EXPECT_TRUE(IsStackitError(PostJson("/_emulator/reset", {{"keys", "yes"}}), 400, "/_emulator/reset"));
  EXPECT_TRUE(IsStackitError(PostJson("/_emulator/stackit/keys/rotate", {{"retirePrevious", 1}}), 400,
                             "/_emulator/stackit/keys/rotate"));
  EXPECT_EQ(Json(Call("GET", "/_emulator/stackit/keys"))["keys"].size(), 1u);
}

TEST_F(ControlApiTest, ClockShowsAndAdvances) {
  const json before = Json(Call("GET", "/_emulator/clock"));
  EXPECT_EQ(before["offsetMillis"], 0);
  EXPECT_EQ(before["offset"], "0s");
  EXPECT_TRUE(before["now"].is_string());
  EXPECT_TRUE(before["wallNow"].is_string());

  http::Response by_seconds = PostJson("/_emulator/clock/advance", {{"seconds", 3601}});
  ASSERT_EQ(by_seconds.status, 200);
  EXPECT_EQ(Json(by_seconds)["offsetMillis"], 3601000);
  EXPECT_EQ(Json(by_seconds)["offset"], "1h1s");
  http::Response by_duration = PostJson("/_emulator/clock/advance", {{"duration", "1h30m"}});
  ASSERT_EQ(by_duration.status, 200);
  EXPECT_EQ(Json(by_duration)["offsetMillis"], 3601000 + 5400000);
  http::Response fraction = PostJson("/_emulator/clock/advance", {{"seconds", 0.5}});
  EXPECT_EQ(Json(fraction)["offsetMillis"], 3601000 + 5400000 + 500);
  const json after = Json(Call("GET", "/_emulator/clock"));
  EXPECT_GE(after["epochMillis"].get<int64_t>() - before["epochMillis"].get<int64_t>(), 9001500);

  const std::string path = "/_emulator/clock/advance";
  for (const std::string body : {R"({"seconds": -1})", R"({"duration": "-5m"})", R"({"duration": "5x"})",
                                 R"({"seconds": "60"})", R"({})", R"([60])", R"({"seconds": )", ""}) {
    http::Response r = Call("POST", path, body, "application/json");
    EXPECT_TRUE(IsStackitError(r, 400, path)) << body;  // the control plane's errors share the schema
  }
  // Regression: a step beyond int64 milliseconds was cast (undefined) or overflowed the clock.
  for (const std::string body : {R"({"seconds": 1e300})", R"({"seconds": -1e300})",
                                 R"({"duration": "106751991167d"})", R"({"seconds": 3.2e13})"}) {
    EXPECT_TRUE(IsStackitError(Call("POST", path, body, "application/json"), 400, path)) << body;
  }
  EXPECT_EQ(Json(Call("GET", "/_emulator/clock"))["offsetMillis"], 3601000 + 5400000 + 500);
  // Long but sane steps are fine: a 30-day approval window.
  EXPECT_EQ(PostJson(path, {{"duration", "30d"}}).status, 200);
}

TEST_F(ControlApiTest, JournalRecordsAndFilters) {
  const int64_t start = Journal("")["nextSeq"];
  Call("GET", KeysPath());
  Call("GET", ListPath(), "", "", {{"Authorization", emu_.bearer()}});
  Call("GET", ListPath());  // 401
  Call("GET", "/v1/nothing");  // 404
  Subscribe();  // control

  const json all = Journal("?after=" + std::to_string(start - 1));
  ASSERT_EQ(all["entries"].size(), 4u);  // control requests hidden by default
  const json& first = all["entries"][0];
  EXPECT_EQ(first["method"], "GET");
  EXPECT_EQ(first["path"], KeysPath());
  EXPECT_EQ(first["service"], "stackit.keys");
  EXPECT_EQ(first["route"], "stackit.keys");
  EXPECT_EQ(first["status"], 200);
  EXPECT_EQ(first["direction"], "inbound");
  EXPECT_EQ(first["remoteAddr"], "127.0.0.1");
  EXPECT_GE(first["seq"].get<int64_t>(), start);

  const std::string after = "&after=" + std::to_string(start - 1);
  EXPECT_EQ(Journal("?route=stackit.list-subscriptions" + after)["entries"].size(), 2u);
  EXPECT_EQ(Journal("?status=401" + after)["entries"].size(), 1u);
  EXPECT_EQ(Journal("?status=404" + after)["entries"][0]["path"], "/v1/nothing");
  EXPECT_EQ(Journal("?service=stackit.api" + after)["entries"].size(), 3u);
  EXPECT_EQ(Journal("?path=/v1/vendors/" + after)["entries"].size(), 2u);
  EXPECT_EQ(Journal("?pathContains=keys.json" + after)["entries"].size(), 1u);
  EXPECT_EQ(Journal("?method=POST" + after)["entries"].size(), 0u);
  EXPECT_EQ(Journal("?method=POST&control=true" + after)["entries"].size(), 1u);
  EXPECT_EQ(Journal("?limit=1" + after)["entries"].size(), 1u);
  // The authorization header the vendor sent is on record.
  const json listed = Journal("?route=stackit.list-subscriptions&status=200" + after)["entries"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["headers"]["Authorization"], emu_.bearer());

  for (const std::string bad : {"?status=abc", "?after=x", "?limit=", "?colour=red"}) {
    EXPECT_TRUE(IsStackitError(Call("GET", "/_emulator/journal" + bad), 400, "/_emulator/journal")) << bad;
  }

  EXPECT_EQ(Call("DELETE", "/_emulator/journal").status, 204);
  EXPECT_TRUE(Journal("")["entries"].empty());
  EXPECT_GT(Journal("")["nextSeq"].get<int64_t>(), start);
}

TEST_F(ControlApiTest, FaultReplacesTheNextReplies) {
  http::Response added = PostJson("/_emulator/faults", {{"route", "stackit.keys"},
                                                        {"status", 503},
                                                        {"json", {{"message", "keys down"}}},
                                                        {"times", 2}});
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string id = Json(added)["id"];
  EXPECT_EQ(Json(Call("GET", "/_emulator/faults"))["faults"][0]["id"], id);
  for (int i = 0; i < 2; ++i) {
    http::Response r = Call("GET", KeysPath());
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(Json(r), json({{"message", "keys down"}}));
    EXPECT_EQ(r.Header("Content-Type"), "application/json");
  }
  EXPECT_EQ(Call("GET", KeysPath()).status, 200);
  EXPECT_TRUE(Json(Call("GET", "/_emulator/faults"))["faults"].empty());
  const json shaped = Journal("?route=stackit.keys&status=503")["entries"];
  ASSERT_EQ(shaped.size(), 2u);
  EXPECT_EQ(shaped[0]["fault"], id);
}

TEST_F(ControlApiTest, FaultMergePatchRewritesTheRealReply) {
  const std::string id = Subscribe();
  ASSERT_EQ(PostJson("/_emulator/faults", {{"route", "stackit.get-subscription"},
                                           {"mergePatch", {{"lifecycleState", "SUBSCRIPTION_ACTIVE"},
                                                           {"organizationId", nullptr}}}}).status,
            201);
  http::Response r = Call("GET", ListPath() + "/" + id, "", "", {{"Authorization", emu_.bearer()}});
  ASSERT_EQ(r.status, 200);
  const json body = Json(r);
  EXPECT_EQ(body["lifecycleState"], "SUBSCRIPTION_ACTIVE");
  EXPECT_FALSE(body.contains("organizationId"));
  EXPECT_EQ(body["subscriptionId"], id);
  // Only the reply was forged, not the state.
  EXPECT_EQ(Json(Call("GET", "/_emulator/stackit/subscriptions/" + id))["lifecycleState"], "SUBSCRIPTION_PENDING");
}

TEST_F(ControlApiTest, FaultDelaySlowsTheReply) {
  ASSERT_EQ(PostJson("/_emulator/faults", {{"path", "/v1/resolve-customer/.*"}, {"delayMs", 150}}).status, 201);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Call("GET", KeysPath()).status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
}

TEST_F(ControlApiTest, FaultsAreRemovedAndValidated) {
  const std::string a = Json(PostJson("/_emulator/faults", {{"status", 500}, {"times", -1}, {"method", "PUT"}}))["id"];
  const std::string b = Json(PostJson("/_emulator/faults", {{"status", 500}, {"route", "stackit.jwks"}}))["id"];
  EXPECT_EQ(Json(Call("GET", "/_emulator/faults"))["faults"].size(), 2u);
  EXPECT_EQ(Call("DELETE", "/_emulator/faults/" + a).status, 204);
  EXPECT_TRUE(IsStackitError(Call("DELETE", "/_emulator/faults/" + a), 404, "/_emulator/faults/" + a));
  EXPECT_EQ(Call("DELETE", "/_emulator/faults").status, 204);
  EXPECT_TRUE(Json(Call("GET", "/_emulator/faults"))["faults"].empty());
  EXPECT_EQ(Call("GET", "/.well-known/jwks.json").status, 200);
  (void)b;

  for (const json& bad : {json{{"status", 1000}}, json{{"times", 0}, {"status", 500}}, json::object(),
                          json{{"path", "("}, {"status", 500}}, json{{"nope", 1}}}) {
    EXPECT_TRUE(IsStackitError(PostJson("/_emulator/faults", bad), 400, "/_emulator/faults")) << bad.dump();
  }
  EXPECT_TRUE(IsStackitError(Call("POST", "/_emulator/faults", "{", "application/json"), 400, "/_emulator/faults"));
}

TEST_F(ControlApiTest, UnknownControlPathsAndMethods) {
  EXPECT_TRUE(IsStackitError(Call("GET", "/_emulator/nothing"), 404, "/_emulator/nothing"));
  EXPECT_TRUE(IsStackitError(Call("PUT", "/_emulator/health"), 405, "/_emulator/health"));
  EXPECT_TRUE(IsStackitError(Call("GET", "/_emulator/stackit/subscriptions/0e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e"), 404,
                             "/_emulator/stackit/subscriptions/0e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e"));
}

TEST_F(ControlApiTest, SubscribeAndMintTokensThroughTheControlApi) {
  const auto& products = emu_.emulator().config().stackit.products;
  http::Response r = PostJson("/_emulator/stackit/subscriptions",
                              {{"productId", products[1].product_id},
                               {"subscriptionId", "a1a1a1a1-a1a1-4a1a-8a1a-a1a1a1a1a1a1"},
                               {"projectId", "b2b2b2b2-b2b2-4b2b-8b2b-b2b2b2b2b2b2"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const json s = Json(r);
  EXPECT_EQ(s["subscriptionId"], "a1a1a1a1-a1a1-4a1a-8a1a-a1a1a1a1a1a1");
  EXPECT_EQ(s["subscription"]["projectId"], "b2b2b2b2-b2b2-4b2b-8b2b-b2b2b2b2b2b2");
  EXPECT_EQ(s["subscription"]["productId"], products[1].product_id);
  EXPECT_TRUE(s["subscription"]["pendingDeadline"].is_string());

  EXPECT_EQ(PostJson("/_emulator/stackit/subscriptions", {{"productId", "nope-00000000"}}).status, 404);
  EXPECT_EQ(PostJson("/_emulator/stackit/subscriptions", {{"subscriptionId", "x"}}).status, 400);
  EXPECT_EQ(PostJson("/_emulator/stackit/subscriptions", {{"subscriptionId", "a1a1a1a1-a1a1-4a1a-8a1a-a1a1a1a1a1a1"}}).status,
            409);
  EXPECT_EQ(PostJson("/_emulator/stackit/subscriptions", json::array()).status, 400);

  const std::string mint = "/_emulator/stackit/subscriptions/a1a1a1a1-a1a1-4a1a-8a1a-a1a1a1a1a1a1/token";
  http::Response token = PostJson(mint, {{"claims", {{"aud", "x"}}}, {"header", {{"kid", "forged"}}}});
  ASSERT_EQ(token.status, 201) << token.body;
  EXPECT_EQ(JwtHeader(Json(token)["token"])["kid"], "forged");
  EXPECT_EQ(PostJson(mint, {{"claims", 5}}).status, 400);
  EXPECT_EQ(PostJson(mint, {{"ttlSeconds", "5m"}}).status, 400);
  EXPECT_EQ(PostJson(mint, {{"kid", "no-such-key"}}).status, 404);
  EXPECT_EQ(PostJson("/_emulator/stackit/subscriptions/0e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e/token", json::object()).status,
            404);

  // Service-account tokens for scripts, without an assertion.
  const std::string sa = emu_.emulator().config().stackit.service_accounts[0].email;
  http::Response tokens = Call("POST", "/_emulator/stackit/service-accounts/" + sa + "/token");
  ASSERT_EQ(tokens.status, 201);
  EXPECT_EQ(Call("GET", ListPath(), "", "", {{"Authorization", "Bearer " + Json(tokens)["access_token"].get<std::string>()}}).status,
            200);
  EXPECT_EQ(Call("POST", "/_emulator/stackit/service-accounts/nobody/token").status, 404);
  EXPECT_EQ(Call("GET", "/_emulator/stackit/service-accounts/nobody/key").status, 404);
}

// --- the journal filter parser, without sockets ---

TEST(JournalFilterFromParamsTest, ReadsEveryParameter) {
  http::Params p = {{"method", "POST"}, {"path", "/v1/"},  {"pathContains", "approve"}, {"service", "stackit.api"},
                    {"route", "r"},     {"direction", "outbound"}, {"status", "204"}, {"after", "17"},
                    {"limit", "5"},     {"control", "true"}};
  StatusOr<journal::Filter> f = control::JournalFilterFromParams(p);
  ASSERT_OK(f);
  EXPECT_EQ(f->method, "POST");
  EXPECT_EQ(f->path_prefix, "/v1/");
  EXPECT_EQ(f->path_contains, "approve");
  EXPECT_EQ(f->service, "stackit.api");
  EXPECT_EQ(f->route, "r");
  EXPECT_EQ(f->direction, "outbound");
  EXPECT_EQ(f->status, 204);
  EXPECT_EQ(f->after_seq, 17);
  EXPECT_EQ(f->limit, 5u);
  EXPECT_TRUE(f->include_control);
}

TEST(JournalFilterFromParamsTest, DefaultsAndErrors) {
  StatusOr<journal::Filter> empty = control::JournalFilterFromParams({});
  ASSERT_OK(empty);
  EXPECT_FALSE(empty->method);
  EXPECT_EQ(empty->limit, 1000u);
  EXPECT_FALSE(empty->include_control);
  StatusOr<journal::Filter> negative = control::JournalFilterFromParams({{"limit", "-3"}});
  ASSERT_OK(negative);
  EXPECT_EQ(negative->limit, 0u);
  EXPECT_FALSE(control::JournalFilterFromParams({{"control", "yes"}})->include_control);
  EXPECT_TRUE(control::JournalFilterFromParams({{"control", "1"}})->include_control);
  EXPECT_THAT(control::JournalFilterFromParams({{"status", "4o4"}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("query parameter status: \"4o4\" is not an integer")));
  EXPECT_THAT(control::JournalFilterFromParams({{"after", ""}}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(control::JournalFilterFromParams({{"after", "99999999999999999999"}}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(control::JournalFilterFromParams({{"sort", "desc"}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown journal filter \"sort\"")));
}

}  // namespace
}  // namespace mpemu
