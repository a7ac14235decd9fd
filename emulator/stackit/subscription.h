// A STACKIT subscription as the emulator stores it, and as the vendor API shows it.
#ifndef MPEMU_EMULATOR_STACKIT_SUBSCRIPTION_H_
#define MPEMU_EMULATOR_STACKIT_SUBSCRIPTION_H_

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/status.h"
#include "emulator/stackit/config.h"

namespace mpemu::stackit {

inline constexpr char kPending[] = "SUBSCRIPTION_PENDING";
inline constexpr char kActive[] = "SUBSCRIPTION_ACTIVE";
inline constexpr char kInactive[] = "SUBSCRIPTION_INACTIVE";
inline constexpr char kCancelling[] = "SUBSCRIPTION_CANCELLING";
inline constexpr char kCancelled[] = "SUBSCRIPTION_CANCELLED";
inline constexpr char kRejected[] = "SUBSCRIPTION_REJECTED";
inline constexpr char kApprovalTimedOut[] = "SUBSCRIPTION_APPROVAL_TIMED_OUT";  // latest spec only

// The classic states (what the released SDKs accept), plus the latest spec's when `latest`.
bool IsKnownState(const std::string& state, bool latest);
// Hidden from lists unless includeExpired: cancelled, rejected, timed out.
bool IsExpiredState(const std::string& state);

struct StateChange {
  std::string state;
  int64_t at = 0;  // marketplace clock, ms
  std::string reason;
};

struct Subscription {
  std::string subscription_id;
  std::string vendor_project_id;   // partition
  std::string product_id;
  std::string consumer_project_id;
  std::string organization_id;
  std::string state = kPending;
  int64_t created_at = 0;          // marketplace clock, ms
  int64_t pending_ttl_ms = 0;
  std::string instance_target;     // set by approve
  std::vector<StateChange> history;

  nlohmann::json ToStoredJson() const;
  static StatusOr<Subscription> FromStoredJson(const std::string& body);

  // Applies the pending TTL at `now`: a pending subscription past its deadline becomes REJECTED
  // (or APPROVAL_TIMED_OUT when `latest`), dated at the deadline. True if it changed.
  bool ApplyTtl(int64_t now, bool latest);
  void SetState(const std::string& state, int64_t at, const std::string& reason);
};

// The vendor API's Subscription object (classic schema: VendorSubscription with its full product).
nlohmann::json ToApiJson(const Subscription& s, const Product& product);

}  // namespace mpemu::stackit

#endif  // MPEMU_EMULATOR_STACKIT_SUBSCRIPTION_H_
