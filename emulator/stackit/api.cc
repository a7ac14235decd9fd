#include "emulator/stackit/api.h"

#include "emulator/core/ids.h"
#include "emulator/core/time_format.h"

namespace mpemu::stackit {
namespace {

constexpr char kProjectPattern[] = "/v1/vendors/projects/([^/]+)";

http::Stage BearerStage(Service* service) {
  return [service](http::Request& req) -> Status {
    MPEMU_ASSIGN_OR_RETURN(std::string project, service->AuthenticateBearer(req.Header("Authorization")));
    req.context["auth.project"] = project;
    const std::string& path_project = req.path_params.at(0);
    if (!IsCanonicalUuid(path_project)) {
      return InvalidArgumentError("Validation of projectId failed: \"" + path_project.substr(0, 64) +
                                  "\" is not a UUID.");
    }
    if (path_project != project) {
      return PermissionDeniedError("Access to this resource is forbidden: the credentials are for "
                                   "vendor project " + project + ", not " + path_project + ".");
    }
    return Status::Ok();
  };
}

StatusOr<http::Reply> Json(StatusOr<nlohmann::json> result) {
  if (!result.ok()) return result.status();
  return http::Reply::Json(200, *result);
}

}  // namespace

http::Reply ErrorReply(const Service& service, const Status& status, int http_status,
                       const http::Request& request) {
  int code = http_status;
  if (code == 0) {
    code = status.code() == StatusCode::kFailedPrecondition ? 400 : http::HttpStatusFor(status);
  }
  nlohmann::ordered_json body = {{"error", http::ReasonPhrase(code)},
                                 {"message", status.message()},
                                 {"path", request.path},
                                 {"status", code},
                                 {"timeStamp", FormatRfc3339Millis(service.env().clock->NowMillis())}};
  return http::Reply::Json(code, body);
}

void RegisterApiRoutes(Service* service, http::Pipeline& pipeline) {
  auto errors = [service](const Status& s, int code, const http::Request& r) {
    return ErrorReply(*service, s, code, r);
  };
  pipeline.AddService({"stackit.keys", {"/v1/resolve-customer/", "/.well-known/"}, errors});
  pipeline.AddService({"stackit.token", {"/token"}, errors});
  pipeline.AddService({"stackit.api", {"/v1/"}, errors});

  pipeline.AddRoute({"GET", "/v1/resolve-customer/keys\\.json", "stackit.keys", "stackit.keys", [service](http::Request&) -> StatusOr<http::Reply> {
                       http::Reply r;
                       r.body = service->redirect_keys().KeysJsonBody();
                       r.content_type = "application/json";
                       return r;
                     }});
  pipeline.AddRoute({"GET", "/\\.well-known/jwks\\.json", "stackit.jwks", "stackit.keys",
                     [service](http::Request&) -> StatusOr<http::Reply> {
                       http::Reply r;
                       r.body = service->redirect_keys().JwksBody();
                       r.content_type = "application/json";
                       return r;
                     }});

  pipeline.AddRoute({"POST", "/token", "stackit.token", "stackit.token",
                     [service](http::Request& req) -> StatusOr<http::Reply> {
                       const std::string type = req.Header("Content-Type");
                       if (type.rfind("application/x-www-form-urlencoded", 0) != 0) {
                         return InvalidArgumentError(
                             "Validation of request failed: Content-Type must be "
                             "application/x-www-form-urlencoded, got \"" + type + "\".");
                       }
                       // The form comes from the body only: query parameters must not be able
                       // to smuggle grant fields in.
                       MPEMU_ASSIGN_OR_RETURN(nlohmann::json tokens,
                                              service->TokenGrant(http::ParseFormUrlEncoded(req.body)));
                       http::Reply r = http::Reply::Json(200, tokens);
                       r.WithHeader("Cache-Control", "no-store");
                       return r;
                     }});

  const std::string base = kProjectPattern;
  const http::Stage bearer = BearerStage(service);
  pipeline.AddRoute({"POST", base + "/resolve-customer", "stackit.resolve-customer", "stackit.api",
                     [service](http::Request& req) -> StatusOr<http::Reply> {
                       MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonBody(req));
                       if (!body.is_object() || !body.contains("token") || !body["token"].is_string()) {
                         return InvalidArgumentError(
                             "Validation of token failed: the body must be {\"token\": \"<the "
                             "x-stackit-marketplace-token>\"}.");
                       }
                       return Json(service->ResolveCustomer(req.path_params[0],
                                                            body["token"].get<std::string>()));
                     },
                     {bearer}});
  pipeline.AddRoute({"GET", base + "/subscriptions", "stackit.list-subscriptions", "stackit.api",
                     [service](http::Request& req) -> StatusOr<http::Reply> {
                       ListRequest lr;
                       lr.cursor = req.Param("cursor").value_or("");
                       lr.limit = req.Param("limit");
                       lr.product_id = req.Param("productId").value_or("");
                       const std::string inc = req.Param("includeExpired").value_or("false");
                       if (inc != "true" && inc != "false") {
                         return InvalidArgumentError("Validation of includeExpired failed: expected true or false.");
                       }
                       lr.include_expired = inc == "true";
                       return Json(service->ListSubscriptions(req.path_params[0], lr));
                     },
                     {bearer}});
  pipeline.AddRoute({"GET", base + "/subscriptions/([^/]+)", "stackit.get-subscription", "stackit.api",
                     [service](http::Request& req) -> StatusOr<http::Reply> {
                       return Json(service->GetSubscription(req.path_params[0], req.path_params[1]));
                     },
                     {bearer}});
  pipeline.AddRoute({"POST", base + "/subscriptions/([^/]+)/approve", "stackit.approve", "stackit.api",
                     [service](http::Request& req) -> StatusOr<http::Reply> {
                       // Accepted bodies: none (what both reference clients send), {}, null, or
                       // {"instanceTarget": "<url>"}.
                       MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonBody(req, /*empty_ok=*/true));
                       std::optional<std::string> target;
                       if (!body.is_null()) {
                         if (!body.is_object()) {
                           return InvalidArgumentError("Validation of body failed: expected a JSON object.");
                         }
                         if (body.contains("instanceTarget") && !body["instanceTarget"].is_null()) {
                           if (!body["instanceTarget"].is_string()) {
                             return InvalidArgumentError("Validation of instanceTarget failed: expected a string.");
                           }
                           target = body["instanceTarget"].get<std::string>();
                           if (target->size() > 512) {
                             return InvalidArgumentError("Validation of instanceTarget failed: longer than 512 characters.");
                           }
                         }
                       }
                       Status s = service->Approve(req.path_params[0], req.path_params[1], target);
                       if (s.code() == StatusCode::kFailedPrecondition) {
                         return ErrorReply(*service, s, service->config().approve_non_pending_status, req);
                       }
                       if (!s.ok()) return s;
                       return http::Reply::NoContent();
                     },
                     {bearer}});
  pipeline.AddRoute({"POST", base + "/subscriptions/([^/]+)/reject", "stackit.reject", "stackit.api",
                     [service](http::Request& req) -> StatusOr<http::Reply> {
                       Status s = service->Reject(req.path_params[0], req.path_params[1]);
                       if (s.code() == StatusCode::kFailedPrecondition) {
                         return ErrorReply(*service, s, service->config().reject_non_preview_status, req);
                       }
                       if (!s.ok()) return s;
                       return http::Reply::NoContent();
                     },
                     {bearer}});
}

}  // namespace mpemu::stackit
