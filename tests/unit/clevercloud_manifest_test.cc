#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "emulator/clevercloud/config.h"
#include "emulator/clevercloud/manifest.h"
#include "tests/support/status_matchers.h"

namespace mpemu::clevercloud {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kPassword[] = "q8Zt3mWv1XrK6pLs9NbE2yHc5JdF0gUa4TiO7wQe";  // 40, random-looking
constexpr char kSalt[] = "Hn2Rf7Kx0Vq5Mw9Bz3Lc8Pd1Tj6Ys4Ga7Ue2Io5X";

// A manifest every rule accepts, in production too.
json Good() {
  return json::parse(R"({
    "id": "addon-name",
    "name": "Addon Name",
    "api": {
      "config_vars": ["ADDON_NAME_URL", "ADDON_NAME_TOKEN"],
      "regions": ["eu"],
      "password": ")" +
                     std::string(kPassword) + R"(",
      "sso_salt": ")" +
                     std::string(kSalt) + R"(",
      "production": {"base_url": "https://vendor.example/clevercloud/resources",
                     "sso_url": "https://vendor.example/clevercloud/sso"},
      "test": {"base_url": "http://localhost:9000/clevercloud/resources",
               "sso_url": "http://localhost:9000/clevercloud/sso"}
    }
  })");
}

// `pointer` set to `value`, or removed when nullopt.
json With(const std::string& pointer, const std::optional<json>& value, json m = Good()) {
  const json::json_pointer p(pointer);
  if (value) {
    m[p] = *value;
  } else {
    m.at(p.parent_pointer()).erase(p.back());
  }
  return m;
}

struct RuleCase {
  const char* name;
  json manifest;
  bool production;
  const char* severity;
  const char* pointer;
  const char* rule;
  const char* message;  // a substring
};

class ManifestRuleTest : public ::testing::TestWithParam<RuleCase> {};

// Each case breaks one rule of a good manifest: the finding for that rule is the only one.
TEST_P(ManifestRuleTest, ReportsExactlyThisFinding) {
  const RuleCase& c = GetParam();
  const std::vector<ManifestFinding> findings = CheckManifest(c.manifest, c.production);
  ASSERT_EQ(findings.size(), 1u) << c.manifest.dump(2) << "\nfirst: "
                                 << (findings.empty() ? "(none)" : findings[0].message);
  EXPECT_EQ(findings[0].severity, c.severity);
  EXPECT_EQ(findings[0].pointer, c.pointer);
  EXPECT_EQ(findings[0].rule, c.rule);
  EXPECT_THAT(findings[0].message, HasSubstr(c.message));
}

INSTANTIATE_TEST_SUITE_P(
    Rules, ManifestRuleTest,
    ::testing::Values(
        RuleCase{"IdMissing", With("/id", std::nullopt), false, "error", "/id", "id.present",
                 "id: missing"},
        RuleCase{"IdEmpty", With("/id", ""), false, "error", "/id", "id.present", "id: empty"},
        RuleCase{"IdNotString", With("/id", 7), false, "error", "/id", "id.format",
                 "expected a string"},
        RuleCase{"IdUpperCase", With("/api/config_vars", json::array(), With("/id", "Addon-Name")),
                 false, "error", "/id", "id.format", "must be lower case"},
        RuleCase{"IdSpaces", With("/api/config_vars", json::array(), With("/id", "addon name")),
                 false, "error", "/id", "id.format", "no spaces"},
        RuleCase{"NameNotString", With("/name", json::array()), false, "error", "/name",
                 "name.type", "name: expected a string"},
        RuleCase{"UsernameDeprecated", With("/api/username", "addon-name"), false, "warning",
                 "/api/username", "api.username", "username: deprecated"},
        RuleCase{"RegionsMissing", With("/api/regions", std::nullopt), false, "error",
                 "/api/regions", "regions.present", "regions: missing"},
        RuleCase{"RegionsEmpty", With("/api/regions", json::array()), false, "error",
                 "/api/regions", "regions.present", "regions: empty"},
        RuleCase{"RegionsNotList", With("/api/regions", "eu"), false, "error", "/api/regions",
                 "regions.type", "expected a list"},
        RuleCase{"RegionsWithoutEu", With("/api/regions", json::array({"us", "EU"})), false,
                 "error", "/api/regions", "regions.eu", "must contain \"eu\""},
        RuleCase{"PasswordMissing", With("/api/password", std::nullopt), false, "error",
                 "/api/password", "password.present", "password: missing"},
        RuleCase{"PasswordNotString", With("/api/password", 12345), false, "error", "/api/password",
                 "password.present", "password: expected a string"},
        RuleCase{"PasswordShort", With("/api/password", "a1B2c3D4e5F6g7H8i9J0"), false, "error",
                 "/api/password", "password.length", "password: 20 characters"},
        RuleCase{"PasswordNotRandom", With("/api/password", std::string(40, 'a') + "bcdefgh"),
                 false, "error", "/api/password", "password.random",
                 "password: only 8 distinct characters"},
        RuleCase{"PasswordFromTheDocs", With("/api/password", "44ca82ddf8d4e74d52494ce2895152ee"),
                 false, "error", "/api/password", "password.example",
                 "password: a value published"},
        RuleCase{"PasswordPlaceholder", With("/api/password", "<YOUR BEST RANDOM 35+ CHARS>"),
                 false, "error", "/api/password", "password.example", "placeholder"},
        RuleCase{"SaltMissing", With("/api/sso_salt", std::nullopt), false, "error",
                 "/api/sso_salt", "sso_salt.present", "sso_salt: missing"},
        RuleCase{"SaltShort", With("/api/sso_salt", "Hn2Rf7Kx0Vq5"), false, "error",
                 "/api/sso_salt", "sso_salt.length", "sso_salt: 12 characters"},
        RuleCase{"SaltNotRandom", With("/api/sso_salt", "abababababababababababababababababababab"),
                 false, "error", "/api/sso_salt", "sso_salt.random", "only 2 distinct"},
        RuleCase{"SaltFromTheDocs", With("/api/sso_salt", "fcb5b3add85d65e1dddda87a115b429f"),
                 false, "error", "/api/sso_salt", "sso_salt.example",
                 "sso_salt: a value published"},
        RuleCase{"SaltEqualsPassword", With("/api/sso_salt", kPassword), false, "warning",
                 "/api/sso_salt", "secrets.distinct", "same value as password"},
        RuleCase{"ConfigVarsMissing", With("/api/config_vars", std::nullopt), false, "warning",
                 "/api/config_vars", "config_vars.present", "config_vars: missing"},
        RuleCase{"ConfigVarsNotList", With("/api/config_vars", "ADDON_NAME_URL"), false, "error",
                 "/api/config_vars", "config_vars.type", "expected a list"},
        RuleCase{"ConfigVarNotString", With("/api/config_vars/1", 3), false, "error",
                 "/api/config_vars/1", "config_vars.type", "config_vars[1]: expected a string"},
        RuleCase{"ConfigVarLowerCase", With("/api/config_vars/1", "ADDON_NAME_token"), false,
                 "error", "/api/config_vars/1", "config_vars.format",
                 "not a valid environment variable name"},
        RuleCase{"ConfigVarWithoutPrefix", With("/api/config_vars/1", "DATABASE_URL"), false,
                 "error", "/api/config_vars/1", "config_vars.prefix",
                 "must start with ADDON_NAME_"},
        RuleCase{"ConfigVarTwice", With("/api/config_vars/1", "ADDON_NAME_URL"), false, "warning",
                 "/api/config_vars/1", "config_vars.duplicate", "listed twice"},
        RuleCase{"ProductionMissing", With("/api/production", std::nullopt), false, "error",
                 "/api/production", "urls.present", "production: missing"},
        RuleCase{"TestSsoUrlMissing", With("/api/test/sso_url", std::nullopt), false, "error",
                 "/api/test/sso_url", "urls.present", "test.sso_url: missing"},
        RuleCase{"BaseUrlNotUrl", With("/api/test/base_url", "localhost:9000/resources"), false,
                 "error", "/api/test/base_url", "urls.valid", "is not an http(s) URL"},
        RuleCase{"BaseUrlFtp", With("/api/test/base_url", "ftp://vendor.example/r"), false, "error",
                 "/api/test/base_url", "urls.valid", "is not an http(s) URL"},
        RuleCase{"ProductionHttpInProduction",
                 With("/api/production/base_url", "http://vendor.example/r"), true, "error",
                 "/api/production/base_url", "urls.https", "production.base_url: must use https"},
        RuleCase{"ProductionHttpWhileTesting",
                 With("/api/production/sso_url", "http://vendor.example/sso"), false, "warning",
                 "/api/production/sso_url", "urls.https",
                 "before the manifest is used in production"},
        RuleCase{"ProductionLocalhostInProduction",
                 With("/api/production/base_url", "https://localhost:8443/r"), true, "error",
                 "/api/production/base_url", "urls.localhost", "points to a local host"},
        RuleCase{"TestHttpRemoteInProduction",
                 With("/api/test/base_url", "http://vendor.example/r"), true, "warning",
                 "/api/test/base_url", "urls.https", "plain http to a remote host"},
        RuleCase{"UnknownTopLevelField", With("/config_vars_prefix", "ADDON"), false, "warning",
                 "/config_vars_prefix", "fields.unknown", "unknown field"},
        RuleCase{"UnknownApiField", With("/api/requires", json::array()), false, "warning",
                 "/api/requires", "fields.unknown", "unknown field in api"}),
    [](const ::testing::TestParamInfo<RuleCase>& p) { return p.param.name; });

TEST(ManifestTest, AGoodManifestHasNoFindingsInEitherMode) {
  EXPECT_TRUE(CheckManifest(Good(), false).empty());
  EXPECT_TRUE(CheckManifest(Good(), true).empty());
}

TEST(ManifestTest, TheBuiltInManifestIsCleanForLocalTestingButNotForProduction) {
  EXPECT_TRUE(CheckManifest(DefaultManifest(), false).empty());
  // Its URLs are http://127.0.0.1:8080: fine locally, unusable for a real deployment.
  const std::vector<ManifestFinding> production = CheckManifest(DefaultManifest(), true);
  EXPECT_TRUE(HasErrors(production));
  std::vector<std::string> rules;
  for (const auto& f : production) rules.push_back(f.pointer + " " + f.rule);
  EXPECT_THAT(
      rules,
      ElementsAre("/api/production/base_url urls.https", "/api/production/base_url urls.localhost",
                  "/api/production/sso_url urls.https", "/api/production/sso_url urls.localhost"));
}

TEST(ManifestTest, LoopbackHttpIsAcceptedWhileTesting) {
  for (const char* url : {"http://localhost:9000/r", "http://127.0.0.1:8080/r", "http://[::1]:80/r",
                          "http://app.localhost/r"}) {
    EXPECT_TRUE(CheckManifest(With("/api/production/base_url", url), false).empty()) << url;
  }
}

TEST(ManifestTest, ErrorsComeBeforeWarnings) {
  json m = With("/api/username", "x", With("/api/password", "short-password-1234"));
  const std::vector<ManifestFinding> findings = CheckManifest(m, false);
  ASSERT_GE(findings.size(), 2u);
  EXPECT_EQ(findings.front().severity, "error");
  EXPECT_EQ(findings.back().severity, "warning");
}

TEST(ManifestTest, NotAnObjectIsOneError) {
  const std::vector<ManifestFinding> findings = CheckManifest(json::array(), false);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "manifest.object");
  EXPECT_EQ(findings[0].pointer, "");
}

TEST(ManifestTest, MissingApiStopsAfterTopLevelChecks) {
  const std::vector<ManifestFinding> findings = CheckManifest(With("/api", std::nullopt), false);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "api.present");
}

// Findings land in logs and reports: they must not carry the secrets they judge.
TEST(ManifestTest, MessagesNeverRepeatSecrets) {
  const std::string weak = "Weak-Secret-Value";
  for (const bool production : {false, true}) {
    for (const auto& f :
         CheckManifest(With("/api/sso_salt", weak, With("/api/password", weak)), production)) {
      EXPECT_THAT(f.message, ::testing::Not(HasSubstr(weak))) << f.rule;
    }
  }
}

TEST(ManifestTest, ConfigVarPrefixIsTheUpperCaseIdWithUnderscores) {
  Manifest m;
  m.id = "addon-name";
  EXPECT_EQ(m.ConfigVarPrefix(), "ADDON_NAME_");
  m.id = "my_addon2";
  EXPECT_EQ(m.ConfigVarPrefix(), "MY_ADDON2_");
}

TEST(ManifestTest, ParseReadsEveryField) {
  StatusOr<Manifest> m = ParseManifest(Good());
  ASSERT_OK(m);
  EXPECT_EQ(m->id, "addon-name");
  EXPECT_EQ(m->name, "Addon Name");
  EXPECT_THAT(m->config_vars, ElementsAre("ADDON_NAME_URL", "ADDON_NAME_TOKEN"));
  EXPECT_THAT(m->regions, ElementsAre("eu"));
  EXPECT_EQ(m->password, kPassword);
  EXPECT_EQ(m->sso_salt, kSalt);
  EXPECT_EQ(m->production_base_url, "https://vendor.example/clevercloud/resources");
  EXPECT_EQ(m->production_sso_url, "https://vendor.example/clevercloud/sso");
  EXPECT_EQ(m->test_base_url, "http://localhost:9000/clevercloud/resources");
  EXPECT_EQ(m->test_sso_url, "http://localhost:9000/clevercloud/sso");
  EXPECT_EQ(m->raw, Good());
  EXPECT_TRUE(m->IsConfigVar("ADDON_NAME_URL"));
  EXPECT_FALSE(m->IsConfigVar("OTHER_URL"));
}

// ParseManifest rejects only what the emulator cannot work with; CheckManifest reports the rest.
TEST(ManifestTest, ParseAcceptsWeakButUsableManifests) {
  json m = With("/api/password", "secret", With("/api/regions", json::array({"us"})));
  m = With("/api/sso_salt", std::nullopt, With("/api/production", std::nullopt, m));
  EXPECT_OK(ParseManifest(m));
  EXPECT_OK(ParseManifest(With("/api/test", std::nullopt)));  // the production base_url remains
}

TEST(ManifestTest, ParseRejectsUnusableManifestsNamingThePointer) {
  struct Case {
    json manifest;
    const char* pointer;
  };
  const Case cases[] = {
      {json::array(), "manifest: expected a JSON object"},
      {With("/id", std::nullopt), "/id"},
      {With("/id", 3), "/id"},
      {With("/name", 3), "/name"},
      {With("/api", "x"), "/api"},
      {With("/api/password", std::nullopt), "/api/password"},
      {With("/api/password", ""), "/api/password"},
      {With("/api/sso_salt", 1), "/api/sso_salt"},
      {With("/api/config_vars", "A"), "/api/config_vars"},
      {With("/api/config_vars/0", 1), "/api/config_vars/0"},
      {With("/api/regions/0", json::object()), "/api/regions/0"},
      {With("/api/test", "x"), "/api/test"},
      {With("/api/production/base_url", 1), "/api/production/base_url"},
      {With("/api/test/base_url", std::nullopt, With("/api/production/base_url", std::nullopt)),
       "/api/test/base_url"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseManifest(c.manifest),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.pointer)))
        << c.manifest.dump();
  }
}

}  // namespace
}  // namespace mpemu::clevercloud
