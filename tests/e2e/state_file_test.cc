// `mpemu serve --state FILE`: everything a restart must keep (subscriptions and their states, the
// signing keys, the virtual clock's offset) survives in the SQLite file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "emulator/http/client.h"
#include "emulator/store/store.h"
#include "tests/support/scoped_emulator.h"
#include "tests/support/stackit_helpers.h"
#include "tests/support/status_matchers.h"

namespace mpemu {
namespace {

using ::mpemu::testing::JwtHeader;
using ::mpemu::testing::ScopedEmulator;
using ::mpemu::testing::ScopedEmulatorOptions;
using json = nlohmann::json;

class StateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/mpemu-state-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/mpemu.db";
  }
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path_ + suffix).c_str());
    rmdir(dir_.c_str());
  }

  std::unique_ptr<ScopedEmulator> Start() {
    StatusOr<std::unique_ptr<store::Store>> store = store::OpenSqliteStore(path_);
    EXPECT_OK(store);
    if (!store.ok()) return nullptr;
    ScopedEmulatorOptions options;
    options.store = std::move(store).value();
    return std::make_unique<ScopedEmulator>(std::move(options));
  }

  static json Get(http::Client& client, const std::string& path, const http::Headers& headers = {}) {
    StatusOr<http::Response> r = client.Get(path, headers);
    EXPECT_OK(r);
    if (!r.ok()) return json();
    EXPECT_EQ(r->status, 200) << path << ": " << r->body;
    return json::parse(r->body, nullptr, false);
  }

  std::string dir_;
  std::string path_;
};

TEST_F(StateFileTest, SubscriptionsKeysAndClockSurviveARestart) {
  std::string approved_id, pending_id, token, kid, keys_body;
  int64_t offset = 0;
  {
    std::unique_ptr<ScopedEmulator> emu = Start();
    ASSERT_NE(emu, nullptr);
    auto client = emu->NewClient();
    StatusOr<http::Response> sub = client->PostJson("/_emulator/stackit/subscriptions", json::object());
    ASSERT_OK(sub);
    ASSERT_EQ(sub->status, 201);
    approved_id = json::parse(sub->body)["subscriptionId"];
    token = json::parse(sub->body)["token"];
    StatusOr<http::Response> approve = client->Send(
        "POST", "/v1/vendors/projects/" + emu->project() + "/subscriptions/" + approved_id + "/approve",
        {{"Authorization", emu->bearer()}}, R"({"instanceTarget": "https://vendor.example/i/1"})", "application/json");
    ASSERT_OK(approve);
    ASSERT_EQ(approve->status, 204) << approve->body;
    StatusOr<http::Response> second = client->PostJson("/_emulator/stackit/subscriptions", json::object());
    ASSERT_OK(second);
    pending_id = json::parse(second->body)["subscriptionId"];
    StatusOr<http::Response> advanced = client->PostJson("/_emulator/clock/advance", {{"duration", "10m"}});
    ASSERT_OK(advanced);
    offset = json::parse(advanced->body)["offsetMillis"];
    ASSERT_EQ(offset, 600000);
    kid = JwtHeader(token)["kid"];
    const json keys = Get(*client, "/v1/resolve-customer/keys.json");
    ASSERT_TRUE(keys.contains(kid));
    keys_body = keys.dump();
    EXPECT_EQ(Get(*client, "/_emulator/config")["state"], "memory");  // the store came from outside
  }
  ASSERT_EQ(access(path_.c_str(), F_OK), 0) << "no state file at " << path_;

  std::unique_ptr<ScopedEmulator> emu = Start();
  ASSERT_NE(emu, nullptr);
  auto client = emu->NewClient();
  // The keys: the same kid, the same PEM.
  EXPECT_EQ(Get(*client, "/v1/resolve-customer/keys.json").dump(), keys_body);
  // The clock offset.
  EXPECT_EQ(Get(*client, "/_emulator/clock")["offsetMillis"], offset);
  // The subscriptions and their states.
  const std::string api = "/v1/vendors/projects/" + emu->project() + "/subscriptions/";
  const json approved = Get(*client, api + approved_id, {{"Authorization", emu->bearer()}});
  EXPECT_EQ(approved["lifecycleState"], "SUBSCRIPTION_ACTIVE");
  const json control = Get(*client, "/_emulator/stackit/subscriptions/" + approved_id);
  EXPECT_EQ(control["instanceTarget"], "https://vendor.example/i/1");
  ASSERT_EQ(control["history"].size(), 2u);
  EXPECT_EQ(Get(*client, api + pending_id, {{"Authorization", emu->bearer()}})["lifecycleState"],
            "SUBSCRIPTION_PENDING");
  // A token minted before the restart still resolves: the key behind its kid survived.
  StatusOr<http::Response> resolved = client->Send(
      "POST", "/v1/vendors/projects/" + emu->project() + "/resolve-customer", {{"Authorization", emu->bearer()}},
      json{{"token", token}}.dump(), "application/json");
  ASSERT_OK(resolved);
  ASSERT_EQ(resolved->status, 200) << resolved->body;
  EXPECT_EQ(json::parse(resolved->body)["subscriptionId"], approved_id);
  // New tokens are signed with the surviving key.
  StatusOr<http::Response> next = client->PostJson("/_emulator/stackit/subscriptions", json::object());
  ASSERT_OK(next);
  EXPECT_EQ(JwtHeader(json::parse(next->body)["token"])["kid"], kid);
  // The restored offset keeps counting toward the pending TTL: 10 m passed before, 50 m now.
  StatusOr<http::Response> later = client->PostJson("/_emulator/clock/advance", {{"duration", "50m"}});
  ASSERT_OK(later);
  EXPECT_EQ(Get(*client, "/_emulator/stackit/subscriptions/" + pending_id)["lifecycleState"], "SUBSCRIPTION_REJECTED");
}

TEST_F(StateFileTest, ResetIsPersistedToo) {
  std::string id;
  {
    std::unique_ptr<ScopedEmulator> emu = Start();
    ASSERT_NE(emu, nullptr);
    auto client = emu->NewClient();
    StatusOr<http::Response> sub = client->PostJson("/_emulator/stackit/subscriptions", json::object());
    ASSERT_OK(sub);
    id = json::parse(sub->body)["subscriptionId"];
    ASSERT_OK(client->PostJson("/_emulator/clock/advance", {{"seconds", 60}}));
    StatusOr<http::Response> reset = client->PostJson("/_emulator/reset", json::object());
    ASSERT_OK(reset);
    ASSERT_EQ(reset->status, 200);
  }
  std::unique_ptr<ScopedEmulator> emu = Start();
  ASSERT_NE(emu, nullptr);
  auto client = emu->NewClient();
  EXPECT_EQ(Get(*client, "/_emulator/clock")["offsetMillis"], 0);
  EXPECT_TRUE(Get(*client, "/_emulator/stackit/subscriptions")["items"].empty());
}

}  // namespace
}  // namespace mpemu
