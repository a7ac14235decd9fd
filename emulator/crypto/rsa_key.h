// RSA keys: generation, PEM and JWK forms, PKCS#1 v1.5 signatures.
#ifndef MPEMU_EMULATOR_CRYPTO_RSA_KEY_H_
#define MPEMU_EMULATOR_CRYPTO_RSA_KEY_H_

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "emulator/core/status.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace mpemu::crypto {

// The digest of an RSASSA-PKCS1-v1_5 signature: RS256, RS384 or RS512 in JOSE terms.
enum class RsaDigest { kSha256, kSha384, kSha512 };

// An RSA public key, or a key pair. Immutable and cheap to copy (the OpenSSL key is shared);
// safe to use from several threads at once.
class RsaKey {
 public:
  // A new key pair. Slow (about 100 ms for 2048 bits): callers get keys through a KeySource.
  static StatusOr<RsaKey> Generate(int bits = 2048);

  // Parses a PEM private key (PKCS#8 or PKCS#1 "RSA PRIVATE KEY") or public key (PKIX "PUBLIC
  // KEY" or PKCS#1 "RSA PUBLIC KEY"). Non-RSA keys are InvalidArgument.
  static StatusOr<RsaKey> FromPem(std::string_view pem);

  // From a JWK object with "kty":"RSA", "n" and "e" (public only).
  static StatusOr<RsaKey> FromJwk(const nlohmann::json& jwk);

  bool has_private() const { return has_private_; }
  int bits() const;

  std::string PublicPem() const;              // PKIX "-----BEGIN PUBLIC KEY-----\n...\n"
  StatusOr<std::string> PrivatePem() const;   // PKCS#8; FailedPrecondition for a public key
  std::string PublicDer() const;              // SubjectPublicKeyInfo DER
  std::string Pkcs1PublicDer() const;         // RSAPublicKey DER
  std::string Modulus() const;                // big-endian bytes, no leading zero
  std::string PublicExponent() const;         // big-endian bytes

  // {"kty":"RSA","kid":kid,"use":"sig","alg":alg,"n":...,"e":...}
  nlohmann::json PublicJwk(const std::string& kid, const std::string& alg = "RS256") const;

  // RSASSA-PKCS1-v1_5. Sign needs the private key.
  StatusOr<std::string> Sign(RsaDigest digest, std::string_view data) const;
  bool Verify(RsaDigest digest, std::string_view data, std::string_view signature) const;

  // RSA private operation on a raw `bits()/8`-byte block, for forging malformed signatures in
  // adversarial tests (crafted PKCS#1 padding). Needs the private key.
  StatusOr<std::string> RawPrivateOp(std::string_view block) const;

  EVP_PKEY* pkey() const { return pkey_.get(); }

 private:
  RsaKey(std::shared_ptr<EVP_PKEY> pkey, bool has_private)
      : pkey_(std::move(pkey)), has_private_(has_private) {}
  std::shared_ptr<EVP_PKEY> pkey_;
  bool has_private_ = false;
};

// Where new keys come from. Injected: production generates, tests draw from a fixed pool so that
// a test suite does not spend seconds generating RSA keys.
class KeySource {
 public:
  virtual ~KeySource() = default;
  virtual StatusOr<RsaKey> NewRsaKey() = 0;  // thread-safe
};

// RSA-2048 from OpenSSL.
class GeneratingKeySource final : public KeySource {
 public:
  StatusOr<RsaKey> NewRsaKey() override { return RsaKey::Generate(2048); }
};

}  // namespace mpemu::crypto

#endif  // MPEMU_EMULATOR_CRYPTO_RSA_KEY_H_
