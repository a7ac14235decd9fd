// A JSON parser for untrusted token segments: rejects what nlohmann::json::parse silently accepts.
#ifndef VENDOR_SAMPLE_CRYPTO_STRICT_JSON_H_
#define VENDOR_SAMPLE_CRYPTO_STRICT_JSON_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "vendor-sample/base/status.h"

namespace vendor_sample::crypto {

// Parses exactly one JSON text (RFC 8259, UTF-8, no comments, nothing after it). InvalidArgument
// when it is malformed, when an object repeats a member name (RFC 7515 §4 allows a JWS parser to
// reject these, and last-wins in one place but first-wins in another is how tokens get confused),
// or when arrays and objects nest deeper than `max_depth`.
StatusOr<nlohmann::json> ParseStrictJson(std::string_view text, int max_depth);

}  // namespace vendor_sample::crypto

#endif  // VENDOR_SAMPLE_CRYPTO_STRICT_JSON_H_
