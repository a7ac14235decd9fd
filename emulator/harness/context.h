// What a running scenario's steps share: the emulator, the vendor, the customer's browser, the
// captured variables, and the evidence of a failure.
#ifndef MPEMU_EMULATOR_HARNESS_CONTEXT_H_
#define MPEMU_EMULATOR_HARNESS_CONTEXT_H_

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/app/emulator.h"
#include "emulator/harness/browser.h"
#include "emulator/harness/profile.h"
#include "emulator/harness/step.h"
#include "emulator/harness/template.h"
#include "emulator/harness/token_mutations.h"

namespace mpemu::harness {

// Why an expectation did not hold, with the calls that prove it.
struct Failure {
  std::string step;          // Describe() of the step
  SourceLocation where;
  std::string expected;
  std::string seen;
  std::vector<nlohmann::json> evidence;  // journal entries (journal::Journal::ToJson)
  nlohmann::json ToJson() const;
};

// Shared for the whole run.
struct RunEnv {
  app::Emulator* emulator = nullptr;
  const VendorProfile* profile = nullptr;
  std::string vendor_url;
  std::optional<crypto::RsaKey> attacker_key;  // set before the run starts
  std::string attacker_kid = "attacker-k1";
  std::string attacker_url;   // base of the attacker host (served by the emulator, journaled)
  nlohmann::json base_vars;   // emulator, stackit, vendor, files, paths
  // Real-hostnames runs: emulated production hosts -> the emulator's origin. The harness's
  // browser sends requests for those hosts there (Host header kept), as a browser set up with
  // the proxy would.
  std::map<std::string, std::string> host_routes;
};

class RunContext {
 public:
  RunContext(const RunEnv& env, const nlohmann::json& variant);

  const RunEnv& env() const { return env_; }
  app::Emulator& emulator() const { return *env_.emulator; }
  const VendorProfile& profile() const { return *env_.profile; }
  Vars& vars() { return vars_; }
  Browser& browser() { return browser_; }
  // A separate browser (its own cookies) per named session; "" is the default one. Scenarios that
  // act as two users at once use two sessions.
  Browser& browser(const std::string& session) {
    if (session.empty() || session == "default") return browser_;
    auto [it, inserted] = sessions_.try_emplace(session);
    if (inserted) it->second.RouteHosts(env_.host_routes);
    return it->second;
  }
  int64_t start_seq() const { return start_seq_; }

  // The step's field, templates expanded; `fallback` when absent.
  StatusOr<nlohmann::json> Param(const Step& step, const std::string& name,
                                 const nlohmann::json& fallback = nullptr);
  StatusOr<std::string> StringParam(const Step& step, const std::string& name, const std::string& fallback = "");
  // A duration field in milliseconds.
  StatusOr<int64_t> DurationParam(const Step& step, const std::string& name, int64_t fallback_ms);

  // Records a failed expectation and returns the status the step returns.
  Status Fail(const Step& step, std::string expected, std::string seen,
              std::vector<nlohmann::json> evidence = {});
  const std::optional<Failure>& failure() const { return failure_; }

  // Journal entries of the vendor's calls (not the harness's control calls) since the scenario
  // started, optionally only those a predicate selects.
  std::vector<nlohmann::json> VendorCalls(const std::function<bool(const journal::Entry&)>& select = nullptr,
                                          size_t limit = 20) const;

  // Keys and clock for minting redirect tokens.
  StatusOr<TokenKeys> Keys() const;

  void Log(std::string line) { log_.push_back(std::move(line)); }

  // Stores `value` under `as`, adding the journal position ("journalSeq", for `after:`) and, for
  // pages, the cookies the browser now holds for the page's host ("cookies").
  void Capture(const std::string& as, nlohmann::json value);

  // Set when the scenario rotated keys or broke keys.json: the runner then leaves the vendor its
  // documented re-fetch cooldown before the next scenario.
  void set_keys_disturbed() { keys_disturbed_ = true; }
  bool keys_disturbed() const { return keys_disturbed_; }
  const std::vector<std::string>& log() const { return log_; }

  // Repeats `check` every few milliseconds until it returns true or `within_ms` passed; returns
  // whether it held. `check` errors end the wait.
  StatusOr<bool> Eventually(int64_t within_ms, const std::function<StatusOr<bool>()>& check);

 private:
  const RunEnv& env_;
  Vars vars_;
  Browser browser_;
  std::map<std::string, Browser> sessions_;
  int64_t start_seq_;
  std::optional<Failure> failure_;
  std::vector<std::string> log_;
  bool keys_disturbed_ = false;
};

}  // namespace mpemu::harness

#endif  // MPEMU_EMULATOR_HARNESS_CONTEXT_H_
