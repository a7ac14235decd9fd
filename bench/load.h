// The load generator: N persistent keep-alive connections (httplib::Client with TCP_NODELAY), one
// thread each, every thread sending its next request as soon as the previous answer is in.
#ifndef MPEMU_BENCH_LOAD_H_
#define MPEMU_BENCH_LOAD_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace mpemu::bench {

struct LoadSpec {
  std::string method = "GET";  // GET or POST
  std::string path;            // with query
  std::multimap<std::string, std::string> headers;
  std::string body;
  std::string content_type = "application/json";
  int expect_status = 200;  // 0: any
  // When set, the path of a connection's next request, from its previous answer's body (the list
  // benchmark follows cursors with it). Empty result: `path` again.
  std::function<std::string(const std::string& body)> next_path;
  // Through mpemu's proxy instead of straight to `port`: HTTPS to `tls_host` (an emulated
  // production hostname), tunnelled with CONNECT via 127.0.0.1:proxy_port, trusting `ca_file`.
  std::string tls_host;
  int proxy_port = 0;
  std::string ca_file;
  // A new connection (and TLS handshake) for every request instead of keep-alive.
  bool new_connection_each = false;
};

struct LoadResult {
  double rps = 0;
  double p50_us = 0;
  double p99_us = 0;
  long requests = 0;  // answered inside the measured window
  long errors = 0;    // transport failures and unexpected statuses, warm-up included
  std::string first_error;
  // CPU time (user + system) per answered request inside the window, of the server process (when
  // its pid was given) and of this process (the load generator); 0 when unknown.
  double server_cpu_us = 0;
  double client_cpu_us = 0;
  // CPU used by other processes during the window, as a share of all CPUs (util.h, ForeignCpu).
  double foreign = 0;
};

// Warm-up for `warmup_s` (not counted), then measures for `seconds`.
// With `server_pid`, also the server's CPU time per request.
LoadResult RunLoad(int port, const LoadSpec& spec, int connections, double warmup_s, double seconds,
                   int server_pid = -1);

// One request on a fresh connection: status and body (status -1 on transport failure).
struct Fetched {
  int status = -1;
  std::string body;
  std::string content_type;
};
Fetched Fetch(int port, const std::string& method, const std::string& path,
              const std::multimap<std::string, std::string>& headers = {},
              const std::string& body = "", const std::string& content_type = "application/json");

}  // namespace mpemu::bench

#endif  // MPEMU_BENCH_LOAD_H_
