// Pandium as a control::Marketplace: owns the Service and registers its routes.
#ifndef MPEMU_EMULATOR_PANDIUM_MARKETPLACE_H_
#define MPEMU_EMULATOR_PANDIUM_MARKETPLACE_H_

#include <memory>

#include "emulator/control/marketplace.h"
#include "emulator/pandium/service.h"

namespace mpemu::pandium {

class PandiumMarketplace final : public control::Marketplace {
 public:
  PandiumMarketplace(Config config, control::Environment env)
      : service_(std::make_unique<Service>(std::move(config), env)) {}

  std::string name() const override { return "pandium"; }
  void RegisterRoutes(http::Pipeline& pipeline) override;
  Status Initialize() override { return service_->Initialize(); }
  // Tenants, seen jti values and sessions are forgotten, rotated secrets restored; there are no
  // generated keys.
  Status Reset(bool /*keys*/) override { return service_->Reset(); }
  // ToJson(config) with current secrets, each account with its entryUrl, plus the first account's
  // facts where vendor setups look for them: account, entryUrl, secret, parentDomain.
  nlohmann::json ConfigJson() const override;

  Service& service() { return *service_; }

 private:
  std::unique_ptr<Service> service_;
};

}  // namespace mpemu::pandium

#endif  // MPEMU_EMULATOR_PANDIUM_MARKETPLACE_H_
