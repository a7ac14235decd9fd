#include "vendor-sample/clevercloud/sso_handlers.h"

#include "vendor-sample/base/log.h"
#include "vendor-sample/clevercloud/resource_handlers.h"
#include "vendor-sample/clevercloud/resource_id.h"
#include "vendor-sample/crypto/digest.h"
#include "vendor-sample/web/html.h"

namespace vendor_sample::clevercloud {
namespace {

using web::ErrorPage;
using web::Escape;
using web::Reply;
using web::Request;

constexpr char kRefused[] = "Single sign-on refused";

std::string Hash(const std::string& token) { return crypto::HexEncode(crypto::Sha256(token)); }

// A session cookie value worth looking up (ours are crypto::RandomToken, 43 base64url characters).
bool LooksLikeSessionId(const std::string& value) {
  if (value.empty() || value.size() > 128) return false;
  for (char c : value) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '.' || c == '~')) {
      return false;
    }
  }
  return true;
}

Reply Busy() { return ErrorPage(503, "Try again", "The service is busy; please retry."); }

std::string Row(const std::string& label, const std::string& id, const std::string& value) {
  return "<tr><th>" + Escape(label) + "</th><td id=\"" + id + "\">" + Escape(value) +
         "</td></tr>\n";
}

}  // namespace

SsoHandlers::SsoHandlers(const SsoVerifier* verifier, const InfosClient* infos, store::Store* store,
                         const Clock* clock, const Bugs* bugs, bool secure_cookies)
    : verifier_(verifier),
      infos_(infos),
      store_(store),
      clock_(clock),
      bugs_(bugs),
      secure_(secure_cookies) {}

std::vector<web::Route> SsoHandlers::Routes() {
  return {
      {"POST", "/clevercloud/sso", [this](const Request& r) { return Login(r); }},
      {"GET", "/clevercloud/sso",
       [](const Request&) {
         return ErrorPage(405, kRefused,
                          "Single sign-on is a form POST from the Clever Cloud console.")
             .WithHeader("Allow", "POST");
       }},
      {"GET", "/clevercloud/resources/([^/]+)/dashboard",
       [this](const Request& r) { return Dashboard(r); }},
  };
}

Reply SsoHandlers::Login(const Request& request) {
  if (MediaType(request) != "application/x-www-form-urlencoded") {
    return ErrorPage(415, kRefused,
                     "Single sign-on must be posted as application/x-www-form-urlencoded.");
  }
  for (const char* name : {"id", "timestamp", "nav-data", "email", "user_id", "signature"}) {
    if (request.query.count(name) != 0) {
      return ErrorPage(400, kRefused, "The single sign-on fields belong in the POST body.");
    }
  }
  StatusOr<web::Params> form = ParseFormStrict(request.body);
  if (!form.ok()) return ErrorPage(400, kRefused, form.status().message());
  StatusOr<SsoLogin> login = verifier_->Verify(*form);
  if (!login.ok()) {
    Log("clevercloud: SSO refused: " + login.status().message());
    const int status = login.status().code() == StatusCode::kInvalidArgument ? 400 : 403;
    return ErrorPage(status, kRefused, login.status().message());
  }

  StatusOr<std::optional<store::CleverResource>> resource = store_->FindCleverResource(login->id);
  if (!resource.ok()) return Busy();
  if (!*resource) return ErrorPage(404, kRefused, "There is no such add-on resource.");
  if ((*resource)->status != store::kCleverActive && !bugs_->has("cc-sso-deprovisioned")) {
    Log("clevercloud: SSO refused: resource " + login->id + " is " + (*resource)->status);
    return ErrorPage(403, kRefused, "This add-on resource is deprovisioned.");
  }

  // Never continue the session the browser brought (session fixation): end it, start a new one.
  const auto brought = request.cookies.find(kCookieName);
  const bool has_brought = brought != request.cookies.end() && LooksLikeSessionId(brought->second);
  if (has_brought) {
    if (Status s = store_->DeleteCleverSession(Hash(brought->second)); !s.ok()) return Busy();
  }
  std::string token = crypto::RandomToken();
  if (bugs_->has("cc-no-session-renewal") && has_brought) token = brought->second;

  const int64_t now = clock_->NowMillis();
  if (Status s = store_->DeleteExpired(now); !s.ok()) Log("clevercloud: " + s.message());
  store::CleverSession session{login->id, login->user_id, login->email,
                               now + kSessionLifetimeS * 1000};
  if (Status s = store_->CreateCleverSession(Hash(token), session); !s.ok()) {
    Log("clevercloud: SSO: " + s.message());
    return Busy();
  }
  Log("clevercloud: SSO login to " + login->id);

  const std::string dashboard = "/clevercloud/resources/" + login->id + "/dashboard";
  Reply reply = Reply::Html(
      302, web::Page("Signed in", "<p><a href=\"" + Escape(dashboard) + "\">Continue</a></p>"));
  reply.WithHeader("Location", dashboard);
  reply.WithHeader("Set-Cookie",
                   std::string(kCookieName) + "=" + token + "; Path=/clevercloud/resources/" +
                       login->id + "; HttpOnly; SameSite=Lax; Max-Age=" +
                       std::to_string(kSessionLifetimeS) + (secure_ ? "; Secure" : ""));
  return reply;
}

Reply SsoHandlers::Dashboard(const Request& request) {
  const std::string& id = request.path_params.at(0);
  if (!IsResourceId(id)) return ErrorPage(404, "Not found", "There is no such add-on resource.");
  constexpr char kNoSession[] =
      "You are not signed in to this add-on. Open its dashboard from the Clever Cloud console.";
  const auto cookie = request.cookies.find(kCookieName);
  if (cookie == request.cookies.end() || !LooksLikeSessionId(cookie->second)) {
    return ErrorPage(403, "Not signed in", kNoSession);
  }
  StatusOr<std::optional<store::CleverSession>> session =
      store_->FindCleverSession(Hash(cookie->second), clock_->NowMillis());
  if (!session.ok()) return Busy();
  // A session opens the one resource it was signed for, no other.
  if (!*session || (*session)->resource_id != id) {
    return ErrorPage(403, "Not signed in", kNoSession);
  }
  StatusOr<std::optional<store::CleverResource>> resource = store_->FindCleverResource(id);
  if (!resource.ok()) return Busy();
  if (!*resource ||
      ((*resource)->status != store::kCleverActive && !bugs_->has("cc-sso-deprovisioned"))) {
    return ErrorPage(403, "Not available", "This add-on resource is deprovisioned.");
  }
  const store::CleverResource& r = **resource;

  std::string body = "<table>\n" + Row("Resource", "resource-id", r.id) +
                     Row("Clever Cloud add-on", "addon-id", r.addon_id) +
                     Row("Plan", "plan", r.plan) + Row("Status", "status", r.status) +
                     Row("Signed in as", "email", (*session)->email) +
                     Row("User", "user-id", (*session)->user_id);
  StatusOr<AddonInfo> info =
      infos_ != nullptr
          ? infos_->GetAddon(r.addon_id)
          : StatusOr<AddonInfo>(UnavailableError("CLEVERCLOUD_API_URL is not configured"));
  if (info.ok()) {
    body += Row("Add-on name", "addon-name", info->name) +
            Row("Owner", "owner-id", info->owner_id) +
            Row("Owner name", "owner-name", info->owner_name) +
            Row("Owner e-mail", "owner-email", info->owner_email) + "</table>\n";
  } else {
    Log("clevercloud: add-on infos for " + r.id + ": " + info.status().message());
    body +=
        "</table>\n<p class=\"error\" id=\"owner-error\">The owner could not be fetched from "
        "Clever Cloud: " +
        Escape(info.status().message()) + "</p>\n";
  }
  return Reply::Html(200, web::Page("vendor-sample add-on", body));
}

}  // namespace vendor_sample::clevercloud
