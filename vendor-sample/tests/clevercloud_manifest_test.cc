#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "vendor-sample/clevercloud/manifest.h"

namespace vendor_sample::clevercloud {
namespace {

std::string ManifestJson(const std::string& api_extra, const std::string& id = "vendor-sample") {
  return R"({"id": ")" + id + R"(", "name": "Vendor Sample", "api": {"regions": ["eu"], )" +
         R"("password": "p:w:d", "sso_salt": "salt")" + api_extra + "}}";
}

TEST(ClevercloudManifestTest, ReadsWhatVendorSampleNeeds) {
  StatusOr<Manifest> m = ParseManifest(
      ManifestJson(R"(, "config_vars": ["VENDOR_SAMPLE_URL", "VENDOR_SAMPLE_TOKEN"], )"
                   R"("production": {"base_url": "https://x/clevercloud/resources"})"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->id, "vendor-sample");
  EXPECT_EQ(m->name, "Vendor Sample");
  EXPECT_EQ(m->password, "p:w:d");
  EXPECT_EQ(m->sso_salt, "salt");
  EXPECT_EQ(m->config_vars, (std::vector<std::string>{"VENDOR_SAMPLE_URL", "VENDOR_SAMPLE_TOKEN"}));
  EXPECT_EQ(ConfigVarPrefix("vendor-sample"), "VENDOR_SAMPLE");
  EXPECT_EQ(UrlVar("my_addon-2"), "MY_ADDON_2_URL");
  EXPECT_TRUE(ParseManifest(ManifestJson("")).ok());  // config_vars are optional
}

TEST(ClevercloudManifestTest, RefusesWhatItCannotHonour) {
  const std::map<std::string, std::string> bad = {
      {"not JSON", "{"},
      {"duplicate member", R"({"id": "a", "id": "b", "api": {}})"},
      {"not an object", "[]"},
      {"id upper case", ManifestJson("", "Vendor")},
      {"id with a space", ManifestJson("", "vendor sample")},
      {"id empty", ManifestJson("", "")},
      {"no api", R"({"id": "vendor-sample"})"},
      {"no password", R"({"id": "vendor-sample", "api": {"regions": ["eu"], "sso_salt": "s"}})"},
      {"empty salt",
       R"({"id": "vendor-sample", "api": {"regions": ["eu"], "password": "p", "sso_salt": ""}})"},
      {"numeric password",
       R"({"id": "vendor-sample", "api": {"regions": ["eu"], "password": 1, "sso_salt": "s"}})"},
      {"no regions", R"({"id": "vendor-sample", "api": {"password": "p", "sso_salt": "s"}})"},
      {"no eu region",
       R"({"id": "vendor-sample", "api": {"regions": ["us"], "password": "p", "sso_salt": "s"}})"},
      {"unprefixed var", ManifestJson(R"(, "config_vars": ["DATABASE_URL"])")},
      {"lower-case var", ManifestJson(R"(, "config_vars": ["vendor_sample_url"])")},
      {"unknown var", ManifestJson(R"(, "config_vars": ["VENDOR_SAMPLE_PASSWORD"])")},
      {"repeated var",
       ManifestJson(R"(, "config_vars": ["VENDOR_SAMPLE_URL", "VENDOR_SAMPLE_URL"])")},
      {"var not a string", ManifestJson(R"(, "config_vars": [1])")},
  };
  for (const auto& [what, json] : bad) {
    StatusOr<Manifest> m = ParseManifest(json);
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument) << what;
    // Errors never show the secrets.
    EXPECT_EQ(m.status().message().find("p:w:d"), std::string::npos) << what;
  }
  EXPECT_EQ(LoadManifest("/nonexistent/manifest.json").status().code(), StatusCode::kNotFound);
}

// The manifest the harness hands to vendor-sample (after expanding its templates).
TEST(ClevercloudManifestTest, CheckedInProfileManifest) {
  std::ifstream in(std::string(MPEMU_SOURCE_DIR) +
                   "/scenarios/profiles/vendor-sample.clevercloud-manifest.json");
  ASSERT_TRUE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  const std::string expanded =
      std::regex_replace(text.str(), std::regex(R"(\{\{ vendor\.url \}\})"), "http://127.0.0.1:1");
  StatusOr<Manifest> m = ParseManifest(expanded);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->id, "vendor-sample");
  EXPECT_EQ(m->config_vars, (std::vector<std::string>{"VENDOR_SAMPLE_URL", "VENDOR_SAMPLE_TOKEN"}));
  EXPECT_EQ(m->regions, std::vector<std::string>{"eu"});
  EXPECT_EQ(m->password.size(), 48u);
  EXPECT_EQ(std::count(m->password.begin(), m->password.end(), ':'), 2);
  EXPECT_EQ(m->sso_salt.size(), 48u);
  for (const char* url : {"\"base_url\": \"{{ vendor.url }}/clevercloud/resources\"",
                          "\"sso_url\": \"{{ vendor.url }}/clevercloud/sso\""}) {
    EXPECT_NE(text.str().find(url), std::string::npos) << url;
  }
}

}  // namespace
}  // namespace vendor_sample::clevercloud
