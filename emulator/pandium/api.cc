#include "emulator/pandium/api.h"

#include <algorithm>
#include <cctype>

#include "emulator/crypto/encoding.h"

namespace mpemu::pandium {
namespace {

using http::Reply;
using http::Request;

constexpr char kMarketplaceView[] = "marketplace";
constexpr char kIntegrationView[] = "integration";
constexpr char kInstallOnlyView[] = "install-only";

std::string PrettyJson(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

constexpr char kStyle[] = R"css(
  :root { color-scheme: light; --ink: #1d2433; --muted: #5b6475; --line: #e3e6ee; --accent: #3056d3; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
         color: var(--ink); background: #f6f7fb; }
  main { max-width: 760px; margin: 0 auto; padding: 24px 20px 40px; }
  header.bar { display: flex; justify-content: space-between; align-items: baseline; gap: 16px;
               flex-wrap: wrap; border-bottom: 1px solid var(--line); margin-bottom: 20px; }
  h1 { font-size: 22px; margin: 0 0 12px; }
  p.tenant { color: var(--muted); margin: 0 0 12px; }
  ul.integrations { list-style: none; margin: 0; padding: 0; display: grid; gap: 12px; }
  li.integration { display: grid; grid-template-columns: 44px 1fr auto; gap: 14px; align-items: center;
                   background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
  li.integration .logo { width: 44px; height: 44px; border-radius: 10px; background: #e8edff;
                         color: var(--accent); font-weight: 700; display: grid; place-items: center; }
  li.integration h2 { font-size: 16px; margin: 0; }
  li.integration p { margin: 2px 0 0; color: var(--muted); font-size: 14px; }
  li.integration .state { font-size: 13px; color: var(--muted); margin-right: 8px; }
  li.integration[data-installed="true"] .state { color: #1a7f37; font-weight: 600; }
  .actions { display: flex; align-items: center; }
  button { font: inherit; border-radius: 8px; border: 1px solid var(--accent); padding: 6px 14px; cursor: pointer;
           background: var(--accent); color: #fff; }
  button.secondary { background: #fff; color: var(--accent); }
  a { color: var(--accent); }
  details { margin-top: 20px; color: var(--muted); }
  pre { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px; overflow: auto; }
  .error-box { background: #fff; border: 1px solid #f1c4c4; border-left: 4px solid #c62828; border-radius: 8px;
               padding: 16px 18px; }
  .error-box .reason { font-weight: 600; }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 12px 0 0; }
  dl.facts dt { color: var(--muted); }
  dl.facts dd { margin: 0; font-family: ui-monospace, monospace; }
  footer { margin-top: 28px; font-size: 12px; color: var(--muted); }
)css";

std::string Document(const std::string& title, const std::string& body_attributes,
                     const std::string& content) {
  return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"referrer\" content=\"no-referrer\">\n<title>" +
         http::HtmlEscape(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body" +
         body_attributes + ">\n<main>\n" + content +
         "<footer>mpemu: an offline emulation of the Pandium In-App Marketplace for integration "
         "tests. Not Pandium.</footer>\n</main>\n</body>\n</html>\n";
}

std::string Attribute(const char* name, const std::string& value) {
  return std::string(" ") + name + "=\"" + http::HtmlEscape(value) + "\"";
}

// The headers every marketplace reply carries. The marketplace lives in the vendor's iframe:
// framing is limited to the parent domain when one is configured; the token in the URL must not
// leak through caches or the Referer (security catalogue B-14).
void AddPageHeaders(Reply& reply, const Account* account) {
  reply.WithHeader("Cache-Control", "no-store");
  reply.WithHeader("Referrer-Policy", "no-referrer");
  reply.WithHeader("X-Content-Type-Options", "nosniff");
  if (account != nullptr && !account->parent_domain.empty()) {
    reply.WithHeader("Content-Security-Policy", "frame-ancestors " + account->parent_domain);
  }
}

struct Rejection {
  int status = 400;
  std::string code, reason;
  nlohmann::json header, claims;  // what the token held, when it decoded
};

Reply ErrorPage(const Account* account, const std::string& account_name, const Rejection& r) {
  std::string content =
      "<h1>This marketplace link was not accepted</h1>\n<div class=\"error-box\">\n"
      "<p class=\"reason\">" +
      http::HtmlEscape(r.reason) + "</p>\n<dl class=\"facts\">\n<dt>Code</dt><dd class=\"code\">" +
      http::HtmlEscape(r.code) + "</dd>\n<dt>HTTP status</dt><dd>" + std::to_string(r.status) +
      "</dd>\n" +
      (account_name.empty() ? "" : "<dt>Account</dt><dd>" + http::HtmlEscape(account_name) + "</dd>\n") +
      "</dl>\n</div>\n";
  if (!r.header.is_null() || !r.claims.is_null()) {
    content += "<details><summary>What the token contained</summary>\n<pre class=\"header\">" +
               http::HtmlEscape(PrettyJson(r.header)) + "</pre>\n<pre class=\"claims\">" +
               http::HtmlEscape(PrettyJson(r.claims)) + "</pre>\n</details>\n";
  }
  content +=
      "<p><small>Pandium publishes no error pages; these codes and messages are the "
      "emulator's own. The tenant JWT must be HS256 with the header "
      "{\"alg\":\"HS256\",\"typ\":\"JWT\"}, signed with the account's shared secret, and carry "
      "sub, iat (seconds) and a fresh jti.</small></p>\n";
  const std::string attributes = Attribute("data-pandium-status", "error") +
                                 Attribute("data-pandium-reason", r.reason) +
                                 Attribute("data-pandium-code", r.code) +
                                 Attribute("data-pandium-http-status", std::to_string(r.status)) +
                                 Attribute("data-pandium-account", account_name);
  Reply reply = Reply::Html(r.status, Document("Marketplace link rejected", attributes, content));
  AddPageHeaders(reply, account);
  return reply;
}

Reply ErrorPage(const Account* account, const std::string& account_name, int status,
                const std::string& code, const std::string& reason) {
  Rejection r;
  r.status = status;
  r.code = code;
  r.reason = reason;
  return ErrorPage(account, account_name, r);
}

// The account named by a /pandium/{account}/... path, for the pipeline's own errors (404, 405).
std::string AccountSegment(const std::string& path) {
  const std::string prefix = "/pandium/";
  if (path.compare(0, prefix.size(), prefix) != 0) return "";
  const size_t end = path.find('/', prefix.size());
  return path.substr(prefix.size(),
                     end == std::string::npos ? std::string::npos : end - prefix.size());
}

std::string CookieValue(const Request& req, const std::string& name) {
  for (auto [it, end] = req.headers.equal_range("Cookie"); it != end; ++it) {
    const std::string& header = it->second;
    size_t at = 0;
    while (at < header.size()) {
      size_t next = header.find(';', at);
      if (next == std::string::npos) next = header.size();
      std::string pair = header.substr(at, next - at);
      const size_t start = pair.find_first_not_of(' ');
      pair = start == std::string::npos ? "" : pair.substr(start);
      const size_t eq = pair.find('=');
      if (eq != std::string::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
      at = next + 1;
    }
  }
  return "";
}

// The request reached the emulator over TLS, directly or through a terminating proxy.
bool OverTls(const Request& req) {
  std::string proto = req.Header("X-Forwarded-Proto");
  proto = proto.substr(0, proto.find(','));
  proto.erase(std::remove(proto.begin(), proto.end(), ' '), proto.end());
  std::transform(proto.begin(), proto.end(), proto.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return proto == "https";
}

std::string SessionCookie(const Session& s, bool tls) {
  return std::string(kSessionCookie) + "=" + s.id + "; Path=/pandium/" + s.account + "; HttpOnly" +
         (tls ? "; Secure; SameSite=None" : "; SameSite=Lax");
}

const Integration* FindIntegration(const Account& account, const std::string& id) {
  for (const Integration& i : account.catalogue) {
    if (i.id == id) return &i;
  }
  return nullptr;
}

std::string Initial(const std::string& name) {
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      return std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  return "?";
}

std::string IntegrationItem(const Account& account, const Integration& i, bool installed,
                            const Session& session, const std::string& view) {
  const std::string action = "/pandium/" + account.name + "/integrations/" + i.id +
                             (installed ? "/uninstall" : "/install");
  return "<li class=\"integration\"" + Attribute("data-id", i.id) +
         Attribute("data-installed", installed ? "true" : "false") +
         Attribute("id", "integration-" + i.id) + ">\n<div class=\"logo\" aria-hidden=\"true\">" +
         http::HtmlEscape(Initial(i.name)) + "</div>\n<div class=\"info\"><h2>" +
         (view == kMarketplaceView
              ? "<a href=\"/pandium/" + http::HtmlEscape(account.name) + "/integrations/" +
                    http::HtmlEscape(i.id) + "\">" + http::HtmlEscape(i.name) + "</a>"
              : http::HtmlEscape(i.name)) +
         "</h2><p>" + http::HtmlEscape(i.description) +
         "</p></div>\n<div class=\"actions\"><span class=\"state\">" +
         (installed ? "Installed" : "Not installed") + "</span>\n<form method=\"post\"" +
         Attribute("action", action) + "><input type=\"hidden\" name=\"csrf\"" +
         Attribute("value", session.csrf) + "><input type=\"hidden\" name=\"view\"" +
         Attribute("value", view) + "><button type=\"submit\"" +
         (installed ? " class=\"secondary\">Uninstall" : ">Install") +
         "</button></form></div>\n</li>\n";
}

// The marketplace page for a tenant: the whole catalogue, one integration (deep link) or the
// install-only view of one integration.
Reply MarketplacePage(const Account& account, const Tenant& tenant, const Session& session,
                      const std::string& view, const Integration* only) {
  auto installed = [&](const Integration& i) {
    return std::find(tenant.installed.begin(), tenant.installed.end(), i.id) !=
           tenant.installed.end();
  };
  std::string title = "Integrations";
  if (view == kIntegrationView) title = only->name;
  if (view == kInstallOnlyView) title = "Install " + only->name;

  std::string who = "Signed in as <strong class=\"sub\">" + http::HtmlEscape(tenant.sub) + "</strong>";
  if (!tenant.external_id.empty()) {
    who +=
        " <span class=\"external-id\">(external id " + http::HtmlEscape(tenant.external_id) + ")</span>";
  }
  std::string content = "<header class=\"bar\"><h1>" + http::HtmlEscape(title) +
                        "</h1>\n<p class=\"tenant\"" + Attribute("data-sub", tenant.sub) +
                        Attribute("data-external-id", tenant.external_id) + ">" + who +
                        "</p></header>\n";
  if (view != kMarketplaceView) {
    content += "<p><a class=\"all\" href=\"/pandium/" + http::HtmlEscape(account.name) +
               "\">All integrations</a></p>\n";
  }
  content += "<ul class=\"integrations\">\n";
  if (only != nullptr) {
    content += IntegrationItem(account, *only, installed(*only), session, view);
  } else {
    for (const Integration& i : account.catalogue) {
      content += IntegrationItem(account, i, installed(i), session, view);
    }
    if (account.catalogue.empty()) content += "<li class=\"empty\">No integrations yet.</li>\n";
  }
  content += "</ul>\n";
  if (!tenant.tenant_info.is_null() || !tenant.meta.is_null()) {
    content += "<details><summary>Tenant information from the token</summary>\n";
    if (!tenant.tenant_info.is_null()) {
      content +=
          "<pre class=\"tenant-info\">" + http::HtmlEscape(PrettyJson(tenant.tenant_info)) + "</pre>\n";
    }
    if (!tenant.meta.is_null()) {
      content += "<pre class=\"meta\">" + http::HtmlEscape(PrettyJson(tenant.meta)) + "</pre>\n";
    }
    content += "</details>\n";
  }
  const std::string attributes =
      Attribute("data-pandium-status", "ok") + Attribute("data-pandium-reason", "") +
      Attribute("data-pandium-account", account.name) + Attribute("data-pandium-view", view) +
      Attribute("data-pandium-sub", tenant.sub);
  Reply reply = Reply::Html(200, Document(title + " - " + account.name, attributes, content));
  AddPageHeaders(reply, &account);
  return reply;
}

// GET entry, deep link and install-only: with a token, verify it, enter the tenant and open a
// session; without one, show the current session's tenant.
Reply ShowMarketplace(Service* service, const Request& req, const std::string& view) {
  const std::string& name = req.path_params[0];
  const Account* account = service->FindAccount(name);
  if (account == nullptr) {
    return ErrorPage(nullptr, name, 404, kUnknownAccount,
                     "there is no In-App Marketplace account \"" + name + "\" on this emulator");
  }
  const Integration* only = nullptr;
  if (view != kMarketplaceView) {
    only = FindIntegration(*account, req.path_params[1]);
    if (only == nullptr) {
      return ErrorPage(account, name, 404, kUnknownIntegration,
                       "there is no integration \"" + req.path_params[1] + "\" in account " + name +
                           "'s marketplace");
    }
  }
  const size_t tokens = req.ParamCount("tenant");
  if (tokens > 1) {
    return ErrorPage(account, name, 400, kMalformed,
                     "the tenant parameter is given " + std::to_string(tokens) +
                         " times; send exactly one token");
  }
  StatusOr<Tenant> tenant = NotFoundError("");
  StatusOr<Session> session = NotFoundError("");
  std::string set_cookie;
  if (tokens == 1) {
    const TokenCheck check = service->Verify(name, *req.Param("tenant"));
    if (!check.ok) {
      Rejection r;
      r.status = check.HttpStatus();
      r.code = check.code;
      r.reason = check.reason;
      r.header = check.header;
      r.claims = check.claims;
      return ErrorPage(account, name, r);
    }
    tenant = service->Enter(name, check);
    if (tenant.ok()) session = service->OpenSession(name, check.sub);
    if (!tenant.ok() || !session.ok()) {
      const Status failed = tenant.ok() ? session.status() : tenant.status();
      return ErrorPage(account, name, 500, "internal", failed.message());
    }
    set_cookie = SessionCookie(*session, OverTls(req));
  } else {
    session = service->FindSession(name, CookieValue(req, kSessionCookie));
    if (!session.ok()) {
      return ErrorPage(account, name, 400, kMissingToken,
                       "no tenant token: open " + service->EntryUrl(name) +
                           "?tenant=<JWT signed by your backend> (and no marketplace session "
                           "to continue)");
    }
    tenant = service->FindTenant(name, session->sub);
    if (!tenant.ok()) return ErrorPage(account, name, 401, kNoSession, tenant.status().message());
  }
  Reply reply = MarketplacePage(*account, *tenant, *session, view, only);
  if (!set_cookie.empty()) reply.WithHeader("Set-Cookie", set_cookie);
  return reply;
}

// POST install / uninstall from the page's forms: the session names the tenant, the csrf field
// proves the post came from the page.
Reply ChangeInstallation(Service* service, const Request& req, bool install) {
  const std::string& name = req.path_params[0];
  const std::string& id = req.path_params[1];
  const Account* account = service->FindAccount(name);
  if (account == nullptr) {
    return ErrorPage(nullptr, name, 404, kUnknownAccount,
                     "there is no In-App Marketplace account \"" + name + "\" on this emulator");
  }
  if (FindIntegration(*account, id) == nullptr) {
    return ErrorPage(
        account, name, 404, kUnknownIntegration,
        "there is no integration \"" + id + "\" in account " + name + "'s marketplace");
  }
  StatusOr<Session> session = service->FindSession(name, CookieValue(req, kSessionCookie));
  if (!session.ok()) return ErrorPage(account, name, 401, kNoSession, session.status().message());
  const http::Params form = http::ParseFormUrlEncoded(req.body);
  auto field = [&form](const std::string& key) {
    auto it = form.find(key);
    return it == form.end() ? std::string() : it->second;
  };
  if (!crypto::ConstantTimeEquals(field("csrf"), session->csrf) || session->csrf.empty()) {
    return ErrorPage(account, name, 403, kCsrf,
                     "the form's csrf field does not match this session: post the form the "
                     "marketplace page served");
  }
  const Status changed = install ? service->Install(name, session->sub, id)
                                 : service->Uninstall(name, session->sub, id);
  if (!changed.ok()) {
    const int status = http::HttpStatusFor(changed);
    return ErrorPage(account, name, status, status == 404 ? "not_found" : "internal",
                     changed.message());
  }
  const std::string view = field("view");
  const std::string location = view == kIntegrationView || view == kInstallOnlyView
                                   ? "/pandium/" + name + "/integrations/" + id
                                   : "/pandium/" + name;
  Reply reply = Reply::Html(303, Document("See other", Attribute("data-pandium-status", "ok"),
                                          "<p><a href=\"" + http::HtmlEscape(location) +
                                              "\">Back to the marketplace</a></p>\n"));
  reply.WithHeader("Location", location);
  AddPageHeaders(reply, account);
  return reply;
}

}  // namespace

void RegisterApiRoutes(Service* service, http::Pipeline& pipeline) {
  pipeline.AddService(
      {kApiService,
       {"/pandium/", "/pandium"},
       [service](const Status& status, int http_status, const Request& req) {
         const std::string name = AccountSegment(req.path);
         const int code = http_status != 0 ? http_status : http::HttpStatusFor(status);
         const char* kind = code == 404   ? "not_found"
                            : code == 405 ? "method_not_allowed"
                                          : "error";
         return ErrorPage(service->FindAccount(name), name, code, kind, status.message());
       }});
  const std::string account = "/pandium/([^/]+)";
  auto add = [&](const char* method, const std::string& pattern, const char* route,
                 http::Handler handler) {
    pipeline.AddRoute({method, pattern, route, kApiService, std::move(handler)});
  };
  add("GET", account + "/?", "pandium.entry", [service](Request& req) -> StatusOr<Reply> {
    return ShowMarketplace(service, req, kMarketplaceView);
  });
  add("GET", account + "/integrations/([^/]+)", "pandium.deep-link",
      [service](Request& req) -> StatusOr<Reply> {
        return ShowMarketplace(service, req, kIntegrationView);
      });
  add("GET", account + "/tenants/create/([^/]+)", "pandium.install-only",
      [service](Request& req) -> StatusOr<Reply> {
        return ShowMarketplace(service, req, kInstallOnlyView);
      });
  add("POST", account + "/integrations/([^/]+)/install", "pandium.install",
      [service](Request& req) -> StatusOr<Reply> {
        return ChangeInstallation(service, req, /*install=*/true);
      });
  add("POST", account + "/integrations/([^/]+)/uninstall", "pandium.uninstall",
      [service](Request& req) -> StatusOr<Reply> {
        return ChangeInstallation(service, req, /*install=*/false);
      });
}

}  // namespace mpemu::pandium
