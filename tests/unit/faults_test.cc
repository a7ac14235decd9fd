#include "emulator/http/faults.h"

#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace mpemu::http {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::HasSubstr;
using json = nlohmann::json;

StatusOr<Fault> Parse(const std::string& text) { return Fault::FromJson(json::parse(text)); }

TEST(FaultFromJsonTest, ReadsEveryField) {
  StatusOr<Fault> f = Parse(R"({"method": "POST", "path": "/v1/.*", "route": "stackit.approve",
                                "times": 3, "delayMs": 250, "status": 503, "body": "down",
                                "contentType": "text/plain"})");
  ASSERT_OK(f);
  EXPECT_EQ(f->method, "POST");
  EXPECT_EQ(f->path_pattern, "/v1/.*");
  EXPECT_EQ(f->route, "stackit.approve");
  EXPECT_EQ(f->times, 3);
  EXPECT_EQ(f->delay_ms, 250);
  EXPECT_EQ(f->status, 503);
  EXPECT_EQ(f->body, "down");
  EXPECT_EQ(f->content_type, "text/plain");
  EXPECT_FALSE(f->merge_patch);
}

TEST(FaultFromJsonTest, DefaultsAndConveniences) {
  StatusOr<Fault> f = Parse(R"({"status": 500})");
  ASSERT_OK(f);
  EXPECT_EQ(f->times, 1);
  EXPECT_EQ(f->delay_ms, 0);
  EXPECT_EQ(f->method, "");
  EXPECT_EQ(f->content_type, "application/json");
  EXPECT_FALSE(f->body);

  StatusOr<Fault> j = Parse(R"({"json": {"error": "x", "status": 500}, "times": -1})");
  ASSERT_OK(j);
  EXPECT_EQ(json::parse(*j->body), json({{"error", "x"}, {"status", 500}}));
  EXPECT_EQ(j->times, -1);
  EXPECT_FALSE(j->status);  // the real status stays unless given

  StatusOr<Fault> patch = Parse(R"({"mergePatch": {"lifecycleState": "SUBSCRIPTION_ACTIVE"}})");
  ASSERT_OK(patch);
  ASSERT_TRUE(patch->merge_patch);
  EXPECT_EQ((*patch->merge_patch)["lifecycleState"], "SUBSCRIPTION_ACTIVE");

  StatusOr<Fault> delay = Parse(R"({"delayMs": 10})");
  ASSERT_OK(delay);
  EXPECT_EQ(delay->delay_ms, 10);
}

TEST(FaultFromJsonTest, RejectsBadInputNamingTheField) {
  const struct {
    const char* json;
    const char* message;
  } cases[] = {
      {R"([1])", "a fault must be a JSON object"},
      {R"("x")", "a fault must be a JSON object"},
      {R"({"status": 500, "statsu": 1})", "unknown field \"statsu\""},
      {R"({"status": 500, "method": 1})", "fault.method: expected a string"},
      {R"({"status": 500, "path": true})", "fault.path: expected a string"},
      {R"({"status": 500, "route": null})", "fault.route: expected a string"},
      {R"({"status": 500, "contentType": 3})", "fault.contentType: expected a string"},
      {R"({"status": 500, "times": 0})", "fault.times"},
      {R"({"status": 500, "times": -2})", "fault.times"},
      {R"({"status": 500, "times": 1.5})", "fault.times"},
      {R"({"status": 500, "times": "2"})", "fault.times"},
      {R"({"delayMs": -1})", "fault.delayMs"},
      {R"({"delayMs": 600001})", "fault.delayMs"},
      {R"({"delayMs": "1s"})", "fault.delayMs"},
      {R"({"status": 99})", "fault.status"},
      {R"({"status": 600})", "fault.status"},
      {R"({"status": "500"})", "fault.status"},
      {R"({"body": 5})", "fault.body: expected a string"},
      {R"({"body": "a", "json": {}})", "either body or json"},
      {R"({"status": 500, "mergePatch": {}})", "mergePatch cannot be combined"},
      {R"({"json": {}, "mergePatch": {}})", "mergePatch cannot be combined"},
      {R"({"status": 500, "path": "(unclosed"})", "fault.path: invalid regular expression"},
      {R"({})", "nothing to inject"},
      {R"({"route": "stackit.keys", "times": 2})", "nothing to inject"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(Parse(c.json), StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.message))) << c.json;
  }
}

TEST(FaultToJsonTest, RoundTripsThroughFromJson) {
  StatusOr<Fault> f = Parse(R"({"method": "GET", "path": "/x", "route": "r", "times": 2,
                                "delayMs": 5, "status": 418, "body": "teapot"})");
  ASSERT_OK(f);
  f->id = "fault-7";
  const json j = f->ToJson();
  EXPECT_EQ(j["id"], "fault-7");
  EXPECT_EQ(j["status"], 418);
  EXPECT_EQ(j["contentType"], "application/json");
  EXPECT_EQ(j["delayMs"], 5);
  json input = j;
  input.erase("id");
  StatusOr<Fault> again = Fault::FromJson(input);
  ASSERT_OK(again);
  json expected = j;
  expected["id"] = "";  // ids are assigned by the injector
  EXPECT_EQ(again->ToJson(), expected);

  StatusOr<Fault> patch = Parse(R"({"mergePatch": {"a": null}})");
  ASSERT_OK(patch);
  const json pj = patch->ToJson();
  EXPECT_EQ(pj["mergePatch"], json({{"a", nullptr}}));
  EXPECT_FALSE(pj.contains("status"));
  EXPECT_FALSE(pj.contains("contentType"));
}

Fault StatusFault(int status, int times = 1) {
  Fault f;
  f.status = status;
  f.times = times;
  return f;
}

TEST(FaultInjectorTest, AssignsIdsAndListsInOrder) {
  FaultInjector faults;
  EXPECT_EQ(faults.Add(StatusFault(500)), "fault-1");
  EXPECT_EQ(faults.Add(StatusFault(503)), "fault-2");
  const std::vector<Fault> list = faults.List();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, "fault-1");
  EXPECT_EQ(list[1].status, 503);
}

TEST(FaultInjectorTest, TakeConsumesTimes) {
  FaultInjector faults;
  faults.Add(StatusFault(500, 2));
  auto a = faults.Take("GET", "/x", "r");
  auto b = faults.Take("GET", "/x", "r");
  auto c = faults.Take("GET", "/x", "r");
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_FALSE(c);
  EXPECT_EQ(a->id, "fault-1");
  EXPECT_EQ(a->times, 2);  // the copy taken shows the uses left before this one
  EXPECT_TRUE(faults.List().empty());
}

TEST(FaultInjectorTest, MinusOneLastsUntilRemoved) {
  FaultInjector faults;
  const std::string id = faults.Add(StatusFault(500, -1));
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(faults.Take("GET", "/x", "r"));
  EXPECT_TRUE(faults.Remove(id));
  EXPECT_FALSE(faults.Remove(id));
  EXPECT_FALSE(faults.Take("GET", "/x", "r"));
}

TEST(FaultInjectorTest, MatchesMethodRouteAndWholePath) {
  FaultInjector faults;
  Fault f = StatusFault(500, -1);
  f.method = "POST";
  f.route = "stackit.approve";
  f.path_pattern = "/v1/vendors/projects/[^/]+/subscriptions/[^/]+/approve";
  faults.Add(f);
  const std::string path = "/v1/vendors/projects/p/subscriptions/s/approve";
  EXPECT_FALSE(faults.Take("GET", path, "stackit.approve"));
  EXPECT_FALSE(faults.Take("POST", path, "stackit.reject"));
  EXPECT_FALSE(faults.Take("POST", path + "/x", "stackit.approve"));  // whole-path match
  EXPECT_FALSE(faults.Take("POST", "/v1/vendors/projects/p/subscriptions/s", "stackit.approve"));
  EXPECT_TRUE(faults.Take("POST", path, "stackit.approve"));
}

TEST(FaultInjectorTest, FirstMatchingFaultWins) {
  FaultInjector faults;
  Fault keys = StatusFault(503);
  keys.route = "stackit.keys";
  faults.Add(keys);
  faults.Add(StatusFault(500));
  auto token = faults.Take("POST", "/token", "stackit.token");
  ASSERT_TRUE(token);
  EXPECT_EQ(token->status, 500);
  auto k = faults.Take("GET", "/v1/resolve-customer/keys.json", "stackit.keys");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->status, 503);
  EXPECT_TRUE(faults.List().empty());
}

TEST(FaultInjectorTest, ClearRemovesAllButIdsKeepCounting) {
  FaultInjector faults;
  faults.Add(StatusFault(500));
  faults.Add(StatusFault(500));
  faults.Clear();
  EXPECT_TRUE(faults.List().empty());
  EXPECT_FALSE(faults.Take("GET", "/", ""));
  EXPECT_EQ(faults.Add(StatusFault(500)), "fault-3");
}

}  // namespace
}  // namespace mpemu::http
