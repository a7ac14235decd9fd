#include "emulator/core/ids.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace mpemu {
namespace {

// Version 4 and the RFC 4122 variant, on top of the canonical form.
void ExpectUuidV4(const std::string& id) {
  ASSERT_TRUE(IsCanonicalUuid(id)) << id;
  EXPECT_EQ(id[14], '4') << id;
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
}

TEST(IdsTest, FormatsSixteenBytesAsAVersion4Uuid) {
  unsigned char zeros[16] = {};
  EXPECT_EQ(FormatUuidV4(zeros), "00000000-0000-4000-8000-000000000000");
  unsigned char ones[16];
  for (auto& b : ones) b = 0xff;
  EXPECT_EQ(FormatUuidV4(ones), "ffffffff-ffff-4fff-bfff-ffffffffffff");
  unsigned char counting[16];
  for (int i = 0; i < 16; ++i) counting[i] = static_cast<unsigned char>(i * 17);
  EXPECT_EQ(FormatUuidV4(counting), "00112233-4455-4677-8899-aabbccddeeff");
}

TEST(IdsTest, RandomIdsAreCanonicalAndDistinct) {
  RandomIdGenerator ids;
  std::set<std::string> seen;
  for (int i = 0; i < 500; ++i) {
    const std::string id = ids.NewUuid();
    ExpectUuidV4(id);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 500u);
}

TEST(IdsTest, SeededIdsAreReproducible) {
  SeededIdGenerator a(42);
  SeededIdGenerator b(42);
  SeededIdGenerator c(43);
  for (int i = 0; i < 20; ++i) {
    const std::string id = a.NewUuid();
    ExpectUuidV4(id);
    EXPECT_EQ(id, b.NewUuid());
    EXPECT_NE(id, c.NewUuid());
  }
}

TEST(IdsTest, SeededIdsDoNotRepeat) {
  SeededIdGenerator ids(7);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(ids.NewUuid());
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(IdsTest, SeededGeneratorIsThreadSafe) {
  SeededIdGenerator ids(1);
  std::vector<std::vector<std::string>> per_thread(4);
  std::vector<std::thread> threads;
  for (auto& out : per_thread) {
    threads.emplace_back([&ids, &out] {
      for (int i = 0; i < 250; ++i) out.push_back(ids.NewUuid());
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& out : per_thread) all.insert(out.begin(), out.end());
  EXPECT_EQ(all.size(), 1000u);
  // The same seed, used from one thread, yields exactly the same set.
  SeededIdGenerator serial(1);
  std::set<std::string> expected;
  for (int i = 0; i < 1000; ++i) expected.insert(serial.NewUuid());
  EXPECT_EQ(all, expected);
}

TEST(IdsTest, CanonicalUuidAcceptsOnlyLowerCase8_4_4_4_12) {
  EXPECT_TRUE(IsCanonicalUuid("5d1f2c3a-7b4e-4c2d-9e8f-0a1b2c3d4e5f"));
  EXPECT_TRUE(IsCanonicalUuid("00000000-0000-0000-0000-000000000000"));
  EXPECT_FALSE(IsCanonicalUuid(""));
  EXPECT_FALSE(IsCanonicalUuid("5D1F2C3A-7B4E-4C2D-9E8F-0A1B2C3D4E5F"));  // upper case
  EXPECT_FALSE(IsCanonicalUuid("5d1f2c3a-7b4e-4c2d-9e8f-0a1b2c3d4e5"));   // 35 chars
  EXPECT_FALSE(IsCanonicalUuid("5d1f2c3a-7b4e-4c2d-9e8f-0a1b2c3d4e5f0"));  // 37 chars
  EXPECT_FALSE(IsCanonicalUuid("5d1f2c3a7-b4e-4c2d-9e8f-0a1b2c3d4e5f"));  // dash moved
  EXPECT_FALSE(IsCanonicalUuid("5d1f2c3g-7b4e-4c2d-9e8f-0a1b2c3d4e5f"));  // not hex
  EXPECT_FALSE(IsCanonicalUuid("5d1f2c3a-7b4e-4c2d-9e8f-0a1b2c3d4e5f "));
  EXPECT_FALSE(IsCanonicalUuid("{d1f2c3a-7b4e-4c2d-9e8f-0a1b2c3d4e5}"));
  EXPECT_FALSE(IsCanonicalUuid("5d1f2c3a67b4e64c2d69e8f60a1b2c3d4e5f"));  // no dashes
}

}  // namespace
}  // namespace mpemu
