// The emulated Pandium In-App Marketplace the customer's browser opens (the vendor's backend
// redirects it, or frames it, with a tenant JWT), plus the marketplace's /_emulator/pandium/
// control routes (control_api.cc).
//
// Marketplace (service "pandium"; HTML pages, also for every error):
//   GET  /pandium/{account}[/]?tenant=<jwt>                   pandium.entry: the catalogue
//   GET  /pandium/{account}/integrations/{id}?tenant=<jwt>    pandium.deep-link: one integration
//   GET  /pandium/{account}/tenants/create/{id}?tenant=<jwt>  pandium.install-only
//   POST /pandium/{account}/integrations/{id}/install          pandium.install   (session + csrf)
//   POST /pandium/{account}/integrations/{id}/uninstall        pandium.uninstall (session + csrf)
// A GET with a token verifies it (Service::Verify), enters the tenant and opens a session: cookie
// `pandium_session`, Path=/pandium/{account}, HttpOnly, and `Secure; SameSite=None` when the
// request came over TLS (X-Forwarded-Proto: https: the page lives in a third-party iframe), else
// `SameSite=Lax`. A GET without a token shows the session's tenant (this is where the posts
// redirect to, 303). Rejections are HTML pages: 400 (missing_token, malformed), 401 (bad
// signature, header, claims, expiry, replay; no_session), 403 (csrf), 404 (unknown account or
// integration). Pandium documents none of these: they are the emulator's own, and say so.
//
// Every reply sets `Cache-Control: no-store`, `Referrer-Policy: no-referrer`,
// `X-Content-Type-Options: nosniff`, and `Content-Security-Policy: frame-ancestors <parentDomain>`
// when the account has a parent domain (nothing frame-related when it has none, as a sandbox).
//
// Machine-readable markers for the harness and browser tests:
//   <body data-pandium-status="ok|error" data-pandium-reason="..." data-pandium-code="..."
//         data-pandium-account="..." data-pandium-view="marketplace|integration|install-only">
//   <p class="tenant" data-sub="..." data-external-id="...">
//   <li class="integration" data-id="..." data-installed="true|false"> with one form
//     (install or uninstall) whose hidden fields are csrf and view.
#ifndef MPEMU_EMULATOR_PANDIUM_API_H_
#define MPEMU_EMULATOR_PANDIUM_API_H_

#include <string>

#include "emulator/http/pipeline.h"
#include "emulator/pandium/service.h"

namespace mpemu::pandium {

inline constexpr char kApiService[] = "pandium";
inline constexpr char kSessionCookie[] = "pandium_session";

// Page codes beyond TokenCheck's.
inline constexpr char kUnknownIntegration[] = "unknown_integration";  // 404
inline constexpr char kNoSession[] = "no_session";                    // 401
inline constexpr char kCsrf[] = "csrf";                               // 403

void RegisterApiRoutes(Service* service, http::Pipeline& pipeline);

// /_emulator/pandium/... (JSON; errors in the default control schema):
//   GET  accounts                        -> {items: [{name, entryUrl, secret, parentDomain,
//                                            iatWindowSeconds, requireJti, catalogue}]}
//   GET  accounts/{account}/tenants      -> {items: [tenant...]}
//   POST verify {account, token}         -> TokenCheck::ToJson(); the jti is not recorded
//   POST accounts/{account}/mint {claims?, secret?}
//                                        -> {token, url, claims}: claims over the defaults
//                                           {sub: "user@example.com", iat: now, jti: new UUID}
//                                           (null removes one), signed with the current secret
//                                           or `secret`
//   POST accounts/{account}/secret {secret?}
//                                        -> {account, secret}: rotation (B-15); without a secret
//                                           a new 64-hex-digit one is made
void RegisterControlRoutes(Service* service, http::Pipeline& pipeline);

}  // namespace mpemu::pandium

#endif  // MPEMU_EMULATOR_PANDIUM_API_H_
