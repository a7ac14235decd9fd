#include "emulator/crypto/encoding.h"

#include <gtest/gtest.h>

#include "emulator/crypto/hash.h"
#include "tests/support/status_matchers.h"

namespace mpemu::crypto {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::HasSubstr;

TEST(Base64Url, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 70; ++i) {
    auto decoded = Base64UrlDecode(Base64UrlEncode(bytes));
    ASSERT_OK(decoded);
    EXPECT_EQ(*decoded, bytes);
    bytes += static_cast<char>(i * 37);
  }
}

TEST(Base64Url, KnownVectors) {
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
}

TEST(Base64Url, RejectsPaddingWhitespaceAndStandardAlphabet) {
  EXPECT_THAT(Base64UrlDecode("Zm8="), StatusIs(StatusCode::kInvalidArgument, HasSubstr("offset 3")));
  EXPECT_THAT(Base64UrlDecode("Zm 8"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("offset 2")));
  EXPECT_THAT(Base64UrlDecode("+/8"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("offset 0")));
  EXPECT_THAT(Base64UrlDecode("Zm9vY"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("1 mod 4")));
}

TEST(Base64Url, RejectsNonCanonicalTrailingBitsUnlessAllowed) {
  // "Zm9" decodes to "fo" with zero trailing bits; "Zm9" -> "Zm-" sets them.
  EXPECT_OK(Base64UrlDecode("Zm8"));
  EXPECT_THAT(Base64UrlDecode("Zm9"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("unused bits")));
  auto lenient = Base64UrlDecode("Zm9", /*allow_noncanonical=*/true);
  ASSERT_OK(lenient);
  EXPECT_EQ(*lenient, "fo");
}

TEST(Base64, StandardWithPadding) {
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
  auto decoded = Base64Decode("dXNlcjpwYXNz");
  ASSERT_OK(decoded);
  EXPECT_EQ(*decoded, "user:pass");
  EXPECT_FALSE(Base64Decode("Zm8=x").ok());
}

TEST(ConstantTimeEquals, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret2"));
}

TEST(Random, SecretsDiffer) {
  EXPECT_EQ(RandomBytes(16).size(), 16u);
  EXPECT_NE(RandomSecret(), RandomSecret());
  EXPECT_EQ(RandomSecret(32).size(), 43u);
}

TEST(Hash, KnownVectors) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha512Hex("abc").substr(0, 32), "ddaf35a193617abacc417349ae204131");
  // RFC 4231 test case 2.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HmacSha256("", "x").size(), 32u);
}

}  // namespace
}  // namespace mpemu::crypto
