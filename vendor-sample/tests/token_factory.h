// Test helpers: RSA keys made once per test program, and JWS tokens built from exact header and
// payload text (so tests can craft duplicate members, odd numbers and bad encodings).
#ifndef VENDOR_SAMPLE_TESTS_TOKEN_FACTORY_H_
#define VENDOR_SAMPLE_TESTS_TOKEN_FACTORY_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "vendor-sample/crypto/base64url.h"
#include "vendor-sample/crypto/rsa.h"

namespace vendor_sample::testing {

// A key generated with OpenSSL on first use. ctest runs every test in its own process, and RSA
// key generation costs ~100 ms, so the PEM is kept in the test temp directory and reused by later
// processes (written to a unique file, then renamed into place, so parallel runs never see half a
// key).
inline crypto::RsaPrivateKey CachedTestKey(const std::string& name, int bits) {
  const std::string path =
      ::testing::TempDir() + "vendor_sample_test_key_" + name + "_" + std::to_string(bits) + ".pem";
  {
    std::ifstream in(path);
    std::stringstream pem;
    pem << in.rdbuf();
    StatusOr<crypto::RsaPrivateKey> cached = crypto::RsaPrivateKey::FromPem(pem.str());
    if (cached.ok()) return *cached;
  }
  crypto::RsaPrivateKey key = *crypto::RsaPrivateKey::Generate(bits);
  const std::string tmp = path + "." + std::to_string(::getpid());
  std::ofstream(tmp) << key.PrivatePem();
  std::rename(tmp.c_str(), path.c_str());
  return key;
}

// The "STACKIT" key, shared by the program's tests.
inline const crypto::RsaPrivateKey& StackitKey() {
  static const crypto::RsaPrivateKey key = CachedTestKey("stackit", 2048);
  return key;
}
// Another 2048-bit key that the issuer never publishes.
inline const crypto::RsaPrivateKey& AttackerKey() {
  static const crypto::RsaPrivateKey key = CachedTestKey("attacker", 2048);
  return key;
}
// Too short to be trusted.
inline const crypto::RsaPrivateKey& WeakKey() {
  static const crypto::RsaPrivateKey key = CachedTestKey("weak", 1024);
  return key;
}

inline std::string B64(const std::string& bytes) { return crypto::Base64UrlEncode(bytes); }

// B64(header).B64(payload).B64(RS256 signature by `key` over the first two segments).
inline std::string SignRaw(const std::string& header, const std::string& payload,
                           const crypto::RsaPrivateKey& key = StackitKey(),
                           crypto::Hash hash = crypto::Hash::kSha256) {
  const std::string input = B64(header) + "." + B64(payload);
  return input + "." + B64(*key.Sign(hash, input));
}

inline std::string Sign(const nlohmann::ordered_json& header, const nlohmann::ordered_json& payload,
                        const crypto::RsaPrivateKey& key = StackitKey()) {
  return SignRaw(header.dump(), payload.dump(), key);
}

// {"kid": "<PEM>", ...}
inline std::string KeysJson(const nlohmann::json& kid_to_pem) { return kid_to_pem.dump(); }

}  // namespace vendor_sample::testing

#endif  // VENDOR_SAMPLE_TESTS_TOKEN_FACTORY_H_
