#include "vendor-sample/app/config.h"

#include <gtest/gtest.h>

#include <map>

namespace vendor_sample {
namespace {

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name, std::string* value) {
    auto it = vars.find(name);
    if (it == vars.end()) return false;
    *value = it->second;
    return true;
  };
}

std::map<std::string, std::string> Minimal() {
  return {{"STACKIT_KEYS_URL", "http://emu/v1/resolve-customer/keys.json"},
          {"STACKIT_API_URL", "http://emu/"},
          {"STACKIT_PROJECT_ID", "5d1f2c3a-7b4e-4c2d-9e8f-0a1b2c3d4e5f"},
          {"STACKIT_SERVICE_ACCOUNT_KEY_PATH", "/tmp/key.json"}};
}

TEST(ConfigTest, AppliesDefaults) {
  StatusOr<Config> c = LoadConfig(Env(Minimal()), {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listen_host, "127.0.0.1");
  EXPECT_EQ(c->listen_port, 8080);
  EXPECT_EQ(c->db_path, ":memory:");
  EXPECT_EQ(c->stackit_issuer, "http://emu/v1/resolve-customer/keys.json");
  EXPECT_EQ(c->stackit_api_url, "http://emu");
  EXPECT_EQ(c->poll_interval_ms, 2000);
  EXPECT_EQ(c->keys_refetch_cooldown_ms, 1000);
  EXPECT_EQ(c->clock_leeway_s, 60);
  EXPECT_TRUE(c->bugs.empty());
}

TEST(ConfigTest, NamesEachMissingRequiredVariable) {
  for (const auto& [name, value] : Minimal()) {
    auto vars = Minimal();
    vars.erase(name);
    StatusOr<Config> c = LoadConfig(Env(vars), {});
    ASSERT_FALSE(c.ok()) << name;
    EXPECT_EQ(c.status().message().rfind(name + " is required", 0), 0u) << c.status().ToString();
  }
}

TEST(ConfigTest, FlagsOverrideTheEnvironment) {
  auto vars = Minimal();
  vars["VENDOR_LISTEN"] = "0.0.0.0:9000";
  StatusOr<Config> c = LoadConfig(
      Env(vars), {"--listen=127.0.0.1:0", "--poll-interval-ms", "100", "--stackit-issuer=iss"});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listen_port, 0);
  EXPECT_EQ(c->poll_interval_ms, 100);
  EXPECT_EQ(c->stackit_issuer, "iss");
  EXPECT_FALSE(LoadConfig(Env(vars), {"--nope=1"}).ok());
  EXPECT_FALSE(LoadConfig(Env(vars), {"--listen"}).ok());
}

TEST(ConfigTest, RejectsBadValues) {
  for (const auto& [name, value] :
       std::map<std::string, std::string>{{"VENDOR_LISTEN", "8080"},
                                          {"VENDOR_POLL_INTERVAL_MS", "fast"},
                                          {"VENDOR_CLOCK_LEEWAY_S", "-1"},
                                          {"STACKIT_KEYS_URL", "file:///etc/passwd"},
                                          {"VENDOR_BUGS", "no-signature-check,typo"}}) {
    auto vars = Minimal();
    vars[name] = value;
    StatusOr<Config> c = LoadConfig(Env(vars), {});
    ASSERT_FALSE(c.ok()) << name;
    EXPECT_NE(c.status().message().find(name), std::string::npos) << c.status().ToString();
  }
}

TEST(ConfigTest, ParsesBugs) {
  auto vars = Minimal();
  vars["VENDOR_BUGS"] = " alg-none, no-polling ,";
  StatusOr<Config> c = LoadConfig(Env(vars), {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->bugs.has("alg-none"));
  EXPECT_TRUE(c->bugs.has("no-polling"));
  EXPECT_FALSE(c->bugs.has("double-approve"));
}

}  // namespace
}  // namespace vendor_sample
