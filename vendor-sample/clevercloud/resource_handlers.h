// The Clever Cloud provider API: what Clever Cloud calls at the manifest's base_url, and the
// harness test hook.
//
//   POST   /clevercloud/resources        provision   {"addon_id", "plan", ...}
//                                        -> 200 {"id", "config", "message"}
//   PUT    /clevercloud/resources/{id}   plan change {"plan"} -> 200 {"config", "message"}
//   POST   /clevercloud/resources/{id}   the same (Clever was seen POSTing plan changes)
//   DELETE /clevercloud/resources/{id}   deprovision -> 200 {"message"}; again -> 410
//   GET    /api/clevercloud/resources/{id}  test hook: {"id", "addonId", "plan", "status",
//                                           "config"} | 404
//
// Every provider route sits behind ProviderAuth (401 before the body is read). Errors are JSON
// {"error", "message"}: 400 malformed JSON, 415 not application/json, 422 a missing or mistyped
// field, 404 an unknown id, 410 a deprovisioned resource, 503 the database failed.
#ifndef VENDOR_SAMPLE_CLEVERCLOUD_RESOURCE_HANDLERS_H_
#define VENDOR_SAMPLE_CLEVERCLOUD_RESOURCE_HANDLERS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vendor-sample/base/bugs.h"
#include "vendor-sample/base/clock.h"
#include "vendor-sample/clevercloud/manifest.h"
#include "vendor-sample/clevercloud/provider_auth.h"
#include "vendor-sample/clevercloud/resource_id.h"
#include "vendor-sample/store/store.h"
#include "vendor-sample/web/http_types.h"

namespace vendor_sample::clevercloud {

// The media type of a request's single Content-Type header, lower case, without parameters; ""
// when there is none or more than one.
std::string MediaType(const web::Request& request);

class ResourceHandlers {
 public:
  // `public_url` is vendor-sample's public base URL (no trailing '/'). Everything passed must
  // outlive the handlers.
  ResourceHandlers(const Manifest* manifest, const ProviderAuth* auth, store::Store* store,
                   const Clock* clock, const Bugs* bugs, std::string public_url);

  // The handlers themselves; Routes() puts the provider ones behind ProviderAuth.
  web::Reply Provision(const web::Request& request);
  web::Reply ChangePlan(const web::Request& request);
  web::Reply Deprovision(const web::Request& request);
  web::Reply ResourceView(const web::Request& request);

  std::vector<web::Route> Routes();

  // Exactly the manifest's config vars: <PREFIX>_URL = <public url>/clevercloud/resources/<id>/
  // dashboard, <PREFIX>_TOKEN = the resource's secret.
  nlohmann::json ConfigOf(const store::CleverResource& resource) const;

 private:
  const Manifest* const manifest_;
  const ProviderAuth* const auth_;
  store::Store* const store_;
  const Clock* const clock_;
  const Bugs* const bugs_;
  const std::string public_url_;
};

}  // namespace vendor_sample::clevercloud

#endif  // VENDOR_SAMPLE_CLEVERCLOUD_RESOURCE_HANDLERS_H_
