#include "emulator/clevercloud/api.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace mpemu::clevercloud {
namespace {

constexpr char kAppsPath[] = "/v2/vendor/apps";

std::string LowerRegion(std::string region) {
  for (char& c : region) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return region;
}

StatusOr<size_t> ParseOffset(const http::Request& req) {
  const std::optional<std::string> text = req.Param("offset");
  if (!text) return size_t{0};
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text->c_str(), &end, 10);
  if (text->empty() || *end != '\0' || errno != 0 || v < 0) {
    return InvalidArgumentError("offset: expected a non-negative integer, got \"" +
                                text->substr(0, 32) + "\"");
  }
  return static_cast<size_t>(v);
}

}  // namespace

http::Reply ErrorReply(const Status& status, int http_status) {
  const int code = http_status != 0 ? http_status : http::HttpStatusFor(status);
  // Clever's API errors carry a numeric id; its values are not public, the HTTP status is as good.
  nlohmann::ordered_json body = {{"id", code}, {"message", status.message()}, {"type", "error"}};
  http::Reply reply = http::Reply::Json(code, body);
  if (code == 401) reply.WithHeader("WWW-Authenticate", "Basic realm=\"Clever Cloud add-on API\"");
  return reply;
}

nlohmann::json AppView(const Service& service, const Addon& a) {
  nlohmann::json emails = nlohmann::json::array({a.owner_email});
  if (!a.user_email.empty() && a.user_email != a.owner_email) emails.push_back(a.user_email);
  (void)service;
  return {{"id", a.addon_id},
          {"name", a.name},
          {"config", a.config},
          {"callback_url", a.callback_url},
          {"owner_email", a.owner_email},
          {"owner_id", a.owner_id},
          {"owner_name", a.owner_name},
          {"owner_emails", emails},
          {"region", LowerRegion(a.region)},
          {"domains", nlohmann::json::array()}};
}

nlohmann::json AppListItem(const Service& service, const Addon& a) {
  return {
      {"provider_id", service.manifest().id}, {"addon_id", a.addon_id}, {"heroku_id", a.addon_id},
      {"callback_url", a.callback_url},       {"plan", a.plan},         {"owner_id", a.owner_id}};
}

void RegisterApiRoutes(Service* service, http::Pipeline& pipeline) {
  using http::Reply;
  using http::Request;
  pipeline.AddService({kApiService, {"/v2/vendor/"}, [](const Status& s, int code, const Request&) {
                         return ErrorReply(s, code);
                       }});
  // Authentication runs before anything reads the body (catalogue D-15: 401, not 400).
  const http::Stage basic = [service](Request& req) -> Status {
    return service->AuthenticateVendor(req.Header("Authorization"));
  };
  const std::string one = std::string(kAppsPath) + "/([^/]+)";
  auto add = [&](const char* method, const std::string& pattern, const char* name,
                 http::Handler handler) {
    pipeline.AddRoute({method, pattern, name, kApiService, std::move(handler), {basic}});
  };

  add("GET", kAppsPath, "clevercloud.apps-list", [service](Request& req) -> StatusOr<Reply> {
    MPEMU_ASSIGN_OR_RETURN(size_t offset, ParseOffset(req));
    MPEMU_ASSIGN_OR_RETURN(std::vector<Addon> all, service->All());
    nlohmann::json items = nlohmann::json::array();
    size_t index = 0;
    for (const Addon& a : all) {
      // Only what exists on Clever's side: provisioned and not yet deleted.
      if (a.status != kActive) continue;
      if (index++ < offset) continue;
      items.push_back(AppListItem(*service, a));
    }
    return Reply::Json(200, items);
  });
  add("GET", one, "clevercloud.apps-get", [service](Request& req) -> StatusOr<Reply> {
    MPEMU_ASSIGN_OR_RETURN(Addon a, service->FindVisible(req.path_params[0]));
    return Reply::Json(200, AppView(*service, a));
  });
  add("PUT", one, "clevercloud.apps-update", [service](Request& req) -> StatusOr<Reply> {
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonBody(req));
    if (!body.is_object() || !body.contains("config")) {
      return InvalidArgumentError("expected {\"config\": {\"<CONFIG_VAR>\": \"<value>\"}}");
    }
    MPEMU_ASSIGN_OR_RETURN(Addon a, service->UpdateConfig(req.path_params[0], body["config"]));
    return Reply::Json(200, AppView(*service, a));
  });
}

}  // namespace mpemu::clevercloud
