// The Pandium In-App Marketplace over real loopback sockets, as the customer's browser meets it:
// the entry page and its markers, the headers that govern framing and caching, the session that
// install/uninstall need, the deep link and install-only variants, an error page for every class
// of rejected token, replay, and the /_emulator/pandium control routes.
#include <gtest/gtest.h>

#include <regex>

#include "emulator/http/client.h"
#include "emulator/pandium/api.h"
#include "emulator/pandium/service.h"
#include "tests/support/scoped_emulator.h"
#include "tests/support/status_matchers.h"

namespace mpemu {
namespace {

using ::mpemu::testing::ScopedEmulator;
using ::mpemu::testing::ScopedEmulatorOptions;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

constexpr char kAccount[] = "mpemu-vendor";
constexpr char kFramed[] = "framed";
constexpr char kParent[] = "https://app.vendor.example";

ScopedEmulatorOptions Options() {
  ScopedEmulatorOptions o;
  o.configure = [](app::EmulatorConfig& c) {
    pandium::Account framed = c.pandium.accounts.front();
    framed.name = kFramed;
    framed.secret = "framed-account-secret-0123456789abcdef";
    framed.parent_domain = kParent;
    c.pandium.accounts.push_back(framed);
  };
  return o;
}

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string Match(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : "";
}

class PandiumApiTest : public ::testing::Test {
 protected:
  pandium::Service& service() { return emu_.emulator().pandium().service(); }

  std::string Mint(const std::string& sub = "u1@example.com", ojson extra = ojson::object(),
                   const std::string& account = kAccount) {
    ojson claims = {{"iat", emu_.emulator().wall_clock().NowSeconds()},
                    {"jti", "jti-" + std::to_string(++jti_)},
                    {"sub", sub}};
    for (const auto& [k, v] : extra.items()) claims[k] = v;
    return pandium::Service::MintForTests(service().Secret(account), claims);
  }
  http::Response Send(const std::string& method, const std::string& path,
                      const http::Headers& headers = {}, const std::string& body = "",
                      const std::string& content_type = "") {
    StatusOr<http::Response> r = client_->Send(method, path, headers, body, content_type);
    EXPECT_OK(r);
    return r.ok() ? *r : http::Response{};
  }
  http::Response Get(const std::string& path, const http::Headers& headers = {}) {
    return Send("GET", path, headers);
  }
  http::Response Control(const std::string& method, const std::string& path,
                         const json& body = nullptr) {
    return body.is_null() ? Send(method, path)
                          : Send(method, path, {}, body.dump(), "application/json");
  }
  json Json(const http::Response& r) { return json::parse(r.body, nullptr, false); }

  // Enters the marketplace as `sub`: the page and the "name=value" cookie pair.
  struct Entered {
    http::Response page;
    std::string cookie, csrf;
  };
  Entered Enter(const std::string& path_prefix = "/pandium/mpemu-vendor",
                const std::string& sub = "u1@example.com") {
    Entered e;
    e.page = Get(path_prefix + "?tenant=" + Mint(sub));
    EXPECT_EQ(e.page.status, 200) << e.page.body;
    const std::string set = e.page.Header("Set-Cookie");
    e.cookie = set.substr(0, set.find(';'));
    e.csrf = Match(e.page.body, "name=\"csrf\" value=\"([0-9a-f]+)\"");
    return e;
  }
  http::Response Post(const std::string& path, const std::string& cookie, const std::string& form) {
    http::Headers h;
    if (!cookie.empty()) h.emplace("Cookie", cookie);
    return Send("POST", path, h, form, "application/x-www-form-urlencoded");
  }
  std::string Installed(const std::string& body, const std::string& id) {
    return Match(body, "data-id=\"" + id + "\" data-installed=\"(true|false)\"");
  }
  void ExpectPageHeaders(const http::Response& r, const std::string& parent = "") {
    EXPECT_EQ(r.Header("Cache-Control"), "no-store");
    EXPECT_EQ(r.Header("Referrer-Policy"), "no-referrer");
    if (parent.empty()) {
      EXPECT_FALSE(r.headers.count("Content-Security-Policy")) << r.body;
    } else {
      EXPECT_EQ(r.Header("Content-Security-Policy"), "frame-ancestors " + parent);
    }
    EXPECT_FALSE(r.headers.count("X-Frame-Options"));
  }

  ScopedEmulator emu_{Options()};
  std::unique_ptr<http::Client> client_ = emu_.NewClient();
  int jti_ = 0;
};

// --- the entry page ---

TEST_F(PandiumApiTest, EntryRendersTheCatalogueWithMarkers) {
  const http::Response r =
      Get("/pandium/mpemu-vendor?tenant=" + Mint("ada@example.com", {{"external_id", "ext-42"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.Header("Content-Type"), StartsWith("text/html"));
  EXPECT_THAT(r.body, StartsWith("<!doctype html>"));
  EXPECT_THAT(r.body, HasSubstr("<body data-pandium-status=\"ok\" data-pandium-reason=\"\""));
  EXPECT_THAT(r.body, HasSubstr("data-pandium-view=\"marketplace\""));
  EXPECT_EQ(Count(r.body, "<li class=\"integration\""), 4);
  for (const char* id : {"salesforce", "hubspot", "shopify", "netsuite"}) {
    EXPECT_EQ(Installed(r.body, id), "false") << id;
  }
  EXPECT_THAT(r.body, HasSubstr("<h2><a href=\"/pandium/mpemu-vendor/integrations/hubspot\">"
                                "HubSpot</a></h2>"));
  EXPECT_THAT(r.body, HasSubstr("data-sub=\"ada@example.com\" data-external-id=\"ext-42\""));
  EXPECT_THAT(r.body,
              HasSubstr("action=\"/pandium/mpemu-vendor/integrations/salesforce/install\""));
  EXPECT_THAT(r.body, Not(HasSubstr(service().Secret(kAccount))));
  ExpectPageHeaders(r);
}

TEST_F(PandiumApiTest, EntryEscapesWhatTheTokenCarries) {
  const http::Response r = Get("/pandium/mpemu-vendor?tenant=" +
                               Mint("<script>alert(1)</script>", {{"external_id", "\"><b>"}}));
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, Not(HasSubstr("<script>")));
  EXPECT_THAT(r.body, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(r.body, Not(HasSubstr("\"><b>")));
}

TEST_F(PandiumApiTest, SessionCookieIsLaxOverPlainHttp) {
  const Entered e = Enter();
  const std::string set = e.page.Header("Set-Cookie");
  EXPECT_THAT(set, StartsWith("pandium_session="));
  EXPECT_THAT(set, HasSubstr("; Path=/pandium/mpemu-vendor"));
  EXPECT_THAT(set, HasSubstr("; HttpOnly"));
  EXPECT_THAT(set, HasSubstr("; SameSite=Lax"));
  EXPECT_THAT(set, Not(HasSubstr("Secure")));
  EXPECT_EQ(e.csrf.size(), 64u);
}

TEST_F(PandiumApiTest, SessionCookieIsSecureSameSiteNoneOverTls) {
  const http::Response r =
      Get("/pandium/mpemu-vendor?tenant=" + Mint(), {{"X-Forwarded-Proto", "https"}});
  ASSERT_EQ(r.status, 200);
  const std::string set = r.Header("Set-Cookie");
  EXPECT_THAT(set, HasSubstr("; HttpOnly; Secure; SameSite=None"));
}

TEST_F(PandiumApiTest, FrameAncestorsIsTheParentDomainOnEveryPage) {
  const std::string framed = "/pandium/framed";
  const http::Response ok = Get(framed + "?tenant=" + Mint("u1", {}, kFramed));
  ASSERT_EQ(ok.status, 200) << ok.body;
  ExpectPageHeaders(ok, kParent);
  ExpectPageHeaders(Get(framed + "?tenant=garbage"), kParent);                // 400
  ExpectPageHeaders(Get(framed + "/integrations/nope?tenant=x"), kParent);    // 404
  ExpectPageHeaders(Get(framed + "/integrations/hubspot/install"), kParent);  // 405
  ExpectPageHeaders(Get(framed + "/no/such/page"), kParent);                  // 404
  // And nothing frame-related for the sandbox-like account, also on errors.
  ExpectPageHeaders(Get("/pandium/mpemu-vendor?tenant=garbage"));
  ExpectPageHeaders(Get("/pandium/nobody?tenant=garbage"));
}

// --- install / uninstall ---

TEST_F(PandiumApiTest, InstallAndUninstallChangeStateThroughTheSession) {
  const Entered e = Enter();
  const std::string base = "/pandium/mpemu-vendor/integrations/shopify";
  http::Response r = Post(base + "/install", e.cookie, "csrf=" + e.csrf + "&view=marketplace");
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.Header("Location"), "/pandium/mpemu-vendor");
  ExpectPageHeaders(r);

  http::Response page = Get("/pandium/mpemu-vendor", {{"Cookie", e.cookie}});
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(Installed(page.body, "shopify"), "true");
  EXPECT_EQ(Installed(page.body, "hubspot"), "false");
  EXPECT_THAT(page.body,
              HasSubstr("action=\"/pandium/mpemu-vendor/integrations/shopify/uninstall\""));
  EXPECT_EQ(service().FindTenant(kAccount, "u1@example.com")->installed,
            std::vector<std::string>{"shopify"});

  r = Post(base + "/uninstall", e.cookie, "csrf=" + e.csrf + "&view=integration");
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.Header("Location"), base);
  page = Get(base, {{"Cookie", e.cookie}});
  EXPECT_EQ(Installed(page.body, "shopify"), "false");
}

TEST_F(PandiumApiTest, PostsNeedTheSessionAndItsCsrfField) {
  const Entered e = Enter();
  const std::string install = "/pandium/mpemu-vendor/integrations/hubspot/install";
  http::Response r = Post(install, "", "csrf=" + e.csrf);
  EXPECT_EQ(r.status, 401);
  EXPECT_THAT(r.body, HasSubstr("data-pandium-code=\"no_session\""));
  r = Post(install, "pandium_session=0123456789abcdef", "csrf=" + e.csrf);
  EXPECT_EQ(r.status, 401);
  r = Post(install, e.cookie, "csrf=" + std::string(64, '0'));
  EXPECT_EQ(r.status, 403);
  EXPECT_THAT(r.body, HasSubstr("data-pandium-code=\"csrf\""));
  r = Post(install, e.cookie, "");
  EXPECT_EQ(r.status, 403);
  // A session of one account does not act on another.
  r = Post("/pandium/framed/integrations/hubspot/install", e.cookie, "csrf=" + e.csrf);
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(service().FindTenant(kAccount, "u1@example.com")->installed.empty());
  // Unknown integrations are a 404 page.
  r = Post("/pandium/mpemu-vendor/integrations/sap/install", e.cookie, "csrf=" + e.csrf);
  EXPECT_EQ(r.status, 404);
}

TEST_F(PandiumApiTest, WithoutATokenTheSessionShowsTheMarketplace) {
  http::Response r = Get("/pandium/mpemu-vendor");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("data-pandium-code=\"missing_token\""));
  const Entered e = Enter();
  r = Get("/pandium/mpemu-vendor/", {{"Cookie", e.cookie}});
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("data-sub=\"u1@example.com\""));
  EXPECT_TRUE(r.Header("Set-Cookie").empty());
}

// --- deep link and install-only ---

TEST_F(PandiumApiTest, DeepLinkShowsOneIntegration) {
  const Entered e = Enter("/pandium/mpemu-vendor/integrations/hubspot");
  EXPECT_THAT(e.page.body, HasSubstr("data-pandium-view=\"integration\""));
  EXPECT_EQ(Count(e.page.body, "<li class=\"integration\""), 1);
  EXPECT_EQ(Installed(e.page.body, "hubspot"), "false");
  EXPECT_THAT(e.page.body, HasSubstr("<a class=\"all\" href=\"/pandium/mpemu-vendor\">"));
  EXPECT_THAT(e.page.body, HasSubstr("name=\"view\" value=\"integration\""));

  // An unknown integration is a 404 before the token is looked at: its jti stays usable.
  const std::string token = Mint();
  http::Response r = Get("/pandium/mpemu-vendor/integrations/sap?tenant=" + token);
  EXPECT_EQ(r.status, 404);
  EXPECT_THAT(r.body, HasSubstr("data-pandium-code=\"unknown_integration\""));
  EXPECT_EQ(Get("/pandium/mpemu-vendor?tenant=" + token).status, 200);
}

TEST_F(PandiumApiTest, InstallOnlyOffersOneInstallAndLandsOnTheIntegration) {
  const Entered e = Enter("/pandium/mpemu-vendor/tenants/create/netsuite");
  EXPECT_THAT(e.page.body, HasSubstr("data-pandium-view=\"install-only\""));
  EXPECT_THAT(e.page.body, HasSubstr("<h1>Install NetSuite</h1>"));
  EXPECT_EQ(Count(e.page.body, "<li class=\"integration\""), 1);
  EXPECT_THAT(e.page.body,
              HasSubstr("action=\"/pandium/mpemu-vendor/integrations/netsuite/install\""));
  const http::Response r = Post("/pandium/mpemu-vendor/integrations/netsuite/install", e.cookie,
                                "csrf=" + e.csrf + "&view=install-only");
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(r.Header("Location"), "/pandium/mpemu-vendor/integrations/netsuite");
  EXPECT_EQ(Installed(Get(r.Header("Location"), {{"Cookie", e.cookie}}).body, "netsuite"), "true");
  EXPECT_EQ(Get("/pandium/mpemu-vendor/tenants/create/sap?tenant=" + Mint()).status, 404);
}

// --- rejections ---

TEST_F(PandiumApiTest, ErrorPagesForEachRejectionClass) {
  const int64_t now = emu_.emulator().wall_clock().NowSeconds();
  const std::string secret = service().Secret(kAccount);
  std::string token = Mint();
  const std::string truncated = token.substr(0, token.rfind('.') + 1) + "AAAA";
  struct Case {
    std::string name, path;
    int status;
    std::string code;
  };
  const std::string entry = "/pandium/mpemu-vendor?tenant=";
  const std::vector<Case> cases = {
      {"unknown account", "/pandium/nobody?tenant=" + Mint(), 404, "unknown_account"},
      {"no token", "/pandium/mpemu-vendor", 400, "missing_token"},
      {"empty token", entry, 400, "missing_token"},
      {"not a JWT", entry + "not-a-jwt", 400, "malformed"},
      {"two tokens", entry + Mint() + "&tenant=" + Mint(), 400, "malformed"},
      {"bad signature", entry + truncated, 401, "bad_signature"},
      {"other secret",
       entry + pandium::Service::MintForTests("not the account secret, 40 characters..",
                                              {{"iat", now}, {"jti", "o1"}, {"sub", "u1"}}),
       401, "bad_signature"},
      {"alg none",
       entry + "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." +
           token.substr(token.find('.') + 1, token.rfind('.') - token.find('.')),
       401, "unsupported_header"},
      {"expired", entry + Mint("u1", {{"iat", now - 3600}}), 401, "expired"},
      {"future", entry + Mint("u1", {{"iat", now + 600}}), 401, "not_yet_valid"},
      {"iat in ms", entry + Mint("u1", {{"iat", now * 1000}}), 401, "invalid_claims"},
      {"missing sub", entry + pandium::Service::MintForTests(secret, {{"iat", now}, {"jti", "s1"}}),
       401, "invalid_claims"},
      {"meta not an object", entry + Mint("u1", {{"meta", ""}}), 401, "invalid_claims"},
  };
  for (const Case& c : cases) {
    const http::Response r = Get(c.path);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    EXPECT_THAT(r.Header("Content-Type"), StartsWith("text/html")) << c.name;
    EXPECT_THAT(r.body, HasSubstr("data-pandium-status=\"error\"")) << c.name;
    EXPECT_THAT(r.body, HasSubstr("data-pandium-code=\"" + c.code + "\"")) << c.name;
    EXPECT_FALSE(Match(r.body, "data-pandium-reason=\"([^\"]+)\"").empty()) << c.name;
    EXPECT_THAT(r.body, Not(HasSubstr(secret))) << c.name;
    EXPECT_TRUE(r.Header("Set-Cookie").empty()) << c.name;
    EXPECT_EQ(r.Header("Cache-Control"), "no-store") << c.name;
  }
  EXPECT_TRUE(service().Tenants(kAccount)->empty());
}

TEST_F(PandiumApiTest, ReplayIsRejectedOnTheSecondEntry) {
  const std::string url = "/pandium/mpemu-vendor?tenant=" + Mint();
  EXPECT_EQ(Get(url).status, 200);
  const http::Response again = Get(url);
  EXPECT_EQ(again.status, 401);
  EXPECT_THAT(again.body, HasSubstr("data-pandium-code=\"replayed\""));
  EXPECT_THAT(again.body, HasSubstr("already used"));
}

TEST_F(PandiumApiTest, TheJournalNamesTheRoutes) {
  Enter();
  const json j = Json(Get("/_emulator/journal?route=pandium.entry"));
  ASSERT_TRUE(j.contains("entries")) << j.dump();
  ASSERT_EQ(j["entries"].size(), 1u);
  EXPECT_EQ(j["entries"][0]["service"], "pandium");
  EXPECT_EQ(j["entries"][0]["status"], 200);
}

// --- control routes ---

TEST_F(PandiumApiTest, ControlListsAccountsWithEntryUrls) {
  const http::Response r = Control("GET", "/_emulator/pandium/accounts");
  ASSERT_EQ(r.status, 200) << r.body;
  const json items = Json(r)["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["name"], kAccount);
  EXPECT_EQ(items[0]["entryUrl"], emu_.url() + "/pandium/mpemu-vendor");
  EXPECT_EQ(items[0]["secret"], service().Secret(kAccount));
  EXPECT_EQ(items[1]["parentDomain"], kParent);
  EXPECT_EQ(items[1]["catalogue"].size(), 4u);
}

TEST_F(PandiumApiTest, ControlVerifyJudgesWithoutUsingUpTheJti) {
  const std::string token = Mint();
  http::Response r =
      Control("POST", "/_emulator/pandium/verify", {{"account", kAccount}, {"token", token}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r)["ok"], true);
  EXPECT_EQ(Json(r)["sub"], "u1@example.com");
  EXPECT_EQ(Get("/pandium/mpemu-vendor?tenant=" + token).status, 200);
  r = Control("POST", "/_emulator/pandium/verify", {{"account", kAccount}, {"token", token}});
  EXPECT_EQ(Json(r)["ok"], false);
  EXPECT_EQ(Json(r)["code"], "replayed");
  r = Control("POST", "/_emulator/pandium/verify", {{"account", kAccount}, {"token", "x.y"}});
  EXPECT_EQ(Json(r)["code"], "malformed");
  EXPECT_EQ(Control("POST", "/_emulator/pandium/verify", {{"token", token}}).status, 400);
}

TEST_F(PandiumApiTest, ControlMintMakesAWorkingEntryUrl) {
  http::Response r = Control("POST", "/_emulator/pandium/accounts/mpemu-vendor/mint",
                             {{"claims", {{"sub", "cli@example.com"}, {"external_id", "e9"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = Json(r);
  EXPECT_EQ(j["claims"]["sub"], "cli@example.com");
  EXPECT_TRUE(j["claims"]["jti"].is_string());
  ASSERT_THAT(j["url"].get<std::string>(),
              StartsWith(emu_.url() + "/pandium/mpemu-vendor?tenant="));
  const http::Response page = Get(j["url"].get<std::string>().substr(emu_.url().size()));
  EXPECT_EQ(page.status, 200) << page.body;
  EXPECT_THAT(page.body, HasSubstr("data-external-id=\"e9\""));

  // null removes a default claim: here the sub, which the entry then rejects.
  r = Control("POST", "/_emulator/pandium/accounts/mpemu-vendor/mint",
              {{"claims", {{"sub", nullptr}}}});
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(Json(r)["claims"].contains("sub"));
  EXPECT_EQ(Control("POST", "/_emulator/pandium/accounts/nobody/mint", json::object()).status, 404);
  EXPECT_EQ(Control("POST", "/_emulator/pandium/accounts/mpemu-vendor/mint", {{"claim", 1}}).status,
            400);
}

TEST_F(PandiumApiTest, ControlRotatesTheSecret) {
  const std::string old_token = Mint();
  http::Response r =
      Control("POST", "/_emulator/pandium/accounts/mpemu-vendor/secret", {{"secret", "short"}});
  EXPECT_EQ(r.status, 400);
  r = Control("POST", "/_emulator/pandium/accounts/mpemu-vendor/secret",
              {{"secret", "the-new-shared-secret-0123456789abcdefgh"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r)["secret"], "the-new-shared-secret-0123456789abcdefgh");
  EXPECT_EQ(Get("/pandium/mpemu-vendor?tenant=" + old_token).status, 401);
  EXPECT_EQ(Get("/pandium/mpemu-vendor?tenant=" + Mint()).status, 200);
  EXPECT_EQ(Json(Control("GET", "/_emulator/config"))["pandium"]["secret"],
            "the-new-shared-secret-0123456789abcdefgh");
  // Without a secret, one is made.
  r = Control("POST", "/_emulator/pandium/accounts/mpemu-vendor/secret", json::object());
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Json(r)["secret"].get<std::string>().size(), 64u);
  // A reset restores the configured secret.
  ASSERT_EQ(Control("POST", "/_emulator/reset", json::object()).status, 200);
  EXPECT_EQ(service().Secret(kAccount), pandium::DefaultConfig().accounts[0].secret);
}

TEST_F(PandiumApiTest, ControlListsTenantsAndResetForgetsThem) {
  const Entered e = Enter();
  ASSERT_EQ(
      Post("/pandium/mpemu-vendor/integrations/hubspot/install", e.cookie, "csrf=" + e.csrf).status,
      303);
  http::Response r = Control("GET", "/_emulator/pandium/accounts/mpemu-vendor/tenants");
  ASSERT_EQ(r.status, 200) << r.body;
  const json items = Json(r)["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["sub"], "u1@example.com");
  EXPECT_EQ(items[0]["installed"], json::array({"hubspot"}));
  EXPECT_EQ(Control("GET", "/_emulator/pandium/accounts/nobody/tenants").status, 404);

  ASSERT_EQ(Control("POST", "/_emulator/reset", json::object()).status, 200);
  EXPECT_TRUE(
      Json(Control("GET", "/_emulator/pandium/accounts/mpemu-vendor/tenants"))["items"].empty());
  // The session went with it.
  EXPECT_EQ(Get("/pandium/mpemu-vendor", {{"Cookie", e.cookie}}).status, 400);
}

TEST_F(PandiumApiTest, ConfigHasWhatVendorSetupsNeed) {
  const json c = Json(Control("GET", "/_emulator/config"))["pandium"];
  EXPECT_EQ(c["account"], kAccount);
  EXPECT_EQ(c["entryUrl"], emu_.url() + "/pandium/mpemu-vendor");
  EXPECT_EQ(c["secret"], service().Secret(kAccount));
  EXPECT_EQ(c["parentDomain"], "");
  ASSERT_EQ(c["accounts"].size(), 2u);
  EXPECT_EQ(c["accounts"][1]["entryUrl"], emu_.url() + "/pandium/framed");
  EXPECT_EQ(c["accounts"][1]["parentDomain"], kParent);
}

}  // namespace
}  // namespace mpemu
