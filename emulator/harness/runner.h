// `mpemu run`: loads a vendor profile and scenarios, starts the emulator in-process on a free
// port and the vendor (when the profile says how), runs the scenarios and reports.
#ifndef MPEMU_EMULATOR_HARNESS_RUNNER_H_
#define MPEMU_EMULATOR_HARNESS_RUNNER_H_

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/harness/context.h"
#include "emulator/harness/scenario.h"

namespace mpemu::harness {

struct RunOptions {
  std::string profile_path;
  std::vector<std::string> scenario_paths;
  std::vector<std::string> tags;          // run scenarios having any of these (all when empty)
  std::vector<std::string> exclude_tags;  // skip scenarios having any of these
  std::vector<std::string> names;         // run scenarios whose id contains any of these
  bool list = false;                      // print what would run, run nothing
  bool strict = false;                    // "should" scenarios fail the run too
  bool verbose = false;                   // print each step
  bool fail_fast = false;
  std::string junit_path;
  std::string json_path;
  std::string emulator_config;            // an emulator configuration file (optional)
  bool real_hostnames = false;            // as the profile's realHostnames: true
  std::string work_dir;                   // logs and files for the vendor; default: a temp folder
  std::string vendor_url;                 // overrides the profile's url (a vendor already running)
};

enum class Outcome { kPassed, kFailed, kWarning, kError, kSkipped };
const char* OutcomeName(Outcome outcome);

struct ScenarioResult {
  const Scenario* scenario = nullptr;
  Outcome outcome = Outcome::kPassed;
  double millis = 0;
  std::optional<Failure> failure;
  std::string error;              // for kError and kSkipped
  std::vector<std::string> log;
};

struct RunReport {
  std::string profile;
  std::string vendor_url;
  std::string emulator_url;
  std::string vendor_log;
  double millis = 0;
  std::vector<ScenarioResult> results;
  int Count(Outcome o) const;
};

// Exit codes: 0 all passed (warnings allowed unless strict), 1 a scenario failed, 2 the run
// could not be done (bad profile or scenario, vendor never ready).
int RunConformance(const RunOptions& options, std::ostream& out, std::ostream& err);

// Scenarios selected by the options' filters, in order.
std::vector<const Scenario*> SelectScenarios(const std::vector<Scenario>& all, const RunOptions& options,
                                             const std::vector<std::string>& marketplaces);

}  // namespace mpemu::harness

#endif  // MPEMU_EMULATOR_HARNESS_RUNNER_H_
