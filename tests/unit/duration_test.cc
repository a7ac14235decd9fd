#include "emulator/core/duration.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "tests/support/status_matchers.h"

namespace mpemu {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::HasSubstr;

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;

TEST(ParseDurationTest, ParsesEveryUnit) {
  const struct {
    const char* text;
    int64_t millis;
  } cases[] = {
      {"500ms", 500},         {"90s", 90 * kSecond}, {"61m", 61 * kMinute},
      {"1h", kHour},          {"2d", 2 * kDay},      {"3600", 3600 * kSecond},
      {"0", 0},               {"0s", 0},             {"1h30m", kHour + 30 * kMinute},
      {"1d2h3m4s5ms", kDay + 2 * kHour + 3 * kMinute + 4 * kSecond + 5},
      {"1m1ms", kMinute + 1}, {"-5s", -5 * kSecond}, {"+5s", 5 * kSecond},
      {"-1h30m", -(kHour + 30 * kMinute)},
  };
  for (const auto& c : cases) {
    StatusOr<int64_t> ms = ParseDurationMillis(c.text);
    ASSERT_OK(ms) << c.text;
    EXPECT_EQ(*ms, c.millis) << c.text;
  }
}

TEST(ParseDurationTest, EmptyTextIsAnError) {
  EXPECT_THAT(ParseDurationMillis(""), StatusIs(StatusCode::kInvalidArgument, HasSubstr("empty duration")));
  EXPECT_THAT(ParseDurationMillis("-"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("empty duration")));
}

TEST(ParseDurationTest, ErrorsNameTheOffendingOffset) {
  EXPECT_THAT(ParseDurationMillis("m"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("expected a number at offset 0")));
  EXPECT_THAT(ParseDurationMillis("1h-5m"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("expected a number at offset 2")));
  EXPECT_THAT(ParseDurationMillis("5x"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown unit 'x' at offset 1")));
  EXPECT_THAT(ParseDurationMillis("1h 5m"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("expected a number at offset 2")));
  EXPECT_THAT(ParseDurationMillis("1.5h"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown unit '.' at offset 1")));
  EXPECT_THAT(ParseDurationMillis("1h30"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("missing unit at the end")));
  // The message quotes the text it rejects.
  EXPECT_THAT(ParseDurationMillis("7y"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("\"7y\"")));
}

TEST(ParseDurationTest, RejectsValuesThatOverflow) {
  EXPECT_THAT(ParseDurationMillis("99999999999999999999"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("too large")));
  EXPECT_THAT(ParseDurationMillis("9223372036854775d"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("too large")));
}

// Regression: each term was checked on its own, but their sum could overflow int64 (undefined
// behaviour; a wrapped, negative clock step in practice).
TEST(ParseDurationTest, RejectsSumsThatOverflow) {
  EXPECT_THAT(ParseDurationMillis("9000000000000000000ms9000000000000000000ms"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("too large")));
  EXPECT_THAT(ParseDurationMillis("106751991167d300d"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("too large")));
  // Large values that fit still parse.
  StatusOr<int64_t> big = ParseDurationMillis("9000000000000000000ms");
  ASSERT_OK(big);
  EXPECT_EQ(*big, int64_t{9000000000000000000});
  StatusOr<int64_t> days = ParseDurationMillis("106751991167d");
  ASSERT_OK(days);
  EXPECT_EQ(*days, int64_t{106751991167} * kDay);
  EXPECT_LT(std::numeric_limits<int64_t>::max() - *days, 300 * kDay);
}

TEST(FormatDurationTest, FormatsCompactly) {
  EXPECT_EQ(FormatDurationMillis(0), "0s");
  EXPECT_EQ(FormatDurationMillis(500), "500ms");
  EXPECT_EQ(FormatDurationMillis(90 * kSecond), "1m30s");
  EXPECT_EQ(FormatDurationMillis(3660000), "1h1m");
  EXPECT_EQ(FormatDurationMillis(kHour), "1h");
  EXPECT_EQ(FormatDurationMillis(kDay + kHour + kMinute + kSecond + 1), "1d1h1m1s1ms");
  EXPECT_EQ(FormatDurationMillis(-5 * kSecond), "-5s");
  EXPECT_EQ(FormatDurationMillis(30 * kDay), "30d");
}

TEST(FormatDurationTest, RoundTripsThroughTheParser) {
  for (int64_t ms : {int64_t{1}, int64_t{999}, kSecond, 61 * kMinute, kHour + 1, 3 * kDay + 7,
                     -kHour, int64_t{123456789012}}) {
    StatusOr<int64_t> parsed = ParseDurationMillis(FormatDurationMillis(ms));
    ASSERT_OK(parsed) << FormatDurationMillis(ms);
    EXPECT_EQ(*parsed, ms);
  }
}

}  // namespace
}  // namespace mpemu
