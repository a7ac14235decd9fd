// vendor-sample end to end, in-process, against a small fake STACKIT marketplace: what reaches the
// marketplace (resolve, approve) for accepted and refused signups, with and without planted bugs.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "vendor-sample/app/app.h"
#include "vendor-sample/base/log.h"
#include "vendor-sample/tests/token_factory.h"

namespace vendor_sample {
namespace {

using nlohmann::ordered_json;
using testing::StackitKey;

constexpr char kProject[] = "5d1f2c3a-7b4e-4c2d-9e8f-0a1b2c3d4e5f";
constexpr char kKid[] = "k1";
constexpr char kSub[] = "3f1c2a9e-0000-4000-8000-000000000001";
constexpr char kOtherSub[] = "3f1c2a9e-0000-4000-8000-0000000000ff";

// The marketplace side: keys.json, /token and the vendor API, recording every call.
class FakeStackit {
 public:
  FakeStackit() {
    svr_.set_tcp_nodelay(true);
    svr_.Get("/keys.json", [this](const httplib::Request&, httplib::Response& res) {
      Record("GET /keys.json", "");
      res.set_content(nlohmann::json{{kKid, StackitKey().PublicPem()}}.dump(), "application/json");
    });
    svr_.Post("/token", [this](const httplib::Request& req, httplib::Response& res) {
      Record("POST /token", req.body);
      res.set_content(R"({"access_token":"at","refresh_token":"rt","expires_in":600,)"
                      R"("token_type":"Bearer"})",
                      "application/json");
    });
    const std::string base = std::string("/v1/vendors/projects/") + kProject;
    svr_.Post(
        base + "/resolve-customer", [this](const httplib::Request& req, httplib::Response& res) {
          Record("resolve", req.body);
          std::lock_guard<std::mutex> lock(mu_);
          if (resolve_status != 200) {
            res.status = resolve_status;
            res.set_content(R"({"message":"nope"})", "application/json");
            return;
          }
          const std::string token = nlohmann::json::parse(req.body)["token"];
          const size_t d1 = token.find('.');
          const std::string id = nlohmann::json::parse(*crypto::Base64UrlDecodeStrict(
              token.substr(d1 + 1, token.rfind('.') - d1 - 1)))["subscriptionId"];
          const std::string answer = resolve_as.empty() ? id : resolve_as;
          res.set_content(
              nlohmann::json{{"subscriptionId", answer}, {"lifecycleState", StateLocked(answer)}}
                  .dump(),
              "application/json");
        });
    svr_.Post(base + R"(/subscriptions/([^/]+)/approve)",
              [this](const httplib::Request& req, httplib::Response& res) {
                Record("approve " + std::string(req.matches[1]), req.body);
                std::lock_guard<std::mutex> lock(mu_);
                if (approve_failures > 0) {
                  --approve_failures;
                  res.status = 503;
                  return;
                }
                std::string& state = states[req.matches[1]];
                if (state.empty()) state = "SUBSCRIPTION_PENDING";
                if (state != "SUBSCRIPTION_PENDING") {
                  res.status = 400;
                  return;
                }
                state = "SUBSCRIPTION_ACTIVE";
                res.status = 204;
              });
    svr_.Get(base + "/subscriptions", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      // One item per page, to make the poller follow the cursor.
      const size_t from = req.has_param("cursor") ? std::stoul(req.get_param_value("cursor")) : 0;
      nlohmann::json items = nlohmann::json::array();
      size_t i = 0;
      for (const auto& [id, state] : states) {
        if (i++ != from) continue;
        // Like includeExpired=false: ended subscriptions are left out (the page stays, empty).
        if (hide_ended && state == "SUBSCRIPTION_CANCELLED") continue;
        items.push_back({{"subscriptionId", id}, {"lifecycleState", state}});
      }
      const std::string cursor = from + 1 < states.size() ? std::to_string(from + 1) : "";
      res.set_content(nlohmann::json{{"items", items}, {"cursor", cursor}, {"limit", 1}}.dump(),
                      "application/json");
    });
    svr_.Get(base + R"(/subscriptions/([^/]+))",
             [this](const httplib::Request& req, httplib::Response& res) {
               Record("get " + std::string(req.matches[1]), "");
               std::lock_guard<std::mutex> lock(mu_);
               res.set_content(nlohmann::json{{"subscriptionId", req.matches[1]},
                                              {"lifecycleState", StateLocked(req.matches[1])}}
                                   .dump(),
                               "application/json");
             });
    port_ = svr_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
  }
  ~FakeStackit() {
    svr_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<std::string> Calls(const std::string& prefix) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const auto& c : calls_) {
      if (c.first.rfind(prefix, 0) == 0) out.push_back(c.first);
    }
    return out;
  }
  std::string LastBody(const std::string& prefix) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = calls_.rbegin(); it != calls_.rend(); ++it) {
      if (it->first.rfind(prefix, 0) == 0) return it->second;
    }
    return "";
  }
  void SetState(const std::string& id, const std::string& state) {
    std::lock_guard<std::mutex> lock(mu_);
    states[id] = state;
  }

  // Guarded by mu_ (set them before the vendor calls).
  std::map<std::string, std::string> states;  // subscription id -> lifecycleState
  int resolve_status = 200;
  std::string resolve_as;    // resolve-customer answers this id instead of the token's
  bool hide_ended = false;   // the list leaves cancelled subscriptions out
  int approve_failures = 0;  // this many approve calls answer 503

 private:
  void Record(const std::string& what, const std::string& body) {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.emplace_back(what, body);
  }
  std::string StateLocked(const std::string& id) {
    std::string& s = states[id];
    if (s.empty()) s = "SUBSCRIPTION_PENDING";
    return s;
  }

  httplib::Server svr_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::pair<std::string, std::string>> calls_;
};

class SignupFlowTest : public ::testing::Test {
 protected:
  void SetUp() override { SetLogEnabled(false); }
  void TearDown() override {
    app_.reset();
    std::remove(key_path_.c_str());
    SetLogEnabled(true);
  }

  void StartVendor(const std::string& bugs = "") {
    key_path_ = ::testing::TempDir() + "vendor_sample_sa_key_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json";
    std::ofstream(key_path_) << nlohmann::json{{"credentials",
                                                {{"kid", "sa"},
                                                 {"iss", "sa@x"},
                                                 {"sub", "s"},
                                                 {"aud", "a"},
                                                 {"privateKey", StackitKey().PrivatePem()}}}}
                                    .dump();
    Config c;
    c.listen_host = "127.0.0.1";
    c.listen_port = 0;
    c.stackit_keys_url = fake_.url() + "/keys.json";
    c.stackit_issuer = "https://keys.example/keys.json";
    c.stackit_api_url = fake_.url();
    c.stackit_token_url = fake_.url() + "/token";
    c.stackit_project_id = kProject;
    c.stackit_service_account_key_path = key_path_;
    c.poll_interval_ms = 30;
    c.pbkdf2_iterations = 1000;
    c.bugs = *Bugs::Parse(bugs);
    StatusOr<std::unique_ptr<App>> app = App::Create(c);
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = std::move(*app);
    StatusOr<std::string> url = app_->Start();
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    url_ = *url;
    client_ = std::make_unique<httplib::Client>(url_);
    client_->set_tcp_nodelay(true);
  }

  static std::string Token(const std::string& sub = kSub, int64_t exp_offset = 300) {
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    return testing::Sign({{"alg", "RS256"}, {"kid", kKid}, {"typ", "JWT"}},
                         {{"subscriptionId", sub},
                          {"iss", "https://keys.example/keys.json"},
                          {"exp", now + exp_offset},
                          {"iat", now + exp_offset - 300}});
  }

  httplib::Result Land(const std::string& token) {
    return client_->Get("/stackit/signup?x-stackit-marketplace-token=" + token);
  }

  static std::string SignupId(const std::string& html) {
    const std::string marker = "name=\"signup_id\" value=\"";
    const size_t at = html.find(marker);
    if (at == std::string::npos) return "";
    const size_t start = at + marker.size();
    return html.substr(start, html.find('"', start) - start);
  }

  httplib::Result Register(const std::string& signup_id, const std::string& email) {
    return client_->Post("/stackit/signup", httplib::Params{{"signup_id", signup_id},
                                                            {"email", email},
                                                            {"name", "Alice"},
                                                            {"password", "correct horse"}});
  }

  nlohmann::json View(const std::string& id) {
    auto res = client_->Get("/api/stackit/subscriptions/" + id);
    if (!res || res->status != 200) return nullptr;
    return nlohmann::json::parse(res->body);
  }

  // Waits up to 2 s for the vendor's view of `id` to reach `state`.
  bool WaitForState(const std::string& id, const std::string& state) {
    for (int i = 0; i < 200; ++i) {
      const nlohmann::json v = View(id);
      if (v.is_object() && v["state"] == state) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  FakeStackit fake_;
  std::string key_path_;
  std::unique_ptr<App> app_;
  std::string url_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(SignupFlowTest, ApprovesOnlyAfterTheAccountIsRegistered) {
  StartVendor();
  const std::string token = Token();
  auto landing = Land(token);
  ASSERT_TRUE(landing);
  EXPECT_EQ(landing->status, 200) << landing->body;
  EXPECT_EQ(landing->get_header_value("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(landing->body.find(token.substr(token.rfind('.') + 1)), std::string::npos);
  EXPECT_EQ(fake_.Calls("resolve").size(), 1u);
  EXPECT_TRUE(fake_.Calls("approve").empty());
  EXPECT_TRUE(View(kSub).is_null());

  auto registered = Register(SignupId(landing->body), "Alice@Example.com");
  ASSERT_TRUE(registered);
  EXPECT_EQ(registered->status, 303);
  EXPECT_EQ(registered->get_header_value("Location"), "/app");
  const std::string cookie = registered->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_EQ(fake_.Calls("approve"), std::vector<std::string>{std::string("approve ") + kSub});
  EXPECT_EQ(nlohmann::json::parse(fake_.LastBody("approve"))["instanceTarget"], url_ + "/app");

  const nlohmann::json view = View(kSub);
  ASSERT_TRUE(view.is_object());
  EXPECT_EQ(view["email"], "alice@example.com");
  EXPECT_EQ(view["state"], "SUBSCRIPTION_ACTIVE");
  EXPECT_EQ(view["approved"], true);

  const std::string session = cookie.substr(0, cookie.find(';'));
  auto app_page = client_->Get("/app", httplib::Headers{{"Cookie", session}});
  ASSERT_TRUE(app_page);
  EXPECT_EQ(app_page->status, 200);
  EXPECT_NE(app_page->body.find("alice@example.com"), std::string::npos);
  auto anonymous = client_->Get("/app");
  EXPECT_EQ(anonymous->status, 303);

  auto login = client_->Post(
      "/login", httplib::Params{{"email", "alice@example.com"}, {"password", "correct horse"}});
  EXPECT_EQ(login->status, 303);
  auto bad_login = client_->Post(
      "/login", httplib::Params{{"email", "alice@example.com"}, {"password", "wrong horse"}});
  EXPECT_EQ(bad_login->status, 401);
}

TEST_F(SignupFlowTest, RefusedTokensReachNeitherResolveNorApprove) {
  StartVendor();
  auto expired = Land(Token(kSub, -120));
  EXPECT_EQ(expired->status, 403);
  EXPECT_NE(expired->body.find("expired"), std::string::npos);
  auto garbage = Land("not-a-token");
  EXPECT_EQ(garbage->status, 400);
  auto twice = client_->Get("/stackit/signup?x-stackit-marketplace-token=" + Token() +
                            "&x-stackit-marketplace-token=" + Token());
  EXPECT_EQ(twice->status, 400);
  auto none = client_->Get("/stackit/signup");
  EXPECT_EQ(none->status, 400);
  EXPECT_TRUE(fake_.Calls("resolve").empty());
  EXPECT_TRUE(fake_.Calls("approve").empty());
}

TEST_F(SignupFlowTest, ResolveFailureFailsClosed) {
  fake_.resolve_status = 500;
  StartVendor();
  auto landing = Land(Token());
  EXPECT_EQ(landing->status, 403);
  EXPECT_TRUE(fake_.Calls("approve").empty());
}

TEST_F(SignupFlowTest, SubscriptionMismatchIsRefused) {
  fake_.resolve_as = kOtherSub;
  StartVendor();
  auto landing = Land(Token());
  EXPECT_EQ(landing->status, 403);
  EXPECT_NE(landing->body.find("resolved it to"), std::string::npos);
  EXPECT_EQ(SignupId(landing->body), "");
}

TEST_F(SignupFlowTest, PlantedIgnoreSubscriptionMismatchApprovesTheResolvedId) {
  fake_.resolve_as = kOtherSub;
  StartVendor("ignore-subscription-mismatch");
  auto landing = Land(Token());
  ASSERT_EQ(landing->status, 200);
  Register(SignupId(landing->body), "a@example.com");
  EXPECT_EQ(fake_.Calls("approve"), std::vector<std::string>{std::string("approve ") + kOtherSub});
}

TEST_F(SignupFlowTest, OnlyPendingSubscriptionsCanRegister) {
  fake_.states[kSub] = "SUBSCRIPTION_CANCELLED";
  StartVendor();
  auto landing = Land(Token());
  EXPECT_EQ(landing->status, 409);
  EXPECT_EQ(SignupId(landing->body), "");
}

TEST_F(SignupFlowTest, RepeatedRegistrationApprovesNothingTwice) {
  StartVendor();
  auto landing1 = Land(Token());
  auto landing2 = Land(Token());  // a second tab, before registering
  const std::string id1 = SignupId(landing1->body);
  EXPECT_EQ(Register(id1, "a@example.com")->status, 303);
  EXPECT_EQ(Register(id1, "a@example.com")->status, 409);
  EXPECT_EQ(Register(SignupId(landing2->body), "b@example.com")->status, 409);
  EXPECT_EQ(Land(Token())->body.find("already registered") != std::string::npos, true);
  EXPECT_EQ(fake_.Calls("approve").size(), 1u);
}

TEST_F(SignupFlowTest, PlantedDoubleApproveApprovesAgain) {
  StartVendor("double-approve");
  const std::string id = SignupId(Land(Token())->body);
  Register(id, "a@example.com");
  Register(id, "a@example.com");
  EXPECT_EQ(fake_.Calls("approve").size(), 2u);
}

TEST_F(SignupFlowTest, PlantedApproveBeforeRegistrationApprovesOnLanding) {
  StartVendor("approve-before-registration");
  auto landing = Land(Token());
  EXPECT_EQ(fake_.Calls("approve").size(), 1u);
  Register(SignupId(landing->body), "a@example.com");
  EXPECT_EQ(fake_.Calls("approve").size(), 1u);
  EXPECT_EQ(View(kSub)["approved"], true);
}

TEST_F(SignupFlowTest, PlantedApproveWithoutResolveSkipsResolve) {
  StartVendor("approve-without-resolve");
  Register(SignupId(Land(Token())->body), "a@example.com");
  EXPECT_TRUE(fake_.Calls("resolve").empty());
  EXPECT_EQ(fake_.Calls("approve").size(), 1u);
}

TEST_F(SignupFlowTest, PollerReflectsCancellation) {
  fake_.states["3f1c2a9e-0000-4000-8000-00000000000a"] = "SUBSCRIPTION_ACTIVE";  // not ours
  StartVendor();
  Register(SignupId(Land(Token())->body), "a@example.com");
  fake_.SetState(kSub, "SUBSCRIPTION_CANCELLED");
  EXPECT_TRUE(WaitForState(kSub, "SUBSCRIPTION_CANCELLED"));
}

TEST_F(SignupFlowTest, PollerRetriesAnApproveThatFailedAtRegistration) {
  fake_.approve_failures = 1;
  StartVendor();
  auto registered = Register(SignupId(Land(Token())->body), "a@example.com");
  EXPECT_EQ(registered->status, 303);  // the account exists; activation is pending
  for (int i = 0; i < 200 && View(kSub)["approved"] != true; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(View(kSub)["approved"], true);
  EXPECT_EQ(fake_.Calls("approve").size(), 2u);
}

// An API that hides ended subscriptions from the list: the poller asks for the missing ones.
TEST_F(SignupFlowTest, PollerFetchesBoundSubscriptionsTheListLeavesOut) {
  fake_.hide_ended = true;
  StartVendor();
  Register(SignupId(Land(Token())->body), "a@example.com");
  fake_.SetState(kSub, "SUBSCRIPTION_CANCELLED");
  EXPECT_TRUE(WaitForState(kSub, "SUBSCRIPTION_CANCELLED"));
  EXPECT_FALSE(fake_.Calls(std::string("get ") + kSub).empty());
}

TEST_F(SignupFlowTest, PlantedNoPollingNeverNotices) {
  StartVendor("no-polling");
  Register(SignupId(Land(Token())->body), "a@example.com");
  fake_.SetState(kSub, "SUBSCRIPTION_CANCELLED");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(View(kSub)["state"], "SUBSCRIPTION_ACTIVE");
}

}  // namespace
}  // namespace vendor_sample
