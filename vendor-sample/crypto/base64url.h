// base64url (RFC 4648 §5) without padding, as JWS compact serialization uses it.
#ifndef VENDOR_SAMPLE_CRYPTO_BASE64URL_H_
#define VENDOR_SAMPLE_CRYPTO_BASE64URL_H_

#include <string>
#include <string_view>

#include "vendor-sample/base/status.h"

namespace vendor_sample::crypto {

std::string Base64UrlEncode(std::string_view bytes);

// Strict decoding: only A-Z a-z 0-9 - _; no padding, whitespace or other characters; a length
// that is not 1 mod 4; and the unused low bits of the last character must be zero (canonical), so
// exactly one text decodes to each byte string. InvalidArgument naming the offset otherwise.
StatusOr<std::string> Base64UrlDecodeStrict(std::string_view text);

}  // namespace vendor_sample::crypto

#endif  // VENDOR_SAMPLE_CRYPTO_BASE64URL_H_
