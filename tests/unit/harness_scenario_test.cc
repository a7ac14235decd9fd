#include "emulator/harness/scenario.h"

#include <gtest/gtest.h>

#include <fstream>

#include "emulator/harness/profile.h"
#include "tests/support/status_matchers.h"

namespace mpemu::harness {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kValid[] = R"(id: demo.scenario
title: Demo
marketplace: stackit
tags: [a, b]
clause: "doc 1.2"
steps:
  - subscribe
  - advance_clock: 61m
  - open_signup: {as: landing}
  - expect_response: {from: landing, status: [200, 4xx]}
  - mint_token: {mutations: [{alg_none: none}]}
)";

TEST(ScenarioLoader, LoadsAValidScenario) {
  auto loaded = LoadScenarioText(kValid, "demo.yaml");
  ASSERT_OK(loaded);
  ASSERT_EQ(loaded->size(), 1u);
  const Scenario& s = (*loaded)[0];
  EXPECT_EQ(s.id, "demo.scenario");
  EXPECT_EQ(s.severity, "must");
  ASSERT_EQ(s.steps.size(), 5u);
  EXPECT_EQ(s.steps[1]->type(), "advance_clock");
  EXPECT_EQ(s.steps[1]->params()["by"], "61m");
  EXPECT_EQ(s.steps[2]->where().ToString(), "demo.yaml:9:5");
}

TEST(ScenarioLoader, VariantsExpandToScenarios) {
  std::string text = std::string(kValid) + "variants:\n  - {name: one, x: 1}\n  - {name: two, x: 2}\n";
  auto loaded = LoadScenarioText(text, "v.yaml");
  ASSERT_OK(loaded);
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ((*loaded)[1].id, "demo.scenario[two]");
  EXPECT_EQ((*loaded)[1].variant["x"], 2);
  EXPECT_EQ((*loaded)[0].steps[0].get(), (*loaded)[1].steps[0].get());  // steps are shared
}

struct BadCase {
  const char* name;
  std::string text;
  const char* where;
  const char* message;
};

class ScenarioLoaderErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ScenarioLoaderErrors, NameTheLocation) {
  auto loaded = LoadScenarioText(GetParam().text, "bad.yaml");
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.status().message(), HasSubstr(GetParam().where));
  EXPECT_THAT(loaded.status().message(), HasSubstr(GetParam().message));
}

const std::string kHead = "id: x\ntitle: t\nmarketplace: stackit\nclause: c\nsteps:\n";

INSTANTIATE_TEST_SUITE_P(
    All, ScenarioLoaderErrors,
    ::testing::Values(
        BadCase{"unknown_step", kHead + "  - subscribe\n  - subscrbe: {}\n", "bad.yaml:7:5", "did you mean \"subscribe\""},
        BadCase{"unknown_field", kHead + "  - open_signup: {tokn: x}\n", "bad.yaml:6:19", "has no field \"tokn\""},
        BadCase{"missing_field", kHead + "  - set_state: {}\n", "bad.yaml:6:5", "needs field \"state\""},
        BadCase{"bad_choice", kHead + "  - set_state: {state: ACTIVE}\n", "bad.yaml:6:17", "must be one of"},
        BadCase{"bad_status", kHead + "  - expect_response: {status: 42}\n", "bad.yaml:6:23", "HTTP status"},
        BadCase{"bad_duration", kHead + "  - advance_clock: soon\n", "bad.yaml:6:20", "duration"},
        BadCase{"bad_template", kHead + "  - open_signup: {token: \"{{ sub.token\"}\n", "bad.yaml:6:19", "unclosed"},
        BadCase{"unknown_mutation", kHead + "  - mint_token: {mutations: [{alg_nope: x}]}\n", "bad.yaml:6:18",
                "unknown token mutation"},
        BadCase{"two_keys", kHead + "  - {subscribe: {}, open_signup: {}}\n", "bad.yaml:6:5", "exactly one key"},
        BadCase{"no_steps", "id: x\ntitle: t\nmarketplace: stackit\nclause: c\nsteps: []\n", "bad.yaml:5:8", "non-empty"},
        BadCase{"bad_marketplace", "id: x\ntitle: t\nmarketplace: ebay\nclause: c\nsteps: [subscribe]\n", "bad.yaml:3:14",
                "stackit, clevercloud or pandium"},
        BadCase{"unknown_top_key", kHead + "  - subscribe\nsevrity: must\n", "bad.yaml", "sevrity"},
        BadCase{"missing_clause", "id: x\ntitle: t\nmarketplace: stackit\nsteps: [subscribe]\n", "bad.yaml", "clause"},
        BadCase{"bad_id", "id: X Y\ntitle: t\nmarketplace: stackit\nclause: c\nsteps: [subscribe]\n", "bad.yaml:1:5",
                "lower case"},
        BadCase{"broken_yaml", "id: [x\n", "bad.yaml:", ""},
        BadCase{"count_and_min", kHead + "  - expect_calls: {route: r, count: 1, min: 1}\n", "bad.yaml:6:5",
                "either count or min/max"}),
    [](const ::testing::TestParamInfo<BadCase>& param_info) { return param_info.param.name; });

TEST(ScenarioSchema, CoversEveryStep) {
  nlohmann::json schema = ScenarioJsonSchema();
  const auto& variants = schema["properties"]["steps"]["items"]["oneOf"];
  for (const auto& spec : StepRegistry()) {
    bool found = false;
    for (const auto& v : variants) found = found || (v.contains("properties") && v["properties"].contains(spec.name));
    EXPECT_TRUE(found) << spec.name;
  }
}

TEST(Profile, ParsesAndRejectsUnknownFields) {
  auto p = ParseProfileText(R"(name: v
url: "http://127.0.0.1:{{ vendor.port }}"
start: {command: [a, b], env: {X: "{{ stackit.keysUrl }}"}, ready: {path: /h, timeout: 3s}}
stackit: {signupPath: /s, signup: {fields: {email: e}}, observe: {path: "/o/{{ subscription }}"}}
)", "p.yaml");
  ASSERT_OK(p);
  EXPECT_EQ(p->start->ready_timeout_ms, 3000);
  EXPECT_EQ(p->marketplaces, std::vector<std::string>{"stackit"});
  EXPECT_THAT(ParseProfileText("name: v\nurl: u\nstackit: {signupPth: /s}\n", "p.yaml"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("p.yaml:3:11")));
  EXPECT_THAT(ParseProfileText("name: v\nurl: u\n", "p.yaml"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no marketplace")));
}

}  // namespace
}  // namespace mpemu::harness

namespace mpemu::harness {
namespace {

// scenarios/scenario.schema.json is what editors use; it must match the registry.
// Regenerate with: build/mpemu schema > scenarios/scenario.schema.json
TEST(ScenarioSchema, CheckedInFileIsCurrent) {
  std::ifstream in(std::string(MPEMU_SOURCE_DIR) + "/scenarios/scenario.schema.json");
  ASSERT_TRUE(in.good());
  nlohmann::json checked_in = nlohmann::json::parse(in);
  EXPECT_EQ(checked_in, ScenarioJsonSchema())
      << "run: build/mpemu schema > scenarios/scenario.schema.json";
}

// Every bundled scenario file loads (the same check as `mpemu lint scenarios`).
TEST(BundledScenarios, AllLoad) {
  auto loaded = LoadScenarios({std::string(MPEMU_SOURCE_DIR) + "/scenarios"});
  ASSERT_OK(loaded);
  EXPECT_GT(loaded->size(), 50u);
}

}  // namespace
}  // namespace mpemu::harness
