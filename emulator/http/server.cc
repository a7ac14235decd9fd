// The one file of the emulator's server side that includes httplib.h.
#include "emulator/http/server.h"

#include <httplib.h>

#include <chrono>

namespace mpemu::http {
namespace {

Request FromHttplib(const httplib::Request& in) {
  Request out;
  out.method = in.method;
  out.path = in.path;
  const size_t q = in.target.find('?');
  if (q != std::string::npos) out.query = in.target.substr(q + 1);
  for (const auto& [k, v] : in.params) out.params.emplace(k, v);
  for (const auto& [k, v] : in.headers) {
    // httplib adds these for its own bookkeeping; they were not sent by the client.
    if (k == "REMOTE_ADDR" || k == "REMOTE_PORT" || k == "LOCAL_ADDR" || k == "LOCAL_PORT") continue;
    out.headers.emplace(k, v);
  }
  out.body = in.body;
  out.remote_addr = in.remote_addr;
  return out;
}

void ToHttplib(const Reply& in, httplib::Response& out) {
  out.status = in.status;
  for (const auto& [k, v] : in.headers) out.headers.emplace(k, v);
  if (!in.content_type.empty()) {
    out.set_content(in.body, in.content_type.c_str());
  } else {
    out.body = in.body;
  }
}

}  // namespace

struct Server::Impl {
  httplib::Server server;
};

Server::Server(ServerOptions options, Pipeline* pipeline)
    : options_(std::move(options)), pipeline_(pipeline), impl_(std::make_unique<Impl>()) {
  httplib::Server& s = impl_->server;
  // Debian's cpp-httplib is compiled: tune at run time. Without TCP_NODELAY every keep-alive
  // reply stalls 44 ms (Nagle meets delayed ACK); the pool must cover the open connections.
  s.set_tcp_nodelay(true);
  const size_t threads = options_.threads;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  s.set_keep_alive_max_count(static_cast<size_t>(options_.keep_alive_max_count));
  s.set_keep_alive_timeout(options_.keep_alive_timeout_seconds);
  s.set_read_timeout(options_.read_timeout_seconds, 0);
  s.set_payload_max_length(options_.max_body_bytes);

  auto handle = [this](const httplib::Request& req, httplib::Response& res) {
    Request request = FromHttplib(req);
    ToHttplib(pipeline_->Handle(request), res);
  };
  // Methods that may carry a body go through a content reader: httplib 0.11 would otherwise wait
  // for the connection to close when a request has neither Content-Length nor chunked encoding
  // (`curl -X POST` without data), stalling for the read timeout. RFC 9112 6.3: such a request has
  // an empty body.
  auto handle_with_body = [this](const httplib::Request& req, httplib::Response& res,
                                 const httplib::ContentReader& reader) {
    Request request = FromHttplib(req);
    if (req.has_header("Content-Length") || req.has_header("Transfer-Encoding")) {
      std::string body;
      bool too_large = false;
      const size_t limit = options_.max_body_bytes;
      const bool ok = reader([&](const char* data, size_t length) {
        if (body.size() + length > limit) {
          too_large = true;
          return false;
        }
        body.append(data, length);
        return true;
      });
      if (!ok) {
        const int status = too_large || res.status == 413 ? 413 : 400;
        const std::string message =
            status == 413 ? "request body exceeds the limit of " + std::to_string(limit) + " bytes"
                          : "the request body could not be read";
        ToHttplib(pipeline_->HandleTransportError(request, status, message), res);
        return;
      }
      request.body = std::move(body);
    }
    ToHttplib(pipeline_->Handle(request), res);
  };
  const std::string any = ".*";
  s.Get(any, handle);
  s.Post(any, handle_with_body);
  s.Put(any, handle_with_body);
  s.Patch(any, handle_with_body);
  s.Delete(any, handle_with_body);
  s.Options(any, handle);

  // Errors httplib detects itself (body over the limit, malformed request) reach here with an
  // empty body; give them the service's error schema.
  s.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    Request request = FromHttplib(req);
    std::string message = std::string(ReasonPhrase(res.status));
    if (res.status == 413) {
      message = "request body exceeds the limit of " + std::to_string(options_.max_body_bytes) + " bytes";
    }
    ToHttplib(pipeline_->HandleTransportError(request, res.status, message), res);
    return httplib::Server::HandlerResponse::Handled;
  }));
  s.set_exception_handler([this](const httplib::Request& req, httplib::Response& res,
                                 std::exception_ptr) {
    Request request = FromHttplib(req);
    ToHttplib(pipeline_->HandleTransportError(request, 500, "unexpected error"), res);
  });
}

Server::~Server() { Stop(); }

Status Server::Start() {
  httplib::Server& s = impl_->server;
  if (options_.port == 0) {
    port_ = s.bind_to_any_port(options_.host.c_str());
    if (port_ < 0) return UnavailableError("cannot bind to " + options_.host);
  } else {
    if (!s.bind_to_port(options_.host.c_str(), options_.port)) {
      return UnavailableError("cannot listen on " + options_.host + ":" +
                              std::to_string(options_.port) + " (in use? try --port 0)");
    }
    port_ = options_.port;
  }
  thread_ = std::thread([&s] { s.listen_after_bind(); });
  // The socket already listens (connections queue in the backlog); wait until the accept loop runs
  // so that an immediate Stop() cannot race with its start.
  while (!s.is_running()) std::this_thread::sleep_for(std::chrono::microseconds(50));
  return Status::Ok();
}

void Server::Stop() {
  impl_->server.stop();
  if (thread_.joinable()) thread_.join();
}

std::string Server::base_url() const {
  const std::string host = options_.host == "0.0.0.0" ? "127.0.0.1" : options_.host;
  return "http://" + host + ":" + std::to_string(port_);
}

}  // namespace mpemu::http
