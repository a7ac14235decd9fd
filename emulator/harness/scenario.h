// Scenario files: YAML data that the runner executes against a vendor.
//
//   id: stackit.token.alg-none            # unique across the suite
//   title: The vendor rejects unsigned redirect tokens
//   marketplace: stackit
//   tags: [adversarial, signature]
//   clause: "security catalogue A-03; RFC 8725 3.1"
//   severity: must                        # must (failure fails the run) | should (a warning)
//   variants:                             # optional: the steps run once per variant,
//     - {name: lower, alg: none}          #   each variant's fields as {{ variant.* }}
//   steps:
//     - subscribe: {as: sub}
//     - ...
#ifndef MPEMU_EMULATOR_HARNESS_SCENARIO_H_
#define MPEMU_EMULATOR_HARNESS_SCENARIO_H_

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/status.h"
#include "emulator/harness/step.h"

namespace mpemu::harness {

struct Scenario {
  std::string id;        // with "[variant]" appended for a variant
  std::string base_id;   // the file's id
  std::string title;
  std::string marketplace;
  std::vector<std::string> tags;
  std::string clause;
  std::string severity = "must";
  std::string description;
  // Runs only when the vendor uses the production hostnames (mpemu run --real-hostnames);
  // skipped otherwise. For checks that need TLS between vendor and marketplace.
  bool real_hostnames = false;
  SourceLocation where;
  nlohmann::json variant;  // the variant's fields, or null
  std::vector<std::shared_ptr<const Step>> steps;
};

// Loads one scenario file (which may expand to several scenarios through variants). Every error
// is InvalidArgument with file:line:col.
StatusOr<std::vector<Scenario>> LoadScenarioFile(const std::string& path);
StatusOr<std::vector<Scenario>> LoadScenarioText(const std::string& text, const std::string& name);

// Loads files and folders (recursively: *.yaml and *.yml, sorted, skipping *.profile.yaml and
// folders named "profiles"). Duplicate ids are an error naming both places. All errors are
// collected, not just the first, and returned joined by newlines.
StatusOr<std::vector<Scenario>> LoadScenarios(const std::vector<std::string>& paths);

// The JSON Schema (draft-07) of scenario files, generated from the step registry.
nlohmann::json ScenarioJsonSchema();

}  // namespace mpemu::harness

#endif  // MPEMU_EMULATOR_HARNESS_SCENARIO_H_
