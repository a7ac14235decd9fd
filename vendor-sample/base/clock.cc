#include "vendor-sample/base/clock.h"

#include <chrono>

namespace vendor_sample {

int64_t RealClock::NowMillis() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace vendor_sample
