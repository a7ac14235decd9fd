// Outbound HTTP: the one client-side file that includes httplib.h. Keeps a few keep-alive
// connections per origin, sets TCP_NODELAY, and bounds every call in time and size.
#ifndef VENDOR_SAMPLE_NET_HTTP_CLIENT_H_
#define VENDOR_SAMPLE_NET_HTTP_CLIENT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "vendor-sample/base/status.h"

namespace vendor_sample::net {

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute http(s) URL
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;                 // set with a body
  size_t max_response_bytes = 1024 * 1024;  // a longer body fails the call
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
};

// Anything that sends requests; tests substitute their own.
class HttpSender {
 public:
  virtual ~HttpSender() = default;
  // Any HTTP status is a response; only transport failures are errors: Unavailable (connect,
  // TLS, reset), DeadlineExceeded (the whole exchange took longer than the timeout),
  // ResourceExhausted (the body exceeded max_response_bytes), InvalidArgument (a bad URL).
  // Redirects are not followed. Thread-safe.
  virtual StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

class HttpClient : public HttpSender {
 public:
  // `verify_tls` false is a planted bug (VENDOR_BUGS=tls-no-verify): certificates are not checked.
  explicit HttpClient(int64_t timeout_ms, bool verify_tls = true);
  ~HttpClient() override;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  StatusOr<HttpResponse> Send(const HttpRequest& request) override;

  // The proxy for an origin, from the environment as curl and Python requests read it
  // (HTTPS_PROXY / HTTP_PROXY, lower case too, minus NO_PROXY): how a vendor's unmodified code
  // reaches mpemu under the marketplaces' real hostnames. Empty host: connect directly.
  struct Proxy {
    std::string host;
    int port = 0;
  };
  Proxy ProxyFor(const std::string& origin) const;

 private:
  struct Connection;
  std::unique_ptr<Connection> Acquire(const std::string& origin);
  void Release(std::unique_ptr<Connection> connection);


  const int64_t timeout_ms_;
  const bool verify_tls_;
  Proxy https_proxy_;
  Proxy http_proxy_;
  std::vector<std::string> no_proxy_;
  std::mutex mu_;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;  // by origin
};

}  // namespace vendor_sample::net

#endif  // VENDOR_SAMPLE_NET_HTTP_CLIENT_H_
