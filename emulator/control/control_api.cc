#include "emulator/control/control_api.h"

#include <cstdlib>
#include <memory>

#include "emulator/core/duration.h"
#include "emulator/core/time_format.h"

namespace mpemu::control {
namespace {

StatusOr<int64_t> ParseInt(const std::string& name, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0) {
    return InvalidArgumentError("query parameter " + name + ": \"" + text + "\" is not an integer");
  }
  return static_cast<int64_t>(v);
}

nlohmann::json ClockJson(const Environment& env) {
  const int64_t now = env.clock->NowMillis();
  return {{"now", FormatRfc3339Millis(now)},
          {"epochMillis", now},
          {"offsetMillis", env.clock->offset_millis()},
          {"offset", FormatDurationMillis(env.clock->offset_millis())},
          {"wallNow", FormatRfc3339Millis(env.wall_clock->NowMillis())}};
}

// Routes that answer while the emulator is still starting (no keys needed).
void AddUngated(http::Pipeline& pipeline, http::Route route) {
  route.waits_for_ready = false;
  pipeline.AddRoute(std::move(route));
}

}  // namespace

StatusOr<journal::Filter> JournalFilterFromParams(const http::Params& params) {
  journal::Filter f;
  for (const auto& [k, v] : params) {
    if (k == "method") f.method = v;
    else if (k == "path") f.path_prefix = v;
    else if (k == "pathContains") f.path_contains = v;
    else if (k == "service") f.service = v;
    else if (k == "route") f.route = v;
    else if (k == "direction") f.direction = v;
    else if (k == "host") f.host = v;
    else if (k == "via") f.via = v;
    else if (k == "status") { MPEMU_ASSIGN_OR_RETURN(int64_t s, ParseInt(k, v)); f.status = static_cast<int>(s); }
    else if (k == "after") { MPEMU_ASSIGN_OR_RETURN(f.after_seq, ParseInt(k, v)); }
    else if (k == "limit") { MPEMU_ASSIGN_OR_RETURN(int64_t l, ParseInt(k, v)); f.limit = static_cast<size_t>(std::max<int64_t>(0, l)); }
    else if (k == "control") f.include_control = v == "true" || v == "1";
    else {
      return InvalidArgumentError("unknown journal filter \"" + k +
                                  "\" (method, path, pathContains, service, route, direction, host, via, "
                                  "status, after, limit, control)");
    }
  }
  return f;
}

void RegisterControlRoutes(ControlHooks hooks, http::Pipeline& pipeline) {
  using http::Reply;
  using http::Request;
  auto h = std::make_shared<ControlHooks>(std::move(hooks));
  pipeline.AddService({"control", {"/_emulator/"}, nullptr});

  AddUngated(pipeline, {"GET", "/_emulator/health", "control.health", "control",
                     [h](Request&) -> StatusOr<Reply> { return Reply::Json(200, h->health()); }});
  AddUngated(pipeline, {"GET", "/_emulator/config", "control.config", "control",
                     [h](Request&) -> StatusOr<Reply> { return Reply::Json(200, h->config()); }});
  pipeline.AddRoute({"POST", "/_emulator/reset", "control.reset", "control",
                     [h](Request& req) -> StatusOr<Reply> {
                       MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonBody(req, true));
                       if (body.is_object() && body.contains("keys") && !body["keys"].is_boolean()) {
                         return InvalidArgumentError("keys: expected true or false");
                       }
                       const bool keys = body.is_object() && body.value("keys", false);
                       MPEMU_RETURN_IF_ERROR(h->reset(keys));
                       return Reply::Json(200, {{"reset", true}, {"keys", keys}});
                     }});
  AddUngated(pipeline, {"GET", "/_emulator/clock", "control.clock", "control",
                     [h](Request&) -> StatusOr<Reply> { return Reply::Json(200, ClockJson(h->env)); }});
  pipeline.AddRoute({"POST", "/_emulator/clock/advance", "control.clock.advance", "control",
                     [h](Request& req) -> StatusOr<Reply> {
                       MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonBody(req));
                       int64_t millis = 0;
                       if (body.is_object() && body.contains("seconds") && body["seconds"].is_number()) {
                         const double ms = body["seconds"].get<double>() * 1000;
                         // Casting a double beyond int64 is undefined; the emulator bounds the rest.
                         if (ms < 0) return InvalidArgumentError("the clock only moves forward");
                         if (ms > 9e18) return InvalidArgumentError("seconds: too large");
                         millis = static_cast<int64_t>(ms);
                       } else if (body.is_object() && body.contains("duration") && body["duration"].is_string()) {
                         MPEMU_ASSIGN_OR_RETURN(millis, ParseDurationMillis(body["duration"].get<std::string>()));
                       } else {
                         return InvalidArgumentError("expected {\"seconds\": N} or {\"duration\": \"61m\"}");
                       }
                       if (millis < 0) return InvalidArgumentError("the clock only moves forward");
                       MPEMU_RETURN_IF_ERROR(h->advance_clock(millis));
                       return Reply::Json(200, ClockJson(h->env));
                     }});
  AddUngated(pipeline, {"GET", "/_emulator/journal", "control.journal", "control",
                     [h](Request& req) -> StatusOr<Reply> {
                       MPEMU_ASSIGN_OR_RETURN(journal::Filter f, JournalFilterFromParams(req.params));
                       nlohmann::json entries = nlohmann::json::array();
                       for (const auto& e : h->env.journal->Query(f)) entries.push_back(journal::Journal::ToJson(e));
                       return Reply::Json(200, {{"entries", entries}, {"nextSeq", h->env.journal->NextSeq()}});
                     }});
  AddUngated(pipeline, {"DELETE", "/_emulator/journal", "control.journal.clear", "control",
                     [h](Request&) -> StatusOr<Reply> {
                       h->env.journal->Clear();
                       return Reply::NoContent();
                     }});
  AddUngated(pipeline, {"GET", "/_emulator/faults", "control.faults", "control",
                     [h](Request&) -> StatusOr<Reply> {
                       nlohmann::json list = nlohmann::json::array();
                       for (const auto& f : h->env.faults->List()) list.push_back(f.ToJson());
                       return Reply::Json(200, {{"faults", list}});
                     }});
  AddUngated(pipeline, {"POST", "/_emulator/faults", "control.faults.add", "control",
                     [h](Request& req) -> StatusOr<Reply> {
                       MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonBody(req));
                       MPEMU_ASSIGN_OR_RETURN(http::Fault f, http::Fault::FromJson(body));
                       f.id = h->env.faults->Add(f);
                       return Reply::Json(201, f.ToJson());
                     }});
  AddUngated(pipeline, {"DELETE", "/_emulator/faults", "control.faults.clear", "control",
                     [h](Request&) -> StatusOr<Reply> {
                       h->env.faults->Clear();
                       return Reply::NoContent();
                     }});
  AddUngated(pipeline, {"DELETE", "/_emulator/faults/([^/]+)", "control.faults.remove", "control",
                     [h](Request& req) -> StatusOr<Reply> {
                       if (!h->env.faults->Remove(req.path_params[0])) {
                         return NotFoundError("no fault \"" + req.path_params[0] + "\"");
                       }
                       return Reply::NoContent();
                     }});
}

}  // namespace mpemu::control
