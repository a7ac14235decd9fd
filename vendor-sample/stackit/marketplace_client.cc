#include "vendor-sample/stackit/marketplace_client.h"

#include <nlohmann/json.hpp>

#include "vendor-sample/crypto/strict_json.h"
#include "vendor-sample/net/url.h"

namespace vendor_sample::stackit {
namespace {

constexpr int kMaxJsonDepth = 32;

// STACKIT's ErrorResponse is {error, message, path, status, timeStamp}; keep its message.
std::string ErrorMessage(const std::string& body) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("message") && j["message"].is_string()) {
    std::string m = j["message"].get<std::string>();
    return m.size() > 200 ? m.substr(0, 197) + "..." : m;
  }
  return "(no ErrorResponse body)";
}

Status StatusForHttp(int status, const std::string& what, const std::string& body) {
  const std::string text =
      what + " answered HTTP " + std::to_string(status) + ": " + ErrorMessage(body);
  switch (status) {
    case 400:
      return InvalidArgumentError(text);
    case 401:
      return UnauthenticatedError(text);
    case 403:
      return PermissionDeniedError(text);
    case 404:
      return NotFoundError(text);
    case 409:
      return AlreadyExistsError(text);
    default:
      return UnavailableError(text);
  }
}

StatusOr<SubscriptionInfo> ParseSubscription(const nlohmann::json& j, const std::string& what) {
  if (!j.is_object() || !j.contains("subscriptionId") || !j["subscriptionId"].is_string() ||
      j["subscriptionId"].get<std::string>().empty() || !j.contains("lifecycleState") ||
      !j["lifecycleState"].is_string()) {
    return UnavailableError(what + ": the answer lacks subscriptionId or lifecycleState");
  }
  return SubscriptionInfo{j["subscriptionId"].get<std::string>(),
                          j["lifecycleState"].get<std::string>()};
}

StatusOr<nlohmann::json> ParseBody(const net::HttpResponse& response, const std::string& what) {
  StatusOr<nlohmann::json> j = crypto::ParseStrictJson(response.body, kMaxJsonDepth);
  if (!j.ok()) return UnavailableError(what + ": the answer is not JSON: " + j.status().message());
  return j;
}

}  // namespace

bool IsEndedState(const std::string& s) {
  return s == "SUBSCRIPTION_CANCELLED" || s == "SUBSCRIPTION_INACTIVE" ||
         s == "SUBSCRIPTION_REJECTED" || s == "SUBSCRIPTION_APPROVAL_TIMED_OUT";
}

MarketplaceClient::MarketplaceClient(net::HttpSender* http, AccessTokenSource* tokens,
                                     std::string api_url, std::string project_id)
    : http_(http),
      tokens_(tokens),
      project_base_(api_url + "/v1/vendors/projects/" + net::PercentEncode(project_id)) {}

StatusOr<net::HttpResponse> MarketplaceClient::Call(const std::string& method,
                                                    const std::string& path_and_query,
                                                    const std::string& json_body,
                                                    const std::string& what) {
  for (int attempt = 0;; ++attempt) {
    StatusOr<std::string> token = tokens_->AccessToken();
    if (!token.ok()) {
      return UnavailableError(what + ": no access token: " + token.status().message());
    }
    net::HttpRequest request;
    request.method = method;
    request.url = project_base_ + path_and_query;
    request.headers = {{"Authorization", "Bearer " + *token}, {"Accept", "application/json"}};
    if (method == "POST") {
      request.content_type = "application/json";
      request.body = json_body;
    }
    StatusOr<net::HttpResponse> response = http_->Send(request);
    if (!response.ok()) {
      return Status(response.status().code(), what + ": " + response.status().message());
    }
    if (response->status == 401 && attempt == 0) {
      tokens_->Invalidate(*token);
      continue;
    }
    return response;
  }
}

StatusOr<SubscriptionInfo> MarketplaceClient::ResolveCustomer(const std::string& token) {
  const std::string what = "resolve-customer";
  VS_ASSIGN_OR_RETURN(
      net::HttpResponse response,
      Call("POST", "/resolve-customer", nlohmann::json{{"token", token}}.dump(), what));
  if (response.status != 200) return StatusForHttp(response.status, what, response.body);
  VS_ASSIGN_OR_RETURN(nlohmann::json j, ParseBody(response, what));
  return ParseSubscription(j, what);
}

Status MarketplaceClient::Approve(const std::string& subscription_id,
                                  const std::string& instance_target) {
  const std::string what = "approve";
  VS_ASSIGN_OR_RETURN(
      net::HttpResponse response,
      Call("POST", "/subscriptions/" + net::PercentEncode(subscription_id) + "/approve",
           nlohmann::json{{"instanceTarget", instance_target}}.dump(), what));
  if (response.status < 200 || response.status > 299) {
    return StatusForHttp(response.status, what, response.body);
  }
  return Status::Ok();
}

StatusOr<SubscriptionPage> MarketplaceClient::ListSubscriptions(const std::string& cursor,
                                                                int limit) {
  const std::string what = "list subscriptions";
  std::string query = "/subscriptions?limit=" + std::to_string(limit) + "&includeExpired=true";
  if (!cursor.empty()) query += "&cursor=" + net::PercentEncode(cursor);
  VS_ASSIGN_OR_RETURN(net::HttpResponse response, Call("GET", query, "", what));
  if (response.status != 200) return StatusForHttp(response.status, what, response.body);
  VS_ASSIGN_OR_RETURN(nlohmann::json j, ParseBody(response, what));
  if (!j.is_object() || !j.contains("items") || !j["items"].is_array()) {
    return UnavailableError(what + ": the answer has no items array");
  }
  SubscriptionPage page;
  for (const nlohmann::json& item : j["items"]) {
    VS_ASSIGN_OR_RETURN(SubscriptionInfo info, ParseSubscription(item, what));
    page.items.push_back(std::move(info));
  }
  if (j.contains("cursor") && !j["cursor"].is_null()) {
    if (!j["cursor"].is_string()) return UnavailableError(what + ": cursor is not a string");
    page.next_cursor = j["cursor"].get<std::string>();
  }
  return page;
}

StatusOr<SubscriptionInfo> MarketplaceClient::GetSubscription(const std::string& subscription_id) {
  const std::string what = "get subscription";
  VS_ASSIGN_OR_RETURN(
      net::HttpResponse response,
      Call("GET", "/subscriptions/" + net::PercentEncode(subscription_id) + "?includeExpired=true",
           "", what));
  if (response.status != 200) return StatusForHttp(response.status, what, response.body);
  VS_ASSIGN_OR_RETURN(nlohmann::json j, ParseBody(response, what));
  return ParseSubscription(j, what);
}

}  // namespace vendor_sample::stackit
