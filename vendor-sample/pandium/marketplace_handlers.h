// Pandium's In-App Marketplace, embedded behind vendor-sample's login.
//
//   GET /integrations               the page that embeds the marketplace in
//                                   <iframe id="pandium-marketplace"
//                                   src="/integrations/pandium/sso">; 303 /login without a session
//   GET /integrations/pandium/sso   mints the tenant JWT for the session's account and answers
//                                   302 <entry URL>?tenant=<jwt> with Cache-Control: no-store and
//                                   Referrer-Policy: no-referrer; without a session nothing is
//                                   minted: 401 JSON when the client asks for JSON only
//                                   (Accept: application/json without text/html), else 303 /login
//
// The claims come from the server-side session alone: no query parameter, body or header can
// change them, and the redirect goes to the configured entry URL and nowhere else (B-07..B-12).
// The shared secret appears in no page, header, log line or error (B-11).
#ifndef VENDOR_SAMPLE_PANDIUM_MARKETPLACE_HANDLERS_H_
#define VENDOR_SAMPLE_PANDIUM_MARKETPLACE_HANDLERS_H_

#include <string>
#include <vector>

#include "vendor-sample/base/bugs.h"
#include "vendor-sample/base/clock.h"
#include "vendor-sample/pandium/entry.h"
#include "vendor-sample/pandium/tenant_token.h"
#include "vendor-sample/web/http_types.h"
#include "vendor-sample/web/sessions.h"

namespace vendor_sample::pandium {

struct MarketplaceOptions {
  Entry entry;                             // where tokens go (ParseEntryUrl)
  std::vector<std::string> allowed_hosts;  // must allow entry's host (checked again per mint)
  std::string secret;                      // the shared HS256 secret, raw bytes
};

class MarketplaceHandlers {
 public:
  static constexpr char kSsoPath[] = "/integrations/pandium/sso";

  // Everything passed must outlive the handlers.
  MarketplaceHandlers(MarketplaceOptions options, web::Sessions* sessions, const Clock* clock,
                      const Bugs* bugs);
  MarketplaceHandlers(const MarketplaceHandlers&) = delete;
  MarketplaceHandlers& operator=(const MarketplaceHandlers&) = delete;

  web::Reply Integrations(const web::Request& request);
  web::Reply Sso(const web::Request& request);

  std::vector<web::Route> Routes();

 private:
  const Entry entry_;
  const std::vector<std::string> allowed_hosts_;
  const TenantTokenMinter minter_;
  web::Sessions* const sessions_;
  const Bugs* const bugs_;
};

}  // namespace vendor_sample::pandium

#endif  // VENDOR_SAMPLE_PANDIUM_MARKETPLACE_HANDLERS_H_
