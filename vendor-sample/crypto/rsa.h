// RSA keys for JWS: verifying STACKIT's RS256 redirect tokens and signing RS512 service-account
// assertions. Both classes are cheap to copy (the key is shared) and thread-safe.
#ifndef VENDOR_SAMPLE_CRYPTO_RSA_H_
#define VENDOR_SAMPLE_CRYPTO_RSA_H_

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

#include "vendor-sample/base/status.h"

namespace vendor_sample::crypto {

enum class Hash { kSha256, kSha512 };

class RsaPublicKey {
 public:
  // A PEM "PUBLIC KEY" (SPKI) or "RSA PUBLIC KEY" (PKCS#1). InvalidArgument when it is not
  // exactly one RSA public key (EC keys, RSA-PSS-only keys, certificates and garbage included).
  static StatusOr<RsaPublicKey> FromPem(std::string_view pem);

  int bits() const;
  size_t modulus_bytes() const;

  // RSASSA-PKCS1-v1_5 verification over `signed_bytes`. False for any mismatch, including a
  // signature whose length is not exactly the modulus size (RFC 8017 §8.2.2 step 1).
  bool Verify(Hash hash, std::string_view signed_bytes, std::string_view signature) const;

 private:
  explicit RsaPublicKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

class RsaPrivateKey {
 public:
  // A PEM "PRIVATE KEY" (PKCS#8) or "RSA PRIVATE KEY" (PKCS#1), unencrypted.
  static StatusOr<RsaPrivateKey> FromPem(std::string_view pem);
  // A fresh key (tests).
  static StatusOr<RsaPrivateKey> Generate(int bits);

  // RSASSA-PKCS1-v1_5 signature over `bytes`.
  StatusOr<std::string> Sign(Hash hash, std::string_view bytes) const;

  std::string PublicPem() const;       // SPKI ("PUBLIC KEY")
  std::string PublicPkcs1Pem() const;  // PKCS#1 ("RSA PUBLIC KEY")
  std::string PrivatePem() const;      // PKCS#8

 private:
  explicit RsaPrivateKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace vendor_sample::crypto

#endif  // VENDOR_SAMPLE_CRYPTO_RSA_H_
