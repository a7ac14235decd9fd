#include "emulator/crypto/jwt.h"

#include <gtest/gtest.h>

#include "emulator/crypto/encoding.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_keys.h"

namespace mpemu::crypto {
namespace {

using ::mpemu::testing::StatusIs;
using ::mpemu::testing::TestKey;
using ::testing::HasSubstr;

constexpr int64_t kNow = 1800000000;

class JwtTest : public ::testing::Test {
 protected:
  std::string Sign(nlohmann::ordered_json payload, JwsAlg alg = JwsAlg::kRs256,
                   nlohmann::ordered_json header = {}) {
    if (header.empty()) header = {{"alg", JwsAlgName(alg)}, {"kid", "k1"}, {"typ", "JWT"}};
    std::unique_ptr<Signer> signer;
    if (alg == JwsAlg::kHs256) {
      signer = std::make_unique<HmacSigner>("shared-secret");
    } else if (alg == JwsAlg::kNone) {
      signer = std::make_unique<NoneSigner>();
    } else {
      signer = std::make_unique<RsaSigner>(key_, alg);
    }
    auto token = EncodeJwt(header, payload, *signer);
    EXPECT_OK(token);
    return token.ok() ? *token : "";
  }

  StatusOr<DecodedJwt> Verify(const std::string& token, VerifyOptions options = {}) {
    options.now_seconds = kNow;
    return VerifyJwt(token, options, lookup_, "shared-secret");
  }

  static nlohmann::ordered_json Claims(int64_t exp_delta = 300) {
    return {{"iss", "issuer"}, {"iat", kNow}, {"exp", kNow + exp_delta}, {"subscriptionId", "s1"}};
  }

  RsaKey key_ = TestKey(1);
  RsaKeyLookup lookup_ = [this](const nlohmann::json& header) -> StatusOr<RsaKey> {
    if (header.value("kid", "") != "k1") return NotFoundError("no key with kid " + header.value("kid", ""));
    return RsaKey::FromPem(key_.PublicPem());
  };
};

TEST_F(JwtTest, Rs256RoundTrip) {
  auto jwt = Verify(Sign(Claims()));
  ASSERT_OK(jwt);
  EXPECT_EQ(jwt->payload["subscriptionId"], "s1");
  EXPECT_EQ(jwt->header["kid"], "k1");
}

TEST_F(JwtTest, EncodingKeepsKeyOrder) {
  std::string token = Sign({{"z", 1}, {"a", 2}});
  auto decoded = DecodeJwt(token);
  ASSERT_OK(decoded);
  EXPECT_EQ(*Base64UrlDecode(decoded->payload_segment), R"({"z":1,"a":2})");
}

TEST_F(JwtTest, Rs512AndHs256WhenAllowed) {
  VerifyOptions options;
  options.allowed_algs = {JwsAlg::kRs512};
  EXPECT_OK(Verify(Sign(Claims(), JwsAlg::kRs512), options));
  EXPECT_THAT(Verify(Sign(Claims(), JwsAlg::kRs256), options),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("RS256")));
  options.allowed_algs = {JwsAlg::kHs256};
  EXPECT_OK(Verify(Sign(Claims(), JwsAlg::kHs256), options));
}

TEST_F(JwtTest, RejectsAlgNoneAndAlgConfusion) {
  EXPECT_THAT(Verify(Sign(Claims(), JwsAlg::kNone)), StatusIs(StatusCode::kUnauthenticated));
  // HS256 keyed with the RSA public key PEM: the classic confusion attack.
  nlohmann::ordered_json header = {{"alg", "HS256"}, {"kid", "k1"}};
  auto forged = EncodeJwt(header, Claims(), HmacSigner(key_.PublicPem()));
  ASSERT_OK(forged);
  EXPECT_THAT(Verify(*forged), StatusIs(StatusCode::kUnauthenticated, HasSubstr("not accepted")));
  // Header claims RS256 but the signature is an HMAC.
  nlohmann::ordered_json lying = {{"alg", "RS256"}, {"kid", "k1"}};
  auto lie = EncodeJwt(lying, Claims(), HmacSigner("x"));
  ASSERT_OK(lie);
  EXPECT_THAT(Verify(*lie), StatusIs(StatusCode::kUnauthenticated, HasSubstr("signature")));
  // Case matters.
  EXPECT_FALSE(JwsAlgFromName("rs256").has_value());
}

TEST_F(JwtTest, RejectsTamperedPayloadAndWrongKey) {
  std::string token = Sign(Claims());
  auto decoded = DecodeJwt(token);
  ASSERT_OK(decoded);
  std::string other_payload = Base64UrlEncode(R"({"iss":"issuer","exp":1900000000,"subscriptionId":"s2"})");
  std::string tampered = decoded->header_segment + "." + other_payload + "." + decoded->signature_segment;
  EXPECT_THAT(Verify(tampered), StatusIs(StatusCode::kUnauthenticated, HasSubstr("signature")));

  RsaKey other = TestKey(2);
  auto wrong = EncodeJwt({{"alg", "RS256"}, {"kid", "k1"}}, Claims(), RsaSigner(other, JwsAlg::kRs256));
  ASSERT_OK(wrong);
  EXPECT_THAT(Verify(*wrong), StatusIs(StatusCode::kUnauthenticated));
  auto unknown_kid =
      EncodeJwt({{"alg", "RS256"}, {"kid", "k9"}}, Claims(), RsaSigner(key_, JwsAlg::kRs256));
  EXPECT_THAT(Verify(*unknown_kid), StatusIs(StatusCode::kUnauthenticated, HasSubstr("k9")));
}

TEST_F(JwtTest, TimeClaims) {
  EXPECT_THAT(Verify(Sign(Claims(-1))), StatusIs(StatusCode::kUnauthenticated, HasSubstr("expired")));
  EXPECT_THAT(Verify(Sign(Claims(0))), StatusIs(StatusCode::kUnauthenticated, HasSubstr("0 s ago")));
  VerifyOptions leeway;
  leeway.leeway_seconds = 30;
  EXPECT_OK(Verify(Sign(Claims(-10)), leeway));

  EXPECT_THAT(Verify(Sign({{"iat", kNow}})), StatusIs(StatusCode::kUnauthenticated, HasSubstr("exp")));
  VerifyOptions no_exp;
  no_exp.require_exp = false;
  EXPECT_OK(Verify(Sign({{"iat", kNow}}), no_exp));

  auto future_nbf = Claims();
  future_nbf["nbf"] = kNow + 60;
  EXPECT_THAT(Verify(Sign(future_nbf)), StatusIs(StatusCode::kUnauthenticated, HasSubstr("not valid before")));
  auto future_iat = Claims(3600);
  future_iat["iat"] = kNow + 600;
  EXPECT_THAT(Verify(Sign(future_iat)), StatusIs(StatusCode::kUnauthenticated, HasSubstr("future")));

  VerifyOptions bounded;
  bounded.max_lifetime_seconds = 300;
  EXPECT_OK(Verify(Sign(Claims(300)), bounded));
  EXPECT_THAT(Verify(Sign(Claims(301)), bounded), StatusIs(StatusCode::kUnauthenticated, HasSubstr("lifetime")));
}

TEST_F(JwtTest, ClaimTypesAreChecked) {
  auto string_exp = Claims();
  string_exp["exp"] = std::to_string(kNow + 300);
  EXPECT_THAT(Verify(Sign(string_exp)), StatusIs(StatusCode::kUnauthenticated, HasSubstr("JSON number")));
  auto bool_exp = Claims();
  bool_exp["exp"] = true;
  EXPECT_FALSE(Verify(Sign(bool_exp)).ok());
  auto huge = Claims();
  huge["exp"] = 1e300;
  EXPECT_THAT(Verify(Sign(huge)), StatusIs(StatusCode::kUnauthenticated, HasSubstr("range")));
  auto fraction = Claims();
  fraction["exp"] = kNow + 300.5;
  EXPECT_OK(Verify(Sign(fraction)));
}

TEST_F(JwtTest, IssuerAndAudience) {
  VerifyOptions options;
  options.issuer = "issuer";
  EXPECT_OK(Verify(Sign(Claims()), options));
  options.issuer = "Issuer";
  EXPECT_THAT(Verify(Sign(Claims()), options), StatusIs(StatusCode::kUnauthenticated, HasSubstr("issuer")));

  VerifyOptions aud;
  aud.audience = "me";
  auto claims = Claims();
  EXPECT_FALSE(Verify(Sign(claims), aud).ok());
  claims["aud"] = "me";
  EXPECT_OK(Verify(Sign(claims), aud));
  claims["aud"] = {"you", "me"};
  EXPECT_OK(Verify(Sign(claims), aud));
  claims["aud"] = {"you"};
  EXPECT_FALSE(Verify(Sign(claims), aud).ok());
}

TEST_F(JwtTest, CritMustBeUnderstood) {
  nlohmann::ordered_json header = {{"alg", "RS256"}, {"kid", "k1"}, {"crit", {"b64"}}, {"b64", false}};
  std::string token = Sign(Claims(), JwsAlg::kRs256, header);
  EXPECT_THAT(Verify(token), StatusIs(StatusCode::kUnauthenticated, HasSubstr("crit")));
  VerifyOptions options;
  options.known_crit = {"b64"};
  EXPECT_OK(Verify(token, options));
}

TEST(JwtDecode, MalformedTokensNameTheProblem) {
  EXPECT_THAT(DecodeJwt(""), StatusIs(StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(DecodeJwt("a.b"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("found 2")));
  EXPECT_THAT(DecodeJwt("a.b.c.d"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("found 4")));
  EXPECT_THAT(DecodeJwt("e30.e30=.x"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("payload")));
  std::string not_json = Base64UrlEncode("{nope") + "." + Base64UrlEncode("{}") + ".";
  EXPECT_THAT(DecodeJwt(not_json), StatusIs(StatusCode::kInvalidArgument, HasSubstr("header")));
  std::string array = Base64UrlEncode("[]") + "." + Base64UrlEncode("{}") + ".";
  EXPECT_THAT(DecodeJwt(array), StatusIs(StatusCode::kInvalidArgument, HasSubstr("not a JSON object")));
  EXPECT_THAT(DecodeJwt(std::string(20000, 'a')), StatusIs(StatusCode::kInvalidArgument, HasSubstr("bytes")));
}

TEST(JwtDecode, RejectsDuplicateMembersAndDeepNesting) {
  auto raw = EncodeJwtRaw(R"({"alg":"RS256","alg":"none"})", "{}", NoneSigner());
  ASSERT_OK(raw);
  EXPECT_THAT(DecodeJwt(*raw), StatusIs(StatusCode::kInvalidArgument, HasSubstr("duplicate")));
  auto nested_dup = EncodeJwtRaw(R"({"alg":"RS256"})", R"({"a":{"x":1,"x":2}})", NoneSigner());
  EXPECT_THAT(DecodeJwt(*nested_dup), StatusIs(StatusCode::kInvalidArgument, HasSubstr("duplicate")));
  std::string deep = std::string(40, '[') + std::string(40, ']');
  auto deep_token = EncodeJwtRaw(R"({"alg":"RS256"})", R"({"a":)" + deep + "}", NoneSigner());
  EXPECT_THAT(DecodeJwt(*deep_token), StatusIs(StatusCode::kInvalidArgument, HasSubstr("nested")));
  // Same names in sibling objects are fine.
  auto siblings = EncodeJwtRaw(R"({"alg":"RS256"})", R"({"a":{"x":1},"b":{"x":2}})", NoneSigner());
  EXPECT_OK(DecodeJwt(*siblings));
}

}  // namespace
}  // namespace mpemu::crypto
