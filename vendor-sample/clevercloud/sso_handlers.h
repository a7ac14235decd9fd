// Clever Cloud single sign-on and the add-on dashboard it opens.
//
//   POST /clevercloud/sso       the console's form POST (application/x-www-form-urlencoded only)
//                               -> 302 /clevercloud/resources/{id}/dashboard with a NEW session
//                                  cookie scoped to that resource; 400 malformed, 403 refused,
//                                  404 unknown resource, 405 GET, 415 another content type
//   GET  /clevercloud/resources/{id}/dashboard
//                               the resource, its plan, the user's e-mail and the owner from the
//                               add-on infos API; 403 without an SSO session for that resource
#ifndef VENDOR_SAMPLE_CLEVERCLOUD_SSO_HANDLERS_H_
#define VENDOR_SAMPLE_CLEVERCLOUD_SSO_HANDLERS_H_

#include <cstdint>
#include <vector>

#include "vendor-sample/base/bugs.h"
#include "vendor-sample/base/clock.h"
#include "vendor-sample/clevercloud/infos_client.h"
#include "vendor-sample/clevercloud/sso_verifier.h"
#include "vendor-sample/store/store.h"
#include "vendor-sample/web/http_types.h"

namespace vendor_sample::clevercloud {

class SsoHandlers {
 public:
  static constexpr char kCookieName[] = "vs_cc_session";
  static constexpr int64_t kSessionLifetimeS = 3600;

  // `infos` may be null (no CLEVERCLOUD_API_URL: the dashboard says the owner is unknown).
  // `secure_cookies` adds Secure (vendor-sample is served over https). Everything passed must
  // outlive the handlers.
  SsoHandlers(const SsoVerifier* verifier, const InfosClient* infos, store::Store* store,
              const Clock* clock, const Bugs* bugs, bool secure_cookies);

  // A successful login always starts a new session with a fresh random id, ends the session the
  // browser brought (if any), and answers Set-Cookie
  //   vs_cc_session=<id>; Path=/clevercloud/resources/<id>; HttpOnly; SameSite=Lax; Max-Age=3600
  // (+ Secure over https). The session is bound to that resource server-side as well.
  web::Reply Login(const web::Request& request);
  web::Reply Dashboard(const web::Request& request);

  std::vector<web::Route> Routes();

 private:
  const SsoVerifier* const verifier_;
  const InfosClient* const infos_;
  store::Store* const store_;
  const Clock* const clock_;
  const Bugs* const bugs_;
  const bool secure_;
};

}  // namespace vendor_sample::clevercloud

#endif  // VENDOR_SAMPLE_CLEVERCLOUD_SSO_HANDLERS_H_
