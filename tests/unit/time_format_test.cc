#include "emulator/core/time_format.h"

#include <gtest/gtest.h>

namespace mpemu {
namespace {

TEST(TimeFormatTest, FormatsTheEpoch) {
  EXPECT_EQ(FormatRfc3339Millis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
}

TEST(TimeFormatTest, FormatsMillisecondsInUtc) {
  EXPECT_EQ(FormatRfc3339Millis(1795548859123), "2026-11-24T19:34:19.123Z");
  EXPECT_EQ(FormatRfc3339Millis(1795548859007), "2026-11-24T19:34:19.007Z");
  EXPECT_EQ(FormatRfc3339Millis(1795548859000), "2026-11-24T19:34:19.000Z");
}

TEST(TimeFormatTest, WholeSecondsTruncateTheMilliseconds) {
  EXPECT_EQ(FormatRfc3339(1795548859999), "2026-11-24T19:34:19Z");
  EXPECT_EQ(FormatRfc3339(1795548859000), "2026-11-24T19:34:19Z");
}

TEST(TimeFormatTest, HandlesLeapDaysAndYearEnds) {
  EXPECT_EQ(FormatRfc3339Millis(1709164800000), "2024-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339Millis(951868799999), "2000-02-29T23:59:59.999Z");
  EXPECT_EQ(FormatRfc3339(1767225599000), "2025-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339(1767225600000), "2026-01-01T00:00:00Z");
}

TEST(TimeFormatTest, TimesBeforeTheEpochRoundDown) {
  EXPECT_EQ(FormatRfc3339Millis(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339Millis(-1000), "1969-12-31T23:59:59.000Z");
  EXPECT_EQ(FormatRfc3339Millis(-1001), "1969-12-31T23:59:58.999Z");
}

}  // namespace
}  // namespace mpemu
