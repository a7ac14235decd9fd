// Verification of Clever Cloud's SSO form POST (the scheme in force since 2025-02-10):
//
//   POST <sso_url>   Content-Type: application/x-www-form-urlencoded
//   id=&timestamp=&nav-data=&email=&user_id=&signature=
//   signature = lower-case hex sha512(id ":" user_id ":" email ":" nav-data ":" sso_salt ":"
//                                     timestamp), over the url-DECODED values
//
// Pure (no I/O besides the injected clock), so every rejection class is tested without sockets.
#ifndef VENDOR_SAMPLE_CLEVERCLOUD_SSO_VERIFIER_H_
#define VENDOR_SAMPLE_CLEVERCLOUD_SSO_VERIFIER_H_

#include <cstdint>
#include <string>

#include "vendor-sample/base/bugs.h"
#include "vendor-sample/base/clock.h"
#include "vendor-sample/base/status.h"
#include "vendor-sample/web/http_types.h"

namespace vendor_sample::clevercloud {

// What a verified SSO form says: exactly the values the signature covered.
struct SsoLogin {
  std::string id;  // the resource id (ours)
  std::string user_id;
  std::string email;
  std::string nav_data;
  int64_t timestamp_ms = 0;
};

struct SsoOptions {
  int64_t max_age_ms = int64_t{300} * 1000;  // how old a timestamp may be
  int64_t max_skew_ms = int64_t{60} * 1000;  // how far in the future a timestamp may be
};

// The signature Clever Cloud sends: 128 lower-case hex digits.
std::string SsoSignature(const std::string& id, const std::string& user_id,
                         const std::string& email, const std::string& nav_data,
                         const std::string& sso_salt, const std::string& timestamp);

// Decodes an application/x-www-form-urlencoded body strictly: '+' is a space and every '%' must
// start a two-hex-digit escape (InvalidArgument otherwise, where a lenient decoder would keep the
// text literally). Repeated names are kept, so the caller can refuse them. Nothing is normalised.
StatusOr<web::Params> ParseFormStrict(const std::string& body);

class SsoVerifier {
 public:
  // `clock` and `bugs` must outlive this.
  SsoVerifier(std::string sso_salt, SsoOptions options, const Clock* clock, const Bugs* bugs);

  // Verifies decoded form fields. In this order:
  //   InvalidArgument (a malformed request, answer 400) when id, timestamp, email, user_id or
  //     signature is missing; when any of those or nav-data is repeated (which value was signed?);
  //     when id is not 1-64 of A-Z a-z 0-9 _ -; when user_id (1-128) or email (1-254) is empty,
  //     too long, or holds ':' or a control character (so the ':'-joined signed string has exactly
  //     one reading); when nav-data is over 4096 bytes; when timestamp is not exactly 13 digits
  //     (milliseconds: seconds, signs, spaces, decimals, exponents and hex all fail); or when
  //     signature is not exactly 128 hex digits.
  //   PermissionDenied (answer 403) when the signature differs from SsoSignature(...) of these
  //     values (compared in constant time; upper-case hex differs), or when the timestamp is more
  //     than max_age_ms in the past or more than max_skew_ms in the future.
  // An absent nav-data is "" (it is signed as such). Other fields (a legacy token, ...) are
  // ignored. Messages never contain the expected signature or the salt.
  // Planted bugs: cc-no-timestamp-check skips the timestamp's format and age checks,
  // cc-no-signature-check skips everything about the signature.
  StatusOr<SsoLogin> Verify(const web::Params& form) const;

 private:
  const std::string salt_;
  const SsoOptions options_;
  const Clock* const clock_;
  const Bugs* const bugs_;
};

}  // namespace vendor_sample::clevercloud

#endif  // VENDOR_SAMPLE_CLEVERCLOUD_SSO_VERIFIER_H_
