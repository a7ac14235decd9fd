// /_emulator/stackit/...: what the customer and the marketplace operator do, for scenarios, the
// CLI and curl.
#include "emulator/core/time_format.h"
#include "emulator/stackit/api.h"

namespace mpemu::stackit {
namespace {

nlohmann::json ControlJson(const Service& service, const Subscription& s) {
  nlohmann::json history = nlohmann::json::array();
  for (const auto& h : s.history) {
    history.push_back({{"state", h.state}, {"at", FormatRfc3339Millis(h.at)}, {"reason", h.reason}});
  }
  nlohmann::json j = {{"subscriptionId", s.subscription_id},
                      {"vendorProjectId", s.vendor_project_id},
                      {"productId", s.product_id},
                      {"projectId", s.consumer_project_id},
                      {"organizationId", s.organization_id},
                      {"lifecycleState", s.state},
                      {"createdAt", FormatRfc3339Millis(s.created_at)},
                      {"pendingDeadline", FormatRfc3339Millis(s.created_at + s.pending_ttl_ms)},
                      {"instanceTarget", s.instance_target},
                      {"history", history}};
  (void)service;
  return j;
}

StatusOr<std::string> OptionalString(const nlohmann::json& body, const char* key) {
  if (!body.contains(key) || body[key].is_null()) return std::string();
  if (!body[key].is_string()) return InvalidArgumentError(std::string(key) + ": expected a string");
  return body[key].get<std::string>();
}

StatusOr<TokenOverrides> ParseOverrides(const nlohmann::json& body) {
  TokenOverrides o;
  if (body.contains("claims")) o.claims = body["claims"];
  if (body.contains("header")) o.header = body["header"];
  if (!o.claims.is_object() && !o.claims.is_null()) return InvalidArgumentError("claims: expected an object");
  if (!o.header.is_object() && !o.header.is_null()) return InvalidArgumentError("header: expected an object");
  MPEMU_ASSIGN_OR_RETURN(o.kid, OptionalString(body, "kid"));
  if (body.contains("iatOffsetSeconds")) {
    if (!body["iatOffsetSeconds"].is_number_integer()) return InvalidArgumentError("iatOffsetSeconds: expected an integer");
    o.iat_offset_s = body["iatOffsetSeconds"].get<int64_t>();
  }
  if (body.contains("ttlSeconds")) {
    if (!body["ttlSeconds"].is_number_integer()) return InvalidArgumentError("ttlSeconds: expected an integer");
    o.ttl_s = body["ttlSeconds"].get<int64_t>();
  }
  return o;
}

nlohmann::json KeyJson(const SigningKey& k) {
  return {{"kid", k.kid}, {"published", k.published}, {"signing", k.signing},
          {"createdAt", FormatRfc3339Millis(k.created_at)}, {"publicKey", k.key.PublicPem()}};
}

}  // namespace

void RegisterControlRoutes(Service* service, http::Pipeline& pipeline) {
  const std::string base = "/_emulator/stackit";
  using http::Reply;
  using http::Request;

  pipeline.AddRoute({"POST", base + "/subscriptions", "control.stackit.subscribe", "control",
                     [service](Request& req) -> StatusOr<Reply> {
                       MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonBody(req, true));
                       if (!body.is_object()) return InvalidArgumentError("expected a JSON object");
                       SubscribeRequest sr;
                       MPEMU_ASSIGN_OR_RETURN(sr.product_id, OptionalString(body, "productId"));
                       MPEMU_ASSIGN_OR_RETURN(sr.consumer_project_id, OptionalString(body, "projectId"));
                       MPEMU_ASSIGN_OR_RETURN(sr.organization_id, OptionalString(body, "organizationId"));
                       MPEMU_ASSIGN_OR_RETURN(sr.subscription_id, OptionalString(body, "subscriptionId"));
                       MPEMU_ASSIGN_OR_RETURN(Subscribed s, service->Subscribe(sr));
                       return Reply::Json(201, {{"subscriptionId", s.subscription.subscription_id},
                                                {"token", s.token},
                                                {"redirectUrl", s.redirect_url},
                                                {"subscription", ControlJson(*service, s.subscription)}});
                     }});
  pipeline.AddRoute({"GET", base + "/subscriptions", "control.stackit.subscriptions", "control",
                     [service](Request&) -> StatusOr<Reply> {
                       MPEMU_ASSIGN_OR_RETURN(std::vector<Subscription> all, service->All());
                       nlohmann::json items = nlohmann::json::array();
                       for (const auto& s : all) items.push_back(ControlJson(*service, s));
                       return Reply::Json(200, {{"items", items}});
                     }});
  pipeline.AddRoute({"GET", base + "/subscriptions/([^/]+)", "control.stackit.subscription", "control",
                     [service](Request& req) -> StatusOr<Reply> {
                       MPEMU_ASSIGN_OR_RETURN(Subscription s, service->Find(req.path_params[0]));
                       return Reply::Json(200, ControlJson(*service, s));
                     }});
  pipeline.AddRoute({"POST", base + "/subscriptions/([^/]+)/token", "control.stackit.token", "control",
                     [service](Request& req) -> StatusOr<Reply> {
                       MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonBody(req, true));
                       if (!body.is_object()) return InvalidArgumentError("expected a JSON object");
                       MPEMU_RETURN_IF_ERROR(service->Find(req.path_params[0]).status());
                       MPEMU_ASSIGN_OR_RETURN(TokenOverrides o, ParseOverrides(body));
                       MPEMU_ASSIGN_OR_RETURN(std::string token,
                                              service->MintRedirectToken(req.path_params[0], o));
                       return Reply::Json(201, {{"token", token}, {"redirectUrl", service->RedirectUrl(token)}});
                     }});
  pipeline.AddRoute({"POST", base + "/subscriptions/([^/]+)/state", "control.stackit.state", "control",
                     [service](Request& req) -> StatusOr<Reply> {
                       MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonBody(req));
                       if (!body.is_object() || !body.contains("state") || !body["state"].is_string()) {
                         return InvalidArgumentError("expected {\"state\": \"SUBSCRIPTION_...\"}");
                       }
                       MPEMU_ASSIGN_OR_RETURN(std::string reason, OptionalString(body, "reason"));
                       MPEMU_ASSIGN_OR_RETURN(Subscription s, service->SetState(req.path_params[0],
                                                                                body["state"].get<std::string>(), reason));
                       return Reply::Json(200, ControlJson(*service, s));
                     }});
  pipeline.AddRoute({"GET", base + "/keys", "control.stackit.keys", "control",
                     [service](Request&) -> StatusOr<Reply> {
                       nlohmann::json keys = nlohmann::json::array();
                       for (const auto& k : service->redirect_keys().All()) keys.push_back(KeyJson(k));
                       return Reply::Json(200, {{"keys", keys}, {"keysUrl", service->KeysUrl()}});
                     }});
  pipeline.AddRoute({"POST", base + "/keys/rotate", "control.stackit.rotate", "control",
                     [service](Request& req) -> StatusOr<Reply> {
                       MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonBody(req, true));
                       if (body.is_object() && body.contains("retirePrevious") &&
                           !body["retirePrevious"].is_boolean()) {
                         return InvalidArgumentError("retirePrevious: expected true or false");
                       }
                       const bool retire = body.is_object() && body.value("retirePrevious", false);
                       MPEMU_ASSIGN_OR_RETURN(SigningKey k, service->redirect_keys().Rotate(retire));
                       return Reply::Json(201, KeyJson(k));
                     }});
  pipeline.AddRoute({"POST", base + "/keys/([^/]+)/(publish|unpublish)", "control.stackit.publish", "control",
                     [service](Request& req) -> StatusOr<Reply> {
                       MPEMU_RETURN_IF_ERROR(service->redirect_keys().SetPublished(
                           req.path_params[0], req.path_params[1] == "publish"));
                       MPEMU_ASSIGN_OR_RETURN(SigningKey k, service->redirect_keys().Find(req.path_params[0]));
                       return Reply::Json(200, KeyJson(k));
                     }});
  pipeline.AddRoute({"GET", base + "/service-accounts/([^/]+)/key", "control.stackit.sa-key", "control",
                     [service](Request& req) -> StatusOr<Reply> {
                       MPEMU_ASSIGN_OR_RETURN(nlohmann::json key, service->ServiceAccountKey(req.path_params[0]));
                       return Reply::Json(200, key);
                     }});
  pipeline.AddRoute({"POST", base + "/service-accounts/([^/]+)/token", "control.stackit.sa-token", "control",
                     [service](Request& req) -> StatusOr<Reply> {
                       for (const auto& sa : service->config().service_accounts) {
                         if (sa.id == req.path_params[0] || sa.email == req.path_params[0]) {
                           MPEMU_ASSIGN_OR_RETURN(nlohmann::json tokens, service->IssueTokens(sa));
                           return Reply::Json(201, tokens);
                         }
                       }
                       return NotFoundError("no service account \"" + req.path_params[0] + "\"");
                     }});
}

}  // namespace mpemu::stackit
