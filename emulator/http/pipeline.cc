#include "emulator/http/pipeline.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <thread>

#include "emulator/core/time_format.h"

namespace mpemu::http {
namespace {

// The literal text a route pattern must start with: everything before the first metacharacter.
std::string LiteralPrefix(const std::string& pattern) {
  std::string out;
  for (char c : pattern) {
    if (std::string("\\^$.|?*+()[]{}").find(c) != std::string::npos) break;
    out.push_back(c);
  }
  return out;
}

// Services without a schema of their own (and paths no service claims) answer in the one error
// shape mpemu uses outside: {error (reason phrase), message, path, status, timeStamp}.
ErrorWriter DefaultErrorWriter(const Clock* clock) {
  return [clock](const Status& status, int http_status, const Request& request) {
    const int code = http_status ? http_status : HttpStatusFor(status);
    nlohmann::ordered_json body = {{"error", ReasonPhrase(code)},
                                   {"message", status.message()},
                                   {"path", request.path},
                                   {"status", code},
                                   {"timeStamp", FormatRfc3339Millis(clock->NowMillis())}};
    return Reply::Json(code, body);
  };
}

// RFC 7386 JSON merge patch.
void MergePatch(nlohmann::json& target, const nlohmann::json& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object()) target = nlohmann::json::object();
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null()) {
      target.erase(key);
    } else {
      MergePatch(target[key], value);
    }
  }
}

}  // namespace

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kResourceExhausted: return 413;
    case StatusCode::kDeadlineExceeded: return 504;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kUnimplemented: return 501;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

StatusOr<nlohmann::json> ParseJsonBody(const Request& request, bool empty_ok) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    if (empty_ok) return nlohmann::json::object();
    return InvalidArgumentError("request body is empty; expected JSON");
  }
  try {
    return nlohmann::json::parse(request.body);
  } catch (const nlohmann::json::parse_error& e) {
    return InvalidArgumentError("malformed JSON body at byte " + std::to_string(e.byte) + ": " +
                                e.what());
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("malformed JSON body: ") + e.what());
  }
}

Pipeline::Pipeline(const Clock* clock, const Clock* wall_clock, journal::Journal* journal,
                   FaultInjector* faults)
    : clock_(clock), wall_clock_(wall_clock), journal_(journal), faults_(faults) {
  fallback_.name = "unknown";
  fallback_.errors = DefaultErrorWriter(clock_);
}

void Pipeline::AddService(ServiceInfo service) {
  if (!service.errors) service.errors = DefaultErrorWriter(clock_);
  services_.push_back(std::move(service));
}

void Pipeline::AddRoute(Route route) {
  compiled_.push_back(CompiledRoute{routes_.size(), LiteralPrefix(route.pattern),
                                    std::regex(route.pattern, std::regex::optimize)});
  routes_.push_back(std::move(route));
}

const ServiceInfo& Pipeline::ServiceForPath(const std::string& path) const {
  const ServiceInfo* best = &fallback_;
  size_t best_len = 0;
  for (const ServiceInfo& s : services_) {
    for (const std::string& prefix : s.path_prefixes) {
      if (prefix.size() >= best_len && path.compare(0, prefix.size(), prefix) == 0) {
        best = &s;
        best_len = prefix.size();
      }
    }
  }
  return *best;
}

void Pipeline::AddVirtualHost(VirtualHost host) { virtual_hosts_.push_back(std::move(host)); }

const VirtualHost* Pipeline::FindVirtualHost(const std::string& host) const {
  for (const VirtualHost& v : virtual_hosts_) {
    if (v.name == host) return &v;
  }
  return nullptr;
}

const ServiceInfo& Pipeline::ServiceForRequest(const Request& request) const {
  const VirtualHost* vhost = FindVirtualHost(request.host);
  if (vhost != nullptr && !vhost->services.empty()) return ServiceNamed(vhost->services.front());
  return ServiceForPath(request.path);
}

std::optional<Reply> Pipeline::ApplyVirtualHost(Request& request, journal::Entry& entry) const {
  const VirtualHost* vhost = FindVirtualHost(request.host);
  if (vhost == nullptr) {
    if (!request.require_virtual_host) return std::nullopt;
    // Reached through the proxy with a host it does not emulate (a later request on a kept-alive
    // connection, or a Host header that differs from the tunnel's): refused, never forwarded.
    std::string names;
    for (const VirtualHost& v : virtual_hosts_) names += (names.empty() ? "" : ", ") + v.name;
    entry.service = "proxy";
    entry.route = "proxy.refused";
    return Reply::Text(403, "mpemu proxy: refusing " + request.method + " to " +
                                (request.host.empty() ? "(no host)" : request.host) +
                                ": mpemu does not emulate this host and never forwards traffic to "
                                "the internet. Emulated hosts: " + names + "\n");
  }
  const std::string& prefix = vhost->path_prefix;
  if (!prefix.empty() && request.path != prefix &&
      request.path.compare(0, prefix.size() + 1, prefix + "/") != 0) {
    request.path = request.path == "/" ? prefix : prefix + request.path;
    entry.path = request.path;
  }
  return std::nullopt;
}

const ServiceInfo& Pipeline::ServiceNamed(const std::string& name) const {
  for (const ServiceInfo& s : services_) {
    if (s.name == name) return s;
  }
  return fallback_;
}

Reply Pipeline::Handle(Request& request) {
  const auto started = std::chrono::steady_clock::now();
  journal::Entry entry;
  entry.time_millis = clock_->NowMillis();
  entry.wall_millis = wall_clock_->NowMillis();
  entry.method = request.method;
  entry.path = request.path;
  entry.query = request.query;
  entry.host = request.host.empty() ? request.Header("Host") : request.host;
  entry.via = request.via;
  entry.body = request.body;
  entry.remote_addr = request.remote_addr;
  for (const auto& [name, value] : request.headers) entry.headers.emplace_back(name, value);

  Reply reply;
  try {
    std::optional<Reply> refused = ApplyVirtualHost(request, entry);
    reply = refused ? std::move(*refused) : Dispatch(request, entry);
  } catch (const std::exception& e) {
    // A bug of ours; the process and its state survive it.
    reply = ServiceForRequest(request)
                .errors(InternalError(std::string("unexpected error: ") + e.what()), 500, request);
  } catch (...) {
    reply = ServiceForRequest(request).errors(InternalError("unexpected error"), 500, request);
  }
  entry.status = reply.status;
  entry.reply_content_type = reply.content_type;
  entry.reply_body = reply.body;
  entry.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  journal_->Record(std::move(entry));
  return reply;
}

Reply Pipeline::Dispatch(Request& request, journal::Entry& entry) {
  // Route lookup. A path that matches routes of other methods only is a 405. Under a virtual host
  // only that host's services exist.
  const VirtualHost* vhost = FindVirtualHost(request.host);
  const Route* route = nullptr;
  bool path_known = false;
  std::smatch match;
  for (const CompiledRoute& c : compiled_) {
    if (request.path.compare(0, c.literal_prefix.size(), c.literal_prefix) != 0) continue;
    if (vhost != nullptr && std::find(vhost->services.begin(), vhost->services.end(),
                                      routes_[c.index].service) == vhost->services.end()) {
      continue;
    }
    if (!std::regex_match(request.path, match, c.regex)) continue;
    path_known = true;
    const Route& candidate = routes_[c.index];
    // HEAD is GET without the body (RFC 9110 9.3.2); httplib drops the body.
    if (candidate.method != request.method && !(request.method == "HEAD" && candidate.method == "GET")) continue;
    route = &candidate;
    request.path_params.clear();
    for (size_t i = 1; i < match.size(); ++i) request.path_params.push_back(match[i].str());
    break;
  }
  if (route == nullptr) {
    const ServiceInfo& service = ServiceForRequest(request);
    entry.service = service.name;
    if (path_known) {
      return service.errors(
          InvalidArgumentError("method " + request.method + " is not allowed on " + request.path),
          405, request);
    }
    return service.errors(NotFoundError("no such endpoint: " + request.method + " " + request.path),
                          404, request);
  }
  entry.service = route->service;
  entry.route = route->name;
  const ServiceInfo& service = ServiceNamed(route->service);

  std::optional<Fault> fault = faults_->Take(request.method, request.path, route->name);
  if (fault) {
    entry.fault = fault->id;
    if (fault->delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(fault->delay_ms));
    if (fault->status || fault->body) {
      Reply r;
      r.status = fault->status.value_or(200);
      r.body = fault->body.value_or("");
      if (!r.body.empty()) r.content_type = fault->content_type;
      return r;
    }
  }

  Reply reply;
  Status failed;
  if (route->waits_for_ready && ready_gate_) failed = ready_gate_();
  for (size_t i = 0; failed.ok() && i < route->stages.size(); ++i) failed = route->stages[i](request);
  if (failed.ok()) {
    StatusOr<Reply> result = route->handler(request);
    if (result.ok()) {
      reply = std::move(result).value();
    } else {
      failed = result.status();
    }
  }
  if (!failed.ok()) reply = service.errors(failed, 0, request);

  if (fault && fault->merge_patch && reply.content_type.rfind("application/json", 0) == 0) {
    nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, false);
    if (!body.is_discarded()) {
      MergePatch(body, *fault->merge_patch);
      reply.body = body.dump();
    }
  }
  return reply;
}

Reply Pipeline::HandleTransportError(Request& request, int http_status, const std::string& message) {
  journal::Entry entry;
  entry.time_millis = clock_->NowMillis();
  entry.wall_millis = wall_clock_->NowMillis();
  entry.method = request.method;
  entry.path = request.path;
  entry.query = request.query;
  entry.host = request.host.empty() ? request.Header("Host") : request.host;
  entry.via = request.via;
  entry.remote_addr = request.remote_addr;
  for (const auto& [name, value] : request.headers) entry.headers.emplace_back(name, value);
  const ServiceInfo& service = ServiceForRequest(request);
  entry.service = service.name;
  const StatusCode code = http_status == 413 ? StatusCode::kResourceExhausted
                                             : StatusCode::kInvalidArgument;
  Reply reply = service.errors(Status(code, message), http_status, request);
  entry.status = reply.status;
  entry.reply_content_type = reply.content_type;
  entry.reply_body = reply.body;
  journal_->Record(std::move(entry));
  return reply;
}

}  // namespace mpemu::http
