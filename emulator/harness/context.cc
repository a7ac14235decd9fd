#include "emulator/harness/context.h"

#include <thread>

#include "emulator/core/duration.h"
#include "emulator/crypto/encoding.h"

namespace mpemu::harness {

nlohmann::json Failure::ToJson() const {
  return {{"step", step}, {"location", where.ToString()}, {"expected", expected}, {"seen", seen},
          {"evidence", evidence}};
}

RunContext::RunContext(const RunEnv& env, const nlohmann::json& variant)
    : env_(env), start_seq_(env.emulator->journal().NextSeq()) {
  for (const auto& [k, v] : env.base_vars.items()) vars_.Set(k, v);
  browser_.RouteHosts(env.host_routes);
  if (!variant.is_null()) vars_.Set("variant", variant);
  const int64_t now = env.emulator->wall_clock().NowSeconds();
  vars_.Set("clock", {{"now", now}, {"in5m", now + 300}});
  const std::string tag = crypto::HexEncode(crypto::RandomBytes(4));
  vars_.Set("customer", {{"email", "customer-" + tag + "@example.test"},
                         {"name", "Customer " + tag},
                         {"password", "pw-" + crypto::RandomSecret(12)},
                         {"company", "Company " + tag}});
}

StatusOr<nlohmann::json> RunContext::Param(const Step& step, const std::string& name,
                                           const nlohmann::json& fallback) {
  auto it = step.params().find(name);
  // Defaults may be templates too ("{{ sub.id }}").
  auto value = vars_.ExpandJson(it == step.params().end() ? fallback : *it);
  if (!value.ok()) {
    std::string where = step.where().ToString();
    auto loc = step.args_locations().find(name);
    if (loc != step.args_locations().end()) where = loc->get<std::string>();
    return InvalidArgumentError(where + ": field \"" + name + "\": " + value.status().message());
  }
  return value;
}

StatusOr<std::string> RunContext::StringParam(const Step& step, const std::string& name,
                                              const std::string& fallback) {
  MPEMU_ASSIGN_OR_RETURN(nlohmann::json v, Param(step, name, fallback));
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  return InvalidArgumentError(step.where().ToString() + ": field \"" + name + "\" must be a string, got " + v.dump());
}

StatusOr<int64_t> RunContext::DurationParam(const Step& step, const std::string& name, int64_t fallback_ms) {
  MPEMU_ASSIGN_OR_RETURN(nlohmann::json v, Param(step, name));
  if (v.is_null()) return fallback_ms;
  if (v.is_number()) return static_cast<int64_t>(v.get<double>() * 1000);
  if (v.is_string()) {
    auto ms = ParseDurationMillis(v.get<std::string>());
    if (!ms.ok()) return ms.status().WithContext(step.where().ToString() + ": field \"" + name + "\"");
    return *ms;
  }
  return InvalidArgumentError(step.where().ToString() + ": field \"" + name + "\" must be a duration");
}

Status RunContext::Fail(const Step& step, std::string expected, std::string seen,
                        std::vector<nlohmann::json> evidence) {
  Failure f;
  f.step = step.Describe();
  f.where = step.where();
  f.expected = std::move(expected);
  f.seen = std::move(seen);
  f.evidence = std::move(evidence);
  const std::string message = step.where().ToString() + ": expected " + f.expected + ", saw " + f.seen;
  failure_ = std::move(f);
  return FailedPreconditionError(message);
}

std::vector<nlohmann::json> RunContext::VendorCalls(const std::function<bool(const journal::Entry&)>& select,
                                                    size_t limit) const {
  journal::Filter filter;
  filter.after_seq = start_seq_ - 1;
  filter.limit = 100000;
  std::vector<nlohmann::json> out;
  for (const auto& e : env_.emulator->journal().Query(filter)) {
    if (select && !select(e)) continue;
    if (out.size() >= limit) break;
    nlohmann::json j = journal::Journal::ToJson(e);
    // Evidence is for reading: keep bodies short.
    for (const char* key : {"body", "replyBody"}) {
      if (j.contains(key) && j[key].is_string() && j[key].get<std::string>().size() > 300) {
        j[key] = j[key].get<std::string>().substr(0, 300) + "...";
      }
    }
    out.push_back(std::move(j));
  }
  return out;
}

void RunContext::Capture(const std::string& as, nlohmann::json value) {
  if (value.is_object()) {
    value["journalSeq"] = env_.emulator->journal().NextSeq() - 1;
    if (value.contains("url") && value["url"].is_string()) value["cookies"] = browser_.Cookies(value["url"]);
  }
  vars_.Set(as, std::move(value));
}

StatusOr<TokenKeys> RunContext::Keys() const {
  auto& service = env_.emulator->stackit().service();
  MPEMU_ASSIGN_OR_RETURN(stackit::SigningKey signing, service.redirect_keys().Signing());
  return TokenKeys{signing.key,
                   signing.kid,
                   signing.key.PublicPem(),
                   service.redirect_keys().KeysJsonBody(),
                   *env_.attacker_key,
                   env_.attacker_kid,
                   env_.emulator->wall_clock().NowSeconds()};
}

StatusOr<bool> RunContext::Eventually(int64_t within_ms, const std::function<StatusOr<bool>()>& check) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(within_ms);
  auto pause = std::chrono::milliseconds(2);
  while (true) {
    MPEMU_ASSIGN_OR_RETURN(bool held, check());
    if (held) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(25));
  }
}

}  // namespace mpemu::harness
