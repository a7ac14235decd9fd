// The tenant JWT that opens Pandium's In-App Marketplace for a signed-in user (Pandium's
// "Embedding the In-App Marketplace"; security catalogue B-00..B-06, B-13):
//
//   header   {"alg":"HS256","typ":"JWT"}                       (these exact bytes)
//   payload  {"iat":<now, seconds>,"jti":"<32 hex: 128 random bits>","sub":"<account id>",
//             "external_id":"<account id>","meta":{"plan":"<tier>"},
//             "ti":{"uem":"<e-mail>","udn":"<name>","xti":{"user_group":"<tier>"}}}
//   signature HMAC-SHA256(B64URL(header) "." B64URL(payload)) keyed with the shared secret's raw
//             bytes: never base64- or hex-decoded, never trimmed
//
// Compact JSON in that member order, base64url without padding. There is no exp: Pandium shows
// none, and a fresh token is minted for every navigation instead.
#ifndef VENDOR_SAMPLE_PANDIUM_TENANT_TOKEN_H_
#define VENDOR_SAMPLE_PANDIUM_TENANT_TOKEN_H_

#include <string>

#include "vendor-sample/base/bugs.h"
#include "vendor-sample/base/clock.h"

namespace vendor_sample::pandium {

// Who the token speaks for. Filled from the server-side session only.
struct TenantUser {
  std::string subject;      // sub: the account's immutable id (not the e-mail, which may change)
  std::string external_id;  // external_id: the same id
  std::string email;        // ti.uem
  std::string name;         // ti.udn
  std::string tier;         // meta.plan and ti.xti.user_group
};

class TenantTokenMinter {
 public:
  static constexpr char kHeaderJson[] = R"({"alg":"HS256","typ":"JWT"})";

  // `secret` is used exactly as given. `clock` and `bugs` must outlive this.
  TenantTokenMinter(std::string secret, const Clock* clock, const Bugs* bugs);
  TenantTokenMinter(const TenantTokenMinter&) = delete;
  TenantTokenMinter& operator=(const TenantTokenMinter&) = delete;

  // A new token: iat is the clock's now, jti is fresh from the CSPRNG on every call. Strings that
  // are not valid UTF-8 (a name stored as raw bytes) get U+FFFD for the bad bytes, so the payload
  // is always valid JSON. Thread-safe.
  std::string Mint(const TenantUser& user) const;

  // The payload JSON Mint() signs for `user`, `iat` and `jti` (tests compare bytes).
  std::string PayloadJson(const TenantUser& user, long long iat, const std::string& jti) const;

 private:
  const std::string secret_;
  const Clock* const clock_;
  const Bugs* const bugs_;
};

}  // namespace vendor_sample::pandium

#endif  // VENDOR_SAMPLE_PANDIUM_TENANT_TOKEN_H_
