#include "emulator/pandium/service.h"

#include <algorithm>
#include <cmath>

#include "emulator/core/time_format.h"
#include "emulator/crypto/encoding.h"
#include "emulator/crypto/hash.h"
#include "emulator/crypto/jwt.h"

namespace mpemu::pandium {
namespace {

constexpr char kSecretMetaPrefix[] = "pandium.secret.";
constexpr size_t kMaxSubBytes = 512;  // keeps store ids and pages sane; emails are far shorter
constexpr size_t kMaxJtiBytes = 256;
// A NumericDate above this is not seconds: 1e11 s is the year 5138, 1e11 ms is 1973.
constexpr double kMillisecondsThreshold = 1e11;

std::string Dump(const nlohmann::json& j) {
  std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return text.size() > 80 ? text.substr(0, 80) + "..." : text;
}

std::string Quoted(const std::string& text) { return Dump(nlohmann::json(text)); }

std::string StoreId(const std::string& account, const std::string& key) {
  return account + "/" + key;
}

// 64 hex digits from two UUIDs of the injected generator: 244 random bits with the real one.
std::string TwoUuidsHex(IdGenerator* ids) {
  std::string out;
  for (int i = 0; i < 2; ++i) {
    for (char c : ids->NewUuid()) {
      if (c != '-') out += c;
    }
  }
  return out;
}

// A claim that must be a JSON number when present (RFC 7519 NumericDate), as seconds.
struct Number {
  bool present = false;
  double value = 0;
};

StatusOr<Number> NumericDate(const nlohmann::json& claims, const char* name) {
  Number n;
  auto it = claims.find(name);
  if (it == claims.end()) return n;
  if (!it->is_number()) {
    return InvalidArgumentError(std::string("claim \"") + name +
                                "\" must be a NumericDate (a JSON number of seconds since the "
                                "epoch), got " +
                                it->type_name() + " " + Dump(*it));
  }
  n.present = true;
  n.value = it->get<double>();
  if (!std::isfinite(n.value)) {
    return InvalidArgumentError(std::string("claim \"") + name + "\" is not a finite number");
  }
  if (std::fabs(n.value) >= kMillisecondsThreshold) {
    return InvalidArgumentError(std::string("claim \"") + name + "\" " + Dump(*it) +
                                " looks like milliseconds: a NumericDate counts seconds");
  }
  return n;
}

// `sub`, `jti` style claims: a non-empty string of bounded length.
StatusOr<std::string> RequiredString(const nlohmann::json& claims, const char* name, size_t max,
                                     const char* why) {
  auto it = claims.find(name);
  if (it == claims.end()) {
    return InvalidArgumentError(std::string("claim \"") + name + "\" is missing: " + why);
  }
  if (!it->is_string()) {
    return InvalidArgumentError(std::string("claim \"") + name + "\" must be a string, got " +
                                it->type_name() + " " + Dump(*it));
  }
  const std::string value = it->get<std::string>();
  if (value.empty()) return InvalidArgumentError(std::string("claim \"") + name + "\" is empty");
  if (value.size() > max) {
    return InvalidArgumentError(std::string("claim \"") + name + "\" is longer than " +
                                std::to_string(max) + " bytes");
  }
  return value;
}

std::string Seconds(double s) { return std::to_string(static_cast<int64_t>(std::floor(s))); }

std::string When(double seconds) {
  return FormatRfc3339(static_cast<int64_t>(std::floor(seconds)) * 1000);
}

}  // namespace

// --- value types ---

int TokenCheck::HttpStatus() const {
  if (ok) return 200;
  if (code == kUnknownAccount) return 404;
  if (code == kMissingToken || code == kMalformed) return 400;
  if (code == "internal") return 500;
  return 401;
}

nlohmann::json TokenCheck::ToJson() const {
  nlohmann::json j = {
      {"ok", ok}, {"code", code}, {"reason", reason}, {"header", header}, {"claims", claims}};
  if (ok) {
    j["sub"] = sub;
    j["jti"] = jti;
    j["externalId"] = external_id;
    j["meta"] = meta;
    j["tenantInfo"] = tenant_info;
  }
  return j;
}

nlohmann::json Tenant::ToJson() const {
  return {{"account", account},
          {"sub", sub},
          {"externalId", external_id},
          {"meta", meta},
          {"tenantInfo", tenant_info},
          {"installed", installed},
          {"firstSeen", FormatRfc3339Millis(first_seen)},
          {"lastSeen", FormatRfc3339Millis(last_seen)},
          {"firstSeenMillis", first_seen},
          {"lastSeenMillis", last_seen}};
}

StatusOr<Tenant> Tenant::FromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("sub") || !j["sub"].is_string()) {
    return InternalError("stored tenant is not an object with a sub");
  }
  auto str = [&](const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
  };
  auto millis = [&](const char* key) {
    return j.contains(key) && j[key].is_number_integer() ? j[key].get<int64_t>() : 0;
  };
  Tenant t;
  t.account = str("account");
  t.sub = str("sub");
  t.external_id = str("externalId");
  t.meta = j.value("meta", nlohmann::json());
  t.tenant_info = j.value("tenantInfo", nlohmann::json());
  for (const auto& id : j.value("installed", nlohmann::json::array())) {
    if (id.is_string()) t.installed.push_back(id.get<std::string>());
  }
  t.first_seen = millis("firstSeenMillis");
  t.last_seen = millis("lastSeenMillis");
  return t;
}

nlohmann::json Session::ToJson() const {
  return {
      {"id", id}, {"account", account}, {"sub", sub}, {"csrf", csrf}, {"createdMillis", created}};
}

bool Hs256SignatureMatches(std::string_view token, std::string_view secret) {
  const size_t first = token.find('.');
  if (first == std::string_view::npos) return false;
  const size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return false;
  }
  StatusOr<std::string> mac = crypto::Base64UrlDecode(token.substr(second + 1));
  if (!mac.ok()) return false;
  // Lengths differ for an appended or truncated MAC; ConstantTimeEquals rejects those too.
  return crypto::ConstantTimeEquals(crypto::HmacSha256(secret, token.substr(0, second)), *mac);
}

// --- the service ---

Service::Service(Config config, control::Environment env)
    : configured_(config), config_(std::move(config)), env_(std::move(env)) {}

Status Service::Initialize() {
  for (Account& a : config_.accounts) {
    MPEMU_ASSIGN_OR_RETURN(std::optional<std::string> rotated,
                           env_.store->GetMeta(kSecretMetaPrefix + a.name));
    if (!rotated || rotated->empty() || !ValidateSecret(*rotated).ok()) continue;
    std::lock_guard<std::mutex> lock(mu_);
    a.secret = *rotated;
  }
  return Status::Ok();
}

Status Service::Reset() {
  MPEMU_RETURN_IF_ERROR(env_.store->Clear(kJtiKind));
  MPEMU_RETURN_IF_ERROR(env_.store->Clear(kTenantKind));
  MPEMU_RETURN_IF_ERROR(env_.store->Clear(kSessionKind));
  for (size_t i = 0; i < config_.accounts.size(); ++i) {
    MPEMU_RETURN_IF_ERROR(env_.store->SetMeta(kSecretMetaPrefix + config_.accounts[i].name, ""));
    std::lock_guard<std::mutex> lock(mu_);
    config_.accounts[i].secret = configured_.accounts[i].secret;
  }
  return Status::Ok();
}

Config Service::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return config_;
}

const Account* Service::FindAccount(const std::string& name) const {
  for (const Account& a : config_.accounts) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

Account* Service::MutableAccount(const std::string& name) {
  for (Account& a : config_.accounts) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::string Service::Secret(const std::string& account) const {
  const Account* a = FindAccount(account);
  if (a == nullptr) return "";
  std::lock_guard<std::mutex> lock(mu_);
  return a->secret;
}

Status Service::RotateSecret(const std::string& account, const std::string& secret) {
  Account* a = MutableAccount(account);
  if (a == nullptr) return NotFoundError("no Pandium account \"" + account.substr(0, 100) + "\"");
  if (Status s = ValidateSecret(secret); !s.ok()) return s.WithContext("secret");
  MPEMU_RETURN_IF_ERROR(env_.store->SetMeta(kSecretMetaPrefix + account, secret));
  std::lock_guard<std::mutex> lock(mu_);
  a->secret = secret;
  return Status::Ok();
}

TokenCheck Service::Verify(const std::string& account_name, const std::string& token,
                           bool record_jti) {
  TokenCheck c;
  auto reject = [&c](const char* code, std::string reason) {
    c.ok = false;
    c.code = code;
    c.reason = std::move(reason);
    return c;
  };
  const Account* account = FindAccount(account_name);
  if (account == nullptr) {
    return reject(kUnknownAccount, "there is no In-App Marketplace account " +
                                       Quoted(account_name) + " on this emulator");
  }
  const std::string secret = Secret(account_name);
  if (token.empty()) {
    return reject(kMissingToken, "no tenant token: the entry URL is " + EntryUrl(account_name) +
                                     "?tenant=<JWT signed by your backend>");
  }

  // 2. Strict compact serialization; duplicate members are rejected here, before anything reads a
  // claim (the last duplicate would otherwise win).
  StatusOr<crypto::DecodedJwt> decoded = crypto::DecodeJwt(token);
  if (!decoded.ok()) return reject(kMalformed, decoded.status().message());
  c.header = decoded->header;
  c.claims = decoded->payload;
  const nlohmann::json& h = c.header;

  // 3. "Pandium currently supports the following header: {"alg": "HS256", "typ": "JWT"}".
  const char* kOnlyHeader = "Pandium supports only the header {\"alg\":\"HS256\",\"typ\":\"JWT\"}";
  if (!h.contains("alg") || h["alg"] != "HS256") {
    return reject(kUnsupportedHeader, std::string("header \"alg\" is ") +
                                          (h.contains("alg") ? Dump(h["alg"]) : "missing") + ": " +
                                          kOnlyHeader);
  }
  if (!h.contains("typ") || h["typ"] != "JWT") {
    return reject(kUnsupportedHeader, std::string("header \"typ\" is ") +
                                          (h.contains("typ") ? Dump(h["typ"]) : "missing") + ": " +
                                          kOnlyHeader);
  }
  if (h.contains("crit")) {
    return reject(kUnsupportedHeader,
                  "header \"crit\" lists extensions this marketplace does not understand");
  }

  // 4. The MAC over the segments exactly as received, with the secret as raw bytes.
  if (!Hs256SignatureMatches(token, secret)) {
    const size_t mac_bytes = decoded->signature.size();
    std::string why = "signature does not verify with account " + account_name +
                      "'s shared secret (HMAC-SHA256 over the first two segments as received, "
                      "the secret used as the raw string, not decoded)";
    if (mac_bytes != 32) {
      why += "; the MAC is " + std::to_string(mac_bytes) + " bytes, an HS256 MAC is 32";
    }
    return reject(kBadSignature, why);
  }

  // 5. Claims.
  const nlohmann::json& claims = c.claims;
  StatusOr<std::string> sub = RequiredString(
      claims, "sub", kMaxSubBytes, "it identifies your user (Pandium links the tenant by it)");
  if (!sub.ok()) return reject(kInvalidClaims, sub.status().message());
  if (!claims.contains("iat")) {
    return reject(kInvalidClaims,
                  "claim \"iat\" is missing: the time the token was minted, in "
                  "seconds since the epoch");
  }
  StatusOr<Number> iat = NumericDate(claims, "iat");
  if (!iat.ok()) return reject(kInvalidClaims, iat.status().message());
  StatusOr<Number> exp = NumericDate(claims, "exp");
  if (!exp.ok()) return reject(kInvalidClaims, exp.status().message());
  StatusOr<Number> nbf = NumericDate(claims, "nbf");
  if (!nbf.ok()) return reject(kInvalidClaims, nbf.status().message());
  std::string jti;
  if (account->require_jti || claims.contains("jti")) {
    StatusOr<std::string> j =
        RequiredString(claims, "jti", kMaxJtiBytes, "a unique id per token (replay protection)");
    if (!j.ok()) return reject(kInvalidClaims, j.status().message());
    jti = *j;
  }
  if (claims.contains("external_id") && !claims["external_id"].is_string()) {
    return reject(kInvalidClaims, std::string("claim \"external_id\" must be a string, got ") +
                                      claims["external_id"].type_name());
  }
  if (claims.contains("meta") && !claims["meta"].is_object()) {
    return reject(kInvalidClaims, std::string("claim \"meta\" must be an object, got ") +
                                      claims["meta"].type_name() + " " + Dump(claims["meta"]));
  }
  for (const char* name : {"ti", "xti"}) {
    if (claims.contains(name) && !claims[name].is_object()) {
      return reject(kInvalidClaims, std::string("claim \"") + name +
                                        "\" (tenant information) must be an object, got " +
                                        claims[name].type_name());
    }
  }

  // 6. Time, against the wall clock the vendor also reads.
  const double now = static_cast<double>(env_.wall_clock->NowMillis()) / 1000.0;
  const double window = static_cast<double>(account->iat_window_s);
  if (exp->present && exp->value <= now) {
    return reject(kExpired, "token expired at " + When(exp->value) + " (exp " +
                                Seconds(exp->value) + "), " + Seconds(now - exp->value) + " s ago");
  }
  if (nbf->present && nbf->value > now) {
    return reject(kNotYetValid, "token not valid before " + When(nbf->value) + " (nbf), " +
                                    Seconds(nbf->value - now) + " s from now");
  }
  if (iat->value < now - window) {
    return reject(kExpired, "token issued at " + When(iat->value) + " (iat " + Seconds(iat->value) +
                                "), " + Seconds(now - iat->value) +
                                " s ago; this marketplace accepts tokens up to " + Seconds(window) +
                                " s old: mint one per navigation");
  }
  if (iat->value > now + window) {
    return reject(kNotYetValid,
                  "token issued in the future at " + When(iat->value) + " (iat " +
                      Seconds(iat->value) + "), " + Seconds(iat->value - now) +
                      " s ahead of this marketplace's clock (allowed: " + Seconds(window) + " s)");
  }

  // 7. Replay: a jti is accepted once per account.
  if (!jti.empty()) {
    const std::string id = StoreId(account_name, jti);
    const std::string replayed = "jti " + Quoted(jti) +
                                 " was already used: a replayed token (mint a new token, with a "
                                 "new jti, for every navigation)";
    if (record_jti) {
      const nlohmann::json body = {{"account", account_name},
                                   {"jti", jti},
                                   {"sub", *sub},
                                   {"iat", claims["iat"]},
                                   {"seenAtMillis", env_.clock->NowMillis()}};
      StatusOr<int64_t> inserted =
          env_.store->Insert({kJtiKind, id, account_name, 0,
                              body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
      if (!inserted.ok()) {
        if (inserted.status().code() == StatusCode::kAlreadyExists) {
          return reject(kReplayed, replayed);
        }
        return reject("internal", "cannot record the jti: " + inserted.status().message());
      }
    } else {
      StatusOr<store::Record> seen = env_.store->Get(kJtiKind, id);
      if (seen.ok()) return reject(kReplayed, replayed);
      if (seen.status().code() != StatusCode::kNotFound) {
        return reject("internal", "cannot read the jti: " + seen.status().message());
      }
    }
  }

  c.ok = true;
  c.code.clear();
  c.reason.clear();
  c.sub = *sub;
  c.jti = jti;
  c.external_id = claims.value("external_id", "");
  c.meta = claims.contains("meta") ? claims["meta"] : nlohmann::json();
  c.tenant_info = claims.contains("ti")    ? claims["ti"]
                  : claims.contains("xti") ? claims["xti"]
                                           : nlohmann::json();
  return c;
}

StatusOr<Tenant> Service::SaveTenant(const std::string& account, const std::string& sub,
                                     const std::function<Status(Tenant&)>& change) {
  MPEMU_ASSIGN_OR_RETURN(
      store::Record r,
      env_.store->Update(kTenantKind, StoreId(account, sub), [&](store::Record& rec) -> Status {
        MPEMU_ASSIGN_OR_RETURN(Tenant t,
                               Tenant::FromJson(nlohmann::json::parse(rec.body, nullptr, false)));
        MPEMU_RETURN_IF_ERROR(change(t));
        rec.body = t.ToJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return Status::Ok();
      }));
  return Tenant::FromJson(nlohmann::json::parse(r.body, nullptr, false));
}

StatusOr<Tenant> Service::Enter(const std::string& account, const TokenCheck& check) {
  if (!check.ok) return FailedPreconditionError("the token was rejected: " + check.reason);
  if (FindAccount(account) == nullptr) {
    return NotFoundError("no Pandium account \"" + account.substr(0, 100) + "\"");
  }
  const int64_t now = env_.clock->NowMillis();
  auto refresh = [&](Tenant& t) {
    t.external_id = check.external_id;
    t.meta = check.meta;
    t.tenant_info = check.tenant_info;
    t.last_seen = now;
  };
  Tenant t;
  t.account = account;
  t.sub = check.sub;
  t.first_seen = now;
  refresh(t);
  StatusOr<int64_t> inserted = env_.store->Insert(
      {kTenantKind, StoreId(account, check.sub), account, 0,
       t.ToJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
  if (inserted.ok()) return t;
  if (inserted.status().code() != StatusCode::kAlreadyExists) return inserted.status();
  return SaveTenant(account, check.sub, [&](Tenant& existing) -> Status {
    refresh(existing);
    return Status::Ok();
  });
}

StatusOr<Tenant> Service::FindTenant(const std::string& account, const std::string& sub) {
  StatusOr<store::Record> r = env_.store->Get(kTenantKind, StoreId(account, sub));
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kNotFound) {
      return NotFoundError("no tenant " + Quoted(sub) + " in account " + Quoted(account));
    }
    return r.status();
  }
  return Tenant::FromJson(nlohmann::json::parse(r->body, nullptr, false));
}

StatusOr<std::vector<Tenant>> Service::Tenants(const std::string& account) {
  if (FindAccount(account) == nullptr) {
    return NotFoundError("no Pandium account \"" + account.substr(0, 100) + "\"");
  }
  std::vector<Tenant> out;
  MPEMU_RETURN_IF_ERROR(store::ForEachRecord(*env_.store, kTenantKind, account,
                                             [&](const store::Record& r) -> Status {
    MPEMU_ASSIGN_OR_RETURN(Tenant t, Tenant::FromJson(nlohmann::json::parse(r.body, nullptr, false)));
    out.push_back(std::move(t));
    return Status::Ok();
  }));
  return out;
}

Status Service::SetInstalled(const std::string& account, const std::string& sub,
                             const std::string& integration_id, bool installed) {
  const Account* a = FindAccount(account);
  if (a == nullptr) return NotFoundError("no Pandium account \"" + account.substr(0, 100) + "\"");
  const bool known = std::any_of(a->catalogue.begin(), a->catalogue.end(),
                                 [&](const Integration& i) { return i.id == integration_id; });
  if (!known) {
    return NotFoundError("no integration " + Quoted(integration_id) + " in account " + account +
                         "'s catalogue");
  }
  MPEMU_RETURN_IF_ERROR(FindTenant(account, sub).status());
  const auto change = [&](Tenant& t) -> Status {
    auto it = std::find(t.installed.begin(), t.installed.end(), integration_id);
    if (installed && it == t.installed.end()) t.installed.push_back(integration_id);
    if (!installed && it != t.installed.end()) t.installed.erase(it);
    return Status::Ok();
  };
  return SaveTenant(account, sub, change).status();
}

Status Service::Install(const std::string& account, const std::string& sub,
                        const std::string& integration_id) {
  return SetInstalled(account, sub, integration_id, true);
}

Status Service::Uninstall(const std::string& account, const std::string& sub,
                          const std::string& integration_id) {
  return SetInstalled(account, sub, integration_id, false);
}

StatusOr<Session> Service::OpenSession(const std::string& account, const std::string& sub) {
  MPEMU_RETURN_IF_ERROR(FindTenant(account, sub).status());
  Session s;
  s.id = TwoUuidsHex(env_.ids);
  s.account = account;
  s.sub = sub;
  s.csrf = TwoUuidsHex(env_.ids);
  s.created = env_.clock->NowMillis();
  MPEMU_RETURN_IF_ERROR(
      env_.store
          ->Insert({kSessionKind, s.id, account, 0,
                    s.ToJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)})
          .status());
  return s;
}

StatusOr<Session> Service::FindSession(const std::string& account, const std::string& id) {
  const char* kNone =
      "no marketplace session: open the marketplace through your application's signed link "
      "(/pandium/<account>?tenant=<JWT>) first";
  if (id.empty()) return UnauthenticatedError(kNone);
  StatusOr<store::Record> r = env_.store->Get(kSessionKind, id);
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kNotFound) {
      return UnauthenticatedError(std::string(kNone) + " (the session cookie is unknown)");
    }
    return r.status();
  }
  const nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
  Session s;
  s.id = id;
  s.account = j.value("account", "");
  s.sub = j.value("sub", "");
  s.csrf = j.value("csrf", "");
  s.created = j.value("createdMillis", int64_t{0});
  if (s.account != account) {
    return UnauthenticatedError(std::string(kNone) + " (the session belongs to another account)");
  }
  if (env_.clock->NowMillis() - s.created > kSessionTtlMillis) {
    return UnauthenticatedError(std::string(kNone) + " (the session expired)");
  }
  return s;
}

std::string Service::EntryUrl(const std::string& account) const {
  if (!config_.entry_origin.empty()) return config_.entry_origin + "/" + account;
  return env_.base_url() + "/pandium/" + account;
}

std::string Service::MintForTests(const std::string& secret, const nlohmann::ordered_json& claims) {
  const crypto::HmacSigner signer(secret);
  StatusOr<std::string> token = crypto::EncodeJwtRaw(
      R"({"alg":"HS256","typ":"JWT"})",
      claims.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), signer);
  return token.ok() ? *token : std::string();  // HMAC signing does not fail
}

}  // namespace mpemu::pandium
