#include "emulator/core/clock.h"

#include <chrono>

namespace mpemu {

const Clock* RealClock::Default() {
  static const RealClock* clock = new RealClock();
  return clock;
}

int64_t RealClock::NowMillis() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace mpemu
