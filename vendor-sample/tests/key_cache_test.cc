#include "vendor-sample/stackit/key_cache.h"

#include <gtest/gtest.h>

#include "vendor-sample/base/log.h"
#include "vendor-sample/tests/token_factory.h"

namespace vendor_sample::stackit {
namespace {

using testing::AttackerKey;
using testing::StackitKey;

class KeyCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogEnabled(false);
    body_ = nlohmann::json{{"k1", StackitKey().PublicPem()}}.dump();
  }
  void TearDown() override { SetLogEnabled(true); }

  KeyCache& Cache(const std::string& bugs = "") {
    bugs_ = *Bugs::Parse(bugs);
    cache_ = std::make_unique<KeyCache>(
        [this]() -> StatusOr<std::string> {
          ++fetches_;
          if (!fail_.empty()) return UnavailableError(fail_);
          return body_;
        },
        &clock_, KeyCache::Options{/*refetch_cooldown_ms=*/1000, /*max_age_ms=*/60000}, &bugs_);
    return *cache_;
  }

  void Rotate() {
    body_ =
        nlohmann::json{{"k1", StackitKey().PublicPem()}, {"k2", AttackerKey().PublicPem()}}.dump();
  }

  ManualClock clock_{1767225600000};
  Bugs bugs_;
  std::string body_;
  std::string fail_;
  int fetches_ = 0;
  std::unique_ptr<KeyCache> cache_;
};

TEST_F(KeyCacheTest, FetchesOnFirstUseThenServesFromCache) {
  KeyCache& cache = Cache();
  EXPECT_EQ(fetches_, 0);
  ASSERT_TRUE(cache.Get("k1").ok());
  ASSERT_TRUE(cache.Get("k1").ok());
  clock_.Advance(59000);
  ASSERT_TRUE(cache.Get("k1").ok());
  EXPECT_EQ(fetches_, 1);
}

TEST_F(KeyCacheTest, UnknownKidRefetchesOnceThenCoolsDown) {
  KeyCache& cache = Cache();
  ASSERT_TRUE(cache.Get("k1").ok());
  EXPECT_EQ(cache.Get("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(fetches_, 2);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(cache.Get("random-" + std::to_string(i)).status().code(), StatusCode::kNotFound);
  }
  EXPECT_EQ(fetches_, 2);  // A-44: a flood of unknown kids costs nothing within the cooldown
  clock_.Advance(1000);
  EXPECT_EQ(cache.Get("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(fetches_, 3);
}

// A-11: a key published after the cache was filled is found by the one re-fetch.
TEST_F(KeyCacheTest, FindsARotatedKeyAfterOneRefetch) {
  KeyCache& cache = Cache();
  ASSERT_TRUE(cache.Get("k1").ok());
  Rotate();
  clock_.Advance(1500);
  EXPECT_TRUE(cache.Get("k2").ok());
  EXPECT_EQ(fetches_, 2);
}

TEST_F(KeyCacheTest, RotatedKeyRightAfterTheFirstLoadIsFound) {
  KeyCache& cache = Cache();
  ASSERT_TRUE(cache.Get("k1").ok());
  Rotate();
  EXPECT_TRUE(cache.Get("k2").ok());
  EXPECT_EQ(fetches_, 2);
}

TEST_F(KeyCacheTest, RotatedKeyWithinTheRefetchCooldownIsRejectedUntilItPasses) {
  KeyCache& cache = Cache();
  ASSERT_TRUE(cache.Get("k1").ok());
  EXPECT_EQ(cache.Get("nope").status().code(), StatusCode::kNotFound);  // re-fetches
  Rotate();
  clock_.Advance(200);
  EXPECT_EQ(cache.Get("k2").status().code(), StatusCode::kNotFound);
  clock_.Advance(800);
  EXPECT_TRUE(cache.Get("k2").ok());
  EXPECT_EQ(fetches_, 3);
}

TEST_F(KeyCacheTest, PlantedNoRefetchNeverRefetchesForUnknownKids) {
  KeyCache& cache = Cache("no-refetch");
  ASSERT_TRUE(cache.Get("k1").ok());
  Rotate();
  clock_.Advance(5000);
  EXPECT_EQ(cache.Get("k2").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(fetches_, 1);
}

// A-12: a key withdrawn from keys.json stops verifying once the cache ages out.
TEST_F(KeyCacheTest, WithdrawnKeyStopsWorkingAfterMaxAge) {
  KeyCache& cache = Cache();
  ASSERT_TRUE(cache.Get("k1").ok());
  body_ = nlohmann::json{{"k2", AttackerKey().PublicPem()}}.dump();
  clock_.Advance(60000);
  EXPECT_EQ(cache.Get("k1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(fetches_, 2);
}

TEST_F(KeyCacheTest, FailsClosedAndDoesNotHammerAFailingEndpoint) {
  fail_ = "connection refused";
  KeyCache& cache = Cache();
  EXPECT_EQ(cache.Get("k1").status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(cache.Get("k1").status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(fetches_, 1);
  fail_.clear();
  clock_.Advance(1000);
  EXPECT_TRUE(cache.Get("k1").ok());
  EXPECT_EQ(fetches_, 2);
}

TEST_F(KeyCacheTest, StaleCacheFailsClosedWhenTheRefreshFails) {
  KeyCache& cache = Cache();
  ASSERT_TRUE(cache.Get("k1").ok());
  fail_ = "HTTP 500";
  clock_.Advance(60000);
  EXPECT_EQ(cache.Get("k1").status().code(), StatusCode::kUnavailable);
}

TEST_F(KeyCacheTest, InvalidDocumentsFailTheFetch) {
  for (const char* bad : {"<html></html>", "[]", "\"x\"", R"({"k1":"a","k1":"b"})", ""}) {
    body_ = bad;
    fetches_ = 0;
    EXPECT_EQ(Cache().Get("k1").status().code(), StatusCode::kUnavailable) << bad;
  }
}

TEST(ParseKeysJsonTest, SkipsEntriesThatAreNotStrongRsaKeys) {
  std::vector<std::string> skipped;
  StatusOr<KeyMap> keys = ParseKeysJson(
      nlohmann::json{{"good", StackitKey().PublicPem()},
                     {"number", 1},
                     {"garbage", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"},
                     {"weak", testing::WeakKey().PublicPem()},
                     {"ec",
                      "-----BEGIN PUBLIC KEY-----\n"
                      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEVs/o5+uQbTjL3chynL4wXgUg2R9\n"
                      "q9UU8I5mEovUf86QZ7kOBIjJwqnzD1omageEHWwHdBO6B+dFabmdT9POxg==\n"
                      "-----END PUBLIC KEY-----\n"}}
          .dump(),
      &skipped);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(keys->size(), 1u);
  EXPECT_EQ(keys->count("good"), 1u);
  EXPECT_EQ(skipped.size(), 4u);
}

}  // namespace
}  // namespace vendor_sample::stackit
