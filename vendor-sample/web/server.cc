#include "vendor-sample/web/server.h"

#include <httplib.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <utility>

#include "vendor-sample/base/log.h"
#include "vendor-sample/web/html.h"

namespace vendor_sample::web {
namespace {

constexpr size_t kMaxBodyBytes = 64 * 1024;

Request Convert(const httplib::Request& req) {
  Request out;
  out.method = req.method;
  out.path = req.path;
  const size_t q = req.target.find('?');
  if (q != std::string::npos) out.query = ParseUrlEncoded(req.target.substr(q + 1));
  const std::string type = req.get_header_value("Content-Type");
  if (req.method == "POST" && type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    out.form = ParseUrlEncoded(req.body);
  }
  out.cookies = ParseCookies(req.get_header_value("Cookie"));
  for (const auto& [name, value] : req.headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace(std::move(lower), value);
  }
  out.body = req.body;
  for (size_t i = 1; i < req.matches.size(); ++i) out.path_params.push_back(req.matches[i]);
  return out;
}

void Write(const Reply& reply, httplib::Response& res) {
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  res.set_content(reply.body, reply.content_type.c_str());
}

}  // namespace

struct Server::Impl {
  httplib::Server server;
  std::atomic<bool> listen_returned{false};
};

void Server::AddRoutes(std::vector<Route> routes) {
  httplib::Server& svr = impl_->server;
  for (Route& route : routes) {
    auto handler = [h = std::move(route.handler)](const httplib::Request& req,
                                                  httplib::Response& res) {
      Write(h(Convert(req)), res);
    };
    if (route.method == "GET") {
      svr.Get(route.pattern, handler);
    } else if (route.method == "POST") {
      svr.Post(route.pattern, handler);
    } else if (route.method == "PUT") {
      svr.Put(route.pattern, handler);
    } else if (route.method == "DELETE") {
      svr.Delete(route.pattern, handler);
    }
  }
}

Server::Server() : impl_(std::make_unique<Impl>()) {
  httplib::Server& svr = impl_->server;
  svr.set_tcp_nodelay(true);
  svr.set_keep_alive_max_count(1000);
  svr.set_payload_max_length(kMaxBodyBytes);
  svr.set_read_timeout(10, 0);
  svr.set_write_timeout(10, 0);
  svr.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    const bool not_found = res.status == 404;
    Write(ErrorPage(res.status, not_found ? "Not found" : "Request refused",
                    not_found ? "There is no page here."
                              : "The request could not be handled (HTTP " +
                                    std::to_string(res.status) + ")."),
          res);
  });
  svr.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        Log("internal error on " + req.method + " " + req.path + ": " + what);
        Write(ErrorPage(500, "Internal error", "Something went wrong on our side."), res);
      });
  // Defaults for every response; a handler that sets one of these (the page that embeds
  // Pandium's marketplace needs frame-src) keeps its own, and no header is sent twice.
  svr.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    const std::pair<const char*, const char*> kDefaults[] = {
        {"Referrer-Policy", "no-referrer"},
        {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Cache-Control", "no-store"},
        {"Content-Security-Policy",
         "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
         "frame-ancestors 'none'; base-uri 'none'"},
    };
    for (const auto& [name, value] : kDefaults) {
      if (!res.has_header(name)) res.set_header(name, value);
    }
  });
}

Server::~Server() { Stop(); }

StatusOr<int> Server::Bind(const std::string& host, int port) {
  httplib::Server& svr = impl_->server;
  if (port == 0) {
    const int bound = svr.bind_to_any_port(host);
    if (bound <= 0) return UnavailableError("cannot bind " + host + ":0");
    return bound;
  }
  if (!svr.bind_to_port(host, port)) {
    return UnavailableError("cannot bind " + host + ":" + std::to_string(port));
  }
  return port;
}

void Server::Start() {
  thread_ = std::thread([this] {
    impl_->server.listen_after_bind();
    impl_->listen_returned = true;
  });
  // httplib's stop() does nothing until the listen loop runs, so a Stop() right after Start()
  // would leave Stop() joining a thread that listens forever.
  while (!impl_->server.is_running() && !impl_->listen_returned) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void Server::Stop() {
  impl_->server.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace vendor_sample::web
