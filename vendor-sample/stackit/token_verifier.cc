#include "vendor-sample/stackit/token_verifier.h"

#include <strings.h>

#include <cmath>
#include <limits>
#include <optional>

#include "vendor-sample/crypto/base64url.h"
#include "vendor-sample/crypto/digest.h"
#include "vendor-sample/crypto/strict_json.h"

namespace vendor_sample::stackit {
namespace {

constexpr int kMaxJsonDepth = 8;
constexpr size_t kMaxKidBytes = 256;
constexpr size_t kMaxSubscriptionIdBytes = 256;

// A short, printable rendering of an attacker-controlled value for an error message.
std::string Quote(const nlohmann::json& v) {
  std::string s = v.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
  if (s.size() > 48) s = s.substr(0, 45) + "...";
  return s;
}

// A JSON number in the int64 range (RFC 7519 NumericDate: fractions allowed), or nothing.
std::optional<double> NumericDate(const nlohmann::json& v) {
  if (v.is_number_integer() && !v.is_number_unsigned()) {
    return static_cast<double>(v.get<int64_t>());
  }
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<double>(u);
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    // 2^63 is exactly representable; the int64 range is [-2^63, 2^63).
    if (!std::isfinite(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0) {
      return std::nullopt;
    }
    return d;
  }
  return std::nullopt;
}

StatusOr<nlohmann::json> DecodeJsonSegment(std::string_view segment, const char* what) {
  StatusOr<std::string> bytes = crypto::Base64UrlDecodeStrict(segment);
  if (!bytes.ok()) {
    return InvalidArgumentError(std::string(what) + " segment: " + bytes.status().message());
  }
  StatusOr<nlohmann::json> json = crypto::ParseStrictJson(*bytes, kMaxJsonDepth);
  if (!json.ok()) return InvalidArgumentError(std::string(what) + ": " + json.status().message());
  if (!json->is_object()) return InvalidArgumentError(std::string(what) + " is not a JSON object");
  return json;
}

}  // namespace

TokenVerifier::TokenVerifier(TokenVerifierOptions options, KeyCache* keys, const Clock* clock,
                             const Bugs* bugs, UrlFetcher fetch_url)
    : options_(std::move(options)),
      keys_(keys),
      clock_(clock),
      bugs_(bugs),
      fetch_url_(std::move(fetch_url)) {}

StatusOr<VerifiedToken> TokenVerifier::Verify(std::string_view token) const {
  if (token.empty()) return InvalidArgumentError("the token is empty");
  if (token.size() > options_.max_token_bytes) {
    return InvalidArgumentError("the token is longer than " +
                                std::to_string(options_.max_token_bytes) + " bytes");
  }
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return InvalidArgumentError("the token is not a compact JWS of exactly three segments");
  }
  const std::string_view signing_input = token.substr(0, dot2);

  VS_ASSIGN_OR_RETURN(nlohmann::json header, DecodeJsonSegment(token.substr(0, dot1), "header"));
  if (!header.contains("alg") || !header["alg"].is_string()) {
    return InvalidArgumentError("header: alg is missing or not a string");
  }
  const std::string alg = header["alg"].get<std::string>();
  const bool alg_none = bugs_->has("alg-none") && strcasecmp(alg.c_str(), "none") == 0;
  const bool hs256 = bugs_->has("hs256-public-key") && alg == "HS256";
  if (alg != "RS256" && !alg_none && !hs256) {
    return InvalidArgumentError("header: alg must be RS256, not " + Quote(header["alg"]));
  }
  if (header.contains("typ") && header["typ"] != "JWT") {
    return InvalidArgumentError("header: typ must be \"JWT\", not " + Quote(header["typ"]));
  }
  if (header.contains("crit")) {
    return InvalidArgumentError("header: crit is present (no extensions are understood)");
  }
  std::string kid;
  if (!alg_none) {
    if (!header.contains("kid") || !header["kid"].is_string()) {
      return InvalidArgumentError("header: kid is missing or not a string");
    }
    kid = header["kid"].get<std::string>();
    if (kid.empty() || kid.size() > kMaxKidBytes) {
      return InvalidArgumentError("header: kid is empty or longer than 256 bytes");
    }
  }

  VS_ASSIGN_OR_RETURN(nlohmann::json claims,
                      DecodeJsonSegment(token.substr(dot1 + 1, dot2 - dot1 - 1), "payload"));
  StatusOr<std::string> signature = crypto::Base64UrlDecodeStrict(token.substr(dot2 + 1));
  if (!signature.ok()) {
    return InvalidArgumentError("signature segment: " + signature.status().message());
  }
  VS_RETURN_IF_ERROR(VerifySignature(header, claims, signing_input, *signature));
  VS_RETURN_IF_ERROR(CheckClaims(claims));
  return VerifiedToken{claims["subscriptionId"].get<std::string>(), kid, std::move(header),
                       std::move(claims)};
}

Status TokenVerifier::VerifySignature(const nlohmann::json& header, const nlohmann::json& claims,
                                      std::string_view signing_input,
                                      const std::string& signature) const {
  const std::string alg = header["alg"].get<std::string>();
  if (bugs_->has("alg-none") && strcasecmp(alg.c_str(), "none") == 0) {
    if (!signature.empty()) return UnauthenticatedError("alg none with a signature");
    return Status::Ok();
  }
  if (bugs_->has("no-signature-check")) return Status::Ok();

  const std::string kid = header["kid"].get<std::string>();
  const auto lookup = [&]() -> StatusOr<PublicKeyEntry> {
    if (bugs_->has("keys-from-issuer") && claims.contains("iss") && claims["iss"].is_string() &&
        fetch_url_) {
      StatusOr<std::string> body = fetch_url_(claims["iss"].get<std::string>());
      StatusOr<KeyMap> map = body.ok() ? ParseKeysJson(*body, nullptr) : body.status();
      if (!map.ok()) return UnavailableError("keys from iss: " + map.status().message());
      auto it = map->find(kid);
      if (it == map->end()) return NotFoundError("no key for kid");
      return it->second;
    }
    return keys_->Get(kid);
  };
  StatusOr<PublicKeyEntry> key = lookup();
  if (!key.ok()) {
    if (key.status().code() == StatusCode::kNotFound) {
      return UnauthenticatedError("unknown kid " + Quote(header["kid"]) +
                                  ": not published in the configured keys.json");
    }
    return key.status();
  }

  if (alg == "HS256" && bugs_->has("hs256-public-key")) {
    if (!crypto::ConstantTimeEquals(crypto::HmacSha256(key->pem, signing_input), signature)) {
      return UnauthenticatedError("HS256 signature does not verify");
    }
    return Status::Ok();
  }
  if (signature.size() != key->key.modulus_bytes()) {
    return UnauthenticatedError("signature is " + std::to_string(signature.size()) +
                                " bytes; the key's modulus is " +
                                std::to_string(key->key.modulus_bytes()));
  }
  if (!key->key.Verify(crypto::Hash::kSha256, signing_input, signature)) {
    return UnauthenticatedError("RS256 signature does not verify with the published key");
  }
  return Status::Ok();
}

Status TokenVerifier::CheckClaims(const nlohmann::json& claims) const {
  const double now = static_cast<double>(clock_->NowMillis()) / 1000.0;
  const double leeway = static_cast<double>(options_.leeway_s);

  std::optional<double> exp;
  if (claims.contains("exp")) {
    exp = NumericDate(claims["exp"]);
    if (!exp) return UnauthenticatedError("exp is not a number in the int64 range");
  }
  if (!bugs_->has("ignore-expiry")) {
    if (!exp) return UnauthenticatedError("exp is missing");
    if (!(*exp > now - leeway)) return UnauthenticatedError("the token has expired (exp)");
  }
  if (!claims.contains("iat")) return UnauthenticatedError("iat is missing");
  const std::optional<double> iat = NumericDate(claims["iat"]);
  if (!iat) return UnauthenticatedError("iat is not a number in the int64 range");
  if (*iat > now + leeway) return UnauthenticatedError("iat is in the future");
  if (claims.contains("nbf")) {
    const std::optional<double> nbf = NumericDate(claims["nbf"]);
    if (!nbf) return UnauthenticatedError("nbf is not a number in the int64 range");
    if (*nbf > now + leeway) return UnauthenticatedError("the token is not valid yet (nbf)");
  }
  if (exp && *exp - *iat > static_cast<double>(options_.max_lifetime_s) + leeway) {
    return UnauthenticatedError("the token lives longer than " +
                                std::to_string(options_.max_lifetime_s) + " s (exp - iat)");
  }

  if (!bugs_->has("ignore-issuer")) {
    if (!claims.contains("iss") || !claims["iss"].is_string()) {
      return UnauthenticatedError("iss is missing or not a string");
    }
    if (claims["iss"].get<std::string>() != options_.issuer) {
      return UnauthenticatedError("iss " + Quote(claims["iss"]) + " is not the STACKIT issuer");
    }
  }

  if (!claims.contains("subscriptionId") || !claims["subscriptionId"].is_string() ||
      claims["subscriptionId"].get<std::string>().empty()) {
    return UnauthenticatedError("subscriptionId is missing, empty or not a string");
  }
  if (claims["subscriptionId"].get<std::string>().size() > kMaxSubscriptionIdBytes) {
    return UnauthenticatedError("subscriptionId is longer than 256 bytes");
  }
  return Status::Ok();
}

}  // namespace vendor_sample::stackit
