// Unmodified vendor code reaches the emulator under the marketplaces' production hostnames:
// through the proxy (HTTPS_PROXY) with the local CA trusted, or over `serve --tls`. Real clients
// only: Python requests + PyJWT running STACKIT's reference validation code as is, curl, and the
// openssl command line. Nothing here talks to the internet: the proxy never forwards.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "emulator/crypto/certificate_authority.h"
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

constexpr char kKeysUrl[] = "https://keys.marketplace.stackit.cloud/v1/resolve-customer/keys.json";

// Step 1 of STACKIT's Python reference code (marketplace-reference-code,
// python/marketplace_reference_code/step_1_validate_token.py), unmodified in what it does: the
// keys URL and the issuer are hard-coded production values, requests fetches them (honouring
// HTTPS_PROXY and REQUESTS_CA_BUNDLE), PyJWT verifies RS256 with the issuer check.
constexpr char kReferenceStep1[] = R"PY(
import json, os, sys
import jwt
import requests

KEYS_URL = "https://keys.marketplace.stackit.cloud/v1/resolve-customer/keys.json"

def validate_token(token):
    response = requests.get(KEYS_URL, timeout=10)
    response.raise_for_status()
    public_keys = response.json()
    headers = jwt.get_unverified_header(token)
    public_key = public_keys[headers["kid"]]
    return jwt.decode(token, public_key, algorithms=["RS256"], issuer=KEYS_URL)

try:
    claims = validate_token(os.environ["MP_REF_CODE_REDIRECT_TOKEN"])
except Exception as e:
    print(type(e).__name__ + ": " + str(e))
    sys.exit(1)
print(json.dumps(claims))
)PY";

// A raw TCP exchange with the proxy: sends the chunks, half-closes if asked, returns what came back
// before the server closed (or 2 s passed).
std::string RawExchange(int port, const std::vector<std::string>& chunks, bool half_close);
std::string RawExchange(int port, const std::string& bytes) { return RawExchange(port, std::vector<std::string>{bytes}, true); }

std::string RawExchange(int port, const std::vector<std::string>& chunks, bool half_close = true) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "(connect failed)";
  }
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  for (size_t i = 0; i < chunks.size(); ++i) {
    // cpp-httplib does not pipeline: let one exchange finish before the next request.
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (!chunks[i].empty()) send(fd, chunks[i].data(), chunks[i].size(), MSG_NOSIGNAL);
  }
  if (half_close) shutdown(fd, SHUT_WR);
  std::string out;
  char buffer[4096];
  ssize_t n;
  while ((n = recv(fd, buffer, sizeof(buffer), 0)) > 0) out.append(buffer, static_cast<size_t>(n));
  close(fd);
  return out;
}

class RealHostnamesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mpemu-real-hosts-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    ScopedEmulatorOptions options;
    options.configure = [](app::EmulatorConfig& c) {
      c.stackit.issuer = "production";
      c.proxy_port = 0;
      c.tls = true;
    };
    emu_ = std::make_unique<ScopedEmulator>(std::move(options));
    ca_file_ = (dir_ / "ca.pem").string();
    std::ofstream(ca_file_) << emu_->emulator().ca()->cert_pem();
    proxy_ = emu_->emulator().proxy_url();
    ASSERT_FALSE(proxy_.empty());
  }
  void TearDown() override {
    emu_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Subscribe() {
    auto client = emu_->NewClient();
    StatusOr<http::Response> r = client->PostJson("/_emulator/stackit/subscriptions", json::object());
    EXPECT_OK(r);
    if (!r.ok()) return "";
    EXPECT_EQ(r->status, 201);
    return json::parse(r->body)["token"];
  }

  json Journal(const std::string& query) {
    auto client = emu_->NewClient();
    StatusOr<http::Response> r = client->Get("/_emulator/journal?" + query);
    EXPECT_OK(r);
    return r.ok() ? json::parse(r->body)["entries"] : json::array();
  }

  // curl through the proxy, trusting only the CA: "<status code>" or "curl exit N".
  std::string Curl(const std::vector<std::string>& extra, const std::string& url) {
    std::vector<std::string> argv = {"env", "-i", "PATH=/usr/bin:/bin", "curl", "-sS", "-m", "10",
                                     "--proxy", proxy_, "--cacert", ca_file_, "-o", "/dev/null",
                                     "-w", "%{http_code}"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(url);
    StatusOr<RunResult> r = RunProcess(argv, 20000);
    EXPECT_OK(r);
    if (!r.ok()) return "";
    if (r->exit_code != 0) return "curl exit " + std::to_string(r->exit_code) + ": " + r->err;
    return r->out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<ScopedEmulator> emu_;
  std::string ca_file_;
  std::string proxy_;
};

TEST_F(RealHostnamesTest, StackitReferenceCodeVerifiesATokenWithOnlyProxyAndCaSet) {
  const std::string python = ::mpemu::testing::FindPythonWith("jwt, requests, cryptography");
  if (python.empty()) FAIL() << "python3 with requests, jwt and cryptography is missing (run tools/setup)";
  const std::string token = Subscribe();
  const int64_t after = Journal("limit=1000").size();
  (void)after;

  StatusOr<RunResult> r = RunProcess({"env", "-i", "PATH=/usr/bin:/bin", "HOME=" + dir_.string(),
                                      "HTTPS_PROXY=" + proxy_, "REQUESTS_CA_BUNDLE=" + ca_file_,
                                      "MP_REF_CODE_REDIRECT_TOKEN=" + token, python, "-c",
                                      kReferenceStep1},
                                     30000);
  ASSERT_OK(r);
  ASSERT_EQ(r->exit_code, 0) << r->out << r->err;
  const json claims = json::parse(r->out, nullptr, false);
  ASSERT_TRUE(claims.is_object()) << r->out;
  EXPECT_EQ(claims["iss"], kKeysUrl);
  // The keys really came through the proxy, addressed to the production host.
  const json fetched = Journal("route=stackit.keys&via=proxy&host=keys.marketplace.stackit.cloud");
  ASSERT_EQ(fetched.size(), 1u) << fetched.dump(2);
  EXPECT_EQ(fetched[0]["path"], "/v1/resolve-customer/keys.json");
  EXPECT_EQ(fetched[0]["status"], 200);

  // Without the CA, the TLS check fails: no silent fallback to plaintext, and nothing is served.
  StatusOr<RunResult> untrusted = RunProcess(
      {"env", "-i", "PATH=/usr/bin:/bin", "HOME=" + dir_.string(), "HTTPS_PROXY=" + proxy_,
       "MP_REF_CODE_REDIRECT_TOKEN=" + token, python, "-c", kReferenceStep1},
      30000);
  ASSERT_OK(untrusted);
  EXPECT_EQ(untrusted->exit_code, 1) << untrusted->out << untrusted->err;
  EXPECT_THAT(untrusted->out, HasSubstr("SSLError"));
  EXPECT_THAT(untrusted->out, HasSubstr("CERTIFICATE_VERIFY_FAILED"));
  EXPECT_EQ(Journal("route=stackit.keys").size(), 1u) << "keys.json was served without TLS trust";

  // And the check is real: the same code rejects a token whose issuer is the emulator's own URL.
  auto client = emu_->NewClient();
  StatusOr<http::Response> list = client->Get("/_emulator/stackit/subscriptions");
  ASSERT_OK(list);
  const std::string id = json::parse(list->body)["items"][0]["subscriptionId"];
  StatusOr<http::Response> minted = client->PostJson(
      "/_emulator/stackit/subscriptions/" + id + "/token", {{"claims", {{"iss", emu_->url()}}}});
  ASSERT_OK(minted);
  ASSERT_EQ(minted->status, 201) << minted->body;
  StatusOr<RunResult> wrong_issuer = RunProcess(
      {"env", "-i", "PATH=/usr/bin:/bin", "HOME=" + dir_.string(), "HTTPS_PROXY=" + proxy_,
       "REQUESTS_CA_BUNDLE=" + ca_file_,
       "MP_REF_CODE_REDIRECT_TOKEN=" + json::parse(minted->body)["token"].get<std::string>(), python,
       "-c", kReferenceStep1},
      30000);
  ASSERT_OK(wrong_issuer);
  EXPECT_EQ(wrong_issuer->exit_code, 1) << wrong_issuer->out;
  EXPECT_THAT(wrong_issuer->out, HasSubstr("InvalidIssuerError"));
}

TEST_F(RealHostnamesTest, CurlReachesEachProductionHostThroughTheProxy) {
  const std::string project = emu_->project();
  struct Case {
    std::string url;
    std::vector<std::string> extra;
    std::string status;
    std::string route;
  };
  const std::vector<Case> cases = {
      {kKeysUrl, {}, "200", "stackit.keys"},
      {"https://service-account.api.stackit.cloud/token",
       {"-d", "grant_type=refresh_token&refresh_token=nope"}, "400", "stackit.token"},
      {"https://stackit-marketplace.api.stackit.cloud/v1/vendors/projects/" + project + "/subscriptions",
       {"-H", "Authorization: " + emu_->bearer()}, "200", "stackit.list-subscriptions"},
      {"https://api.clever-cloud.com/v2/vendor/apps/addon_x", {}, "401", "clevercloud.apps-get"},
      {"https://imp.pandium.io/mpemu-vendor", {}, "", "pandium.entry"},
      {"https://imp.sandbox.pandium.com/mpemu-vendor", {}, "", "pandium.entry"},
      {"https://imp.demo.pandium.com/mpemu-vendor", {}, "", "pandium.entry"},
      // Plain-HTTP absolute-form requests work too.
      {"http://keys.marketplace.stackit.cloud/v1/resolve-customer/keys.json", {}, "200", "stackit.keys"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    const std::string host = c.url.substr(c.url.find("://") + 3, c.url.find('/', 8) - c.url.find("://") - 3);
    const size_t before = Journal("limit=1000&host=" + host).size();
    const std::string got = Curl(c.extra, c.url);
    if (c.status.empty()) {
      EXPECT_EQ(got.size(), 3u) << got;  // any HTTP answer: the TLS handshake and routing worked
    } else {
      EXPECT_EQ(got, c.status);
    }
    const json entries = Journal("limit=1000&host=" + host);
    ASSERT_EQ(entries.size(), before + 1) << entries.dump(2);
    EXPECT_EQ(entries.back()["route"], c.route);
    EXPECT_EQ(entries.back()["via"], "proxy");
  }
  // A host's leaf is for that host only, and the emulator's own routes are not reachable under
  // a production hostname.
  EXPECT_EQ(Curl({}, "https://keys.marketplace.stackit.cloud/_emulator/config"), "404");
  EXPECT_EQ(Curl({}, "https://keys.marketplace.stackit.cloud/v1/vendors/projects/" + project + "/subscriptions"),
            "404");
}

TEST_F(RealHostnamesTest, OpenSslVerifiesEachLeafAgainstTheCa) {
  for (const auto& [host, kind] : emu_->emulator().config().hosts) {
    SCOPED_TRACE(host);
    const std::string leaf = (dir_ / (host + ".pem")).string();
    // The leaf the proxy actually presents for this host.
    StatusOr<RunResult> shown = RunProcess(
        {"sh", "-c",
         "openssl s_client -proxy 127.0.0.1:" + std::to_string(emu_->emulator().proxy_port()) +
             " -connect " + host + ":443 -servername " + host +
             " </dev/null 2>/dev/null | openssl x509 -out " + leaf},
        20000);
    ASSERT_OK(shown);
    ASSERT_EQ(shown->exit_code, 0) << shown->err;
    StatusOr<RunResult> verified = RunProcess(
        {"openssl", "verify", "-CAfile", ca_file_, "-purpose", "sslserver", "-x509_strict",
         "-verify_hostname", host, leaf},
        20000);
    ASSERT_OK(verified);
    EXPECT_EQ(verified->exit_code, 0) << verified->out << verified->err;
    EXPECT_THAT(verified->out, HasSubstr(": OK"));
    // And it is not a leaf for another host.
    StatusOr<RunResult> other = RunProcess(
        {"openssl", "verify", "-CAfile", ca_file_, "-verify_hostname", "example.com", leaf}, 20000);
    ASSERT_OK(other);
    EXPECT_NE(other->exit_code, 0);
  }
}

TEST_F(RealHostnamesTest, UnlistedHostsAreRefusedNeverForwarded) {
  const int port = emu_->emulator().proxy_port();
  const std::string reply = RawExchange(port, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
  EXPECT_THAT(reply, ::testing::StartsWith("HTTP/1.1 403"));
  EXPECT_THAT(reply, HasSubstr("example.com"));
  EXPECT_THAT(reply, HasSubstr("keys.marketplace.stackit.cloud"));
  EXPECT_THAT(reply, HasSubstr("api.clever-cloud.com"));
  const std::string plain = RawExchange(port, "GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n");
  EXPECT_THAT(plain, ::testing::StartsWith("HTTP/1.1 403"));
  // curl sees the refusal as a failed tunnel.
  EXPECT_THAT(Curl({}, "https://example.com/"), HasSubstr("curl exit"));
  // The journal shows the attempts: evidence of a vendor reaching for an unexpected host.
  const json refused = Journal("route=proxy.refused&host=example.com");
  EXPECT_GE(refused.size(), 3u) << refused.dump(2);
  // A Host header that differs from what the tunnel or the absolute form allowed is refused by
  // the backend too.
  const std::string smuggled = RawExchange(
      port,
      {"GET http://keys.marketplace.stackit.cloud/v1/resolve-customer/keys.json HTTP/1.1\r\n"
       "Host: keys.marketplace.stackit.cloud\r\n\r\n",
       "GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n"},
      /*half_close=*/false);
  EXPECT_THAT(smuggled, HasSubstr("HTTP/1.1 200"));
  EXPECT_THAT(smuggled, HasSubstr("HTTP/1.1 403"));
}

TEST_F(RealHostnamesTest, MalformedRequestsAndBrokenHandshakesLeaveTheServerAnswering) {
  const int port = emu_->emulator().proxy_port();
  EXPECT_THAT(RawExchange(port, "this is not http\r\n\r\n"), ::testing::StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(RawExchange(port, "CONNECT keys.marketplace.stackit.cloud HTTP/1.1\r\n\r\n"),
              ::testing::StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(RawExchange(port, "GET /v1/resolve-customer/keys.json HTTP/1.1\r\nHost: x\r\n\r\n"),
              ::testing::StartsWith("HTTP/1.1 400"));
  RawExchange(port, std::string("\x16\x03\x01\x00\x05garbage\0\xff", 14));
  RawExchange(port, "GET http://keys.market");  // half a request line, then gone
  // A tunnel whose TLS handshake is garbage, or stops half-way.
  const std::string tunnel = "CONNECT keys.marketplace.stackit.cloud:443 HTTP/1.1\r\n\r\n";
  EXPECT_THAT(RawExchange(port, tunnel + "not a client hello at all\r\n\r\n"),
              ::testing::StartsWith("HTTP/1.1 200"));
  RawExchange(port, tunnel + std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
  // Same against the HTTPS port.
  RawExchange(emu_->emulator().tls_port(), "GET / HTTP/1.1\r\n\r\n");
  // Still answering, through the proxy and on HTTPS.
  EXPECT_EQ(Curl({}, kKeysUrl), "200");
  StatusOr<RunResult> direct = RunProcess(
      {"curl", "-sS", "-m", "10", "--noproxy", "*", "--cacert", ca_file_, "-o", "/dev/null", "-w",
       "%{http_code}", emu_->emulator().tls_base_url() + "/_emulator/health"},
      20000);
  ASSERT_OK(direct);
  EXPECT_EQ(direct->out, "200") << direct->err;
}

TEST_F(RealHostnamesTest, TlsServesTheEmulatorUnderLocalhostAndLoopbackNames) {
  const std::string port = std::to_string(emu_->emulator().tls_port());
  for (const std::string& base : {"https://127.0.0.1:" + port, "https://localhost:" + port}) {
    SCOPED_TRACE(base);
    StatusOr<RunResult> trusted = RunProcess(
        {"curl", "-sS", "-m", "10", "--noproxy", "*", "--cacert", ca_file_,
         "--resolve", "localhost:" + port + ":127.0.0.1", base + "/v1/resolve-customer/keys.json"},
        20000);
    ASSERT_OK(trusted);
    EXPECT_EQ(trusted->exit_code, 0) << trusted->err;
    EXPECT_TRUE(json::parse(trusted->out, nullptr, false).is_object()) << trusted->out;
    StatusOr<RunResult> untrusted = RunProcess(
        {"env", "-i", "PATH=/usr/bin:/bin", "curl", "-sS", "-m", "10", "--noproxy", "*", "--resolve",
         "localhost:" + port + ":127.0.0.1", base + "/_emulator/health"},
        20000);
    ASSERT_OK(untrusted);
    EXPECT_EQ(untrusted->exit_code, 60) << "curl must refuse an untrusted certificate";
  }
  const json entries = Journal("via=https&route=stackit.keys");
  EXPECT_EQ(entries.size(), 2u);
}

TEST_F(RealHostnamesTest, TlsFaultsSwapTheCertificateUntilCleared) {
  auto client = emu_->NewClient();
  auto fault = [&](const std::string& host, const std::string& kind) {
    StatusOr<http::Response> r = client->PostJson("/_emulator/tls/faults", {{"host", host}, {"kind", kind}});
    EXPECT_OK(r);
    return r.ok() ? r->status : 0;
  };
  EXPECT_EQ(Curl({}, kKeysUrl), "200");
  struct Case {
    const char* kind;
    const char* curl_says;
  };
  for (const Case& c : {Case{"untrusted", "unable to get local issuer certificate"},
                        Case{"expired", "certificate has expired"},
                        Case{"wrong-host", "no alternative certificate subject name matches"}}) {
    SCOPED_TRACE(c.kind);
    ASSERT_EQ(fault("keys.marketplace.stackit.cloud", c.kind), 200);
    EXPECT_THAT(Curl({}, kKeysUrl), HasSubstr(c.curl_says));
    // Other hosts keep their good certificate.
    EXPECT_EQ(Curl({}, "https://api.clever-cloud.com/v2/vendor/apps/addon_x"), "401");
  }
  ASSERT_EQ(fault("keys.marketplace.stackit.cloud", "none"), 200);
  EXPECT_EQ(Curl({}, kKeysUrl), "200");
  ASSERT_EQ(fault("*", "untrusted"), 200);
  EXPECT_THAT(Curl({}, "https://api.clever-cloud.com/v2/vendor/apps/addon_x"), HasSubstr("curl exit 60"));
  // A reset clears it.
  ASSERT_OK(client->Send("POST", "/_emulator/reset").status());
  EXPECT_EQ(Curl({}, kKeysUrl), "200");
  EXPECT_EQ(fault("keys.marketplace.stackit.cloud", "bogus"), 400);
  EXPECT_EQ(fault("example.com", "untrusted"), 400);
  // Without HTTPS listeners there is nothing to fault.
  ScopedEmulator plain;
  auto plain_client = plain.NewClient();
  StatusOr<http::Response> r = plain_client->PostJson("/_emulator/tls/faults", {{"host", "*"}, {"kind", "untrusted"}});
  ASSERT_OK(r);
  EXPECT_EQ(r->status, 409) << r->body;
}

TEST(RealHostnamesStateTest, TheCaSurvivesARestartWithAStateFile) {
  const std::string db = (std::filesystem::temp_directory_path() /
                          ("mpemu-ca-state-" + std::to_string(getpid()) + ".db")).string();
  std::filesystem::remove(db);
  std::string first;
  for (int run = 0; run < 2; ++run) {
    ScopedEmulatorOptions options;
    StatusOr<std::unique_ptr<store::Store>> store = store::OpenSqliteStore(db);
    ASSERT_OK(store.status());
    options.store = std::move(store).value();
    ScopedEmulator emu(std::move(options));
    auto client = emu.NewClient();
    StatusOr<http::Response> pem = client->Get("/_emulator/ca.pem");
    ASSERT_OK(pem);
    ASSERT_EQ(pem->status, 200);
    EXPECT_THAT(pem->body, ::testing::StartsWith("-----BEGIN CERTIFICATE-----"));
    // A reset forgets marketplace state, not the CA vendors were told to trust.
    ASSERT_OK(client->Send("POST", "/_emulator/reset").status());
    StatusOr<http::Response> again = client->Get("/_emulator/ca.pem");
    ASSERT_OK(again);
    EXPECT_EQ(again->body, pem->body);
    if (run == 0) first = pem->body;
    else EXPECT_EQ(pem->body, first);
  }
  // Without a state file, every emulator has its own CA.
  ScopedEmulator a, b;
  EXPECT_NE(a.emulator().ca()->Sha256Fingerprint(), b.emulator().ca()->Sha256Fingerprint());
  std::filesystem::remove(db);
  std::filesystem::remove(db + "-wal");
  std::filesystem::remove(db + "-shm");
}

}  // namespace
}  // namespace mpemu
