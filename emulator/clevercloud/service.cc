#include "emulator/clevercloud/service.h"

#include <openssl/evp.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <regex>

#include "emulator/core/time_format.h"
#include "emulator/crypto/encoding.h"
#include "emulator/crypto/hash.h"
#include "emulator/http/client.h"

namespace mpemu::clevercloud {
namespace {

constexpr char kUserAgent[] = "mpemu-clevercloud/0.1.0 (Clever Cloud add-on platform emulator)";
constexpr char kFormType[] = "application/x-www-form-urlencoded";

// RFC 7386 over the ordered body, so the wire order stays the documented one.
void MergePatch(nlohmann::ordered_json& target, const nlohmann::json& patch) {
  if (!patch.is_object()) {
    target = nlohmann::ordered_json::parse(patch.dump());
    return;
  }
  if (!target.is_object()) target = nlohmann::ordered_json::object();
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null()) {
      target.erase(key);
    } else {
      MergePatch(target[key], value);
    }
  }
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

nlohmann::json HeadersJson(const http::Headers& headers) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : headers) {
    const std::string key = Lower(name);
    if (out.contains(key)) {
      if (!out[key].is_array()) out[key] = nlohmann::json::array({out[key]});
      out[key].push_back(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

std::string HeaderOf(const http::Headers& headers, const std::string& name) {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

void Replace(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::string WithoutTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// The vendor's "id": a non-empty string, or other JSON (a number: Heroku-style fixtures) as its
// dump, so that a harness can still deprovision it and flag the type.
std::optional<std::string> VendorIdOf(const VendorReply& reply) {
  if (!reply.ok() || !reply.json || !reply.json->is_object() || !reply.json->contains("id")) {
    return std::nullopt;
  }
  const nlohmann::json& id = (*reply.json)["id"];
  if (id.is_null()) return std::nullopt;
  std::string text = id.is_string() ? id.get<std::string>() : id.dump();
  if (text.empty()) return std::nullopt;
  return text;
}

std::string WhyFailed(const VendorReply& reply) {
  if (!reply.error.empty()) return "the vendor could not be reached: " + reply.error;
  if (!reply.ok()) {
    std::string why = "the vendor answered HTTP " + std::to_string(reply.status);
    if (reply.json && reply.json->is_object() && reply.json->contains("message") &&
        (*reply.json)["message"].is_string()) {
      why += ": " + (*reply.json)["message"].get<std::string>();
    }
    return why;
  }
  if (!reply.json || !reply.json->is_object()) return "the vendor's reply is not a JSON object";
  return "the vendor's reply has no non-empty \"id\"";
}

std::string OptionalMessage(const VendorReply& reply) {
  if (reply.json && reply.json->is_object() && reply.json->contains("message") &&
      (*reply.json)["message"].is_string()) {
    return (*reply.json)["message"].get<std::string>();
  }
  return "";
}

// Applies field overrides to a form: replace in place, remove (nullopt), or append.
void ApplyFields(std::vector<std::pair<std::string, std::string>>& fields,
                 const std::map<std::string, std::optional<std::string>>& overrides,
                 const std::function<bool(const std::string&)>& which) {
  for (const auto& [key, value] : overrides) {
    if (!which(key)) continue;
    const std::string& name = key;  // C++17 lambdas cannot capture structured bindings
    auto it =
        std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == name; });
    if (!value) {
      if (it != fields.end()) fields.erase(it);
    } else if (it != fields.end()) {
      it->second = *value;
    } else {
      fields.emplace_back(name, *value);
    }
  }
}

std::string FieldValue(const std::vector<std::pair<std::string, std::string>>& fields,
                       const std::string& name) {
  for (const auto& [k, v] : fields) {
    if (k == name) return v;
  }
  return "";
}

}  // namespace

// --- value types ---

nlohmann::json VendorReply::ToJson() const {
  return {{"method", method},
          {"url", url},
          {"status", status},
          {"headers", HeadersJson(headers)},
          {"body", body},
          {"json", json ? *json : nlohmann::json()},
          {"durationMs", duration_ms},
          {"error", error},
          {"request", {{"headers", HeadersJson(request_headers)}, {"body", request_body}}}};
}

nlohmann::json Addon::ToJson() const {
  return {{"addonId", addon_id},
          {"vendorId", vendor_id},
          {"name", name},
          {"plan", plan},
          {"region", region},
          {"ownerId", owner_id},
          {"ownerName", owner_name},
          {"ownerEmail", owner_email},
          {"userId", user_id},
          {"userEmail", user_email},
          {"status", status},
          {"callbackUrl", callback_url},
          {"config", config},
          {"options", options},
          {"message", message},
          {"createdAt", FormatRfc3339Millis(created_at)},
          {"createdAtMillis", created_at}};
}

StatusOr<Addon> Addon::FromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("addonId") || !j["addonId"].is_string()) {
    return InternalError("stored add-on is not an object with an addonId");
  }
  Addon a;
  auto str = [&](const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
  };
  a.addon_id = str("addonId");
  a.vendor_id = str("vendorId");
  a.name = str("name");
  a.plan = str("plan");
  a.region = str("region");
  a.owner_id = str("ownerId");
  a.owner_name = str("ownerName");
  a.owner_email = str("ownerEmail");
  a.user_id = str("userId");
  a.user_email = str("userEmail");
  a.status = str("status");
  a.callback_url = str("callbackUrl");
  a.message = str("message");
  a.config = j.value("config", nlohmann::json::object());
  a.options = j.value("options", nlohmann::json::object());
  a.created_at = j.contains("createdAtMillis") && j["createdAtMillis"].is_number_integer()
                     ? j["createdAtMillis"].get<int64_t>()
                     : 0;
  return a;
}

std::string SsoForm::Body() const {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += http::UrlEncode(name) + "=" + http::UrlEncode(value);
  }
  return out;
}

nlohmann::json SsoForm::ToJson() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [name, value] : fields) list.push_back({name, value});
  return {{"url", url}, {"fields", list}, {"body", Body()}, {"signingInput", signing_input}};
}

// --- the service ---

Service::Service(Config config, control::Environment env)
    : config_(std::move(config)), env_(std::move(env)) {
  StatusOr<Manifest> parsed = ParseManifest(config_.manifest);
  if (parsed.ok()) {
    manifest_ = std::move(parsed).value();
  } else {
    manifest_status_ = parsed.status();
  }
}

Status Service::Initialize() { return manifest_status_; }

Status Service::Reset() { return env_.store->Clear(kAddonKind); }

std::string Service::BaseUrl() const {
  return config_.production ? manifest_.production_base_url : manifest_.test_base_url;
}

std::string Service::SsoUrl() const {
  return config_.production ? manifest_.production_sso_url : manifest_.test_sso_url;
}

std::string Service::CallbackUrl(const std::string& addon_id) const {
  return env_.base_url() + "/v2/vendor/apps/" + addon_id;
}

std::string Service::BasicAuthorization() const {
  return "Basic " + crypto::Base64Encode(manifest_.id + ":" + manifest_.password);
}

const Plan* Service::FindPlan(const std::string& slug) const {
  for (const Plan& p : config_.plans) {
    if (p.slug == slug) return &p;
  }
  return nullptr;
}

Status Service::CheckPlan(const std::string& slug) const {
  if (FindPlan(slug) != nullptr) return Status::Ok();
  std::string known;
  for (const Plan& p : config_.plans) known += (known.empty() ? "" : ", ") + p.slug;
  // Scenarios that want to send an unknown plan to the vendor use CallOptions::merge instead.
  return InvalidArgumentError("unknown plan \"" + slug + "\" (configured: " + known + ")");
}

nlohmann::json Service::FilterConfig(const nlohmann::json& config) const {
  nlohmann::json out = nlohmann::json::object();
  if (!config.is_object()) return out;
  for (const auto& [key, value] : config.items()) {
    // "A key that is not in your config_vars will be ignored" (Clever's documentation).
    if (manifest_.IsConfigVar(key)) out[key] = value;
  }
  return out;
}

std::string Service::VendorPath(const Addon& addon, const std::string& pattern,
                                const CallOptions& call) const {
  std::string path = pattern;
  if (!call.path_suffix_override.empty()) {
    if (path.find("/{id}") == std::string::npos) return call.path_suffix_override;
    Replace(path, "/{id}", call.path_suffix_override);
  }
  Replace(path, "{id}", http::UrlEncode(addon.vendor_id));
  Replace(path, "{addon_id}", http::UrlEncode(addon.addon_id));
  return path;
}

VendorReply Service::Call(const std::string& route, const std::string& method,
                          const std::string& url,
                          const std::optional<nlohmann::ordered_json>& json_body,
                          const CallOptions& call, const std::string& accept) {
  VendorReply reply;
  reply.method = method;
  reply.url = url;
  http::Headers headers;
  headers.emplace("Accept", accept);
  headers.emplace("User-Agent", kUserAgent);
  if (!call.authorization) {
    headers.emplace("Authorization", BasicAuthorization());
  } else if (!call.authorization->empty()) {
    headers.emplace("Authorization", *call.authorization);
  }
  for (const std::string& extra : call.extra_authorization) headers.emplace("Authorization", extra);
  if (call.body) {
    reply.request_body = *call.body;
  } else if (json_body) {
    nlohmann::ordered_json body = *json_body;
    if (call.merge.is_object() && !call.merge.empty()) MergePatch(body, call.merge);
    reply.request_body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string content_type;
  if (call.content_type) {
    content_type = *call.content_type;
  } else if (json_body || call.body) {
    content_type = "application/json";
  }
  reply.request_headers = headers;
  if (!content_type.empty()) reply.request_headers.emplace("Content-Type", content_type);

  const auto started = std::chrono::steady_clock::now();
  const int64_t marketplace_now = env_.clock->NowMillis();
  const int64_t wall_now = env_.wall_clock->NowMillis();
  StatusOr<std::pair<std::string, std::string>> split = http::SplitUrl(url);
  if (!split.ok()) {
    reply.error = split.status().message();
  } else {
    http::ClientOptions options;
    options.read_timeout_ms =
        static_cast<int>(std::min<int64_t>(config_.timeout_ms, 24LL * 3600 * 1000));
    options.connect_timeout_ms = std::min(options.read_timeout_ms, 10000);
    options.keep_alive = false;  // one client per call: calls come from many threads
    http::Client client(split->first, options);
    StatusOr<http::Response> r =
        client.Send(method, split->second, headers, reply.request_body, content_type);
    if (r.ok()) {
      reply.status = r->status;
      reply.headers = r->headers;
      reply.body = r->body;
      nlohmann::json parsed = nlohmann::json::parse(reply.body, nullptr, false);
      if (!parsed.is_discarded()) reply.json = std::move(parsed);
    } else if (r.status().code() == StatusCode::kDeadlineExceeded) {
      reply.error = "no reply within " + std::to_string(config_.timeout_ms) +
                    " ms (or the connection broke): " + r.status().message();
    } else {
      reply.error = "cannot connect: " + r.status().message();
    }
  }
  reply.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();

  if (env_.journal != nullptr) {
    journal::Entry e;
    e.time_millis = marketplace_now;
    e.wall_millis = wall_now;
    e.direction = "outbound";
    e.service = kVendorService;
    e.route = route;
    e.method = method;
    if (split.ok()) {
      const size_t scheme = split->first.find("://");
      e.host = scheme == std::string::npos ? split->first : split->first.substr(scheme + 3);
      const std::string& target = split->second;
      const size_t q = target.find('?');
      e.path = target.substr(0, q);
      if (q != std::string::npos) e.query = target.substr(q + 1);
    } else {
      e.path = url;
    }
    for (const auto& [name, value] : reply.request_headers) e.headers.emplace_back(name, value);
    e.body = reply.request_body;
    e.status = reply.status;
    e.reply_content_type = HeaderOf(reply.headers, "Content-Type");
    e.reply_body = reply.error.empty() ? reply.body : reply.error;
    e.duration_ms = reply.duration_ms;
    env_.journal->Record(std::move(e));
  }
  return reply;
}

StatusOr<Addon> Service::Save(const std::string& addon_id,
                              const std::function<Status(Addon&)>& change) {
  MPEMU_ASSIGN_OR_RETURN(
      store::Record r, env_.store->Update(kAddonKind, addon_id, [&](store::Record& rec) -> Status {
        const nlohmann::json j = nlohmann::json::parse(rec.body, nullptr, false);
        MPEMU_ASSIGN_OR_RETURN(Addon a, Addon::FromJson(j));
        MPEMU_RETURN_IF_ERROR(change(a));
        rec.body = a.ToJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return Status::Ok();
      }));
  return Addon::FromJson(nlohmann::json::parse(r.body, nullptr, false));
}

StatusOr<Provisioned> Service::Provision(const ProvisionRequest& request) {
  MPEMU_RETURN_IF_ERROR(manifest_status_);
  const std::string plan = request.plan.empty() ? config_.plans.front().slug : request.plan;
  MPEMU_RETURN_IF_ERROR(CheckPlan(plan));
  if (!request.options.is_object()) return InvalidArgumentError("options: expected an object");
  // The id becomes a path segment of callback_url; odd ids for the vendor go through call.merge.
  static const std::regex kAddonId("^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$");
  if (!request.addon_id.empty() && !std::regex_match(request.addon_id, kAddonId)) {
    return InvalidArgumentError("addonId: \"" + request.addon_id.substr(0, 64) +
                                "\" must be 1 to 128 letters, digits, '_', '-' or '.'");
  }
  Addon a;
  a.addon_id = request.addon_id.empty() ? "addon_" + env_.ids->NewUuid() : request.addon_id;
  a.name = !request.name.empty()
               ? request.name
               : (manifest_.name.empty() ? manifest_.id : manifest_.name) + " instance";
  a.plan = plan;
  a.region = request.region.empty() ? config_.region : request.region;
  a.owner_id = config_.owner_id;
  a.owner_name = config_.owner_name;
  a.owner_email = config_.owner_email;
  a.user_id = config_.user_id;
  a.user_email = config_.user_email;
  a.status = kProvisioning;
  a.callback_url = CallbackUrl(a.addon_id);
  a.options = request.options;
  a.created_at = env_.clock->NowMillis();

  Provisioned out;
  out.addon_id = a.addon_id;
  // Stored before the call, so that the vendor calling the infos API back from inside its
  // provisioning handler meets the documented refusal rather than an unknown add-on.
  StatusOr<int64_t> inserted =
      env_.store->Insert({kAddonKind, a.addon_id, a.owner_id, 0, a.ToJson().dump()});
  if (!inserted.ok()) {
    if (inserted.status().code() != StatusCode::kAlreadyExists) return inserted.status();
    out.replay = true;  // at-least-once delivery: the same add-on provisioned again
  }

  nlohmann::ordered_json body;
  if (request.legacy_fields.value_or(config_.legacy_fields)) body["heroku_id"] = a.addon_id;
  body["addon_id"] = a.addon_id;
  body["owner_id"] = a.owner_id;
  body["owner_name"] = a.owner_name;
  body["user_id"] = a.user_id;
  body["plan"] = a.plan;
  body["region"] = a.region;
  body["callback_url"] = a.callback_url;
  body["options"] = nlohmann::ordered_json::parse(a.options.dump());
  if (request.legacy_fields.value_or(config_.legacy_fields)) {
    body["logplex_token"] = "t." + env_.ids->NewUuid();
  }
  out.reply = Call("clevercloud.provision", "POST", BaseUrl(), body, request.call);

  const std::optional<std::string> vendor_id = VendorIdOf(out.reply);
  if (out.replay) {
    if (vendor_id) {
      MPEMU_ASSIGN_OR_RETURN(Addon stored, Find(a.addon_id));
      out.addon = std::move(stored);
    }
    return out;
  }
  MPEMU_ASSIGN_OR_RETURN(
      Addon saved, Save(a.addon_id, [&](Addon& x) -> Status {
        if (vendor_id) {
          x.status = kActive;
          x.vendor_id = *vendor_id;
          x.config = FilterConfig(out.reply.json->value("config", nlohmann::json::object()));
          x.message = OptionalMessage(out.reply);
        } else {
          x.status = kFailed;
          x.message = WhyFailed(out.reply);
        }
        return Status::Ok();
      }));
  if (vendor_id) out.addon = std::move(saved);
  return out;
}

StatusOr<VendorReply> Service::Deprovision(const std::string& addon_id, const CallOptions& call) {
  MPEMU_RETURN_IF_ERROR(manifest_status_);
  MPEMU_ASSIGN_OR_RETURN(Addon a, Find(addon_id));
  if (a.status == kProvisioning) {
    return FailedPreconditionError("add-on " + addon_id + " is still being provisioned");
  }
  if (a.vendor_id.empty()) {
    return FailedPreconditionError(
        "add-on " + addon_id + " has no vendor id: its provisioning failed (" + a.message + ")");
  }
  // Repeating a deprovision is allowed: what vendors answer then (404, 410, 2xx) is worth seeing.
  const std::string url = WithoutTrailingSlash(BaseUrl()) + VendorPath(a, "/{id}", call);
  VendorReply reply = Call("clevercloud.deprovision", "DELETE", url, std::nullopt, call);
  if (reply.ok()) {
    MPEMU_RETURN_IF_ERROR(Save(addon_id, [](Addon& x) -> Status {
                            x.status = kDeprovisioned;
                            return Status::Ok();
                          }).status());
  }
  return reply;
}

StatusOr<VendorReply> Service::ChangePlan(const std::string& addon_id, const std::string& plan,
                                          const CallOptions& call) {
  MPEMU_RETURN_IF_ERROR(manifest_status_);
  MPEMU_RETURN_IF_ERROR(CheckPlan(plan));
  MPEMU_ASSIGN_OR_RETURN(Addon a, Find(addon_id));
  if (a.status != kActive) {
    return FailedPreconditionError("add-on " + addon_id + " is " + a.status +
                                   "; only an active add-on changes plan");
  }
  const std::string url =
      WithoutTrailingSlash(BaseUrl()) + VendorPath(a, config_.plan_change_path, call);
  nlohmann::ordered_json body;
  if (config_.legacy_fields) body["heroku_id"] = a.addon_id;
  body["addon_id"] = a.addon_id;
  body["plan"] = plan;
  const bool with_body = config_.plan_change_method != "GET";
  VendorReply reply =
      Call("clevercloud.plan-change", config_.plan_change_method, url,
           with_body ? std::optional<nlohmann::ordered_json>(body) : std::nullopt, call);
  if (reply.ok()) {
    MPEMU_RETURN_IF_ERROR(Save(addon_id, [&](Addon& x) -> Status {
                            x.plan = plan;
                            if (reply.json && reply.json->is_object()) {
                              const nlohmann::json config = FilterConfig(
                                  reply.json->value("config", nlohmann::json::object()));
                              for (const auto& [key, value] : config.items()) x.config[key] = value;
                              const std::string message = OptionalMessage(reply);
                              if (!message.empty()) x.message = message;
                            }
                            return Status::Ok();
                          }).status());
  }
  return reply;
}

StatusOr<SsoForm> Service::BuildSso(const std::string& addon_id, const SsoOverrides& o) {
  MPEMU_RETURN_IF_ERROR(manifest_status_);
  MPEMU_ASSIGN_OR_RETURN(Addon a, Find(addon_id));
  if (a.vendor_id.empty()) {
    return FailedPreconditionError("add-on " + addon_id + " is " + a.status +
                                   " and has no vendor id to sign in to");
  }
  const std::string salt = o.salt.value_or(manifest_.sso_salt);
  if (salt.empty() && !o.salt) {
    return FailedPreconditionError("the manifest has no api.sso_salt: SSO cannot be signed");
  }
  const std::string unit = o.timestamp_unit.empty() ? config_.sso_timestamp_unit : o.timestamp_unit;
  if (unit != "ms" && unit != "s") return InvalidArgumentError("timestampUnit: expected ms or s");
  const int64_t now = env_.wall_clock->NowMillis() + o.timestamp_offset_ms;
  const std::string timestamp = std::to_string(unit == "s" ? now / 1000 : now);

  SsoForm form;
  form.url = SsoUrl();
  form.fields = {{"id", a.vendor_id},
                 {"timestamp", timestamp},
                 {"nav-data", ""},
                 {"email", a.user_email},
                 {"user_id", a.user_id}};
  auto is_signature = [](const std::string& name) {
    return name == "signature" || name == "token";
  };
  if (o.resign)
    ApplyFields(form.fields, o.fields, [&](const std::string& n) { return !is_signature(n); });
  const std::string id = FieldValue(form.fields, "id");
  const std::string ts = FieldValue(form.fields, "timestamp");
  form.signing_input = id + ":" + FieldValue(form.fields, "user_id") + ":" +
                       FieldValue(form.fields, "email") + ":" +
                       FieldValue(form.fields, "nav-data") + ":" + salt + ":" + ts;
  form.fields.emplace_back("signature", crypto::Sha512Hex(form.signing_input));
  if (o.legacy_token) form.fields.emplace_back("token", LegacySsoToken(id, salt, ts));
  if (o.resign) {
    ApplyFields(form.fields, o.fields, is_signature);
  } else {
    ApplyFields(form.fields, o.fields, [](const std::string&) { return true; });
  }
  if (o.signature)
    ApplyFields(form.fields, {{"signature", o.signature}}, [](const std::string&) { return true; });
  return form;
}

StatusOr<VendorReply> Service::PostSso(const SsoForm& form) {
  if (form.url.empty())
    return FailedPreconditionError("the manifest has no sso_url for the selected mode");
  CallOptions call;
  call.authorization = "";  // a browser's form post carries no platform credentials
  call.body = form.Body();
  call.content_type = kFormType;
  return Call("clevercloud.sso", "POST", form.url, std::nullopt, call,
              "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
}

StatusOr<Addon> Service::Find(const std::string& addon_id) {
  StatusOr<store::Record> r = env_.store->Get(kAddonKind, addon_id);
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kNotFound)
      return NotFoundError("add-on " + addon_id + " not found");
    return r.status();
  }
  return Addon::FromJson(nlohmann::json::parse(r->body, nullptr, false));
}

StatusOr<std::vector<Addon>> Service::All() {
  std::vector<Addon> out;
  MPEMU_RETURN_IF_ERROR(store::ForEachRecord(*env_.store, kAddonKind, std::nullopt,
                                             [&](const store::Record& r) -> Status {
    MPEMU_ASSIGN_OR_RETURN(Addon a, Addon::FromJson(nlohmann::json::parse(r.body, nullptr, false)));
    out.push_back(std::move(a));
    return Status::Ok();
  }));
  return out;
}

Status Service::AuthenticateVendor(const std::string& authorization) const {
  MPEMU_RETURN_IF_ERROR(manifest_status_);
  const std::string expected =
      "HTTP Basic authentication with the add-on id and the manifest's password";
  if (authorization.empty()) return UnauthenticatedError("authentication required: " + expected);
  const size_t space = authorization.find(' ');
  if (space == std::string::npos || strncasecmp(authorization.c_str(), "basic", 5) != 0 ||
      space != 5) {
    return UnauthenticatedError("unsupported authentication scheme: expected " + expected);
  }
  const size_t start = authorization.find_first_not_of(' ', space);
  StatusOr<std::string> decoded = crypto::Base64Decode(
      start == std::string::npos ? std::string() : authorization.substr(start));
  if (!decoded.ok() || decoded->empty())
    return UnauthenticatedError("malformed Basic credentials: " + expected);
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos)
    return UnauthenticatedError("malformed Basic credentials: no ':'; " + expected);
  // Both compared, whatever the first says: which one was wrong must not show in the timing.
  const bool user_ok = crypto::ConstantTimeEquals(decoded->substr(0, colon), manifest_.id);
  const bool password_ok =
      crypto::ConstantTimeEquals(decoded->substr(colon + 1), manifest_.password);
  if (!(user_ok & password_ok)) return UnauthenticatedError("wrong add-on id or password");
  return Status::Ok();
}

StatusOr<Addon> Service::FindVisible(const std::string& addon_id) {
  MPEMU_ASSIGN_OR_RETURN(Addon a, Find(addon_id));
  if (a.status == kProvisioning) {
    return NotFoundError(
        "add-on " + addon_id +
        " is being provisioned: this endpoint is not available "
        "during the provisioning call; answer the provisioning request first, then "
        "call it");
  }
  if (a.status != kActive) return NotFoundError("add-on " + addon_id + " not found");
  return a;
}

StatusOr<Addon> Service::UpdateConfig(const std::string& addon_id, const nlohmann::json& config) {
  if (!config.is_object()) return InvalidArgumentError("config: expected an object of strings");
  for (const auto& [key, value] : config.items()) {
    if (!value.is_string()) return InvalidArgumentError("config." + key + ": expected a string");
  }
  MPEMU_RETURN_IF_ERROR(FindVisible(addon_id).status());
  const nlohmann::json kept = FilterConfig(config);
  return Save(addon_id, [&](Addon& x) -> Status {
    if (x.status != kActive) return NotFoundError("add-on " + addon_id + " not found");
    for (const auto& [key, value] : kept.items()) x.config[key] = value;
    return Status::Ok();
  });
}

std::string Service::SsoSignature(const std::string& id, const std::string& user_id,
                                  const std::string& email, const std::string& nav_data,
                                  const std::string& salt, const std::string& timestamp) {
  return crypto::Sha512Hex(id + ":" + user_id + ":" + email + ":" + nav_data + ":" + salt + ":" +
                           timestamp);
}

std::string Service::LegacySsoToken(const std::string& id, const std::string& salt,
                                    const std::string& timestamp) {
  const std::string input = id + ":" + salt + ":" + timestamp;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), out, &length, EVP_sha1(), nullptr);
  return crypto::HexEncode(std::string(reinterpret_cast<char*>(out), length));
}

}  // namespace mpemu::clevercloud
