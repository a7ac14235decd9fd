#include "vendor-sample/crypto/strict_json.h"

#include <gtest/gtest.h>

namespace vendor_sample::crypto {
namespace {

TEST(StrictJsonTest, ParsesNestedDocuments) {
  StatusOr<nlohmann::json> j = ParseStrictJson(R"({"a":[1,{"b":2.5}],"c":"d","e":null})", 8);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ((*j)["a"][1]["b"], 2.5);
  EXPECT_EQ((*j)["c"], "d");
  EXPECT_TRUE((*j)["e"].is_null());
}

TEST(StrictJsonTest, RejectsDuplicateMemberNames) {
  StatusOr<nlohmann::json> j = ParseStrictJson(R"({"alg":"RS256","kid":"k","alg":"none"})", 8);
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find("duplicate member name \"alg\""), std::string::npos);
}

TEST(StrictJsonTest, RejectsDuplicatesInNestedObjectsButNotAcrossThem) {
  EXPECT_FALSE(ParseStrictJson(R"({"a":{"x":1,"x":2}})", 8).ok());
  EXPECT_TRUE(ParseStrictJson(R"({"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":2}]})", 8).ok());
}

TEST(StrictJsonTest, BoundsNesting) {
  EXPECT_TRUE(ParseStrictJson("[[[[1]]]]", 4).ok());
  EXPECT_FALSE(ParseStrictJson("[[[[[1]]]]]", 4).ok());
  const std::string deep(100000, '[');
  StatusOr<nlohmann::json> j = ParseStrictJson(deep, 8);
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find("nested deeper"), std::string::npos);
}

TEST(StrictJsonTest, RejectsTrailingDataCommentsAndBadUtf8) {
  EXPECT_FALSE(ParseStrictJson(R"({"a":1} x)", 8).ok());
  EXPECT_FALSE(ParseStrictJson(R"({"a":1}/* c */)", 8).ok());
  EXPECT_FALSE(ParseStrictJson("{\"a\":\"\xff\"}", 8).ok());
  EXPECT_FALSE(ParseStrictJson("", 8).ok());
}

}  // namespace
}  // namespace vendor_sample::crypto
