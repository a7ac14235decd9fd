// The SaaS product itself, as far as a sample needs one: login, logout, the app page that shows
// the account and its marketplace subscriptions, and the health check.
//
//   GET /login, POST /login (email, password)   -> session cookie, 303 /app
//   POST /logout                                 -> 303 /login
//   GET /app                                     -> the account (303 /login without a session),
//                                                   linking /integrations when Pandium is on
//   GET /healthz                                 -> 200 {"status":"ok"}
#ifndef VENDOR_SAMPLE_ACCOUNT_ACCOUNT_HANDLERS_H_
#define VENDOR_SAMPLE_ACCOUNT_ACCOUNT_HANDLERS_H_

#include <string>
#include <vector>

#include "vendor-sample/store/store.h"
#include "vendor-sample/web/http_types.h"
#include "vendor-sample/web/sessions.h"

namespace vendor_sample::account {

class AccountHandlers {
 public:
  // Everything passed must outlive the handlers.
  // `pbkdf2_iterations` prices the check against an unknown e-mail like a real one.
  // `integrations_link`: the app page links the embedded marketplace (/integrations).
  AccountHandlers(store::Store* store, web::Sessions* sessions, int pbkdf2_iterations,
                  bool integrations_link = false);

  web::Reply LoginForm(const web::Request& request);
  web::Reply Login(const web::Request& request);
  web::Reply Logout(const web::Request& request);
  web::Reply App(const web::Request& request);
  web::Reply Health(const web::Request& request);

  std::vector<web::Route> Routes();

 private:
  store::Store* const store_;
  web::Sessions* const sessions_;
  const std::string dummy_hash_;  // compared against when the e-mail is unknown
  const bool integrations_link_;
};

}  // namespace vendor_sample::account

#endif  // VENDOR_SAMPLE_ACCOUNT_ACCOUNT_HANDLERS_H_
