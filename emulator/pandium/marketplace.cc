#include "emulator/pandium/marketplace.h"

#include "emulator/pandium/api.h"

namespace mpemu::pandium {

void PandiumMarketplace::RegisterRoutes(http::Pipeline& pipeline) {
  RegisterApiRoutes(service_.get(), pipeline);
  RegisterControlRoutes(service_.get(), pipeline);
}

nlohmann::json PandiumMarketplace::ConfigJson() const {
  const Config config = service_->Snapshot();
  nlohmann::json j = ToJson(config);
  for (auto& a : j["accounts"]) a["entryUrl"] = service_->EntryUrl(a["name"].get<std::string>());
  // Validate() guarantees at least one account.
  const Account& first = config.accounts.front();
  j["account"] = first.name;
  j["entryUrl"] = service_->EntryUrl(first.name);
  j["secret"] = first.secret;
  j["parentDomain"] = first.parent_domain;
  return j;
}

}  // namespace mpemu::pandium
