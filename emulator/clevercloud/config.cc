#include "emulator/clevercloud/config.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "emulator/clevercloud/manifest.h"
#include "emulator/core/duration.h"

namespace mpemu::clevercloud {
namespace {

// YAML scalars become JSON the way a YAML 1.2 core-schema reader would type them; quoted scalars
// always stay strings, so `password: "12345"` is the string a JSON manifest would hold.
nlohmann::json YamlToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& kv : node) out[kv.first.Scalar()] = YamlToJson(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(YamlToJson(item));
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (node.Tag() == "!") return s;
      if (s == "true" || s == "false") return s == "true";
      if (s == "null" || s == "~") return nullptr;
      nlohmann::json number = nlohmann::json::parse(s, nullptr, false);
      if (!number.is_discarded() && number.is_number()) return number;
      return s;
    }
    default:
      return nullptr;
  }
}

StatusOr<nlohmann::json> LoadManifest(const YamlMap& m) {
  const YAML::Node node = m.Get("manifest");
  if (node.IsMap()) return YamlToJson(node);
  if (!node.IsScalar() || node.Scalar().empty()) {
    return m.Error("manifest", "expected the path of a JSON manifest file or an inline mapping");
  }
  std::filesystem::path path(node.Scalar());
  if (path.is_relative()) path = std::filesystem::path(m.file()).parent_path() / path;
  std::ifstream in(path, std::ios::binary);
  if (!in) return m.Error("manifest", path.string() + ": cannot open file");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    return m.Error("manifest", path.string() + ": invalid JSON at byte " + std::to_string(e.byte) +
                                   ": " + e.what());
  }
}

}  // namespace

nlohmann::json DefaultManifest() {
  const std::string base = "http://127.0.0.1:8080/clevercloud";
  const nlohmann::json urls = {{"base_url", base + "/resources"}, {"sso_url", base + "/sso"}};
  return {
      {"id", "mpemu-addon"},
      {"name", "mpemu Test Add-on"},
      {"api",
       {{"config_vars", {"MPEMU_ADDON_URL", "MPEMU_ADDON_TOKEN"}},
        {"regions", {"eu"}},
        // Fixed test values (not secrets): a vendor configured from these files must accept them.
        {"password", "mpK7q2VxP9dLr4TzW8nB3cJ6hY1sF5gA0eU2iO7Q"},
        {"sso_salt", "Zr8Nw3Lq6Tb1Xv9Md4Kp7Hs2Jf5Gc0Ye3Ua8Ri6E"},
        {"production", urls},
        {"test", urls}}}};
}

Config DefaultConfig() {
  Config c;
  c.manifest = DefaultManifest();
  return c;
}

StatusOr<Config> ParseConfig(const YamlMap& m) {
  Config c = DefaultConfig();
  MPEMU_RETURN_IF_ERROR(
      m.CheckKeys({"manifest", "plans", "region", "ownerId", "ownerName", "ownerEmail", "userId",
                   "userEmail", "production", "legacyFields", "planChangeMethod", "planChangePath",
                   "timeout", "ssoTimestampUnit"}));
  if (m.Has("manifest")) {
    MPEMU_ASSIGN_OR_RETURN(c.manifest, LoadManifest(m));
    StatusOr<Manifest> parsed = ParseManifest(c.manifest);
    if (!parsed.ok()) return m.Error("manifest", parsed.status().message());
  }
  if (m.Has("plans")) {
    c.plans.clear();
    MPEMU_ASSIGN_OR_RETURN(auto list, m.MapList("plans"));
    std::set<std::string> slugs;
    for (const YamlMap& pm : list) {
      Plan p;
      MPEMU_RETURN_IF_ERROR(pm.CheckKeys({"slug", "name"}));
      MPEMU_RETURN_IF_ERROR(pm.String("slug", &p.slug, true));
      if (p.slug.empty()) return pm.Error("slug", "must not be empty");
      p.name = p.slug;
      MPEMU_RETURN_IF_ERROR(pm.String("name", &p.name));
      if (!slugs.insert(p.slug).second)
        return pm.Error("slug", "\"" + p.slug + "\" is listed twice");
      c.plans.push_back(p);
    }
    if (c.plans.empty()) return m.Error("plans", "needs at least one plan");
  }
  for (const auto& [key, field] : {std::pair<const char*, std::string*>{"region", &c.region},
                                   {"ownerId", &c.owner_id},
                                   {"ownerName", &c.owner_name},
                                   {"ownerEmail", &c.owner_email},
                                   {"userId", &c.user_id},
                                   {"userEmail", &c.user_email}}) {
    MPEMU_RETURN_IF_ERROR(m.String(key, field));
  }
  MPEMU_RETURN_IF_ERROR(m.Bool("production", &c.production));
  MPEMU_RETURN_IF_ERROR(m.Bool("legacyFields", &c.legacy_fields));
  MPEMU_RETURN_IF_ERROR(m.String("planChangeMethod", &c.plan_change_method));
  static const std::set<std::string> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  if (kMethods.count(c.plan_change_method) == 0) {
    return m.Error("planChangeMethod", "expected GET, POST, PUT, PATCH or DELETE (upper case)");
  }
  MPEMU_RETURN_IF_ERROR(m.String("planChangePath", &c.plan_change_path));
  if (c.plan_change_path.empty() || c.plan_change_path[0] != '/') {
    return m.Error("planChangePath",
                   "must start with '/' (it is appended to the manifest's base_url), e.g. /{id}");
  }
  MPEMU_RETURN_IF_ERROR(m.Duration("timeout", &c.timeout_ms));
  if (c.timeout_ms <= 0) return m.Error("timeout", "must be positive");
  MPEMU_RETURN_IF_ERROR(m.String("ssoTimestampUnit", &c.sso_timestamp_unit));
  if (c.sso_timestamp_unit != "ms" && c.sso_timestamp_unit != "s") {
    return m.Error("ssoTimestampUnit", "expected ms (documented) or s");
  }
  Status valid = Validate(c);
  if (!valid.ok()) return InvalidArgumentError(m.Where() + ": clevercloud: " + valid.message());
  return c;
}

Status Validate(const Config& c) {
  MPEMU_ASSIGN_OR_RETURN(Manifest manifest, ParseManifest(c.manifest));
  if (c.production && manifest.production_base_url.empty()) {
    return InvalidArgumentError("production is on but the manifest has no api.production.base_url");
  }
  if (!c.production && manifest.test_base_url.empty()) {
    return InvalidArgumentError(
        "the manifest has no api.test.base_url (set production: true to use "
        "api.production.base_url)");
  }
  if (c.plans.empty()) return InvalidArgumentError("plans: needs at least one plan");
  std::set<std::string> slugs;
  for (const Plan& p : c.plans) {
    if (p.slug.empty()) return InvalidArgumentError("plans: a plan has an empty slug");
    if (!slugs.insert(p.slug).second)
      return InvalidArgumentError("plans: \"" + p.slug + "\" is listed twice");
  }
  static const std::set<std::string> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  if (kMethods.count(c.plan_change_method) == 0) {
    return InvalidArgumentError("planChangeMethod: expected GET, POST, PUT, PATCH or DELETE");
  }
  if (c.plan_change_path.empty() || c.plan_change_path[0] != '/') {
    return InvalidArgumentError("planChangePath: must start with '/'");
  }
  if (c.timeout_ms <= 0) return InvalidArgumentError("timeout: must be positive");
  if (c.sso_timestamp_unit != "ms" && c.sso_timestamp_unit != "s") {
    return InvalidArgumentError("ssoTimestampUnit: expected ms or s");
  }
  return Status::Ok();
}

nlohmann::json ToJson(const Config& c) {
  nlohmann::json plans = nlohmann::json::array();
  for (const Plan& p : c.plans) plans.push_back({{"slug", p.slug}, {"name", p.name}});
  return {{"manifest", c.manifest},
          {"plans", plans},
          {"region", c.region},
          {"ownerId", c.owner_id},
          {"ownerName", c.owner_name},
          {"ownerEmail", c.owner_email},
          {"userId", c.user_id},
          {"userEmail", c.user_email},
          {"production", c.production},
          {"legacyFields", c.legacy_fields},
          {"planChangeMethod", c.plan_change_method},
          {"planChangePath", c.plan_change_path},
          {"timeout", FormatDurationMillis(c.timeout_ms)},
          {"timeoutMs", c.timeout_ms},
          {"ssoTimestampUnit", c.sso_timestamp_unit}};
}

}  // namespace mpemu::clevercloud
