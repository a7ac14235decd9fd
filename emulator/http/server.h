// The HTTP server: cpp-httplib at the edge, everything else in the Pipeline.
#ifndef MPEMU_EMULATOR_HTTP_SERVER_H_
#define MPEMU_EMULATOR_HTTP_SERVER_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "emulator/core/status.h"
#include "emulator/http/pipeline.h"

namespace mpemu::http {

// A certificate chain and key (PEM) the server presents.
struct TlsIdentity {
  std::string cert_pem;
  std::string key_pem;
};

struct TlsOptions {
  TlsIdentity default_identity;                    // when the client sends no or an unknown SNI name
  std::map<std::string, TlsIdentity> by_server_name;  // lower-case SNI name -> identity
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;                         // 0: the OS picks a free port
  size_t threads = 64;                  // each keep-alive connection holds one thread
  size_t max_body_bytes = 1024 * 1024;  // larger bodies get 413 in the service's error schema
  int keep_alive_max_count = 100000;
  int keep_alive_timeout_seconds = 5;
  int read_timeout_seconds = 10;
  // Non-null: serve HTTPS (TLS 1.2+) with these identities instead of HTTP.
  std::shared_ptr<const TlsOptions> tls;
  // Recorded on every request (Request::via): "http", "https", "proxy".
  std::string via = "http";
  // The proxy's backends: only hosts the pipeline emulates are served (Request::require_virtual_host).
  bool require_virtual_host = false;
};

class Server {
 public:
  // `pipeline` is not owned and must outlive the server.
  Server(ServerOptions options, Pipeline* pipeline);
  ~Server();  // stops
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts serving on a background thread. Unavailable when the port is taken;
  // InvalidArgument when a TLS identity does not parse.
  Status Start();
  // Stops accepting, waits for the serving thread. Idempotent.
  void Stop();
  int port() const { return port_; }
  std::string base_url() const;
  // HTTPS only: present `identity` instead of the configured one for SNI `name` (lower case; "*"
  // for every name) until cleared with nullopt. For adversarial scenarios (an untrusted or expired
  // certificate). InvalidArgument when the identity does not parse. Thread-safe.
  Status SetIdentityOverride(const std::string& name, const std::optional<TlsIdentity>& identity);

 private:
  struct Impl;
  ServerOptions options_;
  Pipeline* pipeline_;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace mpemu::http

#endif  // MPEMU_EMULATOR_HTTP_SERVER_H_
