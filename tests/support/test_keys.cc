#include "tests/support/test_keys.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace mpemu::testing {

std::string TestKeyPem(int i) {
  const std::string path =
      std::string(MPEMU_TESTDATA_DIR) + "/keys/test_key_" + std::to_string(i) + ".pem";
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::abort();
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

crypto::RsaKey TestKey(int i) {
  auto key = crypto::RsaKey::FromPem(TestKeyPem(i));
  if (!key.ok()) {
    std::fprintf(stderr, "test key %d: %s\n", i, key.status().ToString().c_str());
    std::abort();
  }
  return *key;
}

StatusOr<crypto::RsaKey> TestKeySource::NewRsaKey() { return TestKey(1 + next_++ % 6); }

}  // namespace mpemu::testing
