#include "vendor-sample/stackit/service_account.h"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "vendor-sample/base/log.h"
#include "vendor-sample/crypto/strict_json.h"
#include "vendor-sample/tests/token_factory.h"
#include "vendor-sample/web/http_types.h"

namespace vendor_sample::stackit {
namespace {

using testing::StackitKey;

constexpr char kTokenUrl[] = "http://sa.test/token";

class FakeSender : public net::HttpSender {
 public:
  std::function<net::HttpResponse(const net::HttpRequest&)> reply;
  std::vector<net::HttpRequest> requests;

  StatusOr<net::HttpResponse> Send(const net::HttpRequest& request) override {
    requests.push_back(request);
    return reply(request);
  }
};

std::string KeyJson() {
  return nlohmann::json{{"id", "key-id"},
                        {"publicKey", StackitKey().PublicPem()},
                        {"credentials",
                         {{"kid", "sa-kid"},
                          {"iss", "sa@sa.stackit.cloud"},
                          {"sub", "7c9e6679-7425-40de-944b-e07fc1f90ae7"},
                          {"aud", "https://aud.example"},
                          {"privateKey", StackitKey().PrivatePem()},
                          {"tokenEndpoint", "http://sa.test/token"}}}}
      .dump();
}

net::HttpResponse Tokens(int n, int expires_in = 600) {
  return {200,
          nlohmann::json{{"access_token", "access-" + std::to_string(n)},
                         {"refresh_token", "refresh-" + std::to_string(n)},
                         {"expires_in", expires_in},
                         {"token_type", "Bearer"}}
              .dump(),
          "application/json"};
}

class ServiceAccountTest : public ::testing::Test {
 protected:
  void SetUp() override { SetLogEnabled(false); }
  void TearDown() override { SetLogEnabled(true); }

  ServiceAccountAuth Auth() {
    return ServiceAccountAuth(*ParseServiceAccountKey(KeyJson()), kTokenUrl, &http_, &clock_);
  }
  web::Params Form(size_t i) { return web::ParseUrlEncoded(http_.requests.at(i).body); }

  ManualClock clock_{1767225600000};
  FakeSender http_;
};

TEST_F(ServiceAccountTest, ParsesTheKeyAndNamesMissingFields) {
  StatusOr<ServiceAccountKey> key = ParseServiceAccountKey(KeyJson());
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->kid, "sa-kid");
  EXPECT_EQ(key->token_endpoint, "http://sa.test/token");
  nlohmann::json j = nlohmann::json::parse(KeyJson());
  j["credentials"].erase("privateKey");
  StatusOr<ServiceAccountKey> no_private = ParseServiceAccountKey(j.dump());
  ASSERT_FALSE(no_private.ok());
  EXPECT_NE(no_private.status().message().find("credentials.privateKey"), std::string::npos);
  EXPECT_FALSE(ParseServiceAccountKey("{}").ok());
}

TEST_F(ServiceAccountTest, SignsAnRs512AssertionWithTheKeysClaims) {
  StatusOr<std::string> assertion = Auth().MintAssertion();
  ASSERT_TRUE(assertion.ok());
  const std::string& a = *assertion;
  const size_t dot1 = a.find('.');
  const size_t dot2 = a.rfind('.');
  const nlohmann::json header =
      nlohmann::json::parse(*crypto::Base64UrlDecodeStrict(a.substr(0, dot1)));
  const nlohmann::json claims =
      nlohmann::json::parse(*crypto::Base64UrlDecodeStrict(a.substr(dot1 + 1, dot2 - dot1 - 1)));
  EXPECT_EQ(header["alg"], "RS512");
  EXPECT_EQ(header["kid"], "sa-kid");
  EXPECT_EQ(claims["iss"], "sa@sa.stackit.cloud");
  EXPECT_EQ(claims["sub"], "7c9e6679-7425-40de-944b-e07fc1f90ae7");
  EXPECT_EQ(claims["aud"], "https://aud.example");
  EXPECT_EQ(claims["jti"].get<std::string>().size(), 36u);
  EXPECT_EQ(claims["iat"], 1767225600);
  EXPECT_EQ(claims["exp"], 1767225600 + 600);
  StatusOr<crypto::RsaPublicKey> pub = crypto::RsaPublicKey::FromPem(StackitKey().PublicPem());
  EXPECT_TRUE(pub->Verify(crypto::Hash::kSha512, a.substr(0, dot2),
                          *crypto::Base64UrlDecodeStrict(a.substr(dot2 + 1))));
}

TEST_F(ServiceAccountTest, CachesUntilEightyPercentThenRefreshes) {
  int n = 0;
  http_.reply = [&](const net::HttpRequest&) { return Tokens(++n); };
  ServiceAccountAuth auth = Auth();
  EXPECT_EQ(*auth.AccessToken(), "access-1");
  ASSERT_EQ(http_.requests.size(), 1u);
  EXPECT_EQ(http_.requests[0].url, kTokenUrl);
  EXPECT_EQ(http_.requests[0].content_type, "application/x-www-form-urlencoded");
  EXPECT_EQ(Form(0).find("grant_type")->second, "urn:ietf:params:oauth:grant-type:jwt-bearer");
  EXPECT_EQ(Form(0).count("assertion"), 1u);

  // expires_in 600 counts as 599 s (whole-second exp): renew after 479.2 s.
  clock_.Advance(479 * 1000);
  EXPECT_EQ(*auth.AccessToken(), "access-1");
  EXPECT_EQ(http_.requests.size(), 1u);
  clock_.Advance(1000);
  EXPECT_EQ(*auth.AccessToken(), "access-2");
  ASSERT_EQ(http_.requests.size(), 2u);
  EXPECT_EQ(Form(1).find("grant_type")->second, "refresh_token");
  EXPECT_EQ(Form(1).find("refresh_token")->second, "refresh-1");
}

TEST_F(ServiceAccountTest, FallsBackToAnAssertionWhenTheRefreshFails) {
  int n = 0;
  http_.reply = [&](const net::HttpRequest& r) -> net::HttpResponse {
    if (r.body.find("grant_type=refresh_token") == 0) {
      return {400, R"({"message":"refresh token already used"})", "application/json"};
    }
    return Tokens(++n);
  };
  ServiceAccountAuth auth = Auth();
  EXPECT_EQ(*auth.AccessToken(), "access-1");
  clock_.Advance(500 * 1000);
  EXPECT_EQ(*auth.AccessToken(), "access-2");
  ASSERT_EQ(http_.requests.size(), 3u);
  EXPECT_EQ(Form(2).find("grant_type")->second, "urn:ietf:params:oauth:grant-type:jwt-bearer");
}

TEST_F(ServiceAccountTest, KeepsAValidTokenWhenRenewalFailsAndErrorsOnceItExpires) {
  bool up = true;
  http_.reply = [&](const net::HttpRequest&) -> net::HttpResponse {
    if (!up) return {503, "", ""};
    return Tokens(1);
  };
  ServiceAccountAuth auth = Auth();
  EXPECT_EQ(*auth.AccessToken(), "access-1");
  up = false;
  clock_.Advance(500 * 1000);
  EXPECT_EQ(*auth.AccessToken(), "access-1");
  clock_.Advance(95 * 1000);  // 595 s: within 5 s of the (599 s) expiry
  EXPECT_FALSE(auth.AccessToken().ok());
}

TEST_F(ServiceAccountTest, InvalidateForcesANewToken) {
  int n = 0;
  http_.reply = [&](const net::HttpRequest&) { return Tokens(++n); };
  ServiceAccountAuth auth = Auth();
  EXPECT_EQ(*auth.AccessToken(), "access-1");
  auth.Invalidate("access-1");
  EXPECT_EQ(*auth.AccessToken(), "access-2");
}

TEST_F(ServiceAccountTest, RejectsAnswersWithoutAccessToken) {
  http_.reply = [](const net::HttpRequest&) {
    return net::HttpResponse{200, R"({"token_type":"Bearer"})", "application/json"};
  };
  ServiceAccountAuth auth = Auth();
  EXPECT_FALSE(auth.AccessToken().ok());
}

}  // namespace
}  // namespace vendor_sample::stackit
