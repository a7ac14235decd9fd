// The Pandium tenant JWT, byte for byte: the exact header, the payload members and their types,
// strict base64url, and an HMAC-SHA256 with the raw secret that this test recomputes with OpenSSL
// itself (security catalogue B-00..B-05, B-13). Each token planted bug is shown to change it.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <regex>
#include <set>

#include "vendor-sample/crypto/base64url.h"
#include "vendor-sample/crypto/strict_json.h"
#include "vendor-sample/pandium/tenant_token.h"

namespace vendor_sample::pandium {
namespace {

using nlohmann::json;

constexpr int64_t kNowMs = 1767225600123;  // 2026-01-01T00:00:00.123Z
constexpr int64_t kNowS = 1767225600;
// Raw bytes: it looks like base64 and ends in a blank, and must be used as it is.
constexpr char kSecret[] = "c2VjcmV0LWxvb2tzLWxpa2UtYmFzZTY0== ";

const TenantUser kUser{"7d3c2a1e-0000-4000-8000-000000000001",
                       "7d3c2a1e-0000-4000-8000-000000000001", "alice@example.test", "alice",
                       "enterprise"};

struct Decoded {
  std::string header_segment, payload_segment, signature_segment;
  std::string header, payload, signature;  // decoded bytes
  json claims;
};

std::string Base64UrlOrEmpty(const std::string& segment) {
  StatusOr<std::string> bytes = crypto::Base64UrlDecodeStrict(segment);
  EXPECT_TRUE(bytes.ok()) << segment;
  return bytes.ok() ? *bytes : "";
}

// Splits and strictly decodes a compact JWS; fails the test when it is malformed.
Decoded Decode(const std::string& token) {
  Decoded d;
  const size_t a = token.find('.');
  const size_t b = token.find('.', a + 1);
  EXPECT_NE(a, std::string::npos);
  EXPECT_NE(b, std::string::npos);
  EXPECT_EQ(token.find('.', b + 1), std::string::npos);
  d.header_segment = token.substr(0, a);
  d.payload_segment = token.substr(a + 1, b - a - 1);
  d.signature_segment = token.substr(b + 1);
  for (const std::string* seg : {&d.header_segment, &d.payload_segment, &d.signature_segment}) {
    EXPECT_TRUE(std::regex_match(*seg, std::regex("[A-Za-z0-9_-]+"))) << *seg;
  }
  d.header = Base64UrlOrEmpty(d.header_segment);
  d.payload = Base64UrlOrEmpty(d.payload_segment);
  d.signature = Base64UrlOrEmpty(d.signature_segment);
  StatusOr<json> claims = crypto::ParseStrictJson(d.payload, 8);  // no duplicate members
  EXPECT_TRUE(claims.ok()) << claims.status().ToString();
  if (claims.ok()) d.claims = *claims;
  return d;
}

// HMAC-SHA256 straight from OpenSSL, not through vendor-sample's crypto/.
std::string OpenSslHmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

bool VerifiesWith(const std::string& token, const std::string& key) {
  const Decoded d = Decode(token);
  return OpenSslHmac(key, d.header_segment + "." + d.payload_segment) == d.signature;
}

class TenantTokenTest : public ::testing::Test {
 protected:
  std::string Mint(const std::string& bugs = "", const TenantUser& user = kUser) {
    bugs_ = *Bugs::Parse(bugs);
    TenantTokenMinter minter(kSecret, &clock_, &bugs_);
    return minter.Mint(user);
  }

  ManualClock clock_{kNowMs};
  Bugs bugs_;
};

TEST_F(TenantTokenTest, HeaderIsExactlyHs256Jwt) {
  const Decoded d = Decode(Mint());
  EXPECT_EQ(d.header, R"({"alg":"HS256","typ":"JWT"})");
  EXPECT_EQ(d.header_segment, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");  // Pandium's docs
}

TEST_F(TenantTokenTest, PayloadBytesAndClaims) {
  const Decoded d = Decode(Mint());
  const std::string jti = d.claims.value("jti", "");
  EXPECT_TRUE(std::regex_match(jti, std::regex("[0-9a-f]{32}"))) << jti;  // 128 bits
  EXPECT_EQ(
      d.payload,
      R"({"iat":1767225600,"jti":")" + jti +
          R"(","sub":"7d3c2a1e-0000-4000-8000-000000000001",)"
          R"("external_id":"7d3c2a1e-0000-4000-8000-000000000001",)"
          R"("meta":{"plan":"enterprise"},)"
          R"("ti":{"uem":"alice@example.test","udn":"alice","xti":{"user_group":"enterprise"}}})");
  EXPECT_TRUE(d.claims["iat"].is_number_integer());
  EXPECT_EQ(d.claims["iat"].get<int64_t>(), kNowS);  // seconds, not milliseconds
  EXPECT_TRUE(d.claims["external_id"].is_string());
  EXPECT_TRUE(d.claims["meta"].is_object());
  EXPECT_FALSE(d.claims.contains("exp"));
}

TEST_F(TenantTokenTest, SignedWithTheRawSecretOnly) {
  const std::string token = Mint();
  const Decoded d = Decode(token);
  EXPECT_EQ(d.signature.size(), 32u);
  EXPECT_TRUE(VerifiesWith(token, kSecret));
  // Not a trimmed, decoded or otherwise re-encoded secret (B-02).
  EXPECT_FALSE(VerifiesWith(token, "c2VjcmV0LWxvb2tzLWxpa2UtYmFzZTY0=="));
  EXPECT_FALSE(VerifiesWith(token, "secret-looks-like-base64"));  // its base64 decoding
  EXPECT_FALSE(VerifiesWith(token, std::string(kSecret) + "\n"));
}

TEST_F(TenantTokenTest, UrlSafeWithoutPadding) {
  for (int i = 0; i < 50; ++i) {
    const std::string token =
        Mint("", TenantUser{"id?>>", "id?>>", "~~~@x.test", "\xfb\xff\xbf?>~", "basic"});
    EXPECT_EQ(token.find_first_of("+/= "), std::string::npos) << token;
  }
}

TEST_F(TenantTokenTest, InvalidUtf8BecomesReplacementCharacters) {
  const Decoded d = Decode(Mint("", TenantUser{"a", "a", "a@x.test", "Z\xff\xc3", "basic"}));
  EXPECT_EQ(d.claims["ti"]["udn"], "Z\xef\xbf\xbd\xef\xbf\xbd");
}

TEST_F(TenantTokenTest, FreshJtiEveryCall) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) seen.insert(Decode(Mint()).claims.value("jti", ""));
  EXPECT_EQ(seen.size(), 20u);
}

TEST_F(TenantTokenTest, IatFollowsTheClock) {
  clock_.Advance(int64_t{90} * 1000);
  EXPECT_EQ(Decode(Mint()).claims["iat"].get<int64_t>(), kNowS + 90);
}

TEST_F(TenantTokenTest, PlantedBugsChangeTheToken) {
  {
    std::set<std::string> seen;
    for (int i = 0; i < 3; ++i)
      seen.insert(Decode(Mint("pd-constant-jti")).claims.value("jti", ""));
    EXPECT_EQ(seen.size(), 1u);
  }
  {
    const Decoded d = Decode(Mint("pd-missing-sub"));
    EXPECT_FALSE(d.claims.contains("sub"));
    EXPECT_EQ(d.claims["external_id"], kUser.external_id);
  }
  {
    const std::string token = Mint("pd-wrong-secret");
    EXPECT_FALSE(VerifiesWith(token, kSecret));
    EXPECT_TRUE(VerifiesWith(token, std::string(kSecret) + "x"));
  }
  EXPECT_EQ(Decode(Mint("pd-stale-iat")).claims["iat"].get<int64_t>(), kNowS - 3600);
  EXPECT_EQ(Decode(Mint("pd-iat-ms")).claims["iat"].get<int64_t>(), kNowMs);
  // The others do not touch the token itself (they are in the SSO handler).
  for (const char* bug : {"pd-sub-from-query", "pd-mint-without-session"}) {
    const std::string token = Mint(bug);
    EXPECT_TRUE(VerifiesWith(token, kSecret)) << bug;
    EXPECT_EQ(Decode(token).claims["sub"], kUser.subject) << bug;
  }
}

}  // namespace
}  // namespace vendor_sample::pandium
