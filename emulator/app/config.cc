#include "emulator/app/config.h"

#include "emulator/core/yaml_reader.h"

namespace mpemu::app {
namespace {

StatusOr<EmulatorConfig> FromYaml(const YAML::Node& root, const std::string& name) {
  EmulatorConfig c = DefaultConfig();
  c.source = name;
  MPEMU_ASSIGN_OR_RETURN(YamlMap top, YamlMap::From(root, name, ""));
  MPEMU_RETURN_IF_ERROR(
      top.CheckKeys({"server", "state", "journalCapacity", "stackit", "clevercloud", "pandium"}));
  MPEMU_ASSIGN_OR_RETURN(YamlMap server, top.Map("server"));
  MPEMU_RETURN_IF_ERROR(server.CheckKeys({"host", "port", "maxBodyBytes", "threads"}));
  MPEMU_RETURN_IF_ERROR(server.String("host", &c.server.host));
  int64_t v = c.server.port;
  MPEMU_RETURN_IF_ERROR(server.Int("port", &v));
  if (v < 0 || v > 65535) return server.Error("port", "expected 0..65535");
  c.server.port = static_cast<int>(v);
  v = static_cast<int64_t>(c.server.max_body_bytes);
  MPEMU_RETURN_IF_ERROR(server.Int("maxBodyBytes", &v));
  if (v < 1024) return server.Error("maxBodyBytes", "expected at least 1024");
  c.server.max_body_bytes = static_cast<size_t>(v);
  v = static_cast<int64_t>(c.server.threads);
  MPEMU_RETURN_IF_ERROR(server.Int("threads", &v));
  if (v < 2 || v > 1024) return server.Error("threads", "expected 2..1024");
  c.server.threads = static_cast<size_t>(v);
  MPEMU_RETURN_IF_ERROR(top.String("state", &c.state_file));
  v = static_cast<int64_t>(c.journal_capacity);
  MPEMU_RETURN_IF_ERROR(top.Int("journalCapacity", &v));
  if (v < 10) return top.Error("journalCapacity", "expected at least 10");
  c.journal_capacity = static_cast<size_t>(v);
  MPEMU_ASSIGN_OR_RETURN(YamlMap stackit_section, top.Map("stackit"));
  MPEMU_ASSIGN_OR_RETURN(c.stackit, stackit::ParseConfig(stackit_section));
  MPEMU_ASSIGN_OR_RETURN(YamlMap clevercloud_section, top.Map("clevercloud"));
  MPEMU_ASSIGN_OR_RETURN(c.clevercloud, clevercloud::ParseConfig(clevercloud_section));
  MPEMU_ASSIGN_OR_RETURN(YamlMap pandium_section, top.Map("pandium"));
  MPEMU_ASSIGN_OR_RETURN(c.pandium, pandium::ParseConfig(pandium_section));
  return c;
}

}  // namespace

EmulatorConfig DefaultConfig() {
  EmulatorConfig c;
  c.server.port = kDefaultPort;
  return c;
}

StatusOr<EmulatorConfig> LoadConfigFile(const std::string& path) {
  MPEMU_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlFile(path));
  return FromYaml(root, path);
}

StatusOr<EmulatorConfig> ParseConfigText(const std::string& text, const std::string& name) {
  MPEMU_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlString(text, name));
  return FromYaml(root, name);
}

}  // namespace mpemu::app
