// What every emulated marketplace plugs into, and the shared environment it gets.
// Adding a marketplace = one component implementing Marketplace + one line in app/emulator.cc.
#ifndef MPEMU_EMULATOR_CONTROL_MARKETPLACE_H_
#define MPEMU_EMULATOR_CONTROL_MARKETPLACE_H_

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/core/status.h"
#include "emulator/crypto/rsa_key.h"
#include "emulator/http/faults.h"
#include "emulator/http/pipeline.h"
#include "emulator/journal/journal.h"
#include "emulator/store/store.h"

namespace mpemu::control {

// Shared by all marketplaces; owned by the Emulator, valid for its whole life.
struct Environment {
  VirtualClock* clock = nullptr;        // marketplace time (advanced by scenarios)
  const Clock* wall_clock = nullptr;    // the vendor's real time (tokens, timestamps handed out)
  IdGenerator* ids = nullptr;
  crypto::KeySource* keys = nullptr;
  store::Store* store = nullptr;
  journal::Journal* journal = nullptr;
  http::FaultInjector* faults = nullptr;
  std::function<std::string()> base_url;  // "http://127.0.0.1:PORT", known once bound
};

class Marketplace {
 public:
  virtual ~Marketplace() = default;
  virtual std::string name() const = 0;  // "stackit"
  // Adds the emulated API's services and routes, and the marketplace's /_emulator/<name>/ routes.
  virtual void RegisterRoutes(http::Pipeline& pipeline) = 0;
  // Loads or creates persistent state (keys...). May take time; called off the serving path.
  virtual Status Initialize() = 0;
  // Forgets all marketplace state (subscriptions...). Keys survive unless `keys`.
  virtual Status Reset(bool keys) = 0;
  // The effective configuration, with secrets a local user needs (this is a test double).
  virtual nlohmann::json ConfigJson() const = 0;
  // Called after the marketplace clock moved forward, to run what became due.
  virtual void OnClockAdvanced() {}
};

}  // namespace mpemu::control

#endif  // MPEMU_EMULATOR_CONTROL_MARKETPLACE_H_
