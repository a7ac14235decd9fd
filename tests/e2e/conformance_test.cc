// The harness against real vendors: vendor-sample passes the whole bundled suite, and each bug
// planted in it (VENDOR_BUGS) makes the scenario that guards against it fail. This is the proof
// that a passing scenario checked something.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/support/status_matchers.h"
#include "tests/support/subprocess.h"

namespace mpemu::testing {
namespace {

namespace fs = std::filesystem;

const std::string kMpemu = MpemuBinary();
const std::string kVendor = std::string(MPEMU_BINARY_DIR) + "/vendor-sample/vendor-sample";
const std::string kProfile = std::string(MPEMU_SOURCE_DIR) + "/scenarios/profiles/vendor-sample.yaml";
const std::string kScenarios = std::string(MPEMU_SOURCE_DIR) + "/scenarios";

struct SuiteRun {
  int exit_code = -1;
  std::string out;
  std::string err;
  nlohmann::json report;

  std::string Outcome(const std::string& id) const {
    for (const auto& r : report["results"]) {
      if (r["id"] == id) return r["outcome"];
    }
    return "(not run)";
  }
};

SuiteRun RunSuite(const std::string& bugs, const std::vector<std::string>& names, const std::string& tag,
                  const std::vector<std::string>& extra = {}, const std::string& profile = kProfile) {
  const std::string json = (fs::temp_directory_path() / ("mpemu-conformance-" + tag + ".json")).string();
  std::vector<std::string> argv = {"/usr/bin/env", "VENDOR_BUGS=" + bugs, kMpemu, "run", "--vendor", profile,
                                   kScenarios,     "--json",              json};
  argv.insert(argv.end(), extra.begin(), extra.end());
  for (const auto& n : names) {
    argv.push_back("--name");
    argv.push_back(n);
  }
  auto result = RunProcess(argv, 120000);
  SuiteRun run;
  if (!result.ok()) {
    ADD_FAILURE() << result.status().ToString();
    return run;
  }
  run.exit_code = result->exit_code;
  run.out = result->out;
  run.err = result->err;
  std::ifstream in(json);
  if (in) run.report = nlohmann::json::parse(in, nullptr, false);
  fs::remove(json);
  return run;
}

class ConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kVendor)) GTEST_SKIP() << "vendor-sample is not built: " << kVendor;
  }
};

TEST_F(ConformanceTest, VendorSamplePassesTheWholeSuite) {
  SuiteRun run = RunSuite("", {}, "all");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  ASSERT_TRUE(run.report.is_object()) << run.out << run.err;
  EXPECT_GT(run.report["results"].size(), 100u);
  EXPECT_EQ(run.report["summary"]["failed"], 0) << run.out;
  EXPECT_EQ(run.report["summary"]["errors"], 0) << run.out;
  EXPECT_EQ(run.report["summary"]["warnings"], 0) << run.out;
}

// The same vendor, configured with the marketplaces' production URLs only (as a vendor's
// unmodified code is): everything reaches the emulator through the proxy, trusted via the CA the
// harness hands over. Offline, there is no other way to reach those hosts.
TEST_F(ConformanceTest, VendorSamplePassesTheWholeSuiteUnderRealHostnames) {
  SuiteRun run = RunSuite("", {}, "real-hostnames", {"--real-hostnames"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  ASSERT_TRUE(run.report.is_object()) << run.out << run.err;
  EXPECT_GT(run.report["results"].size(), 100u);
  EXPECT_EQ(run.report["summary"]["failed"], 0) << run.out;
  EXPECT_EQ(run.report["summary"]["errors"], 0) << run.out;
}

// expect_calls can require the production host and the proxy: such a scenario passes under
// --real-hostnames and fails when the vendor talks to the emulator's own URLs.
TEST_F(ConformanceTest, ExpectCallsCanRequireTheProductionHostThroughTheProxy) {
  const fs::path dir = fs::temp_directory_path() / ("mpemu-via-proxy-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "via-proxy.yaml") << R"yaml(id: custom.stackit.via-proxy
title: The vendor reaches STACKIT under its production hostnames
marketplace: stackit
clause: "mpemu real hostnames (issue 8)"
steps:
  - subscribe
  - open_signup
  - expect_calls: {route: stackit.keys, host: keys.marketplace.stackit.cloud, via: proxy, min: 1}
  - expect_calls: {route: stackit.resolve-customer, host: stackit-marketplace.api.stackit.cloud, via: proxy, count: 1}
)yaml";
  auto run = [&](bool real_hostnames) {
    std::vector<std::string> argv = {kMpemu, "run", "--vendor", kProfile, dir.string()};
    if (real_hostnames) argv.push_back("--real-hostnames");
    auto r = RunProcess(argv, 60000);
    EXPECT_OK(r);
    return r.ok() ? *r : RunResult{};
  };
  const RunResult through_proxy = run(true);
  EXPECT_EQ(through_proxy.exit_code, 0) << through_proxy.out << through_proxy.err;
  const RunResult direct = run(false);
  EXPECT_EQ(direct.exit_code, 1) << direct.out << direct.err;
  EXPECT_NE(direct.out.find("addressed to keys.marketplace.stackit.cloud via proxy"), std::string::npos) << direct.out;
  fs::remove_all(dir);
}

// A profile copy with its paths made absolute and `replace` applied (from -> to).
fs::path ProfileCopy(const std::string& name, const std::vector<std::pair<std::string, std::string>>& replace) {
  std::ifstream in(kProfile);
  std::string profile((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::pair<std::string, std::string>> all = replace;
  all.emplace_back("{{ paths.bin }}", MPEMU_BINARY_DIR);
  all.emplace_back("manifest: vendor-sample.clevercloud-manifest.json",
                   "manifest: " + std::string(MPEMU_SOURCE_DIR) + "/scenarios/profiles/vendor-sample.clevercloud-manifest.json");
  for (const auto& [from, to] : all) {
    const size_t at = profile.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) profile.replace(at, from.size(), to);
  }
  const fs::path path = fs::temp_directory_path() / (name + ".profile.yaml");
  std::ofstream(path) << profile;
  return path;
}

// Under real hostnames a vendor that does not trust the emulator's CA cannot reach the
// marketplace at all: the TLS check is real and nothing falls back to plaintext.
TEST_F(ConformanceTest, RealHostnamesWithoutTheCaFails) {
  const fs::path profile = ProfileCopy(
      "mpemu-untrusting", {{"VENDOR_PBKDF2_ITERATIONS: \"1000\"",
                            "VENDOR_PBKDF2_ITERATIONS: \"1000\"\n    SSL_CERT_FILE: /etc/ssl/certs/ca-certificates.crt"}});
  SuiteRun run = RunSuite("", {"stackit.signup.happy-path"}, "untrusting", {"--real-hostnames"}, profile.string());
  fs::remove(profile);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_EQ(run.Outcome("stackit.signup.happy-path"), "failed") << run.out;
}

// A vendor that re-fetches keys.json on every unknown kid (no rate limit) is warned about, and
// fails under --strict.
TEST_F(ConformanceTest, UnboundedKeyRefetchIsWarned) {
  const fs::path path = ProfileCopy("mpemu-no-cooldown", {{"VENDOR_KEYS_REFETCH_COOLDOWN_MS: \"50\"",
                                                           "VENDOR_KEYS_REFETCH_COOLDOWN_MS: \"0\""}});
  auto r = RunProcess({kMpemu, "run", "--vendor", path.string(), kScenarios, "--name",
                       "stackit.keys.unknown-kid-flood", "--strict"},
                      60000);
  fs::remove(path);
  ASSERT_OK(r);
  EXPECT_EQ(r->exit_code, 1) << r->out << r->err;
  EXPECT_NE(r->out.find("at most 5 stackit.keys call(s)"), std::string::npos) << r->out;
}

struct PlantedBug {
  const char* bug;
  const char* scenario;  // must fail with the bug
  bool real_hostnames = false;  // run with --real-hostnames (the scenario needs TLS)
};

class PlantedBugTest : public ConformanceTest, public ::testing::WithParamInterface<PlantedBug> {};

TEST_P(PlantedBugTest, IsCaughtByItsScenario) {
  const PlantedBug& p = GetParam();
  SuiteRun run = p.real_hostnames ? RunSuite(p.bug, {p.scenario}, p.bug, {"--real-hostnames"})
                                  : RunSuite(p.bug, {p.scenario}, p.bug);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_EQ(run.Outcome(p.scenario), "failed") << run.out << run.err;
}

INSTANTIATE_TEST_SUITE_P(
    VendorSample, PlantedBugTest,
    ::testing::Values(PlantedBug{"no-signature-check", "stackit.token.signature[tampered]"},
                      PlantedBug{"alg-none", "stackit.token.alg-none[none]"},
                      PlantedBug{"hs256-public-key", "stackit.token.hs256-key-confusion[pem]"},
                      PlantedBug{"ignore-expiry", "stackit.token.expiry[expired]"},
                      PlantedBug{"ignore-issuer", "stackit.token.issuer[attacker]"},
                      PlantedBug{"keys-from-issuer", "stackit.token.key-source[iss-as-key-url]"},
                      PlantedBug{"no-refetch", "stackit.keys.rotation"},
                      PlantedBug{"tls-no-verify", "stackit.keys.tls[untrusted-ca]", true},
                      PlantedBug{"approve-without-resolve", "stackit.signup.happy-path"},
                      PlantedBug{"approve-before-registration", "stackit.signup.happy-path"},
                      PlantedBug{"ignore-subscription-mismatch", "stackit.resolve.subscription-mismatch"},
                      PlantedBug{"no-polling", "stackit.lifecycle.status-polling[cancelled]"},
                      PlantedBug{"double-approve", "stackit.signup.repeat-registration"},
                      PlantedBug{"accept-any-state", "stackit.resolve.not-pending[cancelled]"},
                      PlantedBug{"cc-password-only", "clevercloud.auth.credentials[wrong-user]"},
                      PlantedBug{"cc-password-prefix", "clevercloud.auth.credentials[password-suffix]"},
                      PlantedBug{"cc-auth-500", "clevercloud.auth.credentials[no-colon]"},
                      PlantedBug{"cc-no-timestamp-check", "clevercloud.sso.timestamp[six-minutes-old]"},
                      PlantedBug{"cc-no-signature-check", "clevercloud.sso.signature[flipped-digit]"},
                      PlantedBug{"cc-sso-deprovisioned", "clevercloud.sso.deprovisioned"},
                      PlantedBug{"cc-unprefixed-config-var", "clevercloud.provision"},
                      PlantedBug{"cc-numeric-id", "clevercloud.provision"},
                      PlantedBug{"cc-no-session-renewal", "clevercloud.sso.session-fixation"},
                      PlantedBug{"pd-constant-jti", "pandium.sso.fresh-jti"},
                      PlantedBug{"pd-missing-sub", "pandium.sso"},
                      PlantedBug{"pd-wrong-secret", "pandium.sso"},
                      PlantedBug{"pd-sub-from-query", "pandium.sso.impersonation[sub]"},
                      PlantedBug{"pd-stale-iat", "pandium.sso"},
                      PlantedBug{"pd-mint-without-session", "pandium.sso.requires-session"},
                      PlantedBug{"pd-iat-ms", "pandium.sso"}),
    [](const ::testing::TestParamInfo<PlantedBug>& param_info) {
      std::string name = param_info.param.bug;
      for (auto& c : name) c = c == '-' ? '_' : c;
      return name;
    });

}  // namespace
}  // namespace mpemu::testing
