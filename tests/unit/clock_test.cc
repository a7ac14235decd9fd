#include "emulator/core/clock.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace mpemu {
namespace {

constexpr int64_t kStart = 1795548859123;  // 2026-11-24T19:34:19.123Z

TEST(ManualClockTest, MovesOnlyWhenTold) {
  ManualClock clock(kStart);
  EXPECT_EQ(clock.NowMillis(), kStart);
  EXPECT_EQ(clock.NowMillis(), kStart);
  clock.AdvanceMillis(877);
  EXPECT_EQ(clock.NowMillis(), kStart + 877);
  clock.Set(1000);
  EXPECT_EQ(clock.NowMillis(), 1000);
}

TEST(ManualClockTest, NowSecondsTruncates) {
  ManualClock clock(1999);
  EXPECT_EQ(clock.NowSeconds(), 1);
  clock.Set(2000);
  EXPECT_EQ(clock.NowSeconds(), 2);
  clock.Set(kStart);
  EXPECT_EQ(clock.NowSeconds(), kStart / 1000);
}

TEST(ManualClockTest, ConcurrentAdvancesAreNotLost) {
  ManualClock clock(0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&clock] {
      for (int i = 0; i < 1000; ++i) clock.AdvanceMillis(1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(clock.NowMillis(), 4000);
}

TEST(VirtualClockTest, IsTheBasePlusAnOffset) {
  ManualClock base(kStart);
  VirtualClock clock(&base);
  EXPECT_EQ(clock.NowMillis(), kStart);
  EXPECT_EQ(clock.offset_millis(), 0);

  clock.AdvanceMillis(3601 * 1000);
  EXPECT_EQ(clock.offset_millis(), 3601 * 1000);
  EXPECT_EQ(clock.NowMillis(), kStart + 3601 * 1000);
  EXPECT_EQ(clock.NowSeconds(), (kStart + 3601 * 1000) / 1000);

  // The base keeps running underneath; the offset stays.
  base.AdvanceMillis(5);
  EXPECT_EQ(clock.NowMillis(), kStart + 5 + 3601 * 1000);
  EXPECT_EQ(base.NowMillis(), kStart + 5);

  clock.AdvanceMillis(1);
  EXPECT_EQ(clock.offset_millis(), 3601 * 1000 + 1);
}

TEST(VirtualClockTest, SetOffsetReplacesTheOffset) {
  ManualClock base(kStart);
  VirtualClock clock(&base);
  clock.AdvanceMillis(1000);
  clock.SetOffsetMillis(60000);  // restoring persisted state
  EXPECT_EQ(clock.offset_millis(), 60000);
  EXPECT_EQ(clock.NowMillis(), kStart + 60000);
  clock.SetOffsetMillis(0);  // reset
  EXPECT_EQ(clock.NowMillis(), kStart);
}

TEST(VirtualClockTest, CanRunOverTheRealClock) {
  VirtualClock clock(RealClock::Default());
  clock.AdvanceMillis(86400 * 1000);
  const int64_t real = RealClock::Default()->NowMillis();
  const int64_t virtual_now = clock.NowMillis();
  EXPECT_GE(virtual_now - real, 86400 * 1000 - 1000);
  EXPECT_LE(virtual_now - real, 86400 * 1000 + 1000);
}

TEST(RealClockTest, IsASingletonNearTheSystemTime) {
  const Clock* clock = RealClock::Default();
  EXPECT_EQ(clock, RealClock::Default());
  const int64_t a = clock->NowMillis();
  EXPECT_GT(a, 1577836800000);  // after 2020-01-01
  EXPECT_LT(a, 4102444800000);  // before 2100-01-01
  EXPECT_GE(clock->NowMillis(), a - 1000);
}

}  // namespace
}  // namespace mpemu
