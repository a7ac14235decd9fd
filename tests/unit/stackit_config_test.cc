#include "emulator/stackit/config.h"

#include <gtest/gtest.h>

#include "emulator/core/ids.h"
#include "tests/support/status_matchers.h"

namespace mpemu::stackit {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kProjectA[] = "11111111-1111-4111-8111-111111111111";
constexpr char kProjectB[] = "22222222-2222-4222-8222-222222222222";

// Parses the `stackit:` section of a YAML text named "cfg.yaml".
StatusOr<Config> Parse(const std::string& text) {
  MPEMU_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlString(text, "cfg.yaml"));
  MPEMU_ASSIGN_OR_RETURN(YamlMap section, YamlMap::From(root["stackit"], "cfg.yaml", "stackit"));
  return ParseConfig(section);
}

TEST(StackitConfigTest, DefaultsMakeAUsableMarketplace) {
  const Config c = DefaultConfig();
  EXPECT_OK(Validate(c));
  ASSERT_EQ(c.vendor_projects.size(), 1u);
  const std::string project = c.vendor_projects[0].project_id;
  EXPECT_TRUE(IsCanonicalUuid(project));
  EXPECT_THAT(c.vendor_projects[0].bearer_tokens, ElementsAre("mpemu-static-token"));
  ASSERT_EQ(c.products.size(), 2u);
  EXPECT_EQ(c.products[0].lifecycle_state, "PRODUCT_LIVE");
  EXPECT_EQ(c.products[1].lifecycle_state, "PRODUCT_PREVIEW");
  for (const Product& p : c.products) {
    EXPECT_EQ(p.vendor_project_id, project);
    EXPECT_EQ(p.pending_ttl_ms, 3600 * 1000);
    EXPECT_EQ(p.delivery_method, "SAAS");
    EXPECT_FALSE(p.plan_id.empty());
  }
  ASSERT_EQ(c.service_accounts.size(), 1u);
  EXPECT_EQ(c.service_accounts[0].vendor_project_id, project);
  EXPECT_TRUE(IsCanonicalUuid(c.service_accounts[0].id));
  EXPECT_TRUE(c.service_accounts[0].public_key_pem.empty());  // generated
  EXPECT_EQ(c.issuer, "self");
  EXPECT_EQ(c.redirect_token_ttl_s, 300);
  EXPECT_EQ(c.access_token_ttl_s, 600);
  EXPECT_EQ(c.refresh_token_ttl_s, 86400);
  EXPECT_THAT(c.token_audiences, ElementsAre(kDefaultTokenAudience));
  EXPECT_FALSE(c.latest_states);
  EXPECT_FALSE(c.null_end_cursor);
  EXPECT_EQ(c.approve_non_pending_status, 400);
  EXPECT_EQ(c.reject_non_preview_status, 400);
}

TEST(StackitConfigTest, AnAbsentOrEmptySectionGivesTheDefaults) {
  for (const char* text : {"other: 1\n", "stackit:\n", "stackit: {}\n"}) {
    StatusOr<Config> c = Parse(text);
    ASSERT_OK(c) << text;
    EXPECT_EQ(ToJson(*c), ToJson(DefaultConfig())) << text;
  }
}

TEST(StackitConfigTest, ReadsScalarSettings) {
  StatusOr<Config> c = Parse(
      "stackit:\n"
      "  signupUrl: https://vendor.example/signup?src=stackit\n"
      "  loginUrl: https://vendor.example/login\n"
      "  issuer: production\n"
      "  redirectTokenTtl: 10m\n"
      "  accessTokenTtl: 90\n"
      "  refreshTokenTtl: 2h\n"
      "  tokenAudiences: https://aud.example\n"
      "  latestStates: true\n"
      "  nullEndCursor: yes\n"
      "  approveNonPendingStatus: 404\n"
      "  rejectNonPreviewStatus: 403\n");
  ASSERT_OK(c);
  EXPECT_EQ(c->signup_url, "https://vendor.example/signup?src=stackit");
  EXPECT_EQ(c->login_url, "https://vendor.example/login");
  EXPECT_EQ(c->issuer, "production");
  EXPECT_EQ(c->redirect_token_ttl_s, 600);
  EXPECT_EQ(c->access_token_ttl_s, 90);
  EXPECT_EQ(c->refresh_token_ttl_s, 7200);
  EXPECT_THAT(c->token_audiences, ElementsAre("https://aud.example"));
  EXPECT_TRUE(c->latest_states);
  EXPECT_TRUE(c->null_end_cursor);
  EXPECT_EQ(c->approve_non_pending_status, 404);
  EXPECT_EQ(c->reject_non_preview_status, 403);
}

TEST(StackitConfigTest, ReadsProjectsProductsAndServiceAccounts) {
  StatusOr<Config> c = Parse(std::string() +
                             "stackit:\n"
                             "  vendorProjects:\n"
                             "    - projectId: " + kProjectA + "\n"
                             "      bearerTokens: [token-a1, token-a2]\n"
                             "    - projectId: " + kProjectB + "\n"
                             "      bearerTokens: token-b\n"
                             "  products:\n"
                             "    - productId: alpha-0a0b0c0d\n"
                             "      productName: Alpha\n"
                             "      pendingTtl: 30d\n"
                             "      vendorProductId: alpha\n"
                             "    - productId: beta-1a2b3c4d\n"
                             "      vendorProjectId: " + kProjectB + "\n"
                             "      lifecycleState: PRODUCT_PREVIEW\n"
                             "      priceType: FREE\n"
                             "      planId: beta-plan-00000000\n"
                             "  serviceAccounts:\n"
                             "    - id: 33333333-3333-4333-8333-333333333333\n"
                             "      email: sa@sa.stackit.cloud\n"
                             "      keyId: kid-1\n"
                             "      vendorProjectId: " + kProjectB + "\n");
  ASSERT_OK(c);
  ASSERT_EQ(c->vendor_projects.size(), 2u);
  EXPECT_THAT(c->vendor_projects[0].bearer_tokens, ElementsAre("token-a1", "token-a2"));
  EXPECT_THAT(c->vendor_projects[1].bearer_tokens, ElementsAre("token-b"));
  ASSERT_EQ(c->products.size(), 2u);
  const Product& alpha = c->products[0];
  EXPECT_EQ(alpha.product_id, "alpha-0a0b0c0d");
  EXPECT_EQ(alpha.vendor_project_id, kProjectA);  // the first project by default
  EXPECT_EQ(alpha.product_name, "Alpha");
  EXPECT_EQ(alpha.pending_ttl_ms, int64_t{30} * 86400 * 1000);
  EXPECT_EQ(alpha.plan_id, "alpha-0a0b0c0d-plan");  // derived
  EXPECT_EQ(alpha.vendor_product_id, "alpha");
  EXPECT_EQ(alpha.lifecycle_state, "PRODUCT_LIVE");
  const Product& beta = c->products[1];
  EXPECT_EQ(beta.vendor_project_id, kProjectB);
  EXPECT_EQ(beta.lifecycle_state, "PRODUCT_PREVIEW");
  EXPECT_EQ(beta.price_type, "FREE");
  EXPECT_EQ(beta.plan_id, "beta-plan-00000000");
  ASSERT_EQ(c->service_accounts.size(), 1u);
  EXPECT_EQ(c->service_accounts[0].email, "sa@sa.stackit.cloud");
  EXPECT_EQ(c->service_accounts[0].vendor_project_id, kProjectB);
  EXPECT_EQ(c->service_accounts[0].key_id, "kid-1");
}

TEST(StackitConfigTest, DefaultProductsFollowANewFirstProject) {
  StatusOr<Config> c = Parse(std::string("stackit:\n  vendorProjects:\n    - projectId: ") + kProjectB + "\n");
  ASSERT_OK(c);
  ASSERT_EQ(c->products.size(), 2u);
  for (const Product& p : c->products) EXPECT_EQ(p.vendor_project_id, kProjectB);
  EXPECT_EQ(c->service_accounts[0].vendor_project_id, kProjectB);
  EXPECT_TRUE(c->vendor_projects[0].bearer_tokens.empty());
}

TEST(StackitConfigTest, BadValuesAreErrorsAtTheirLine) {
  const struct {
    std::string yaml;
    std::string prefix;   // file:line:col and path
    std::string message;
  } cases[] = {
      {"stackit:\n  isuser: self\n", "cfg.yaml:2:3: stackit: ", "unknown field \"isuser\""},
      {"stackit:\n  latestStates: maybe\n", "cfg.yaml:2:17: stackit.latestStates: ", "expected true or false"},
      {"stackit:\n  redirectTokenTtl: 5 minutes\n", "cfg.yaml:2:21: stackit.redirectTokenTtl: ", "duration"},
      {"stackit:\n  approveNonPendingStatus: four\n", "cfg.yaml:2:28: stackit.approveNonPendingStatus: ",
       "expected an integer"},
      {"stackit:\n  tokenAudiences: {a: b}\n", "cfg.yaml:2:19: stackit.tokenAudiences: ", "list of strings"},
      {"stackit:\n  products: {productId: x}\n", "cfg.yaml:2:13: stackit.products: ", "expected a list"},
      {"stackit:\n  products:\n    - productId: Bad_Id\n", "cfg.yaml:3:18: stackit.products[0].productId: ",
       "does not match"},
      {"stackit:\n  products:\n    - productName: x\n", "cfg.yaml:3:7: stackit.products[0]: ",
       "missing required field \"productId\""},
      {"stackit:\n  products:\n    - productId: ok-1a2b3c4d\n      prodctName: x\n",
       "cfg.yaml:4:7: stackit.products[0]: ", "unknown field \"prodctName\""},
      {"stackit:\n  products:\n    - productId: ok-1a2b3c4d\n      lifecycleState: LIVE\n",
       "cfg.yaml:4:23: stackit.products[0].lifecycleState: ", "expected PRODUCT_LIVE"},
      {"stackit:\n  products:\n    - productId: ok-1a2b3c4d\n      priceType: CHEAP\n",
       "cfg.yaml:4:18: stackit.products[0].priceType: ", "expected CONTRACT"},
      {"stackit:\n  products:\n    - productId: ok-1a2b3c4d\n      pendingTtl: 0s\n",
       "cfg.yaml:4:19: stackit.products[0].pendingTtl: ", "must be positive"},
      {"stackit:\n  products:\n    - productId: ok-1a2b3c4d\n      pendingTtl: soon\n",
       "cfg.yaml:4:19: stackit.products[0].pendingTtl: ", "expected a number"},
      {"stackit:\n  vendorProjects:\n    - projectId: 5D1F2C3A-7B4E-4C2D-9E8F-0A1B2C3D4E5F\n",
       "cfg.yaml:3:18: stackit.vendorProjects[0].projectId: ", "lower-case UUID"},
      {"stackit:\n  vendorProjects:\n    - bearerTokens: [x]\n", "cfg.yaml:3:7: stackit.vendorProjects[0]: ",
       "missing required field \"projectId\""},
      {"stackit:\n  serviceAccounts:\n    - id: x\n      email: e\n",
       "cfg.yaml:3:7: stackit.serviceAccounts[0]: ", "missing required field \"keyId\""},
      {"stackit:\n  serviceAccounts:\n    - id: x\n      email: e\n      keyId: k\n      key: k\n",
       "cfg.yaml:6:7: stackit.serviceAccounts[0]: ", "unknown field \"key\""},
  };
  for (const auto& c : cases) {
    StatusOr<Config> config = Parse(c.yaml);
    EXPECT_THAT(config, StatusIs(StatusCode::kInvalidArgument, StartsWith(c.prefix))) << c.yaml;
    EXPECT_THAT(config, StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.message))) << c.yaml;
  }
}

// Regression: any integer was accepted, so `approveNonPendingStatus: 42` made the emulator send
// an HTTP status line no client understands.
TEST(StackitConfigTest, ErrorStatusesMustBeClientOrServerErrors) {
  for (const char* key : {"approveNonPendingStatus", "rejectNonPreviewStatus"}) {
    for (const char* value : {"42", "204", "399", "600"}) {
      const std::string yaml = std::string("stackit:\n  ") + key + ": " + value + "\n";
      EXPECT_THAT(Parse(yaml), StatusIs(StatusCode::kInvalidArgument,
                                        StartsWith(std::string("cfg.yaml:2:") +
                                                   std::to_string(std::string(key).size() + 5) +
                                                   ": stackit." + key + ": ")))
          << yaml;
    }
    StatusOr<Config> ok = Parse(std::string("stackit:\n  ") + key + ": 409\n");
    EXPECT_OK(ok);
  }
}

TEST(StackitConfigTest, CrossReferencesAreCheckedWithALocation) {
  StatusOr<Config> product = Parse(std::string() +
                                   "stackit:\n"
                                   "  vendorProjects:\n"
                                   "    - projectId: " + kProjectA + "\n"
                                   "  products:\n"
                                   "    - productId: alpha-0a0b0c0d\n"
                                   "      vendorProjectId: " + kProjectB + "\n");
  EXPECT_THAT(product, StatusIs(StatusCode::kInvalidArgument, StartsWith("cfg.yaml:2:3: stackit: ")));
  EXPECT_THAT(product, StatusIs(StatusCode::kInvalidArgument,
                                HasSubstr(std::string("product alpha-0a0b0c0d names vendor project \"") +
                                          kProjectB + "\", which is not in vendorProjects")));

  StatusOr<Config> sa = Parse(std::string() +
                              "stackit:\n"
                              "  serviceAccounts:\n"
                              "    - id: 33333333-3333-4333-8333-333333333333\n"
                              "      email: sa@x\n"
                              "      keyId: k\n"
                              "      vendorProjectId: " + kProjectB + "\n");
  EXPECT_THAT(sa, StatusIs(StatusCode::kInvalidArgument, StartsWith("cfg.yaml:2:3: stackit: ")));
  EXPECT_THAT(sa, StatusIs(StatusCode::kInvalidArgument, HasSubstr("service account sa@x names vendor project")));

  StatusOr<Config> no_projects = Parse("stackit:\n  vendorProjects: []\n");
  EXPECT_THAT(no_projects, StatusIs(StatusCode::kInvalidArgument, HasSubstr("which is not in vendorProjects")));

  StatusOr<Config> ttl = Parse("stackit:\n  redirectTokenTtl: 500ms\n");
  EXPECT_THAT(ttl, StatusIs(StatusCode::kInvalidArgument, HasSubstr("token TTLs must be positive")));
}

TEST(StackitConfigTest, ValidateChecksIssuerAndTtls) {
  Config c = DefaultConfig();
  c.issuer = "";
  EXPECT_THAT(Validate(c), StatusIs(StatusCode::kInvalidArgument, HasSubstr("issuer")));
  c = DefaultConfig();
  c.access_token_ttl_s = 0;
  EXPECT_THAT(Validate(c), StatusIs(StatusCode::kInvalidArgument, HasSubstr("TTLs")));
  c = DefaultConfig();
  c.products[1].vendor_project_id = kProjectB;
  EXPECT_THAT(Validate(c), StatusIs(StatusCode::kInvalidArgument, HasSubstr("mpemu-preview-9c0d1e2f")));
}

TEST(StackitConfigTest, ToJsonShowsTheEffectiveConfiguration) {
  const nlohmann::json j = ToJson(DefaultConfig());
  EXPECT_EQ(j["vendorProjects"][0]["projectId"], DefaultConfig().vendor_projects[0].project_id);
  EXPECT_EQ(j["vendorProjects"][0]["bearerTokens"][0], "mpemu-static-token");
  EXPECT_EQ(j["products"].size(), 2u);
  EXPECT_EQ(j["products"][0]["pendingTtl"], "1h");
  EXPECT_EQ(j["products"][1]["lifecycleState"], "PRODUCT_PREVIEW");
  EXPECT_EQ(j["serviceAccounts"][0]["keyGenerated"], true);
  EXPECT_EQ(j["redirectTokenTtlSeconds"], 300);
  EXPECT_EQ(j["accessTokenTtlSeconds"], 600);
  EXPECT_EQ(j["tokenAudiences"][0], kDefaultTokenAudience);
  EXPECT_EQ(j["latestStates"], false);
  EXPECT_EQ(j["approveNonPendingStatus"], 400);
}

}  // namespace
}  // namespace mpemu::stackit
