// /_emulator/clevercloud/...: what the customer (provision, delete, plan change, open the
// dashboard) and the operator do, for scenarios, the CLI and curl. Vendor replies are data here:
// a vendor answering 500 still makes a 200/201 control reply whose "reply" shows the 500.
#include <set>

#include "emulator/clevercloud/api.h"

namespace mpemu::clevercloud {
namespace {

using http::Reply;
using http::Request;

StatusOr<std::string> OptionalString(const nlohmann::json& body, const char* key) {
  if (!body.contains(key) || body[key].is_null()) return std::string();
  if (!body[key].is_string()) return InvalidArgumentError(std::string(key) + ": expected a string");
  return body[key].get<std::string>();
}

StatusOr<nlohmann::json> ObjectBody(const Request& req) {
  MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonBody(req, /*empty_ok=*/true));
  if (!body.is_object()) return InvalidArgumentError("expected a JSON object");
  return body;
}

StatusOr<CallOptions> ParseCall(const nlohmann::json& body) {
  CallOptions call;
  if (!body.contains("call") || body["call"].is_null()) return call;
  const nlohmann::json& c = body["call"];
  if (!c.is_object()) return InvalidArgumentError("call: expected an object");
  static const std::set<std::string> kKeys = {
      "authorization", "extraAuthorization", "body", "contentType", "merge", "pathSuffix"};
  for (const auto& [key, value] : c.items()) {
    (void)value;
    if (kKeys.count(key) == 0) {
      return InvalidArgumentError("call." + key +
                                  ": unknown field (authorization, extraAuthorization, "
                                  "body, contentType, merge, pathSuffix)");
    }
  }
  if (c.contains("authorization")) {
    // Present and null means "no header at all"; absent means the correct Basic header.
    if (c["authorization"].is_null()) {
      call.authorization = "";
    } else if (c["authorization"].is_string()) {
      call.authorization = c["authorization"].get<std::string>();
    } else {
      return InvalidArgumentError("call.authorization: expected a string or null");
    }
  }
  if (c.contains("extraAuthorization")) {
    const nlohmann::json& extra = c["extraAuthorization"];
    if (!extra.is_array())
      return InvalidArgumentError("call.extraAuthorization: expected a list of strings");
    for (const auto& v : extra) {
      if (!v.is_string())
        return InvalidArgumentError("call.extraAuthorization: expected a list of strings");
      call.extra_authorization.push_back(v.get<std::string>());
    }
  }
  if (c.contains("body")) {
    if (!c["body"].is_string())
      return InvalidArgumentError("call.body: expected a string (the raw body)");
    call.body = c["body"].get<std::string>();
  }
  if (c.contains("contentType")) {
    if (!c["contentType"].is_string())
      return InvalidArgumentError("call.contentType: expected a string");
    call.content_type = c["contentType"].get<std::string>();
  }
  if (c.contains("merge")) {
    if (!c["merge"].is_object()) return InvalidArgumentError("call.merge: expected an object");
    call.merge = c["merge"];
  }
  MPEMU_ASSIGN_OR_RETURN(call.path_suffix_override, OptionalString(c, "pathSuffix"));
  return call;
}

StatusOr<SsoOverrides> ParseSsoOverrides(const nlohmann::json& body) {
  SsoOverrides o;
  static const std::set<std::string> kKeys = {
      "fields", "resign", "timestampOffsetMs", "timestampUnit", "salt", "legacyToken", "signature"};
  for (const auto& [key, value] : body.items()) {
    (void)value;
    if (kKeys.count(key) == 0) {
      return InvalidArgumentError(key +
                                  ": unknown field (fields, resign, timestampOffsetMs, "
                                  "timestampUnit, salt, legacyToken, signature)");
    }
  }
  if (body.contains("fields")) {
    if (!body["fields"].is_object()) return InvalidArgumentError("fields: expected an object");
    for (const auto& [name, value] : body["fields"].items()) {
      if (value.is_null()) {
        o.fields[name] = std::nullopt;
      } else if (value.is_string()) {
        o.fields[name] = value.get<std::string>();
      } else {
        return InvalidArgumentError("fields." + name +
                                    ": expected a string or null (null removes it)");
      }
    }
  }
  for (const auto& [key, field] :
       {std::pair<const char*, bool*>{"resign", &o.resign}, {"legacyToken", &o.legacy_token}}) {
    if (!body.contains(key)) continue;
    if (!body[key].is_boolean())
      return InvalidArgumentError(std::string(key) + ": expected true or false");
    *field = body[key].get<bool>();
  }
  if (body.contains("timestampOffsetMs")) {
    if (!body["timestampOffsetMs"].is_number_integer()) {
      return InvalidArgumentError("timestampOffsetMs: expected an integer");
    }
    o.timestamp_offset_ms = body["timestampOffsetMs"].get<int64_t>();
    constexpr int64_t kTenYears = 10LL * 366 * 24 * 3600 * 1000;
    if (o.timestamp_offset_ms > kTenYears * 10 || o.timestamp_offset_ms < -kTenYears * 10) {
      return InvalidArgumentError("timestampOffsetMs: at most 100 years either way");
    }
  }
  MPEMU_ASSIGN_OR_RETURN(o.timestamp_unit, OptionalString(body, "timestampUnit"));
  for (const auto& [key, field] :
       {std::pair<const char*, std::optional<std::string>*>{"salt", &o.salt},
        {"signature", &o.signature}}) {
    if (!body.contains(key) || body[key].is_null()) continue;
    if (!body[key].is_string())
      return InvalidArgumentError(std::string(key) + ": expected a string");
    *field = body[key].get<std::string>();
  }
  return o;
}

// What the Console's browser does: a page that posts the form as soon as it loads.
std::string AutoSubmitPage(const SsoForm& form) {
  std::string inputs;
  for (const auto& [name, value] : form.fields) {
    inputs += "<input type=\"hidden\" name=\"" + http::HtmlEscape(name) + "\" value=\"" +
              http::HtmlEscape(value) + "\">\n";
  }
  return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>mpemu: Clever Cloud "
         "SSO</title></head>\n"
         "<body onload=\"document.forms[0].submit()\">\n<form method=\"post\" action=\"" +
         http::HtmlEscape(form.url) + "\">\n" + inputs +
         "<noscript><button type=\"submit\">Open the add-on "
         "dashboard</button></noscript>\n</form>\n</body></html>\n";
}

std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

nlohmann::json FindingsJson(const std::vector<ManifestFinding>& findings) {
  nlohmann::json list = nlohmann::json::array();
  int errors = 0;
  for (const ManifestFinding& f : findings) {
    list.push_back(f.ToJson());
    errors += f.severity == "error" ? 1 : 0;
  }
  return {{"ok", errors == 0},
          {"errors", errors},
          {"warnings", static_cast<int>(findings.size()) - errors},
          {"findings", list}};
}

nlohmann::json StoredOrNull(Service* service, const std::string& addon_id) {
  StatusOr<Addon> a = service->Find(addon_id);
  return a.ok() ? a->ToJson() : nlohmann::json();
}

}  // namespace

void RegisterControlRoutes(Service* service, http::Pipeline& pipeline) {
  const std::string base = "/_emulator/clevercloud";
  const std::string one = base + "/addons/([^/]+)";

  pipeline.AddRoute({"POST", base + "/addons", "control.clevercloud.provision", "control",
                     [service](Request& req) -> StatusOr<Reply> {
                       MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, ObjectBody(req));
                       ProvisionRequest pr;
                       MPEMU_ASSIGN_OR_RETURN(pr.plan, OptionalString(body, "plan"));
                       MPEMU_ASSIGN_OR_RETURN(pr.region, OptionalString(body, "region"));
                       MPEMU_ASSIGN_OR_RETURN(pr.addon_id, OptionalString(body, "addonId"));
                       MPEMU_ASSIGN_OR_RETURN(pr.name, OptionalString(body, "name"));
                       if (body.contains("options") && !body["options"].is_null()) {
                         if (!body["options"].is_object())
                           return InvalidArgumentError("options: expected an object");
                         pr.options = body["options"];
                       }
                       if (body.contains("legacyFields") && !body["legacyFields"].is_null()) {
                         if (!body["legacyFields"].is_boolean()) {
                           return InvalidArgumentError("legacyFields: expected true or false");
                         }
                         pr.legacy_fields = body["legacyFields"].get<bool>();
                       }
                       MPEMU_ASSIGN_OR_RETURN(pr.call, ParseCall(body));
                       MPEMU_ASSIGN_OR_RETURN(Provisioned p, service->Provision(pr));
                       const bool created = p.addon.has_value() && !p.replay;
                       return Reply::Json(
                           created ? 201 : 200,
                           {{"addonId", p.addon_id},
                            {"replay", p.replay},
                            {"addon", p.addon ? p.addon->ToJson() : nlohmann::json()},
                            {"stored", StoredOrNull(service, p.addon_id)},
                            {"reply", p.reply.ToJson()}});
                     }});
  pipeline.AddRoute({"GET", base + "/addons", "control.clevercloud.addons", "control",
                     [service](Request&) -> StatusOr<Reply> {
                       MPEMU_ASSIGN_OR_RETURN(std::vector<Addon> all, service->All());
                       nlohmann::json items = nlohmann::json::array();
                       for (const Addon& a : all) items.push_back(a.ToJson());
                       return Reply::Json(200, {{"items", items}});
                     }});
  pipeline.AddRoute({"GET", one, "control.clevercloud.addon", "control",
                     [service](Request& req) -> StatusOr<Reply> {
                       MPEMU_ASSIGN_OR_RETURN(Addon a, service->Find(req.path_params[0]));
                       return Reply::Json(200, a.ToJson());
                     }});
  pipeline.AddRoute(
      {"DELETE", one, "control.clevercloud.deprovision", "control",
       [service](Request& req) -> StatusOr<Reply> {
         MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, ObjectBody(req));
         MPEMU_ASSIGN_OR_RETURN(CallOptions call, ParseCall(body));
         MPEMU_ASSIGN_OR_RETURN(VendorReply reply, service->Deprovision(req.path_params[0], call));
         return Reply::Json(200, {{"reply", reply.ToJson()},
                                  {"addon", StoredOrNull(service, req.path_params[0])}});
       }});
  pipeline.AddRoute(
      {"POST", one + "/plan", "control.clevercloud.plan", "control",
       [service](Request& req) -> StatusOr<Reply> {
         MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, ObjectBody(req));
         MPEMU_ASSIGN_OR_RETURN(std::string plan, OptionalString(body, "plan"));
         if (plan.empty())
           return InvalidArgumentError("plan: required, e.g. {\"plan\": \"premium\"}");
         MPEMU_ASSIGN_OR_RETURN(CallOptions call, ParseCall(body));
         MPEMU_ASSIGN_OR_RETURN(VendorReply reply,
                                service->ChangePlan(req.path_params[0], plan, call));
         return Reply::Json(200, {{"reply", reply.ToJson()},
                                  {"addon", StoredOrNull(service, req.path_params[0])}});
       }});
  pipeline.AddRoute(
      {"POST", one + "/sso", "control.clevercloud.sso", "control",
       [service](Request& req) -> StatusOr<Reply> {
         MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, ObjectBody(req));
         MPEMU_ASSIGN_OR_RETURN(SsoOverrides o, ParseSsoOverrides(body));
         MPEMU_ASSIGN_OR_RETURN(SsoForm form, service->BuildSso(req.path_params[0], o));
         MPEMU_ASSIGN_OR_RETURN(VendorReply reply, service->PostSso(form));
         return Reply::Json(200, {{"form", form.ToJson()}, {"reply", reply.ToJson()}});
       }});
  pipeline.AddRoute(
      {"GET", one + "/sso", "control.clevercloud.sso-form", "control",
       [service](Request& req) -> StatusOr<Reply> {
         MPEMU_ASSIGN_OR_RETURN(SsoForm form, service->BuildSso(req.path_params[0]));
         const std::string format = req.Param("format").value_or("json");
         if (format == "html") return Reply::Html(200, AutoSubmitPage(form));
         if (format != "json") return InvalidArgumentError("format: expected json or html");
         nlohmann::json j = form.ToJson();
         j.erase("signingInput");  // it contains the salt; a pasted form must not
         j["curl"] =
             "curl -i -X POST -H 'Content-Type: application/x-www-form-urlencoded' --data " +
             ShellQuote(form.Body()) + " " + ShellQuote(form.url);
         return Reply::Json(200, j);
       }});
  pipeline.AddRoute({"GET", base + "/manifest", "control.clevercloud.manifest", "control",
                     [service](Request&) -> StatusOr<Reply> {
                       const Manifest& m = service->manifest();
                       nlohmann::json j =
                           FindingsJson(CheckManifest(m.raw, service->config().production));
                       j["manifest"] = m.raw;
                       j["configVarPrefix"] = m.ConfigVarPrefix();
                       j["baseUrl"] = service->BaseUrl();
                       j["ssoUrl"] = service->SsoUrl();
                       j["production"] = service->config().production;
                       return Reply::Json(200, j);
                     }});
  pipeline.AddRoute({"POST", base + "/manifest/check", "control.clevercloud.manifest-check",
                     "control", [](Request& req) -> StatusOr<Reply> {
                       MPEMU_ASSIGN_OR_RETURN(nlohmann::json manifest, http::ParseJsonBody(req));
                       const std::string production = req.Param("production").value_or("false");
                       if (production != "true" && production != "false") {
                         return InvalidArgumentError("production: expected true or false");
                       }
                       return Reply::Json(
                           200, FindingsJson(CheckManifest(manifest, production == "true")));
                     }});
}

}  // namespace mpemu::clevercloud
