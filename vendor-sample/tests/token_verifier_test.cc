#include "vendor-sample/stackit/token_verifier.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "vendor-sample/base/log.h"
#include "vendor-sample/crypto/digest.h"
#include "vendor-sample/tests/token_factory.h"

namespace vendor_sample::stackit {
namespace {

using nlohmann::ordered_json;
using testing::AttackerKey;
using testing::B64;
using testing::Sign;
using testing::SignRaw;
using testing::StackitKey;

constexpr int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z
constexpr char kIssuer[] = "https://issuer.harness.example/v1/resolve-customer/keys.json";
constexpr char kKid[] = "harness-k1";
constexpr char kSubscription[] = "3f1c2a9e-0000-4000-8000-000000000001";

ordered_json Header() { return {{"alg", "RS256"}, {"kid", kKid}, {"typ", "JWT"}}; }

ordered_json Payload() {
  return {{"subscriptionId", kSubscription}, {"iss", kIssuer}, {"exp", kNow + 300}, {"iat", kNow}};
}

class TokenVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogEnabled(false);
    keys_body_ = nlohmann::json{{kKid, StackitKey().PublicPem()}}.dump();
  }
  void TearDown() override { SetLogEnabled(true); }

  // Builds the verifier with the bugs named (none by default).
  TokenVerifier& Verifier(const std::string& bugs = "") {
    bugs_ = *Bugs::Parse(bugs);
    cache_ = std::make_unique<KeyCache>(
        [this]() -> StatusOr<std::string> {
          ++fetches_;
          return keys_body_;
        },
        &clock_, KeyCache::Options{1000, 600000}, &bugs_);
    TokenVerifierOptions options;
    options.issuer = kIssuer;
    verifier_ = std::make_unique<TokenVerifier>(options, cache_.get(), &clock_, &bugs_,
                                                [this](const std::string& url) {
                                                  fetched_urls_.push_back(url);
                                                  return StatusOr<std::string>(attacker_keys_body_);
                                                });
    return *verifier_;
  }

  Status Check(const std::string& token, const std::string& bugs = "") {
    return Verifier(bugs).Verify(token).status();
  }

  // Accepts iff the token verifies; names the reason otherwise.
  void ExpectAccepted(const std::string& token, const std::string& bugs = "") {
    const Status s = Check(token, bugs);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  void ExpectRejected(const std::string& token, const std::string& reason_part,
                      const std::string& bugs = "") {
    const Status s = Check(token, bugs);
    EXPECT_FALSE(s.ok()) << "accepted: " << token;
    EXPECT_NE(s.message().find(reason_part), std::string::npos) << s.ToString();
  }

  ManualClock clock_{kNow * 1000};
  Bugs bugs_;
  std::string keys_body_;
  std::string attacker_keys_body_;
  int fetches_ = 0;
  std::vector<std::string> fetched_urls_;
  std::unique_ptr<KeyCache> cache_;
  std::unique_ptr<TokenVerifier> verifier_;
};

TEST_F(TokenVerifierTest, AcceptsTheDocumentedToken) {
  StatusOr<VerifiedToken> t = Verifier().Verify(Sign(Header(), Payload()));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->subscription_id, kSubscription);
  EXPECT_EQ(t->kid, kKid);
  EXPECT_EQ(fetches_, 1);
}

TEST_F(TokenVerifierTest, AcceptsHeaderWithoutTyp) {
  ExpectAccepted(Sign({{"alg", "RS256"}, {"kid", kKid}}, Payload()));
}

// RFC 7519: a NumericDate may be fractional.
TEST_F(TokenVerifierTest, AcceptsFractionalExp) {
  ExpectAccepted(SignRaw(Header().dump(), R"({"subscriptionId":")" + std::string(kSubscription) +
                                              R"(","iss":")" + kIssuer + R"(","exp":)" +
                                              std::to_string(kNow + 300) + R"(.5,"iat":)" +
                                              std::to_string(kNow) + "}"));
}

TEST_F(TokenVerifierTest, AcceptsAPkcs1PublicKeyPem) {
  const std::string pem = StackitKey().PublicPkcs1Pem();
  ASSERT_EQ(pem.rfind("-----BEGIN RSA PUBLIC KEY-----", 0), 0u) << pem;
  keys_body_ = nlohmann::json{{kKid, pem}}.dump();
  ExpectAccepted(Sign(Header(), Payload()));
}

// --- signature and algorithm (A-01 .. A-07) ---

TEST_F(TokenVerifierTest, RejectsTamperedSignature) {
  std::string token = Sign(Header(), Payload());
  std::string sig = *crypto::Base64UrlDecodeStrict(token.substr(token.rfind('.') + 1));
  for (char& c : sig) c = static_cast<char>(c ^ 0x5A);
  ExpectRejected(token.substr(0, token.rfind('.') + 1) + B64(sig), "does not verify");
}

TEST_F(TokenVerifierTest, RejectsAttackerKeyWithLegitimateKid) {
  ExpectRejected(Sign(Header(), Payload(), AttackerKey()), "does not verify");
}

TEST_F(TokenVerifierTest, RejectsSignatureOfWrongLength) {
  const std::string token = Sign(Header(), Payload());
  const std::string sig = *crypto::Base64UrlDecodeStrict(token.substr(token.rfind('.') + 1));
  const std::string prefix = token.substr(0, token.rfind('.') + 1);
  ExpectRejected(prefix + B64(std::string(1, '\0') + sig), "modulus");
  ExpectRejected(prefix + B64(sig.substr(1)), "modulus");
  ExpectRejected(prefix, "modulus");
}

TEST_F(TokenVerifierTest, RejectsAlgNoneInEveryCase) {
  for (const char* alg : {"none", "None", "NONE", "nOnE"}) {
    const std::string token =
        B64(ordered_json{{"alg", alg}, {"typ", "JWT"}}.dump()) + "." + B64(Payload().dump()) + ".";
    ExpectRejected(token, "alg must be RS256");
  }
}

TEST_F(TokenVerifierTest, PlantedAlgNoneAcceptsUnsignedTokens) {
  const std::string token =
      B64(ordered_json{{"alg", "none"}, {"typ", "JWT"}}.dump()) + "." + B64(Payload().dump()) + ".";
  ExpectAccepted(token, "alg-none");
}

std::string Hs256WithPem(const std::string& pem) {
  const std::string input =
      B64(ordered_json{{"alg", "HS256"}, {"kid", kKid}, {"typ", "JWT"}}.dump()) + "." +
      B64(Payload().dump());
  return input + "." + B64(crypto::HmacSha256(pem, input));
}

TEST_F(TokenVerifierTest, RejectsHs256KeyedWithThePublicKey) {
  ExpectRejected(Hs256WithPem(StackitKey().PublicPem()), "alg must be RS256");
}

TEST_F(TokenVerifierTest, PlantedHs256PublicKeyAcceptsKeyConfusion) {
  ExpectAccepted(Hs256WithPem(StackitKey().PublicPem()), "hs256-public-key");
}

TEST_F(TokenVerifierTest, RejectsOtherRsaAlgorithmsEvenWithTheRightKey) {
  ordered_json h = Header();
  h["alg"] = "RS512";
  ExpectRejected(SignRaw(h.dump(), Payload().dump(), StackitKey(), crypto::Hash::kSha512),
                 "alg must be RS256");
  h["alg"] = "ES256";
  ExpectRejected(B64(h.dump()) + "." + B64(Payload().dump()) + ".MAYCAQACAQA", "alg must be RS256");
}

TEST_F(TokenVerifierTest, PlantedNoSignatureCheckAcceptsAttackerKey) {
  ExpectAccepted(Sign(Header(), Payload(), AttackerKey()), "no-signature-check");
}

// --- key selection and source (A-08 .. A-18) ---

TEST_F(TokenVerifierTest, RejectsUnknownKid) {
  ordered_json h = Header();
  h["kid"] = "does-not-exist";
  ExpectRejected(Sign(h, Payload()), "unknown kid");
}

TEST_F(TokenVerifierTest, RejectsMissingOrNonStringOrHugeKid) {
  ExpectRejected(Sign({{"alg", "RS256"}, {"typ", "JWT"}}, Payload()), "kid is missing");
  for (const nlohmann::json& kid : {nlohmann::json(0), nlohmann::json::array({kKid}),
                                    nlohmann::json(nullptr), nlohmann::json("")}) {
    ordered_json h = Header();
    h["kid"] = kid;
    ExpectRejected(Sign(h, Payload()), "kid");
  }
  ordered_json h = Header();
  h["kid"] = std::string(1000, 'k');
  ExpectRejected(Sign(h, Payload()), "longer than 256");
}

TEST_F(TokenVerifierTest, NeverFetchesKeySourcesNamedByTheToken) {
  ordered_json h = Header();
  h["jku"] = "https://attacker.harness.example/jwks.json";
  h["x5u"] = "https://attacker.harness.example/cert.pem";
  h["jwk"] = {{"kty", "RSA"}, {"n", "AQAB"}, {"e", "AQAB"}};
  h["x5c"] = {"MIIB"};
  ordered_json p = Payload();
  p["iss"] = "https://attacker.harness.example/v1/resolve-customer/keys.json";
  attacker_keys_body_ = nlohmann::json{{kKid, AttackerKey().PublicPem()}}.dump();
  ExpectRejected(Sign(h, p, AttackerKey()), "does not verify");
  EXPECT_TRUE(fetched_urls_.empty());
}

TEST_F(TokenVerifierTest, PlantedKeysFromIssuerFetchesTheTokensIss) {
  ordered_json p = Payload();
  p["iss"] = "https://attacker.harness.example/v1/resolve-customer/keys.json";
  attacker_keys_body_ = nlohmann::json{{kKid, AttackerKey().PublicPem()}}.dump();
  // Still rejected for its issuer, but the fetch already happened: that is the bug.
  ExpectRejected(Sign(Header(), p, AttackerKey()), "not the STACKIT issuer", "keys-from-issuer");
  EXPECT_EQ(fetched_urls_, std::vector<std::string>{p["iss"]});
}

TEST_F(TokenVerifierTest, FailsClosedWhenKeysCannotBeFetched) {
  keys_body_ = "<html>oops</html>";
  const Status s = Check(Sign(Header(), Payload()));
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
}

TEST_F(TokenVerifierTest, IgnoresWeakKeysInKeysJson) {
  keys_body_ = nlohmann::json{{kKid, testing::WeakKey().PublicPem()}}.dump();
  ExpectRejected(Sign(Header(), Payload()), "unknown kid");
}

// --- claims (A-19 .. A-30) ---

TEST_F(TokenVerifierTest, RejectsWrongIssuers) {
  for (const nlohmann::json& iss :
       {nlohmann::json("https://attacker.harness.example/v1/resolve-customer/keys.json"),
        nlohmann::json("http://issuer.harness.example/v1/resolve-customer/keys.json"),
        nlohmann::json(std::string(kIssuer) + "/"),
        nlohmann::json("https://ISSUER.HARNESS.EXAMPLE/v1/resolve-customer/keys.json"),
        nlohmann::json::array({kIssuer}), nlohmann::json(nullptr)}) {
    ordered_json p = Payload();
    p["iss"] = iss;
    ExpectRejected(Sign(Header(), p), "iss");
  }
  ordered_json p = Payload();
  p.erase("iss");
  ExpectRejected(Sign(Header(), p), "iss is missing");
}

TEST_F(TokenVerifierTest, PlantedIgnoreIssuerAcceptsAnyIssuer) {
  ordered_json p = Payload();
  p["iss"] = "https://attacker.harness.example/x";
  ExpectAccepted(Sign(Header(), p), "ignore-issuer");
}

TEST_F(TokenVerifierTest, RejectsExpiredTokenBeyondLeeway) {
  ordered_json p = Payload();
  p["exp"] = kNow - 120;
  p["iat"] = kNow - 420;
  ExpectRejected(Sign(Header(), p), "expired");
  p["exp"] = kNow - 30;  // within the 60 s leeway
  p["iat"] = kNow - 330;
  ExpectAccepted(Sign(Header(), p));
}

TEST_F(TokenVerifierTest, PlantedIgnoreExpiryAcceptsExpiredAndMissingExp) {
  ordered_json p = Payload();
  p["exp"] = kNow - 120;
  p["iat"] = kNow - 420;
  ExpectAccepted(Sign(Header(), p), "ignore-expiry");
  p.erase("exp");
  ExpectAccepted(Sign(Header(), p), "ignore-expiry");
}

TEST_F(TokenVerifierTest, RequiresExp) {
  ordered_json p = Payload();
  p.erase("exp");
  ExpectRejected(Sign(Header(), p), "exp is missing");
}

TEST_F(TokenVerifierTest, RejectsExpOfWrongTypeOrRange) {
  for (const char* exp : {"\"1767225900\"", "-1", "true", "99999999999999999999999",
                          "9223372036854775808", "1e300", "null"}) {
    ExpectRejected(SignRaw(Header().dump(), R"({"subscriptionId":")" + std::string(kSubscription) +
                                                R"(","iss":")" + kIssuer + R"(","exp":)" + exp +
                                                R"(,"iat":)" + std::to_string(kNow) + "}"),
                   "exp", "");
  }
}

TEST_F(TokenVerifierTest, RejectsTooLongLifetime) {
  ordered_json p = Payload();
  p["exp"] = kNow + 31536000;
  ExpectRejected(Sign(Header(), p), "lives longer");
  p["iat"] = kNow - 604800;
  p["exp"] = kNow + 60;
  ExpectRejected(Sign(Header(), p), "lives longer");
}

TEST_F(TokenVerifierTest, RejectsIatInTheFutureOrMissing) {
  ordered_json p = Payload();
  p["iat"] = kNow + 600;
  p["exp"] = kNow + 900;
  ExpectRejected(Sign(Header(), p), "iat is in the future");
  p["iat"] = kNow + 30;  // within the leeway
  p["exp"] = kNow + 330;
  ExpectAccepted(Sign(Header(), p));
  p.erase("iat");
  ExpectRejected(Sign(Header(), p), "iat is missing");
}

TEST_F(TokenVerifierTest, HonoursNbf) {
  ordered_json p = Payload();
  p["nbf"] = kNow + 600;
  ExpectRejected(Sign(Header(), p), "nbf");
  p["nbf"] = kNow - 10;
  ExpectAccepted(Sign(Header(), p));
  p["nbf"] = "soon";
  ExpectRejected(Sign(Header(), p), "nbf");
}

TEST_F(TokenVerifierTest, RequiresANonEmptyStringSubscriptionId) {
  for (const nlohmann::json& id :
       {nlohmann::json(""), nlohmann::json::array({kSubscription}), nlohmann::json(1)}) {
    ordered_json p = Payload();
    p["subscriptionId"] = id;
    ExpectRejected(Sign(Header(), p), "subscriptionId");
  }
  ordered_json p = Payload();
  p.erase("subscriptionId");
  ExpectRejected(Sign(Header(), p), "subscriptionId");
}

// --- structure and encoding (A-36 .. A-42) ---

TEST_F(TokenVerifierTest, RejectsCrit) {
  ordered_json h = Header();
  h["crit"] = {"urn:harness:unknown-ext"};
  h["urn:harness:unknown-ext"] = true;
  ExpectRejected(Sign(h, Payload()), "crit");
  h["crit"] = nlohmann::json::array();
  ExpectRejected(Sign(h, Payload()), "crit");
}

TEST_F(TokenVerifierTest, RejectsDuplicateMembers) {
  ExpectRejected(
      SignRaw(R"({"alg":"RS256","kid":"harness-k1","typ":"JWT","alg":"none"})", Payload().dump()),
      "duplicate member name \"alg\"");
  ExpectRejected(
      SignRaw(R"({"alg":"none","kid":"harness-k1","typ":"JWT","alg":"RS256"})", Payload().dump()),
      "duplicate");
  std::string payload = Payload().dump();
  payload.pop_back();
  ExpectRejected(SignRaw(Header().dump(),
                         payload + R"(,"subscriptionId":"3f1c2a9e-0000-4000-8000-0000000000ff"})"),
                 "duplicate member name \"subscriptionId\"");
  ExpectRejected(SignRaw(Header().dump(), R"({"iss":"https://attacker.harness.example/x",)" +
                                              Payload().dump().substr(1)),
                 "duplicate member name \"iss\"");
}

TEST_F(TokenVerifierTest, RejectsOtherTypes) {
  ordered_json h = Header();
  h["typ"] = "at+jwt";
  ExpectRejected(Sign(h, Payload()), "typ");
  h["typ"] = 1;
  ExpectRejected(Sign(h, Payload()), "typ");
}

TEST_F(TokenVerifierTest, RejectsNonStrictEncodings) {
  const std::string token = Sign(Header(), Payload());
  const size_t dot1 = token.find('.');
  const size_t dot2 = token.rfind('.');
  ExpectRejected(token.substr(0, dot1) + "=" + token.substr(dot1), "base64url");
  ExpectRejected(token + "=", "base64url");
  ExpectRejected(token.substr(0, 10) + " " + token.substr(10), "base64url");
  ExpectRejected(token.substr(0, 10) + "\n" + token.substr(10), "base64url");
  ExpectRejected(" " + token, "base64url");
  ExpectRejected(token + "\n", "base64url");
  std::string standard = token;
  for (char& c : standard) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  if (standard != token) ExpectRejected(standard, "base64url");
  // A-34 (ii): a 256-byte signature is 342 characters whose last one carries 4 unused bits; a
  // lenient decoder maps 16 strings to the same bytes. Setting an unused bit must be rejected.
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  ASSERT_EQ(token.size() - dot2 - 1, 342u);
  std::string sig_variant = token;
  sig_variant.back() = kAlphabet[kAlphabet.find(token.back()) ^ 1];
  ExpectRejected(sig_variant, "non-canonical");
}

TEST_F(TokenVerifierTest, RejectsWrongSegmentCounts) {
  const std::string token = Sign(Header(), Payload());
  ExpectRejected(token.substr(0, token.rfind('.')), "three segments");
  ExpectRejected(token + ".", "three segments");
  ExpectRejected(token + ".a.b", "three segments");
  ExpectRejected("", "empty");
  ExpectRejected(std::string(100000, '.'), "longer than");
  ExpectRejected(R"({"protected":"x","payload":"y","signature":"z"})", "three segments");
}

TEST_F(TokenVerifierTest, RejectsOversizedAndDeeplyNestedTokens) {
  ordered_json p = Payload();
  p["pad"] = std::string(9000, 'x');
  ExpectRejected(Sign(Header(), p), "longer than 8192");
  ExpectRejected(SignRaw(Header().dump(), std::string(2000, '[') + std::string(2000, ']')),
                 "nested deeper");
}

TEST_F(TokenVerifierTest, RejectsNonObjectSegments) {
  ExpectRejected(SignRaw("[]", Payload().dump()), "not a JSON object");
  ExpectRejected(SignRaw(Header().dump(), "\"x\""), "not a JSON object");
}

}  // namespace
}  // namespace vendor_sample::stackit
