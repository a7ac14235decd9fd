// Faults injected into the emulator's next replies: a scenario makes resolve-customer answer 500,
// time out, or return another subscription, and watches what the vendor does.
#ifndef MPEMU_EMULATOR_HTTP_FAULTS_H_
#define MPEMU_EMULATOR_HTTP_FAULTS_H_

#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/status.h"
#include "emulator/http/message.h"

namespace mpemu::http {

struct Fault {
  std::string id;            // assigned when added
  std::string method;        // "" = any
  std::string path_pattern;  // ECMAScript regex matched against the whole path; "" = any
  std::string route;         // route name; "" = any
  int times = 1;             // replies it shapes before it is spent; -1 = until removed
  int64_t delay_ms = 0;      // sleep before replying (a slow or timing-out upstream)
  // Either replace the reply...
  std::optional<int> status;
  std::optional<std::string> body;
  std::string content_type = "application/json";
  // ...or let the real handler run and apply a JSON merge patch (RFC 7386) to its JSON body.
  std::optional<nlohmann::json> merge_patch;

  nlohmann::json ToJson() const;
  // From the control API's JSON. Errors name the field.
  static StatusOr<Fault> FromJson(const nlohmann::json& j);
};

class FaultInjector {
 public:
  // Adds a fault and returns its id ("fault-1", ...).
  std::string Add(Fault fault);
  // Takes (consumes one use of) the first fault matching the request, if any.
  std::optional<Fault> Take(const std::string& method, const std::string& path,
                            const std::string& route);
  std::vector<Fault> List() const;
  bool Remove(const std::string& id);
  void Clear();

 private:
  struct Armed {
    Fault fault;
    std::optional<std::regex> pattern;
  };
  mutable std::mutex mu_;
  std::vector<Armed> faults_;
  int next_id_ = 1;
};

}  // namespace mpemu::http

#endif  // MPEMU_EMULATOR_HTTP_FAULTS_H_
