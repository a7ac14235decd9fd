// Configuration of the Clever Cloud side, and STACKIT becoming optional with it.
#include <gtest/gtest.h>

#include <map>

#include "vendor-sample/app/config.h"

namespace vendor_sample {
namespace {

EnvLookup Env(const std::map<std::string, std::string>& vars) {
  return [vars](const std::string& name, std::string* value) {
    auto it = vars.find(name);
    if (it == vars.end()) return false;
    *value = it->second;
    return true;
  };
}

const std::map<std::string, std::string> kStackit = {
    {"STACKIT_KEYS_URL", "http://emu/keys.json"},
    {"STACKIT_API_URL", "http://emu/"},
    {"STACKIT_PROJECT_ID", "5d1f2c3a-7b4e-4c2d-9e8f-0a1b2c3d4e5f"},
    {"STACKIT_SERVICE_ACCOUNT_KEY_PATH", "/tmp/key.json"}};

TEST(ClevercloudConfigTest, CleverCloudAloneIsEnough) {
  StatusOr<Config> c = LoadConfig(
      Env({{"CLEVERCLOUD_MANIFEST", "/tmp/m.json"}, {"CLEVERCLOUD_API_URL", "http://emu/v2/"}}),
      {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->clevercloud_enabled());
  EXPECT_FALSE(c->stackit_enabled());
  EXPECT_EQ(c->clevercloud_api_url, "http://emu/v2");
  EXPECT_EQ(c->clevercloud_sso_max_age_s, 300);
  EXPECT_EQ(c->clevercloud_sso_max_skew_s, 60);
}

TEST(ClevercloudConfigTest, BothMarketplacesOrStackitAlone) {
  auto vars = kStackit;
  StatusOr<Config> stackit = LoadConfig(Env(vars), {});
  ASSERT_TRUE(stackit.ok());
  EXPECT_TRUE(stackit->stackit_enabled());
  EXPECT_FALSE(stackit->clevercloud_enabled());
  vars["CLEVERCLOUD_MANIFEST"] = "/tmp/m.json";
  StatusOr<Config> both = LoadConfig(
      Env(vars), {"--clevercloud-sso-max-age-s=120", "--clevercloud-sso-max-skew-s", "0"});
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  EXPECT_TRUE(both->stackit_enabled());
  EXPECT_TRUE(both->clevercloud_enabled());
  EXPECT_EQ(both->clevercloud_sso_max_age_s, 120);
  EXPECT_EQ(both->clevercloud_sso_max_skew_s, 0);
}

TEST(ClevercloudConfigTest, NamesTheProblem) {
  // Nothing configured: STACKIT is asked for, as before.
  EXPECT_EQ(LoadConfig(Env({}), {}).status().message().rfind("STACKIT_KEYS_URL is required", 0),
            0u);
  // Half a STACKIT configuration next to Clever Cloud is still an error.
  StatusOr<Config> half = LoadConfig(
      Env({{"CLEVERCLOUD_MANIFEST", "/tmp/m.json"}, {"STACKIT_KEYS_URL", "http://emu/k"}}), {});
  EXPECT_EQ(half.status().message().rfind("STACKIT_API_URL is required", 0), 0u)
      << half.status().ToString();
  for (const auto& [name, value] :
       std::map<std::string, std::string>{{"CLEVERCLOUD_API_URL", "file:///etc/passwd"},
                                          {"CLEVERCLOUD_SSO_MAX_AGE_S", "0"},
                                          {"CLEVERCLOUD_SSO_MAX_SKEW_S", "-1"},
                                          {"VENDOR_BUGS", "cc-typo"}}) {
    StatusOr<Config> c =
        LoadConfig(Env({{"CLEVERCLOUD_MANIFEST", "/tmp/m.json"}, {name, value}}), {});
    ASSERT_FALSE(c.ok()) << name;
    EXPECT_NE(c.status().message().find(name), std::string::npos) << c.status().ToString();
  }
  StatusOr<Config> api_alone = LoadConfig(Env({{"CLEVERCLOUD_API_URL", "http://emu/v2"}}), {});
  EXPECT_NE(api_alone.status().message().find("CLEVERCLOUD_MANIFEST"), std::string::npos);
  EXPECT_NE(UsageText().find("CLEVERCLOUD_MANIFEST / --clevercloud-manifest"), std::string::npos);
  EXPECT_NE(UsageText().find("cc-no-session-renewal"), std::string::npos);
}

}  // namespace
}  // namespace vendor_sample
