// The emulator as a library (app/emulator.h), started in-process on port 0: start-up in the
// background with health answering meanwhile, a failed start-up, creation errors and the clock's
// bounds.
#include "emulator/app/emulator.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>

#include "emulator/http/client.h"
#include "tests/support/gated_key_source.h"
#include "tests/support/stackit_helpers.h"
#include "tests/support/status_matchers.h"

namespace mpemu {
namespace {

using ::mpemu::testing::IsStackitError;
using ::mpemu::testing::StatusIs;
using ::testing::HasSubstr;
using json = nlohmann::json;

// --- start-up: health answers while keys are made; a failed start-up is visible ---

class StartUpTest : public ::testing::Test {
 protected:
  // An emulator on port 0 whose keys come from `keys` (kept for the test to open).
  std::unique_ptr<app::Emulator> Create(std::unique_ptr<::mpemu::testing::GatedKeySource> keys) {
    keys_ = keys.get();
    app::EmulatorOptions options;
    options.config.server.port = 0;
    options.keys = std::move(keys);
    StatusOr<std::unique_ptr<app::Emulator>> e = app::Emulator::Create(std::move(options));
    EXPECT_OK(e);
    return e.ok() ? std::move(e).value() : nullptr;
  }
  ::mpemu::testing::GatedKeySource* keys_ = nullptr;
};

TEST_F(StartUpTest, HealthAnswersWhileGatedRoutesWaitForTheKeys) {
  std::unique_ptr<app::Emulator> emu = Create(std::make_unique<::mpemu::testing::GatedKeySource>());
  ASSERT_NE(emu, nullptr);
  ::mpemu::testing::OpenOnExit open_before_stop(keys_);
  ASSERT_OK(emu->Start());
  http::Client client(emu->base_url());
  StatusOr<http::Response> health = client.Get("/_emulator/health");
  ASSERT_OK(health);
  EXPECT_EQ(json::parse(health->body)["ready"], false);
  EXPECT_EQ(json::parse(health->body)["status"], "ok");
  EXPECT_EQ(client.Get("/_emulator/clock")->status, 200);

  std::future<StatusOr<http::Response>> keys = std::async(std::launch::async, [&] {
    http::Client other(emu->base_url());
    return other.Get("/v1/resolve-customer/keys.json");
  });
  ::mpemu::testing::OpenOnExit open_before_waiting(keys_);
  EXPECT_EQ(keys.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);  // held at the gate
  keys_->Open();
  StatusOr<http::Response> published = keys.get();
  ASSERT_OK(published);
  EXPECT_EQ(published->status, 200);
  EXPECT_EQ(json::parse(published->body).size(), 1u);
  ASSERT_OK(emu->WaitReady());
  EXPECT_EQ(json::parse(client.Get("/_emulator/health")->body)["ready"], true);
}

// Regression: health said {"status":"ok","ready":true} after the start-up work had failed,
// while every marketplace request answered 503.
TEST_F(StartUpTest, AFailedStartUpIsReportedByHealthAndEveryGatedRoute) {
  std::unique_ptr<app::Emulator> emu = Create(std::make_unique<::mpemu::testing::GatedKeySource>("no entropy today"));
  ASSERT_NE(emu, nullptr);
  keys_->Open();
  ASSERT_OK(emu->Start());
  EXPECT_THAT(emu->WaitReady(), StatusIs(StatusCode::kUnavailable, HasSubstr("no entropy today")));
  http::Client client(emu->base_url());
  StatusOr<http::Response> health = client.Get("/_emulator/health");
  ASSERT_OK(health);
  EXPECT_EQ(health->status, 200);
  const json h = json::parse(health->body);
  EXPECT_EQ(h["status"], "error");
  EXPECT_EQ(h["ready"], false);
  EXPECT_THAT(h["error"].get<std::string>(), HasSubstr("no entropy today"));
  const std::string keys_path = "/v1/resolve-customer/keys.json";
  StatusOr<http::Response> keys = client.Get(keys_path);
  ASSERT_OK(keys);
  EXPECT_TRUE(IsStackitError(*keys, 503, keys_path));
}

// --- creation and the clock ---

TEST(EmulatorTest, CreateRejectsAnInvalidConfiguration) {
  app::EmulatorOptions options;
  options.config.stackit.products[0].vendor_project_id = "99999999-9999-4999-8999-999999999999";
  EXPECT_THAT(app::Emulator::Create(std::move(options)),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("which is not in vendorProjects")));
}

TEST(EmulatorTest, CreateNamesAStateFileItCannotOpen) {
  app::EmulatorOptions options;
  options.config.state_file = "/nonexistent-dir/mpemu.db";
  StatusOr<std::unique_ptr<app::Emulator>> e = app::Emulator::Create(std::move(options));
  EXPECT_FALSE(e.ok());
  EXPECT_THAT(e.status().message(), HasSubstr("/nonexistent-dir/mpemu.db"));
}

TEST(EmulatorTest, TheClockMovesForwardWithinBounds) {
  app::EmulatorOptions options;
  options.config.server.port = 0;
  options.keys = std::make_unique<::mpemu::testing::TestKeySource>();
  options.initialize_in_background = false;
  StatusOr<std::unique_ptr<app::Emulator>> e = app::Emulator::Create(std::move(options));
  ASSERT_OK(e);
  app::Emulator& emu = **e;
  ASSERT_OK(emu.Start());
  EXPECT_THAT(emu.AdvanceClock(-1), StatusIs(StatusCode::kInvalidArgument));
  ASSERT_OK(emu.AdvanceClock(3600 * 1000));
  EXPECT_EQ(emu.clock().offset_millis(), 3600 * 1000);
  // Regression: an offset near int64's limit made every clock reading overflow.
  EXPECT_THAT(emu.AdvanceClock(int64_t{9000000000000000000}), StatusIs(StatusCode::kInvalidArgument));
  const int64_t millennium = 1000LL * 366 * 24 * 3600 * 1000;
  EXPECT_THAT(emu.AdvanceClock(millennium - 3600 * 1000 + 1), StatusIs(StatusCode::kInvalidArgument));
  ASSERT_OK(emu.AdvanceClock(millennium - 3600 * 1000));
  EXPECT_EQ(emu.clock().offset_millis(), millennium);
  EXPECT_GT(emu.clock().NowMillis(), emu.wall_clock().NowMillis());
  EXPECT_THAT(emu.AdvanceClock(1), StatusIs(StatusCode::kInvalidArgument));
  ASSERT_OK(emu.Reset(false));
  EXPECT_EQ(emu.clock().offset_millis(), 0);
}

}  // namespace
}  // namespace mpemu
