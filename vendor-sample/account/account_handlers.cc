#include "vendor-sample/account/account_handlers.h"

#include <cctype>

#include "vendor-sample/base/log.h"
#include "vendor-sample/crypto/password.h"
#include "vendor-sample/stackit/marketplace_client.h"
#include "vendor-sample/web/html.h"

namespace vendor_sample::account {
namespace {

using web::Escape;
using web::Reply;
using web::Request;

Reply LoginPage(int status, const std::string& error) {
  std::string body;
  if (!error.empty()) body += "<p class=\"error\" id=\"reason\">" + Escape(error) + "</p>\n";
  body +=
      "<form method=\"post\" action=\"/login\">\n"
      "<label>E-mail<input type=\"email\" name=\"email\" required autocomplete=\"email\">"
      "</label>\n<label>Password<input type=\"password\" name=\"password\" required "
      "autocomplete=\"current-password\"></label>\n"
      "<button type=\"submit\">Log in</button>\n</form>";
  return Reply::Html(status, web::Page("Log in", body));
}

std::string Describe(const store::Subscription& s) {
  if (stackit::IsEndedState(s.state)) {
    return "Your subscription has ended: access is disabled.";
  }
  if (s.state == "SUBSCRIPTION_CANCELLING") {
    return "Your subscription is being cancelled; access ends with the current period.";
  }
  if (!s.approved) return "Activation with the STACKIT Marketplace is pending.";
  return "Active.";
}

}  // namespace

AccountHandlers::AccountHandlers(store::Store* store, web::Sessions* sessions,
                                 int pbkdf2_iterations, bool integrations_link)
    : store_(store),
      sessions_(sessions),
      dummy_hash_(crypto::HashPassword("not a password", pbkdf2_iterations)),
      integrations_link_(integrations_link) {}

std::vector<web::Route> AccountHandlers::Routes() {
  return {
      {"GET", "/", [](const Request&) { return Reply::SeeOther("/app"); }},
      {"GET", "/login", [this](const Request& r) { return LoginForm(r); }},
      {"POST", "/login", [this](const Request& r) { return Login(r); }},
      {"POST", "/logout", [this](const Request& r) { return Logout(r); }},
      {"GET", "/app", [this](const Request& r) { return App(r); }},
      {"GET", "/healthz", [this](const Request& r) { return Health(r); }},
  };
}

Reply AccountHandlers::LoginForm(const Request&) { return LoginPage(200, ""); }

Reply AccountHandlers::Login(const Request& request) {
  std::string email = Request::Single(request.form, "email");
  for (char& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string password = Request::Single(request.form, "password");
  if (email.empty() || email.size() > 254 || password.size() > 1024) {
    return LoginPage(400, "Please enter your e-mail address and password.");
  }
  StatusOr<std::optional<store::Account>> account = store_->FindAccountByEmail(email);
  if (!account.ok()) {
    Log("login: " + account.status().message());
    return web::ErrorPage(503, "Try again", "The service is busy; please retry.");
  }
  const std::string& stored = *account ? (*account)->password_hash : dummy_hash_;
  const bool ok = crypto::VerifyPassword(password, stored);
  if (!*account || !ok) return LoginPage(401, "Wrong e-mail address or password.");
  Reply reply = Reply::SeeOther("/app");
  if (Status s = sessions_->Start((*account)->id, reply); !s.ok()) {
    Log("login: " + s.message());
    return web::ErrorPage(503, "Try again", "The service is busy; please retry.");
  }
  return reply;
}

Reply AccountHandlers::Logout(const Request& request) {
  Reply reply = Reply::SeeOther("/login");
  if (Status s = sessions_->End(request, reply); !s.ok()) Log("logout: " + s.message());
  return reply;
}

Reply AccountHandlers::App(const Request& request) {
  StatusOr<std::optional<store::Account>> account = sessions_->Current(request);
  if (!account.ok()) {
    Log("app: " + account.status().message());
    return web::ErrorPage(503, "Try again", "The service is busy; please retry.");
  }
  if (!*account) return Reply::SeeOther("/login");
  StatusOr<std::vector<store::Subscription>> subscriptions =
      store_->SubscriptionsOf((*account)->id);
  if (!subscriptions.ok()) {
    return web::ErrorPage(503, "Try again", "The service is busy; please retry.");
  }
  std::string body = "<p>Signed in as <b id=\"email\">" + Escape((*account)->email) + "</b> (" +
                     Escape((*account)->name) + ").</p>\n<h2>STACKIT subscriptions</h2>\n<ul>\n";
  bool usable = false;
  for (const store::Subscription& s : *subscriptions) {
    usable = usable || (s.approved && !stackit::IsEndedState(s.state));
    body += "<li><span class=\"state\">" + Escape(s.subscription_id) +
            "</span>: <span class=\"state\" data-state=\"" + Escape(s.state) + "\">" +
            Escape(s.state) + "</span>" + (s.approved ? " (approved)" : "") + " &mdash; " +
            Escape(Describe(s)) + "</li>\n";
  }
  body += "</ul>\n";
  body += usable ? "<p id=\"product\">The product is ready for you.</p>\n"
                 : "<p id=\"product\" class=\"error\">The product is not available for this "
                   "account.</p>\n";
  if (integrations_link_) {
    body += "<p>Plan: <span id=\"tier\">" + Escape((*account)->tier) +
            "</span> &middot; <a id=\"integrations\" href=\"/integrations\">Integrations</a></p>\n";
  }
  body +=
      "<form method=\"post\" action=\"/logout\"><button type=\"submit\">Log out</button>"
      "</form>";
  return Reply::Html(200, web::Page("Your account", body));
}

Reply AccountHandlers::Health(const Request&) { return Reply::Json(200, {{"status", "ok"}}); }

}  // namespace vendor_sample::account
