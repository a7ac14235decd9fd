#include "vendor-sample/clevercloud/resource_handlers.h"

#include <cstring>
#include <optional>

#include "vendor-sample/base/log.h"
#include "vendor-sample/crypto/digest.h"
#include "vendor-sample/crypto/strict_json.h"

namespace vendor_sample::clevercloud {
namespace {

using Json = nlohmann::json;
using web::Reply;
using web::Request;

constexpr size_t kMaxFieldBytes = 256;
constexpr size_t kMaxUrlBytes = 2048;

Reply ApiError(int status, const std::string& error, const std::string& message) {
  return Reply::Json(status, {{"error", error}, {"message", message}});
}

Reply Busy() { return ApiError(503, "unavailable", "the database is unavailable; please retry"); }

bool HasControl(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

// Parses the JSON object body of a provider call into `body`; returns the refusal when it is
// not one.
std::optional<Reply> ParseBody(const Request& request, Json* body) {
  if (MediaType(request) != "application/json") {
    return ApiError(415, "unsupported_media_type", "the body must be application/json");
  }
  StatusOr<Json> parsed = crypto::ParseStrictJson(request.body, 16);
  if (!parsed.ok()) {
    return ApiError(400, "bad_request", "the body is not valid JSON: " + parsed.status().message());
  }
  if (!parsed->is_object()) return ApiError(400, "bad_request", "the body must be a JSON object");
  *body = std::move(*parsed);
  return std::nullopt;
}

// Reads string member `name` into `out`. A missing (or null) member is an error when `required`;
// a present one must be a string of at most `max` bytes without control characters.
Status ReadString(const Json& body, const char* name, bool required, size_t max, std::string* out) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) return InvalidArgumentError(std::string(name) + " is required");
    return Status::Ok();
  }
  if (!it->is_string()) return InvalidArgumentError(std::string(name) + " must be a string");
  const std::string value = it->get<std::string>();
  if (required && value.empty()) return InvalidArgumentError(std::string(name) + " is empty");
  if (value.size() > max || HasControl(value)) {
    return InvalidArgumentError(std::string(name) + " is too long or holds control characters");
  }
  *out = value;
  return Status::Ok();
}

std::string NewResourceId(const Bugs& bugs) {
  const std::string random = crypto::RandomBytes(8);
  if (bugs.has("cc-numeric-id")) {
    uint64_t n = 0;
    std::memcpy(&n, random.data(), sizeof(n));
    return std::to_string(1000000000000000ULL + n % 8000000000000000ULL);  // 16 digits
  }
  return "vs-" + crypto::HexEncode(random);
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string MediaType(const Request& request) {
  const std::vector<std::string> types = request.HeaderValues("content-type");
  if (types.size() != 1) return "";
  std::string type = types.front().substr(0, types.front().find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  const size_t start = type.find_first_not_of(" \t");
  type = start == std::string::npos ? "" : type.substr(start);
  for (char& c : type) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return type;
}

ResourceHandlers::ResourceHandlers(const Manifest* manifest, const ProviderAuth* auth,
                                   store::Store* store, const Clock* clock, const Bugs* bugs,
                                   std::string public_url)
    : manifest_(manifest),
      auth_(auth),
      store_(store),
      clock_(clock),
      bugs_(bugs),
      public_url_(std::move(public_url)) {}

std::vector<web::Route> ResourceHandlers::Routes() {
  constexpr char kOne[] = "/clevercloud/resources/([^/]+)";
  return {
      {"POST", "/clevercloud/resources",
       auth_->Require([this](const Request& r) { return Provision(r); })},
      {"PUT", kOne, auth_->Require([this](const Request& r) { return ChangePlan(r); })},
      {"POST", kOne, auth_->Require([this](const Request& r) { return ChangePlan(r); })},
      {"DELETE", kOne, auth_->Require([this](const Request& r) { return Deprovision(r); })},
      {"GET", "/api/clevercloud/resources/([^/]+)",
       [this](const Request& r) { return ResourceView(r); }},
  };
}

Json ResourceHandlers::ConfigOf(const store::CleverResource& resource) const {
  const std::string dashboard =
      public_url_ + "/clevercloud/resources/" + resource.id + "/dashboard";
  Json config = Json::object();
  for (const std::string& var : manifest_->config_vars) {
    if (EndsWith(var, "_URL")) config[var] = dashboard;
    if (EndsWith(var, "_TOKEN")) config[var] = resource.token;
  }
  if (bugs_->has("cc-unprefixed-config-var")) config["DASHBOARD_URL"] = dashboard;
  return config;
}

Reply ResourceHandlers::Provision(const Request& request) {
  Json body;
  if (std::optional<Reply> refusal = ParseBody(request, &body)) return *refusal;

  store::CleverResource r;
  // owner_name is in Clever's current body; heroku_id, logplex_token, uuid and anything else
  // are accepted and ignored.
  for (const Status& s : {ReadString(body, "addon_id", true, kMaxFieldBytes, &r.addon_id),
                          ReadString(body, "plan", true, kMaxFieldBytes, &r.plan),
                          ReadString(body, "owner_id", false, kMaxFieldBytes, &r.owner_id),
                          ReadString(body, "owner_name", false, kMaxFieldBytes, &r.owner_name),
                          ReadString(body, "user_id", false, kMaxFieldBytes, &r.user_id),
                          ReadString(body, "region", false, kMaxFieldBytes, &r.region),
                          ReadString(body, "callback_url", false, kMaxUrlBytes, &r.callback_url)}) {
    if (!s.ok()) return ApiError(422, "unprocessable_entity", s.message());
  }
  if (const auto options = body.find("options");
      options != body.end() && !options->is_object() && !options->is_null()) {
    return ApiError(422, "unprocessable_entity", "options must be an object");
  }

  r.id = NewResourceId(*bugs_);
  r.token = crypto::RandomToken();
  r.status = store::kCleverActive;
  r.created_at_ms = r.updated_at_ms = clock_->NowMillis();
  StatusOr<store::CleverProvision> stored = store_->ProvisionCleverResource(r);
  if (!stored.ok()) {
    Log("clevercloud: provision: " + stored.status().message());
    return Busy();
  }
  const store::CleverResource& resource = stored->resource;
  if (resource.status != store::kCleverActive) {
    return ApiError(410, "gone",
                    "add-on " + resource.addon_id +
                        " was provisioned and deprovisioned before; it cannot come back");
  }
  Json id = resource.id;
  if (bugs_->has("cc-numeric-id")) id = std::stoll(resource.id);
  const std::string message =
      stored->created
          ? "vendor-sample resource " + resource.id + " is ready on plan " + resource.plan + "."
          : "vendor-sample resource " + resource.id + " was provisioned before for " +
                resource.addon_id + "; nothing changed.";
  Log("clevercloud: " + std::string(stored->created ? "provisioned " : "provision replayed for ") +
      resource.id);
  return Reply::Json(200, {{"id", id}, {"config", ConfigOf(resource)}, {"message", message}});
}

Reply ResourceHandlers::ChangePlan(const Request& request) {
  const std::string& id = request.path_params.at(0);
  if (!IsResourceId(id)) return ApiError(404, "not_found", "no such resource");
  Json body;
  if (std::optional<Reply> refusal = ParseBody(request, &body)) return *refusal;
  std::string plan;
  std::string addon_id;
  for (const Status& s : {ReadString(body, "plan", true, kMaxFieldBytes, &plan),
                          ReadString(body, "addon_id", false, kMaxFieldBytes, &addon_id)}) {
    if (!s.ok()) return ApiError(422, "unprocessable_entity", s.message());
  }

  StatusOr<std::optional<store::CleverResource>> before = store_->FindCleverResource(id);
  if (!before.ok()) return Busy();
  if (!*before) return ApiError(404, "not_found", "no resource " + id);
  if (!addon_id.empty() && addon_id != (*before)->addon_id) {
    return ApiError(422, "unprocessable_entity", "addon_id does not match resource " + id);
  }
  StatusOr<store::CleverChange> change = store_->ChangeCleverPlan(id, plan, clock_->NowMillis());
  if (!change.ok()) {
    Log("clevercloud: plan change: " + change.status().message());
    return Busy();
  }
  std::string message;
  switch (*change) {
    case store::CleverChange::kUnknown:
      return ApiError(404, "not_found", "no resource " + id);
    case store::CleverChange::kDeprovisioned:
      return ApiError(410, "gone", "resource " + id + " is deprovisioned");
    case store::CleverChange::kUnchanged:
      message = "resource " + id + " is already on plan " + plan + ".";
      break;
    case store::CleverChange::kDone:
      message = "resource " + id + " moved from plan " + (*before)->plan + " to " + plan + ".";
      Log("clevercloud: " + message);
      break;
  }
  StatusOr<std::optional<store::CleverResource>> after = store_->FindCleverResource(id);
  if (!after.ok() || !*after) return Busy();
  return Reply::Json(200, {{"config", ConfigOf(**after)}, {"message", message}});
}

Reply ResourceHandlers::Deprovision(const Request& request) {
  const std::string& id = request.path_params.at(0);
  if (!IsResourceId(id)) return ApiError(404, "not_found", "no such resource");
  StatusOr<store::CleverChange> change = store_->DeprovisionCleverResource(id, clock_->NowMillis());
  if (!change.ok()) {
    Log("clevercloud: deprovision: " + change.status().message());
    return Busy();
  }
  switch (*change) {
    case store::CleverChange::kUnknown:
      return ApiError(404, "not_found", "no resource " + id);
    case store::CleverChange::kDeprovisioned:
    case store::CleverChange::kUnchanged:
      return ApiError(410, "gone", "resource " + id + " is already deprovisioned");
    case store::CleverChange::kDone:
      break;
  }
  Log("clevercloud: deprovisioned " + id);
  return Reply::Json(200, {{"message", "resource " + id + " is deprovisioned."}});
}

Reply ResourceHandlers::ResourceView(const Request& request) {
  const std::string& id = request.path_params.at(0);
  if (!IsResourceId(id)) return ApiError(404, "not_found", "no such resource");
  StatusOr<std::optional<store::CleverResource>> r = store_->FindCleverResource(id);
  if (!r.ok()) return Busy();
  if (!*r) return ApiError(404, "not_found", "no resource " + id);
  return Reply::Json(200, {{"id", (*r)->id},
                           {"addonId", (*r)->addon_id},
                           {"plan", (*r)->plan},
                           {"status", (*r)->status},
                           {"config", ConfigOf(**r)}});
}

}  // namespace vendor_sample::clevercloud
