// vendor-sample as a Clever Cloud add-on provider, in-process over loopback: provisioning, plan
// changes, deprovisioning, SSO and the dashboard, against a fake add-on infos API, with and
// without planted bugs. STACKIT is not configured here: a vendor may use Clever Cloud alone.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <mutex>
#include <regex>
#include <thread>

#include "vendor-sample/app/app.h"
#include "vendor-sample/base/log.h"
#include "vendor-sample/crypto/base64url.h"
#include "vendor-sample/crypto/digest.h"
#include "vendor-sample/net/url.h"

namespace vendor_sample {
namespace {

using nlohmann::json;

constexpr char kAddonUser[] = "vendor-sample";
constexpr char kPassword[] = "Pw0rd:0123456789:abcdefghij:KLMNOPQRS:x";
constexpr char kSalt[] = "harness-sso-salt-0123456789abcdef0123456789";
constexpr int64_t kNow = 1767225600000;
constexpr char kUserId[] = "user_00000000-0000-4000-8000-000000000001";
constexpr char kEmail[] = "first.last+tag@example.com";

// A server that records what reaches it: Clever Cloud's add-on infos API, or an attacker's host.
class FakeServer {
 public:
  FakeServer() {
    svr_.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      calls_.push_back(req.path + " " + req.get_header_value("Authorization"));
      if (status_ != 200) {
        res.status = status_;
        return;
      }
      const std::string addon = req.path.substr(req.path.rfind('/') + 1);
      res.set_content(json{{"id", addon},
                           {"name", "My vendor-sample"},
                           {"owner_id", "orga_baz"},
                           {"owner_name", "Baz <Corp>"},
                           {"owner_email", "owner@example.com"},
                           {"owner_emails", {"owner@example.com"}},
                           {"region", "eu"},
                           {"domains", json::array()}}
                          .dump(),
                      "application/json");
    });
    port_ = svr_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    while (!svr_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeServer() {
    svr_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  void set_status(int status) {
    std::lock_guard<std::mutex> lock(mu_);
    status_ = status;
  }

 private:
  httplib::Server svr_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> calls_;
  int status_ = 200;
};

std::string BasicAuth(const std::string& user, const std::string& password) {
  return "Basic " + crypto::Base64Encode(user + ":" + password);
}

std::string Sign(const std::string& id, const std::string& ts, const std::string& email = kEmail,
                 const std::string& user_id = kUserId) {
  return crypto::HexEncode(
      crypto::Sha512(id + ":" + user_id + ":" + email + "::" + kSalt + ":" + ts));
}

std::string SsoBody(const std::string& id, int64_t ts = kNow) {
  const std::string t = std::to_string(ts);
  return net::FormEncode({{"id", id},
                          {"timestamp", t},
                          {"nav-data", ""},
                          {"email", kEmail},
                          {"user_id", kUserId},
                          {"signature", Sign(id, t)}});
}

// "vs_cc_session=VALUE" from a Set-Cookie header, or "".
std::string CookiePair(const httplib::Result& res) {
  const std::string cookie = res->get_header_value("Set-Cookie");
  return cookie.substr(0, cookie.find(';'));
}

class ClevercloudFlowTest : public ::testing::Test {
 protected:
  void SetUp() override { SetLogEnabled(false); }
  void TearDown() override {
    app_.reset();
    std::remove(manifest_path_.c_str());
    SetLogEnabled(true);
  }

  void StartVendor(const std::string& bugs = "") {
    manifest_path_ = ::testing::TempDir() + "vendor_sample_cc_manifest_" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json";
    std::ofstream(manifest_path_) << json{{"id", kAddonUser},
                                          {"name", "vendor-sample"},
                                          {"api",
                                           {{"config_vars",
                                             {"VENDOR_SAMPLE_URL", "VENDOR_SAMPLE_TOKEN"}},
                                            {"regions", {"eu"}},
                                            {"password", kPassword},
                                            {"sso_salt", kSalt},
                                            {"production",
                                             {{"base_url", "http://x/clevercloud/resources"},
                                              {"sso_url", "http://x/clevercloud/sso"}}}}}}
                                         .dump();
    Config c;
    c.listen_host = "127.0.0.1";
    c.listen_port = 0;
    c.clevercloud_manifest_path = manifest_path_;
    c.clevercloud_api_url = infos_.url() + "/v2";
    c.pbkdf2_iterations = 1000;  // the account pages hash a dummy password at start-up
    c.bugs = *Bugs::Parse(bugs);
    StatusOr<std::unique_ptr<App>> app = App::Create(c, &clock_);
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = std::move(*app);
    StatusOr<std::string> url = app_->Start();
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    url_ = *url;
    client_ = std::make_unique<httplib::Client>(url_);
    client_->set_tcp_nodelay(true);
  }

  httplib::Headers Auth() const { return {{"Authorization", BasicAuth(kAddonUser, kPassword)}}; }

  httplib::Result Provision(const json& body, const httplib::Headers& headers) {
    return client_->Post("/clevercloud/resources", headers, body.dump(), "application/json");
  }
  json ProvisionBody(const std::string& addon_id) const {
    return {{"addon_id", addon_id},
            {"owner_id", "orga_baz"},
            {"owner_name", "Baz"},
            {"user_id", "user_yyy"},
            {"plan", "basic"},
            {"region", "EU"},
            {"callback_url", attacker_.url() + "/v2/vendor/apps/" + addon_id},
            {"options", json::object()}};
  }
  // Provisions `addon_id` and returns the resource id.
  std::string Provisioned(const std::string& addon_id) {
    auto res = Provision(ProvisionBody(addon_id), Auth());
    if (!res || res->status != 200) return "";
    return json::parse(res->body)["id"];
  }

  json View(const std::string& id) {
    auto res = client_->Get("/api/clevercloud/resources/" + id);
    if (!res || res->status != 200) return nullptr;
    return json::parse(res->body);
  }

  httplib::Result Sso(const std::string& body, const httplib::Headers& headers = {}) {
    return client_->Post("/clevercloud/sso", headers, body, "application/x-www-form-urlencoded");
  }
  httplib::Result Dashboard(const std::string& id, const std::string& cookie) {
    return client_->Get("/clevercloud/resources/" + id + "/dashboard",
                        httplib::Headers{{"Cookie", cookie}});
  }

  ManualClock clock_{kNow};
  FakeServer infos_;
  FakeServer attacker_;
  std::string manifest_path_;
  std::unique_ptr<App> app_;
  std::string url_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ClevercloudFlowTest, ProvisionChangePlanDeprovision) {
  StartVendor();
  auto res = Provision(ProvisionBody("addon_1"), Auth());
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json reply = json::parse(res->body);
  ASSERT_TRUE(reply["id"].is_string());
  const std::string id = reply["id"];
  EXPECT_TRUE(std::regex_match(id, std::regex("vs-[0-9a-f]{16}"))) << id;
  ASSERT_EQ(reply["config"].size(), 2u) << reply.dump();
  EXPECT_EQ(reply["config"]["VENDOR_SAMPLE_URL"],
            url_ + "/clevercloud/resources/" + id + "/dashboard");
  const std::string token = reply["config"]["VENDOR_SAMPLE_TOKEN"];
  EXPECT_GE(token.size(), 32u);
  EXPECT_TRUE(reply["message"].is_string());

  // A replay of the same addon_id: the same resource, nothing new.
  auto replay = Provision(ProvisionBody("addon_1"), Auth());
  EXPECT_EQ(replay->status, 200);
  EXPECT_EQ(json::parse(replay->body)["id"], id);
  EXPECT_EQ(json::parse(replay->body)["config"]["VENDOR_SAMPLE_TOKEN"], token);
  // D-21: another addon_id, another id; minimal and legacy/extended bodies are accepted.
  const std::string minimal = Provisioned("addon_2");
  auto minimal_res = Provision({{"addon_id", "addon_3"}, {"plan", "basic"}}, Auth());
  EXPECT_EQ(minimal_res->status, 200) << minimal_res->body;
  auto legacy = Provision({{"addon_id", "addon_4"},
                           {"plan", "test"},
                           {"heroku_id", "app123@kensa.heroku.com"},
                           {"logplex_token", nullptr},
                           {"uuid", "c373da28"},
                           {"region", "amazon-web-services::us-east-1"},
                           {"options", {{"k", "v"}}},
                           {"something_new", {1, 2}}},
                          Auth());
  EXPECT_EQ(legacy->status, 200) << legacy->body;
  EXPECT_NE(minimal, id);

  json view = View(id);
  EXPECT_EQ(view["id"], id);
  EXPECT_EQ(view["addonId"], "addon_1");
  EXPECT_EQ(view["plan"], "basic");
  EXPECT_EQ(view["status"], "active");
  EXPECT_EQ(view["config"], reply["config"]);

  // Plan change: PUT (documented) and POST (observed), same plan is a no-op.
  auto put =
      client_->Put("/clevercloud/resources/" + id, Auth(),
                   json{{"plan", "premium"}, {"addon_id", "addon_1"}}.dump(), "application/json");
  ASSERT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(json::parse(put->body)["config"], reply["config"]);
  EXPECT_TRUE(json::parse(put->body)["message"].is_string());
  EXPECT_EQ(View(id)["plan"], "premium");
  auto same = client_->Put("/clevercloud/resources/" + id, Auth(), R"({"plan":"premium"})",
                           "application/json");
  EXPECT_EQ(same->status, 200) << same->body;
  auto post = client_->Post("/clevercloud/resources/" + id, Auth(), R"({"plan":"basic"})",
                            "application/json");
  EXPECT_EQ(post->status, 200) << post->body;
  EXPECT_EQ(View(id)["plan"], "basic");
  auto mismatch = client_->Put("/clevercloud/resources/" + id, Auth(),
                               R"({"plan":"premium","addon_id":"addon_2"})", "application/json");
  EXPECT_EQ(mismatch->status, 422);
  EXPECT_EQ(client_
                ->Put("/clevercloud/resources/vs-0000000000000000", Auth(), R"({"plan":"x"})",
                      "application/json")
                ->status,
            404);

  // Deprovision, then everything about it is gone; a repeat is harmless.
  auto del = client_->Delete("/clevercloud/resources/" + id, Auth());
  EXPECT_EQ(del->status, 200) << del->body;
  EXPECT_EQ(View(id)["status"], "deprovisioned");
  EXPECT_EQ(client_->Delete("/clevercloud/resources/" + id, Auth())->status, 410);
  EXPECT_EQ(
      client_->Put("/clevercloud/resources/" + id, Auth(), R"({"plan":"x"})", "application/json")
          ->status,
      410);
  EXPECT_EQ(client_->Delete("/clevercloud/resources/vs-0000000000000000", Auth())->status, 404);
  EXPECT_EQ(View("vs-0000000000000000"), nullptr);
  EXPECT_EQ(View(minimal)["status"], "active");
  // Clever-only: STACKIT routes are absent, the product's own pages are there.
  EXPECT_EQ(client_->Get("/stackit/signup")->status, 404);
  EXPECT_EQ(client_->Get("/healthz")->status, 200);
}

TEST_F(ClevercloudFlowTest, ProvisionBodiesAreValidated) {
  StartVendor();
  struct Case {
    const char* what;
    std::string body;
    const char* type;
    int status;
  };
  for (const Case& c : std::vector<Case>{
           {"no addon_id", R"({"plan":"basic"})", "application/json", 422},
           {"no plan", R"({"addon_id":"a"})", "application/json", 422},
           {"empty plan", R"({"addon_id":"a","plan":""})", "application/json", 422},
           {"numeric plan", R"({"addon_id":"a","plan":1})", "application/json", 422},
           {"numeric addon_id", R"({"addon_id":1,"plan":"basic"})", "application/json", 422},
           {"options not an object", R"({"addon_id":"a","plan":"b","options":"x"})",
            "application/json", 422},
           {"malformed JSON", R"({"addon_id":)", "application/json", 400},
           {"duplicate member", R"({"addon_id":"a","addon_id":"b","plan":"p"})", "application/json",
            400},
           {"an array", "[]", "application/json", 400},
           {"empty body", "", "application/json", 400},
           {"form body", "addon_id=a&plan=b", "application/x-www-form-urlencoded", 415},
       }) {
    auto res = client_->Post("/clevercloud/resources", Auth(), c.body, c.type);
    ASSERT_TRUE(res) << c.what;
    EXPECT_EQ(res->status, c.status) << c.what << ": " << res->body;
    EXPECT_TRUE(json::parse(res->body)["message"].is_string()) << c.what;
  }
  EXPECT_EQ(View("a"), nullptr);
}

// D-01, D-12, D-13, D-14, D-15, D-16, D-23 over the wire.
TEST_F(ClevercloudFlowTest, EveryProviderCallIsAuthenticatedBeforeItsBodyIsRead) {
  StartVendor();
  const std::string id = Provisioned("addon_1");
  ASSERT_FALSE(id.empty());
  const std::string one = "/clevercloud/resources/" + id;
  const httplib::Headers wrong_password = {{"Authorization", BasicAuth(kAddonUser, "wrong")}};
  const httplib::Headers wrong_user = {{"Authorization", BasicAuth("wrong", kPassword)}};
  const httplib::Headers twice = {{"Authorization", BasicAuth(kAddonUser, kPassword)},
                                  {"Authorization", BasicAuth(kAddonUser, "wrong")}};
  const httplib::Headers bearer = {{"Authorization", "Bearer x"}};
  const httplib::Headers huge = {{"Authorization", "Basic " + std::string(size_t{16} * 1024, 'A')}};
  const httplib::Headers none = {};
  std::vector<std::pair<std::string, httplib::Result>> results;
  for (const httplib::Headers* h : {&none, &wrong_password, &wrong_user, &twice, &bearer}) {
    results.emplace_back("POST provision",
                         client_->Post("/clevercloud/resources", *h, "{not json", "text/plain"));
    results.emplace_back("POST provision empty",
                         client_->Post("/clevercloud/resources", *h, "", "application/json"));
    results.emplace_back("PUT", client_->Put(one, *h, "{not json", "application/json"));
    results.emplace_back("POST plan",
                         client_->Post(one, *h, R"({"plan":"x"})", "application/json"));
    results.emplace_back("DELETE", client_->Delete(one, *h));
  }
  results.emplace_back("D-13 query",
                       client_->Post("/clevercloud/resources?user=vendor-sample&password=" +
                                         net::PercentEncode(kPassword),
                                     none, ProvisionBody("addon_q").dump(), "application/json"));
  for (auto& [what, res] : results) {
    ASSERT_TRUE(res) << what;
    EXPECT_EQ(res->status, 401) << what << ": " << res->body;
    EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Basic realm=\"vendor-sample\"") << what;
    EXPECT_EQ(res->body.find("Pw0rd"), std::string::npos) << what;
    EXPECT_EQ(res->body.find(crypto::Base64Encode(kAddonUser)), std::string::npos) << what;
  }
  auto too_long = client_->Post("/clevercloud/resources", huge, "{}", "application/json");
  ASSERT_TRUE(too_long);
  EXPECT_GE(too_long->status, 400);
  EXPECT_LT(too_long->status, 500);
  // Nothing happened.
  EXPECT_EQ(View(id)["status"], "active");
  EXPECT_EQ(View(id)["plan"], "basic");
}

TEST_F(ClevercloudFlowTest, PathTraversalIdsTouchNothing) {
  StartVendor();
  const std::string id = Provisioned("addon_1");
  for (const std::string& path : std::vector<std::string>{
           "/clevercloud/resources/..%2F" + id, "/clevercloud/resources/%2e%2e",
           "/clevercloud/resources/" + id + "%2F..", "/clevercloud/resources/..",
           "/clevercloud/resources/" + id + "%00", "/clevercloud/resources/%2E%2E%2Fapi"}) {
    auto res = client_->Delete(path, Auth());
    ASSERT_TRUE(res) << path;
    EXPECT_TRUE(res->status == 404 || res->status == 400) << path << ": " << res->status;
  }
  EXPECT_EQ(View(id)["status"], "active");
}

TEST_F(ClevercloudFlowTest, SsoOpensTheDashboardOfThatResourceOnly) {
  StartVendor();
  const std::string id = Provisioned("addon_1");
  const std::string other = Provisioned("addon_2");
  auto login = Sso(SsoBody(id));
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 302) << login->body;
  EXPECT_EQ(login->get_header_value("Location"), "/clevercloud/resources/" + id + "/dashboard");
  const std::string set_cookie = login->get_header_value("Set-Cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("SameSite=Lax"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("Path=/clevercloud/resources/" + id), std::string::npos);
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos);  // plain http here
  const std::string cookie = CookiePair(login);

  auto page = Dashboard(id, cookie);
  ASSERT_EQ(page->status, 200) << page->body;
  EXPECT_NE(page->body.find(">basic<"), std::string::npos);
  EXPECT_NE(page->body.find(kEmail), std::string::npos);
  EXPECT_NE(page->body.find("orga_baz"), std::string::npos);
  EXPECT_NE(page->body.find("Baz &lt;Corp&gt;"), std::string::npos);  // escaped
  EXPECT_NE(page->body.find("owner@example.com"), std::string::npos);
  // The infos API was asked at CLEVERCLOUD_API_URL, from the addon_id, with the add-on's
  // credentials; the provision's callback_url (another host) was never fetched (D-20).
  EXPECT_EQ(infos_.calls(), std::vector<std::string>{"/v2/vendor/apps/addon_1 " +
                                                     BasicAuth(kAddonUser, kPassword)});
  EXPECT_TRUE(attacker_.calls().empty());

  // C-22: the session opens its own resource only; no session, no dashboard.
  EXPECT_EQ(Dashboard(other, cookie)->status, 403);
  EXPECT_EQ(Dashboard(id, "")->status, 403);
  EXPECT_EQ(Dashboard(id, "vs_cc_session=forged")->status, 403);

  // Infos API down: the dashboard still opens and says so.
  infos_.set_status(500);
  auto degraded = Dashboard(id, cookie);
  EXPECT_EQ(degraded->status, 200);
  EXPECT_NE(degraded->body.find("id=\"owner-error\""), std::string::npos);
}

TEST_F(ClevercloudFlowTest, SsoRefusalsOverTheWire) {
  StartVendor();
  const std::string id = Provisioned("addon_1");
  const std::string body = SsoBody(id);
  const std::string signature = Sign(id, std::to_string(kNow));

  // C-20: only a form-urlencoded POST body.
  EXPECT_EQ(client_->Get("/clevercloud/sso?" + body)->status, 405);
  EXPECT_EQ(
      client_->Post("/clevercloud/sso?" + body, "", "application/x-www-form-urlencoded")->status,
      400);
  json as_json = {{"id", id},           {"timestamp", std::to_string(kNow)},
                  {"nav-data", ""},     {"email", kEmail},
                  {"user_id", kUserId}, {"signature", signature}};
  EXPECT_EQ(client_->Post("/clevercloud/sso", as_json.dump(), "application/json")->status, 415);
  httplib::MultipartFormDataItems multipart;
  for (const auto& [k, v] : as_json.items()) multipart.push_back({k, v, "", ""});
  EXPECT_EQ(client_->Post("/clevercloud/sso", multipart)->status, 415);

  // A tampered email with the old signature (C-01 family) and a stale one (C-07), over HTTP.
  std::string tampered = body;
  tampered.replace(tampered.find("first.last"), 10, "victim.one");
  auto forged = Sso(tampered);
  EXPECT_EQ(forged->status, 403);
  EXPECT_TRUE(forged->get_header_value("Set-Cookie").empty());
  // C-25: neither the expected signature nor the salt shows.
  EXPECT_EQ(
      forged->body.find(Sign(id, std::to_string(kNow), "victim.one+tag@example.com").substr(0, 16)),
      std::string::npos);
  EXPECT_EQ(forged->body.find(kSalt), std::string::npos);
  EXPECT_EQ(Sso(SsoBody(id, kNow - 360000))->status, 403);
  EXPECT_EQ(Sso(SsoBody(id, kNow / 1000))->status, 400);
  EXPECT_EQ(Sso(body + "&id=" + id)->status, 400);

  // C-21: a valid signature for an unknown or deprovisioned id opens nothing.
  auto unknown = Sso(SsoBody("vs-0000000000000000"));
  EXPECT_EQ(unknown->status, 404);
  EXPECT_TRUE(unknown->get_header_value("Set-Cookie").empty());
  ASSERT_EQ(client_->Delete("/clevercloud/resources/" + id, Auth())->status, 200);
  auto gone = Sso(body);
  EXPECT_EQ(gone->status, 403);
  EXPECT_TRUE(gone->get_header_value("Set-Cookie").empty());
}

// C-23 (no fixation) and deprovisioning ending sessions.
TEST_F(ClevercloudFlowTest, EachLoginIsANewSessionAndDeprovisionEndsThem) {
  StartVendor();
  const std::string id = Provisioned("addon_1");
  const std::string first = CookiePair(Sso(SsoBody(id)));
  ASSERT_EQ(Dashboard(id, first)->status, 200);

  // The browser brings a session (its own, or one an attacker planted): it is replaced.
  auto again = Sso(SsoBody(id), {{"Cookie", first}});
  ASSERT_EQ(again->status, 302);
  const std::string second = CookiePair(again);
  EXPECT_NE(second, first);
  EXPECT_EQ(Dashboard(id, first)->status, 403);  // the brought one is over
  EXPECT_EQ(Dashboard(id, second)->status, 200);
  auto planted = Sso(SsoBody(id), {{"Cookie", "vs_cc_session=attacker-chosen-value"}});
  EXPECT_NE(CookiePair(planted), "vs_cc_session=attacker-chosen-value");

  ASSERT_EQ(client_->Delete("/clevercloud/resources/" + id, Auth())->status, 200);
  EXPECT_EQ(Dashboard(id, second)->status, 403);
}

// Each planted bug changes an outcome the tests above pin down.
TEST_F(ClevercloudFlowTest, PlantedNumericId) {
  StartVendor("cc-numeric-id");
  auto res = Provision(ProvisionBody("addon_1"), Auth());
  ASSERT_EQ(res->status, 200);
  EXPECT_TRUE(json::parse(res->body)["id"].is_number_integer()) << res->body;
}

TEST_F(ClevercloudFlowTest, PlantedUnprefixedConfigVar) {
  StartVendor("cc-unprefixed-config-var");
  auto res = Provision(ProvisionBody("addon_1"), Auth());
  const json config = json::parse(res->body)["config"];
  EXPECT_EQ(config.size(), 3u);
  EXPECT_TRUE(config.contains("DASHBOARD_URL"));
}

TEST_F(ClevercloudFlowTest, PlantedAuth500) {
  StartVendor("cc-auth-500");
  EXPECT_EQ(Provision(ProvisionBody("addon_1"), {{"Authorization", "Bearer x"}})->status, 500);
  EXPECT_EQ(Provision(ProvisionBody("addon_1"), {})->status, 401);
}

TEST_F(ClevercloudFlowTest, PlantedPasswordOnlyAndPasswordPrefix) {
  StartVendor("cc-password-only,cc-password-prefix");
  EXPECT_EQ(Provision(ProvisionBody("addon_1"), {{"Authorization", BasicAuth("wrong", kPassword)}})
                ->status,
            200);
  EXPECT_EQ(Provision(ProvisionBody("addon_2"),
                      {{"Authorization", BasicAuth(kAddonUser, std::string(kPassword) + "x")}})
                ->status,
            200);
}

TEST_F(ClevercloudFlowTest, PlantedSsoChecksOff) {
  StartVendor("cc-no-timestamp-check,cc-no-signature-check");
  const std::string id = Provisioned("addon_1");
  EXPECT_EQ(Sso(SsoBody(id, kNow - 3600000))->status, 302);
  std::string tampered = SsoBody(id);
  tampered.replace(tampered.find("first.last"), 10, "victim.one");
  EXPECT_EQ(Sso(tampered)->status, 302);
}

TEST_F(ClevercloudFlowTest, PlantedSsoDeprovisioned) {
  StartVendor("cc-sso-deprovisioned");
  const std::string id = Provisioned("addon_1");
  ASSERT_EQ(client_->Delete("/clevercloud/resources/" + id, Auth())->status, 200);
  auto login = Sso(SsoBody(id));
  EXPECT_EQ(login->status, 302);
  EXPECT_EQ(Dashboard(id, CookiePair(login))->status, 200);
}

TEST_F(ClevercloudFlowTest, PlantedNoSessionRenewal) {
  StartVendor("cc-no-session-renewal");
  const std::string id = Provisioned("addon_1");
  auto login = Sso(SsoBody(id), {{"Cookie", "vs_cc_session=attacker-chosen-value"}});
  ASSERT_EQ(login->status, 302);
  EXPECT_EQ(CookiePair(login), "vs_cc_session=attacker-chosen-value");
  EXPECT_EQ(Dashboard(id, "vs_cc_session=attacker-chosen-value")->status, 200);
}

}  // namespace
}  // namespace vendor_sample
