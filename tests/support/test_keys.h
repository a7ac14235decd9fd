// Pre-generated RSA-2048 keys for tests, so no test spends 100 ms generating one.
#ifndef MPEMU_TESTS_SUPPORT_TEST_KEYS_H_
#define MPEMU_TESTS_SUPPORT_TEST_KEYS_H_

#include <atomic>
#include <string>

#include "emulator/crypto/rsa_key.h"

namespace mpemu::testing {

// The i-th test key (1..6), from tests/support/testdata/keys. Aborts if unreadable.
crypto::RsaKey TestKey(int i);
std::string TestKeyPem(int i);

// A KeySource that hands out the test keys in turn, cycling.
class TestKeySource final : public crypto::KeySource {
 public:
  StatusOr<crypto::RsaKey> NewRsaKey() override;

 private:
  std::atomic<int> next_{0};
};

}  // namespace mpemu::testing

#endif  // MPEMU_TESTS_SUPPORT_TEST_KEYS_H_
