#include "emulator/core/yaml_reader.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "emulator/core/duration.h"

namespace mpemu {
namespace {

std::string Location(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return file;
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

}  // namespace

StatusOr<YAML::Node> LoadYamlString(const std::string& text, const std::string& name) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(Location(name, e.mark) + ": invalid YAML: " + e.msg);
  }
}

StatusOr<YAML::Node> LoadYamlFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(path + ": cannot open file");
  std::stringstream ss;
  ss << in.rdbuf();
  return LoadYamlString(ss.str(), path);
}

StatusOr<YamlMap> YamlMap::From(const YAML::Node& node, std::string file, std::string path) {
  if (!node || node.IsNull()) return YamlMap(YAML::Node(YAML::NodeType::Map), std::move(file), std::move(path));
  if (!node.IsMap()) {
    return InvalidArgumentError(Location(file, node.Mark()) + ": " + (path.empty() ? "document" : path) +
                                ": expected a mapping (key: value)");
  }
  return YamlMap(node, std::move(file), std::move(path));
}

std::string YamlMap::Where(const YAML::Node& node) const {
  // A default-constructed YAML::Node is defined but has no mark: it means "this map" too.
  return Location(file_, node && !node.Mark().is_null() ? node.Mark() : node_.Mark());
}

Status YamlMap::Error(const std::string& key, const std::string& message) const {
  const YAML::Node n = key.empty() ? YAML::Node() : node_[key];
  const std::string field = key.empty() ? path_ : Child(key);
  // A top-level map has no path: "file:1:1: message", not "file:1:1: : message".
  return InvalidArgumentError(Where(n) + ": " + (field.empty() ? "" : field + ": ") + message);
}

std::vector<std::string> YamlMap::Keys() const {
  std::vector<std::string> keys;
  for (const auto& kv : node_) keys.push_back(kv.first.Scalar());
  return keys;
}

Status YamlMap::CheckKeys(const std::vector<std::string>& known) const {
  for (const auto& kv : node_) {
    const std::string key = kv.first.Scalar();
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      return InvalidArgumentError(Location(file_, kv.first.Mark()) + ": " +
                                  (path_.empty() ? "" : path_ + ": ") + "unknown field \"" + key +
                                  "\" (known: " + list + ")");
    }
  }
  return Status::Ok();
}

bool YamlMap::Has(const std::string& key) const { return static_cast<bool>(node_[key]); }

Status YamlMap::String(const std::string& key, std::string* out, bool required) const {
  const YAML::Node n = node_[key];
  if (!n) return required ? Error("", "missing required field \"" + key + "\"") : Status::Ok();
  if (!n.IsScalar()) return Error(key, "expected a string");
  *out = n.Scalar();
  return Status::Ok();
}

Status YamlMap::Int(const std::string& key, int64_t* out, bool required) const {
  const YAML::Node n = node_[key];
  if (!n) return required ? Error("", "missing required field \"" + key + "\"") : Status::Ok();
  try {
    if (!n.IsScalar()) throw YAML::Exception(n.Mark(), "not a scalar");
    *out = n.as<int64_t>();
  } catch (const YAML::Exception&) {
    return Error(key, "expected an integer, got \"" + (n.IsScalar() ? n.Scalar() : std::string("...")) + "\"");
  }
  return Status::Ok();
}

Status YamlMap::Bool(const std::string& key, bool* out, bool required) const {
  const YAML::Node n = node_[key];
  if (!n) return required ? Error("", "missing required field \"" + key + "\"") : Status::Ok();
  try {
    if (!n.IsScalar()) throw YAML::Exception(n.Mark(), "not a scalar");
    *out = n.as<bool>();
  } catch (const YAML::Exception&) {
    return Error(key, "expected true or false");
  }
  return Status::Ok();
}

Status YamlMap::Duration(const std::string& key, int64_t* out, bool required) const {
  std::string text;
  MPEMU_RETURN_IF_ERROR(String(key, &text, required));
  if (!Has(key)) return Status::Ok();
  StatusOr<int64_t> ms = ParseDurationMillis(text);
  if (!ms.ok()) return Error(key, ms.status().message());
  *out = *ms;
  return Status::Ok();
}

Status YamlMap::StringList(const std::string& key, std::vector<std::string>* out) const {
  const YAML::Node n = node_[key];
  if (!n) return Status::Ok();
  if (n.IsScalar()) {
    *out = {n.Scalar()};
    return Status::Ok();
  }
  if (!n.IsSequence()) return Error(key, "expected a list of strings");
  out->clear();
  for (const auto& item : n) {
    if (!item.IsScalar()) return Error(key, "expected a list of strings");
    out->push_back(item.Scalar());
  }
  return Status::Ok();
}

StatusOr<YamlMap> YamlMap::Map(const std::string& key) const {
  return From(node_[key], file_, Child(key));
}

StatusOr<std::vector<YamlMap>> YamlMap::MapList(const std::string& key) const {
  std::vector<YamlMap> out;
  const YAML::Node n = node_[key];
  if (!n || n.IsNull()) return out;
  if (!n.IsSequence()) return Error(key, "expected a list");
  for (size_t i = 0; i < n.size(); ++i) {
    MPEMU_ASSIGN_OR_RETURN(YamlMap m, From(n[i], file_, Child(key) + "[" + std::to_string(i) + "]"));
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace mpemu
