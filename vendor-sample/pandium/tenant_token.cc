#include "vendor-sample/pandium/tenant_token.h"

#include <nlohmann/json.hpp>

#include "vendor-sample/crypto/base64url.h"
#include "vendor-sample/crypto/digest.h"

namespace vendor_sample::pandium {

TenantTokenMinter::TenantTokenMinter(std::string secret, const Clock* clock, const Bugs* bugs)
    : secret_(std::move(secret)), clock_(clock), bugs_(bugs) {}

std::string TenantTokenMinter::PayloadJson(const TenantUser& user, long long iat,
                                           const std::string& jti) const {
  // ordered_json keeps the documented member order; each member is set once, so no duplicates.
  nlohmann::ordered_json payload;
  payload["iat"] = iat;
  payload["jti"] = jti;
  if (!bugs_->has("pd-missing-sub")) payload["sub"] = user.subject;
  payload["external_id"] = user.external_id;
  payload["meta"] = {{"plan", user.tier}};
  payload["ti"] = {{"uem", user.email}, {"udn", user.name}, {"xti", {{"user_group", user.tier}}}};
  return payload.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string TenantTokenMinter::Mint(const TenantUser& user) const {
  long long iat = clock_->NowSeconds();
  if (bugs_->has("pd-stale-iat")) iat -= 3600;
  if (bugs_->has("pd-iat-ms")) iat = clock_->NowMillis();
  // 128 bits from the CSPRNG, every call: the marketplace refuses a jti it has seen.
  std::string jti = crypto::HexEncode(crypto::RandomBytes(16));
  if (bugs_->has("pd-constant-jti")) jti = "0123456789abcdef0123456789abcdef";

  const std::string signing_input = crypto::Base64UrlEncode(kHeaderJson) + "." +
                                    crypto::Base64UrlEncode(PayloadJson(user, iat, jti));
  const std::string key = bugs_->has("pd-wrong-secret") ? secret_ + "x" : secret_;
  return signing_input + "." + crypto::Base64UrlEncode(crypto::HmacSha256(key, signing_input));
}

}  // namespace vendor_sample::pandium
