#include "vendor-sample/clevercloud/addon.h"

namespace vendor_sample::clevercloud {

Addon::Addon(Manifest manifest, const AddonOptions& options, store::Store* store,
             net::HttpSender* http, const Clock* clock, const Bugs* bugs)
    : manifest_(std::move(manifest)),
      auth_(manifest_.id, manifest_.password, bugs),
      verifier_(manifest_.sso_salt, options.sso, clock, bugs),
      infos_(options.api_url.empty()
                 ? nullptr
                 : std::make_unique<InfosClient>(http, options.api_url, manifest_.id,
                                                 manifest_.password)),
      resources_(&manifest_, &auth_, store, clock, bugs, options.public_url),
      sso_(&verifier_, infos_.get(), store, clock, bugs,
           options.public_url.rfind("https://", 0) == 0) {}

std::vector<web::Route> Addon::Routes() {
  std::vector<web::Route> routes = resources_.Routes();
  for (web::Route& r : sso_.Routes()) routes.push_back(std::move(r));
  return routes;
}

}  // namespace vendor_sample::clevercloud
