// `mpemu ca`: the local CA certificate that vendors trust to reach the emulator under the
// marketplaces' real hostnames. From a running emulator (--url / MPEMU_URL), or straight from a
// state file (--state), which creates and keeps the CA if the file has none yet.
#include <cstdio>
#include <fstream>
#include <memory>

#include "emulator/app/emulator.h"
#include "emulator/cli/commands.h"
#include "emulator/cli/remote.h"
#include "emulator/core/clock.h"
#include "emulator/http/client.h"

namespace mpemu::cli {
namespace {

struct CaFlags {
  std::string out;
  std::string state_file;
};

int WriteCa(const CaFlags& flags, const std::string& pem, const std::string& origin) {
  if (flags.out.empty() || flags.out == "-") {
    std::fwrite(pem.data(), 1, pem.size(), stdout);
    return kExitOk;
  }
  std::ofstream file(flags.out, std::ios::binary | std::ios::trunc);
  file << pem;
  file.close();
  if (!file) {
    std::fprintf(stderr, "mpemu: cannot write %s\n", flags.out.c_str());
    return kExitUsage;
  }
  std::fprintf(stderr, "mpemu: wrote the CA certificate of %s to %s\n", origin.c_str(), flags.out.c_str());
  return kExitOk;
}

int RunCa(CLI::App& root, const CaFlags& flags) {
  if (!flags.state_file.empty()) {
    StatusOr<std::unique_ptr<store::Store>> store = store::OpenSqliteStore(flags.state_file);
    if (!store.ok()) {
      std::fprintf(stderr, "mpemu: %s\n", store.status().message().c_str());
      return kExitUsage;
    }
    RandomIdGenerator ids;
    StatusOr<crypto::CertificateAuthority> ca =
        app::LoadOrCreateLocalCa(**store, ids, RealClock::Default()->NowMillis() / 1000);
    if (!ca.ok()) {
      std::fprintf(stderr, "mpemu: %s\n", ca.status().message().c_str());
      return kExitUsage;
    }
    return WriteCa(flags, ca->cert_pem(), flags.state_file);
  }
  const Target target = TargetOf(root);
  http::Client client(target.url, http::ClientOptions{2000, 5000, false});
  StatusOr<http::Response> r = client.Send("GET", "/_emulator/ca.pem");
  if (!r.ok()) {
    std::fprintf(stderr,
                 "mpemu: cannot reach the emulator at %s: %s\n(start one with `mpemu serve`, pass "
                 "--url / set MPEMU_URL, or read a state file with --state)\n",
                 target.url.c_str(), r.status().message().c_str());
    return kExitUsage;
  }
  if (r->status != 200 || r->body.rfind("-----BEGIN CERTIFICATE-----", 0) != 0) {
    std::fprintf(stderr, "mpemu: GET /_emulator/ca.pem -> %d: %s\n", r->status, r->body.c_str());
    return kExitFailed;
  }
  return WriteCa(flags, r->body, target.url);
}

}  // namespace

void AddCaCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<CaFlags>();
  CLI::App* ca = app.add_subcommand(
      "ca", "The local CA certificate to trust (REQUESTS_CA_BUNDLE, SSL_CERT_FILE, NODE_EXTRA_CA_CERTS, ...)");
  ca->add_option("-o,--out", flags->out, "Write it to this file (default: standard output)");
  ca->add_option("--state", flags->state_file,
                 "Read it from this state file instead of a running emulator (created there if missing)");
  CLI::App* root = &app;
  ca->callback([root, flags, exit_code] { *exit_code = RunCa(*root, *flags); });
}

}  // namespace mpemu::cli
