// pandium::Service::Verify, the judge of the tenant JWTs a vendor mints: the harness self-tests of
// security-catalog.md section 3 (BV-03 to BV-08; BV-01 and BV-02 are the Wycheproof vectors in
// pandium_wycheproof_test.cc), each negative case changing one property of a correctly signed
// token, plus the claim and replay rules. Wall clock fixed at T = 2026-01-01T00:00:00Z.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/crypto/encoding.h"
#include "emulator/crypto/jwt.h"
#include "emulator/pandium/service.h"
#include "emulator/store/store.h"
#include "tests/support/status_matchers.h"

namespace mpemu::pandium {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

constexpr int64_t kT = 1767225600;  // seconds
constexpr char kAccount[] = "mpemu-vendor";
constexpr char kHeader[] = R"({"alg":"HS256","typ":"JWT"})";

class VerifierTest : public ::testing::Test {
 protected:
  VerifierTest() : wall_(kT * 1000), clock_(&wall_), ids_(3), store_(store::NewMemoryStore()) {
    Make(DefaultConfig());
  }

  void Make(Config config) {
    control::Environment env;
    env.clock = &clock_;
    env.wall_clock = &wall_;
    env.ids = &ids_;
    env.store = store_.get();
    env.base_url = [] { return std::string("http://127.0.0.1:8900"); };
    service_ = std::make_unique<Service>(std::move(config), env);
    ASSERT_OK(service_->Initialize());
  }
  std::string Secret() const { return service_->Secret(kAccount); }

  // The baseline claims, compact, in this order: iat, jti (fresh per call), sub.
  ojson Claims() {
    return {{"iat", kT}, {"jti", "jti-" + std::to_string(++next_jti_)}, {"sub", "u1@example.com"}};
  }
  // Exact header and payload texts, signed with `secret` (default: the account's).
  std::string Raw(const std::string& header, const std::string& payload,
                  const std::string& secret = "") {
    StatusOr<std::string> t = crypto::EncodeJwtRaw(
        header, payload, crypto::HmacSigner(secret.empty() ? Secret() : secret));
    EXPECT_OK(t);
    return t.ok() ? *t : "";
  }
  std::string Token(const ojson& claims) { return Raw(kHeader, claims.dump()); }
  std::string Token() { return Token(Claims()); }

  TokenCheck Verify(const std::string& token, bool record = true) {
    TokenCheck c = service_->Verify(kAccount, token, record);
    // Whatever the verdict, its reason never carries the secret (catalogue B-11, rule 4).
    EXPECT_THAT(c.reason, Not(HasSubstr(Secret())));
    return c;
  }
  // Rejected with `code`; the HTTP status follows from it.
  void ExpectRejected(const std::string& token, const std::string& code, int http_status) {
    const TokenCheck c = Verify(token);
    EXPECT_FALSE(c.ok) << token;
    EXPECT_EQ(c.code, code) << c.reason;
    EXPECT_EQ(c.HttpStatus(), http_status) << c.reason;
    EXPECT_FALSE(c.reason.empty());
  }

  ManualClock wall_;
  VirtualClock clock_;
  SeededIdGenerator ids_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Service> service_;
  int next_jti_ = 0;
};

// --- positive controls (B-00) ---

TEST_F(VerifierTest, AcceptsACorrectToken) {
  const TokenCheck c = Verify(Token());
  ASSERT_TRUE(c.ok) << c.reason;
  EXPECT_EQ(c.HttpStatus(), 200);
  EXPECT_EQ(c.code, "");
  EXPECT_EQ(c.sub, "u1@example.com");
  EXPECT_EQ(c.jti, "jti-1");
  EXPECT_EQ(c.header, json({{"alg", "HS256"}, {"typ", "JWT"}}));
  EXPECT_EQ(c.claims["sub"], "u1@example.com");
  const json j = c.ToJson();
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["sub"], "u1@example.com");
}

TEST_F(VerifierTest, MintForTestsUsesTheDocumentedHeaderBytes) {
  const std::string token = Service::MintForTests("secret", ojson{{"sub", "x"}});
  // Pandium's documentation: "The base64url-encoded version of the above is below".
  EXPECT_EQ(token.substr(0, token.find('.')), "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
}

TEST_F(VerifierTest, AcceptsTheDocumentedExampleClaimsWithTenantInfo) {
  const ojson claims = ojson::parse(R"({
    "iat": 1767225600, "jti": "1cfa7dbf-8110-4237-ad22-410608791b7d",
    "ti": {"udn": "Pandium Test", "ufn": "Important Person", "uem": "test@pandium.com",
           "ili": ["new-id", "something-different"], "aid": "", "adn": "",
           "xti": {"extraProp": "extra value", "extraList": ["bla", "listVal"]}},
    "sub": "test-pandium-com"})");
  const TokenCheck c = Verify(Token(claims));
  ASSERT_TRUE(c.ok) << c.reason;
  EXPECT_EQ(c.sub, "test-pandium-com");
  EXPECT_EQ(c.tenant_info["ufn"], "Important Person");
  EXPECT_EQ(c.tenant_info["xti"]["extraProp"], "extra value");
}

TEST_F(VerifierTest, ReadsTenantInfoFromXtiWhenThereIsNoTi) {
  ojson claims = Claims();
  claims["xti"] = {{"user_tier", "basic"}};
  claims["external_id"] = "ext-7";
  claims["meta"] = {{"plan", "pro"}};
  const TokenCheck c = Verify(Token(claims));
  ASSERT_TRUE(c.ok) << c.reason;
  EXPECT_EQ(c.tenant_info, json({{"user_tier", "basic"}}));
  EXPECT_EQ(c.external_id, "ext-7");
  EXPECT_EQ(c.meta, json({{"plan", "pro"}}));
}

TEST_F(VerifierTest, ToleratesOtherHeaderMembersAndAnyMemberOrder) {
  EXPECT_TRUE(Verify(Raw(R"({"typ":"JWT","alg":"HS256","kid":"k1"})", Claims().dump())).ok);
  EXPECT_TRUE(Verify(Raw(kHeader, R"({ "sub" : "u1", "jti" : "spaced", "iat" : 1767225600 })")).ok);
}

// --- BV-03: the MAC must be exactly HMAC-SHA256's 32 bytes ---

TEST_F(VerifierTest, Bv03RejectsAnAppendedMacByte) {
  const std::string token = Token();
  const size_t dot = token.rfind('.');
  std::string mac = *crypto::Base64UrlDecode(token.substr(dot + 1));
  ExpectRejected(token.substr(0, dot + 1) + crypto::Base64UrlEncode(mac + '\0'), kBadSignature,
                 401);
  ExpectRejected(token.substr(0, dot + 1) + crypto::Base64UrlEncode(mac + 'x'), kBadSignature, 401);
}

TEST_F(VerifierTest, Bv03RejectsAMacTruncatedTo16Bytes) {
  const std::string token = Token();
  const size_t dot = token.rfind('.');
  const std::string mac = *crypto::Base64UrlDecode(token.substr(dot + 1));
  ExpectRejected(token.substr(0, dot + 1) + crypto::Base64UrlEncode(mac.substr(0, 16)),
                 kBadSignature, 401);
  ExpectRejected(token.substr(0, dot + 1), kBadSignature, 401);  // no MAC at all
  const TokenCheck c =
      Verify(token.substr(0, dot + 1) + crypto::Base64UrlEncode(mac.substr(0, 16)));
  EXPECT_THAT(c.reason, HasSubstr("16 bytes"));
}

// --- BV-04: only HS256 ---

TEST_F(VerifierTest, Bv04RejectsAlgNone) {
  const ojson claims = Claims();
  StatusOr<std::string> none =
      crypto::EncodeJwtRaw(R"({"alg":"none","typ":"JWT"})", claims.dump(), crypto::NoneSigner());
  ASSERT_OK(none);
  ExpectRejected(*none, kUnsupportedHeader, 401);
  // The same header with a valid HMAC does not get through either.
  ExpectRejected(Raw(R"({"alg":"none","typ":"JWT"})", claims.dump()), kUnsupportedHeader, 401);
}

TEST_F(VerifierTest, Bv04RejectsOtherAlgorithmsOnAnOtherwiseValidToken) {
  for (const char* alg : {"HS384", "HS512", "RS256", "hs256", "HS256 ", ""}) {
    const std::string header = std::string(R"({"alg":")") + alg + R"(","typ":"JWT"})";
    ExpectRejected(Raw(header, Claims().dump()), kUnsupportedHeader, 401);
  }
  ExpectRejected(Raw(R"({"alg":["HS256"],"typ":"JWT"})", Claims().dump()), kUnsupportedHeader, 401);
}

TEST_F(VerifierTest, RejectsAMissingOrWrongTyp) {
  ExpectRejected(Raw(R"({"alg":"HS256"})", Claims().dump()), kUnsupportedHeader, 401);
  ExpectRejected(Raw(R"({"alg":"HS256","typ":"jwt"})", Claims().dump()), kUnsupportedHeader, 401);
  ExpectRejected(Raw(R"({"alg":"HS256","typ":"JWS"})", Claims().dump()), kUnsupportedHeader, 401);
}

TEST_F(VerifierTest, RejectsCritExtensions) {
  ExpectRejected(Raw(R"({"alg":"HS256","typ":"JWT","crit":["exp"],"exp":1})", Claims().dump()),
                 kUnsupportedHeader, 401);
}

// --- BV-05: the account's secret, byte for byte, used raw ---

TEST_F(VerifierTest, Bv05RejectsAnotherSecret) {
  ExpectRejected(Raw(kHeader, Claims().dump(), "an entirely different secret of 40 chars!"),
                 kBadSignature, 401);
}

TEST_F(VerifierTest, Bv05RejectsASecretOffByOneCharacter) {
  const std::string secret = Secret();
  std::string changed = secret;
  changed.back() = changed.back() == 'a' ? 'b' : 'a';
  for (const std::string& other :
       {changed, secret + "x", secret.substr(0, secret.size() - 1), "x" + secret.substr(1)}) {
    ExpectRejected(Raw(kHeader, Claims().dump(), other), kBadSignature, 401);
  }
}

TEST_F(VerifierTest, B02RejectsEncodedFormsOfTheSecret) {
  // A vendor that base64-encodes, hex-encodes or adds a newline to the secret signs with the wrong
  // key.
  for (const std::string& encoded :
       {crypto::Base64Encode(Secret()), crypto::HexEncode(Secret()), Secret() + "\n"}) {
    const TokenCheck c = Verify(Raw(kHeader, Claims().dump(), encoded));
    EXPECT_EQ(c.code, kBadSignature);
    EXPECT_THAT(c.reason, HasSubstr("raw string"));
  }
}

// --- BV-06: sub and iat ---

TEST_F(VerifierTest, Bv06RejectsAMissingOrEmptySub) {
  ojson claims = Claims();
  claims.erase("sub");
  ExpectRejected(Token(claims), kInvalidClaims, 401);
  claims = Claims();
  claims["sub"] = "";
  ExpectRejected(Token(claims), kInvalidClaims, 401);
  claims["sub"] = 42;
  ExpectRejected(Token(claims), kInvalidClaims, 401);
  claims["sub"] = nullptr;
  ExpectRejected(Token(claims), kInvalidClaims, 401);
  claims["sub"] = std::string(513, 'a');
  ExpectRejected(Token(claims), kInvalidClaims, 401);
}

TEST_F(VerifierTest, Bv06RejectsIatInMilliseconds) {
  ojson claims = Claims();
  claims["iat"] = kT * 1000;  // Date.now()
  const TokenCheck c = Verify(Token(claims));
  EXPECT_EQ(c.code, kInvalidClaims);
  EXPECT_THAT(c.reason, HasSubstr("milliseconds"));
}

TEST_F(VerifierTest, Bv06RejectsIatTenMinutesInTheFuture) {
  ojson claims = Claims();
  claims["iat"] = kT + 600;
  ExpectRejected(Token(claims), kNotYetValid, 401);
}

TEST_F(VerifierTest, IatWindowIsInclusiveBothWays) {
  for (int64_t iat : {kT - 300, kT + 300, kT}) {
    ojson claims = Claims();
    claims["iat"] = iat;
    EXPECT_TRUE(Verify(Token(claims)).ok) << iat;
  }
  ojson claims = Claims();
  claims["iat"] = kT - 301;
  ExpectRejected(Token(claims), kExpired, 401);
  claims["iat"] = kT + 301;
  ExpectRejected(Token(claims), kNotYetValid, 401);
  claims["iat"] = kT + 0.5;  // a fractional NumericDate is still seconds
  EXPECT_TRUE(Verify(Token(claims)).ok);
}

TEST_F(VerifierTest, TheIatWindowIsConfigurable) {
  Config config = DefaultConfig();
  config.accounts[0].iat_window_s = 30;
  Make(config);
  ojson claims = Claims();
  claims["iat"] = kT - 31;
  ExpectRejected(Token(claims), kExpired, 401);
  claims["iat"] = kT - 30;
  EXPECT_TRUE(Verify(Token(claims)).ok);
}

TEST_F(VerifierTest, RejectsAMissingOrNonNumericIat) {
  ojson claims = Claims();
  claims.erase("iat");
  ExpectRejected(Token(claims), kInvalidClaims, 401);
  for (const ojson& bad : {ojson("1767225600"), ojson(true), ojson(nullptr), ojson::array()}) {
    claims["iat"] = bad;
    ExpectRejected(Token(claims), kInvalidClaims, 401);
  }
}

TEST_F(VerifierTest, UsesTheWallClockNotTheMarketplaceClock) {
  clock_.AdvanceMillis(3600 * 1000);  // scenarios move marketplace time; the vendor's stays
  EXPECT_TRUE(Verify(Token()).ok);
  wall_.AdvanceMillis(301 * 1000);
  ExpectRejected(Token(), kExpired, 401);
}

// --- exp and nbf, when present ---

TEST_F(VerifierTest, HonoursExpAndNbf) {
  ojson claims = Claims();
  claims["exp"] = kT + 60;
  EXPECT_TRUE(Verify(Token(claims)).ok);
  claims = Claims();
  claims["exp"] = kT;  // "on or after" exp: rejected
  ExpectRejected(Token(claims), kExpired, 401);
  claims["exp"] = "soon";
  ExpectRejected(Token(claims), kInvalidClaims, 401);
  claims = Claims();
  claims["nbf"] = kT + 10;
  ExpectRejected(Token(claims), kNotYetValid, 401);
  claims["nbf"] = kT;
  EXPECT_TRUE(Verify(Token(claims)).ok);
}

// --- claim types (B-13) ---

TEST_F(VerifierTest, RejectsWronglyTypedOptionalClaims) {
  for (const auto& [name, value] : std::vector<std::pair<std::string, ojson>>{
           {"external_id", 7},
           {"external_id", nullptr},
           {"meta", ""},  // the documentation's sample backend sends 'meta': ''
           {"meta", ojson::array()},
           {"ti", "tenant"},
           {"xti", ojson::array({1})}}) {
    ojson claims = Claims();
    claims[name] = value;
    const TokenCheck c = Verify(Token(claims));
    EXPECT_EQ(c.code, kInvalidClaims) << name << " " << value.dump();
    EXPECT_THAT(c.reason, HasSubstr(name));
  }
  ojson claims = Claims();
  claims["external_id"] = "";  // a string, even empty, is allowed
  EXPECT_TRUE(Verify(Token(claims)).ok);
}

// --- BV-07: duplicate members ---

TEST_F(VerifierTest, Bv07RejectsDuplicateSubMembers) {
  const std::string payload =
      R"({"iat":1767225600,"jti":"dup","sub":"u1@example.com","sub":"admin@vendor.example"})";
  ExpectRejected(Raw(kHeader, payload), kMalformed, 400);
  EXPECT_THAT(Verify(Raw(kHeader, payload)).reason, HasSubstr("duplicate member name \"sub\""));
  ExpectRejected(Raw(R"({"alg":"none","alg":"HS256","typ":"JWT"})", Claims().dump()), kMalformed,
                 400);
  ExpectRejected(Raw(kHeader, R"({"iat":1767225600,"jti":"n","sub":"u","ti":{"a":1,"a":2}})"),
                 kMalformed, 400);
}

// --- BV-08: base64url without padding, no standard alphabet ---

TEST_F(VerifierTest, Bv08RejectsPaddedSegments) {
  const std::string token = Token();
  const size_t d1 = token.find('.');
  const size_t d2 = token.rfind('.');
  const std::string h = token.substr(0, d1), p = token.substr(d1 + 1, d2 - d1 - 1),
                    s = token.substr(d2 + 1);
  ASSERT_EQ(s.size(), 43u);  // 32 bytes: one '=' of padding when padded
  ExpectRejected(h + "." + p + "." + s + "=", kMalformed, 400);
  // A '=' anywhere is refused, even where padding would be plausible.
  ExpectRejected(h + "=." + p + "." + s, kMalformed, 400);
  ExpectRejected(h + "." + p + "==." + s, kMalformed, 400);
}

TEST_F(VerifierTest, Bv08RejectsTheStandardAlphabet) {
  // Find a token whose MAC encodes with '-' or '_', then spell those the standard way.
  for (int i = 0; i < 200; ++i) {
    const std::string token = Token();
    const std::string mac = token.substr(token.rfind('.') + 1);
    if (mac.find_first_of("-_") == std::string::npos) continue;
    std::string standard = token;
    for (size_t at = token.rfind('.') + 1; at < standard.size(); ++at) {
      if (standard[at] == '-') standard[at] = '+';
      if (standard[at] == '_') standard[at] = '/';
    }
    ExpectRejected(standard, kMalformed, 400);
    return;
  }
  FAIL() << "no MAC with '-' or '_' in 200 tokens";
}

TEST_F(VerifierTest, RejectsNonCanonicalTrailingBitsAndWhitespace) {
  const std::string token = Token();
  // The last of 43 characters carries 2 unused bits; a different character with the same 4 used
  // bits decodes to the same MAC and must still be refused (one encoding per byte string).
  std::string changed = token;
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const size_t v = alphabet.find(changed.back());
  changed.back() = alphabet[(v & ~size_t{3}) | ((v + 1) & 3)];
  ExpectRejected(changed, kMalformed, 400);
  ExpectRejected(token + "\n", kMalformed, 400);
  ExpectRejected(" " + token, kMalformed, 400);
}

// --- structure ---

TEST_F(VerifierTest, RejectsMalformedStructures) {
  const std::string token = Token();
  for (const std::string& bad :
       {std::string("abc"), token + ".", token + ".x", token.substr(0, token.rfind('.')),
        "." + token.substr(token.find('.') + 1), std::string("..")}) {
    const TokenCheck c = Verify(bad);
    EXPECT_FALSE(c.ok) << bad;
    EXPECT_EQ(c.HttpStatus(), 400) << bad << ": " << c.reason;
  }
  ExpectRejected(Raw(kHeader, "[1,2]"), kMalformed, 400);               // claims must be an object
  ExpectRejected(Raw(kHeader, "{\"sub\":\"\xff\"}"), kMalformed, 400);  // not UTF-8
}

TEST_F(VerifierTest, UnknownAccountAndMissingToken) {
  TokenCheck c = service_->Verify("nobody", Token());
  EXPECT_EQ(c.code, kUnknownAccount);
  EXPECT_EQ(c.HttpStatus(), 404);
  c = service_->Verify(kAccount, "");
  EXPECT_EQ(c.code, kMissingToken);
  EXPECT_EQ(c.HttpStatus(), 400);
}

// --- jti and replay (B-05, B-06) ---

TEST_F(VerifierTest, RejectsAReplayedToken) {
  const std::string token = Token();
  EXPECT_TRUE(Verify(token).ok);
  ExpectRejected(token, kReplayed, 401);
  EXPECT_THAT(Verify(token).reason, HasSubstr("already used"));
  // A different token with the same jti is a replay too.
  ojson claims = Claims();
  claims["jti"] = "jti-1";
  claims["sub"] = "u2@example.com";
  ExpectRejected(Token(claims), kReplayed, 401);
}

TEST_F(VerifierTest, VerifyingWithoutRecordingLeavesTheJtiUsable) {
  const std::string token = Token();
  EXPECT_TRUE(Verify(token, /*record=*/false).ok);
  EXPECT_TRUE(Verify(token, /*record=*/false).ok);
  EXPECT_TRUE(Verify(token).ok);
  EXPECT_EQ(Verify(token, /*record=*/false).code, kReplayed);
}

TEST_F(VerifierTest, RejectedTokensDoNotUseUpTheirJti) {
  ojson claims = Claims();
  const std::string bad = Raw(kHeader, claims.dump(), "wrong secret wrong secret wrong secret!");
  ExpectRejected(bad, kBadSignature, 401);
  EXPECT_TRUE(Verify(Token(claims)).ok);
}

TEST_F(VerifierTest, RequiresAJtiUnlessConfiguredNotTo) {
  ojson claims = Claims();
  claims.erase("jti");
  ExpectRejected(Token(claims), kInvalidClaims, 401);
  claims["jti"] = "";
  ExpectRejected(Token(claims), kInvalidClaims, 401);
  claims["jti"] = 12;
  ExpectRejected(Token(claims), kInvalidClaims, 401);

  Config config = DefaultConfig();
  config.accounts[0].require_jti = false;
  Make(config);
  claims.erase("jti");
  EXPECT_TRUE(Verify(Token(claims)).ok);
  EXPECT_TRUE(Verify(Token(claims)).ok);  // nothing to replay-check without a jti
  claims["jti"] = 12;                     // but a jti that is there must be a string
  ExpectRejected(Token(claims), kInvalidClaims, 401);
}

TEST_F(VerifierTest, JtiValuesAreScopedToTheAccount) {
  Config config = DefaultConfig();
  Account other = config.accounts[0];
  other.name = "other-vendor";
  other.secret = "another-secret-another-secret-another-00";
  config.accounts.push_back(other);
  Make(config);
  ojson claims = Claims();
  EXPECT_TRUE(Verify(Token(claims)).ok);
  const std::string there = Raw(kHeader, claims.dump(), other.secret);
  EXPECT_TRUE(service_->Verify("other-vendor", there).ok);
  // And a token for one account does not verify for the other.
  EXPECT_EQ(service_->Verify(kAccount, Raw(kHeader, Claims().dump(), other.secret)).code,
            kBadSignature);
}

TEST_F(VerifierTest, ConcurrentEntriesWithOneTokenAcceptItOnce) {
  const std::string token = Token();
  std::atomic<int> accepted{0}, replayed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      const TokenCheck c = service_->Verify(kAccount, token);
      (c.ok ? accepted : replayed)++;
      if (!c.ok) {
        EXPECT_EQ(c.code, kReplayed);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(replayed.load(), 7);
}

// --- B-15: rotation ---

TEST_F(VerifierTest, B15AfterRotationOnlyTheNewSecretVerifies) {
  const std::string old_secret = Secret();
  const std::string old_token = Token();
  ASSERT_OK(service_->RotateSecret(kAccount, "rotated-secret-rotated-secret-rotated-00"));
  EXPECT_EQ(Secret(), "rotated-secret-rotated-secret-rotated-00");
  EXPECT_EQ(service_->FindAccount(kAccount)->secret, Secret());
  ExpectRejected(old_token, kBadSignature, 401);
  EXPECT_TRUE(Verify(Token()).ok);
  EXPECT_THAT(Verify(old_token).reason, Not(HasSubstr(old_secret)));
}

}  // namespace
}  // namespace mpemu::pandium
