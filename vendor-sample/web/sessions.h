// Login sessions: a random 32-byte cookie (HttpOnly, SameSite=Lax, Secure on https), stored
// server-side by its SHA-256 so a database leak does not leak live sessions.
#ifndef VENDOR_SAMPLE_WEB_SESSIONS_H_
#define VENDOR_SAMPLE_WEB_SESSIONS_H_

#include <optional>
#include <string>

#include "vendor-sample/base/clock.h"
#include "vendor-sample/base/status.h"
#include "vendor-sample/store/store.h"
#include "vendor-sample/web/http_types.h"

namespace vendor_sample::web {

class Sessions {
 public:
  static constexpr char kCookieName[] = "vs_session";

  Sessions(store::Store* store, const Clock* clock, bool secure_cookies);

  // Creates a session for `account_id` and adds its Set-Cookie header to `reply`.
  Status Start(const std::string& account_id, Reply& reply);
  // The account of the request's session, if it has a live one.
  StatusOr<std::optional<store::Account>> Current(const Request& request);
  // Ends the request's session and clears the cookie on `reply`.
  Status End(const Request& request, Reply& reply);

 private:
  store::Store* const store_;
  const Clock* const clock_;
  const bool secure_;
};

}  // namespace vendor_sample::web

#endif  // VENDOR_SAMPLE_WEB_SESSIONS_H_
