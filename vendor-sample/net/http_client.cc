#include "vendor-sample/net/http_client.h"

#include <httplib.h>

#include <cctype>
#include <chrono>
#include <cstdlib>

#include "vendor-sample/net/url.h"

namespace vendor_sample::net {

struct HttpClient::Connection {
  explicit Connection(const std::string& o) : origin(o), client(o) {}
  std::string origin;
  httplib::Client client;
};

namespace {
constexpr size_t kMaxIdlePerOrigin = 4;

std::string Env(const char* upper, const char* lower) {
  const char* v = std::getenv(lower);
  if (v == nullptr || *v == '\0') v = std::getenv(upper);
  return v == nullptr ? "" : v;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "http://127.0.0.1:8901" (or "127.0.0.1:8901") -> host and port; an unusable value: no proxy.
HttpClient::Proxy ParseProxy(const std::string& value) {
  HttpClient::Proxy proxy;
  std::string rest = value;
  const size_t scheme = rest.find("://");
  if (scheme != std::string::npos) rest = rest.substr(scheme + 3);
  rest = rest.substr(0, rest.find('/'));
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0) return proxy;
  try {
    proxy.port = std::stoi(rest.substr(colon + 1));
  } catch (const std::exception&) {
    return proxy;
  }
  proxy.host = rest.substr(0, colon);
  if (proxy.host.size() > 2 && proxy.host.front() == '[') proxy.host = proxy.host.substr(1, proxy.host.size() - 2);
  return proxy;
}

}  // namespace

HttpClient::HttpClient(int64_t timeout_ms, bool verify_tls)
    : timeout_ms_(timeout_ms),
      verify_tls_(verify_tls),
      https_proxy_(ParseProxy(Env("HTTPS_PROXY", "https_proxy"))),
      http_proxy_(ParseProxy(Env("HTTP_PROXY", "http_proxy"))) {
  std::string list = Lower(Env("NO_PROXY", "no_proxy"));
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string entry = list.substr(start, comma - start);
    entry.erase(0, entry.find_first_not_of(' '));
    entry.erase(entry.find_last_not_of(' ') + 1);
    if (!entry.empty() && entry.front() == '.') entry.erase(0, 1);
    if (!entry.empty()) no_proxy_.push_back(entry);
    start = comma + 1;
  }
}

HttpClient::Proxy HttpClient::ProxyFor(const std::string& origin) const {
  const bool https = origin.rfind("https://", 0) == 0;
  const Proxy& proxy = https ? https_proxy_ : http_proxy_;
  if (proxy.host.empty()) return proxy;
  std::string host = Lower(origin.substr(origin.find("://") + 3));
  if (!host.empty() && host.front() == '[') {
    host = host.substr(1, host.find(']') - 1);
  } else {
    host = host.substr(0, host.rfind(':') == std::string::npos ? host.size() : host.rfind(':'));
  }
  for (const std::string& entry : no_proxy_) {
    // NO_PROXY as curl reads it: "*", an exact host, or a domain suffix.
    if (entry == "*" || host == entry ||
        (host.size() > entry.size() && host.compare(host.size() - entry.size(), entry.size(), entry) == 0 &&
         host[host.size() - entry.size() - 1] == '.')) {
      return Proxy{};
    }
  }
  return proxy;
}

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
  // TLS trust is OpenSSL's default, which honours SSL_CERT_FILE / SSL_CERT_DIR.
  client.enable_server_certificate_verification(verify_tls_);
  const Proxy proxy = ProxyFor(origin);
  if (!proxy.host.empty()) client.set_proxy(proxy.host.c_str(), proxy.port);
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
