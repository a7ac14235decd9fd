#include "emulator/harness/token_mutations.h"

#include <gtest/gtest.h>

#include "emulator/crypto/encoding.h"
#include "emulator/crypto/jwt.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_keys.h"

namespace mpemu::harness {
namespace {

using ::mpemu::testing::StatusIs;
using ::mpemu::testing::TestKey;
using ::testing::HasSubstr;

class TokenMutationsTest : public ::testing::Test {
 protected:
  TokenMutationsTest()
      : keys_{TestKey(1), "k1", TestKey(1).PublicPem(), "{}", TestKey(2), "attacker-k1", 1800000000} {}

  std::string Build(const nlohmann::json& mutations) {
    auto token = BuildToken(BaselineDraft("sub-1", "https://iss", keys_), mutations, keys_);
    EXPECT_OK(token);
    return token.ok() ? *token : "";
  }

  // What a correct STACKIT vendor does.
  StatusOr<crypto::DecodedJwt> Verify(const std::string& token) {
    crypto::VerifyOptions options;
    options.now_seconds = keys_.now_seconds;
    options.issuer = "https://iss";
    options.require_iat = true;
    options.max_lifetime_seconds = 300;
    return crypto::VerifyJwt(token, options, [this](const nlohmann::json& h) -> StatusOr<crypto::RsaKey> {
      if (h.value("kid", "") != "k1") return NotFoundError("unknown kid");
      return crypto::RsaKey::FromPem(keys_.legit_pem);
    });
  }

  TokenKeys keys_;
};

TEST_F(TokenMutationsTest, BaselineIsWhatTheEmulatorIssues) {
  std::string token = Build(nlohmann::json::array());
  auto jwt = Verify(token);
  ASSERT_OK(jwt);
  EXPECT_EQ(jwt->header.dump(), R"({"alg":"RS256","kid":"k1","typ":"JWT"})");
  EXPECT_EQ(jwt->payload["exp"].get<int64_t>() - jwt->payload["iat"].get<int64_t>(), 300);
  EXPECT_FALSE(jwt->payload.contains("aud"));
}

// Every adversarial mutation must produce a token a correct verifier rejects; otherwise the
// scenario using it would prove nothing.
TEST_F(TokenMutationsTest, EachAttackIsRejectedByACorrectVerifier) {
  const std::vector<nlohmann::json> attacks = {
      {{{"tamper_signature", true}}},
      {{{"sign_with", "attacker"}}},
      {{{"alg_none", "none"}}},
      {{{"keep_signature_of", "legit"}}, {{"set_header", {{"alg", "none"}}}}},
      {{{"hs256_with_public_key", "pem"}}},
      {{{"hs256_with_public_key", "spki-der"}}},
      {{{"es256_zero_signature", "der"}}},
      {{{"raw_signature", "zero"}}},
      {{{"raw_signature", "modulus"}}},
      {{{"raw_signature", "strip-leading-byte"}}},
      {{{"raw_signature", "prepend-zero-byte"}}},
      {{{"set_header", {{"alg", "RS512"}}}}, {{"sign_with", "legit-rs512"}}},
      {{{"relative_times", {{"iat", -420}, {"exp", -120}}}}},
      {{{"remove_claims", {"iat"}}}},
      {{{"relative_times", {{"nbf", 600}}}}},
      {{{"set_claims", {{"exp", "1900000000"}}}}},
      {{{"uppercase_claim", "iss"}}},
      {{{"set_header", {{"crit", {"x"}}, {"x", true}}}}},
      {{{"pad_segment", "payload"}}},
      {{{"insert_whitespace", "header"}}},
      {{{"noncanonical_payload", true}}},
      {{{"segments", "four"}}},
      {{{"flattened_json", true}}},
      {{{"oversize", 20000}}},
      {{{"raw_header", R"({"alg":"RS256","kid":"k1","alg":"none"})"}}},
      {{{"keep_signature_of", "legit"}}, {{"set_claims", {{"subscriptionId", "other"}}}}},
  };
  for (const auto& attack : attacks) {
    std::string token = Build(attack);
    EXPECT_FALSE(Verify(token).ok()) << attack.dump();
  }
}

TEST_F(TokenMutationsTest, NoncanonicalSignatureDecodesToTheSameBytes) {
  std::string good = Build(nlohmann::json::array());
  std::string odd = Build({{{"replace", good}}, {{"noncanonical_signature", true}}});
  EXPECT_NE(good, odd);
  auto lenient = crypto::Base64UrlDecode(odd.substr(odd.rfind('.') + 1), /*allow_noncanonical=*/true);
  auto strict = crypto::Base64UrlDecode(good.substr(good.rfind('.') + 1));
  ASSERT_OK(lenient);
  ASSERT_OK(strict);
  EXPECT_EQ(*lenient, *strict);
  EXPECT_FALSE(Verify(odd).ok());
}

TEST_F(TokenMutationsTest, UnknownMutationsAndBadParameters) {
  EXPECT_THAT(CheckMutations({{{"nope", 1}}}), StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown token mutation")));
  EXPECT_THAT(CheckMutations({{{"a", 1}, {"b", 2}}}), StatusIs(StatusCode::kInvalidArgument, HasSubstr("one key")));
  EXPECT_FALSE(BuildToken(BaselineDraft("s", "i", keys_), {{{"hs256_with_public_key", "bogus"}}}, keys_).ok());
  EXPECT_FALSE(BuildToken(BaselineDraft("s", "i", keys_), {{{"segments", "six"}}}, keys_).ok());
}

}  // namespace
}  // namespace mpemu::harness
