// The built `mpemu` binary as a user runs it: `serve` in a child process, client commands against
// it, exit codes. Every child is killed when its test ends.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "emulator/core/ids.h"
#include "tests/support/gated_key_source.h"
#include "tests/support/scoped_emulator.h"
#include "tests/support/status_matchers.h"
#include "tests/support/subprocess.h"

namespace mpemu {
namespace {

using ::mpemu::testing::ChildProcess;
using ::mpemu::testing::RunProcess;
using ::mpemu::testing::RunResult;
using ::mpemu::testing::ScopedEmulator;
using ::testing::HasSubstr;
using json = nlohmann::json;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(access(::mpemu::testing::MpemuBinary().c_str(), X_OK), 0) << ::mpemu::testing::MpemuBinary() << " is not built (ninja mpemu)";
  }

  static RunResult Run(const std::vector<std::string>& args) { return ::mpemu::testing::RunMpemu(args); }
  static RunResult Client(const std::string& url, const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--url", url};
    all.insert(all.end(), args.begin(), args.end());
    return Run(all);
  }
};

TEST_F(CliTest, ServeSubscribeAdvanceAndList) {
  ChildProcess serve;
  ASSERT_OK(serve.Start({::mpemu::testing::MpemuBinary(), "serve", "--port", "0"}));
  StatusOr<std::string> line = serve.WaitForLine("listening on", 20000);
  ASSERT_OK(line);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(*line, m, std::regex(R"(listening on (http://127\.0\.0\.1:(\d+)))"))) << *line;
  const std::string url = m[1];
  EXPECT_NE(m[2], "0");
  EXPECT_NE(m[2], "8900");

  RunResult health = Client(url, {"health"});
  EXPECT_EQ(health.exit_code, 0) << health.err;
  EXPECT_EQ(health.out.rfind("ok", 0), 0u) << health.out;

  RunResult subscribed = Client(url, {"stackit", "subscribe"});
  ASSERT_EQ(subscribed.exit_code, 0) << subscribed.err;
  std::smatch id_match;
  ASSERT_TRUE(std::regex_search(subscribed.out, id_match, std::regex(R"(subscriptionId: ([0-9a-f-]{36}))")))
      << subscribed.out;
  const std::string id = id_match[1];
  EXPECT_TRUE(IsCanonicalUuid(id));
  EXPECT_THAT(subscribed.out, HasSubstr("SUBSCRIPTION_PENDING"));
  EXPECT_THAT(subscribed.out, HasSubstr("redirectUrl:    http://127.0.0.1:8080/stackit/signup?x-stackit-marketplace-token=ey"));

  RunResult pending = Client(url, {"stackit", "list"});
  ASSERT_EQ(pending.exit_code, 0) << pending.err;
  EXPECT_THAT(pending.out, HasSubstr(id + "  SUBSCRIPTION_PENDING"));

  RunResult advanced = Client(url, {"clock", "advance", "61m"});
  ASSERT_EQ(advanced.exit_code, 0) << advanced.err;
  EXPECT_THAT(advanced.out, HasSubstr("(offset 1h1m)"));

  RunResult listed = Client(url, {"stackit", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr(id + "  SUBSCRIPTION_REJECTED"));

  RunResult as_json = Client(url, {"--json", "stackit", "list"});
  ASSERT_EQ(as_json.exit_code, 0);
  const json items = json::parse(as_json.out, nullptr, false)["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["lifecycleState"], "SUBSCRIPTION_REJECTED");

  // SIGTERM stops it cleanly.
  StatusOr<int> stopped = serve.Stop(SIGTERM, 10000);
  ASSERT_OK(stopped);
  EXPECT_EQ(*stopped, 0);
}

// `serve --proxy-port 0 --tls` prints where the proxy and HTTPS listen; `mpemu ca` gets the CA from
// the running emulator or straight from its state file, and both are the same certificate.
TEST_F(CliTest, ServeWithProxyAndTlsAndTheCaCommand) {
  const std::string dir = ::testing::TempDir() + "mpemu-cli-ca-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  const std::string state = dir + "/state.db";
  ChildProcess serve;
  ASSERT_OK(serve.Start({::mpemu::testing::MpemuBinary(), "serve", "--port", "0", "--proxy-port", "0", "--tls", "--state", state,
                         "--emulate-host", "keys.example.test=stackit.keys"}));
  StatusOr<std::string> line = serve.WaitForLine("listening on", 20000);
  ASSERT_OK(line);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(*line, m, std::regex(R"(listening on (http://127\.0\.0\.1:\d+))"))) << *line;
  const std::string url = m[1];
  StatusOr<std::string> https = serve.WaitForLine("HTTPS:", 20000);
  ASSERT_OK(https);
  EXPECT_THAT(*https, ::testing::ContainsRegex(R"(https://127\.0\.0\.1:[1-9][0-9]*)"));
  StatusOr<std::string> proxy = serve.WaitForLine("proxy:", 20000);
  ASSERT_OK(proxy);
  ASSERT_TRUE(std::regex_search(*proxy, m, std::regex(R"((http://127\.0\.0\.1:\d+))"))) << *proxy;
  const std::string proxy_url = m[1];
  StatusOr<std::string> added = serve.WaitForLine("https://keys.example.test -> stackit.keys", 20000);
  ASSERT_OK(added);

  RunResult from_server = Client(url, {"ca", "-o", dir + "/ca.pem"});
  ASSERT_EQ(from_server.exit_code, 0) << from_server.err;
  EXPECT_THAT(from_server.err, HasSubstr("wrote the CA certificate"));
  RunResult from_state = Run({"ca", "--state", state});
  ASSERT_EQ(from_state.exit_code, 0) << from_state.err;
  std::ifstream in(dir + "/ca.pem");
  const std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(pem, ::testing::StartsWith("-----BEGIN CERTIFICATE-----"));
  EXPECT_EQ(pem, from_state.out);

  // The added host answers through the proxy with a certificate the CA vouches for.
  StatusOr<RunResult> curl = RunProcess({"curl", "-sS", "-m", "10", "--proxy", proxy_url, "--cacert", dir + "/ca.pem",
                                         "https://keys.example.test/v1/resolve-customer/keys.json"},
                                        20000);
  ASSERT_OK(curl);
  EXPECT_EQ(curl->exit_code, 0) << curl->err;
  EXPECT_TRUE(json::parse(curl->out, nullptr, false).is_object()) << curl->out;
  RunResult journal = Client(url, {"journal", "--via", "proxy"});
  EXPECT_THAT(journal.out, HasSubstr("[proxy keys.example.test] /v1/resolve-customer/keys.json"));

  ASSERT_OK(serve.Stop(SIGTERM, 10000).status());
  RunResult unreachable = Client(url, {"ca"});
  EXPECT_EQ(unreachable.exit_code, 2);
  EXPECT_THAT(unreachable.err, HasSubstr("--state"));
  RunResult bad_host = Run({"serve", "--port", "0", "--emulate-host", "nonsense"});
  EXPECT_EQ(bad_host.exit_code, 2);
  EXPECT_THAT(bad_host.err, HasSubstr("NAME=KIND"));
  RunResult bad_kind = Run({"serve", "--port", "0", "--emulate-host", "x.example=stackit.nope"});
  EXPECT_EQ(bad_kind.exit_code, 2);
  EXPECT_THAT(bad_kind.err, HasSubstr("unknown kind"));
  std::filesystem::remove_all(dir);
}

TEST_F(CliTest, BadArgumentsExitWithTwo) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--bogus"},
           {},
           {"serve", "--port", "70000"},
           {"serve", "--config", "/nonexistent/mpemu.yaml"},
           {"clock", "advance"},
           {"stackit"},
           {"stackit", "frobnicate"},
       }) {
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 2) << joined << "\n" << r.out << r.err;
  }
  EXPECT_EQ(Run({"--help"}).exit_code, 0);
  RunResult version = Run({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, HasSubstr("mpemu"));
}

TEST_F(CliTest, ABadConfigFileIsReportedWithItsLine) {
  char path[] = "/tmp/mpemu-cli-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream out(path);
    out << "server:\n  port: 0\nstackit:\n  products:\n    - productId: NOT_VALID\n";
  }
  RunResult r = Run({"serve", "--config", path});
  std::remove(path);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(std::string(path) + ":5:18: stackit.products[0].productId"));
}

TEST_F(CliTest, UnreachableEmulatorExitsWithTwo) {
  std::string url;
  {
    ScopedEmulator gone;  // a port that was just ours and is now closed
    url = gone.url();
  }
  RunResult r = Client(url, {"health"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("cannot reach the emulator at " + url));
}

TEST_F(CliTest, HealthOfAnEmulatorWhoseStartUpFailedExitsWithOne) {
  auto keys = std::make_unique<::mpemu::testing::GatedKeySource>("no entropy today");
  keys->Open();
  app::EmulatorOptions options;
  options.config.server.port = 0;
  options.keys = std::move(keys);
  StatusOr<std::unique_ptr<app::Emulator>> emu = app::Emulator::Create(std::move(options));
  ASSERT_OK(emu);
  ASSERT_OK((*emu)->Start());
  EXPECT_FALSE((*emu)->WaitReady().ok());
  RunResult r = Client((*emu)->base_url(), {"health"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_THAT(r.err, HasSubstr("failed to start"));
  EXPECT_THAT(r.err, HasSubstr("no entropy today"));
}

TEST_F(CliTest, ClientCommandsAgainstARunningEmulator) {
  ScopedEmulator emu;
  const std::string url = emu.url();

  RunResult subscribed = Client(url, {"--json", "stackit", "subscribe", "--product",
                                      emu.emulator().config().stackit.products[1].product_id});
  ASSERT_EQ(subscribed.exit_code, 0) << subscribed.err;
  const json s = json::parse(subscribed.out, nullptr, false);
  ASSERT_TRUE(s.is_object()) << subscribed.out;
  const std::string id = s["subscriptionId"];

  RunResult approved = Client(url, {"stackit", "approve", id, "--instance-target", "https://vendor.example/i/7"});
  EXPECT_EQ(approved.exit_code, 0) << approved.err;
  EXPECT_THAT(approved.out, HasSubstr("approved " + id));
  RunResult again = Client(url, {"stackit", "approve", id});
  EXPECT_EQ(again.exit_code, 1);  // the emulator answered with an error
  EXPECT_THAT(again.err, HasSubstr("-> 400"));

  RunResult shown = Client(url, {"stackit", "show", id});
  ASSERT_EQ(shown.exit_code, 0);
  const json detail = json::parse(shown.out, nullptr, false);
  EXPECT_EQ(detail["lifecycleState"], "SUBSCRIPTION_ACTIVE");
  EXPECT_EQ(detail["instanceTarget"], "https://vendor.example/i/7");

  RunResult cancelling = Client(url, {"stackit", "state", id, "CANCELLING"});
  EXPECT_EQ(cancelling.exit_code, 0) << cancelling.err;
  EXPECT_THAT(cancelling.out, HasSubstr(id + "  SUBSCRIPTION_CANCELLING"));

  RunResult missing = Client(url, {"stackit", "show", "0e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("-> 404"));

  RunResult bad_duration = Client(url, {"clock", "advance", "soon"});
  EXPECT_EQ(bad_duration.exit_code, 1);
  EXPECT_EQ(emu.emulator().clock().offset_millis(), 0);

  RunResult rotated = Client(url, {"stackit", "rotate-keys", "--retire"});
  EXPECT_EQ(rotated.exit_code, 0) << rotated.err;
  RunResult keys = Client(url, {"stackit", "keys"});
  EXPECT_THAT(keys.out, HasSubstr("signing  published"));
  EXPECT_THAT(keys.out, HasSubstr("unpublished"));

  RunResult reset = Client(url, {"reset"});
  EXPECT_EQ(reset.exit_code, 0);
  EXPECT_THAT(Client(url, {"stackit", "list"}).out, HasSubstr("(no subscriptions)"));
}

}  // namespace
}  // namespace mpemu
