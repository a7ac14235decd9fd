#include "vendor-sample/crypto/base64url.h"

#include <gtest/gtest.h>

namespace vendor_sample::crypto {
namespace {

TEST(Base64UrlTest, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    StatusOr<std::string> back = Base64UrlDecodeStrict(Base64UrlEncode(bytes));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, bytes);
    bytes += static_cast<char>(i * 37 + 250);
  }
}

TEST(Base64UrlTest, UsesTheUrlAlphabetWithoutPadding) {
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlEncode("a"), "YQ");
}

TEST(Base64UrlTest, RejectsPaddingWhitespaceAndTheStandardAlphabet) {
  for (const char* bad : {"YQ==", "YQ=", "Y Q", "YQ\n", " YQ", "+/8", "YW?", "YW#", "YW.b"}) {
    EXPECT_FALSE(Base64UrlDecodeStrict(bad).ok()) << bad;
  }
}

TEST(Base64UrlTest, RejectsImpossibleLength) { EXPECT_FALSE(Base64UrlDecodeStrict("YWJjZ").ok()); }

// golang-jwt PR #259: lenient decoders map 16 signature strings to the same bytes.
TEST(Base64UrlTest, RejectsNonCanonicalTrailingBits) {
  EXPECT_TRUE(Base64UrlDecodeStrict("YQ").ok());
  EXPECT_FALSE(Base64UrlDecodeStrict("YR").ok());
  EXPECT_TRUE(Base64UrlDecodeStrict("YWI").ok());
  EXPECT_FALSE(Base64UrlDecodeStrict("YWJ").ok());
}

TEST(Base64UrlTest, EmptyIsEmpty) { EXPECT_EQ(*Base64UrlDecodeStrict(""), ""); }

}  // namespace
}  // namespace vendor_sample::crypto
