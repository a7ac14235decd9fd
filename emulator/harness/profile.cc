#include "emulator/harness/profile.h"

#include <algorithm>
#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "emulator/core/yaml_reader.h"
#include "emulator/harness/template.h"

namespace mpemu::harness {
namespace {

Status CheckTemplated(const YamlMap& map, const std::string& key, const std::string& value) {
  Status s = CheckTemplates(value, nullptr);
  if (!s.ok()) return map.Error(key, s.message());
  return Status::Ok();
}

StatusOr<std::map<std::string, std::string>> StringMap(const YamlMap& parent, const std::string& key) {
  std::map<std::string, std::string> out;
  if (!parent.Has(key)) return out;
  MPEMU_ASSIGN_OR_RETURN(YamlMap map, parent.Map(key));
  for (const auto& k : map.Keys()) {
    std::string v;
    MPEMU_RETURN_IF_ERROR(map.String(k, &v, true));
    MPEMU_RETURN_IF_ERROR(CheckTemplated(map, k, v));
    out[k] = v;
  }
  return out;
}

StatusOr<VendorProfile> Parse(const YAML::Node& root, const std::string& file) {
  MPEMU_ASSIGN_OR_RETURN(YamlMap map, YamlMap::From(root, file, ""));
  MPEMU_RETURN_IF_ERROR(
      map.CheckKeys({"name", "url", "start", "stackit", "clevercloud", "pandium", "marketplaces", "emulatorConfig",
                     "realHostnames"}));
  VendorProfile p;
  MPEMU_RETURN_IF_ERROR(map.Bool("realHostnames", &p.real_hostnames));
  p.file = file;
  std::error_code ec;
  p.dir = std::filesystem::absolute(std::filesystem::path(file).parent_path(), ec).string();
  MPEMU_RETURN_IF_ERROR(map.String("name", &p.name, true));
  MPEMU_RETURN_IF_ERROR(map.String("url", &p.url, true));
  MPEMU_RETURN_IF_ERROR(CheckTemplated(map, "url", p.url));
  MPEMU_RETURN_IF_ERROR(map.StringList("marketplaces", &p.marketplaces));
  MPEMU_RETURN_IF_ERROR(map.String("emulatorConfig", &p.emulator_config));
  if (!p.emulator_config.empty() && std::filesystem::path(p.emulator_config).is_relative()) {
    p.emulator_config = (std::filesystem::path(p.dir) / p.emulator_config).string();
  }
  for (const auto& m : p.marketplaces) {
    if (m != "stackit" && m != "clevercloud" && m != "pandium") {
      return map.Error("marketplaces", "unknown marketplace \"" + m + "\" (stackit, clevercloud, pandium)");
    }
  }

  if (map.Has("start")) {
    MPEMU_ASSIGN_OR_RETURN(YamlMap start, map.Map("start"));
    MPEMU_RETURN_IF_ERROR(start.CheckKeys({"command", "env", "cwd", "ready", "files"}));
    VendorStart s;
    YAML::Node command = start.Get("command");
    if (command && command.IsScalar()) {
      s.command = {"/bin/sh", "-c", command.Scalar()};
    } else {
      MPEMU_RETURN_IF_ERROR(start.StringList("command", &s.command));
    }
    if (s.command.empty()) return start.Error("command", "is required: the vendor's argv or a shell command");
    for (const auto& a : s.command) MPEMU_RETURN_IF_ERROR(CheckTemplated(start, "command", a));
    MPEMU_ASSIGN_OR_RETURN(s.env, StringMap(start, "env"));
    if (start.Has("files")) {
      MPEMU_ASSIGN_OR_RETURN(YamlMap files, start.Map("files"));
      for (const auto& name : files.Keys()) {
        MPEMU_ASSIGN_OR_RETURN(YamlMap f, files.Map(name));
        MPEMU_RETURN_IF_ERROR(f.CheckKeys({"path", "content"}));
        VendorFile vendor_file;
        MPEMU_RETURN_IF_ERROR(f.String("path", &vendor_file.path, true));
        MPEMU_RETURN_IF_ERROR(f.String("content", &vendor_file.content, true));
        MPEMU_RETURN_IF_ERROR(CheckTemplated(f, "content", vendor_file.content));
        if (vendor_file.path.empty() || vendor_file.path[0] == '/' || vendor_file.path.find("..") != std::string::npos) {
          return f.Error("path", "must be a relative path inside the run's work folder");
        }
        s.files[name] = std::move(vendor_file);
      }
    }
    MPEMU_RETURN_IF_ERROR(start.String("cwd", &s.cwd));
    if (start.Has("ready")) {
      MPEMU_ASSIGN_OR_RETURN(YamlMap ready, start.Map("ready"));
      MPEMU_RETURN_IF_ERROR(ready.CheckKeys({"path", "timeout"}));
      MPEMU_RETURN_IF_ERROR(ready.String("path", &s.ready_path));
      MPEMU_RETURN_IF_ERROR(ready.Duration("timeout", &s.ready_timeout_ms));
    }
    p.start = std::move(s);
  }

  if (map.Has("stackit")) {
    MPEMU_ASSIGN_OR_RETURN(YamlMap st, map.Map("stackit"));
    MPEMU_RETURN_IF_ERROR(st.CheckKeys({"signupPath", "tokenParam", "signup", "observe", "keysRefetchCooldown", "projectId"}));
    StackitProfile s;
    MPEMU_RETURN_IF_ERROR(st.Duration("keysRefetchCooldown", &s.keys_refetch_cooldown_ms));
    MPEMU_RETURN_IF_ERROR(st.String("projectId", &s.project_id));
    MPEMU_RETURN_IF_ERROR(st.String("signupPath", &s.signup_path));
    MPEMU_RETURN_IF_ERROR(st.String("tokenParam", &s.token_param));
    if (st.Has("signup")) {
      MPEMU_ASSIGN_OR_RETURN(YamlMap signup, st.Map("signup"));
      MPEMU_RETURN_IF_ERROR(signup.CheckKeys({"fields", "formAction"}));
      MPEMU_ASSIGN_OR_RETURN(s.signup_fields, StringMap(signup, "fields"));
      MPEMU_RETURN_IF_ERROR(signup.String("formAction", &s.signup_form_action));
    }
    if (st.Has("observe")) {
      MPEMU_ASSIGN_OR_RETURN(YamlMap observe, st.Map("observe"));
      MPEMU_RETURN_IF_ERROR(observe.CheckKeys({"path", "state"}));
      MPEMU_RETURN_IF_ERROR(observe.String("path", &s.observe_path, true));
      MPEMU_RETURN_IF_ERROR(CheckTemplated(observe, "path", s.observe_path));
      MPEMU_RETURN_IF_ERROR(observe.String("state", &s.observe_state));
    }
    p.stackit = std::move(s);
    if (std::find(p.marketplaces.begin(), p.marketplaces.end(), "stackit") == p.marketplaces.end()) {
      p.marketplaces.push_back("stackit");
    }
  }
  if (map.Has("clevercloud")) {
    MPEMU_ASSIGN_OR_RETURN(YamlMap cc, map.Map("clevercloud"));
    MPEMU_RETURN_IF_ERROR(cc.CheckKeys({"manifest", "sessionCookie", "observe"}));
    CleverCloudProfile c;
    MPEMU_RETURN_IF_ERROR(cc.String("manifest", &c.manifest, true));
    if (std::filesystem::path(c.manifest).is_relative()) {
      c.manifest = (std::filesystem::path(p.dir) / c.manifest).string();
    }
    MPEMU_RETURN_IF_ERROR(cc.String("sessionCookie", &c.session_cookie));
    if (cc.Has("observe")) {
      MPEMU_ASSIGN_OR_RETURN(YamlMap observe, cc.Map("observe"));
      MPEMU_RETURN_IF_ERROR(observe.CheckKeys({"path", "status"}));
      MPEMU_RETURN_IF_ERROR(observe.String("path", &c.observe_path, true));
      MPEMU_RETURN_IF_ERROR(CheckTemplated(observe, "path", c.observe_path));
      MPEMU_RETURN_IF_ERROR(observe.String("status", &c.observe_status));
    }
    p.clevercloud = std::move(c);
    if (std::find(p.marketplaces.begin(), p.marketplaces.end(), "clevercloud") == p.marketplaces.end()) {
      p.marketplaces.push_back("clevercloud");
    }
  }
  if (map.Has("pandium")) {
    MPEMU_ASSIGN_OR_RETURN(YamlMap pd, map.Map("pandium"));
    MPEMU_RETURN_IF_ERROR(pd.CheckKeys({"account", "login", "users", "ssoPath", "integrationsPath"}));
    PandiumProfile c;
    MPEMU_RETURN_IF_ERROR(pd.String("account", &c.account));
    MPEMU_RETURN_IF_ERROR(pd.String("ssoPath", &c.sso_path, true));
    MPEMU_RETURN_IF_ERROR(pd.String("integrationsPath", &c.integrations_path));
    if (pd.Has("login")) {
      MPEMU_ASSIGN_OR_RETURN(YamlMap login, pd.Map("login"));
      MPEMU_RETURN_IF_ERROR(login.CheckKeys({"path", "fields"}));
      MPEMU_RETURN_IF_ERROR(login.String("path", &c.login_path));
      if (login.Has("fields")) {
        MPEMU_ASSIGN_OR_RETURN(c.login_fields, StringMap(login, "fields"));
      }
    }
    MPEMU_ASSIGN_OR_RETURN(std::vector<YamlMap> users, pd.MapList("users"));
    for (const auto& u : users) {
      MPEMU_RETURN_IF_ERROR(u.CheckKeys({"email", "password"}));
      PandiumUser user;
      MPEMU_RETURN_IF_ERROR(u.String("email", &user.email, true));
      MPEMU_RETURN_IF_ERROR(u.String("password", &user.password, true));
      c.users.push_back(std::move(user));
    }
    if (c.users.size() < 2) return pd.Error("users", "needs at least two test users (identity checks compare them)");
    p.pandium = std::move(c);
    if (std::find(p.marketplaces.begin(), p.marketplaces.end(), "pandium") == p.marketplaces.end()) {
      p.marketplaces.push_back("pandium");
    }
  }
  if (p.marketplaces.empty()) {
    return map.Error("marketplaces", "the profile describes no marketplace (add a stackit: section)");
  }
  return p;
}

}  // namespace

StatusOr<VendorProfile> LoadProfile(const std::string& path) {
  MPEMU_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlFile(path));
  return Parse(root, path);
}

StatusOr<VendorProfile> ParseProfileText(const std::string& text, const std::string& name) {
  MPEMU_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlString(text, name));
  return Parse(root, name);
}

}  // namespace mpemu::harness
