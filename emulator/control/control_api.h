// The control plane's marketplace-independent routes under /_emulator/: health, reset, config,
// the clock, the journal and fault injection. Marketplaces add their own under /_emulator/<name>/.
#ifndef MPEMU_EMULATOR_CONTROL_CONTROL_API_H_
#define MPEMU_EMULATOR_CONTROL_CONTROL_API_H_

#include <functional>

#include <nlohmann/json.hpp>

#include "emulator/control/marketplace.h"
#include "emulator/http/pipeline.h"

namespace mpemu::control {

struct ControlHooks {
  Environment env;
  std::function<nlohmann::json()> health;
  std::function<nlohmann::json()> config;
  std::function<Status(bool keys)> reset;
  // Moves the marketplace clock forward and runs what became due.
  std::function<Status(int64_t millis)> advance_clock;
};

void RegisterControlRoutes(ControlHooks hooks, http::Pipeline& pipeline);

// Journal filter from query parameters (method, path, pathContains, service, route, direction,
// status, after, limit, control). Errors name the parameter.
StatusOr<journal::Filter> JournalFilterFromParams(const http::Params& params);

}  // namespace mpemu::control

#endif  // MPEMU_EMULATOR_CONTROL_CONTROL_API_H_
