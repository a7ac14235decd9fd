#include "emulator/app/config.h"

#include <cctype>

#include "emulator/core/yaml_reader.h"

namespace mpemu::app {
namespace {

StatusOr<EmulatorConfig> FromYaml(const YAML::Node& root, const std::string& name) {
  EmulatorConfig c = DefaultConfig();
  c.source = name;
  MPEMU_ASSIGN_OR_RETURN(YamlMap top, YamlMap::From(root, name, ""));
  MPEMU_RETURN_IF_ERROR(
      top.CheckKeys({"server", "state", "journalCapacity", "journalMaxBytes", "stackit", "clevercloud", "pandium",
                     "tls", "proxy", "hosts"}));
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
  v = static_cast<int64_t>(c.journal_max_bytes);
  MPEMU_RETURN_IF_ERROR(top.Int("journalMaxBytes", &v));
  if (v < 1024 * 1024) return top.Error("journalMaxBytes", "expected at least 1048576 (1 MiB)");
  c.journal_max_bytes = static_cast<size_t>(v);
  MPEMU_ASSIGN_OR_RETURN(YamlMap stackit_section, top.Map("stackit"));
  MPEMU_ASSIGN_OR_RETURN(c.stackit, stackit::ParseConfig(stackit_section));
  MPEMU_ASSIGN_OR_RETURN(YamlMap clevercloud_section, top.Map("clevercloud"));
  MPEMU_ASSIGN_OR_RETURN(c.clevercloud, clevercloud::ParseConfig(clevercloud_section));
  MPEMU_ASSIGN_OR_RETURN(YamlMap pandium_section, top.Map("pandium"));
  MPEMU_ASSIGN_OR_RETURN(c.pandium, pandium::ParseConfig(pandium_section));

  MPEMU_ASSIGN_OR_RETURN(YamlMap tls, top.Map("tls"));
  MPEMU_RETURN_IF_ERROR(tls.CheckKeys({"enabled", "port"}));
  MPEMU_RETURN_IF_ERROR(tls.Bool("enabled", &c.tls));
  v = c.tls_port;
  MPEMU_RETURN_IF_ERROR(tls.Int("port", &v));
  if (v < 0 || v > 65535) return tls.Error("port", "expected 0..65535");
  c.tls_port = static_cast<int>(v);
  MPEMU_ASSIGN_OR_RETURN(YamlMap proxy, top.Map("proxy"));
  MPEMU_RETURN_IF_ERROR(proxy.CheckKeys({"port"}));
  v = c.proxy_port;
  MPEMU_RETURN_IF_ERROR(proxy.Int("port", &v));
  if (v < -1 || v > 65535) return proxy.Error("port", "expected 0..65535 (or -1: no proxy)");
  c.proxy_port = static_cast<int>(v);
  if (top.Has("hosts")) {
    MPEMU_ASSIGN_OR_RETURN(YamlMap hosts, top.Map("hosts"));
    c.hosts.clear();
    for (const std::string& host : hosts.Keys()) {
      std::string kind;
      MPEMU_RETURN_IF_ERROR(hosts.String(host, &kind, true));
      c.hosts[host] = kind;
      Status valid = ValidateHosts({{host, kind}});
      if (!valid.ok()) return hosts.Error(host, valid.message());
    }
  }
  return c;
}

}  // namespace

const std::vector<HostKind>& HostKinds() {
  static const std::vector<HostKind> kinds = {
      {"stackit.keys", "", "STACKIT keys.json (and the JWKS view)"},
      {"stackit.api", "", "STACKIT Marketplace vendor API"},
      {"stackit.token", "", "STACKIT service-account token endpoint"},
      {"clevercloud.api", "", "Clever Cloud add-on infos API"},
      {"pandium", "/pandium", "Pandium In-App Marketplace"},
  };
  return kinds;
}

std::map<std::string, std::string> DefaultHosts() {
  return {
      {"keys.marketplace.stackit.cloud", "stackit.keys"},
      {"stackit-marketplace.api.stackit.cloud", "stackit.api"},
      {"service-account.api.stackit.cloud", "stackit.token"},
      {"api.clever-cloud.com", "clevercloud.api"},
      {"imp.pandium.io", "pandium"},
      {"imp.pandium.com", "pandium"},
      {"imp.sandbox.pandium.com", "pandium"},
      {"imp.demo.pandium.com", "pandium"},
  };
}

std::string PreferredHost(const std::map<std::string, std::string>& hosts, const std::string& kind) {
  static const char* const kPreferred[] = {"keys.marketplace.stackit.cloud", "stackit-marketplace.api.stackit.cloud",
                                           "service-account.api.stackit.cloud", "api.clever-cloud.com",
                                           "imp.pandium.io"};
  for (const char* name : kPreferred) {
    auto it = hosts.find(name);
    if (it != hosts.end() && it->second == kind) return name;
  }
  for (const auto& [name, k] : hosts) {
    if (k == kind) return name;
  }
  return "";
}

Status ValidateHosts(const std::map<std::string, std::string>& hosts) {
  for (const auto& [name, kind] : hosts) {
    bool name_ok = !name.empty() && name.size() <= 253 && name.front() != '.' && name.back() != '.' &&
                   name.find("..") == std::string::npos;
    for (char ch : name) {
      if (!(std::islower(static_cast<unsigned char>(ch)) || std::isdigit(static_cast<unsigned char>(ch)) ||
            ch == '-' || ch == '.')) {
        name_ok = false;
      }
    }
    if (!name_ok) {
      return InvalidArgumentError("host \"" + name + "\" is not a lower-case DNS name");
    }
    std::string known;
    bool found = false;
    for (const HostKind& k : HostKinds()) {
      found = found || k.name == kind;
      known += (known.empty() ? "" : ", ") + k.name;
    }
    if (!found) {
      return InvalidArgumentError("host \"" + name + "\": unknown kind \"" + kind + "\" (one of " + known + ")");
    }
  }
  return Status::Ok();
}

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
