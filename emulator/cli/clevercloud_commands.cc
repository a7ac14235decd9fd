// `mpemu clevercloud ...`: the customer's and the operator's Clever Cloud actions against a running
// emulator (through /_emulator/clevercloud/), and `manifest check`, which needs no emulator.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "emulator/clevercloud/manifest.h"
#include "emulator/cli/commands.h"
#include "emulator/cli/remote.h"
#include "emulator/http/client.h"

namespace mpemu::cli {
namespace {

// The control API calls of this file wait at most this long for an answer.
constexpr int kReadTimeoutMs = 60000;

std::string Str(const nlohmann::json& j, const char* key) { return StringMember(j, key); }

std::optional<nlohmann::json> Call(const Target& t, const std::string& method, const std::string& path,
                                   const nlohmann::json& body, int* exit_code) {
  return CallEmulator(t, method, path, body, exit_code, kReadTimeoutMs);
}

// "vendor: 201 in 12 ms" / "vendor: unreachable: ..." plus the body's message, one line.
std::string DescribeReply(const nlohmann::json& reply) {
  if (!Str(reply, "error").empty()) return "vendor: no reply: " + Str(reply, "error") + "\n";
  char line[128];
  std::snprintf(line, sizeof line, "vendor: %d in %.0f ms", reply.value("status", 0),
                reply.value("durationMs", 0.0));
  std::string out = line;
  const nlohmann::json& headers = reply.value("headers", nlohmann::json::object());
  if (headers.contains("location") && headers["location"].is_string()) {
    out += ", Location: " + headers["location"].get<std::string>();
  }
  const nlohmann::json& body = reply.value("json", nlohmann::json());
  if (!Str(body, "message").empty()) out += ", message: " + Str(body, "message");
  return out + "\n";
}

bool VendorOk(const nlohmann::json& reply) {
  const int status = reply.value("status", 0);
  return status >= 200 && status < 300;
}

int CheckManifestFile(const std::string& file, bool production, bool json) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "mpemu: %s: cannot open file\n", file.c_str());
    return kExitUsage;
  }
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    std::fprintf(stderr, "mpemu: %s: invalid JSON at byte %zu: %s\n", file.c_str(), e.byte,
                 e.what());
    return kExitUsage;
  }
  const std::vector<clevercloud::ManifestFinding> findings =
      clevercloud::CheckManifest(manifest, production);
  size_t errors = 0;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : findings) {
    errors += f.severity == "error" ? 1 : 0;
    list.push_back(f.ToJson());
  }
  if (json) {
    std::printf(
        "%s\n",
        nlohmann::json{
            {"file", file}, {"production", production}, {"ok", errors == 0}, {"findings", list}}
            .dump(2)
            .c_str());
  } else {
    for (const auto& f : findings) {
      std::printf("%s  %s  %s\n", f.severity.c_str(), f.pointer.empty() ? "/" : f.pointer.c_str(),
                  f.message.c_str());
    }
    std::printf("%s: %zu error%s, %zu warning%s (checked %s)\n", file.c_str(), errors,
                errors == 1 ? "" : "s", findings.size() - errors,
                findings.size() - errors == 1 ? "" : "s",
                production ? "for production: https, no local hosts"
                           : "for local testing; --production for production");
  }
  return errors == 0 ? kExitOk : kExitFailed;
}

}  // namespace

void AddCleverCloudCommands(CLI::App& app, int* exit_code) {
  CLI::App* cc = app.add_subcommand("clevercloud", "Clever Cloud add-on platform actions");
  cc->require_subcommand(1);
  CLI::App* root = &app;

  CLI::App* manifest = cc->add_subcommand("manifest", "The add-on manifest");
  manifest->require_subcommand(1);
  struct CheckFlags {
    std::string file;
    bool production = false;
  };
  auto cf = std::make_shared<CheckFlags>();
  auto check = manifest->add_subcommand(
      "check", "Check a manifest file (offline, kensa-style); exit 1 on errors");
  check->add_option("file", cf->file, "addon-manifest.json")->required();
  check->add_flag("--production", cf->production, "Production URLs must be https and not local");
  check->callback([root, cf, exit_code] {
    *exit_code = CheckManifestFile(cf->file, cf->production, TargetOf(*root).json);
  });
  manifest->add_subcommand("show", "The running emulator's manifest and its findings")
      ->callback([root, exit_code] {
        const Target t = TargetOf(*root);
        auto r = Call(t, "GET", "/_emulator/clevercloud/manifest", nullptr, exit_code);
        if (r) std::printf("%s\n", r->dump(2).c_str());
      });

  struct ProvisionFlags {
    std::string plan, region, addon_id;
    std::vector<std::string> options;
    bool legacy = false;
  };
  auto pf = std::make_shared<ProvisionFlags>();
  auto provision = cc->add_subcommand(
      "provision", "A customer adds the add-on: the emulator calls the vendor's base_url");
  provision->add_option("--plan", pf->plan, "Plan slug (default: the first configured)");
  provision->add_option("--region", pf->region, "Region (default: EU)");
  provision->add_option("--addon-id", pf->addon_id,
                        "Clever's add-on id (default: new; an existing one replays)");
  provision->add_option("--option", pf->options, "An option sent to the vendor: key=value");
  provision->add_flag("--legacy-fields", pf->legacy, "Also send heroku_id and logplex_token");
  provision->callback([root, pf, exit_code] {
    nlohmann::json body = nlohmann::json::object();
    if (!pf->plan.empty()) body["plan"] = pf->plan;
    if (!pf->region.empty()) body["region"] = pf->region;
    if (!pf->addon_id.empty()) body["addonId"] = pf->addon_id;
    if (pf->legacy) body["legacyFields"] = true;
    body["options"] = nlohmann::json::object();
    for (const std::string& o : pf->options) {
      const size_t eq = o.find('=');
      if (eq == std::string::npos || eq == 0) {
        std::fprintf(stderr, "mpemu: --option expects key=value, got \"%s\"\n", o.c_str());
        *exit_code = kExitUsage;
        return;
      }
      body["options"][o.substr(0, eq)] = o.substr(eq + 1);
    }
    const Target t = TargetOf(*root);
    auto r = Call(t, "POST", "/_emulator/clevercloud/addons", body, exit_code);
    if (!r) return;
    if (t.json) {
      std::printf("%s\n", r->dump(2).c_str());
    } else {
      const nlohmann::json& stored = (*r)["stored"];
      std::printf("addonId:  %s\nstatus:   %s\nvendorId: %s\n%s", Str(*r, "addonId").c_str(),
                  Str(stored, "status").c_str(), Str(stored, "vendorId").c_str(),
                  DescribeReply((*r)["reply"]).c_str());
      if (Str(stored, "status") == "failed")
        std::printf("failed:   %s\n", Str(stored, "message").c_str());
    }
    if ((*r)["addon"].is_null()) *exit_code = kExitFailed;
  });

  auto dp_id = std::make_shared<std::string>();
  auto deprovision = cc->add_subcommand(
      "deprovision", "A customer deletes the add-on: DELETE {base_url}/{vendor id}");
  deprovision->add_option("addon", *dp_id, "Clever's add-on id (addon_...)")->required();
  deprovision->callback([root, dp_id, exit_code] {
    const Target t = TargetOf(*root);
    auto r = Call(t, "DELETE", "/_emulator/clevercloud/addons/" + http::UrlEncode(*dp_id), nullptr,
                  exit_code);
    if (!r) return;
    if (t.json) {
      std::printf("%s\n", r->dump(2).c_str());
    } else {
      std::printf("%s  %s\n%s", dp_id->c_str(), Str((*r)["addon"], "status").c_str(),
                  DescribeReply((*r)["reply"]).c_str());
    }
    if (!VendorOk((*r)["reply"])) *exit_code = kExitFailed;
  });

  auto pl_id = std::make_shared<std::string>();
  auto pl_plan = std::make_shared<std::string>();
  auto plan = cc->add_subcommand(
      "plan", "Change an add-on's plan (the configured, undocumented plan-change call)");
  plan->add_option("addon", *pl_id)->required();
  plan->add_option("plan", *pl_plan, "Plan slug")->required();
  plan->callback([root, pl_id, pl_plan, exit_code] {
    const Target t = TargetOf(*root);
    auto r = Call(t, "POST", "/_emulator/clevercloud/addons/" + http::UrlEncode(*pl_id) + "/plan",
                  {{"plan", *pl_plan}}, exit_code);
    if (!r) return;
    if (t.json) {
      std::printf("%s\n", r->dump(2).c_str());
    } else {
      std::printf("%s  plan %s\n%s", pl_id->c_str(), Str((*r)["addon"], "plan").c_str(),
                  DescribeReply((*r)["reply"]).c_str());
    }
    if (!VendorOk((*r)["reply"])) *exit_code = kExitFailed;
  });

  struct SsoFlags {
    std::string id;
    bool form_only = false;
  };
  auto sf = std::make_shared<SsoFlags>();
  auto sso = cc->add_subcommand(
      "sso", "Open the add-on dashboard: post a signed SSO form to the vendor's sso_url");
  sso->add_option("addon", sf->id)->required();
  sso->add_flag("--form-only", sf->form_only,
                "Print the form (and a curl command) without posting it");
  sso->callback([root, sf, exit_code] {
    const Target t = TargetOf(*root);
    const std::string path = "/_emulator/clevercloud/addons/" + http::UrlEncode(sf->id) + "/sso";
    auto r = sf->form_only ? Call(t, "GET", path, nullptr, exit_code)
                           : Call(t, "POST", path, nlohmann::json::object(), exit_code);
    if (!r) return;
    if (t.json) {
      std::printf("%s\n", r->dump(2).c_str());
      return;
    }
    const nlohmann::json& form = sf->form_only ? *r : (*r)["form"];
    std::printf("POST %s\n", Str(form, "url").c_str());
    for (const auto& field : form.value("fields", nlohmann::json::array())) {
      std::printf("  %-10s %s\n", field[0].get<std::string>().c_str(),
                  field[1].get<std::string>().c_str());
    }
    if (sf->form_only) {
      std::printf("%s\n", Str(form, "curl").c_str());
      return;
    }
    std::printf("%s", DescribeReply((*r)["reply"]).c_str());
    const int status = (*r)["reply"].value("status", 0);
    if (status < 200 || status >= 400) *exit_code = kExitFailed;
  });

  cc->add_subcommand("list", "All add-ons, whatever their state")->callback([root, exit_code] {
    const Target t = TargetOf(*root);
    auto r = Call(t, "GET", "/_emulator/clevercloud/addons", nullptr, exit_code);
    if (!r) return;
    if (t.json) {
      std::printf("%s\n", r->dump(2).c_str());
      return;
    }
    if ((*r)["items"].empty()) std::printf("(no add-ons)\n");
    for (const auto& a : (*r)["items"]) {
      std::printf("%s  %-13s %-8s %s\n", Str(a, "addonId").c_str(), Str(a, "status").c_str(),
                  Str(a, "plan").c_str(), Str(a, "vendorId").c_str());
    }
  });

  auto show_id = std::make_shared<std::string>();
  auto show = cc->add_subcommand("show", "One add-on as the emulator stores it");
  show->add_option("addon", *show_id)->required();
  show->callback([root, show_id, exit_code] {
    auto r = Call(TargetOf(*root), "GET",
                  "/_emulator/clevercloud/addons/" + http::UrlEncode(*show_id), nullptr, exit_code);
    if (r) std::printf("%s\n", r->dump(2).c_str());
  });
}

}  // namespace mpemu::cli
