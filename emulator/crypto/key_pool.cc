#include "emulator/crypto/key_pool.h"

namespace mpemu::crypto {

KeyPool::KeyPool(size_t target, size_t threads, int bits) : target_(target), bits_(bits) {
  for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
}

KeyPool::~KeyPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void KeyPool::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || ready_.size() + in_flight_ < target_; });
    if (stopping_) return;
    ++in_flight_;
    lock.unlock();
    auto key = RsaKey::Generate(bits_);
    lock.lock();
    --in_flight_;
    if (key.ok()) {
      ready_.push_back(*key);
      cv_.notify_all();
    } else {
      // Generation failing means OpenSSL is broken; callers will see the error inline.
      return;
    }
  }
}

StatusOr<RsaKey> KeyPool::NewRsaKey() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    // A key already being generated is worth waiting for rather than starting another.
    cv_.wait(lock, [this] { return !ready_.empty() || in_flight_ == 0 || stopping_; });
    if (!ready_.empty()) {
      RsaKey key = ready_.front();
      ready_.pop_front();
      cv_.notify_all();  // a worker may refill
      return key;
    }
  }
  return RsaKey::Generate(bits_);
}

}  // namespace mpemu::crypto
