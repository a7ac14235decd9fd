// vendor-sample as a Clever Cloud add-on provider, assembled: the manifest in, routes out.
// app/ creates one when CLEVERCLOUD_MANIFEST is set and adds its routes.
#ifndef VENDOR_SAMPLE_CLEVERCLOUD_ADDON_H_
#define VENDOR_SAMPLE_CLEVERCLOUD_ADDON_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vendor-sample/base/bugs.h"
#include "vendor-sample/base/clock.h"
#include "vendor-sample/clevercloud/infos_client.h"
#include "vendor-sample/clevercloud/manifest.h"
#include "vendor-sample/clevercloud/provider_auth.h"
#include "vendor-sample/clevercloud/resource_handlers.h"
#include "vendor-sample/clevercloud/sso_handlers.h"
#include "vendor-sample/clevercloud/sso_verifier.h"
#include "vendor-sample/net/http_client.h"
#include "vendor-sample/store/store.h"
#include "vendor-sample/web/http_types.h"

namespace vendor_sample::clevercloud {

struct AddonOptions {
  std::string public_url;  // vendor-sample's public base URL, no trailing '/'
  std::string api_url;     // CLEVERCLOUD_API_URL; "" for none
  SsoOptions sso;
};

class Addon {
 public:
  // Everything passed must outlive this.
  Addon(Manifest manifest, const AddonOptions& options, store::Store* store, net::HttpSender* http,
        const Clock* clock, const Bugs* bugs);
  Addon(const Addon&) = delete;
  Addon& operator=(const Addon&) = delete;

  std::vector<web::Route> Routes();

 private:
  const Manifest manifest_;
  ProviderAuth auth_;
  SsoVerifier verifier_;
  std::unique_ptr<InfosClient> infos_;  // null without an api_url
  ResourceHandlers resources_;
  SsoHandlers sso_;
};

}  // namespace vendor_sample::clevercloud

#endif  // VENDOR_SAMPLE_CLEVERCLOUD_ADDON_H_
