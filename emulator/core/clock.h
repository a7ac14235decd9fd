// Time, injected. Nothing outside this file reads the system clock.
//
// mpemu has two time domains (see docs/ARCHITECTURE.md):
//  - the *marketplace* clock, a VirtualClock that scenarios advance to expire a one-hour TTL in
//    milliseconds; it drives subscription lifecycles and everything stored;
//  - the *wall* clock, the real time that the vendor under test also reads. Tokens and SSO
//    timestamps handed to a vendor are stamped with it (so they stay valid on the vendor's real
//    clock) and credentials a vendor presents are checked against it.
// Both are `Clock`s; tests replace either with a ManualClock.
#ifndef MPEMU_EMULATOR_CORE_CLOCK_H_
#define MPEMU_EMULATOR_CORE_CLOCK_H_

#include <atomic>
#include <cstdint>

namespace mpemu {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch. Thread-safe in every implementation.
  virtual int64_t NowMillis() const = 0;
  int64_t NowSeconds() const { return NowMillis() / 1000; }
};

// The system's real-time clock. Default() lives forever.
class RealClock final : public Clock {
 public:
  static const Clock* Default();
  int64_t NowMillis() const override;
};

// A fixed time that only moves when told to. For tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t now_millis) : now_(now_millis) {}
  int64_t NowMillis() const override { return now_.load(); }
  void Set(int64_t now_millis) { now_.store(now_millis); }
  void AdvanceMillis(int64_t delta) { now_.fetch_add(delta); }

 private:
  std::atomic<int64_t> now_;
};

// `base` plus an offset that only grows by Advance (or is set by SetOffset, e.g. when restoring
// persisted state or on reset). Does not own `base`, which must outlive it.
class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(const Clock* base) : base_(base) {}
  int64_t NowMillis() const override { return base_->NowMillis() + offset_.load(); }

  void AdvanceMillis(int64_t delta) { offset_.fetch_add(delta); }
  void SetOffsetMillis(int64_t offset) { offset_.store(offset); }
  int64_t offset_millis() const { return offset_.load(); }

 private:
  const Clock* base_;
  std::atomic<int64_t> offset_{0};
};

}  // namespace mpemu

#endif  // MPEMU_EMULATOR_CORE_CLOCK_H_
