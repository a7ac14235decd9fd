// A redirect token minted by the emulator verifies with a standard JWT library that knows nothing
// but keys.json: PyJWT, exactly as STACKIT's Python reference code uses it
// (step_1_validate_token.py): fetch keys.json, pick the PEM by the header's kid, then
// jwt.decode(token, pem, algorithms=["RS256"], issuer=<issuer>). Fails without python3 + PyJWT + cryptography (tools/setup installs them).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "emulator/http/client.h"
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

// argv: keys URL, issuer, token. Prints the verified claims as JSON; exits 1 with the error.
constexpr char kVerifier[] = R"PY(
import json, sys, urllib.request
import jwt
keys_url, issuer, token = sys.argv[1:4]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy
with opener.open(keys_url, timeout=10) as response:
    public_keys = json.loads(response.read())
try:
    kid = jwt.get_unverified_header(token)["kid"]
    claims = jwt.decode(token, public_keys[kid], algorithms=["RS256"], issuer=issuer)
except Exception as e:
    print(type(e).__name__ + ": " + str(e))
    sys.exit(1)
print(json.dumps(claims))
)PY";

class JwtInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    python_ = ::mpemu::testing::FindPythonWith("jwt, cryptography");
    // tools/setup installs python3-jwt and python3-cryptography: their absence is a broken setup.
    if (python_.empty()) FAIL() << "python3 with the jwt (PyJWT) and cryptography modules is not installed (run tools/setup)";
  }

  std::string Subscribe(ScopedEmulator& emu) {
    auto client = emu.NewClient();
    StatusOr<http::Response> r = client->PostJson("/_emulator/stackit/subscriptions", json::object());
    EXPECT_OK(r);
    if (!r.ok()) return "";
    EXPECT_EQ(r->status, 201);
    return json::parse(r->body)["token"];
  }

  RunResult Verify(ScopedEmulator& emu, const std::string& issuer, const std::string& token) {
    const std::string keys_url = emu.url() + "/v1/resolve-customer/keys.json";
    StatusOr<RunResult> r = RunProcess({python_, "-c", kVerifier, keys_url, issuer, token}, 20000);
    EXPECT_OK(r);
    return r.ok() ? *r : RunResult{};
  }

  std::string python_;
};

TEST_F(JwtInteropTest, PyJwtVerifiesARedirectTokenWithKeysJsonOnly) {
  ScopedEmulator emu;
  const std::string token = Subscribe(emu);
  const std::string issuer = emu.url() + "/v1/resolve-customer/keys.json";
  RunResult r = Verify(emu, issuer, token);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json claims = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(claims.is_object()) << r.out;
  EXPECT_EQ(claims["iss"], issuer);
  EXPECT_TRUE(claims["subscriptionId"].is_string());
  EXPECT_EQ(claims["exp"].get<int64_t>() - claims["iat"].get<int64_t>(), 300);

  // The same library rejects a wrong issuer: the check above is real.
  RunResult wrong = Verify(emu, "https://keys.marketplace.stackit.cloud/v1/resolve-customer/keys.json", token);
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.out, HasSubstr("InvalidIssuerError"));
}

TEST_F(JwtInteropTest, ProductionIssuerAndRotatedKeys) {
  ScopedEmulatorOptions options;
  options.configure = [](app::EmulatorConfig& c) { c.stackit.issuer = "production"; };
  ScopedEmulator emu(std::move(options));
  const std::string issuer = "https://keys.marketplace.stackit.cloud/v1/resolve-customer/keys.json";
  const std::string before = Subscribe(emu);
  auto client = emu.NewClient();
  StatusOr<http::Response> rotated = client->Send("POST", "/_emulator/stackit/keys/rotate");
  ASSERT_OK(rotated);
  ASSERT_EQ(rotated->status, 201);
  const std::string after = Subscribe(emu);
  for (const std::string* token : {&before, &after}) {
    RunResult r = Verify(emu, issuer, *token);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  // Once the old key is retired from keys.json, a client that knows only keys.json rejects
  // tokens signed with it.
  StatusOr<http::Response> retired = client->PostJson("/_emulator/stackit/keys/rotate", {{"retirePrevious", true}});
  ASSERT_OK(retired);
  ASSERT_EQ(retired->status, 201);
  RunResult old = Verify(emu, issuer, before);
  EXPECT_EQ(old.exit_code, 1);
  EXPECT_THAT(old.out, HasSubstr("KeyError"));
}

TEST_F(JwtInteropTest, PyJwtRejectsAnExpiredToken) {
  ScopedEmulator emu;
  Subscribe(emu);
  auto client = emu.NewClient();
  StatusOr<http::Response> list = client->Get("/_emulator/stackit/subscriptions");
  ASSERT_OK(list);
  const std::string id = json::parse(list->body)["items"][0]["subscriptionId"];
  StatusOr<http::Response> minted = client->PostJson("/_emulator/stackit/subscriptions/" + id + "/token",
                                                     {{"iatOffsetSeconds", -600}, {"ttlSeconds", 300}});
  ASSERT_OK(minted);
  ASSERT_EQ(minted->status, 201);
  RunResult r = Verify(emu, emu.url() + "/v1/resolve-customer/keys.json", json::parse(minted->body)["token"]);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("ExpiredSignatureError"));
}

}  // namespace
}  // namespace mpemu
