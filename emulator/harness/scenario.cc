#include "emulator/harness/scenario.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include <yaml-cpp/yaml.h>

#include "emulator/core/duration.h"
#include "emulator/core/yaml_reader.h"
#include "emulator/harness/template.h"

namespace mpemu::harness {
namespace {

namespace fs = std::filesystem;

std::string Where(const std::string& file, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return file;
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

Status ErrorAt(const std::string& file, const YAML::Node& node, const std::string& message) {
  return InvalidArgumentError(Where(file, node) + ": " + message);
}

SourceLocation LocationOf(const std::string& file, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return {file, mark.line + 1, mark.column + 1};
}

// YAML to JSON, guessing scalar types the way YAML 1.2's core schema does.
nlohmann::json ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& e : node) out.push_back(ToJson(e));
      return out;
    }
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = ToJson(kv.second);
      return out;
    }
    case YAML::NodeType::Scalar:
      break;
  }
  const std::string text = node.Scalar();
  if (node.Tag() == "!") return text;  // quoted: always a string
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kFloat("[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
  if (text == "true" || text == "True") return true;
  if (text == "false" || text == "False") return false;
  if (text == "null" || text == "~") return nullptr;
  if (std::regex_match(text, kInt) && text.size() < 19) return std::stoll(text);
  if (std::regex_match(text, kFloat)) return std::stod(text);
  return text;
}

const char* TypeName(FieldType t) {
  switch (t) {
    case FieldType::kString: return "a string";
    case FieldType::kInt: return "an integer";
    case FieldType::kBool: return "true or false";
    case FieldType::kDuration: return "a duration such as 250ms, 5s or 61m";
    case FieldType::kStatus: return "an HTTP status such as 200 or \"4xx\", or a list of them";
    case FieldType::kObject: return "a mapping";
    case FieldType::kList: return "a list";
    case FieldType::kAny: return "any value";
    case FieldType::kSteps: return "a list of steps";
  }
  return "a value";
}

bool IsTemplateString(const nlohmann::json& v) {
  return v.is_string() && HasTemplate(v.get_ref<const std::string&>());
}

bool StatusPatternOk(const nlohmann::json& v) {
  if (v.is_number_integer()) return v.get<int64_t>() >= 100 && v.get<int64_t>() <= 599;
  if (v.is_string()) {
    static const std::regex kPattern("[1-5]([0-9]{2}|xx)");
    return std::regex_match(v.get<std::string>(), kPattern);
  }
  return false;
}

// Checks one field value against its spec. Templates are accepted for every type and resolved at
// run time; their syntax is checked here.
Status CheckField(const FieldSpec& spec, const nlohmann::json& value, const std::string& where) {
  auto bad = [&](const std::string& why) {
    return InvalidArgumentError(where + ": field \"" + spec.name + "\" " + why);
  };
  std::vector<std::string> names;
  Status syntax = Status::Ok();
  std::function<void(const nlohmann::json&)> scan = [&](const nlohmann::json& v) {
    if (!syntax.ok()) return;
    if (v.is_string()) {
      syntax = CheckTemplates(v.get_ref<const std::string&>(), &names);
    } else if (v.is_structured()) {
      for (const auto& e : v) scan(e);
    }
  };
  scan(value);
  if (!syntax.ok()) return bad(syntax.message());
  if (IsTemplateString(value)) return Status::Ok();
  bool ok = true;
  switch (spec.type) {
    case FieldType::kString: ok = value.is_string() || value.is_number(); break;
    case FieldType::kInt: ok = value.is_number_integer(); break;
    case FieldType::kBool: ok = value.is_boolean(); break;
    case FieldType::kDuration:
      ok = value.is_number() || (value.is_string() && ParseDurationMillis(value.get<std::string>()).ok());
      break;
    case FieldType::kStatus:
      if (value.is_array()) {
        ok = !value.empty();
        for (const auto& e : value) ok = ok && StatusPatternOk(e);
      } else {
        ok = StatusPatternOk(value);
      }
      break;
    case FieldType::kObject: ok = value.is_object(); break;
    case FieldType::kList: ok = value.is_array(); break;
    case FieldType::kAny: break;
    case FieldType::kSteps: ok = value.is_array() && !value.empty(); break;
  }
  if (!ok) return bad("must be " + std::string(TypeName(spec.type)) + ", got " + value.dump());
  if (!spec.choices.empty() && value.is_string()) {
    const std::string s = value.get<std::string>();
    if (std::find(spec.choices.begin(), spec.choices.end(), s) == spec.choices.end()) {
      std::string list;
      for (const auto& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
      return bad("must be one of " + list + ", got \"" + s + "\"");
    }
  }
  return Status::Ok();
}

std::string KnownSteps() {
  std::string list;
  for (const auto& s : StepRegistry()) list += (list.empty() ? "" : ", ") + s.name;
  return list;
}

// Suggests the closest known name for a typo (edit distance <= 2).
std::string DidYouMean(const std::string& name, const std::vector<std::string>& known) {
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      }
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::string best;
  size_t best_d = 3;
  for (const auto& k : known) {
    size_t d = distance(name, k);
    if (d < best_d) {
      best_d = d;
      best = k;
    }
  }
  return best.empty() ? "" : " (did you mean \"" + best + "\"?)";
}

StatusOr<std::shared_ptr<const Step>> ParseStep(const std::string& file, const YAML::Node& node, int depth = 0) {
  if (depth > 4) return ErrorAt(file, node, "steps nested more than 4 deep");
  std::string name;
  YAML::Node body;
  if (node.IsScalar()) {
    name = node.Scalar();
  } else if (node.IsMap() && node.size() == 1) {
    name = node.begin()->first.as<std::string>();
    body = node.begin()->second;
  } else {
    return ErrorAt(file, node,
                   "a step is a mapping with exactly one key, the step type (for example "
                   "\"- subscribe: {as: sub}\")");
  }
  const StepSpec* spec = FindStep(name);
  if (spec == nullptr) {
    std::vector<std::string> known;
    for (const auto& s : StepRegistry()) known.push_back(s.name);
    return ErrorAt(file, node, "unknown step \"" + name + "\"" + DidYouMean(name, known) +
                                   "; known steps: " + KnownSteps());
  }
  StepArgs args;
  args.step = name;
  args.where = LocationOf(file, node);
  args.params = nlohmann::json::object();
  args.locations = nlohmann::json::object();
  if (body && body.IsScalar()) {
    if (spec->shorthand.empty()) {
      return ErrorAt(file, body, "step \"" + name + "\" takes a mapping of fields, not a single value");
    }
    args.params[spec->shorthand] = ToJson(body);
    args.locations[spec->shorthand] = Where(file, body);
  } else if (body && body.IsMap()) {
    for (const auto& kv : body) {
      args.params[kv.first.as<std::string>()] = ToJson(kv.second);
      args.locations[kv.first.as<std::string>()] = Where(file, kv.first);
    }
  } else if (body && !body.IsNull()) {
    return ErrorAt(file, body, "step \"" + name + "\" takes a mapping of fields");
  }
  std::vector<std::string> known_fields;
  for (const auto& f : spec->fields) known_fields.push_back(f.name);
  for (const auto& [key, value] : args.params.items()) {
    auto f = std::find_if(spec->fields.begin(), spec->fields.end(),
                          [&](const FieldSpec& fs) { return fs.name == key; });
    const std::string where = args.locations[key].get<std::string>();
    if (f == spec->fields.end()) {
      std::string list;
      for (const auto& k : known_fields) list += (list.empty() ? "" : ", ") + k;
      return InvalidArgumentError(where + ": step \"" + name + "\" has no field \"" + key + "\"" +
                                  DidYouMean(key, known_fields) + "; its fields: " + list);
    }
    MPEMU_RETURN_IF_ERROR(CheckField(*f, value, where));
  }
  for (const auto& f : spec->fields) {
    if (f.type == FieldType::kSteps && body && body.IsMap() && body[f.name]) {
      for (const auto& child : body[f.name]) {
        MPEMU_ASSIGN_OR_RETURN(auto step, ParseStep(file, child, depth + 1));
        args.children.push_back(std::move(step));
      }
    }
    if (f.required && !args.params.contains(f.name)) {
      return InvalidArgumentError(args.where.ToString() + ": step \"" + name + "\" needs field \"" +
                                  f.name + "\" (" + f.help + ")");
    }
  }
  auto step = spec->make(std::move(args));
  if (!step.ok()) return step.status();
  return std::shared_ptr<const Step>(std::move(step).value());
}

Status CheckId(const std::string& file, const YAML::Node& node, const std::string& id, const char* what) {
  static const std::regex kId("[a-z0-9][a-z0-9._-]*");
  if (!std::regex_match(id, kId)) {
    return ErrorAt(file, node, std::string(what) + " \"" + id +
                                   "\" must be lower case letters, digits, '.', '_' or '-'");
  }
  return Status::Ok();
}

StatusOr<std::vector<Scenario>> Parse(const YAML::Node& root, const std::string& file) {
  MPEMU_ASSIGN_OR_RETURN(YamlMap map, YamlMap::From(root, file, ""));
  MPEMU_RETURN_IF_ERROR(map.CheckKeys(
      {"id", "title", "marketplace", "tags", "clause", "severity", "description", "realHostnames", "variants",
       "steps"}));
  Scenario base;
  base.where = {file, 1, 1};
  MPEMU_RETURN_IF_ERROR(map.String("id", &base.id, true));
  MPEMU_RETURN_IF_ERROR(CheckId(file, map.Get("id"), base.id, "id"));
  base.base_id = base.id;
  MPEMU_RETURN_IF_ERROR(map.String("title", &base.title, true));
  MPEMU_RETURN_IF_ERROR(map.String("marketplace", &base.marketplace, true));
  static const std::set<std::string> kMarketplaces = {"stackit", "clevercloud", "pandium"};
  if (!kMarketplaces.count(base.marketplace)) {
    return map.Error("marketplace", "must be stackit, clevercloud or pandium, got \"" + base.marketplace + "\"");
  }
  MPEMU_RETURN_IF_ERROR(map.StringList("tags", &base.tags));
  MPEMU_RETURN_IF_ERROR(map.String("clause", &base.clause, true));
  MPEMU_RETURN_IF_ERROR(map.String("severity", &base.severity));
  if (base.severity != "must" && base.severity != "should") {
    return map.Error("severity", "must be \"must\" or \"should\", got \"" + base.severity + "\"");
  }
  MPEMU_RETURN_IF_ERROR(map.String("description", &base.description));
  MPEMU_RETURN_IF_ERROR(map.Bool("realHostnames", &base.real_hostnames));

  YAML::Node steps = map.Get("steps");
  if (!steps || !steps.IsSequence() || steps.size() == 0) {
    return ErrorAt(file, steps ? steps : root, "\"steps\" must be a non-empty list of steps");
  }
  for (const auto& node : steps) {
    MPEMU_ASSIGN_OR_RETURN(auto step, ParseStep(file, node));
    base.steps.push_back(std::move(step));
  }

  YAML::Node variants = map.Get("variants");
  if (!variants) return std::vector<Scenario>{std::move(base)};
  if (!variants.IsSequence() || variants.size() == 0) {
    return ErrorAt(file, variants, "\"variants\" must be a non-empty list of mappings, each with a name");
  }
  std::vector<Scenario> out;
  std::set<std::string> names;
  for (const auto& v : variants) {
    if (!v.IsMap() || !v["name"] || !v["name"].IsScalar()) {
      return ErrorAt(file, v, "each variant must be a mapping with a \"name\"");
    }
    const std::string name = v["name"].Scalar();
    MPEMU_RETURN_IF_ERROR(CheckId(file, v["name"], name, "variant name"));
    if (!names.insert(name).second) return ErrorAt(file, v, "duplicate variant name \"" + name + "\"");
    Scenario s = base;
    s.id = base.id + "[" + name + "]";
    s.variant = ToJson(v);
    s.where = LocationOf(file, v);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

std::string SourceLocation::ToString() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string Step::Describe() const {
  std::string text = args_.step;
  if (!args_.params.empty()) {
    std::string fields;
    for (const auto& [k, v] : args_.params.items()) {
      std::string value = v.is_string() ? v.get<std::string>() : v.dump();
      if (value.size() > 60) value = value.substr(0, 57) + "...";
      fields += (fields.empty() ? "" : ", ") + k + ": " + value;
    }
    text += " {" + fields + "}";
  }
  return text;
}

const StepSpec* FindStep(const std::string& name) {
  for (const auto& s : StepRegistry()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

StatusOr<std::vector<Scenario>> LoadScenarioText(const std::string& text, const std::string& name) {
  MPEMU_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlString(text, name));
  return Parse(root, name);
}

StatusOr<std::vector<Scenario>> LoadScenarioFile(const std::string& path) {
  MPEMU_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlFile(path));
  return Parse(root, path);
}

StatusOr<std::vector<Scenario>> LoadScenarios(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  std::string errors;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        if (it->is_directory() && it->path().filename() == "profiles") {
          it.disable_recursion_pending();
          continue;
        }
        const std::string f = it->path().string();
        const std::string ext = it->path().extension().string();
        if (!it->is_regular_file() || (ext != ".yaml" && ext != ".yml")) continue;
        if (f.size() > 13 && f.substr(f.size() - 13) == ".profile.yaml") continue;
        found.push_back(f);
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      errors += (errors.empty() ? "" : "\n") + p + ": no such file or folder";
    }
  }
  std::vector<Scenario> all;
  std::map<std::string, std::string> seen;
  for (const auto& f : files) {
    auto loaded = LoadScenarioFile(f);
    if (!loaded.ok()) {
      errors += (errors.empty() ? "" : "\n") + loaded.status().message();
      continue;
    }
    for (auto& s : *loaded) {
      auto [it, inserted] = seen.emplace(s.id, s.where.ToString());
      if (!inserted) {
        errors += (errors.empty() ? "" : "\n") + s.where.ToString() + ": duplicate scenario id \"" +
                  s.id + "\" (first defined at " + it->second + ")";
        continue;
      }
      all.push_back(std::move(s));
    }
  }
  if (!errors.empty()) return InvalidArgumentError(errors);
  if (all.empty() && files.empty()) return InvalidArgumentError("no scenario files found");
  return all;
}

nlohmann::json ScenarioJsonSchema() {
  auto field_schema = [](const FieldSpec& f) {
    nlohmann::json s;
    const nlohmann::json tmpl = {{"type", "string"}, {"pattern", "\\{\\{.*\\}\\}"}};
    switch (f.type) {
      case FieldType::kString:
        s = {{"type", {"string", "number"}}};
        if (!f.choices.empty()) s = {{"anyOf", {{{"enum", f.choices}}, tmpl}}};
        break;
      case FieldType::kInt: s = {{"anyOf", {{{"type", "integer"}}, tmpl}}}; break;
      case FieldType::kBool: s = {{"anyOf", {{{"type", "boolean"}}, tmpl}}}; break;
      case FieldType::kDuration: s = {{"type", {"string", "number"}}}; break;
      case FieldType::kStatus: {
        nlohmann::json one = {{"anyOf", {{{"type", "integer"}, {"minimum", 100}, {"maximum", 599}},
                                         {{"type", "string"}, {"pattern", "^[1-5]([0-9]{2}|xx)$"}}}}};
        s = {{"anyOf", {one, {{"type", "array"}, {"items", one}, {"minItems", 1}}}}};
        break;
      }
      case FieldType::kObject: s = {{"anyOf", {{{"type", "object"}}, tmpl}}}; break;
      case FieldType::kList: s = {{"anyOf", {{{"type", "array"}}, tmpl}}}; break;
      case FieldType::kAny: s = nlohmann::json::object(); break;
      case FieldType::kSteps: s = {{"type", "array"}, {"items", {{"$ref", "#/properties/steps/items"}}}}; break;
    }
    s["description"] = f.help;
    return s;
  };
  nlohmann::json step_variants = nlohmann::json::array();
  for (const auto& spec : StepRegistry()) {
    nlohmann::json props = nlohmann::json::object();
    nlohmann::json required = nlohmann::json::array();
    for (const auto& f : spec.fields) {
      props[f.name] = field_schema(f);
      if (f.required) required.push_back(f.name);
    }
    nlohmann::json body = {{"type", "object"}, {"properties", props}, {"additionalProperties", false}};
    if (!required.empty()) body["required"] = required;
    nlohmann::json value = body;
    if (!spec.shorthand.empty()) {
      value = {{"anyOf", {body, field_schema(*std::find_if(spec.fields.begin(), spec.fields.end(),
                                                          [&](const FieldSpec& f) { return f.name == spec.shorthand; }))}}};
    } else if (required.empty()) {
      value = {{"anyOf", {body, {{"type", "null"}}}}};
    }
    step_variants.push_back({{"type", "object"},
                             {"description", spec.summary},
                             {"properties", {{spec.name, value}}},
                             {"required", {spec.name}},
                             {"additionalProperties", false}});
    if (required.empty() && spec.shorthand.empty()) {
      step_variants.push_back({{"const", spec.name}, {"description", spec.summary}});
    }
  }
  return {
      {"$schema", "http://json-schema.org/draft-07/schema#"},
      {"$id", "https://mpemu.dev/schema/scenario.json"},
      {"title", "mpemu scenario"},
      {"type", "object"},
      {"required", {"id", "title", "marketplace", "clause", "steps"}},
      {"additionalProperties", false},
      {"properties",
       {{"id", {{"type", "string"}, {"pattern", "^[a-z0-9][a-z0-9._-]*$"}}},
        {"title", {{"type", "string"}}},
        {"marketplace", {{"enum", {"stackit", "clevercloud", "pandium"}}}},
        {"tags", {{"type", "array"}, {"items", {{"type", "string"}}}}},
        {"clause", {{"type", "string"}, {"description", "the documentation clause this scenario enforces"}}},
        {"severity", {{"enum", {"must", "should"}}}},
        {"description", {{"type", "string"}}},
        {"realHostnames",
         {{"type", "boolean"},
          {"description", "run only under mpemu run --real-hostnames (checks that need TLS to the marketplace)"}}},
        {"variants",
         {{"type", "array"},
          {"items", {{"type", "object"}, {"required", {"name"}}, {"properties", {{"name", {{"type", "string"}}}}}}}}},
        {"steps", {{"type", "array"}, {"minItems", 1}, {"items", {{"oneOf", step_variants}}}}}}},
  };
}

}  // namespace mpemu::harness
