// A KeySource whose keys are held back until the test opens the gate, to observe an emulator
// while its start-up work (key generation) is still running, or failing.
#ifndef MPEMU_TESTS_SUPPORT_GATED_KEY_SOURCE_H_
#define MPEMU_TESTS_SUPPORT_GATED_KEY_SOURCE_H_

#include <atomic>
#include <future>
#include <mutex>
#include <string>

#include "emulator/crypto/rsa_key.h"
#include "tests/support/test_keys.h"

namespace mpemu::testing {

class GatedKeySource final : public crypto::KeySource {
 public:
  // With a non-empty `failure`, every key request fails with Unavailable(failure) once open.
  explicit GatedKeySource(std::string failure = "") : failure_(std::move(failure)) {}

  // Lets waiting and future requests through. Idempotent.
  void Open() {
    std::call_once(open_once_, [this] { gate_.set_value(); });
  }

  StatusOr<crypto::RsaKey> NewRsaKey() override {
    opened_.wait();
    if (!failure_.empty()) return UnavailableError(failure_);
    return TestKey(1 + next_++ % 6);
  }

 private:
  std::string failure_;
  std::once_flag open_once_;
  std::promise<void> gate_;
  std::shared_future<void> opened_ = gate_.get_future().share();
  std::atomic<int> next_{0};
};

// Opens the gate when it goes out of scope, so that a failed assertion never leaves an emulator's
// start-up (and with it the emulator's destructor, or a pending request) waiting forever.
class OpenOnExit {
 public:
  explicit OpenOnExit(GatedKeySource* keys) : keys_(keys) {}
  ~OpenOnExit() { keys_->Open(); }
  OpenOnExit(const OpenOnExit&) = delete;
  OpenOnExit& operator=(const OpenOnExit&) = delete;

 private:
  GatedKeySource* keys_;
};

}  // namespace mpemu::testing

#endif  // MPEMU_TESTS_SUPPORT_GATED_KEY_SOURCE_H_
