// The two servers the benchmark measures, each run as a child process of `mpemu_bench`:
//
//  serve       the emulator: app::Emulator with DefaultConfig(), as `mpemu serve` builds it, on
//              port 0, but with the RSA keys read from tests/support/testdata/keys (so the
//              benchmark can sign with the very keys the emulator signs with) and, optionally,
//              N subscriptions put straight into its store (memory, or SQLite with --state).
//  serve-bare  the reference: a bare cpp-httplib server with the emulator's server settings
//              (http::ServerOptions defaults: TCP_NODELAY, 64-thread pool, keep-alive max and
//              timeouts, payload limit) whose routes answer fixed bytes read from a JSON file.
//
// Both print "port N" on stdout once they answer, then serve until SIGTERM.
#include "bench/servers.h"

#include <httplib.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bench/util.h"
#include "emulator/app/emulator.h"
#include "emulator/stackit/service.h"
#include "emulator/stackit/subscription.h"

namespace mpemu::bench {
namespace {

class FileKeySource final : public crypto::KeySource {
 public:
  explicit FileKeySource(std::string dir) : dir_(std::move(dir)) {}
  StatusOr<crypto::RsaKey> NewRsaKey() override {
    const int i = 1 + next_++ % 6;
    return crypto::RsaKey::FromPem(ReadFile(dir_ + "/test_key_" + std::to_string(i) + ".pem"));
  }

 private:
  std::string dir_;
  std::atomic<int> next_{0};
};

void BlockStopSignals(sigset_t* set) {
  // Stop with the benchmark, however it ends.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() == 1) std::exit(0);
  sigemptyset(set);
  sigaddset(set, SIGINT);
  sigaddset(set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, set, nullptr);
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "mpemu_bench server: %s\n", what.c_str());
  std::exit(2);
}

// `n` pending subscriptions of the default product, stored as Service::Subscribe stores them
// (without minting their tokens, which would cost an RSA signature each).
Status Seed(app::Emulator& emulator, long n, size_t* body_bytes) {
  const stackit::Config& config = emulator.config().stackit;
  const stackit::Product& product = config.products.front();
  RandomIdGenerator ids;
  std::vector<store::Record> batch;
  for (long i = 0; i < n; ++i) {
    stackit::Subscription s;
    s.subscription_id = ids.NewUuid();
    s.vendor_project_id = product.vendor_project_id;
    s.product_id = product.product_id;
    s.consumer_project_id = ids.NewUuid();
    s.organization_id = ids.NewUuid();
    s.created_at = emulator.clock().NowMillis();
    s.pending_ttl_ms = product.pending_ttl_ms;
    s.SetState(stackit::kPending, s.created_at, "subscribed");
    batch.push_back(store::Record{stackit::kSubscriptionKind, s.subscription_id,
                                  s.vendor_project_id, 0, s.ToStoredJson().dump()});
    *body_bytes += batch.back().body.size();
    if (batch.size() == 1000 || i + 1 == n) {
      MPEMU_RETURN_IF_ERROR(emulator.store().InsertBatch(batch));
      batch.clear();
    }
  }
  return Status::Ok();
}

}  // namespace

std::unique_ptr<crypto::KeySource> NewFileKeySource(const std::string& dir) {
  return std::make_unique<FileKeySource>(dir);
}

int ServeEmulator(const std::string& keys_dir, long subscriptions, const std::string& state_file, bool proxy) {
  app::TuneProcessForServing();  // as mpemu's main does
  sigset_t stop;
  BlockStopSignals(&stop);
  app::EmulatorOptions options;
  options.config = app::DefaultConfig();
  options.config.server.host = "127.0.0.1";
  options.config.server.port = 0;
  options.config.state_file = state_file;
  options.keys = NewFileKeySource(keys_dir);
  if (proxy) options.config.proxy_port = 0;
  auto created = app::Emulator::Create(std::move(options));
  if (!created.ok()) Die(created.status().ToString());
  app::Emulator& emulator = **created;
  if (Status s = emulator.Start(); !s.ok()) Die(s.ToString());
  if (Status s = emulator.WaitReady(); !s.ok()) Die(s.ToString());
  const auto t0 = Clock::now();
  size_t body_bytes = 0;
  if (Status s = Seed(emulator, subscriptions, &body_bytes); !s.ok()) Die(s.ToString());
  std::string proxy_note;
  if (proxy) {
    // The CA next to the state a vendor would trust: a file the load generator can point at.
    char ca_template[] = "/tmp/mpemu-bench-ca-XXXXXX";
    const int fd = mkstemp(ca_template);
    if (fd < 0) Die("cannot create a CA file");
    close(fd);
    std::ofstream(ca_template) << emulator.ca()->cert_pem();
    proxy_note = " proxy " + std::to_string(emulator.proxy_port()) + " ca " + ca_template;
  }
  std::printf(
      "port %d seeded %ld in %.0f ms (stored JSON %.0f B each)%s\n", emulator.port(), subscriptions,
      SecondsSince(t0) * 1000,
      subscriptions ? static_cast<double>(body_bytes) / static_cast<double>(subscriptions) : 0.0,
      proxy_note.c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop, &sig);
  emulator.Stop();
  return 0;
}

int ServeBare(const std::string& routes_file) {
  sigset_t stop;
  BlockStopSignals(&stop);
  const nlohmann::json routes = nlohmann::json::parse(ReadFile(routes_file), nullptr, false);
  if (!routes.is_array()) Die("cannot read routes from " + routes_file);

  // The emulator's settings, from the same struct (emulator/http/server.cc applies them).
  const http::ServerOptions o = app::DefaultConfig().server;
  httplib::Server server;
  server.set_tcp_nodelay(true);
  const size_t threads = o.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_keep_alive_max_count(static_cast<size_t>(o.keep_alive_max_count));
  server.set_keep_alive_timeout(o.keep_alive_timeout_seconds);
  server.set_read_timeout(o.read_timeout_seconds, 0);
  server.set_payload_max_length(o.max_body_bytes);

  for (const auto& r : routes) {
    const int status = r.at("status").get<int>();
    const std::string body = r.at("body").get<std::string>();
    const std::string type = r.at("content_type").get<std::string>();
    // The route's path as a literal regex.
    std::string pattern;
    for (char c : r.at("path").get<std::string>()) {
      if (std::string("\\^$.|?*+()[]{}").find(c) != std::string::npos) pattern += '\\';
      pattern += c;
    }
    auto handler = [status, body, type](const httplib::Request&, httplib::Response& res) {
      res.status = status;
      res.set_content(body, type.c_str());
    };
    if (r.at("method") == "POST") {
      server.Post(pattern, handler);
    } else {
      server.Get(pattern, handler);
    }
  }
  const int port = server.bind_to_any_port("127.0.0.1");
  if (port < 0) Die("cannot bind");
  std::thread serving([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::microseconds(50));
  std::printf("port %d\n", port);
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop, &sig);
  server.stop();
  serving.join();
  return 0;
}

}  // namespace mpemu::bench
