// Reading YAML with errors that point at the file: "config.yaml:12:5: stackit.products[0]:
// unknown field \"prodctId\" (known: productId, productName, ...)". yaml-cpp's exceptions stop here.
#ifndef MPEMU_EMULATOR_CORE_YAML_READER_H_
#define MPEMU_EMULATOR_CORE_YAML_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "emulator/core/status.h"

namespace mpemu {

// Loads a YAML file or text. Syntax errors carry file:line:col.
StatusOr<YAML::Node> LoadYamlFile(const std::string& path);
StatusOr<YAML::Node> LoadYamlString(const std::string& text, const std::string& name);

// A mapping node plus where it came from, for typed reads with located errors.
class YamlMap {
 public:
  // Fails (InvalidArgument, located) unless `node` is a mapping (a null node is an empty map).
  static StatusOr<YamlMap> From(const YAML::Node& node, std::string file, std::string path);

  // "file:line:col" of a node (of this map when `node` is null).
  std::string Where(const YAML::Node& node = YAML::Node()) const;
  // An InvalidArgument "file:line:col: path.key: message".
  Status Error(const std::string& key, const std::string& message) const;

  // Every key must be one of `known`.
  Status CheckKeys(const std::vector<std::string>& known) const;
  bool Has(const std::string& key) const;
  YAML::Node Get(const std::string& key) const { return node_[key]; }

  // Each leaves `out` unchanged when the key is absent (unless required: then an error).
  Status String(const std::string& key, std::string* out, bool required = false) const;
  Status Int(const std::string& key, int64_t* out, bool required = false) const;
  Status Bool(const std::string& key, bool* out, bool required = false) const;
  // A duration ("90s", "1h", or a number of seconds) in milliseconds.
  Status Duration(const std::string& key, int64_t* out, bool required = false) const;
  Status StringList(const std::string& key, std::vector<std::string>* out) const;
  // A nested map / each element of a sequence of maps.
  StatusOr<YamlMap> Map(const std::string& key) const;
  StatusOr<std::vector<YamlMap>> MapList(const std::string& key) const;

  const YAML::Node& node() const { return node_; }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  std::vector<std::string> Keys() const;

 private:
  YamlMap(YAML::Node node, std::string file, std::string path)
      : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)) {}
  std::string Child(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  YAML::Node node_;
  std::string file_;
  std::string path_;
};

}  // namespace mpemu

#endif  // MPEMU_EMULATOR_CORE_YAML_READER_H_
