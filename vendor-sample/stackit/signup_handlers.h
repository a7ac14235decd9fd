// The STACKIT side of vendor-sample's web app: the signup URL the marketplace redirects customers
// to, the registration form it leads to, and the test hook that shows the vendor's view.
//
//   GET  /stackit/signup?x-stackit-marketplace-token=JWT   verify, resolve, show the form
//   POST /stackit/signup                                   create the account, THEN approve
//   GET  /api/stackit/subscriptions/{id}                   {"subscriptionId", "accountId",
//                                                           "email", "state", "approved"} | 404
//
// Every refusal is a 4xx HTML page that names the reason and calls no approve.
#ifndef VENDOR_SAMPLE_STACKIT_SIGNUP_HANDLERS_H_
#define VENDOR_SAMPLE_STACKIT_SIGNUP_HANDLERS_H_

#include <string>
#include <vector>

#include "vendor-sample/base/bugs.h"
#include "vendor-sample/base/clock.h"
#include "vendor-sample/stackit/marketplace_client.h"
#include "vendor-sample/stackit/token_verifier.h"
#include "vendor-sample/store/store.h"
#include "vendor-sample/web/http_types.h"
#include "vendor-sample/web/sessions.h"

namespace vendor_sample::stackit {

inline constexpr char kTokenParam[] = "x-stackit-marketplace-token";

struct SignupOptions {
  std::string instance_target;  // sent with approve: <public URL>/app
  int pbkdf2_iterations = 600000;
  int64_t signup_lifetime_ms = 30 * 60 * 1000;
};

class SignupHandlers {
 public:
  // Everything passed must outlive the handlers.
  SignupHandlers(SignupOptions options, const TokenVerifier* verifier, MarketplaceClient* api,
                 store::Store* store, web::Sessions* sessions, const Clock* clock,
                 const Bugs* bugs);

  web::Reply Landing(const web::Request& request);
  web::Reply Register(const web::Request& request);
  web::Reply SubscriptionView(const web::Request& request);

  std::vector<web::Route> Routes();

 private:
  web::Reply RegistrationForm(int status, const std::string& signup_id, const std::string& error,
                              const std::string& email, const std::string& name);
  web::Reply AlreadyRegistered(const store::Subscription& subscription);

  const SignupOptions options_;
  const TokenVerifier* const verifier_;
  MarketplaceClient* const api_;
  store::Store* const store_;
  web::Sessions* const sessions_;
  const Clock* const clock_;
  const Bugs* const bugs_;
};

}  // namespace vendor_sample::stackit

#endif  // VENDOR_SAMPLE_STACKIT_SIGNUP_HANDLERS_H_
