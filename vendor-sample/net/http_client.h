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
  explicit HttpClient(int64_t timeout_ms);
  ~HttpClient() override;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  StatusOr<HttpResponse> Send(const HttpRequest& request) override;

 private:
  struct Connection;
  std::unique_ptr<Connection> Acquire(const std::string& origin);
  void Release(std::unique_ptr<Connection> connection);

  const int64_t timeout_ms_;
  std::mutex mu_;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;  // by origin
};

}  // namespace vendor_sample::net

#endif  // VENDOR_SAMPLE_NET_HTTP_CLIENT_H_
