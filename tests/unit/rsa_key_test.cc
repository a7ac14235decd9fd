#include "emulator/crypto/rsa_key.h"

#include <gtest/gtest.h>

#include "emulator/crypto/encoding.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_keys.h"

namespace mpemu::crypto {
namespace {

using ::mpemu::testing::StatusIs;
using ::mpemu::testing::TestKey;

TEST(RsaKey, PemRoundTripPrivateAndPublic) {
  RsaKey key = TestKey(1);
  EXPECT_TRUE(key.has_private());
  EXPECT_EQ(key.bits(), 2048);
  auto pem = key.PrivatePem();
  ASSERT_OK(pem);
  auto again = RsaKey::FromPem(*pem);
  ASSERT_OK(again);
  EXPECT_EQ(again->Modulus(), key.Modulus());

  auto pub = RsaKey::FromPem(key.PublicPem());
  ASSERT_OK(pub);
  EXPECT_FALSE(pub->has_private());
  EXPECT_THAT(pub->PrivatePem(), StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_EQ(key.PublicPem().rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u);
}

TEST(RsaKey, SignVerifyEachDigest) {
  RsaKey key = TestKey(2);
  auto pub = RsaKey::FromPem(key.PublicPem());
  ASSERT_OK(pub);
  for (RsaDigest d : {RsaDigest::kSha256, RsaDigest::kSha384, RsaDigest::kSha512}) {
    auto sig = key.Sign(d, "hello");
    ASSERT_OK(sig);
    EXPECT_EQ(sig->size(), 256u);
    EXPECT_TRUE(pub->Verify(d, "hello", *sig));
    EXPECT_FALSE(pub->Verify(d, "hellO", *sig));
    std::string flipped = *sig;
    flipped[100] ^= 1;
    EXPECT_FALSE(pub->Verify(d, "hello", flipped));
    EXPECT_FALSE(pub->Verify(d, "hello", sig->substr(1)));  // wrong length
  }
  auto sig256 = key.Sign(RsaDigest::kSha256, "x");
  ASSERT_OK(sig256);
  EXPECT_FALSE(pub->Verify(RsaDigest::kSha512, "x", *sig256));
  EXPECT_FALSE(TestKey(3).Verify(RsaDigest::kSha256, "x", *sig256));
  EXPECT_THAT(pub->Sign(RsaDigest::kSha256, "x"), StatusIs(StatusCode::kFailedPrecondition));
}

TEST(RsaKey, JwkRoundTrip) {
  RsaKey key = TestKey(1);
  auto jwk = key.PublicJwk("kid-1");
  EXPECT_EQ(jwk["kty"], "RSA");
  EXPECT_EQ(jwk["kid"], "kid-1");
  EXPECT_EQ(jwk["e"], "AQAB");
  auto from = RsaKey::FromJwk(jwk);
  ASSERT_OK(from);
  EXPECT_EQ(from->PublicPem(), key.PublicPem());
  EXPECT_FALSE(RsaKey::FromJwk({{"kty", "EC"}}).ok());
  EXPECT_FALSE(RsaKey::FromJwk({{"kty", "RSA"}, {"n", 5}}).ok());
}

TEST(RsaKey, Pkcs1PublicPemIsAccepted) {
  RsaKey key = TestKey(4);
  std::string der = key.Pkcs1PublicDer();
  ASSERT_FALSE(der.empty());
  std::string b64 = Base64Encode(der);
  std::string pem = "-----BEGIN RSA PUBLIC KEY-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  pem += "-----END RSA PUBLIC KEY-----\n";
  auto parsed = RsaKey::FromPem(pem);
  ASSERT_OK(parsed);
  EXPECT_EQ(parsed->Modulus(), key.Modulus());
}

TEST(RsaKey, GarbageIsInvalidArgumentNotACrash) {
  EXPECT_THAT(RsaKey::FromPem(""), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(RsaKey::FromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(RsaKey::FromPem(std::string(100000, 'A')), StatusIs(StatusCode::kInvalidArgument));
}

TEST(RsaKey, RawPrivateOpInvertsPublicOp) {
  RsaKey key = TestKey(5);
  std::string block(256, '\0');
  block[255] = 7;
  auto raw = key.RawPrivateOp(block);
  ASSERT_OK(raw);
  EXPECT_EQ(raw->size(), 256u);
  EXPECT_THAT(key.RawPrivateOp("short"), StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace mpemu::crypto
