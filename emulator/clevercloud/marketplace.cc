#include "emulator/clevercloud/marketplace.h"

#include "emulator/clevercloud/api.h"

namespace mpemu::clevercloud {

void CleverCloudMarketplace::RegisterRoutes(http::Pipeline& pipeline) {
  RegisterApiRoutes(service_.get(), pipeline);
  RegisterControlRoutes(service_.get(), pipeline);
}

nlohmann::json CleverCloudMarketplace::ConfigJson() const {
  const Manifest& m = service_->manifest();
  nlohmann::json j = ToJson(service_->config());
  // The facts a vendor's test setup needs, where scripts look for them.
  j["addonId"] = m.id;
  j["password"] = m.password;
  j["ssoSalt"] = m.sso_salt;
  j["configVarPrefix"] = m.ConfigVarPrefix();
  j["apiUrl"] = service_->env().base_url() + "/v2";
  j["baseUrl"] = service_->BaseUrl();
  j["ssoUrl"] = service_->SsoUrl();
  return j;
}

}  // namespace mpemu::clevercloud
