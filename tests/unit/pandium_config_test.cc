#include <gtest/gtest.h>

#include "emulator/app/config.h"
#include "emulator/pandium/config.h"
#include "tests/support/status_matchers.h"

namespace mpemu::pandium {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using json = nlohmann::json;

// Parses the `pandium:` section of a YAML text named `name`.
StatusOr<Config> Parse(const std::string& text, const std::string& name = "cfg.yaml") {
  MPEMU_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlString(text, name));
  MPEMU_ASSIGN_OR_RETURN(YamlMap section, YamlMap::From(root["pandium"], name, "pandium"));
  return ParseConfig(section);
}

TEST(PandiumConfigTest, DefaultsMakeASandboxAccount) {
  const Config c = DefaultConfig();
  EXPECT_OK(Validate(c));
  ASSERT_EQ(c.accounts.size(), 1u);
  const Account& a = c.accounts[0];
  EXPECT_EQ(a.name, "mpemu-vendor");
  EXPECT_EQ(a.secret.size(), 40u);
  EXPECT_EQ(a.parent_domain, "");
  EXPECT_EQ(a.iat_window_s, 300);
  EXPECT_TRUE(a.require_jti);
  ASSERT_EQ(a.catalogue.size(), 4u);
  EXPECT_EQ(a.catalogue[0].id, "salesforce");
  EXPECT_EQ(a.catalogue[0].name, "Salesforce");
  EXPECT_EQ(a.catalogue[3].id, "netsuite");
}

TEST(PandiumConfigTest, EntryOriginNamesAProductionHost) {
  StatusOr<Config> c = Parse("pandium:\n  entryOrigin: https://imp.pandium.io/\n");
  ASSERT_OK(c);
  EXPECT_EQ(c->entry_origin, "https://imp.pandium.io");
  EXPECT_EQ(ToJson(*c)["entryOrigin"], "https://imp.pandium.io");
  EXPECT_FALSE(ToJson(DefaultConfig()).contains("entryOrigin"));
  EXPECT_THAT(Parse("pandium:\n  entryOrigin: imp.pandium.io\n"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("pandium.entryOrigin")));
}

TEST(PandiumConfigTest, AnEmptySectionKeepsTheDefaults) {
  StatusOr<Config> c = Parse("other: 1\n");
  ASSERT_OK(c);
  EXPECT_EQ(ToJson(*c), ToJson(DefaultConfig()));
}

TEST(PandiumConfigTest, ReadsAccounts) {
  StatusOr<Config> c = Parse(
      "pandium:\n"
      "  accounts:\n"
      "    - name: acme\n"
      "      secret: \"0123456789abcdef0123456789abcdef\"\n"
      "      parentDomain: https://app.acme.example\n"
      "      iatWindow: 2m\n"
      "      requireJti: false\n"
      "      catalogue:\n"
      "        - {id: slack, name: Slack, description: Post messages}\n"
      "        - {id: jira.cloud}\n"
      "    - name: sandbox-2\n"
      "      secret: \"abcdefghijabcdefghijabcdefghij0123\"\n"
      "      parentDomain: https://*.vendor.example:8443\n");
  ASSERT_OK(c);
  ASSERT_EQ(c->accounts.size(), 2u);
  const Account& a = c->accounts[0];
  EXPECT_EQ(a.name, "acme");
  EXPECT_EQ(a.secret, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(a.parent_domain, "https://app.acme.example");
  EXPECT_EQ(a.iat_window_s, 120);
  EXPECT_FALSE(a.require_jti);
  ASSERT_EQ(a.catalogue.size(), 2u);
  EXPECT_EQ(a.catalogue[0].description, "Post messages");
  EXPECT_EQ(a.catalogue[1].name, "jira.cloud");  // the id when there is no name
  const Account& b = c->accounts[1];
  EXPECT_EQ(b.parent_domain, "https://*.vendor.example:8443");
  EXPECT_EQ(b.catalogue.size(), 4u);  // the built-in catalogue
  EXPECT_TRUE(b.require_jti);
}

TEST(PandiumConfigTest, ErrorsNameTheLocation) {
  struct Case {
    std::string yaml, where, message;
  };
  const std::string ok_secret = "0123456789abcdef0123456789abcdef";
  const std::vector<Case> cases = {
      {"pandium:\n  acounts: []\n", "cfg.yaml:2:3", "unknown field \"acounts\""},
      {"pandium:\n  accounts: []\n", "cfg.yaml:2:", "needs at least one account"},
      {"pandium:\n  accounts:\n    - {name: Acme, secret: " + ok_secret + "}\n",
       "cfg.yaml:3:", "a-z, 0-9 and '-'"},
      {"pandium:\n  accounts:\n    - {name: acme}\n", "cfg.yaml:3:", "secret"},
      {"pandium:\n  accounts:\n    - {name: acme, secret: short}\n",
       "cfg.yaml:3:", "at least 32 bytes"},
      {"pandium:\n  accounts:\n    - name: acme\n      secret: " + ok_secret +
           "\n      parentDomain: \"https://a.example; script-src *\"\n",
       "cfg.yaml:5:", "one origin"},
      {"pandium:\n  accounts:\n    - name: acme\n      secret: " + ok_secret +
           "\n      parentDomain: https://a.example/path\n",
       "cfg.yaml:5:", "one origin"},
      {"pandium:\n  accounts:\n    - name: acme\n      secret: " + ok_secret +
           "\n      parentDomain: app.example\n",
       "cfg.yaml:5:", "one origin"},
      {"pandium:\n  accounts:\n    - name: acme\n      secret: " + ok_secret +
           "\n      iatWindow: 0s\n",
       "cfg.yaml:5:", "1s to 24h"},
      {"pandium:\n  accounts:\n    - name: acme\n      secret: " + ok_secret +
           "\n      catalogue: [{id: a}, {id: a}]\n",
       "cfg.yaml:5:", "listed twice"},
      {"pandium:\n  accounts:\n    - name: acme\n      secret: " + ok_secret +
           "\n      catalogue: [{id: \"a/b\"}]\n",
       "cfg.yaml:5:", "'.', '_' and '-'"},
      {"pandium:\n  accounts:\n    - {name: acme, secret: " + ok_secret +
           "}\n    - {name: acme, secret: " + ok_secret + "}\n",
       "cfg.yaml:4:", "listed twice"},
  };
  for (const Case& c : cases) {
    StatusOr<Config> parsed = Parse(c.yaml);
    EXPECT_THAT(parsed, StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.message))) << c.yaml;
    EXPECT_THAT(parsed.status().message(), StartsWith(c.where)) << c.yaml;
  }
}

TEST(PandiumConfigTest, ValidateChecksWhatTheEmulatorNeeds) {
  Config c = DefaultConfig();
  c.accounts.clear();
  EXPECT_THAT(Validate(c), StatusIs(StatusCode::kInvalidArgument, HasSubstr("at least one")));
  c = DefaultConfig();
  c.accounts[0].secret = "x";
  EXPECT_THAT(Validate(c), StatusIs(StatusCode::kInvalidArgument, HasSubstr("secret")));
  c = DefaultConfig();
  c.accounts[0].parent_domain = "https://a.example\r\nX-Evil: 1";
  EXPECT_THAT(Validate(c), StatusIs(StatusCode::kInvalidArgument, HasSubstr("parentDomain")));
  c = DefaultConfig();
  c.accounts.push_back(c.accounts[0]);
  EXPECT_THAT(Validate(c), StatusIs(StatusCode::kInvalidArgument, HasSubstr("listed twice")));
  c = DefaultConfig();
  c.accounts[0].catalogue[1].name = "";
  EXPECT_THAT(Validate(c), StatusIs(StatusCode::kInvalidArgument, HasSubstr("no name")));
  EXPECT_OK(ValidateSecret(std::string(32, 'a')));
  EXPECT_THAT(ValidateSecret(std::string(31, 'a')), StatusIs(StatusCode::kInvalidArgument));
}

TEST(PandiumConfigTest, ToJsonShowsTheEffectiveConfiguration) {
  const json j = ToJson(DefaultConfig());
  ASSERT_EQ(j["accounts"].size(), 1u);
  const json& a = j["accounts"][0];
  EXPECT_EQ(a["name"], "mpemu-vendor");
  EXPECT_EQ(a["secret"], DefaultConfig().accounts[0].secret);
  EXPECT_EQ(a["parentDomain"], "");
  EXPECT_EQ(a["iatWindowSeconds"], 300);
  EXPECT_EQ(a["requireJti"], true);
  EXPECT_EQ(a["catalogue"][1], json({{"id", "hubspot"},
                                     {"name", "HubSpot"},
                                     {"description", DefaultCatalogue()[1].description}}));
}

TEST(PandiumConfigTest, TheEmulatorConfigFileHasAPandiumSection) {
  StatusOr<app::EmulatorConfig> c = app::ParseConfigText(
      "pandium:\n  accounts:\n    - {name: acme, secret: \"0123456789abcdef0123456789abcdef\"}\n",
      "emu.yaml");
  ASSERT_OK(c);
  EXPECT_EQ(c->pandium.accounts.at(0).name, "acme");
  EXPECT_EQ(app::DefaultConfig().pandium.accounts.at(0).name, "mpemu-vendor");
  EXPECT_THAT(app::ParseConfigText("pandium:\n  accounts: 3\n", "emu.yaml"),
              StatusIs(StatusCode::kInvalidArgument, StartsWith("emu.yaml:2:")));
}

}  // namespace
}  // namespace mpemu::pandium
