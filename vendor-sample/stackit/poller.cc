#include "vendor-sample/stackit/poller.h"

#include <chrono>
#include <map>
#include <set>

#include "vendor-sample/base/log.h"

namespace vendor_sample::stackit {
namespace {

constexpr int kPageLimit = 100;
constexpr int kMaxPages = 1000;
constexpr int kMaxSingleFetches = 50;  // per round

}  // namespace

Poller::Poller(MarketplaceClient* api, store::Store* store, const Clock* clock, int64_t interval_ms,
               std::string instance_target)
    : api_(api),
      store_(store),
      clock_(clock),
      interval_ms_(interval_ms),
      instance_target_(std::move(instance_target)) {}

Poller::~Poller() { Stop(); }

void Poller::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Poller::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Poller::Run() {
  std::string last_error;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (wake_.wait_for(lock, std::chrono::milliseconds(interval_ms_),
                         [this] { return stopping_; })) {
        return;
      }
    }
    const Status s = PollOnce();
    // Log a failure once, not every interval.
    if (!s.ok() && s.message() != last_error) Log("poller: " + s.message());
    if (s.ok() && !last_error.empty()) Log("poller: recovered");
    last_error = s.ok() ? "" : s.message();
  }
}

Status Poller::PollOnce() {
  // Observations are stamped with the round's start, so a round that began before a concurrent
  // approve cannot overwrite the newer state the approve recorded.
  const int64_t started = clock_->NowMillis();
  VS_ASSIGN_OR_RETURN(std::vector<store::Subscription> bound, store_->AllSubscriptions());

  std::map<std::string, std::string> seen;  // subscription id -> state
  std::string cursor;
  std::set<std::string> cursors;
  for (int page_count = 0; page_count < kMaxPages; ++page_count) {
    VS_ASSIGN_OR_RETURN(SubscriptionPage page, api_->ListSubscriptions(cursor, kPageLimit));
    for (const SubscriptionInfo& item : page.items)
      seen[item.subscription_id] = item.lifecycle_state;
    if (page.next_cursor.empty()) break;
    if (!cursors.insert(page.next_cursor).second) {
      return UnavailableError("list subscriptions: the cursor repeats");
    }
    cursor = page.next_cursor;
  }

  int single_fetches = 0;
  for (store::Subscription& s : bound) {
    auto it = seen.find(s.subscription_id);
    std::string state;
    if (it != seen.end()) {
      state = it->second;
    } else if (!IsEndedState(s.state) && single_fetches < kMaxSingleFetches) {
      ++single_fetches;
      StatusOr<SubscriptionInfo> info = api_->GetSubscription(s.subscription_id);
      if (!info.ok()) continue;  // not listed and not found: keep what we know
      state = info->lifecycle_state;
    } else {
      continue;
    }
    if (state != s.state) {
      VS_RETURN_IF_ERROR(store_->UpdateState(s.subscription_id, state, started));
      Log("poller: subscription " + s.subscription_id + " is " + state);
      s.state = state;
    }
    // Only after registration's own approve call failed: never race it.
    if (!s.approved && s.approve_failed && state == kPending) {
      const Status approved = api_->Approve(s.subscription_id, instance_target_);
      if (approved.ok()) {
        VS_RETURN_IF_ERROR(store_->MarkApproved(s.subscription_id, kActive, clock_->NowMillis()));
        Log("poller: approved " + s.subscription_id + " (retry after a failed approve)");
      } else {
        Log("poller: approve retry for " + s.subscription_id + " failed: " + approved.message());
      }
    }
  }
  return store_->DeleteExpired(clock_->NowMillis());
}

}  // namespace vendor_sample::stackit
