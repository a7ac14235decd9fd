// `mpemu clevercloud ...` as a user runs it: `manifest check` offline, and the customer's actions
// against an emulator started in-process whose manifest points at a minimal fake vendor.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "emulator/clevercloud/config.h"
#include "emulator/core/clock.h"
#include "emulator/http/faults.h"
#include "emulator/http/pipeline.h"
#include "emulator/http/server.h"
#include "emulator/journal/journal.h"
#include "tests/support/scoped_emulator.h"
#include "tests/support/status_matchers.h"
#include "tests/support/subprocess.h"

namespace mpemu {
namespace {

using ::mpemu::testing::RunProcess;
using ::mpemu::testing::RunResult;
using ::mpemu::testing::ScopedEmulator;
using ::mpemu::testing::ScopedEmulatorOptions;
using ::testing::HasSubstr;
using json = nlohmann::json;

using ::mpemu::testing::MpemuBinary;

RunResult Mpemu(const std::vector<std::string>& args) { return ::mpemu::testing::RunMpemu(args); }

class CleverCloudCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(access(MpemuBinary().c_str(), X_OK), 0) << MpemuBinary() << " is not built (ninja mpemu)";
    char pattern[] = "/tmp/mpemu-cc-cli-XXXXXX";
    dir_ = mkdtemp(pattern);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string file = dir_ + "/" + name;
    std::ofstream(file) << text;
    return file;
  }
  std::string dir_;
};

TEST_F(CleverCloudCliTest, ManifestCheckPassesAGoodManifestWithoutAnEmulator) {
  const std::string file = Write("good.json", clevercloud::DefaultManifest().dump(2));
  RunResult r = Mpemu({"--url", "http://127.0.0.1:1", "clevercloud", "manifest", "check", file});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("0 errors, 0 warnings"));
}

TEST_F(CleverCloudCliTest, ManifestCheckPrintsFindingsAndFailsOnErrors) {
  json m = clevercloud::DefaultManifest();
  m["api"]["password"] = "too-short";
  m["api"]["username"] = "mpemu-addon";
  const std::string file = Write("bad.json", m.dump());
  RunResult r = Mpemu({"clevercloud", "manifest", "check", file});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("error  /api/password  password: 9 characters"));
  EXPECT_THAT(r.out, HasSubstr("warning  /api/username  username: deprecated"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("too-short")));

  r = Mpemu({"--json", "clevercloud", "manifest", "check", file});
  EXPECT_EQ(r.exit_code, 1);
  const json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["findings"][0]["rule"], "password.length");
}

TEST_F(CleverCloudCliTest, ManifestCheckInProductionRequiresHttps) {
  const std::string file = Write("local.json", clevercloud::DefaultManifest().dump());
  RunResult r = Mpemu({"clevercloud", "manifest", "check", "--production", file});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out,
              HasSubstr("error  /api/production/base_url  production.base_url: must use https"));
}

TEST_F(CleverCloudCliTest, ManifestCheckUsageErrors) {
  EXPECT_EQ(Mpemu({"clevercloud", "manifest", "check", dir_ + "/missing.json"}).exit_code, 2);
  RunResult r = Mpemu({"clevercloud", "manifest", "check", Write("broken.json", "{\"id\": }")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("invalid JSON at byte 8"));
}

// A vendor that provisions, deprovisions, changes plans and accepts SSO.
class TinyVendor {
 public:
  TinyVendor() : pipeline_(RealClock::Default(), RealClock::Default(), &journal_, &faults_) {
    pipeline_.AddRoute(
        {"POST", "/r", "provision", "vendor", [](http::Request&) -> StatusOr<http::Reply> {
           return http::Reply::Json(200, {{"id", "tiny-1"}, {"message", "hello"}});
         }});
    for (const char* method : {"DELETE", "PUT"}) {
      pipeline_.AddRoute(
          {method, "/r/([^/]+)", method, "vendor", [](http::Request&) -> StatusOr<http::Reply> {
             return http::Reply::Json(200, json::object());
           }});
    }
    pipeline_.AddRoute(
        {"POST", "/sso", "sso", "vendor", [](http::Request&) -> StatusOr<http::Reply> {
           return http::Reply::Text(302, "").WithHeader("Location", "/dashboard");
         }});
    server_ = std::make_unique<http::Server>(http::ServerOptions{}, &pipeline_);
    if (!server_->Start().ok()) std::abort();
  }
  std::string url() const { return server_->base_url(); }

 private:
  journal::Journal journal_;
  http::FaultInjector faults_;
  http::Pipeline pipeline_;
  std::unique_ptr<http::Server> server_;
};

TEST_F(CleverCloudCliTest, TheCustomersActionsAgainstARunningEmulator) {
  TinyVendor vendor;
  ScopedEmulatorOptions o;
  o.configure = [&vendor](app::EmulatorConfig& c) {
    c.clevercloud.manifest["api"]["test"] = {{"base_url", vendor.url() + "/r"},
                                             {"sso_url", vendor.url() + "/sso"}};
  };
  ScopedEmulator emu(std::move(o));
  const std::string url = emu.url();

  RunResult r =
      Mpemu({"--url", url, "clevercloud", "provision", "--plan", "premium", "--option", "size=XL"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("status:   active"));
  EXPECT_THAT(r.out, HasSubstr("vendorId: tiny-1"));
  EXPECT_THAT(r.out, HasSubstr("vendor: 200 in"));
  auto all = emu.emulator().clevercloud().service().All();
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 1u);
  const std::string id = (*all)[0].addon_id;
  EXPECT_EQ((*all)[0].options, json({{"size", "XL"}}));

  r = Mpemu({"--url", url, "clevercloud", "list"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr(id + "  active"));

  r = Mpemu({"--url", url, "clevercloud", "sso", id});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("POST " + vendor.url() + "/sso"));
  EXPECT_THAT(r.out, HasSubstr("  signature  "));
  EXPECT_THAT(r.out, HasSubstr("vendor: 302 in"));
  EXPECT_THAT(r.out, HasSubstr("Location: /dashboard"));

  r = Mpemu({"--url", url, "clevercloud", "sso", "--form-only", id});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("curl -i -X POST"));

  r = Mpemu({"--url", url, "clevercloud", "plan", id, "basic"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("plan basic"));

  r = Mpemu({"--url", url, "clevercloud", "deprovision", id});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(id + "  deprovisioned"));

  r = Mpemu({"--url", url, "clevercloud", "plan", id, "premium"});
  EXPECT_EQ(r.exit_code, 1);  // only an active add-on changes plan
  EXPECT_THAT(r.err, HasSubstr("only an active add-on changes plan"));
  EXPECT_EQ(Mpemu({"--url", url, "clevercloud", "provision", "--option", "novalue"}).exit_code, 2);
  EXPECT_EQ(Mpemu({"--url", "http://127.0.0.1:1", "clevercloud", "list"}).exit_code, 2);
}

}  // namespace
}  // namespace mpemu
