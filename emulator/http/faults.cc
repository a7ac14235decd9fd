#include "emulator/http/faults.h"

namespace mpemu::http {

nlohmann::json Fault::ToJson() const {
  nlohmann::json j = {{"id", id}, {"method", method}, {"path", path_pattern}, {"route", route},
                      {"times", times}, {"delayMs", delay_ms}};
  if (status) j["status"] = *status;
  if (body) j["body"] = *body;
  if (status || body) j["contentType"] = content_type;
  if (merge_patch) j["mergePatch"] = *merge_patch;
  return j;
}

StatusOr<Fault> Fault::FromJson(const nlohmann::json& j) {
  if (!j.is_object()) return InvalidArgumentError("a fault must be a JSON object");
  static const char* kKnown[] = {"method", "path", "route", "times", "delayMs", "status",
                                 "body", "json", "contentType", "mergePatch"};
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (const char* k : kKnown) known = known || key == k;
    if (!known) return InvalidArgumentError("fault: unknown field \"" + key + "\"");
  }
  Fault f;
  auto str = [&](const char* key, std::string& out) -> Status {
    if (!j.contains(key)) return Status::Ok();
    if (!j[key].is_string()) return InvalidArgumentError(std::string("fault.") + key + ": expected a string");
    out = j[key].get<std::string>();
    return Status::Ok();
  };
  MPEMU_RETURN_IF_ERROR(str("method", f.method));
  MPEMU_RETURN_IF_ERROR(str("path", f.path_pattern));
  MPEMU_RETURN_IF_ERROR(str("route", f.route));
  MPEMU_RETURN_IF_ERROR(str("contentType", f.content_type));
  if (j.contains("times")) {
    if (!j["times"].is_number_integer() || j["times"].get<int>() == 0 || j["times"].get<int>() < -1) {
      return InvalidArgumentError("fault.times: expected a positive integer or -1 (forever)");
    }
    f.times = j["times"].get<int>();
  }
  if (j.contains("delayMs")) {
    if (!j["delayMs"].is_number_integer() || j["delayMs"].get<int64_t>() < 0 ||
        j["delayMs"].get<int64_t>() > 600000) {
      return InvalidArgumentError("fault.delayMs: expected an integer from 0 to 600000");
    }
    f.delay_ms = j["delayMs"].get<int64_t>();
  }
  if (j.contains("status")) {
    if (!j["status"].is_number_integer() || j["status"].get<int>() < 100 || j["status"].get<int>() > 599) {
      return InvalidArgumentError("fault.status: expected an HTTP status from 100 to 599");
    }
    f.status = j["status"].get<int>();
  }
  if (j.contains("body")) {
    if (!j["body"].is_string()) return InvalidArgumentError("fault.body: expected a string");
    f.body = j["body"].get<std::string>();
  }
  if (j.contains("json")) {  // convenience: a JSON body given as JSON
    if (f.body) return InvalidArgumentError("fault: give either body or json, not both");
    f.body = j["json"].dump();
  }
  if (j.contains("mergePatch")) {
    if (f.status || f.body) return InvalidArgumentError("fault: mergePatch cannot be combined with status/body");
    f.merge_patch = j["mergePatch"];
  }
  if (!f.path_pattern.empty()) {
    try {
      std::regex re(f.path_pattern);
    } catch (const std::regex_error& e) {
      return InvalidArgumentError("fault.path: invalid regular expression: " + std::string(e.what()));
    }
  }
  if (!f.status && !f.body && !f.merge_patch && f.delay_ms == 0) {
    return InvalidArgumentError("fault: nothing to inject (give status, body, json, mergePatch or delayMs)");
  }
  return f;
}

std::string FaultInjector::Add(Fault fault) {
  std::lock_guard<std::mutex> lock(mu_);
  fault.id = "fault-" + std::to_string(next_id_++);
  Armed armed{fault, std::nullopt};
  if (!fault.path_pattern.empty()) armed.pattern.emplace(fault.path_pattern);
  faults_.push_back(std::move(armed));
  return fault.id;
}

std::optional<Fault> FaultInjector::Take(const std::string& method, const std::string& path,
                                         const std::string& route) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    const Fault& f = it->fault;
    if (!f.method.empty() && f.method != method) continue;
    if (!f.route.empty() && f.route != route) continue;
    if (it->pattern && !std::regex_match(path, *it->pattern)) continue;
    Fault taken = f;
    if (it->fault.times > 0 && --it->fault.times == 0) faults_.erase(it);
    return taken;
  }
  return std::nullopt;
}

std::vector<Fault> FaultInjector::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Fault> out;
  for (const auto& a : faults_) out.push_back(a.fault);
  return out;
}

bool FaultInjector::Remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (it->fault.id == id) {
      faults_.erase(it);
      return true;
    }
  }
  return false;
}

void FaultInjector::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.clear();
}

}  // namespace mpemu::http
