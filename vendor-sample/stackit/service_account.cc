#include "vendor-sample/stackit/service_account.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vendor-sample/base/log.h"
#include "vendor-sample/crypto/base64url.h"
#include "vendor-sample/crypto/digest.h"
#include "vendor-sample/net/url.h"

namespace vendor_sample::stackit {
namespace {

constexpr char kJwtBearerGrant[] = "urn:ietf:params:oauth:grant-type:jwt-bearer";
constexpr int64_t kAssertionLifetimeS = 600;
constexpr int64_t kExpiryMarginMs = 5000;  // never send a token this close to its expiry

std::string ErrorDetail(const std::string& body) {
  // STACKIT's token endpoint answers {"message": ...} (ErrorResponse) or {"error": {...}}.
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  std::string detail;
  if (j.is_object() && j.contains("message") && j["message"].is_string()) {
    detail = j["message"].get<std::string>();
  } else if (j.is_object() && j.contains("error_description") &&
             j["error_description"].is_string()) {
    detail = j["error_description"].get<std::string>();
  }
  return detail.substr(0, 200);
}

}  // namespace

StatusOr<ServiceAccountKey> ParseServiceAccountKey(const std::string& json_text) {
  const nlohmann::json j = nlohmann::json::parse(json_text, nullptr, false);
  if (!j.is_object()) return InvalidArgumentError("the service-account key is not a JSON object");
  if (!j.contains("credentials") || !j["credentials"].is_object()) {
    return InvalidArgumentError("the service-account key has no credentials object");
  }
  const nlohmann::json& c = j["credentials"];
  struct Field {
    const char* name;
    std::string* out;
  };
  std::string kid, iss, sub, aud, private_pem, token_endpoint;
  const Field fields[] = {
      {"kid", &kid}, {"iss", &iss}, {"sub", &sub}, {"aud", &aud}, {"privateKey", &private_pem}};
  for (const Field& f : fields) {
    if (!c.contains(f.name) || !c[f.name].is_string() || c[f.name].get<std::string>().empty()) {
      return InvalidArgumentError(
          std::string("credentials.") + f.name + " is missing or not a non-empty string" +
          (std::string(f.name) == "privateKey" ? " (only keys STACKIT generated carry it)" : ""));
    }
    *f.out = c[f.name].get<std::string>();
  }
  if (c.contains("tokenEndpoint") && c["tokenEndpoint"].is_string()) {
    token_endpoint = c["tokenEndpoint"].get<std::string>();
  }
  StatusOr<crypto::RsaPrivateKey> pk = crypto::RsaPrivateKey::FromPem(private_pem);
  if (!pk.ok()) return InvalidArgumentError("credentials.privateKey: " + pk.status().message());
  return ServiceAccountKey{kid, iss, sub, aud, token_endpoint, *pk};
}

StatusOr<ServiceAccountKey> LoadServiceAccountKey(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgumentError("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  StatusOr<ServiceAccountKey> key = ParseServiceAccountKey(text.str());
  if (!key.ok()) return InvalidArgumentError(path + ": " + key.status().message());
  return key;
}

ServiceAccountAuth::ServiceAccountAuth(ServiceAccountKey key, std::string token_url,
                                       net::HttpSender* http, const Clock* clock)
    : key_(std::move(key)), token_url_(std::move(token_url)), http_(http), clock_(clock) {}

StatusOr<std::string> ServiceAccountAuth::MintAssertion() const {
  const int64_t now = clock_->NowSeconds();
  const nlohmann::ordered_json header = {{"alg", "RS512"}, {"kid", key_.kid}, {"typ", "JWT"}};
  const nlohmann::ordered_json claims = {{"iss", key_.iss}, {"sub", key_.sub},
                                         {"aud", key_.aud}, {"jti", crypto::RandomUuid()},
                                         {"iat", now},      {"exp", now + kAssertionLifetimeS}};
  const std::string input =
      crypto::Base64UrlEncode(header.dump()) + "." + crypto::Base64UrlEncode(claims.dump());
  VS_ASSIGN_OR_RETURN(std::string sig, key_.private_key.Sign(crypto::Hash::kSha512, input));
  return input + "." + crypto::Base64UrlEncode(sig);
}

StatusOr<ServiceAccountAuth::Tokens> ServiceAccountAuth::Grant(
    const std::vector<std::pair<std::string, std::string>>& form) const {
  net::HttpRequest request;
  request.method = "POST";
  request.url = token_url_;
  request.headers = {{"Accept", "application/json"}};
  request.content_type = "application/x-www-form-urlencoded";
  request.body = net::FormEncode(form);
  const std::string grant = form.front().second;
  VS_ASSIGN_OR_RETURN(net::HttpResponse response, http_->Send(request));
  if (response.status != 200) {
    return UnauthenticatedError("token endpoint (" + grant + ") answered HTTP " +
                                std::to_string(response.status) + ": " +
                                ErrorDetail(response.body));
  }
  const nlohmann::json j = nlohmann::json::parse(response.body, nullptr, false);
  if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string() ||
      j["access_token"].get<std::string>().empty() || !j.contains("expires_in") ||
      !j["expires_in"].is_number() || j["expires_in"].get<double>() <= 0) {
    return UnavailableError("token endpoint answered without access_token and expires_in");
  }
  if (j.contains("token_type") && j["token_type"].is_string()) {
    std::string type = j["token_type"].get<std::string>();
    for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (type != "bearer") return UnavailableError("token endpoint issued a non-Bearer token");
  }
  Tokens t;
  t.access = j["access_token"].get<std::string>();
  if (j.contains("refresh_token") && j["refresh_token"].is_string()) {
    t.refresh = j["refresh_token"].get<std::string>();
  }
  t.obtained_ms = clock_->NowMillis();
  // exp is usually whole seconds from a truncated "now", so the token may live up to a second
  // less than expires_in says.
  t.lifetime_ms =
      std::max<int64_t>(static_cast<int64_t>(j["expires_in"].get<double>() * 1000) - 1000, 500);
  return t;
}

StatusOr<std::string> ServiceAccountAuth::AccessToken() {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = clock_->NowMillis();
  // Renew once less than 20% of the lifetime remains.
  if (!tokens_.access.empty() && now < tokens_.obtained_ms + tokens_.lifetime_ms * 4 / 5) {
    return tokens_.access;
  }
  if (!tokens_.refresh.empty()) {
    StatusOr<Tokens> refreshed =
        Grant({{"grant_type", "refresh_token"}, {"refresh_token", tokens_.refresh}});
    if (refreshed.ok()) {
      if (refreshed->refresh.empty()) refreshed->refresh = tokens_.refresh;
      tokens_ = *refreshed;
      return tokens_.access;
    }
    Log("service account: refresh failed, signing a new assertion: " +
        refreshed.status().message());
  }
  StatusOr<std::string> assertion = MintAssertion();
  if (!assertion.ok()) return assertion.status();
  StatusOr<Tokens> fresh = Grant({{"grant_type", kJwtBearerGrant}, {"assertion", *assertion}});
  if (fresh.ok()) {
    tokens_ = *fresh;
    return tokens_.access;
  }
  // Keep serving the current token while it is still valid; the next call retries.
  if (!tokens_.access.empty() &&
      now < tokens_.obtained_ms + tokens_.lifetime_ms - kExpiryMarginMs) {
    Log("service account: token renewal failed, still using the current token: " +
        fresh.status().message());
    return tokens_.access;
  }
  tokens_ = Tokens();
  return fresh.status();
}

void ServiceAccountAuth::Invalidate(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  if (tokens_.access == token) tokens_.access.clear();
}

}  // namespace vendor_sample::stackit
