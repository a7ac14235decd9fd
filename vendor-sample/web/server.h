// The HTTP edge: the one server-side file that includes httplib.h. Runs handlers on httplib's
// thread pool and adds the headers every response carries (Referrer-Policy: no-referrer,
// Cache-Control: no-store, X-Frame-Options: DENY, a strict CSP, ...) unless the handler set that
// header itself. A handler that throws becomes a plain 500 page without details.
#ifndef VENDOR_SAMPLE_WEB_SERVER_H_
#define VENDOR_SAMPLE_WEB_SERVER_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "vendor-sample/base/status.h"
#include "vendor-sample/web/http_types.h"

namespace vendor_sample::web {

class Server {
 public:
  Server();
  ~Server();  // stops
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Adds routes; call before Start().
  void AddRoutes(std::vector<Route> routes);
  // Binds host:port (port 0: any free port) and returns the port.
  StatusOr<int> Bind(const std::string& host, int port);
  // Serves on a background thread until Stop(); returns once it is listening.
  void Start();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
};

}  // namespace vendor_sample::web

#endif  // VENDOR_SAMPLE_WEB_SERVER_H_
