// The one file of the emulator's client side that includes httplib.h.
#include "emulator/http/client.h"

#include <httplib.h>

namespace mpemu::http {

std::string Response::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

StatusOr<nlohmann::json> Response::Json() const {
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    return InvalidArgumentError("reply is not JSON (byte " + std::to_string(e.byte) + "): " +
                                body.substr(0, 200));
  }
}

struct Client::Impl {
  explicit Impl(const std::string& base) : client(base) {}
  httplib::Client client;
};

Client::Client(const std::string& base_url, ClientOptions options)
    : base_url_(base_url), impl_(std::make_unique<Impl>(base_url)) {
  httplib::Client& c = impl_->client;
  c.set_tcp_nodelay(true);  // see server.cc: without it keep-alive requests stall 44 ms
  c.set_keep_alive(options.keep_alive);
  c.set_connection_timeout(options.connect_timeout_ms / 1000, (options.connect_timeout_ms % 1000) * 1000);
  c.set_read_timeout(options.read_timeout_ms / 1000, (options.read_timeout_ms % 1000) * 1000);
  c.set_write_timeout(options.read_timeout_ms / 1000, (options.read_timeout_ms % 1000) * 1000);
}

Client::~Client() = default;

StatusOr<Response> Client::Send(const std::string& method, const std::string& path_and_query,
                                const Headers& headers, const std::string& body,
                                const std::string& content_type) {
  httplib::Request req;
  req.method = method;
  req.path = path_and_query;
  for (const auto& [k, v] : headers) req.headers.emplace(k, v);
  if (!content_type.empty()) req.headers.emplace("Content-Type", content_type);
  req.body = body;
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  if (!impl_->client.send(req, res, error)) {
    const std::string what = method + " " + base_url_ + path_and_query + ": " + httplib::to_string(error);
    if (error == httplib::Error::Read || error == httplib::Error::Write) {
      // A timeout surfaces as a read error in this httplib version.
      return DeadlineExceededError(what);
    }
    return UnavailableError(what);
  }
  Response out;
  out.status = res.status;
  for (const auto& [k, v] : res.headers) out.headers.emplace(k, v);
  out.body = std::move(res.body);
  return out;
}

StatusOr<std::pair<std::string, std::string>> SplitUrl(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos || (url.compare(0, scheme, "http") != 0 && url.compare(0, scheme, "https") != 0)) {
    return InvalidArgumentError("not an http(s) URL: \"" + url + "\"");
  }
  const size_t path = url.find_first_of("/?", scheme + 3);
  if (path == std::string::npos) return std::make_pair(url, std::string("/"));
  std::string rest = url.substr(path);
  if (rest[0] == '?') rest = "/" + rest;
  return std::make_pair(url.substr(0, path), rest);
}

}  // namespace mpemu::http
