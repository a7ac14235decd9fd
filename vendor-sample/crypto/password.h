// Password storage: PBKDF2-HMAC-SHA256 with a random 16-byte salt, stored as one self-describing
// string "pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>" so the cost can grow later.
#ifndef VENDOR_SAMPLE_CRYPTO_PASSWORD_H_
#define VENDOR_SAMPLE_CRYPTO_PASSWORD_H_

#include <string>
#include <string_view>

namespace vendor_sample::crypto {

std::string HashPassword(std::string_view password, int iterations);

// Recomputes with the stored salt and cost and compares in constant time (CRYPTO_memcmp). False
// for a malformed stored string.
bool VerifyPassword(std::string_view password, const std::string& stored);

}  // namespace vendor_sample::crypto

#endif  // VENDOR_SAMPLE_CRYPTO_PASSWORD_H_
