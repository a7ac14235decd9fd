// HTTP Basic authentication of Clever Cloud's calls to the provider API (provision, plan change,
// deprovision): user = the manifest id, password = the manifest api.password (RFC 7617).
//
// It runs as a stage in front of the provider handlers, before anything looks at the body, so an
// unauthenticated request learns nothing about what the body would have caused.
#ifndef VENDOR_SAMPLE_CLEVERCLOUD_PROVIDER_AUTH_H_
#define VENDOR_SAMPLE_CLEVERCLOUD_PROVIDER_AUTH_H_

#include <string>
#include <vector>

#include "vendor-sample/base/bugs.h"
#include "vendor-sample/base/status.h"
#include "vendor-sample/web/http_types.h"

namespace vendor_sample::clevercloud {

inline constexpr char kRealm[] = "vendor-sample";

class ProviderAuth {
 public:
  // `bugs` must outlive this.
  ProviderAuth(const std::string& user, std::string password, const Bugs* bugs);

  // Checks the Authorization header values of one request. OK only for exactly one value of the
  // form  Basic 1*SP base64(user ":" password)  where:
  //   - the scheme is "Basic" in any case (RFC 7235 §2.1);
  //   - the credentials are strict base64 (crypto::Base64DecodeStrict: padded, canonical, no
  //     whitespace, no base64url) of UTF-8 without control characters;
  //   - the decoded text is split at its FIRST colon (the password may contain colons);
  //   - user and password equal the expected ones exactly. Both are compared, always, as SHA-256
  //     digests with CRYPTO_memcmp, so neither the position of a difference nor a length leaks.
  // Otherwise Unauthenticated, with a message that names the problem but never repeats the header,
  // a credential or the expected values. With planted bug cc-auth-500, a present but malformed
  // header is Internal instead.
  Status Check(const std::vector<std::string>& authorization) const;

  // `handler` behind the check: a failure answers 401 with WWW-Authenticate (500 for Internal).
  web::Handler Require(web::Handler handler) const;

 private:
  Status Malformed(const std::string& why) const;

  const std::string password_;  // kept only for planted bug cc-password-prefix
  const std::string user_digest_;
  const std::string password_digest_;
  const Bugs* const bugs_;
};

// The 401 reply: JSON {"error": "unauthorized", "message"} and
// WWW-Authenticate: Basic realm="vendor-sample".
web::Reply Unauthorized(const std::string& message);

}  // namespace vendor_sample::clevercloud

#endif  // VENDOR_SAMPLE_CLEVERCLOUD_PROVIDER_AUTH_H_
