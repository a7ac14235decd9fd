// Clever Cloud as a control::Marketplace: owns the Service and registers its routes.
#ifndef MPEMU_EMULATOR_CLEVERCLOUD_MARKETPLACE_H_
#define MPEMU_EMULATOR_CLEVERCLOUD_MARKETPLACE_H_

#include <memory>

#include "emulator/clevercloud/service.h"
#include "emulator/control/marketplace.h"

namespace mpemu::clevercloud {

class CleverCloudMarketplace final : public control::Marketplace {
 public:
  CleverCloudMarketplace(Config config, control::Environment env)
      : service_(std::make_unique<Service>(std::move(config), env)) {}

  std::string name() const override { return "clevercloud"; }
  void RegisterRoutes(http::Pipeline& pipeline) override;
  Status Initialize() override { return service_->Initialize(); }
  // Add-ons are forgotten; there are no keys.
  Status Reset(bool /*keys*/) override { return service_->Reset(); }
  // ToJson(config) plus addonId (the manifest id), password, ssoSalt, configVarPrefix, apiUrl (the
  // infos API: emulator base + "/v2"), baseUrl and ssoUrl (the vendor's, for the selected mode).
  nlohmann::json ConfigJson() const override;

  Service& service() { return *service_; }

 private:
  std::unique_ptr<Service> service_;
};

}  // namespace mpemu::clevercloud

#endif  // MPEMU_EMULATOR_CLEVERCLOUD_MARKETPLACE_H_
