// The two ecosystems the README documents besides Python and curl reach the marketplaces'
// production hostnames through the proxy once they trust the local CA, each the way the README
// says, and fail the TLS check without it: Node (its default trust plus NODE_EXTRA_CA_CERTS) and
// Java (a keytool truststore, HttpsURLConnection with -Dhttps.proxyHost/-Dhttps.proxyPort).
// Fails without node, java or keytool (tools/setup installs nodejs and openjdk-17-jdk-headless).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
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
using ::testing::AnyOf;
using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kKeysHost[] = "keys.marketplace.stackit.cloud";
constexpr char kKeysPath[] = "/v1/resolve-customer/keys.json";
constexpr char kCleverHost[] = "api.clever-cloud.com";

// argv: proxy port, CONNECT target, TLS servername, path, and optionally the name to check the
// certificate against (default: the servername). Node's http stack ignores HTTPS_PROXY before
// v24, so the program opens the tunnel itself, as a proxy agent would; tls.connect gets no `ca`
// option: only Node's default trust, and NODE_EXTRA_CA_CERTS, decide. Plain http/tls modules
// only, so that Debian 12's Node 18 runs it as well. Prints one JSON line: {status, san, body},
// or {error, message} and exits 2.
constexpr char kNodeFetch[] = R"JS(
const http = require('http');
const tls = require('tls');
const [proxyPort, target, servername, path, verifyAs] = process.argv.slice(2);
function fail(e) {
  console.log(JSON.stringify({error: e.code || e.name, message: e.message}));
  process.exit(2);
}
setTimeout(() => fail({code: 'TIMEOUT', message: 'no answer in 10 s'}), 10000).unref();
const connect = http.request({host: '127.0.0.1', port: Number(proxyPort), method: 'CONNECT',
                              path: target + ':443', headers: {Host: target + ':443'}});
connect.on('error', fail);
connect.on('connect', (res, socket) => {
  if (res.statusCode !== 200) fail({code: 'CONNECT_' + res.statusCode, message: 'refused'});
  const options = {socket, servername};
  if (verifyAs) options.checkServerIdentity = (_, cert) => tls.checkServerIdentity(verifyAs, cert);
  const secure = tls.connect(options, () => {
    const san = secure.getPeerCertificate().subjectaltname;
    const get = http.request({createConnection: () => secure, host: target, path,
                              headers: {Connection: 'close'}}, (reply) => {
      let body = '';
      reply.setEncoding('utf8');
      reply.on('data', (chunk) => { body += chunk; });
      reply.on('end', () => console.log(JSON.stringify({status: reply.statusCode, san, body})));
    });
    get.on('error', fail);
    get.end();
  });
  secure.on('error', fail);
});
connect.end();
)JS";

// Run in source-file mode (`java Fetch.java URL...`): GETs each URL with HttpsURLConnection,
// which takes the proxy from -Dhttps.proxyHost/-Dhttps.proxyPort and the trust from
// -Djavax.net.ssl.trustStore, and prints "<status> <url>"; on the first exception prints its
// class and message and exits 1.
constexpr char kJavaFetch[] = R"JAVA(
import java.io.InputStream;
import java.net.URI;
import javax.net.ssl.HttpsURLConnection;

public class Fetch {
  public static void main(String[] args) {
    for (String url : args) {
      try {
        HttpsURLConnection c = (HttpsURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(10000);
        c.setReadTimeout(10000);
        int status = c.getResponseCode();
        InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream();
        if (body != null) body.readAllBytes();
        System.out.println(status + " " + url);
      } catch (Exception e) {
        System.out.println(e.getClass().getName() + ": " + e.getMessage());
        System.exit(1);
      }
    }
  }
}
)JAVA";

// A tool the child environment below finds: an absent one is a broken setup, not a skip.
bool HaveTool(const std::string& tool, const std::string& version_flag) {
  StatusOr<RunResult> r =
      RunProcess({"env", "-i", "PATH=/usr/bin:/bin", tool, version_flag}, 60000);
  return r.ok() && r->exit_code == 0;
}

class TlsInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mpemu-tls-interop-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    ScopedEmulatorOptions options;
    options.configure = [](app::EmulatorConfig& c) { c.proxy_port = 0; };
    emu_ = std::make_unique<ScopedEmulator>(std::move(options));
    ca_file_ = (dir_ / "mpemu-ca.pem").string();
    std::ofstream(ca_file_) << emu_->emulator().ca()->cert_pem();
    proxy_port_ = std::to_string(emu_->emulator().proxy_port());
    ASSERT_NE(emu_->emulator().proxy_port(), 0);
  }
  void TearDown() override {
    emu_.reset();
    std::filesystem::remove_all(dir_);
  }

  json Journal(const std::string& query) {
    auto client = emu_->NewClient();
    StatusOr<http::Response> r = client->Get("/_emulator/journal?" + query);
    EXPECT_OK(r);
    return r.ok() ? json::parse(r->body)["entries"] : json::array();
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  // Runs kNodeFetch under a clean environment plus `env`; returns its JSON line (an empty object
  // when it printed none).
  json Node(const std::vector<std::string>& env, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"env", "-i", "PATH=/usr/bin:/bin", "HOME=" + dir_.string()};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.push_back("node");
    argv.push_back(WriteFile("fetch.js", kNodeFetch));
    argv.push_back(proxy_port_);
    argv.insert(argv.end(), args.begin(), args.end());
    StatusOr<RunResult> r = RunProcess(argv, 20000);
    EXPECT_OK(r);
    if (!r.ok()) return json::object();
    const json out = json::parse(r->out, nullptr, false);
    EXPECT_TRUE(out.is_object()) << "exit " << r->exit_code << ": " << r->out << r->err;
    if (!out.is_object()) return json::object();
    EXPECT_EQ(r->exit_code, out.contains("error") ? 2 : 0) << r->out << r->err;
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<ScopedEmulator> emu_;
  std::string ca_file_;
  std::string proxy_port_;
};

TEST_F(TlsInteropTest, NodeTrustsTheCaThroughNodeExtraCaCertsOnly) {
  if (!HaveTool("node", "--version")) FAIL() << "node is not installed (run tools/setup)";
  const json trusted = Node({"NODE_EXTRA_CA_CERTS=" + ca_file_}, {kKeysHost, kKeysHost, kKeysPath});
  ASSERT_FALSE(trusted.contains("error")) << trusted.dump();
  EXPECT_EQ(trusted["status"], 200) << trusted.dump();
  EXPECT_EQ(trusted["san"], std::string("DNS:") + kKeysHost);
  EXPECT_TRUE(json::parse(trusted.value("body", ""), nullptr, false).is_object()) << trusted.dump();
  const json fetched = Journal(std::string("route=stackit.keys&via=proxy&host=") + kKeysHost);
  ASSERT_EQ(fetched.size(), 1u) << fetched.dump(2);
  EXPECT_EQ(fetched[0]["path"], kKeysPath);
  EXPECT_EQ(fetched[0]["status"], 200);

  // Node's own CA list does not know the emulator's CA: the handshake fails, nothing is served.
  const size_t before = Journal("limit=1000").size();
  const json untrusted = Node({}, {kKeysHost, kKeysHost, kKeysPath});
  EXPECT_THAT(untrusted.value("error", ""),
              AnyOf("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "SELF_SIGNED_CERT_IN_CHAIN"))
      << untrusted.dump();
  EXPECT_FALSE(untrusted.contains("status")) << untrusted.dump();
  EXPECT_EQ(Journal("limit=1000").size(), before) << "served without TLS trust";
}

// The leaf is for its host only: with the CA trusted, the certificate presented for
// keys.marketplace.stackit.cloud does not pass Node's hostname check for another emulated host.
// (The check is made against api.clever-cloud.com rather than sent as the servername: the proxy
// picks the leaf by SNI, so SNI api.clever-cloud.com would get that host's own valid leaf.)
TEST_F(TlsInteropTest, NodeRejectsTheKeysLeafForAnotherHost) {
  if (!HaveTool("node", "--version")) FAIL() << "node is not installed (run tools/setup)";
  const json mismatch =
      Node({"NODE_EXTRA_CA_CERTS=" + ca_file_}, {kKeysHost, kKeysHost, kKeysPath, kCleverHost});
  EXPECT_EQ(mismatch.value("error", ""), "ERR_TLS_CERT_ALTNAME_INVALID") << mismatch.dump();
  EXPECT_THAT(mismatch.value("message", ""), HasSubstr(std::string("DNS:") + kKeysHost));
  EXPECT_TRUE(Journal("route=stackit.keys").empty()) << "served after a failed hostname check";
}

TEST_F(TlsInteropTest, JavaTrustsTheCaThroughAKeytoolTruststore) {
  if (!HaveTool("java", "-version")) FAIL() << "java is not installed (run tools/setup)";
  if (!HaveTool("keytool", "-help")) FAIL() << "keytool is not installed (run tools/setup)";
  const std::string env_home = "HOME=" + dir_.string();
  // The README's truststore, made the README's way.
  const std::string truststore = (dir_ / "mpemu.jks").string();
  StatusOr<RunResult> imported = RunProcess(
      {"env", "-i", "PATH=/usr/bin:/bin", env_home, "keytool", "-importcert", "-noprompt", "-alias",
       "mpemu", "-file", ca_file_, "-keystore", truststore, "-storepass", "changeit"},
      60000);
  ASSERT_OK(imported);
  ASSERT_EQ(imported->exit_code, 0) << imported->out << imported->err;

  const std::string clever_url = std::string("https://") + kCleverHost + "/v2/vendor/apps/addon_x";
  const std::string keys_url = std::string("https://") + kKeysHost + kKeysPath;
  std::vector<std::string> java = {"env", "-i", "PATH=/usr/bin:/bin", env_home, "java"};
  java.insert(java.end(), {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"});  // start-up only
  java.insert(java.end(), {"-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=" + proxy_port_});
  const std::string program = WriteFile("Fetch.java", kJavaFetch);
  std::vector<std::string> argv = java;
  argv.insert(argv.end(),
              {"-Djavax.net.ssl.trustStore=" + truststore,
               "-Djavax.net.ssl.trustStorePassword=changeit", program, clever_url, keys_url});
  StatusOr<RunResult> trusted = RunProcess(argv, 60000);
  ASSERT_OK(trusted);
  EXPECT_EQ(trusted->exit_code, 0) << trusted->out << trusted->err;
  // Clever Cloud's API wants Basic auth: a 401 is the emulated API answering.
  EXPECT_EQ(trusted->out, "401 " + clever_url + "\n200 " + keys_url + "\n") << trusted->err;
  const json clever =
      Journal(std::string("route=clevercloud.apps-get&via=proxy&host=") + kCleverHost);
  ASSERT_EQ(clever.size(), 1u) << clever.dump(2);
  EXPECT_EQ(clever[0]["status"], 401);
  const json keys = Journal(std::string("route=stackit.keys&via=proxy&host=") + kKeysHost);
  ASSERT_EQ(keys.size(), 1u) << keys.dump(2);
  EXPECT_EQ(keys[0]["status"], 200);

  // Java's default cacerts does not know the emulator's CA.
  const size_t before = Journal("limit=1000").size();
  argv = java;
  argv.insert(argv.end(), {program, clever_url, keys_url});
  StatusOr<RunResult> untrusted = RunProcess(argv, 60000);
  ASSERT_OK(untrusted);
  EXPECT_EQ(untrusted->exit_code, 1) << untrusted->out << untrusted->err;
  EXPECT_THAT(untrusted->out, HasSubstr("javax.net.ssl.SSLHandshakeException"));
  EXPECT_THAT(untrusted->out, HasSubstr("PKIX path building failed"));
  EXPECT_EQ(Journal("limit=1000").size(), before) << "served without TLS trust";
}

}  // namespace
}  // namespace mpemu
