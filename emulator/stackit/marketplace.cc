#include "emulator/stackit/marketplace.h"

#include "emulator/stackit/api.h"

namespace mpemu::stackit {

void StackitMarketplace::RegisterRoutes(http::Pipeline& pipeline) {
  RegisterApiRoutes(service_.get(), pipeline);
  RegisterControlRoutes(service_.get(), pipeline);
}

nlohmann::json StackitMarketplace::ConfigJson() const {
  const Config& c = service_->config();
  nlohmann::json j = ToJson(c);
  // The default vendor project's facts, where scripts look for them.
  if (!c.vendor_projects.empty()) {
    j["projectId"] = c.vendor_projects.front().project_id;
    j["bearerToken"] = c.vendor_projects.front().bearer_tokens.empty()
                           ? "" : c.vendor_projects.front().bearer_tokens.front();
  }
  const std::string base = service_->env().base_url();
  j["keysUrl"] = service_->KeysUrl();
  j["jwksUrl"] = base + "/.well-known/jwks.json";
  j["issuer"] = service_->Issuer();
  j["issuerMode"] = c.issuer;
  j["apiUrl"] = base;
  j["tokenUrl"] = base + "/token";
  if (!c.service_accounts.empty()) {
    j["serviceAccountKeyUrl"] = base + "/_emulator/stackit/service-accounts/" +
                                c.service_accounts.front().id + "/key";
  }
  return j;
}

}  // namespace mpemu::stackit
