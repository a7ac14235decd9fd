// /_emulator/pandium/...: what an operator, the CLI and curl need around the In-App Marketplace:
// the accounts and their entry URLs, the tenants that entered, a verdict on any token (without
// using up its jti), a token minted the way a correct vendor would, and secret rotation.
#include "emulator/pandium/api.h"

namespace mpemu::pandium {
namespace {

using http::Reply;
using http::Request;

StatusOr<nlohmann::json> ObjectBody(const Request& req) {
  MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonBody(req, /*empty_ok=*/true));
  if (!body.is_object()) return InvalidArgumentError("expected a JSON object");
  return body;
}

StatusOr<std::string> StringField(const nlohmann::json& body, const char* key, bool required) {
  if (!body.contains(key) || body[key].is_null()) {
    if (required) return InvalidArgumentError(std::string(key) + ": required");
    return std::string();
  }
  if (!body[key].is_string()) return InvalidArgumentError(std::string(key) + ": expected a string");
  return body[key].get<std::string>();
}

Status KnownAccount(const Service* service, const std::string& name) {
  if (service->FindAccount(name) != nullptr) return Status::Ok();
  std::string known;
  for (const Account& a : service->config().accounts) known += (known.empty() ? "" : ", ") + a.name;
  return NotFoundError("no Pandium account \"" + name.substr(0, 100) + "\" (configured: " + known +
                       ")");
}

}  // namespace

void RegisterControlRoutes(Service* service, http::Pipeline& pipeline) {
  const std::string base = "/_emulator/pandium";
  const std::string account = base + "/accounts/([^/]+)";

  pipeline.AddRoute({"GET", base + "/accounts", "control.pandium.accounts", "control",
                     [service](Request&) -> StatusOr<Reply> {
                       nlohmann::json items = ToJson(service->Snapshot())["accounts"];
                       for (auto& a : items) {
                         a["entryUrl"] = service->EntryUrl(a["name"].get<std::string>());
                       }
                       return Reply::Json(200, {{"items", items}});
                     }});
  pipeline.AddRoute({"GET", account + "/tenants", "control.pandium.tenants", "control",
                     [service](Request& req) -> StatusOr<Reply> {
                       MPEMU_RETURN_IF_ERROR(KnownAccount(service, req.path_params[0]));
                       MPEMU_ASSIGN_OR_RETURN(std::vector<Tenant> all,
                                              service->Tenants(req.path_params[0]));
                       nlohmann::json items = nlohmann::json::array();
                       for (const Tenant& t : all) items.push_back(t.ToJson());
                       return Reply::Json(200, {{"items", items}});
                     }});
  pipeline.AddRoute({"POST", base + "/verify", "control.pandium.verify", "control",
                     [service](Request& req) -> StatusOr<Reply> {
                       MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, ObjectBody(req));
                       MPEMU_ASSIGN_OR_RETURN(std::string name, StringField(body, "account", true));
                       MPEMU_ASSIGN_OR_RETURN(std::string token, StringField(body, "token", true));
                       // A verdict only: the jti stays usable for the real entry.
                       return Reply::Json(
                           200, service->Verify(name, token, /*record_jti=*/false).ToJson());
                     }});
  pipeline.AddRoute(
      {"POST", account + "/mint", "control.pandium.mint", "control",
       [service](Request& req) -> StatusOr<Reply> {
         const std::string name = req.path_params[0];
         MPEMU_RETURN_IF_ERROR(KnownAccount(service, name));
         MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, ObjectBody(req));
         for (const auto& [key, value] : body.items()) {
           (void)value;
           if (key != "claims" && key != "secret") {
             return InvalidArgumentError(key + ": unknown field (claims, secret)");
           }
         }
         nlohmann::ordered_json claims = {{"sub", "user@example.com"},
                                          {"iat", service->env().wall_clock->NowSeconds()},
                                          {"jti", service->env().ids->NewUuid()}};
         if (body.contains("claims") && !body["claims"].is_null()) {
           if (!body["claims"].is_object())
             return InvalidArgumentError("claims: expected an object");
           for (const auto& [key, value] : body["claims"].items()) {
             if (value.is_null()) {
               claims.erase(key);
             } else {
               claims[key] = nlohmann::ordered_json::parse(
                   value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
             }
           }
         }
         MPEMU_ASSIGN_OR_RETURN(std::string secret, StringField(body, "secret", false));
         if (secret.empty()) secret = service->Secret(name);
         const std::string token = Service::MintForTests(secret, claims);
         return Reply::Json(200, {{"token", token},
                                  {"url", service->EntryUrl(name) + "?tenant=" + token},
                                  {"claims", nlohmann::json::parse(claims.dump())}});
       }});
  pipeline.AddRoute({"POST", account + "/secret", "control.pandium.secret", "control",
                     [service](Request& req) -> StatusOr<Reply> {
                       const std::string name = req.path_params[0];
                       MPEMU_RETURN_IF_ERROR(KnownAccount(service, name));
                       MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, ObjectBody(req));
                       MPEMU_ASSIGN_OR_RETURN(std::string secret,
                                              StringField(body, "secret", false));
                       if (secret.empty()) {
                         // From the injected id generator (random in `mpemu serve`).
                         for (int i = 0; i < 2; ++i) {
                           for (char c : service->env().ids->NewUuid()) {
                             if (c != '-') secret += c;
                           }
                         }
                       }
                       MPEMU_RETURN_IF_ERROR(service->RotateSecret(name, secret));
                       return Reply::Json(200, {{"account", name}, {"secret", secret}});
                     }});
}

}  // namespace mpemu::pandium
