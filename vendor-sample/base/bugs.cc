#include "vendor-sample/base/bugs.h"

#include <cstdio>
#include <cstdlib>

namespace vendor_sample {
namespace {

bool Known(const std::string& name) {
  for (const BugInfo& b : Bugs::Catalog()) {
    if (name == b.name) return true;
  }
  return false;
}

std::string Trim(const std::string& s) {
  const size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  const size_t end = s.find_last_not_of(" \t");
  return s.substr(begin, end - begin + 1);
}

}  // namespace

const std::vector<BugInfo>& Bugs::Catalog() {
  static const std::vector<BugInfo> kCatalog = {
      {"no-signature-check", "redirect token signatures are not verified"},
      {"alg-none", "accepts alg \"none\" with an empty signature"},
      {"hs256-public-key", "accepts HS256 keyed with the kid's PEM text"},
      {"ignore-expiry", "exp is neither required nor checked"},
      {"ignore-issuer", "iss is not checked"},
      {"keys-from-issuer", "fetches keys from the token's iss URL"},
      {"no-refetch", "an unknown kid never re-fetches keys.json"},
      {"tls-no-verify", "HTTPS certificates of the marketplace hosts are not verified"},
      {"approve-without-resolve",
       "skips resolve-customer and approves the token's subscriptionId at registration"},
      {"approve-before-registration", "approves on landing, before the form is posted"},
      {"ignore-subscription-mismatch",
       "uses and approves the resolved subscription even if its id differs from the token's"},
      {"no-polling", "the subscription poller is disabled"},
      {"double-approve", "approves again on repeated registration"},
      {"accept-any-state", "does not require SUBSCRIPTION_PENDING"},
      {"cc-password-only", "Clever Cloud Basic auth checks the password but not the user name"},
      {"cc-password-prefix",
       "Clever Cloud Basic auth accepts any password that starts with the right one"},
      {"cc-auth-500", "a malformed Clever Cloud Authorization header answers 500"},
      {"cc-no-timestamp-check", "Clever Cloud SSO timestamps are neither parsed nor checked"},
      {"cc-no-signature-check", "Clever Cloud SSO signatures are not verified"},
      {"cc-sso-deprovisioned", "Clever Cloud SSO logs in to deprovisioned resources"},
      {"cc-unprefixed-config-var",
       "provisioning returns an extra config var not prefixed by the add-on id"},
      {"cc-numeric-id", "provisioning returns the resource id as a JSON number"},
      {"cc-no-session-renewal",
       "Clever Cloud SSO keeps the session id the browser brought (session fixation)"},
      {"pd-constant-jti", "Pandium tenant tokens carry the same jti every time"},
      {"pd-missing-sub", "Pandium tenant tokens have no sub claim"},
      {"pd-wrong-secret", "Pandium tenant tokens are signed with the secret plus a trailing \"x\""},
      {"pd-sub-from-query",
       "a sub or user query parameter on the Pandium SSO endpoint overrides the token's subject"},
      {"pd-stale-iat", "Pandium tenant tokens have iat = now - 3600 s"},
      {"pd-mint-without-session",
       "the Pandium SSO endpoint mints a token for a fixed demo user when there is no session"},
      {"pd-iat-ms", "Pandium tenant tokens have iat in milliseconds"},
  };
  return kCatalog;
}

StatusOr<Bugs> Bugs::Parse(const std::string& csv) {
  Bugs bugs;
  size_t start = 0;
  while (start <= csv.size()) {
    size_t comma = csv.find(',', start);
    if (comma == std::string::npos) comma = csv.size();
    const std::string name = Trim(csv.substr(start, comma - start));
    start = comma + 1;
    if (name.empty()) continue;
    if (!Known(name)) {
      std::string known;
      for (const BugInfo& b : Catalog()) known += std::string(known.empty() ? "" : ", ") + b.name;
      return InvalidArgumentError("VENDOR_BUGS: unknown bug \"" + name + "\" (known: " + known +
                                  ")");
    }
    bugs.enabled_.insert(name);
  }
  return bugs;
}

bool Bugs::has(const std::string& name) const {
  if (!Known(name)) {
    std::fprintf(stderr, "vendor-sample: internal error: Bugs::has(\"%s\"): no such bug\n",
                 name.c_str());
    std::abort();
  }
  return enabled_.count(name) != 0;
}

}  // namespace vendor_sample
