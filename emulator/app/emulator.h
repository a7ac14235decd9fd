// The emulator as a library: `mpemu serve` runs one, `mpemu run` (the harness) and the tests start
// one in-process on a free port. Owns the clocks, store, journal, fault injector, HTTP server and
// the marketplaces.
#ifndef MPEMU_EMULATOR_APP_EMULATOR_H_
#define MPEMU_EMULATOR_APP_EMULATOR_H_

#include <chrono>
#include <future>
#include <thread>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emulator/app/config.h"
#include "emulator/clevercloud/marketplace.h"
#include "emulator/control/marketplace.h"
#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/crypto/certificate_authority.h"
#include "emulator/crypto/rsa_key.h"
#include "emulator/http/faults.h"
#include "emulator/http/pipeline.h"
#include "emulator/http/proxy.h"
#include "emulator/http/server.h"
#include "emulator/journal/journal.h"
#include "emulator/pandium/marketplace.h"
#include "emulator/stackit/marketplace.h"
#include "emulator/store/store.h"

namespace mpemu::app {

struct EmulatorOptions {
  EmulatorConfig config = DefaultConfig();
  const Clock* wall_clock = nullptr;             // default: the real clock
  std::unique_ptr<IdGenerator> ids;              // default: random
  std::unique_ptr<crypto::KeySource> keys;       // default: RSA-2048 generation
  std::unique_ptr<store::Store> store;           // default: config.state_file or in memory
  // When true (the default), Start() returns as soon as the port answers and the slow start-up
  // work (generating keys) runs in the background; requests that need it wait for it.
  bool initialize_in_background = true;
};

// Process-wide settings for a process that serves an Emulator (`mpemu`, the benchmark's server);
// call once at start. Starts a thread that hands free heap memory back to the system 4 times a
// second (malloc_trim): glibc keeps what a busy thread freed in that thread's arena, so 20,000
// list pages left 470-570 MB resident with a 64 MiB journal; trimmed, 98-182 MB, at the same
// throughput. (Capping the arenas at 2 did as well for memory but cost 20-45% of the throughput at
// 32 connections; a fixed mmap threshold did not help: the memory is many small blocks.)
void TuneProcessForServing();

// The local CA kept in `store` (meta), created and kept there on first use. InvalidArgument when
// what is kept does not parse.
StatusOr<crypto::CertificateAuthority> LoadOrCreateLocalCa(store::Store& store, IdGenerator& ids,
                                                           int64_t now_seconds);

class Emulator {
 public:
  static StatusOr<std::unique_ptr<Emulator>> Create(EmulatorOptions options);
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  // Loads (or creates and keeps) the local CA, binds the configured port (0 picks one) and serves;
  // with config.tls also HTTPS, with config.proxy_port >= 0 also the proxy and its backends.
  Status Start();
  // Waits until the start-up work is done; its error if it failed.
  Status WaitReady(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  void Stop();

  int port() const { return server_ ? server_->port() : 0; }
  std::string base_url() const;
  // 0 / "" when not serving HTTPS or the proxy.
  int tls_port() const { return tls_server_ ? tls_server_->port() : 0; }
  std::string tls_base_url() const { return tls_server_ ? tls_server_->base_url() : ""; }
  int proxy_port() const { return proxy_ ? proxy_->port() : 0; }
  std::string proxy_url() const;
  // The local CA (valid after Start): its certificate is what vendors trust.
  const crypto::CertificateAuthority* ca() const { return ca_ ? &*ca_ : nullptr; }

  Status Reset(bool keys);
  // Moves the marketplace clock forward and runs what became due. InvalidArgument for a negative
  // step or one that would take the offset past 1000 years.
  Status AdvanceClock(int64_t millis);
  nlohmann::json ConfigJson() const;
  // Makes the HTTPS listeners (the proxy's and --tls) present a bad certificate for `host` ("*":
  // every emulated host), to check that a vendor verifies TLS: "untrusted" (a leaf from a CA
  // nobody trusts), "expired" (from the local CA, expired a year ago), "wrong-host" (from the
  // local CA, for another name), or "none" to clear. FailedPrecondition without HTTPS listeners,
  // InvalidArgument for an unknown kind or host. Cleared by Reset.
  Status SetTlsFault(const std::string& host, const std::string& kind);
  void ClearTlsFaults();

  const EmulatorConfig& config() const { return config_; }
  VirtualClock& clock() { return *clock_; }
  const Clock& wall_clock() const { return *wall_clock_; }
  journal::Journal& journal() { return *journal_; }
  http::FaultInjector& faults() { return *faults_; }
  store::Store& store() { return *store_; }
  http::Pipeline& pipeline() { return *pipeline_; }
  stackit::StackitMarketplace& stackit() { return *stackit_; }
  clevercloud::CleverCloudMarketplace& clevercloud() { return *clevercloud_; }
  pandium::PandiumMarketplace& pandium() { return *pandium_; }
  const control::Environment& env() const { return env_; }

 private:
  explicit Emulator(EmulatorOptions options);
  Status Initialize();
  Status LoadOrCreateCa();
  Status StartTlsAndProxy();
  void RecordProxyEvent(const http::ProxyEvent& event);

  EmulatorConfig config_;
  const Clock* wall_clock_;
  std::unique_ptr<IdGenerator> ids_;
  std::unique_ptr<crypto::KeySource> keys_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<VirtualClock> clock_;
  std::unique_ptr<journal::Journal> journal_;
  std::unique_ptr<http::FaultInjector> faults_;
  std::unique_ptr<http::Pipeline> pipeline_;
  control::Environment env_;
  std::unique_ptr<stackit::StackitMarketplace> stackit_;
  std::unique_ptr<clevercloud::CleverCloudMarketplace> clevercloud_;
  std::unique_ptr<pandium::PandiumMarketplace> pandium_;
  std::vector<control::Marketplace*> marketplaces_;
  std::optional<crypto::CertificateAuthority> ca_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<http::Server> tls_server_;
  std::unique_ptr<http::Server> proxy_plain_backend_;
  std::unique_ptr<http::Server> proxy_tls_backend_;
  std::unique_ptr<http::ProxyServer> proxy_;
  bool background_init_;
  std::shared_future<Status> ready_;
  std::thread init_thread_;  // the background start-up work
  const int64_t started_wall_ms_;
};

}  // namespace mpemu::app

#endif  // MPEMU_EMULATOR_APP_EMULATOR_H_
