// Keeps the vendor's view of its STACKIT subscriptions current, as the marketplace docs require
// ("implement a polling mechanism"): every interval it lists all subscriptions of the vendor
// project (following the cursor until it is "" or null) and records each bound subscription's
// lifecycleState. Bound subscriptions the list did not show are fetched one by one, and a bound
// subscription still pending whose approve failed at registration is approved again.
#ifndef VENDOR_SAMPLE_STACKIT_POLLER_H_
#define VENDOR_SAMPLE_STACKIT_POLLER_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "vendor-sample/base/clock.h"
#include "vendor-sample/base/status.h"
#include "vendor-sample/stackit/marketplace_client.h"
#include "vendor-sample/store/store.h"

namespace vendor_sample::stackit {

class Poller {
 public:
  // Everything passed must outlive the poller.
  Poller(MarketplaceClient* api, store::Store* store, const Clock* clock, int64_t interval_ms,
         std::string instance_target);
  ~Poller();  // stops
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  void Start();
  void Stop();

  // One round; the first failure ends it.
  Status PollOnce();

 private:
  void Run();

  MarketplaceClient* const api_;
  store::Store* const store_;
  const Clock* const clock_;
  const int64_t interval_ms_;
  const std::string instance_target_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vendor_sample::stackit

#endif  // VENDOR_SAMPLE_STACKIT_POLLER_H_
