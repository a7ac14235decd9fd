// The raw-socket front of the HTTP proxy mode (`mpemu serve --proxy-port N`).
//
// Unmodified vendor code that hard-codes production URLs reaches the emulator with only
// HTTPS_PROXY/HTTP_PROXY set. This front reads the first request of each connection, decides, and
// then only relays bytes to one of two loopback backends that the owner runs:
//   - `CONNECT host:443` for an emulated host: a tunnel to 127.0.0.1:tls_backend_port, an HTTPS
//     server that picks its certificate by SNI;
//   - `GET http://host[:80]/...` (absolute form, any method) for an emulated host: the head as
//     received, relayed to 127.0.0.1:plain_backend_port, which understands absolute-form targets.
//     Later requests on that keep-alive connection are relayed without inspection: the plain
//     backend refuses hosts it does not emulate itself.
// Everything else is answered by the proxy itself (400/403/431/502/503) and the connection closed.
// The proxy never connects anywhere but those two loopback ports.
#ifndef MPEMU_EMULATOR_HTTP_PROXY_H_
#define MPEMU_EMULATOR_HTTP_PROXY_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "emulator/core/status.h"

namespace mpemu::http {

// Timeouts of 0 or less mean "no limit". A backend port of 0 means "none": requests that would go
// there get 502.
struct ProxyOptions {
  std::string host = "127.0.0.1";     // address to listen on (numeric or a resolvable name)
  int port = 0;                       // 0: the OS picks; port() tells which
  int plain_backend_port = 0;         // 127.0.0.1:<this> for absolute-form http:// requests
  int tls_backend_port = 0;           // 127.0.0.1:<this> for CONNECT tunnels
  size_t max_connections = 256;       // open client connections; beyond: 503 and close
  size_t max_head_bytes = 16 * 1024;  // request line + headers of the first request; beyond: 431
  int head_timeout_seconds = 10;      // a client that sends no complete head in time is dropped
  int idle_timeout_seconds = 120;     // a relay with no traffic either way for this long is closed
};

// The outcome of the first request of a connection; the owner journals it.
struct ProxyEvent {
  std::string method;   // "CONNECT", "GET", ... ("" when the request line was unreadable or unread)
  std::string target;   // the request target as sent (truncated to 512 bytes)
  std::string host;     // the host the target named: lower case, no port, no brackets ("" if none)
  int status = 0;       // 200 for an accepted tunnel/relay, else 400, 403, 431, 502 or 503
  std::string message;  // the reason given to the client ("" for 200)
  std::string remote_addr;  // the client's IP address
};

class ProxyServer {
 public:
  // `is_emulated(host)` says whether the emulator serves `host` (lower case, without port,
  // brackets or trailing dot); null emulates nothing. `hosts_description` (e.g.
  // "keys.marketplace.stackit.cloud, api.clever-cloud.com, imp.pandium.io") is quoted in 403
  // messages. `on_event` (may be null) is called once for every connection the proxy answered
  // itself or started relaying (status 200), before the client receives the answer; not for a
  // client that closed or timed out before a decision. Both callbacks run on the proxy's threads,
  // possibly concurrently, and must be thread-safe; an exception they throw costs only that
  // connection (it is closed without an answer).
  ProxyServer(ProxyOptions options, std::function<bool(const std::string&)> is_emulated,
              std::string hosts_description, std::function<void(const ProxyEvent&)> on_event);
  ~ProxyServer();  // Stop()
  ProxyServer(const ProxyServer&) = delete;
  ProxyServer& operator=(const ProxyServer&) = delete;

  // Binds, listens and accepts on a background thread, one thread per connection.
  // Unavailable (naming host:port) when the address cannot be resolved, bound or listened on;
  // FailedPrecondition when called a second time or after Stop().
  Status Start();
  // Stops accepting, closes every open connection (tunnels included) and joins all threads.
  // Idempotent and returns promptly (unless a callback blocks). Start() and Stop() may be called
  // from any thread (they are serialized), but not from inside a callback.
  void Stop();
  // Ends every connection being relayed now (tunnels and plain relays) and keeps listening:
  // clients reconnect, so a certificate change (a TLS fault) applies to their next handshake
  // instead of waiting for kept-alive tunnels to close. Thread-safe.
  void CloseConnections();
  // The port listened on; valid once Start() returned OK.
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mpemu::http

#endif  // MPEMU_EMULATOR_HTTP_PROXY_H_
