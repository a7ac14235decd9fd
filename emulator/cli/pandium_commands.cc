// `mpemu pandium ...`: the Pandium In-App Marketplace against a running emulator (through
// /_emulator/pandium/): judge a tenant JWT a vendor minted, mint a correct one, list tenants.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "emulator/cli/commands.h"
#include "emulator/cli/remote.h"
#include "emulator/http/client.h"

namespace mpemu::cli {
namespace {

// The control API calls of this file wait at most this long for an answer.
constexpr int kReadTimeoutMs = 30000;

std::string Str(const nlohmann::json& j, const char* key) { return StringMember(j, key); }

std::optional<nlohmann::json> Call(const Target& t, const std::string& method, const std::string& path,
                                   const nlohmann::json& body, int* exit_code) {
  return CallEmulator(t, method, path, body, exit_code, kReadTimeoutMs);
}

// "k=v" with v parsed as JSON when it is valid JSON (numbers, true, null, {...}), else a string.
bool ParseClaim(const std::string& text, std::string* key, nlohmann::json* value) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  *key = text.substr(0, eq);
  const std::string v = text.substr(eq + 1);
  nlohmann::json parsed = nlohmann::json::parse(v, nullptr, false);
  *value = parsed.is_discarded() ? nlohmann::json(v) : parsed;
  return true;
}

}  // namespace

void AddPandiumCommands(CLI::App& app, int* exit_code) {
  CLI::App* pd = app.add_subcommand("pandium", "Pandium In-App Marketplace actions");
  pd->require_subcommand(1);
  CLI::App* root = &app;

  struct VerifyFlags {
    std::string account, token;
  };
  auto vf = std::make_shared<VerifyFlags>();
  auto verify = pd->add_subcommand(
      "verify",
      "Judge a tenant JWT as the marketplace entry would (its jti is not used up); "
      "exit 1 when rejected");
  verify->add_option("account", vf->account, "Pandium account (the entry URL's path segment)")
      ->required();
  verify->add_option("token", vf->token, "The tenant JWT (or the whole entry URL)")->required();
  verify->callback([root, vf, exit_code] {
    std::string token = vf->token;
    // Accept a pasted entry URL: the token is its ?tenant= value.
    if (const size_t at = token.find("tenant="); at != std::string::npos) {
      token = http::UrlDecode(token.substr(at + 7, token.find('&', at) - (at + 7)));
    }
    const Target t = TargetOf(*root);
    auto r = Call(t, "POST", "/_emulator/pandium/verify",
                  {{"account", vf->account}, {"token", token}}, exit_code);
    if (!r) return;
    const bool ok = r->value("ok", false);
    if (t.json) {
      std::printf("%s\n", r->dump(2).c_str());
    } else if (ok) {
      std::printf(
          "accepted: sub %s, jti %s%s\n", Str(*r, "sub").c_str(), Str(*r, "jti").c_str(),
          Str(*r, "externalId").empty() ? "" : (", external_id " + Str(*r, "externalId")).c_str());
    } else {
      std::printf("rejected (%s): %s\n", Str(*r, "code").c_str(), Str(*r, "reason").c_str());
      if (!(*r)["header"].is_null()) std::printf("header: %s\n", (*r)["header"].dump().c_str());
      if (!(*r)["claims"].is_null()) std::printf("claims: %s\n", (*r)["claims"].dump().c_str());
    }
    if (!ok) *exit_code = kExitFailed;
  });

  struct MintFlags {
    std::string account, sub, external_id;
    std::vector<std::string> claims;
  };
  auto mf = std::make_shared<MintFlags>();
  auto mint = pd->add_subcommand(
      "mint", "Mint a correct tenant JWT (as a vendor backend should) and print the entry URL");
  mint->add_option("account", mf->account, "Pandium account")->required();
  mint->add_option("--sub", mf->sub, "The user's stable id (default: user@example.com)");
  mint->add_option("--external-id", mf->external_id, "external_id claim");
  mint->add_option("--claim", mf->claims,
                   "Another claim: key=value (value parsed as JSON when it is; null removes)");
  mint->callback([root, mf, exit_code] {
    nlohmann::json claims = nlohmann::json::object();
    if (!mf->sub.empty()) claims["sub"] = mf->sub;
    if (!mf->external_id.empty()) claims["external_id"] = mf->external_id;
    for (const std::string& c : mf->claims) {
      std::string key;
      nlohmann::json value;
      if (!ParseClaim(c, &key, &value)) {
        std::fprintf(stderr, "mpemu: --claim expects key=value, got \"%s\"\n", c.c_str());
        *exit_code = kExitUsage;
        return;
      }
      claims[key] = value;
    }
    const Target t = TargetOf(*root);
    auto r =
        Call(t, "POST", "/_emulator/pandium/accounts/" + http::UrlEncode(mf->account) + "/mint",
             {{"claims", claims}}, exit_code);
    if (!r) return;
    if (t.json) {
      std::printf("%s\n", r->dump(2).c_str());
    } else {
      std::printf("%s\n", Str(*r, "url").c_str());
    }
  });

  auto tenants_account = std::make_shared<std::string>();
  auto tenants = pd->add_subcommand("tenants", "The tenants that entered an account's marketplace");
  tenants->add_option("account", *tenants_account, "Pandium account")->required();
  tenants->callback([root, tenants_account, exit_code] {
    const Target t = TargetOf(*root);
    auto r = Call(t, "GET",
                  "/_emulator/pandium/accounts/" + http::UrlEncode(*tenants_account) + "/tenants",
                  nullptr, exit_code);
    if (!r) return;
    if (t.json) {
      std::printf("%s\n", r->dump(2).c_str());
      return;
    }
    if ((*r)["items"].empty()) std::printf("(no tenants)\n");
    for (const auto& tenant : (*r)["items"]) {
      std::string installed;
      for (const auto& id : tenant.value("installed", nlohmann::json::array())) {
        installed += (installed.empty() ? "" : ",") + id.get<std::string>();
      }
      std::printf("%s  external_id=%s  installed=%s  last seen %s\n", Str(tenant, "sub").c_str(),
                  Str(tenant, "externalId").c_str(), installed.empty() ? "-" : installed.c_str(),
                  Str(tenant, "lastSeen").c_str());
    }
  });
}

}  // namespace mpemu::cli
