// Configuration of the Pandium side (PANDIUM_*), the entry URL and host checks behind B-12, and
// VENDOR_TEST_USERS. No error message may repeat the secret or a password.
#include <gtest/gtest.h>

#include <map>

#include "vendor-sample/app/config.h"
#include "vendor-sample/pandium/entry.h"

namespace vendor_sample {
namespace {

constexpr char kSecret[] = " s3cr3t-value-with-blanks ";

EnvLookup Env(const std::map<std::string, std::string>& vars) {
  return [vars](const std::string& name, std::string* value) {
    auto it = vars.find(name);
    if (it == vars.end()) return false;
    *value = it->second;
    return true;
  };
}

std::map<std::string, std::string> Pandium() {
  return {{"PANDIUM_ACCOUNT", "acme"},
          {"PANDIUM_SECRET", kSecret},
          {"PANDIUM_ENTRY_URL", "http://127.0.0.1:4010/pandium/acme"}};
}

TEST(PandiumConfigTest, PandiumAloneIsEnough) {
  StatusOr<Config> c = LoadConfig(Env(Pandium()), {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->pandium_enabled());
  EXPECT_FALSE(c->stackit_enabled());
  EXPECT_FALSE(c->clevercloud_enabled());
  EXPECT_EQ(c->pandium_secret, kSecret);  // raw: not trimmed
  EXPECT_EQ(c->pandium_entry_url, "http://127.0.0.1:4010/pandium/acme");
  EXPECT_EQ(c->pandium_allowed_hosts, std::vector<std::string>{"127.0.0.1"});
  EXPECT_TRUE(c->test_users.empty());
}

TEST(PandiumConfigTest, DefaultsToPandiumsProductionEntry) {
  StatusOr<Config> c =
      LoadConfig(Env({{"PANDIUM_ACCOUNT", "acme"}, {"PANDIUM_SECRET", kSecret}}), {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->pandium_entry_url, "https://imp.pandium.io/acme");
  EXPECT_EQ(c->pandium_allowed_hosts, std::vector<std::string>{"imp.pandium.io"});
}

TEST(PandiumConfigTest, OffWithoutAnAccountAndOtherMarketplacesUnchanged) {
  StatusOr<Config> clever = LoadConfig(Env({{"CLEVERCLOUD_MANIFEST", "/tmp/m.json"}}), {});
  ASSERT_TRUE(clever.ok());
  EXPECT_FALSE(clever->pandium_enabled());
  EXPECT_EQ(LoadConfig(Env({}), {}).status().message().rfind("STACKIT_KEYS_URL is required", 0),
            0u);
  auto vars = Pandium();
  vars["STACKIT_KEYS_URL"] = "http://emu/keys.json";  // half a STACKIT configuration
  EXPECT_EQ(LoadConfig(Env(vars), {}).status().message().rfind("STACKIT_API_URL is required", 0),
            0u);
  StatusOr<Config> flags =
      LoadConfig(Env({}), {"--pandium-account=acme", "--pandium-secret", kSecret,
                           "--pandium-allowed-hosts=imp.pandium.io, sandbox.example.test:8443"});
  ASSERT_TRUE(flags.ok()) << flags.status().ToString();
  EXPECT_EQ(flags->pandium_secret, kSecret);
  EXPECT_EQ(flags->pandium_allowed_hosts,
            (std::vector<std::string>{"imp.pandium.io", "sandbox.example.test:8443"}));
}

TEST(PandiumConfigTest, NamesTheProblemWithoutTheSecret) {
  struct Case {
    std::map<std::string, std::string> change;
    std::string names;
  };
  const Case cases[] = {
      {{{"PANDIUM_SECRET", ""}}, "PANDIUM_SECRET is required"},
      {{{"PANDIUM_ACCOUNT", "../x"}}, "PANDIUM_ACCOUNT"},
      {{{"PANDIUM_ENTRY_URL", "http://imp.pandium.io/acme"}}, "https"},
      {{{"PANDIUM_ENTRY_URL", "ftp://127.0.0.1/acme"}}, "PANDIUM_ENTRY_URL"},
      {{{"PANDIUM_ENTRY_URL", "https://imp.pandium.io/acme?x=1"}}, "PANDIUM_ENTRY_URL"},
      {{{"PANDIUM_ENTRY_URL", "https://imp.pandium.io/acme#f"}}, "PANDIUM_ENTRY_URL"},
      {{{"PANDIUM_ENTRY_URL", "https://u:p@imp.pandium.io/acme"}}, "user info"},
      {{{"PANDIUM_ENTRY_URL", "https://imp.pandium.io/a/../b"}}, "PANDIUM_ENTRY_URL"},
      {{{"PANDIUM_ENTRY_URL", "https://imp.pandium.io:99999/acme"}}, "PANDIUM_ENTRY_URL"},
      {{{"PANDIUM_ENTRY_URL", "https:///acme"}}, "PANDIUM_ENTRY_URL"},
      {{{"PANDIUM_ALLOWED_HOSTS", "attacker.example"}}, "PANDIUM_ALLOWED_HOSTS does not allow"},
      {{{"PANDIUM_ALLOWED_HOSTS", "127.0.0.1:9"}}, "PANDIUM_ALLOWED_HOSTS does not allow"},
      {{{"PANDIUM_ALLOWED_HOSTS", "https://127.0.0.1/"}}, "PANDIUM_ALLOWED_HOSTS"},
      {{{"PANDIUM_ALLOWED_HOSTS", " , "}}, "PANDIUM_ALLOWED_HOSTS"},
      {{{"VENDOR_BUGS", "pd-typo"}}, "VENDOR_BUGS"},
  };
  for (const Case& c : cases) {
    auto vars = Pandium();
    for (const auto& [k, v] : c.change) vars[k] = v;
    StatusOr<Config> config = LoadConfig(Env(vars), {});
    ASSERT_FALSE(config.ok()) << c.names;
    EXPECT_NE(config.status().message().find(c.names), std::string::npos)
        << config.status().ToString();
    EXPECT_EQ(config.status().message().find("s3cr3t"), std::string::npos);
  }
  for (const char* name : {"PANDIUM_ENTRY_URL", "PANDIUM_SECRET", "PANDIUM_ALLOWED_HOSTS"}) {
    StatusOr<Config> c = LoadConfig(
        Env({{"CLEVERCLOUD_MANIFEST", "/tmp/m.json"}, {name, "https://imp.pandium.io/s3cr3t"}}),
        {});
    ASSERT_FALSE(c.ok()) << name;
    EXPECT_EQ(c.status().message(), std::string(name) + " is set but PANDIUM_ACCOUNT is not");
  }
  // The allowed list may widen past the entry's host; the entry's own host must be on it.
  auto vars = Pandium();
  vars["PANDIUM_ALLOWED_HOSTS"] = "127.0.0.1:4010,imp.pandium.io";
  EXPECT_TRUE(LoadConfig(Env(vars), {}).ok());
}

TEST(PandiumConfigTest, HelpListsTheSettingsAndBugsButNoValues) {
  const std::string help = UsageText();
  for (const char* text :
       {"PANDIUM_ACCOUNT / --pandium-account", "PANDIUM_ENTRY_URL / --pandium-entry-url",
        "PANDIUM_SECRET / --pandium-secret", "PANDIUM_ALLOWED_HOSTS / --pandium-allowed-hosts",
        "VENDOR_TEST_USERS / --test-users", "pd-constant-jti", "pd-missing-sub", "pd-wrong-secret",
        "pd-sub-from-query", "pd-stale-iat", "pd-mint-without-session", "pd-iat-ms"}) {
    EXPECT_NE(help.find(text), std::string::npos) << text;
  }
}

TEST(PandiumEntryTest, AcceptsPandiumsHostsAndLoopbackEmulators) {
  for (const char* url : {"https://imp.pandium.io/acme", "https://imp.sandbox.pandium.com/acme",
                          "https://acme.go.pandium.com/", "https://IMP.Pandium.io:443/acme",
                          "http://127.0.0.1:4010/pandium/acme",
                          "http://localhost:8080/pandium/acme", "http://[::1]:8080/pandium/acme"}) {
    StatusOr<pandium::Entry> entry = pandium::ParseEntryUrl(url);
    ASSERT_TRUE(entry.ok()) << url << ": " << entry.status().ToString();
    EXPECT_EQ(entry->url, url);  // as configured: the token is appended to exactly this
  }
  StatusOr<pandium::Entry> e = pandium::ParseEntryUrl("https://IMP.Pandium.io:443/acme");
  EXPECT_EQ(e->host, "imp.pandium.io");
  EXPECT_EQ(e->authority, "imp.pandium.io:443");
  EXPECT_EQ(e->origin, "https://imp.pandium.io:443");
  EXPECT_TRUE(pandium::HostAllowed(*e, {"imp.pandium.io"}));
  EXPECT_TRUE(pandium::HostAllowed(*e, {"x.test", "imp.pandium.io:443"}));
  EXPECT_FALSE(pandium::HostAllowed(*e, {"imp.pandium.io:8443", "pandium.io"}));
  for (const char* url : {"http://10.0.0.5/acme", "http://127.0.0.1.evil.test/acme",
                          "http://127.0.0.256/acme", "https://imp.pandium.io\\@evil.test/acme",
                          "https://imp pandium.io/acme", "https://imp.pandium.io/ac me"}) {
    EXPECT_FALSE(pandium::ParseEntryUrl(url).ok()) << url;
  }
  EXPECT_TRUE(pandium::IsAccountName("vendor-sample.eu_1"));
  EXPECT_FALSE(pandium::IsAccountName(".hidden"));
  EXPECT_FALSE(pandium::IsAccountName("a/b"));
  EXPECT_FALSE(pandium::IsAccountName(std::string(65, 'a')));
}

TEST(TestUsersConfigTest, ParsesSeedAccounts) {
  auto vars = Pandium();
  vars["VENDOR_TEST_USERS"] =
      "Alice@Example.test:pw-alice:enterprise, bob@example.test:pw bob ,,carol@example.test:x:";
  StatusOr<Config> c = LoadConfig(Env(vars), {});
  ASSERT_FALSE(c.ok());  // an empty tier
  vars["VENDOR_TEST_USERS"] = "Alice@Example.test:pw-alice:enterprise, bob@example.test:pw bob ,";
  c = LoadConfig(Env(vars), {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->test_users.size(), 2u);
  EXPECT_EQ(c->test_users[0].email, "alice@example.test");
  EXPECT_EQ(c->test_users[0].password, "pw-alice");
  EXPECT_EQ(c->test_users[0].tier, "enterprise");
  EXPECT_EQ(c->test_users[1].email, "bob@example.test");
  EXPECT_EQ(c->test_users[1].password, "pw bob");
  EXPECT_EQ(c->test_users[1].tier, "basic");
}

TEST(TestUsersConfigTest, RefusesBadEntriesWithoutEchoingPasswords) {
  for (const char* users :
       {"alice@example.test", "alice@example.test:", "not-an-email:hunter2pw",
        "alice@example.test:hunter2pw:Gold", "alice@example.test:hunter2pw:basic:extra",
        "a@x.test:hunter2pw,A@X.test:hunter2pw", "al ice@example.test:hunter2pw"}) {
    StatusOr<std::vector<account::TestUser>> parsed = account::ParseTestUsers(users);
    ASSERT_FALSE(parsed.ok()) << users;
    EXPECT_EQ(parsed.status().message().rfind("VENDOR_TEST_USERS: entry ", 0), 0u);
    EXPECT_EQ(parsed.status().message().find("hunter2"), std::string::npos)
        << parsed.status().message();
  }
  EXPECT_TRUE(account::ParseTestUsers("")->empty());
}

}  // namespace
}  // namespace vendor_sample
