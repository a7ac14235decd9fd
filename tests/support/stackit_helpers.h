// Helpers for tests that play a STACKIT vendor: service-account assertions as the SDKs build them,
// form bodies, and unverified looks into JWTs.
#ifndef MPEMU_TESTS_SUPPORT_STACKIT_HELPERS_H_
#define MPEMU_TESTS_SUPPORT_STACKIT_HELPERS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "emulator/crypto/rsa_key.h"
#include "emulator/http/client.h"

namespace mpemu::testing {

inline constexpr char kJwtBearerGrant[] = "urn:ietf:params:oauth:grant-type:jwt-bearer";

// The assertion STACKIT's Go SDK key flow signs (core/clients/key_flow.go): header {alg RS512,
// kid = credentials.kid, typ JWT}; claims iss, sub, aud from `credentials`, a jti, iat = now and
// exp = now + 1 h. Tests change members before signing.
struct Assertion {
  nlohmann::ordered_json header;
  nlohmann::ordered_json claims;
};
Assertion SdkAssertion(const nlohmann::json& credentials, int64_t now_seconds);

// Signs with the algorithm the header names (RS256, RS384 or RS512; RS512 when it names another).
// `key` must hold a private key. Returns "" (and fails the current test) on error.
std::string SignAssertion(const Assertion& assertion, const crypto::RsaKey& key);

// application/x-www-form-urlencoded text of the pairs, in order.
std::string FormBody(const std::vector<std::pair<std::string, std::string>>& fields);

// The header or payload of a compact JWS, decoded but not verified; null when malformed.
nlohmann::json JwtHeader(const std::string& token);
nlohmann::json JwtClaims(const std::string& token);

// Success when `r` is STACKIT's ErrorResponse for `status` on `path`: Content-Type
// application/json and exactly {error (the reason phrase), message (non-empty), path, status,
// timeStamp (RFC 3339, UTC)}.
::testing::AssertionResult IsStackitError(const http::Response& r, int status, const std::string& path);

}  // namespace mpemu::testing

#endif  // MPEMU_TESTS_SUPPORT_STACKIT_HELPERS_H_
