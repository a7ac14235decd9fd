#include "vendor-sample/pandium/marketplace_handlers.h"

#include "vendor-sample/base/log.h"
#include "vendor-sample/web/html.h"

namespace vendor_sample::pandium {
namespace {

using web::Escape;
using web::Reply;
using web::Request;

Reply Busy() { return web::ErrorPage(503, "Try again", "The service is busy; please retry."); }

// A client that asked for JSON and not for HTML (an API client, not a browser).
bool WantsJsonOnly(const Request& request) {
  bool json = false;
  bool html = false;
  for (const std::string& accept : request.HeaderValues("accept")) {
    json = json || accept.find("application/json") != std::string::npos;
    html = html || accept.find("text/html") != std::string::npos;
  }
  return json && !html;
}

// The planted stand-in for "no session" (pd-mint-without-session).
TenantUser DemoUser() {
  return TenantUser{"00000000-0000-4000-8000-000000000000", "00000000-0000-4000-8000-000000000000",
                    "demo@vendor-sample.invalid", "Demo", "basic"};
}

}  // namespace

MarketplaceHandlers::MarketplaceHandlers(MarketplaceOptions options, web::Sessions* sessions,
                                         const Clock* clock, const Bugs* bugs)
    : entry_(std::move(options.entry)),
      allowed_hosts_(std::move(options.allowed_hosts)),
      minter_(std::move(options.secret), clock, bugs),
      sessions_(sessions),
      bugs_(bugs) {}

std::vector<web::Route> MarketplaceHandlers::Routes() {
  return {
      {"GET", "/integrations", [this](const Request& r) { return Integrations(r); }},
      {"GET", kSsoPath, [this](const Request& r) { return Sso(r); }},
  };
}

Reply MarketplaceHandlers::Integrations(const Request& request) {
  StatusOr<std::optional<store::Account>> account = sessions_->Current(request);
  if (!account.ok()) {
    Log("pandium: integrations: " + account.status().message());
    return Busy();
  }
  if (!*account) return Reply::SeeOther("/login");
  // The frame is Pandium's app: scripts, its own origin's storage, forms and the pop-ups its
  // connection flows open; it may not navigate this page. Clipboard writes (copying keys) are
  // the one feature delegated, and only to the marketplace's origin.
  const std::string body =
      "<p>Signed in as <b id=\"email\">" + Escape((*account)->email) +
      "</b>. Connect vendor-sample to the other tools you use.</p>\n"
      "<iframe id=\"pandium-marketplace\" src=\"" +
      std::string(kSsoPath) +
      "\" title=\"Integrations marketplace\" "
      "sandbox=\"allow-scripts allow-same-origin allow-forms allow-popups "
      "allow-popups-to-escape-sandbox\" allow=\"clipboard-write " +
      Escape(entry_.origin) +
      "\" referrerpolicy=\"no-referrer\" loading=\"eager\" "
      "style=\"width:100%;height:80vh;border:0\"></iframe>\n"
      "<p><a href=\"" +
      std::string(kSsoPath) +
      "\" target=\"_blank\" rel=\"noopener noreferrer\">Open the marketplace in a new tab</a> "
      "&middot; <a href=\"/app\">Your account</a></p>";
  Reply reply = Reply::Html(200, web::Page("Integrations", body));
  // As strict as every other page (never framed by anyone), plus frames from this origin (the
  // mint endpoint) and the marketplace it redirects to.
  reply.WithHeader("Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self' " +
                       entry_.origin +
                       "; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  return reply;
}

Reply MarketplaceHandlers::Sso(const Request& request) {
  StatusOr<std::optional<store::Account>> account = sessions_->Current(request);
  if (!account.ok()) {
    Log("pandium: sso: " + account.status().message());
    return Busy();
  }
  TenantUser user;
  if (*account) {
    const store::Account& a = **account;
    user = TenantUser{a.id, a.id, a.email, a.name, a.tier};
  } else if (bugs_->has("pd-mint-without-session")) {
    user = DemoUser();
  } else if (WantsJsonOnly(request)) {
    return Reply::Json(
        401, {{"error", "unauthenticated"}, {"message", "log in to vendor-sample first"}});
  } else {
    return Reply::SeeOther("/login");
  }
  if (bugs_->has("pd-sub-from-query")) {
    for (const char* name : {"sub", "user"}) {
      if (const std::string v = Request::Single(request.query, name); !v.empty()) user.subject = v;
    }
  }
  // The configuration check made this true; checked again so that no later change can send a
  // token anywhere else.
  if (!HostAllowed(entry_, allowed_hosts_)) {
    Log("pandium: sso: the entry host " + entry_.host + " is not allowed; no token minted");
    return web::ErrorPage(500, "Integrations unavailable", "The marketplace is misconfigured.");
  }
  const std::string token = minter_.Mint(user);
  Log("pandium: minted a marketplace token for account " + user.external_id);
  Reply reply;
  reply.status = 302;
  reply.WithHeader("Location", entry_.url + "?tenant=" + token);
  reply.WithHeader("Cache-Control", "no-store");
  reply.WithHeader("Referrer-Policy", "no-referrer");
  return reply;
}

}  // namespace vendor_sample::pandium
