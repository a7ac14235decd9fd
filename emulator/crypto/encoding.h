// Byte encodings and comparisons used by every token format.
#ifndef MPEMU_EMULATOR_CRYPTO_ENCODING_H_
#define MPEMU_EMULATOR_CRYPTO_ENCODING_H_

#include <string>
#include <string_view>

#include "emulator/core/status.h"

namespace mpemu::crypto {

// RFC 4648 section 5 alphabet, no padding.
std::string Base64UrlEncode(std::string_view bytes);

// Strict base64url decoding, as RFC 7515 requires: only [A-Za-z0-9_-], no padding, no whitespace,
// a length that is not 1 mod 4, and (unless `allow_noncanonical`) zero unused trailing bits, so
// that each byte string has exactly one accepted encoding. Errors name the first bad offset.
StatusOr<std::string> Base64UrlDecode(std::string_view text, bool allow_noncanonical = false);

// Standard base64 with padding (for PEM bodies and HTTP Basic).
std::string Base64Encode(std::string_view bytes);
StatusOr<std::string> Base64Decode(std::string_view text);

// Lower-case hex.
std::string HexEncode(std::string_view bytes);

// Compares in time that depends only on the lengths, never on where the contents differ. Every
// secret, signature and password comparison in the project goes through this.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// `n` bytes from OpenSSL's CSPRNG.
std::string RandomBytes(size_t n);
// A random secret of `n` bytes, base64url-encoded.
std::string RandomSecret(size_t n = 32);

}  // namespace mpemu::crypto

#endif  // MPEMU_EMULATOR_CRYPTO_ENCODING_H_
