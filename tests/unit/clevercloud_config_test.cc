#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "emulator/app/config.h"
#include "emulator/clevercloud/config.h"
#include "emulator/clevercloud/manifest.h"
#include "tests/support/status_matchers.h"

namespace mpemu::clevercloud {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using json = nlohmann::json;

// Parses the `clevercloud:` section of a YAML text named `name`.
StatusOr<Config> Parse(const std::string& text, const std::string& name = "cfg.yaml") {
  MPEMU_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlString(text, name));
  MPEMU_ASSIGN_OR_RETURN(YamlMap section, YamlMap::From(root["clevercloud"], name, "clevercloud"));
  return ParseConfig(section);
}

// A directory for manifest files, removed at the end.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/mpemu-cc-config-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file) << text;
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(CleverCloudConfigTest, DefaultsMakeAUsableMarketplace) {
  const Config c = DefaultConfig();
  EXPECT_OK(Validate(c));
  StatusOr<Manifest> m = ParseManifest(c.manifest);
  ASSERT_OK(m);
  EXPECT_EQ(m->id, "mpemu-addon");
  EXPECT_THAT(m->config_vars, ::testing::ElementsAre("MPEMU_ADDON_URL", "MPEMU_ADDON_TOKEN"));
  EXPECT_THAT(m->regions, ::testing::ElementsAre("eu"));
  EXPECT_EQ(m->password.size(), 40u);
  EXPECT_EQ(m->sso_salt.size(), 40u);
  EXPECT_NE(m->password, m->sso_salt);
  EXPECT_EQ(m->test_base_url, "http://127.0.0.1:8080/clevercloud/resources");
  EXPECT_EQ(m->test_sso_url, "http://127.0.0.1:8080/clevercloud/sso");
  EXPECT_EQ(m->production_base_url, m->test_base_url);
  EXPECT_EQ(m->production_sso_url, m->test_sso_url);
  EXPECT_TRUE(CheckManifest(c.manifest, false).empty());
  ASSERT_EQ(c.plans.size(), 2u);
  EXPECT_EQ(c.plans[0].slug, "basic");
  EXPECT_EQ(c.plans[1].slug, "premium");
  EXPECT_EQ(c.region, "EU");
  EXPECT_THAT(c.owner_id, StartsWith("orga_"));
  EXPECT_THAT(c.user_id, StartsWith("user_"));
  EXPECT_EQ(c.owner_email, "owner@example.com");
  EXPECT_EQ(c.user_email, "user@example.com");
  EXPECT_FALSE(c.production);
  EXPECT_FALSE(c.legacy_fields);
  EXPECT_EQ(c.plan_change_method, "PUT");
  EXPECT_EQ(c.plan_change_path, "/{id}");
  EXPECT_EQ(c.timeout_ms, 25000);
  EXPECT_EQ(c.sso_timestamp_unit, "ms");
}

TEST(CleverCloudConfigTest, AnAbsentOrEmptySectionGivesTheDefaults) {
  for (const char* text : {"other: 1\n", "clevercloud:\n", "clevercloud: {}\n"}) {
    StatusOr<Config> c = Parse(text);
    ASSERT_OK(c) << text;
    EXPECT_EQ(c->manifest, DefaultManifest());
    EXPECT_EQ(c->plans.size(), 2u);
  }
}

TEST(CleverCloudConfigTest, ReadsEveryFieldWithAnInlineManifest) {
  StatusOr<Config> c = Parse(R"(
clevercloud:
  manifest:
    id: my-addon
    api:
      config_vars: [MY_ADDON_URL]
      regions: [eu]
      password: "0123456789"
      sso_salt: salt-salt-salt
      production: {base_url: "https://v.example/r", sso_url: "https://v.example/sso"}
      test: {base_url: "http://127.0.0.1:9/r", sso_url: "http://127.0.0.1:9/sso"}
  plans: [{slug: dev, name: Developer}, {slug: prod}]
  region: EU-PAR
  ownerId: orga_1
  ownerName: Acme
  ownerEmail: boss@acme.example
  userId: user_1
  userEmail: dev@acme.example
  production: true
  legacyFields: true
  planChangeMethod: POST
  planChangePath: /{id}/migrations
  timeout: 3s
  ssoTimestampUnit: s
)");
  ASSERT_OK(c);
  EXPECT_EQ(c->manifest["id"], "my-addon");
  // A quoted YAML scalar stays the string a JSON manifest would hold.
  EXPECT_EQ(c->manifest["api"]["password"], "0123456789");
  EXPECT_EQ(c->manifest["api"]["production"]["base_url"], "https://v.example/r");
  ASSERT_EQ(c->plans.size(), 2u);
  EXPECT_EQ(c->plans[0].name, "Developer");
  EXPECT_EQ(c->plans[1].name, "prod");  // the slug when no name is given
  EXPECT_EQ(c->region, "EU-PAR");
  EXPECT_EQ(c->owner_id, "orga_1");
  EXPECT_EQ(c->owner_name, "Acme");
  EXPECT_EQ(c->owner_email, "boss@acme.example");
  EXPECT_EQ(c->user_id, "user_1");
  EXPECT_EQ(c->user_email, "dev@acme.example");
  EXPECT_TRUE(c->production);
  EXPECT_TRUE(c->legacy_fields);
  EXPECT_EQ(c->plan_change_method, "POST");
  EXPECT_EQ(c->plan_change_path, "/{id}/migrations");
  EXPECT_EQ(c->timeout_ms, 3000);
  EXPECT_EQ(c->sso_timestamp_unit, "s");
}

TEST(CleverCloudConfigTest, AManifestFileIsReadRelativeToTheConfigFile) {
  TempDir dir;
  json manifest = DefaultManifest();
  manifest["id"] = "from-file";
  dir.Write("addon-manifest.json", manifest.dump(2));
  StatusOr<Config> c =
      Parse("clevercloud:\n  manifest: addon-manifest.json\n", dir.path() + "/cfg.yaml");
  ASSERT_OK(c);
  EXPECT_EQ(c->manifest["id"], "from-file");
}

TEST(CleverCloudConfigTest, TheAppConfigHasTheSection) {
  StatusOr<app::EmulatorConfig> c =
      app::ParseConfigText("clevercloud:\n  region: EU\n  legacyFields: true\n", "app.yaml");
  ASSERT_OK(c);
  EXPECT_TRUE(c->clevercloud.legacy_fields);
  EXPECT_FALSE(app::DefaultConfig().clevercloud.legacy_fields);
  EXPECT_THAT(app::ParseConfigText("clevercloud:\n  legacyFeilds: true\n", "app.yaml"),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("app.yaml:2:3: clevercloud: unknown field \"legacyFeilds\"")));
}

TEST(CleverCloudConfigTest, ErrorsNameTheFileLineAndField) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"clevercloud:\n  regoin: EU\n", "cfg.yaml:2:3: clevercloud: unknown field \"regoin\""},
      {"clevercloud:\n  production: maybe\n",
       "cfg.yaml:2:15: clevercloud.production: expected true or false"},
      {"clevercloud:\n  planChangeMethod: put\n",
       "cfg.yaml:2:21: clevercloud.planChangeMethod: expected GET"},
      {"clevercloud:\n  planChangePath: \"{id}\"\n",
       "cfg.yaml:2:19: clevercloud.planChangePath: must start with '/'"},
      {"clevercloud:\n  timeout: 0s\n", "cfg.yaml:2:12: clevercloud.timeout: must be positive"},
      {"clevercloud:\n  timeout: soon\n", "cfg.yaml:2:12: clevercloud.timeout:"},
      {"clevercloud:\n  ssoTimestampUnit: us\n",
       "cfg.yaml:2:21: clevercloud.ssoTimestampUnit: expected ms"},
      {"clevercloud:\n  plans: []\n", "clevercloud.plans: needs at least one plan"},
      {"clevercloud:\n  plans: [{slug: a}, {slug: a}]\n",
       "cfg.yaml:2:29: clevercloud.plans[1].slug: \"a\" is listed twice"},
      {"clevercloud:\n  plans: [{name: A}]\n",
       "clevercloud.plans[0]: missing required field \"slug\""},
      {"clevercloud:\n  plans: [{slug: a, price: 3}]\n",
       "clevercloud.plans[0]: unknown field \"price\""},
      {"clevercloud:\n  manifest: [1]\n", "cfg.yaml:2:13: clevercloud.manifest: expected the path"},
      {"clevercloud:\n  manifest: /nonexistent/m.json\n",
       "clevercloud.manifest: /nonexistent/m.json: cannot open file"},
      {"clevercloud:\n  manifest: {id: x, api: {test: {base_url: \"http://h/r\"}}}\n",
       "cfg.yaml:2:13: clevercloud.manifest: manifest: /api/password: missing"},
      {"clevercloud:\n  production: true\n  manifest: {id: x, api: {password: p, test: {base_url: "
       "\"http://h/r\"}}}\n",
       "cfg.yaml:2:3: clevercloud: production is on but the manifest has no "
       "api.production.base_url"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Parse(c.text), StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.text;
  }
}

TEST(CleverCloudConfigTest, AManifestFileWithBadJsonNamesTheByte) {
  TempDir dir;
  dir.Write("m.json", "{\"id\": \"x\",\n  oops}");
  EXPECT_THAT(Parse("clevercloud:\n  manifest: m.json\n", dir.path() + "/cfg.yaml"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("m.json: invalid JSON at byte 15")));
}

TEST(CleverCloudConfigTest, ValidateRejectsWhatTheEmulatorCannotUse) {
  Config c = DefaultConfig();
  c.plans.push_back(c.plans[0]);
  EXPECT_THAT(Validate(c), StatusIs(StatusCode::kInvalidArgument, HasSubstr("listed twice")));
  c = DefaultConfig();
  c.manifest["api"].erase("password");
  EXPECT_THAT(Validate(c), StatusIs(StatusCode::kInvalidArgument, HasSubstr("/api/password")));
  c = DefaultConfig();
  c.sso_timestamp_unit = "ns";
  EXPECT_THAT(Validate(c), StatusIs(StatusCode::kInvalidArgument));
}

TEST(CleverCloudConfigTest, ToJsonShowsTheEffectiveValues) {
  const json j = ToJson(DefaultConfig());
  EXPECT_EQ(j["manifest"]["id"], "mpemu-addon");
  EXPECT_EQ(j["plans"][1]["slug"], "premium");
  EXPECT_EQ(j["region"], "EU");
  EXPECT_EQ(j["planChangeMethod"], "PUT");
  EXPECT_EQ(j["planChangePath"], "/{id}");
  EXPECT_EQ(j["timeoutMs"], 25000);
  EXPECT_EQ(j["timeout"], "25s");
  EXPECT_EQ(j["ssoTimestampUnit"], "ms");
  EXPECT_EQ(j["production"], false);
  EXPECT_EQ(j["legacyFields"], false);
}

}  // namespace
}  // namespace mpemu::clevercloud
