#include "vendor-sample/net/http_client.h"

#include <httplib.h>

#include <chrono>

#include "vendor-sample/net/url.h"

namespace vendor_sample::net {

struct HttpClient::Connection {
  explicit Connection(const std::string& o) : origin(o), client(o) {}
  std::string origin;
  httplib::Client client;
};

namespace {
constexpr size_t kMaxIdlePerOrigin = 4;
}  // namespace

HttpClient::HttpClient(int64_t timeout_ms) : timeout_ms_(timeout_ms) {}

HttpClient::~HttpClient() = default;

std::unique_ptr<HttpClient::Connection> HttpClient::Acquire(const std::string& origin) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = idle_.find(origin);
    if (it != idle_.end() && !it->second.empty()) {
      std::unique_ptr<Connection> c = std::move(it->second.back());
      it->second.pop_back();
      return c;
    }
  }
  auto c = std::make_unique<Connection>(origin);
  httplib::Client& client = c->client;
  client.set_tcp_nodelay(true);
  client.set_keep_alive(true);
  client.set_follow_location(false);
  const time_t sec = static_cast<time_t>(timeout_ms_ / 1000);
  const time_t usec = static_cast<time_t>((timeout_ms_ % 1000) * 1000);
  client.set_connection_timeout(sec, usec);
  client.set_read_timeout(sec, usec);
  client.set_write_timeout(sec, usec);
  return c;
}

void HttpClient::Release(std::unique_ptr<Connection> connection) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& idle = idle_[connection->origin];
  if (idle.size() < kMaxIdlePerOrigin) idle.push_back(std::move(connection));
}

StatusOr<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  VS_ASSIGN_OR_RETURN(SplitUrlResult url, SplitUrl(request.url));
  std::unique_ptr<Connection> connection = Acquire(url.origin);

  httplib::Request req;
  req.method = request.method;
  req.path = url.target;
  for (const auto& [name, value] : request.headers) req.headers.emplace(name, value);
  if (!request.content_type.empty()) req.headers.emplace("Content-Type", request.content_type);
  req.body = request.body;

  // The body goes through a receiver so that it is bounded in size and the whole exchange in
  // time (httplib's read timeout is per read, and a server can drip bytes forever).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
  std::string body;
  bool too_large = false;
  bool too_slow = false;
  req.content_receiver = [&](const char* data, size_t len, uint64_t, uint64_t) {
    if (std::chrono::steady_clock::now() > deadline) {
      too_slow = true;
      return false;
    }
    if (body.size() + len > request.max_response_bytes) {
      too_large = true;
      return false;
    }
    body.append(data, len);
    return true;
  };

  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  const bool sent = connection->client.send(req, res, error);
  const std::string what =
      request.method + " " + url.origin + url.target.substr(0, url.target.find('?'));
  if (too_large) {
    return ResourceExhaustedError(what + ": response larger than " +
                                  std::to_string(request.max_response_bytes) + " bytes");
  }
  if (too_slow || std::chrono::steady_clock::now() > deadline) {
    return DeadlineExceededError(what + ": no complete response within " +
                                 std::to_string(timeout_ms_) + " ms");
  }
  if (!sent) {
    if (error == httplib::Error::Read || error == httplib::Error::Write) {
      return DeadlineExceededError(what + ": " + httplib::to_string(error));
    }
    return UnavailableError(what + ": " + httplib::to_string(error));
  }
  HttpResponse out;
  out.status = res.status;
  out.body = body.empty() ? std::move(res.body) : std::move(body);
  out.content_type = res.get_header_value("Content-Type");
  Release(std::move(connection));
  return out;
}

}  // namespace vendor_sample::net
