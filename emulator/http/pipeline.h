// The request pipeline, after cpp-httplib's (pre-routing, route, post-routing, exception handler)
// but transport-free, so handlers are tested without sockets:
//
//   journal start -> route lookup (404/405 in the service's dialect) -> injected fault?
//   -> route stages (authentication, ...) -> handler -> error mapping -> fault patch -> journal
//
// Each *service* (a group of routes that a real host serves: "stackit.api", "stackit.keys",
// "stackit.token", "control", ...) owns an ErrorWriter that turns a Status into a reply in that
// protocol's own error schema. Handlers return values; only the writer shapes errors.
#ifndef MPEMU_EMULATOR_HTTP_PIPELINE_H_
#define MPEMU_EMULATOR_HTTP_PIPELINE_H_

#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/status.h"
#include "emulator/http/faults.h"
#include "emulator/http/message.h"
#include "emulator/journal/journal.h"

namespace mpemu::http {

using Handler = std::function<StatusOr<Reply>(Request&)>;
using Stage = std::function<Status(Request&)>;
// `status` is never OK. `http_status` is the HTTP status the pipeline chose (for transport-level
// errors such as 404, 405, 413); 0 means "map the Status code yourself".
using ErrorWriter = std::function<Reply(const Status& status, int http_status, const Request&)>;

struct Route {
  Route(std::string method_, std::string pattern_, std::string name_, std::string service_,
        Handler handler_, std::vector<Stage> stages_ = {}, bool waits_for_ready_ = true)
      : method(std::move(method_)),
        pattern(std::move(pattern_)),
        name(std::move(name_)),
        service(std::move(service_)),
        handler(std::move(handler_)),
        stages(std::move(stages_)),
        waits_for_ready(waits_for_ready_) {}

  std::string method;   // "GET", "POST", ...
  std::string pattern;  // ECMAScript regex over the whole decoded path; captures -> path_params
  std::string name;     // stable id used by the journal, faults and scenarios
  std::string service;  // the service (host) it belongs to
  Handler handler;
  std::vector<Stage> stages;  // run in order before the handler; an error stops the request
  bool waits_for_ready = true;  // false for routes that must answer during start-up (health)
};

struct ServiceInfo {
  std::string name;
  std::vector<std::string> path_prefixes;  // which unmatched paths get this service's 404
  // Null: the default {error (reason phrase), message, path, status, timeStamp}, which paths that
  // no service claims get too.
  ErrorWriter errors;
};

// A production hostname the emulator answers for (through the proxy, `serve --tls` or a hosts
// file): only the routes of `services` are reachable under it, and its paths get `path_prefix`
// inside the emulator unless they already start with it (Pandium's `/<account>` is
// `/pandium/<account>` here).
struct VirtualHost {
  std::string name;  // lower case: "keys.marketplace.stackit.cloud"
  std::string kind;  // what it emulates, for messages and /_emulator/config: "stackit.keys"
  std::vector<std::string> services;
  std::string path_prefix;
};

class Pipeline {
 public:
  // Clocks and journal are not owned and must outlive the pipeline.
  Pipeline(const Clock* clock, const Clock* wall_clock, journal::Journal* journal,
           FaultInjector* faults);
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Registration happens before serving starts; not thread-safe with Handle.
  void AddService(ServiceInfo service);
  void AddRoute(Route route);
  const std::vector<Route>& routes() const { return routes_; }
  // A request whose `host` names a virtual host is served by that host's services only. A request
  // with `require_virtual_host` and any other host gets 403 naming the host and the list.
  void AddVirtualHost(VirtualHost host);
  const std::vector<VirtualHost>& virtual_hosts() const { return virtual_hosts_; }
  const VirtualHost* FindVirtualHost(const std::string& host) const;
  // Called before every route that waits_for_ready; an error fails the request (start-up work,
  // such as key generation, runs in the background while health already answers).
  void SetReadyGate(std::function<Status()> gate) { ready_gate_ = std::move(gate); }

  // Runs the whole pipeline and journals the exchange. Thread-safe. Never throws.
  Reply Handle(Request& request);

  // For errors the transport detects before a request is complete (body too large, bad request
  // line): builds the reply in the dialect of the service the path belongs to, and journals it.
  Reply HandleTransportError(Request& request, int http_status, const std::string& message);

 private:
  struct CompiledRoute {
    size_t index;
    std::string literal_prefix;  // cheap pre-check before the regex
    std::regex regex;
  };
  const ServiceInfo& ServiceForPath(const std::string& path) const;
  // ServiceForPath, restricted to the request's virtual host when it has one.
  const ServiceInfo& ServiceForRequest(const Request& request) const;
  // Applies the virtual host (path prefix) or refuses the request; nullopt to go on routing.
  std::optional<Reply> ApplyVirtualHost(Request& request, journal::Entry& entry) const;
  const ServiceInfo& ServiceNamed(const std::string& name) const;
  Reply Dispatch(Request& request, journal::Entry& entry);

  const Clock* clock_;
  const Clock* wall_clock_;
  journal::Journal* journal_;
  FaultInjector* faults_;
  std::vector<Route> routes_;
  std::vector<CompiledRoute> compiled_;
  std::vector<ServiceInfo> services_;
  std::vector<VirtualHost> virtual_hosts_;
  ServiceInfo fallback_;
  std::function<Status()> ready_gate_;
};

// Maps a Status code to the usual HTTP status (INVALID_ARGUMENT 400, NOT_FOUND 404, ...).
int HttpStatusFor(const Status& status);

// Parses a JSON request body; errors name the byte offset. An empty body is an error unless
// `empty_ok` (then it yields an empty object).
StatusOr<nlohmann::json> ParseJsonBody(const Request& request, bool empty_ok = false);

}  // namespace mpemu::http

#endif  // MPEMU_EMULATOR_HTTP_PIPELINE_H_
