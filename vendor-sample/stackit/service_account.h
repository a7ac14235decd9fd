// STACKIT service-account key flow (RFC 7523): the vendor's credentials for the marketplace API.
//
// The key JSON is what STACKIT's portal hands out; vendor-sample reads credentials.{kid, iss, sub,
// aud, privateKey}. It signs an RS512 assertion {iss, sub, aud, jti, iat, exp = iat + 600}, trades
// it at the token endpoint for an access token and a refresh token, refreshes when less than 20%
// of the access token's lifetime remains, and falls back to a new assertion when a refresh fails.
#ifndef VENDOR_SAMPLE_STACKIT_SERVICE_ACCOUNT_H_
#define VENDOR_SAMPLE_STACKIT_SERVICE_ACCOUNT_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "vendor-sample/base/clock.h"
#include "vendor-sample/base/status.h"
#include "vendor-sample/crypto/rsa.h"
#include "vendor-sample/net/http_client.h"

namespace vendor_sample::stackit {

struct ServiceAccountKey {
  std::string kid;             // credentials.kid
  std::string iss;             // credentials.iss (the service account's e-mail)
  std::string sub;             // credentials.sub (the service account's id)
  std::string aud;             // credentials.aud
  std::string token_endpoint;  // credentials.tokenEndpoint, optional
  crypto::RsaPrivateKey private_key;
};

// Parses the key JSON; InvalidArgument names the missing or bad field ("credentials.privateKey").
StatusOr<ServiceAccountKey> ParseServiceAccountKey(const std::string& json_text);
StatusOr<ServiceAccountKey> LoadServiceAccountKey(const std::string& path);

// Something that hands out bearer tokens for the marketplace API.
class AccessTokenSource {
 public:
  virtual ~AccessTokenSource() = default;
  virtual StatusOr<std::string> AccessToken() = 0;
  // The API refused `token` (401): forget it so the next AccessToken() gets a new one.
  virtual void Invalidate(const std::string& token) = 0;
};

class ServiceAccountAuth : public AccessTokenSource {
 public:
  // `http` and `clock` must outlive this.
  ServiceAccountAuth(ServiceAccountKey key, std::string token_url, net::HttpSender* http,
                     const Clock* clock);

  // A valid access token, fetching or refreshing as needed. Thread-safe: concurrent callers wait
  // for one fetch. Errors name the token endpoint's answer (never the assertion or a token).
  StatusOr<std::string> AccessToken() override;
  void Invalidate(const std::string& token) override;

  // A fresh signed assertion (exposed for tests).
  StatusOr<std::string> MintAssertion() const;

 private:
  struct Tokens {
    std::string access;
    std::string refresh;
    int64_t obtained_ms = 0;
    int64_t lifetime_ms = 0;
  };
  StatusOr<Tokens> Grant(const std::vector<std::pair<std::string, std::string>>& form) const;

  const ServiceAccountKey key_;
  const std::string token_url_;
  net::HttpSender* const http_;
  const Clock* const clock_;

  std::mutex mu_;
  Tokens tokens_;
};

}  // namespace vendor_sample::stackit

#endif  // VENDOR_SAMPLE_STACKIT_SERVICE_ACCOUNT_H_
