// STACKIT as a control::Marketplace: owns the Service and registers its routes.
#ifndef MPEMU_EMULATOR_STACKIT_MARKETPLACE_H_
#define MPEMU_EMULATOR_STACKIT_MARKETPLACE_H_

#include <memory>

#include "emulator/control/marketplace.h"
#include "emulator/stackit/service.h"

namespace mpemu::stackit {

class StackitMarketplace final : public control::Marketplace {
 public:
  StackitMarketplace(Config config, control::Environment env)
      : service_(std::make_unique<Service>(std::move(config), env)) {}

  std::string name() const override { return "stackit"; }
  void RegisterRoutes(http::Pipeline& pipeline) override;
  Status Initialize() override { return service_->Initialize(); }
  Status Reset(bool keys) override { return service_->Reset(keys); }
  nlohmann::json ConfigJson() const override;
  void OnClockAdvanced() override { (void)service_->ExpireDue(); }

  Service& service() { return *service_; }

 private:
  std::unique_ptr<Service> service_;
};

}  // namespace mpemu::stackit

#endif  // MPEMU_EMULATOR_STACKIT_MARKETPLACE_H_
