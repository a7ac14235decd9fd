#include "emulator/pandium/config.h"

#include <regex>
#include <set>

#include "emulator/core/duration.h"

namespace mpemu::pandium {
namespace {

constexpr int64_t kMaxIatWindowSeconds = 24 * 3600;

bool IsAccountName(const std::string& name) {
  static const std::regex kName("^[a-z0-9-]+$");
  return name.size() <= 100 && std::regex_match(name, kName);
}

bool IsIntegrationId(const std::string& id) {
  static const std::regex kId("^[A-Za-z0-9._-]+$");
  return id.size() <= 100 && id != "." && id != ".." && std::regex_match(id, kId);
}

// The parent domain goes into `Content-Security-Policy: frame-ancestors <value>` as one source
// expression (CSP3 host-source with a scheme): scheme "://" host [":" port], the host possibly
// starting with "*.". Nothing else, so that it cannot add directives (';'), sources (' ') or
// header lines.
Status CheckParentDomain(const std::string& value) {
  if (value.empty()) return Status::Ok();
  static const std::regex kOrigin(
      R"(^https?://(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?$)");
  if (!std::regex_match(value, kOrigin)) {
    return InvalidArgumentError("parentDomain: \"" + value.substr(0, 100) +
                                "\" must be one origin such as https://app.vendor.example (scheme, "
                                "host, optional port; no path, spaces or ';')");
  }
  return Status::Ok();
}

Status CheckAccount(const Account& a) {
  if (!IsAccountName(a.name)) {
    return InvalidArgumentError("name: \"" + a.name.substr(0, 100) +
                                "\" must be 1 to 100 of a-z, 0-9 and '-'");
  }
  const std::string where = "account " + a.name + ": ";
  if (Status s = ValidateSecret(a.secret); !s.ok()) return s.WithContext(where + "secret");
  if (Status s = CheckParentDomain(a.parent_domain); !s.ok()) return s.WithContext(a.name);
  if (a.iat_window_s < 1 || a.iat_window_s > kMaxIatWindowSeconds) {
    return InvalidArgumentError(where + "iatWindow: expected 1s to 24h");
  }
  std::set<std::string> ids;
  for (const Integration& i : a.catalogue) {
    if (!IsIntegrationId(i.id)) {
      return InvalidArgumentError(where + "catalogue: id \"" + i.id.substr(0, 100) +
                                  "\" must be 1 to 100 of A-Z, a-z, 0-9, '.', '_' and '-'");
    }
    if (i.name.empty()) return InvalidArgumentError(where + "catalogue: " + i.id + " has no name");
    if (!ids.insert(i.id).second) {
      return InvalidArgumentError(where + "catalogue: \"" + i.id + "\" is listed twice");
    }
  }
  return Status::Ok();
}

StatusOr<Account> ParseAccount(const YamlMap& m) {
  Account a;
  a.catalogue = DefaultCatalogue();
  MPEMU_RETURN_IF_ERROR(
      m.CheckKeys({"name", "secret", "parentDomain", "iatWindow", "requireJti", "catalogue"}));
  MPEMU_RETURN_IF_ERROR(m.String("name", &a.name, true));
  if (!IsAccountName(a.name)) return m.Error("name", "expected 1 to 100 of a-z, 0-9 and '-'");
  MPEMU_RETURN_IF_ERROR(m.String("secret", &a.secret, true));
  if (Status s = ValidateSecret(a.secret); !s.ok()) return m.Error("secret", s.message());
  MPEMU_RETURN_IF_ERROR(m.String("parentDomain", &a.parent_domain));
  if (Status s = CheckParentDomain(a.parent_domain); !s.ok()) {
    return m.Error("parentDomain", s.message());
  }
  int64_t window_ms = a.iat_window_s * 1000;
  MPEMU_RETURN_IF_ERROR(m.Duration("iatWindow", &window_ms));
  if (window_ms < 1000 || window_ms > kMaxIatWindowSeconds * 1000 || window_ms % 1000 != 0) {
    return m.Error("iatWindow", "expected whole seconds from 1s to 24h, e.g. 300s");
  }
  a.iat_window_s = window_ms / 1000;
  MPEMU_RETURN_IF_ERROR(m.Bool("requireJti", &a.require_jti));
  if (m.Has("catalogue")) {
    a.catalogue.clear();
    MPEMU_ASSIGN_OR_RETURN(std::vector<YamlMap> list, m.MapList("catalogue"));
    std::set<std::string> ids;
    for (const YamlMap& im : list) {
      Integration i;
      MPEMU_RETURN_IF_ERROR(im.CheckKeys({"id", "name", "description"}));
      MPEMU_RETURN_IF_ERROR(im.String("id", &i.id, true));
      if (!IsIntegrationId(i.id)) {
        return im.Error("id", "expected 1 to 100 of A-Z, a-z, 0-9, '.', '_' and '-'");
      }
      i.name = i.id;
      MPEMU_RETURN_IF_ERROR(im.String("name", &i.name));
      if (i.name.empty()) return im.Error("name", "must not be empty");
      MPEMU_RETURN_IF_ERROR(im.String("description", &i.description));
      if (!ids.insert(i.id).second) return im.Error("id", "\"" + i.id + "\" is listed twice");
      a.catalogue.push_back(std::move(i));
    }
  }
  return a;
}

}  // namespace

std::vector<Integration> DefaultCatalogue() {
  return {
      {"salesforce", "Salesforce", "Sync accounts, contacts and opportunities with Salesforce."},
      {"hubspot", "HubSpot", "Keep HubSpot contacts and deals up to date."},
      {"shopify", "Shopify", "Import orders and customers from a Shopify store."},
      {"netsuite", "NetSuite", "Post invoices and payments to NetSuite."}};
}

Config DefaultConfig() {
  Account a;
  a.name = "mpemu-vendor";
  // A fixed test value (not a secret): a vendor configured from these files must sign with it.
  a.secret = "pdS7vK2mQ9xR4tW8yB3nC6jH1fL5gZ0aE2uN7pXq";
  a.catalogue = DefaultCatalogue();
  Config c;
  c.accounts.push_back(std::move(a));
  return c;
}

StatusOr<Config> ParseConfig(const YamlMap& m) {
  Config c = DefaultConfig();
  MPEMU_RETURN_IF_ERROR(m.CheckKeys({"accounts", "entryOrigin"}));
  MPEMU_RETURN_IF_ERROR(m.String("entryOrigin", &c.entry_origin));
  while (!c.entry_origin.empty() && c.entry_origin.back() == '/') c.entry_origin.pop_back();
  if (!c.entry_origin.empty() && c.entry_origin.rfind("https://", 0) != 0 && c.entry_origin.rfind("http://", 0) != 0) {
    return m.Error("entryOrigin", "expected an http(s) origin such as https://imp.pandium.io");
  }
  if (m.Has("accounts")) {
    c.accounts.clear();
    MPEMU_ASSIGN_OR_RETURN(std::vector<YamlMap> list, m.MapList("accounts"));
    std::set<std::string> names;
    for (const YamlMap& am : list) {
      MPEMU_ASSIGN_OR_RETURN(Account a, ParseAccount(am));
      if (!names.insert(a.name).second) {
        return am.Error("name", "\"" + a.name + "\" is listed twice");
      }
      c.accounts.push_back(std::move(a));
    }
    if (c.accounts.empty()) return m.Error("accounts", "needs at least one account");
  }
  Status valid = Validate(c);
  if (!valid.ok()) return InvalidArgumentError(m.Where() + ": pandium: " + valid.message());
  return c;
}

Status ValidateSecret(const std::string& secret) {
  if (secret.size() < kMinSecretBytes) {
    return InvalidArgumentError("must be at least " + std::to_string(kMinSecretBytes) +
                                " bytes (RFC 7518 3.2: an HS256 key of 256 bits or more), got " +
                                std::to_string(secret.size()));
  }
  if (secret.size() > 4096) return InvalidArgumentError("must be at most 4096 bytes");
  return Status::Ok();
}

Status Validate(const Config& c) {
  if (c.accounts.empty()) return InvalidArgumentError("accounts: needs at least one account");
  std::set<std::string> names;
  for (const Account& a : c.accounts) {
    MPEMU_RETURN_IF_ERROR(CheckAccount(a).WithContext("accounts"));
    if (!names.insert(a.name).second) {
      return InvalidArgumentError("accounts: \"" + a.name + "\" is listed twice");
    }
  }
  return Status::Ok();
}

nlohmann::json ToJson(const Config& c) {
  nlohmann::json accounts = nlohmann::json::array();
  for (const Account& a : c.accounts) {
    nlohmann::json catalogue = nlohmann::json::array();
    for (const Integration& i : a.catalogue) {
      catalogue.push_back({{"id", i.id}, {"name", i.name}, {"description", i.description}});
    }
    accounts.push_back({{"name", a.name},
                        {"secret", a.secret},
                        {"parentDomain", a.parent_domain},
                        {"iatWindow", FormatDurationMillis(a.iat_window_s * 1000)},
                        {"iatWindowSeconds", a.iat_window_s},
                        {"requireJti", a.require_jti},
                        {"catalogue", catalogue}});
  }
  nlohmann::json j = {{"accounts", accounts}};
  if (!c.entry_origin.empty()) j["entryOrigin"] = c.entry_origin;
  return j;
}

}  // namespace mpemu::pandium
