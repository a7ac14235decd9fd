// vendor-sample hosting Pandium's In-App Marketplace, in-process over loopback: seeded test users
// log in, the integrations page embeds the marketplace, and the SSO endpoint mints tenant JWTs
// from the session alone (security catalogue B-00..B-14), with and without planted bugs. Pandium
// is the only marketplace configured here: a vendor may use it alone.
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <regex>
#include <set>

#include "vendor-sample/app/app.h"
#include "vendor-sample/base/log.h"
#include "vendor-sample/crypto/base64url.h"
#include "vendor-sample/crypto/digest.h"
#include "vendor-sample/crypto/strict_json.h"
#include "vendor-sample/net/url.h"

namespace vendor_sample {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1767225600000;
constexpr char kSecret[] = "pandium-shared-secret: raw bytes, 0123456789 ";
constexpr char kEntry[] = "http://127.0.0.1:4010/pandium/acme";
constexpr char kAlice[] = "alice@example.test";
constexpr char kAlicePassword[] = "alice-password";
constexpr char kBob[] = "bob@example.test";
constexpr char kBobPassword[] = "bob-password";

std::string OpenSslHmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

// What the harness sees of one call to the SSO endpoint.
struct Minted {
  int status = 0;
  std::string location;
  std::string token;  // "" when the reply carries none
  json claims;        // the payload, when there is a token
  bool signature_ok = false;
  httplib::Headers headers;
};

Minted Inspect(const httplib::Result& res) {
  Minted m;
  if (!res) return m;
  m.status = res->status;
  m.headers = res->headers;
  m.location = res->get_header_value("Location");
  const std::string prefix = std::string(kEntry) + "?tenant=";
  if (m.location.rfind(prefix, 0) != 0) return m;
  m.token = m.location.substr(prefix.size());
  const size_t a = m.token.find('.');
  const size_t b = m.token.rfind('.');
  if (a == std::string::npos || a == b) return m;
  StatusOr<std::string> payload = crypto::Base64UrlDecodeStrict(m.token.substr(a + 1, b - a - 1));
  StatusOr<std::string> signature = crypto::Base64UrlDecodeStrict(m.token.substr(b + 1));
  if (!payload.ok() || !signature.ok()) return m;
  StatusOr<json> claims = crypto::ParseStrictJson(*payload, 8);
  if (claims.ok()) m.claims = *claims;
  m.signature_ok = OpenSslHmac(kSecret, m.token.substr(0, b)) == *signature;
  return m;
}

// The claims that must not depend on anything but the session: all but jti and iat.
json Identity(json claims) {
  claims.erase("jti");
  claims.erase("iat");
  return claims;
}

class PandiumFlowTest : public ::testing::Test {
 protected:
  void SetUp() override { SetLogEnabled(false); }
  void TearDown() override {
    app_.reset();
    if (!db_path_.empty()) {
      for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db_path_ + suffix).c_str());
    }
    SetLogEnabled(true);
  }

  Config BaseConfig(const std::string& bugs = "") {
    Config c;
    c.listen_host = "127.0.0.1";
    c.listen_port = 0;
    c.pandium_account = "acme";
    c.pandium_entry_url = kEntry;
    c.pandium_secret = kSecret;
    c.pandium_allowed_hosts = {"127.0.0.1"};
    c.test_users = {{kAlice, kAlicePassword, "basic"}, {kBob, kBobPassword, "enterprise"}};
    c.pbkdf2_iterations = 1000;
    c.bugs = *Bugs::Parse(bugs);
    if (!db_path_.empty()) c.db_path = db_path_;
    return c;
  }

  void StartVendor(const std::string& bugs = "") { StartWith(BaseConfig(bugs)); }
  void StartWith(const Config& c) {
    app_.reset();
    StatusOr<std::unique_ptr<App>> app = App::Create(c, &clock_);
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = std::move(*app);
    StatusOr<std::string> url = app_->Start();
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    client_ = std::make_unique<httplib::Client>(*url);
    client_->set_tcp_nodelay(true);
  }

  // "vs_session=..." after a successful login, else "".
  std::string Login(const std::string& email, const std::string& password) {
    auto res = client_->Post("/login", net::FormEncode({{"email", email}, {"password", password}}),
                             "application/x-www-form-urlencoded");
    if (!res || res->status != 303 || res->get_header_value("Location") != "/app") return "";
    const std::string cookie = res->get_header_value("Set-Cookie");
    return cookie.substr(0, cookie.find(';'));
  }

  httplib::Result Get(const std::string& path, const std::string& cookie,
                      httplib::Headers headers = {}) {
    if (!cookie.empty()) headers.emplace("Cookie", cookie);
    return client_->Get(path, headers);
  }
  Minted Sso(const std::string& cookie, const std::string& query = "",
             const httplib::Headers& headers = {}) {
    return Inspect(Get("/integrations/pandium/sso" + query, cookie, headers));
  }

  ManualClock clock_{kNow};
  std::string db_path_;
  std::unique_ptr<App> app_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(PandiumFlowTest, SeededTestUsersLogIn) {
  StartVendor();
  const std::string alice = Login(kAlice, kAlicePassword);
  ASSERT_FALSE(alice.empty());
  EXPECT_FALSE(Login("ALICE@example.test", kAlicePassword).empty());  // e-mails are lower case
  EXPECT_FALSE(Login(kBob, kBobPassword).empty());
  EXPECT_TRUE(Login(kAlice, kBobPassword).empty());
  EXPECT_EQ(client_
                ->Post("/login", net::FormEncode({{"email", kAlice}, {"password", "wrong"}}),
                       "application/x-www-form-urlencoded")
                ->status,
            401);
  auto page = Get("/app", alice);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find(kAlice), std::string::npos);
  EXPECT_NE(page->body.find("<span id=\"tier\">basic</span>"), std::string::npos);
  EXPECT_NE(page->body.find("href=\"/integrations\""), std::string::npos);
  // Pandium only: no STACKIT or Clever Cloud routes.
  EXPECT_EQ(client_->Get("/stackit/signup")->status, 404);
  EXPECT_EQ(client_->Post("/clevercloud/sso", "", "application/x-www-form-urlencoded")->status,
            404);
}

TEST_F(PandiumFlowTest, IntegrationsPageEmbedsTheMarketplace) {
  StartVendor();
  auto anonymous = Get("/integrations", "");
  EXPECT_EQ(anonymous->status, 303);
  EXPECT_EQ(anonymous->get_header_value("Location"), "/login");

  auto page = Get("/integrations", Login(kAlice, kAlicePassword));
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<iframe id=\"pandium-marketplace\" "
                            "src=\"/integrations/pandium/sso\""),
            std::string::npos)
      << page->body;
  EXPECT_TRUE(std::regex_search(page->body, std::regex("<iframe[^>]* sandbox=\"allow-scripts "
                                                       "allow-same-origin allow-forms")));
  EXPECT_NE(page->body.find("referrerpolicy=\"no-referrer\""), std::string::npos);
  EXPECT_EQ(page->body.find("tenant="), std::string::npos);  // the token is minted by the frame
  // Never framed itself; frames this origin (the mint endpoint) and the marketplace only.
  EXPECT_EQ(page->get_header_value_count("Content-Security-Policy"), 1u);
  const std::string csp = page->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("frame-src 'self' http://127.0.0.1:4010;"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_EQ(page->get_header_value("X-Frame-Options"), "DENY");
  // Other pages keep the default policy, once.
  auto login = client_->Get("/login");
  EXPECT_EQ(login->get_header_value_count("Content-Security-Policy"), 1u);
  EXPECT_EQ(login->get_header_value("Content-Security-Policy").find("frame-src"),
            std::string::npos);
}

// B-00, B-01, B-03, B-04, B-13, B-14.
TEST_F(PandiumFlowTest, MintsForTheSessionUserAndRedirectsToTheEntry) {
  StartVendor();
  const std::string alice = Login(kAlice, kAlicePassword);
  const Minted m = Sso(alice);
  ASSERT_EQ(m.status, 302);
  ASSERT_FALSE(m.token.empty()) << m.location;
  EXPECT_TRUE(m.signature_ok);
  EXPECT_EQ(m.token.substr(0, m.token.find('.')), "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
  EXPECT_TRUE(std::regex_match(m.token, std::regex("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\."
                                                   "[A-Za-z0-9_-]{43}")));
  EXPECT_LT(m.location.size(), 8192u);
  const std::string sub = m.claims.value("sub", "");
  EXPECT_TRUE(std::regex_match(
      sub, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << sub;
  EXPECT_EQ(m.claims["external_id"], sub);
  EXPECT_EQ(m.claims["iat"], kNow / 1000);
  EXPECT_EQ(m.claims["meta"], json({{"plan", "basic"}}));
  EXPECT_EQ(m.claims["ti"],
            json({{"uem", kAlice}, {"udn", "alice"}, {"xti", {{"user_group", "basic"}}}}));
  // B-14, each header once.
  EXPECT_EQ(m.headers.count("Cache-Control"), 1u);
  EXPECT_EQ(m.headers.find("Cache-Control")->second, "no-store");
  EXPECT_EQ(m.headers.count("Referrer-Policy"), 1u);
  EXPECT_EQ(m.headers.find("Referrer-Policy")->second, "no-referrer");

  // B-03: the same for alice in another session, another for bob.
  const Minted again = Sso(Login(kAlice, kAlicePassword));
  EXPECT_EQ(Identity(again.claims), Identity(m.claims));
  const Minted bob = Sso(Login(kBob, kBobPassword));
  ASSERT_TRUE(bob.signature_ok);
  EXPECT_NE(bob.claims["sub"], sub);
  EXPECT_EQ(bob.claims["meta"]["plan"], "enterprise");
  EXPECT_EQ(bob.claims["ti"]["xti"]["user_group"], "enterprise");

  // B-04: iat follows the clock, in seconds.
  clock_.Advance(int64_t{61} * 1000);
  EXPECT_EQ(Sso(alice).claims["iat"], kNow / 1000 + 61);
}

// B-05, B-06: a new token for every call.
TEST_F(PandiumFlowTest, FreshJtiEveryCall) {
  StartVendor();
  const std::string alice = Login(kAlice, kAlicePassword);
  std::set<std::string> jtis, tokens;
  for (int i = 0; i < 20; ++i) {
    const Minted m = Sso(alice);
    ASSERT_TRUE(m.signature_ok);
    const std::string jti = m.claims.value("jti", "");
    EXPECT_TRUE(std::regex_match(jti, std::regex("[0-9a-f]{32}"))) << jti;
    jtis.insert(jti);
    tokens.insert(m.token);
  }
  EXPECT_EQ(jtis.size(), 20u);
  EXPECT_EQ(tokens.size(), 20u);
}

// B-07: nothing is minted without a session.
TEST_F(PandiumFlowTest, NoSessionNoToken) {
  StartVendor();
  Minted m = Sso("");
  EXPECT_EQ(m.status, 303);
  EXPECT_EQ(m.location, "/login");
  m = Sso("", "", {{"Accept", "application/json"}});
  EXPECT_EQ(m.status, 401);
  EXPECT_TRUE(m.location.empty());
  m = Sso("", "", {{"Accept", "text/html,application/xhtml+xml,application/json;q=0.9"}});
  EXPECT_EQ(m.status, 303);
  EXPECT_EQ(Sso("vs_session=forged-session-id").status, 303);
  EXPECT_EQ(Sso("", "?sub=x&user=y&email=alice%40example.test").status, 303);

  // After logout and after the session expired.
  const std::string alice = Login(kAlice, kAlicePassword);
  ASSERT_TRUE(Sso(alice).signature_ok);
  ASSERT_EQ(client_->Post("/logout", httplib::Headers{{"Cookie", alice}}, "", "text/plain")->status,
            303);
  EXPECT_EQ(Sso(alice).status, 303);
  const std::string again = Login(kAlice, kAlicePassword);
  clock_.Advance(int64_t{12} * 3600 * 1000);
  EXPECT_EQ(Sso(again).status, 303);
}

// B-08, B-09, B-10, B-12: nothing in the request changes the claims or where the token goes.
TEST_F(PandiumFlowTest, ImpersonationAttemptsAreIgnored) {
  StartVendor();
  const std::string alice = Login(kAlice, kAlicePassword);
  const std::string bob = Login(kBob, kBobPassword);
  const json baseline = Identity(Sso(alice).claims);
  const std::string bob_id = Sso(bob).claims.value("sub", "");
  ASSERT_FALSE(bob_id.empty());
  ASSERT_NE(baseline.value("sub", ""), bob_id);

  const std::string queries[] = {
      "?sub=" + bob_id,
      "?user=" + bob_id,
      "?user_id=" + bob_id,
      "?external_id=" + bob_id,
      "?email=bob%40example.test&uem=bob%40example.test&udn=bob",
      "?sub=" + bob_id + "&sub=" + bob_id,
      "?tenant=T2&org=T2&account=T2",
      "?user_group=enterprise&allowed_installs=999&hidden_integrations=&plan=enterprise",
      "?meta=%7B%22plan%22%3A%22enterprise%22%7D&xti%5Buser_group%5D=enterprise",
      "?redirect=https%3A%2F%2Fattacker.harness.example%2F&next=https://attacker.harness.example/",
      "?account=../x&entry=https://attacker.harness.example/",
  };
  for (const std::string& q : queries) {
    const Minted m = Sso(alice, q);
    ASSERT_EQ(m.status, 302) << q;
    EXPECT_TRUE(m.signature_ok) << q << " -> " << m.location;
    EXPECT_EQ(Identity(m.claims), baseline) << q;
  }
  const httplib::Headers header_attempts[] = {
      {{"X-User-Id", bob_id}},
      {{"X-Forwarded-User", kBob}, {"X-Remote-User", kBob}, {"X-Email", kBob}},
      {{"X-User-Group", "enterprise"}, {"X-Tenant", "T2"}},
      {{"Host", "attacker.harness.example"}},
      {{"X-Forwarded-Host", "attacker.harness.example"}, {"X-Forwarded-Proto", "https"}},
      {{"Forwarded", "host=attacker.harness.example;proto=https"}},
      {{"Referer", "https://attacker.harness.example/"}, {"Origin", "https://attacker.example"}},
  };
  for (const httplib::Headers& h : header_attempts) {
    const Minted m = Sso(alice, "", h);
    ASSERT_EQ(m.status, 302) << h.begin()->first;
    EXPECT_TRUE(m.signature_ok) << h.begin()->first << " -> " << m.location;
    EXPECT_EQ(Identity(m.claims), baseline) << h.begin()->first;
  }
  // A body on the GET, JSON or form.
  for (const auto& [type, body] : std::vector<std::pair<std::string, std::string>>{
           {"application/json", json{{"sub", bob_id}, {"external_id", bob_id}}.dump()},
           {"application/x-www-form-urlencoded", "sub=" + bob_id + "&user=" + bob_id}}) {
    httplib::Request req;
    req.method = "GET";
    req.path = "/integrations/pandium/sso";
    req.set_header("Cookie", alice);
    req.set_header("Content-Type", type);
    req.body = body;
    const Minted m = Inspect(client_->send(req));
    EXPECT_TRUE(m.signature_ok) << type;
    EXPECT_EQ(Identity(m.claims), baseline) << type;
  }
  // Two session cookies: the first is the one used, never a mix.
  const Minted two = Sso(alice + "; " + bob);
  EXPECT_EQ(Identity(two.claims), baseline);
  // The tier of a basic user cannot be raised: bob is enterprise, alice stays basic.
  EXPECT_EQ(baseline["meta"]["plan"], "basic");
}

// B-11: the secret is nowhere in what vendor-sample serves, in any encoding.
TEST_F(PandiumFlowTest, SecretIsNeverServed) {
  StartVendor();
  const std::string alice = Login(kAlice, kAlicePassword);
  std::vector<httplib::Result> replies;
  for (const char* path : {"/", "/login", "/app", "/integrations", "/integrations/pandium/sso",
                           "/integrations/pandium/sso?debug=1", "/healthz", "/nope",
                           "/integrations/pandium/sso/../../x", "/_config", "/.env"}) {
    replies.push_back(Get(path, alice));
    replies.push_back(Get(path, ""));
    replies.push_back(Get(path, "", {{"Accept", "application/json"}}));
  }
  replies.push_back(
      client_->Post("/integrations/pandium/sso", "sub=x", "application/x-www-form-urlencoded"));
  const std::string needles[] = {kSecret, "pandium-shared-secret", crypto::Base64UrlEncode(kSecret),
                                 crypto::Base64Encode(kSecret), crypto::HexEncode(kSecret)};
  for (const httplib::Result& res : replies) {
    ASSERT_TRUE(res);
    std::string everything = res->body;
    for (const auto& [name, value] : res->headers) everything += name + ": " + value + "\n";
    for (const std::string& needle : needles) {
      EXPECT_EQ(everything.find(needle), std::string::npos) << everything.substr(0, 300);
    }
  }
}

// B-03: the account id is stored, so a restart on the same database keeps every user's sub.
TEST_F(PandiumFlowTest, TestUsersKeepTheirIdAcrossRestarts) {
  db_path_ = ::testing::TempDir() + "vendor_sample_pandium_restart.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db_path_ + suffix).c_str());
  StartVendor();
  const json before = Identity(Sso(Login(kAlice, kAlicePassword)).claims);
  ASSERT_TRUE(before.contains("sub"));
  // Restarted with another password and tier for alice: she exists, so nothing changes.
  Config c = BaseConfig();
  c.test_users = {{kAlice, "another-password", "enterprise"}, {kBob, kBobPassword, "enterprise"}};
  StartWith(c);
  EXPECT_TRUE(Login(kAlice, "another-password").empty());
  EXPECT_EQ(Identity(Sso(Login(kAlice, kAlicePassword)).claims), before);
}

TEST_F(PandiumFlowTest, RefusesAnEntryOutsideTheAllowedHosts) {
  Config c = BaseConfig();
  c.pandium_allowed_hosts = {"imp.pandium.io"};
  StatusOr<std::unique_ptr<App>> app = App::Create(c, &clock_);
  ASSERT_FALSE(app.ok());
  EXPECT_NE(app.status().message().find("PANDIUM_ALLOWED_HOSTS"), std::string::npos);
  EXPECT_EQ(app.status().message().find(kSecret), std::string::npos);
}

// Each planted bug changes what the harness observes.
TEST_F(PandiumFlowTest, PlantedBugsChangeTheOutcome) {
  {
    StartVendor("pd-constant-jti");
    const std::string alice = Login(kAlice, kAlicePassword);
    EXPECT_EQ(Sso(alice).claims["jti"], Sso(alice).claims["jti"]);
  }
  {
    StartVendor("pd-missing-sub");
    const Minted m = Sso(Login(kAlice, kAlicePassword));
    EXPECT_TRUE(m.signature_ok);
    EXPECT_FALSE(m.claims.contains("sub"));
  }
  {
    StartVendor("pd-wrong-secret");
    const Minted m = Sso(Login(kAlice, kAlicePassword));
    EXPECT_EQ(m.status, 302);
    EXPECT_FALSE(m.token.empty());
    EXPECT_FALSE(m.signature_ok);
  }
  {
    StartVendor("pd-sub-from-query");
    const std::string alice = Login(kAlice, kAlicePassword);
    EXPECT_EQ(Sso(alice, "?sub=someone-else").claims["sub"], "someone-else");
    EXPECT_EQ(Sso(alice, "?user=bob").claims["sub"], "bob");
    EXPECT_NE(Sso(alice).claims["sub"], "bob");
  }
  {
    StartVendor("pd-stale-iat");
    EXPECT_EQ(Sso(Login(kAlice, kAlicePassword)).claims["iat"], kNow / 1000 - 3600);
  }
  {
    StartVendor("pd-mint-without-session");
    const Minted m = Sso("");
    EXPECT_EQ(m.status, 302);
    EXPECT_TRUE(m.signature_ok);
    EXPECT_FALSE(m.claims.value("sub", "").empty());
  }
  {
    StartVendor("pd-iat-ms");
    EXPECT_EQ(Sso(Login(kAlice, kAlicePassword)).claims["iat"], kNow);
  }
}

}  // namespace
}  // namespace vendor_sample
