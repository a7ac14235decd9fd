// Time is injected: everything that needs "now" takes a Clock, so tests can move time by hand.
#ifndef VENDOR_SAMPLE_BASE_CLOCK_H_
#define VENDOR_SAMPLE_BASE_CLOCK_H_

#include <atomic>
#include <cstdint>

namespace vendor_sample {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch. Thread-safe.
  virtual int64_t NowMillis() const = 0;
  int64_t NowSeconds() const { return NowMillis() / 1000; }
};

// The system's wall clock.
class RealClock : public Clock {
 public:
  int64_t NowMillis() const override;
};

// A clock that moves only when told to (tests).
class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t now_millis) : now_(now_millis) {}
  int64_t NowMillis() const override { return now_.load(); }
  void Advance(int64_t millis) { now_ += millis; }
  void Set(int64_t now_millis) { now_ = now_millis; }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace vendor_sample

#endif  // VENDOR_SAMPLE_BASE_CLOCK_H_
