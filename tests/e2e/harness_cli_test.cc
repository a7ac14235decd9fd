// `mpemu run` and `mpemu lint` as a user meets them: exit codes and messages for runs that cannot
// be done, without any vendor (the conformance test covers real vendors).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/status_matchers.h"
#include "tests/support/subprocess.h"

namespace mpemu::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;


class HarnessCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mpemu-harness-cli-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }

  RunResult Mpemu(const std::vector<std::string>& args) { return ::mpemu::testing::RunMpemu(args, 60000); }

  fs::path dir_;
};

constexpr char kScenario[] = R"(id: t.one
title: One
marketplace: stackit
clause: test
tags: [smoke]
steps:
  - subscribe
  - expect_subscription: {state: SUBSCRIPTION_PENDING}
)";

TEST_F(HarnessCliTest, BadProfileIsExitTwoWithLocation) {
  std::string profile = Write("p.yaml", "name: x\nurl: http://127.0.0.1:1\nstackit: {sigup: /x}\n");
  std::string scenario = Write("s/one.yaml", kScenario);
  RunResult r = Mpemu({"run", "--vendor", profile, scenario});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("p.yaml:3:11"));
  EXPECT_THAT(r.err, HasSubstr("unknown field \"sigup\""));
}

TEST_F(HarnessCliTest, BrokenScenarioIsExitTwoWithLocation) {
  std::string profile = Write("p.yaml", "name: x\nurl: http://127.0.0.1:1\nstackit: {}\n");
  std::string bad = Write("s/bad.yaml", std::string(kScenario) + "  - expect_calls: {rout: stackit.approve}\n");
  RunResult r = Mpemu({"run", "--vendor", profile, bad});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("bad.yaml:9:20"));
  EXPECT_THAT(r.err, HasSubstr("did you mean \"route\""));
  RunResult lint = Mpemu({"lint", bad});
  EXPECT_EQ(lint.exit_code, 1);
  EXPECT_THAT(lint.err, HasSubstr("bad.yaml:9:20"));
}

TEST_F(HarnessCliTest, VendorThatNeverBecomesReadyIsExitTwo) {
  std::string profile = Write("p.yaml",
                              "name: x\nurl: \"http://127.0.0.1:{{ vendor.port }}\"\n"
                              "start: {command: \"echo starting; echo boom >&2; exit 3\", ready: {timeout: 5s}}\n"
                              "stackit: {}\n");
  std::string scenario = Write("s/one.yaml", kScenario);
  RunResult r = Mpemu({"run", "--vendor", profile, scenario});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("exited with status 3"));
  EXPECT_THAT(r.err, HasSubstr("boom"));
}

TEST_F(HarnessCliTest, UnreachableRunningVendorIsExitTwo) {
  std::string profile = Write("p.yaml", "name: x\nurl: http://127.0.0.1:1\nstackit: {}\n");
  std::string scenario = Write("s/one.yaml", kScenario);
  RunResult r = Mpemu({"run", "--vendor", profile, scenario});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("does not answer"));
}

TEST_F(HarnessCliTest, ListAndFilters) {
  std::string profile = Write("p.yaml", "name: x\nurl: http://127.0.0.1:1\nstackit: {}\n");
  Write("s/one.yaml", kScenario);
  Write("s/two.yaml", "id: t.two\ntitle: Two\nmarketplace: stackit\nclause: c\ntags: [slow]\nsteps: [subscribe]\n");
  RunResult all = Mpemu({"run", "--vendor", profile, (dir_ / "s").string(), "--list"});
  EXPECT_EQ(all.exit_code, 0);
  EXPECT_THAT(all.out, HasSubstr("2 scenario(s)"));
  RunResult tagged = Mpemu({"run", "--vendor", profile, (dir_ / "s").string(), "--list", "--tag", "slow"});
  EXPECT_THAT(tagged.out, HasSubstr("t.two"));
  EXPECT_THAT(tagged.out, HasSubstr("1 scenario(s)"));
  RunResult named = Mpemu({"run", "--vendor", profile, (dir_ / "s").string(), "--list", "--name", "one"});
  EXPECT_THAT(named.out, HasSubstr("t.one"));
  EXPECT_THAT(named.out, HasSubstr("1 scenario(s)"));
  RunResult none = Mpemu({"run", "--vendor", profile, (dir_ / "s").string(), "--name", "zzz"});
  EXPECT_EQ(none.exit_code, 2);
}

TEST_F(HarnessCliTest, ScenariosThatNeedNoVendorRunAndReport) {
  // A vendor that only answers health checks is enough for a scenario that checks the emulator.
  std::string profile = Write("p.yaml",
                              "name: x\nurl: \"http://127.0.0.1:{{ vendor.port }}\"\n"
                              "start: {command: [python3, -m, http.server, \"{{ vendor.port }}\", --bind, 127.0.0.1]}\n"
                              "stackit: {}\n");
  std::string scenario = Write("s/one.yaml", std::string(kScenario) + "  - advance_clock: 61m\n"
                                                                      "  - expect_subscription: {state: SUBSCRIPTION_ACTIVE}\n");
  const std::string junit = (dir_ / "junit.xml").string();
  const std::string json = (dir_ / "report.json").string();
  RunResult r = Mpemu({"run", "--vendor", profile, scenario, "--junit", junit, "--json", json});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("expected: subscription"));
  EXPECT_THAT(r.out, HasSubstr("seen:     SUBSCRIPTION_REJECTED"));
  EXPECT_THAT(r.out, HasSubstr("one.yaml:10:5"));
  std::ifstream in(junit);
  std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(xml, HasSubstr("<testsuites"));
  EXPECT_THAT(xml, HasSubstr("<failure"));
  EXPECT_THAT(xml, HasSubstr("SUBSCRIPTION_REJECTED"));
  EXPECT_TRUE(fs::exists(json));
}

}  // namespace
}  // namespace mpemu::testing

namespace mpemu::testing {
namespace {

// A vendor in another language, configured through a file the harness writes from a template.
TEST_F(HarnessCliTest, TemplatedConfigFilesReachTheVendor) {
  std::string profile = Write("p.yaml", R"(name: py
url: "http://127.0.0.1:{{ vendor.port }}"
start:
  command: "mkdir -p www && cp {{ files.conf }} www/conf.txt && cd www && exec python3 -m http.server {{ vendor.port }} --bind 127.0.0.1"
  cwd: "{{ paths.work }}"
  files:
    conf: {path: etc/vendor.conf, content: "keys={{ stackit.keysUrl }}\nproject={{ stackit.projectId }}\n"}
stackit: {}
)");
  std::string scenario = Write("s/conf.yaml", R"(id: t.conf
title: Conf
marketplace: stackit
clause: test
steps:
  - request: {path: /conf.txt}
  - expect_response: {from: response, status: 200, body_contains: "/v1/resolve-customer/keys.json"}
  - expect_response: {from: response, body_contains: "project={{ stackit.projectId }}"}
)");
  RunResult r = Mpemu({"run", "--vendor", profile, scenario, "--work-dir", (dir_ / "work").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(fs::exists(dir_ / "work" / "etc" / "vendor.conf"));
}

}  // namespace
}  // namespace mpemu::testing
