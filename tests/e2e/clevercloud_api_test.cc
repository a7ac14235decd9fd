// The Clever Cloud emulation over real loopback sockets, against a small fake vendor started in
// the test: what the emulator sends to the vendor (provision, deprovision, plan change, SSO), how
// it treats the vendor's replies and failures, the add-on infos API the vendor calls back (also
// from inside its provisioning handler), and the /_emulator/clevercloud control routes.
#include <gtest/gtest.h>
#include <strings.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "emulator/clevercloud/service.h"
#include "emulator/core/clock.h"
#include "emulator/crypto/encoding.h"
#include "emulator/http/client.h"
#include "emulator/http/faults.h"
#include "emulator/http/pipeline.h"
#include "emulator/http/server.h"
#include "emulator/journal/journal.h"
#include "tests/support/scoped_emulator.h"
#include "tests/support/status_matchers.h"

namespace mpemu {
namespace {

using ::mpemu::testing::ScopedEmulator;
using ::mpemu::testing::ScopedEmulatorOptions;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;

// A vendor under test, in-process: a second pipeline on its own loopback port. Its journal records
// every request it received; each route answers what the test tells it to (defaults: a correct
// vendor).
class FakeVendor {
 public:
  using Handler = std::function<http::Reply(http::Request&)>;

  FakeVendor() : pipeline_(RealClock::Default(), RealClock::Default(), &journal_, &faults_) {
    pipeline_.AddService({"vendor", {"/"}, nullptr});
    for (const auto& [method, pattern, route] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"POST", "/clevercloud/resources", "provision"},
             {"DELETE", "/clevercloud/resources/(.*)", "deprovision"},
             {"PUT", "/clevercloud/resources/(.*)", "plan"},
             {"POST", "/clevercloud/resources/(.*)", "plan-post"},
             {"POST", "/clevercloud/sso", "sso"}}) {
      const std::string name = route;
      pipeline_.AddRoute({method, pattern, name, "vendor",
                          [this, name](http::Request& req) -> StatusOr<http::Reply> {
                            Handler h;
                            {
                              std::lock_guard<std::mutex> lock(mu_);
                              h = handlers_.count(name) ? handlers_[name] : Default(name);
                            }
                            return h(req);
                          }});
    }
    http::ServerOptions options;
    options.port = 0;
    options.threads = 8;
    server_ = std::make_unique<http::Server>(options, &pipeline_);
    if (!server_->Start().ok()) std::abort();
  }

  void On(const std::string& route, Handler handler) {
    std::lock_guard<std::mutex> lock(mu_);
    handlers_[route] = std::move(handler);
  }
  std::vector<journal::Entry> Received(const std::string& route) const {
    journal::Filter f;
    f.route = route;
    return journal_.Query(f);
  }
  std::string url() const { return server_->base_url(); }
  void Stop() { server_->Stop(); }

 private:
  Handler Default(const std::string& route) {
    if (route == "provision") {
      return [this](http::Request&) {
        return http::Reply::Json(200, {{"id", "vendor-" + std::to_string(++provisioned_)},
                                       {"config",
                                        {{"MPEMU_ADDON_URL", "https://vendor.example/r/1"},
                                         {"MPEMU_ADDON_TOKEN", "tok-1"},
                                         {"OTHER_VAR", "ignored by Clever Cloud"}}},
                                       {"message", "Welcome aboard"}});
      };
    }
    if (route == "sso") {
      return [](http::Request&) {
        return http::Reply::Text(302, "").WithHeader("Location", "/dashboard");
      };
    }
    if (route == "plan" || route == "plan-post") {
      return [](http::Request&) {
        return http::Reply::Json(200,
                                 {{"config", {{"MPEMU_ADDON_URL", "https://vendor.example/r/big"}}},
                                  {"message", "Upgraded"}});
      };
    }
    return [](http::Request&) { return http::Reply::Json(200, json::object()); };
  }

  journal::Journal journal_;
  http::FaultInjector faults_;
  http::Pipeline pipeline_;
  std::unique_ptr<http::Server> server_;
  std::mutex mu_;
  std::map<std::string, Handler> handlers_;
  std::atomic<int> provisioned_{0};
};

std::vector<std::string> HeaderValues(const journal::Entry& e, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : e.headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) out.push_back(v);
  }
  return out;
}

ScopedEmulatorOptions Pointing(const FakeVendor& vendor,
                               std::function<void(clevercloud::Config&)> more = nullptr) {
  ScopedEmulatorOptions o;
  const std::string base = vendor.url() + "/clevercloud";
  o.configure = [base, more](app::EmulatorConfig& c) {
    c.clevercloud.manifest["api"]["test"] = {{"base_url", base + "/resources"},
                                             {"sso_url", base + "/sso"}};
    if (more) more(c.clevercloud);
  };
  return o;
}

class CleverCloudApiTest : public ::testing::Test {
 protected:
  CleverCloudApiTest() : emu_(Pointing(vendor_)) {}

  struct Answer {
    int status = 0;
    json body;
  };
  static Answer Send(ScopedEmulator& emu, const std::string& method, const std::string& path,
                     const json& body = nullptr, http::Headers headers = {}) {
    auto client = emu.NewClient();
    StatusOr<http::Response> r =
        body.is_null() ? client->Send(method, path, headers)
                       : client->Send(method, path, headers, body.dump(), "application/json");
    EXPECT_OK(r);
    if (!r.ok()) return {};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  Answer Control(const std::string& method, const std::string& path, const json& body = nullptr) {
    return Send(emu_, method, "/_emulator/clevercloud" + path, body);
  }
  // A provisioned add-on's control JSON ({addonId, replay, addon, stored, reply}).
  json Provision(const json& body = json::object()) {
    Answer a = Control("POST", "/addons", body);
    EXPECT_EQ(a.status, 201) << a.body.dump(2);
    return a.body;
  }
  clevercloud::Service& service() { return emu_.emulator().clevercloud().service(); }
  Answer Api(const std::string& method, const std::string& path, const json& body = nullptr,
             std::optional<std::string> authorization = std::nullopt) {
    http::Headers h;
    const std::string auth = authorization.value_or(service().BasicAuthorization());
    if (!auth.empty()) h.emplace("Authorization", auth);
    return Send(emu_, method, path, body, h);
  }
  std::vector<journal::Entry> Outbound(const std::string& route) {
    journal::Filter f;
    f.direction = "outbound";
    f.route = route;
    return emu_.emulator().journal().Query(f);
  }

  FakeVendor vendor_;  // first: the emulator's manifest points at it
  ScopedEmulator emu_;
};

TEST_F(CleverCloudApiTest, ProvisionSendsTheDocumentedRequest) {
  const json p = Provision();
  const std::string addon_id = p["addonId"];
  EXPECT_THAT(addon_id, ::testing::StartsWith("addon_"));
  EXPECT_FALSE(p["replay"].get<bool>());

  const auto received = vendor_.Received("provision");
  ASSERT_EQ(received.size(), 1u);
  const journal::Entry& e = received[0];
  EXPECT_EQ(e.method, "POST");
  EXPECT_EQ(e.path, "/clevercloud/resources");
  const clevercloud::Manifest& m = service().manifest();
  EXPECT_THAT(HeaderValues(e, "Authorization"),
              ElementsAre("Basic " + crypto::Base64Encode(m.id + ":" + m.password)));
  EXPECT_THAT(HeaderValues(e, "Content-Type"), ElementsAre("application/json"));
  const json body = json::parse(e.body);
  const clevercloud::Config& c = service().config();
  EXPECT_EQ(body, json({{"addon_id", addon_id},
                        {"owner_id", c.owner_id},
                        {"owner_name", c.owner_name},
                        {"user_id", c.user_id},
                        {"plan", "basic"},
                        {"region", "EU"},
                        {"callback_url", emu_.url() + "/v2/vendor/apps/" + addon_id},
                        {"options", json::object()}}));
  // The documented order, as Clever's documentation prints it.
  EXPECT_EQ(e.body.find("\"addon_id\""), 1u);

  const json& addon = p["addon"];
  EXPECT_EQ(addon["status"], "active");
  EXPECT_EQ(addon["vendorId"], "vendor-1");
  EXPECT_EQ(addon["message"], "Welcome aboard");
  // "A key that is not in your config_vars will be ignored."
  EXPECT_EQ(addon["config"], json({{"MPEMU_ADDON_URL", "https://vendor.example/r/1"},
                                   {"MPEMU_ADDON_TOKEN", "tok-1"}}));
  EXPECT_EQ(p["reply"]["status"], 200);
  EXPECT_EQ(p["reply"]["json"]["id"], "vendor-1");
  EXPECT_EQ(p["reply"]["headers"]["content-type"], "application/json");

  const auto outbound = Outbound("clevercloud.provision");
  ASSERT_EQ(outbound.size(), 1u);
  EXPECT_EQ(outbound[0].service, "clevercloud.vendor");
  EXPECT_EQ(outbound[0].status, 200);
  EXPECT_EQ(outbound[0].body, e.body);
}

TEST_F(CleverCloudApiTest, LegacyFieldsOptionsPlanAndMerge) {
  json p = Provision({{"plan", "premium"},
                      {"options", {{"size", "XL"}}},
                      {"legacyFields", true},
                      {"call", {{"merge", {{"user_id", nullptr}, {"extra", {{"nested", 1}}}}}}}});
  json body = json::parse(vendor_.Received("provision").back().body);
  EXPECT_EQ(body["heroku_id"], p["addonId"]);
  EXPECT_TRUE(body["logplex_token"].is_string());
  EXPECT_EQ(body["plan"], "premium");
  EXPECT_EQ(body["options"], json({{"size", "XL"}}));
  EXPECT_FALSE(body.contains("user_id"));
  EXPECT_EQ(body["extra"], json({{"nested", 1}}));
  EXPECT_EQ(p["addon"]["plan"], "premium");
  EXPECT_EQ(p["addon"]["options"], json({{"size", "XL"}}));
}

TEST_F(CleverCloudApiTest, AuthorizationAndBodyOverrides) {
  Control("POST", "/addons", {{"call", {{"authorization", nullptr}}}});
  EXPECT_TRUE(HeaderValues(vendor_.Received("provision").back(), "Authorization").empty());

  Control("POST", "/addons",
          {{"call", {{"authorization", "Bearer x"}, {"extraAuthorization", {"Basic eDp5"}}}}});
  EXPECT_THAT(HeaderValues(vendor_.Received("provision").back(), "Authorization"),
              ElementsAre("Bearer x", "Basic eDp5"));

  Control("POST", "/addons", {{"call", {{"body", "{not json"}, {"contentType", "text/plain"}}}});
  const journal::Entry e = vendor_.Received("provision").back();
  EXPECT_EQ(e.body, "{not json");
  EXPECT_THAT(HeaderValues(e, "Content-Type"), ElementsAre("text/plain"));

  EXPECT_EQ(Control("POST", "/addons", {{"call", {{"authroization", "x"}}}}).status, 400);
}

TEST_F(CleverCloudApiTest, AVendorRefusalFailsTheAddOn) {
  vendor_.On("provision", [](http::Request&) {
    return http::Reply::Json(422, {{"id", "error"}, {"message", "No resource available"}});
  });
  Answer a = Control("POST", "/addons");
  EXPECT_EQ(a.status, 200);
  EXPECT_TRUE(a.body["addon"].is_null());
  EXPECT_EQ(a.body["stored"]["status"], "failed");
  EXPECT_THAT(a.body["stored"]["message"].get<std::string>(),
              HasSubstr("422: No resource available"));
  EXPECT_EQ(a.body["reply"]["status"], 422);
  // It never existed for Clever Cloud: nothing to delete, no infos.
  EXPECT_EQ(Control("DELETE", "/addons/" + a.body["addonId"].get<std::string>()).status, 409);
  EXPECT_EQ(Api("GET", "/v2/vendor/apps/" + a.body["addonId"].get<std::string>()).status, 404);
}

TEST_F(CleverCloudApiTest, OddButUsableAndUnusableProvisionReplies) {
  vendor_.On("provision", [](http::Request&) { return http::Reply::Json(201, {{"id", 123}}); });
  json p = Provision();
  EXPECT_EQ(p["addon"]["vendorId"], "123");  // kept, for a check to flag the type

  vendor_.On("provision", [](http::Request&) { return http::Reply::Text(200, "OK"); });
  Answer a = Control("POST", "/addons");
  EXPECT_EQ(a.body["stored"]["status"], "failed");
  EXPECT_THAT(a.body["stored"]["message"].get<std::string>(), HasSubstr("not a JSON object"));
  EXPECT_TRUE(a.body["reply"]["json"].is_null());

  vendor_.On("provision", [](http::Request&) { return http::Reply::Json(200, {{"id", ""}}); });
  a = Control("POST", "/addons");
  EXPECT_THAT(a.body["stored"]["message"].get<std::string>(), HasSubstr("no non-empty \"id\""));
}

TEST_F(CleverCloudApiTest, AReplayedProvisionIsSentAndChangesNothing) {
  json first = Provision({{"addonId", "addon_replay"}});
  Answer again = Control("POST", "/addons", {{"addonId", "addon_replay"}});
  EXPECT_EQ(again.status, 200);
  EXPECT_TRUE(again.body["replay"].get<bool>());
  EXPECT_EQ(again.body["reply"]["json"]["id"], "vendor-2");  // this vendor is not idempotent
  EXPECT_EQ(again.body["addon"]["vendorId"], "vendor-1");    // the stored add-on is unchanged
  EXPECT_EQ(vendor_.Received("provision").size(), 2u);
}

TEST_F(CleverCloudApiTest, AVendorThatIsDownIsATransportError) {
  vendor_.Stop();
  Answer a = Control("POST", "/addons");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body["reply"]["status"], 0);
  EXPECT_FALSE(a.body["reply"]["error"].get<std::string>().empty());
  EXPECT_EQ(a.body["stored"]["status"], "failed");
  ASSERT_EQ(Outbound("clevercloud.provision").size(), 1u);
  EXPECT_EQ(Outbound("clevercloud.provision")[0].status, 0);
}

TEST(CleverCloudTimeoutTest, ASlowVendorTimesOut) {
  FakeVendor vendor;
  vendor.On("provision", [](http::Request&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    return http::Reply::Json(200, {{"id", "late"}});
  });
  ScopedEmulator emu(Pointing(vendor, [](clevercloud::Config& c) { c.timeout_ms = 100; }));
  StatusOr<clevercloud::Provisioned> p = emu.emulator().clevercloud().service().Provision({});
  ASSERT_OK(p);
  EXPECT_EQ(p->reply.status, 0);
  EXPECT_THAT(p->reply.error, HasSubstr("no reply within 100 ms"));
  EXPECT_LT(p->reply.duration_ms, 350);
  EXPECT_FALSE(p->addon.has_value());
}

TEST_F(CleverCloudApiTest, DeprovisionDeletesTheVendorsId) {
  vendor_.On("provision", [](http::Request&) { return http::Reply::Json(200, {{"id", "v 1/x"}}); });
  const std::string id = Provision()["addonId"];
  Answer a = Control("DELETE", "/addons/" + id);
  EXPECT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["addon"]["status"], "deprovisioned");
  EXPECT_EQ(a.body["reply"]["status"], 200);
  const auto outbound = Outbound("clevercloud.deprovision");
  ASSERT_EQ(outbound.size(), 1u);
  EXPECT_EQ(outbound[0].method, "DELETE");
  EXPECT_EQ(outbound[0].path, "/clevercloud/resources/v%201%2Fx");  // the vendor's id, escaped
  const auto received = vendor_.Received("deprovision");
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].body, "");
  EXPECT_TRUE(HeaderValues(received[0], "Content-Type").empty());
  EXPECT_THAT(HeaderValues(received[0], "Authorization"),
              ElementsAre(service().BasicAuthorization()));

  // Again: allowed, and the vendor's answer (410 here) is reported as is.
  vendor_.On("deprovision", [](http::Request&) { return http::Reply::Json(410, json::object()); });
  a = Control("DELETE", "/addons/" + id);
  EXPECT_EQ(a.body["reply"]["status"], 410);
  EXPECT_EQ(a.body["addon"]["status"], "deprovisioned");
}

TEST_F(CleverCloudApiTest, APathSuffixOverrideIsSentVerbatim) {
  const std::string id = Provision()["addonId"];
  vendor_.On("deprovision", [](http::Request&) { return http::Reply::Json(404, json::object()); });
  Answer a = Control("DELETE", "/addons/" + id, {{"call", {{"pathSuffix", "/..%2Fother"}}}});
  EXPECT_EQ(a.body["reply"]["status"], 404);
  EXPECT_EQ(a.body["addon"]["status"], "active");  // not 2xx: still there
  EXPECT_EQ(Outbound("clevercloud.deprovision").back().path, "/clevercloud/resources/..%2Fother");
}

TEST_F(CleverCloudApiTest, PlanChangeIsTheLegacyPut) {
  const std::string id = Provision()["addonId"];
  Answer a = Control("POST", "/addons/" + id + "/plan", {{"plan", "premium"}});
  EXPECT_EQ(a.status, 200) << a.body.dump();
  const auto received = vendor_.Received("plan");
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].path, "/clevercloud/resources/vendor-1");
  EXPECT_EQ(json::parse(received[0].body), json({{"addon_id", id}, {"plan", "premium"}}));
  EXPECT_EQ(a.body["addon"]["plan"], "premium");
  EXPECT_EQ(a.body["addon"]["config"]["MPEMU_ADDON_URL"], "https://vendor.example/r/big");
  EXPECT_EQ(a.body["addon"]["config"]["MPEMU_ADDON_TOKEN"], "tok-1");  // merged, not replaced
  EXPECT_EQ(Outbound("clevercloud.plan-change").size(), 1u);

  EXPECT_EQ(Control("POST", "/addons/" + id + "/plan", {{"plan", "gold"}}).status, 400);
  EXPECT_EQ(Control("POST", "/addons/" + id + "/plan", json::object()).status, 400);
}

TEST(CleverCloudPlanChangeTest, MethodAndPathAreConfigurable) {
  FakeVendor vendor;
  ScopedEmulator emu(Pointing(vendor, [](clevercloud::Config& c) {
    c.plan_change_method = "POST";
    c.plan_change_path = "/{id}/migrations";
  }));
  clevercloud::Service& service = emu.emulator().clevercloud().service();
  StatusOr<clevercloud::Provisioned> p = service.Provision({});
  ASSERT_OK(p);
  StatusOr<clevercloud::VendorReply> r = service.ChangePlan(p->addon_id, "premium");
  ASSERT_OK(r);
  EXPECT_EQ(r->status, 200);
  const auto received = vendor.Received("plan-post");
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].path, "/clevercloud/resources/vendor-1/migrations");
}

TEST_F(CleverCloudApiTest, SsoPostsASignedFormToTheVendor) {
  const std::string id = Provision()["addonId"];
  const int64_t before = RealClock::Default()->NowMillis();
  Answer a = Control("POST", "/addons/" + id + "/sso", json::object());
  const int64_t after = RealClock::Default()->NowMillis();
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["reply"]["status"], 302);
  EXPECT_EQ(a.body["reply"]["headers"]["location"], "/dashboard");

  const auto received = vendor_.Received("sso");
  ASSERT_EQ(received.size(), 1u);
  EXPECT_THAT(HeaderValues(received[0], "Content-Type"),
              ElementsAre("application/x-www-form-urlencoded"));
  EXPECT_TRUE(HeaderValues(received[0], "Authorization").empty());
  const http::Params form = http::ParseFormUrlEncoded(received[0].body);
  std::vector<std::string> names;
  for (const auto& [k, v] : form) names.push_back(k);
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("id", "timestamp", "nav-data", "email",
                                                     "user_id", "signature"));
  auto field = [&](const std::string& name) { return form.find(name)->second; };
  const clevercloud::Config& c = service().config();
  EXPECT_EQ(field("id"), "vendor-1");  // the vendor's id, not Clever's
  EXPECT_EQ(field("email"), c.user_email);
  EXPECT_EQ(field("user_id"), c.user_id);
  EXPECT_EQ(field("nav-data"), "");
  const int64_t ts = std::stoll(field("timestamp"));
  EXPECT_GE(ts, before);
  EXPECT_LE(ts, after);
  EXPECT_EQ(field("signature"),
            clevercloud::Service::SsoSignature("vendor-1", c.user_id, c.user_email, "",
                                               service().manifest().sso_salt, field("timestamp")));
  EXPECT_EQ(Outbound("clevercloud.sso").size(), 1u);
}

TEST_F(CleverCloudApiTest, SsoOverridesThroughTheControlApi) {
  const std::string id = Provision()["addonId"];
  const clevercloud::Config& c = service().config();
  const std::string salt = service().manifest().sso_salt;

  Control("POST", "/addons/" + id + "/sso", {{"timestampOffsetMs", -360000}});
  http::Params form = http::ParseFormUrlEncoded(vendor_.Received("sso").back().body);
  const std::string ts = form.find("timestamp")->second;
  EXPECT_LT(std::stoll(ts), RealClock::Default()->NowMillis() - 359000);
  EXPECT_EQ(form.find("signature")->second,
            clevercloud::Service::SsoSignature("vendor-1", c.user_id, c.user_email, "", salt, ts));

  Answer a = Control(
      "POST", "/addons/" + id + "/sso",
      {{"fields", {{"email", "victim@example.com"}}}, {"resign", false}, {"legacyToken", true}});
  form = http::ParseFormUrlEncoded(vendor_.Received("sso").back().body);
  EXPECT_EQ(form.find("email")->second, "victim@example.com");
  EXPECT_EQ(form.find("signature")->second,
            clevercloud::Service::SsoSignature("vendor-1", c.user_id, c.user_email, "", salt,
                                               form.find("timestamp")->second));
  EXPECT_EQ(form.count("token"), 1u);
  EXPECT_EQ(a.body["form"]["body"], vendor_.Received("sso").back().body);

  EXPECT_EQ(Control("POST", "/addons/" + id + "/sso", {{"timestampUnit", "ns"}}).status, 400);
  EXPECT_EQ(Control("POST", "/addons/" + id + "/sso", {{"fields", {{"email", 3}}}}).status, 400);
  EXPECT_EQ(Control("POST", "/addons/" + id + "/sso", {{"sault", "x"}}).status, 400);
}

TEST_F(CleverCloudApiTest, TheSsoFormCanBeFetchedWithoutPostingIt) {
  const std::string id = Provision()["addonId"];
  Answer a = Control("GET", "/addons/" + id + "/sso");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body["url"], vendor_.url() + "/clevercloud/sso");
  EXPECT_EQ(a.body["fields"][0], json::array({"id", "vendor-1"}));
  EXPECT_FALSE(a.body.contains("signingInput"));  // it holds the salt
  EXPECT_THAT(a.body["curl"].get<std::string>(), HasSubstr("--data 'id=vendor-1&timestamp="));
  EXPECT_TRUE(vendor_.Received("sso").empty());

  auto client = emu_.NewClient();
  StatusOr<http::Response> html =
      client->Get("/_emulator/clevercloud/addons/" + id + "/sso?format=html");
  ASSERT_OK(html);
  EXPECT_THAT(html->Header("Content-Type"), HasSubstr("text/html"));
  EXPECT_THAT(html->body,
              HasSubstr("<form method=\"post\" action=\"" + vendor_.url() + "/clevercloud/sso\">"));
  EXPECT_THAT(html->body, HasSubstr("name=\"signature\""));
}

TEST_F(CleverCloudApiTest, TheInfosApiRequiresTheManifestCredentials) {
  Provision();
  for (const std::string& auth :
       {std::string(""), std::string("Basic ") + crypto::Base64Encode("mpemu-addon:wrong"),
        std::string("Bearer x")}) {
    auto client = emu_.NewClient();
    http::Headers h;
    if (!auth.empty()) h.emplace("Authorization", auth);
    StatusOr<http::Response> r = client->Get("/v2/vendor/apps", h);
    ASSERT_OK(r);
    EXPECT_EQ(r->status, 401) << auth;
    EXPECT_THAT(r->Header("WWW-Authenticate"), HasSubstr("Basic"));
    const json body = json::parse(r->body);
    EXPECT_EQ(body["id"], 401);
    EXPECT_EQ(body["type"], "error");
    EXPECT_THAT(body["message"].get<std::string>(),
                ::testing::Not(HasSubstr(service().manifest().password)));
  }
  // Authentication comes before the body is read (catalogue D-15).
  Answer a = Api("PUT", "/v2/vendor/apps/addon_x", nullptr, "");
  EXPECT_EQ(a.status, 401);
}

TEST_F(CleverCloudApiTest, TheInfosApiIsNotAvailableDuringTheProvisioningCall) {
  // The vendor calls the callback_url back from inside its provisioning handler.
  const std::string auth = service().BasicAuthorization();
  std::mutex mu;
  std::vector<std::pair<int, json>> seen;
  vendor_.On("provision", [&](http::Request& req) {
    const json body = json::parse(req.body);
    StatusOr<std::pair<std::string, std::string>> url = http::SplitUrl(body["callback_url"]);
    http::Client client(url->first);
    http::Headers h = {{"Authorization", auth}};
    for (const auto& r : {client.Get(url->second, h),
                          client.Send("PUT", url->second, h,
                                      R"({"config":{"MPEMU_ADDON_URL":"x"}})", "application/json"),
                          client.Get("/v2/vendor/apps", h)}) {
      std::lock_guard<std::mutex> lock(mu);
      seen.emplace_back(r.ok() ? r->status : -1,
                        r.ok() ? json::parse(r->body, nullptr, false) : json());
    }
    return http::Reply::Json(200, {{"id", "vendor-cb"}});
  });
  const json p = Provision();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].first, 404);
  EXPECT_THAT(seen[0].second["message"].get<std::string>(),
              HasSubstr("not available during the provisioning call"));
  EXPECT_EQ(seen[0].second["type"], "error");
  EXPECT_EQ(seen[1].first, 404);
  EXPECT_EQ(seen[2].first, 200);
  EXPECT_EQ(seen[2].second, json::array());  // not listed yet either
  // Once the call returned, the same request works.
  Answer after = Api("GET", "/v2/vendor/apps/" + p["addonId"].get<std::string>());
  EXPECT_EQ(after.status, 200);
  EXPECT_TRUE(after.body["config"].empty());  // the PUT made during provisioning changed nothing
}

TEST_F(CleverCloudApiTest, TheInfosApiShowsTheOwnerAndUpdatesConfig) {
  const json p = Provision();
  const std::string id = p["addonId"];
  const clevercloud::Config& c = service().config();
  Answer a = Api("GET", "/v2/vendor/apps/" + id);
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body, json({{"id", id},
                          {"name", "mpemu Test Add-on instance"},
                          {"config", p["addon"]["config"]},
                          {"callback_url", emu_.url() + "/v2/vendor/apps/" + id},
                          {"owner_email", c.owner_email},
                          {"owner_id", c.owner_id},
                          {"owner_name", c.owner_name},
                          {"owner_emails", {c.owner_email, c.user_email}},
                          {"region", "eu"},
                          {"domains", json::array()}}));

  a = Api("GET", "/v2/vendor/apps");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body, json::array({{{"provider_id", "mpemu-addon"},
                                  {"addon_id", id},
                                  {"heroku_id", id},
                                  {"callback_url", emu_.url() + "/v2/vendor/apps/" + id},
                                  {"plan", "basic"},
                                  {"owner_id", c.owner_id}}}));
  EXPECT_EQ(Api("GET", "/v2/vendor/apps?offset=1").body, json::array());
  EXPECT_EQ(Api("GET", "/v2/vendor/apps?offset=x").status, 400);

  a = Api("PUT", "/v2/vendor/apps/" + id,
          {{"config", {{"MPEMU_ADDON_URL", "https://vendor.example/moved"}, {"NOPE", "x"}}}});
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["config"], json({{"MPEMU_ADDON_URL", "https://vendor.example/moved"},
                                    {"MPEMU_ADDON_TOKEN", "tok-1"}}));
  EXPECT_EQ(Api("GET", "/v2/vendor/apps/" + id).body["config"]["MPEMU_ADDON_URL"],
            "https://vendor.example/moved");
  EXPECT_EQ(Api("PUT", "/v2/vendor/apps/" + id, {{"conf", json::object()}}).status, 400);
  EXPECT_EQ(Api("PUT", "/v2/vendor/apps/" + id, {{"config", {{"MPEMU_ADDON_URL", 1}}}}).status,
            400);

  Answer unknown = Api("GET", "/v2/vendor/apps/addon_unknown");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body["id"], 404);
  Control("DELETE", "/addons/" + id);
  EXPECT_EQ(Api("GET", "/v2/vendor/apps/" + id).status, 404);
  EXPECT_EQ(Api("GET", "/v2/vendor/apps").body, json::array());
  EXPECT_EQ(Api("POST", "/v2/vendor/apps").status, 405);
}

TEST_F(CleverCloudApiTest, ControlRoutes) {
  const json p = Provision();
  const std::string id = p["addonId"];
  Answer list = Control("GET", "/addons");
  ASSERT_EQ(list.body["items"].size(), 1u);
  EXPECT_EQ(list.body["items"][0]["addonId"], id);
  EXPECT_EQ(Control("GET", "/addons/" + id).body["vendorId"], "vendor-1");
  EXPECT_EQ(Control("GET", "/addons/addon_nope").status, 404);
  EXPECT_EQ(Control("DELETE", "/addons/addon_nope").status, 404);
  EXPECT_EQ(Control("POST", "/addons", {{"plan", "gold"}}).status, 400);
  EXPECT_EQ(Control("POST", "/addons", {{"options", "x"}}).status, 400);
  EXPECT_EQ(Control("POST", "/addons", json::array()).status, 400);

  Answer manifest = Control("GET", "/manifest");
  EXPECT_EQ(manifest.body["manifest"]["id"], "mpemu-addon");
  EXPECT_EQ(manifest.body["configVarPrefix"], "MPEMU_ADDON_");
  EXPECT_EQ(manifest.body["baseUrl"], vendor_.url() + "/clevercloud/resources");
  EXPECT_EQ(manifest.body["ok"], true);

  json bad = service().manifest().raw;
  bad["api"]["password"] = "short";
  Answer check = Control("POST", "/manifest/check", bad);
  EXPECT_EQ(check.status, 200);
  EXPECT_EQ(check.body["ok"], false);
  EXPECT_EQ(check.body["findings"][0]["pointer"], "/api/password");
  EXPECT_EQ(Control("POST", "/manifest/check?production=true", service().manifest().raw).body["ok"],
            false);
  EXPECT_EQ(Control("POST", "/manifest/check?production=maybe", bad).status, 400);

  Answer config = Send(emu_, "GET", "/_emulator/config");
  const json& cc = config.body["clevercloud"];
  EXPECT_EQ(cc["addonId"], "mpemu-addon");
  EXPECT_EQ(cc["apiUrl"], emu_.url() + "/v2");
  EXPECT_EQ(cc["baseUrl"], vendor_.url() + "/clevercloud/resources");
  EXPECT_EQ(cc["ssoUrl"], vendor_.url() + "/clevercloud/sso");
  EXPECT_EQ(cc["plans"][0]["slug"], "basic");
  EXPECT_EQ(cc["password"], service().manifest().password);
  EXPECT_THAT(Send(emu_, "GET", "/_emulator/health").body["marketplaces"],
              ::testing::Contains("clevercloud"));

  EXPECT_EQ(Send(emu_, "POST", "/_emulator/reset", json::object()).status, 200);
  EXPECT_TRUE(Control("GET", "/addons").body["items"].empty());
}

}  // namespace
}  // namespace mpemu
