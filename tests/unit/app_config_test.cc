#include "emulator/app/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "tests/support/status_matchers.h"

namespace mpemu::app {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(AppConfigTest, DefaultsListenOn8900InMemory) {
  const EmulatorConfig c = DefaultConfig();
  EXPECT_EQ(c.server.host, "127.0.0.1");
  EXPECT_EQ(c.server.port, kDefaultPort);
  EXPECT_EQ(c.server.max_body_bytes, 1024u * 1024u);
  EXPECT_EQ(c.state_file, "");
  EXPECT_EQ(c.journal_capacity, 20000u);
  EXPECT_EQ(c.source, "(built-in defaults)");
  EXPECT_EQ(stackit::ToJson(c.stackit), stackit::ToJson(stackit::DefaultConfig()));
}

TEST(AppConfigTest, EmptyTextKeepsTheDefaultsAndNamesItsSource) {
  StatusOr<EmulatorConfig> c = ParseConfigText("", "empty.yaml");
  ASSERT_OK(c);
  EXPECT_EQ(c->source, "empty.yaml");
  EXPECT_EQ(c->server.port, kDefaultPort);
}

TEST(AppConfigTest, ReadsEverySection) {
  StatusOr<EmulatorConfig> c = ParseConfigText(
      "server:\n"
      "  host: 0.0.0.0\n"
      "  port: 0\n"
      "  maxBodyBytes: 4096\n"
      "  threads: 8\n"
      "state: /tmp/mpemu.db\n"
      "journalCapacity: 50\n"
      "stackit:\n"
      "  issuer: production\n",
      "mpemu.yaml");
  ASSERT_OK(c);
  EXPECT_EQ(c->server.host, "0.0.0.0");
  EXPECT_EQ(c->server.port, 0);
  EXPECT_EQ(c->server.max_body_bytes, 4096u);
  EXPECT_EQ(c->server.threads, 8u);
  EXPECT_EQ(c->state_file, "/tmp/mpemu.db");
  EXPECT_EQ(c->journal_capacity, 50u);
  EXPECT_EQ(c->stackit.issuer, "production");
}

TEST(AppConfigTest, BadValuesNameFileLineAndField) {
  const struct {
    const char* yaml;
    const char* prefix;
    const char* message;
  } cases[] = {
      {"sever:\n  port: 1\n", "m.yaml:1:1: ", "unknown field \"sever\""},
      {"server:\n  prot: 1\n", "m.yaml:2:3: server: ", "unknown field \"prot\""},
      {"server:\n  port: 70000\n", "m.yaml:2:9: server.port: ", "0..65535"},
      {"server:\n  port: -1\n", "m.yaml:2:9: server.port: ", "0..65535"},
      {"server:\n  port: http\n", "m.yaml:2:9: server.port: ", "expected an integer"},
      {"server:\n  maxBodyBytes: 10\n", "m.yaml:2:17: server.maxBodyBytes: ", "at least 1024"},
      {"server:\n  threads: 1\n", "m.yaml:2:12: server.threads: ", "2..1024"},
      {"server: 8900\n", "m.yaml:1:9: server: ", "expected a mapping"},
      {"journalCapacity: 5\n", "m.yaml:1:18: journalCapacity: ", "at least 10"},
      {"state: [a]\n", "m.yaml:1:8: state: ", "expected a string"},
      {"stackit:\n  issuer: [x]\n", "m.yaml:2:11: stackit.issuer: ", "expected a string"},
      {"- a\n- b\n", "m.yaml:1:1: document: ", "expected a mapping"},
      {"proxy:\n  port: 70000\n", "m.yaml:2:9: proxy.port: ", "0..65535"},
      {"tls:\n  enabled: maybe\n", "m.yaml:2:12: tls.enabled: ", "expected"},
      {"hosts:\n  keys.example: stackit.nope\n", "m.yaml:2:17: hosts.keys.example: ", "unknown kind"},
      {"hosts:\n  Keys.Example: stackit.keys\n", "m.yaml:2:17: hosts.Keys.Example: ", "lower-case DNS name"},
  };
  for (const auto& c : cases) {
    StatusOr<EmulatorConfig> config = ParseConfigText(c.yaml, "m.yaml");
    EXPECT_THAT(config, StatusIs(StatusCode::kInvalidArgument, StartsWith(c.prefix))) << c.yaml;
    EXPECT_THAT(config, StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.message))) << c.yaml;
  }
}

TEST(AppConfigTest, RealHostnamesDefaultsAndOverrides) {
  const EmulatorConfig defaults = DefaultConfig();
  EXPECT_FALSE(defaults.tls);
  EXPECT_EQ(defaults.tls_port, 8943);
  EXPECT_EQ(defaults.proxy_port, -1);
  EXPECT_EQ(defaults.hosts.at("keys.marketplace.stackit.cloud"), "stackit.keys");
  EXPECT_EQ(defaults.hosts.at("api.clever-cloud.com"), "clevercloud.api");
  EXPECT_EQ(defaults.hosts.at("imp.sandbox.pandium.com"), "pandium");
  EXPECT_EQ(PreferredHost(defaults.hosts, "pandium"), "imp.pandium.io");
  StatusOr<EmulatorConfig> c = ParseConfigText(
      "tls: {enabled: true, port: 8943}\nproxy: {port: 8901}\nhosts: {keys.example.test: stackit.keys}\n", "m.yaml");
  ASSERT_OK(c.status());
  EXPECT_TRUE(c->tls);
  EXPECT_EQ(c->tls_port, 8943);
  EXPECT_EQ(c->proxy_port, 8901);
  EXPECT_EQ(c->hosts, (std::map<std::string, std::string>{{"keys.example.test", "stackit.keys"}}));
  EXPECT_EQ(PreferredHost(c->hosts, "stackit.keys"), "keys.example.test");
  EXPECT_EQ(PreferredHost(c->hosts, "pandium"), "");
}

TEST(AppConfigTest, SyntaxErrorsAreLocated) {
  EXPECT_THAT(ParseConfigText("server: {port: 1\n", "m.yaml"),
              StatusIs(StatusCode::kInvalidArgument, ::testing::ContainsRegex("^m\\.yaml:[0-9]+:[0-9]+: invalid YAML")));
}

TEST(AppConfigTest, LoadsFiles) {
  EXPECT_THAT(LoadConfigFile("/nonexistent/mpemu.yaml"), StatusIs(StatusCode::kNotFound));
  char path[] = "/tmp/mpemu-config-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream out(path);
    out << "server:\n  port: 1234\nstackit:\n  nullEndCursor: true\n";
  }
  StatusOr<EmulatorConfig> c = LoadConfigFile(path);
  ASSERT_OK(c);
  EXPECT_EQ(c->server.port, 1234);
  EXPECT_TRUE(c->stackit.null_end_cursor);
  EXPECT_EQ(c->source, path);
  {
    std::ofstream out(path);
    out << "\n\nstackit:\n  latestStates: perhaps\n";
  }
  EXPECT_THAT(LoadConfigFile(path), StatusIs(StatusCode::kInvalidArgument,
                                             StartsWith(std::string(path) + ":4:17: stackit.latestStates: ")));
  std::remove(path);
}

}  // namespace
}  // namespace mpemu::app
