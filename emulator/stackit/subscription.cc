#include "emulator/stackit/subscription.h"

#include "emulator/core/time_format.h"

namespace mpemu::stackit {

bool IsKnownState(const std::string& s, bool latest) {
  if (s == kPending || s == kActive || s == kInactive || s == kCancelling || s == kCancelled ||
      s == kRejected) {
    return true;
  }
  return latest && (s == kApprovalTimedOut || s == "STATE_UNSPECIFIED");
}

bool IsExpiredState(const std::string& s) {
  return s == kCancelled || s == kRejected || s == kApprovalTimedOut;
}

nlohmann::json Subscription::ToStoredJson() const {
  nlohmann::json history_json = nlohmann::json::array();
  for (const auto& h : history) {
    history_json.push_back({{"state", h.state}, {"at", h.at}, {"reason", h.reason}});
  }
  return {{"subscriptionId", subscription_id},
          {"vendorProjectId", vendor_project_id},
          {"productId", product_id},
          {"projectId", consumer_project_id},
          {"organizationId", organization_id},
          {"state", state},
          {"createdAt", created_at},
          {"pendingTtlMs", pending_ttl_ms},
          {"instanceTarget", instance_target},
          {"history", history_json}};
}

StatusOr<Subscription> Subscription::FromStoredJson(const std::string& body) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return InternalError("stored subscription is not a JSON object");
  try {
    Subscription s;
    s.subscription_id = j.at("subscriptionId").get<std::string>();
    s.vendor_project_id = j.at("vendorProjectId").get<std::string>();
    s.product_id = j.at("productId").get<std::string>();
    s.consumer_project_id = j.at("projectId").get<std::string>();
    s.organization_id = j.at("organizationId").get<std::string>();
    s.state = j.at("state").get<std::string>();
    s.created_at = j.at("createdAt").get<int64_t>();
    s.pending_ttl_ms = j.at("pendingTtlMs").get<int64_t>();
    s.instance_target = j.value("instanceTarget", "");
    for (const auto& h : j.value("history", nlohmann::json::array())) {
      s.history.push_back({h.at("state").get<std::string>(), h.at("at").get<int64_t>(),
                           h.value("reason", "")});
    }
    return s;
  } catch (const nlohmann::json::exception& e) {
    return InternalError(std::string("stored subscription is unreadable: ") + e.what());
  }
}

void Subscription::SetState(const std::string& new_state, int64_t at, const std::string& reason) {
  state = new_state;
  history.push_back({new_state, at, reason});
}

bool Subscription::ApplyTtl(int64_t now, bool latest) {
  if (state != kPending) return false;
  const int64_t deadline = created_at + pending_ttl_ms;
  if (now < deadline) return false;
  SetState(latest ? kApprovalTimedOut : kRejected, deadline,
           "not approved within the pending TTL of " + std::to_string(pending_ttl_ms / 1000) + " s");
  return true;
}

nlohmann::json ToApiJson(const Subscription& s, const Product& p) {
  nlohmann::ordered_json product = {{"deliveryMethod", p.delivery_method},
                                    {"lifecycleState", p.lifecycle_state},
                                    {"planId", p.plan_id},
                                    {"priceType", p.price_type},
                                    {"pricingPlan", p.pricing_plan},
                                    {"productId", p.product_id},
                                    {"productName", p.product_name},
                                    {"vendorName", p.vendor_name},
                                    {"vendorWebsiteUrl", p.vendor_website_url}};
  if (!p.vendor_plan_id.empty()) product["vendorPlanId"] = p.vendor_plan_id;
  if (!p.vendor_product_id.empty()) product["vendorProductId"] = p.vendor_product_id;
  nlohmann::ordered_json j = {{"lifecycleState", s.state},
                              {"orderedAt", FormatRfc3339(s.created_at)},
                              {"organizationId", s.organization_id},
                              {"product", product},
                              {"projectId", s.consumer_project_id},
                              {"subscriptionId", s.subscription_id}};
  return j;
}

}  // namespace mpemu::stackit
