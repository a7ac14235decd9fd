// Verifies the x-stackit-marketplace-token a customer's browser brings to the signup URL.
//
// What is accepted is exactly what STACKIT documents: a compact JWS of three strict base64url
// segments, header {"alg":"RS256","kid":...,"typ":"JWT"}, payload {subscriptionId, iss, exp, iat},
// signed by a key published in the configured keys.json. Header members that name other key
// sources (jku, x5u, jwk, x5c) are never read, and neither is any URL in the claims: keys come
// from the configured URL only.
#ifndef VENDOR_SAMPLE_STACKIT_TOKEN_VERIFIER_H_
#define VENDOR_SAMPLE_STACKIT_TOKEN_VERIFIER_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "vendor-sample/base/bugs.h"
#include "vendor-sample/base/clock.h"
#include "vendor-sample/base/status.h"
#include "vendor-sample/stackit/key_cache.h"

namespace vendor_sample::stackit {

struct VerifiedToken {
  std::string subscription_id;
  std::string kid;
  nlohmann::json header;
  nlohmann::json claims;
};

struct TokenVerifierOptions {
  std::string issuer;            // the exact expected "iss"
  int64_t leeway_s = 60;         // clock skew allowed on exp, iat and nbf
  int64_t max_lifetime_s = 300;  // STACKIT: exp = iat + 5 min; plus the leeway
  size_t max_token_bytes = 8192;
};

// Fetches a document by URL. Only the planted keys-from-issuer bug uses it.
using UrlFetcher = std::function<StatusOr<std::string>(const std::string& url)>;

class TokenVerifier {
 public:
  // Everything passed must outlive the verifier.
  TokenVerifier(TokenVerifierOptions options, KeyCache* keys, const Clock* clock, const Bugs* bugs,
                UrlFetcher fetch_url = nullptr);

  // The verified token, or why not:
  //  InvalidArgument  malformed (size, segments, base64url, JSON, duplicate members, nesting,
  //                   header members alg / typ / crit / kid);
  //  Unauthenticated  the signature, the key or a claim does not hold (message names which);
  //  Unavailable      keys.json could not be fetched (fail closed).
  // Thread-safe.
  StatusOr<VerifiedToken> Verify(std::string_view token) const;

 private:
  Status VerifySignature(const nlohmann::json& header, const nlohmann::json& claims,
                         std::string_view signing_input, const std::string& signature) const;
  Status CheckClaims(const nlohmann::json& claims) const;

  const TokenVerifierOptions options_;
  KeyCache* const keys_;
  const Clock* const clock_;
  const Bugs* const bugs_;
  const UrlFetcher fetch_url_;
};

}  // namespace vendor_sample::stackit

#endif  // VENDOR_SAMPLE_STACKIT_TOKEN_VERIFIER_H_
