// Hashes, MACs, constant-time comparison and randomness.
#ifndef VENDOR_SAMPLE_CRYPTO_DIGEST_H_
#define VENDOR_SAMPLE_CRYPTO_DIGEST_H_

#include <string>
#include <string_view>

namespace vendor_sample::crypto {

std::string Sha256(std::string_view bytes);                            // 32 raw bytes
std::string Sha512(std::string_view bytes);                            // 64 raw bytes
std::string HmacSha256(std::string_view key, std::string_view bytes);  // 32 raw bytes
std::string HexEncode(std::string_view bytes);

// Equal lengths and equal bytes, in time independent of where they differ (CRYPTO_memcmp).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// `n` bytes from the OpenSSL CSPRNG; aborts if it cannot deliver (nothing safe to fall back to).
std::string RandomBytes(size_t n);
// 32 random bytes, base64url: session ids, signup ids.
std::string RandomToken();
// A random (version 4) UUID in lower case.
std::string RandomUuid();

}  // namespace vendor_sample::crypto

#endif  // VENDOR_SAMPLE_CRYPTO_DIGEST_H_
