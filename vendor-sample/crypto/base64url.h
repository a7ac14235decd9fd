// base64url (RFC 4648 §5) without padding, as JWS compact serialization uses it; and plain base64
// (RFC 4648 §4) with padding, as HTTP Basic credentials use it.
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

// Plain base64 with '=' padding.
std::string Base64Encode(std::string_view bytes);

// Strict decoding of plain base64: only A-Z a-z 0-9 + / and '=' padding, a length that is a
// multiple of 4, padding only at the end (one or two '='), and canonical (the unused low bits of
// the last character are zero). No whitespace, no base64url characters, nothing lenient: one text
// per byte string. InvalidArgument naming the problem otherwise (never the input).
StatusOr<std::string> Base64DecodeStrict(std::string_view text);

}  // namespace vendor_sample::crypto

#endif  // VENDOR_SAMPLE_CRYPTO_BASE64URL_H_
