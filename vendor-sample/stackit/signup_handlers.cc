#include "vendor-sample/stackit/signup_handlers.h"

#include <cctype>

#include "vendor-sample/base/log.h"
#include "vendor-sample/crypto/digest.h"
#include "vendor-sample/crypto/password.h"
#include "vendor-sample/web/html.h"

namespace vendor_sample::stackit {
namespace {

using web::ErrorPage;
using web::Escape;
using web::Reply;
using web::Request;

constexpr char kRefused[] = "Signup refused";

// Token problems: malformed is 400, anything that does not verify is 403. Never 5xx, even when
// keys.json is unreachable (the customer cannot fix that, but we must not proceed either).
Reply TokenRefused(const Status& status) {
  const int code = status.code() == StatusCode::kInvalidArgument ? 400 : 403;
  return ErrorPage(code, kRefused, "The marketplace token was rejected: " + status.message());
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool HasControl(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

// Why the registration fields are unacceptable, or "".
std::string ValidateFields(const std::string& email, const std::string& name,
                           const std::string& password) {
  const size_t at = email.find('@');
  if (email.size() < 3 || email.size() > 254 || at == std::string::npos || at == 0 ||
      at == email.size() - 1 || email.find(' ') != std::string::npos || HasControl(email)) {
    return "Please enter a valid e-mail address.";
  }
  if (name.empty() || name.size() > 200 || HasControl(name)) {
    return "Please enter your name (at most 200 characters).";
  }
  if (password.size() < 8 || password.size() > 1024) {
    return "Please choose a password of at least 8 characters.";
  }
  return "";
}

}  // namespace

SignupHandlers::SignupHandlers(SignupOptions options, const TokenVerifier* verifier,
                               MarketplaceClient* api, store::Store* store, web::Sessions* sessions,
                               const Clock* clock, const Bugs* bugs)
    : options_(std::move(options)),
      verifier_(verifier),
      api_(api),
      store_(store),
      sessions_(sessions),
      clock_(clock),
      bugs_(bugs) {}

std::vector<web::Route> SignupHandlers::Routes() {
  return {
      {"GET", "/stackit/signup", [this](const Request& r) { return Landing(r); }},
      {"POST", "/stackit/signup", [this](const Request& r) { return Register(r); }},
      {"GET", "/api/stackit/subscriptions/([^/]+)",
       [this](const Request& r) { return SubscriptionView(r); }},
  };
}

Reply SignupHandlers::Landing(const Request& request) {
  const size_t count = request.query.count(kTokenParam);
  if (count == 0) {
    return ErrorPage(400, kRefused,
                     "There is no x-stackit-marketplace-token. Please start from the STACKIT "
                     "Marketplace.");
  }
  if (count > 1) {
    return ErrorPage(400, kRefused, "The x-stackit-marketplace-token parameter is repeated.");
  }
  const std::string token = request.query.find(kTokenParam)->second;

  StatusOr<VerifiedToken> verified = verifier_->Verify(token);
  if (!verified.ok()) {
    Log("signup: token rejected: " + verified.status().message());
    return TokenRefused(verified.status());
  }
  std::string subscription_id = verified->subscription_id;

  SubscriptionInfo resolved{subscription_id, ""};
  const bool resolve = !bugs_->has("approve-without-resolve");
  if (resolve) {
    StatusOr<SubscriptionInfo> r = api_->ResolveCustomer(token);
    if (!r.ok()) {
      Log("signup: resolve-customer failed: " + r.status().message());
      return ErrorPage(
          403, kRefused,
          "The STACKIT Marketplace did not confirm this subscription: " + r.status().message());
    }
    resolved = *r;
    if (resolved.subscription_id != subscription_id) {
      if (bugs_->has("ignore-subscription-mismatch")) {
        subscription_id = resolved.subscription_id;
      } else {
        Log("signup: resolve-customer returned another subscription than the token names");
        return ErrorPage(403, kRefused,
                         "The token names subscription " + subscription_id +
                             " but the STACKIT Marketplace resolved it to " +
                             resolved.subscription_id + ".");
      }
    }
  }

  StatusOr<std::optional<store::Subscription>> bound = store_->FindSubscription(subscription_id);
  if (!bound.ok()) return ErrorPage(503, "Try again", "The service is busy; please retry.");
  if (*bound) return AlreadyRegistered(**bound);

  if (resolve && resolved.lifecycle_state != kPending && !bugs_->has("accept-any-state")) {
    return ErrorPage(409, kRefused,
                     "Subscription " + subscription_id + " is " + resolved.lifecycle_state +
                         ", not SUBSCRIPTION_PENDING: there is nothing to register.");
  }

  store::Signup signup;
  signup.id = crypto::RandomToken();
  signup.subscription_id = subscription_id;
  signup.resolved_state = resolve ? resolved.lifecycle_state : "UNRESOLVED";
  signup.created_at_ms = clock_->NowMillis();
  signup.expires_at_ms = signup.created_at_ms + options_.signup_lifetime_ms;
  if (bugs_->has("approve-before-registration")) {
    const Status approved = api_->Approve(subscription_id, options_.instance_target);
    signup.approved_on_landing = approved.ok();
    if (!approved.ok()) Log("signup: approve on landing failed: " + approved.message());
  }
  if (Status s = store_->CreateSignup(signup); !s.ok()) {
    Log("signup: " + s.message());
    return ErrorPage(503, "Try again", "The service is busy; please retry.");
  }
  return RegistrationForm(200, signup.id, "", "", "");
}

Reply SignupHandlers::Register(const Request& request) {
  const std::string signup_id = Request::Single(request.form, "signup_id");
  const std::string email = Lower(Request::Single(request.form, "email"));
  const std::string name = Request::Single(request.form, "name");
  const std::string password = Request::Single(request.form, "password");
  if (signup_id.empty() || signup_id.size() > 128) {
    return ErrorPage(400, kRefused,
                     "The form has no signup id. Please start from the STACKIT "
                     "Marketplace.");
  }

  StatusOr<std::optional<store::Signup>> signup = store_->FindSignup(signup_id);
  if (!signup.ok()) return ErrorPage(503, "Try again", "The service is busy; please retry.");
  if (!*signup) {
    return ErrorPage(400, kRefused,
                     "This signup link is unknown or has expired. Please start again from the "
                     "STACKIT Marketplace.");
  }
  if (!(*signup)->used) {
    if (const std::string why = ValidateFields(email, name, password); !why.empty()) {
      return RegistrationForm(400, signup_id, why, email, name);
    }
  }

  store::Account account;
  account.id = crypto::RandomUuid();
  account.email = email;
  account.name = name;
  // Hashing is deliberately slow; skip it for forms that cannot register anyway.
  if (!(*signup)->used) {
    account.password_hash = crypto::HashPassword(password, options_.pbkdf2_iterations);
  }
  StatusOr<store::RegisterResult> result =
      store_->Register(signup_id, account, clock_->NowMillis());
  if (!result.ok()) {
    Log("register: " + result.status().message());
    return ErrorPage(503, "Try again", "The service is busy; please retry.");
  }
  const std::string& subscription_id = result->signup.subscription_id;
  switch (result->outcome) {
    case store::RegisterOutcome::kUnknownSignup:
    case store::RegisterOutcome::kExpiredSignup:
      return ErrorPage(400, kRefused,
                       "This signup link is unknown or has expired. Please start again from the "
                       "STACKIT Marketplace.");
    case store::RegisterOutcome::kEmailTaken:
      return RegistrationForm(409, signup_id,
                              "An account with this e-mail address exists already. Please use "
                              "another one.",
                              email, name);
    case store::RegisterOutcome::kSignupUsed:
    case store::RegisterOutcome::kSubscriptionBound:
      if (bugs_->has("double-approve")) {
        const Status again = api_->Approve(subscription_id, options_.instance_target);
        if (!again.ok()) Log("register: repeated approve failed: " + again.message());
      }
      return ErrorPage(
          409, "Already registered",
          "Subscription " + subscription_id + " is already registered. Please log in instead.");
    case store::RegisterOutcome::kRegistered:
      break;
  }

  // The account and the subscription mapping are stored: only now may the subscription be
  // approved (the marketplace starts billing the customer with it).
  const int64_t now = clock_->NowMillis();
  if (result->signup.approved_on_landing) {
    if (Status s = store_->MarkApproved(subscription_id, kActive, now); !s.ok()) {
      Log("register: " + s.message());
    }
  } else if (const Status approved = api_->Approve(subscription_id, options_.instance_target);
             approved.ok()) {
    if (Status s = store_->MarkApproved(subscription_id, kActive, now); !s.ok()) {
      Log("register: " + s.message());
    }
  } else {
    // The account exists; the poller retries the approve while the subscription is pending.
    Log("register: approve failed for " + subscription_id + ": " + approved.message());
    if (Status s = store_->MarkApproveFailed(subscription_id); !s.ok()) {
      Log("register: " + s.message());
    }
  }

  Reply reply = Reply::SeeOther("/app");
  if (Status s = sessions_->Start(result->account.id, reply); !s.ok()) {
    Log("register: " + s.message());
    return Reply::SeeOther("/login");
  }
  return reply;
}

Reply SignupHandlers::SubscriptionView(const Request& request) {
  const std::string& id = request.path_params.at(0);
  StatusOr<std::optional<store::Subscription>> s = store_->FindSubscription(id);
  if (!s.ok()) return Reply::Json(503, {{"error", "database unavailable"}});
  if (!*s) return Reply::Json(404, {{"error", "subscription not registered"}});
  StatusOr<std::optional<store::Account>> account = store_->FindAccount((*s)->account_id);
  if (!account.ok() || !*account) return Reply::Json(503, {{"error", "database unavailable"}});
  return Reply::Json(200, {{"subscriptionId", (*s)->subscription_id},
                           {"accountId", (*account)->id},
                           {"email", (*account)->email},
                           {"state", (*s)->state},
                           {"approved", (*s)->approved}});
}

Reply SignupHandlers::RegistrationForm(int status, const std::string& signup_id,
                                       const std::string& error, const std::string& email,
                                       const std::string& name) {
  std::string body;
  if (!error.empty()) body += "<p class=\"error\" id=\"reason\">" + Escape(error) + "</p>\n";
  body +=
      "<p>Welcome from the STACKIT Marketplace. Create your account to start using the "
      "product.</p>\n"
      "<form method=\"post\" action=\"/stackit/signup\">\n"
      "<input type=\"hidden\" name=\"signup_id\" value=\"" +
      Escape(signup_id) +
      "\">\n"
      "<label>E-mail<input type=\"email\" name=\"email\" required autocomplete=\"email\" "
      "value=\"" +
      Escape(email) +
      "\"></label>\n"
      "<label>Name<input type=\"text\" name=\"name\" required autocomplete=\"name\" value=\"" +
      Escape(name) +
      "\"></label>\n"
      "<label>Password<input type=\"password\" name=\"password\" required minlength=\"8\" "
      "autocomplete=\"new-password\"></label>\n"
      "<button type=\"submit\">Create account</button>\n</form>";
  return Reply::Html(status, web::Page("Create your account", body));
}

Reply SignupHandlers::AlreadyRegistered(const store::Subscription& subscription) {
  return Reply::Html(200,
                     web::Page("Already registered",
                               "<p id=\"reason\">Subscription <span class=\"state\">" +
                                   Escape(subscription.subscription_id) +
                                   "</span> is already registered (state <span class=\"state\">" +
                                   Escape(subscription.state) +
                                   "</span>).</p><p><a href=\"/login\">Log in</a></p>"));
}

}  // namespace vendor_sample::stackit
