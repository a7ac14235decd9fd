// `mpemu pandium ...` as a user runs it, against an emulator started in-process.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "emulator/pandium/service.h"
#include "tests/support/scoped_emulator.h"
#include "tests/support/status_matchers.h"
#include "tests/support/subprocess.h"

namespace mpemu {
namespace {

using ::mpemu::testing::RunProcess;
using ::mpemu::testing::RunResult;
using ::mpemu::testing::ScopedEmulator;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using json = nlohmann::json;

using ::mpemu::testing::MpemuBinary;

class PandiumCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(access(MpemuBinary().c_str(), X_OK), 0) << MpemuBinary() << " is not built (ninja mpemu)";
  }
  RunResult Mpemu(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--url", emu_.url()};
    all.insert(all.end(), args.begin(), args.end());
    return ::mpemu::testing::RunMpemu(all);
  }
  std::string Mint(const std::string& sub) {
    return pandium::Service::MintForTests(
        emu_.emulator().pandium().service().Secret("mpemu-vendor"),
        {{"iat", emu_.emulator().wall_clock().NowSeconds()}, {"jti", "cli-" + sub}, {"sub", sub}});
  }

  ScopedEmulator emu_;
};

TEST_F(PandiumCliTest, MintPrintsAnEntryUrlThatVerifyAccepts) {
  RunResult mint = Mpemu({"pandium", "mint", "mpemu-vendor", "--sub", "cli@example.com",
                          "--external-id", "e-1", "--claim", "meta={\"tier\":\"pro\"}"});
  ASSERT_EQ(mint.exit_code, 0) << mint.out << mint.err;
  const std::string url = mint.out.substr(0, mint.out.find('\n'));
  EXPECT_THAT(url, StartsWith(emu_.url() + "/pandium/mpemu-vendor?tenant=ey"));

  RunResult verify = Mpemu({"pandium", "verify", "mpemu-vendor", url});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_THAT(verify.out, HasSubstr("accepted: sub cli@example.com"));
  EXPECT_THAT(verify.out, HasSubstr("external_id e-1"));
  // verify does not use up the jti: it can be checked again.
  EXPECT_EQ(Mpemu({"pandium", "verify", "mpemu-vendor", url}).exit_code, 0);
}

TEST_F(PandiumCliTest, VerifyExplainsARejection) {
  RunResult r = Mpemu({"pandium", "verify", "mpemu-vendor", "not.a.jwt"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("rejected (malformed)"));
  const std::string token = Mint("u1");
  r = Mpemu({"pandium", "verify", "mpemu-vendor", token.substr(0, token.size() - 3)});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("rejected (bad_signature)"));
  EXPECT_THAT(r.out, HasSubstr("claims: {"));
  r = Mpemu({"--json", "pandium", "verify", "mpemu-vendor", token});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(json::parse(r.out)["sub"], "u1");
}

TEST_F(PandiumCliTest, TenantsListsWhoEntered) {
  RunResult r = Mpemu({"pandium", "tenants", "mpemu-vendor"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("(no tenants)"));
  pandium::Service& service = emu_.emulator().pandium().service();
  ASSERT_OK(service.Enter("mpemu-vendor", service.Verify("mpemu-vendor", Mint("ada@example.com")))
                .status());
  ASSERT_OK(service.Install("mpemu-vendor", "ada@example.com", "hubspot"));
  r = Mpemu({"pandium", "tenants", "mpemu-vendor"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ada@example.com"));
  EXPECT_THAT(r.out, HasSubstr("installed=hubspot"));
  r = Mpemu({"pandium", "tenants", "nobody"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no Pandium account \"nobody\""));
}

TEST_F(PandiumCliTest, UnreachableEmulatorIsAUsageError) {
  StatusOr<RunResult> r =
      RunProcess({MpemuBinary(), "--url", "http://127.0.0.1:1", "pandium", "tenants", "x"}, 20000);
  ASSERT_OK(r);
  EXPECT_EQ(r->exit_code, 2);
  EXPECT_THAT(r->err, HasSubstr("cannot reach the emulator"));
}

}  // namespace
}  // namespace mpemu
