// The STACKIT Marketplace vendor API, as vendor-sample uses it: resolve-customer, approve, list and
// get. Every call carries "Authorization: Bearer <service-account access token>"; a 401 renews the
// token once and retries. Any answer other than the documented success fails closed.
#ifndef VENDOR_SAMPLE_STACKIT_MARKETPLACE_CLIENT_H_
#define VENDOR_SAMPLE_STACKIT_MARKETPLACE_CLIENT_H_

#include <string>
#include <vector>

#include "vendor-sample/base/status.h"
#include "vendor-sample/net/http_client.h"
#include "vendor-sample/stackit/service_account.h"

namespace vendor_sample::stackit {

inline constexpr char kPending[] = "SUBSCRIPTION_PENDING";
inline constexpr char kActive[] = "SUBSCRIPTION_ACTIVE";

// True for states after which the customer no longer has the product.
bool IsEndedState(const std::string& lifecycle_state);

struct SubscriptionInfo {
  std::string subscription_id;
  std::string lifecycle_state;
};

struct SubscriptionPage {
  std::vector<SubscriptionInfo> items;
  std::string next_cursor;  // empty: this was the last page ("" or null on the wire)
};

class MarketplaceClient {
 public:
  // `api_url` is the base URL (no trailing '/'); everything passed must outlive the client.
  MarketplaceClient(net::HttpSender* http, AccessTokenSource* tokens, std::string api_url,
                    std::string project_id);

  // POST .../resolve-customer {"token": token}: 200 with subscriptionId and lifecycleState.
  // Errors: Unauthenticated / PermissionDenied / NotFound / InvalidArgument for the matching 4xx,
  // Unavailable for 5xx, other codes, bad JSON or a missing field; DeadlineExceeded for timeouts.
  StatusOr<SubscriptionInfo> ResolveCustomer(const std::string& token);

  // POST .../subscriptions/{id}/approve {"instanceTarget": ...}: 204 (any 2xx) or an error as
  // above (a non-pending subscription is usually InvalidArgument).
  Status Approve(const std::string& subscription_id, const std::string& instance_target);

  // GET .../subscriptions?limit=N&includeExpired=true[&cursor=C]: one page.
  StatusOr<SubscriptionPage> ListSubscriptions(const std::string& cursor, int limit);

  // GET .../subscriptions/{id}?includeExpired=true.
  StatusOr<SubscriptionInfo> GetSubscription(const std::string& subscription_id);

 private:
  StatusOr<net::HttpResponse> Call(const std::string& method, const std::string& path_and_query,
                                   const std::string& json_body, const std::string& what);

  net::HttpSender* const http_;
  AccessTokenSource* const tokens_;
  const std::string project_base_;  // {api}/v1/vendors/projects/{project}
};

}  // namespace vendor_sample::stackit

#endif  // VENDOR_SAMPLE_STACKIT_MARKETPLACE_CLIENT_H_
