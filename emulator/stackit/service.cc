#include "emulator/stackit/service.h"

#include <strings.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <cstdlib>

#include "emulator/core/time_format.h"
#include "emulator/crypto/encoding.h"
#include "emulator/crypto/jwt.h"

namespace mpemu::stackit {
namespace {

constexpr char kJwtBearerGrant[] = "urn:ietf:params:oauth:grant-type:jwt-bearer";
constexpr size_t kMaxLimit = 100;
constexpr size_t kDefaultLimit = 50;

std::string EncodeCursor(int64_t seq) {
  return crypto::Base64UrlEncode(nlohmann::json{{"after", seq}}.dump());
}

StatusOr<int64_t> DecodeCursor(const std::string& cursor) {
  StatusOr<std::string> raw = crypto::Base64UrlDecode(cursor, true);
  if (raw.ok()) {
    const nlohmann::json j = nlohmann::json::parse(*raw, nullptr, false);
    if (j.is_object() && j.contains("after") && j["after"].is_number_integer() &&
        j["after"].get<int64_t>() >= 0) {
      return j["after"].get<int64_t>();
    }
  }
  return InvalidArgumentError("Validation of cursor failed: \"" + cursor.substr(0, 64) +
                              "\" is not a cursor returned by this API.");
}

}  // namespace

Service::Service(Config config, control::Environment env)
    : config_(std::move(config)),
      env_(env),
      redirect_keys_("stackit.key", env.store, env.keys, env.clock, env.ids),
      internal_keys_("stackit.internal-key", env.store, env.keys, env.clock, env.ids),
      sa_keys_("stackit.sa-key", env.store, env.keys, env.clock, env.ids, /*needs_signer=*/false) {}

Status Service::Initialize() {
  MPEMU_RETURN_IF_ERROR(redirect_keys_.Load());
  MPEMU_RETURN_IF_ERROR(internal_keys_.Load());
  MPEMU_RETURN_IF_ERROR(sa_keys_.Load());
  for (const ServiceAccount& sa : config_.service_accounts) {
    if (!sa.public_key_pem.empty()) {
      StatusOr<crypto::RsaKey> key = crypto::RsaKey::FromPem(sa.public_key_pem);
      if (!key.ok()) return key.status().WithContext("service account " + sa.email + " publicKey");
      continue;
    }
    if (!sa_keys_.Find(sa.key_id).ok()) {
      MPEMU_RETURN_IF_ERROR(sa_keys_.Add(sa.key_id, false, false).status());
    }
  }
  return Status::Ok();
}

Status Service::Reset(bool keys) {
  MPEMU_RETURN_IF_ERROR(env_.store->Clear(kSubscriptionKind));
  MPEMU_RETURN_IF_ERROR(env_.store->Clear("stackit.used-refresh-token"));
  if (keys) MPEMU_RETURN_IF_ERROR(redirect_keys_.Reset());
  return Status::Ok();
}

std::string Service::KeysUrl() const { return env_.base_url() + kKeysPath; }

std::string Service::Issuer() const {
  if (config_.issuer == "self") return KeysUrl();
  if (config_.issuer == "production") return kProductionIssuer;
  return config_.issuer;
}

const Product* Service::FindProduct(const std::string& product_id) const {
  for (const Product& p : config_.products) {
    if (p.product_id == product_id) return &p;
  }
  return nullptr;
}

std::string Service::RedirectUrl(const std::string& token) const {
  const char sep = config_.signup_url.find('?') == std::string::npos ? '?' : '&';
  return config_.signup_url + sep + "x-stackit-marketplace-token=" + token;
}

StatusOr<Subscribed> Service::Subscribe(const SubscribeRequest& request) {
  if (config_.products.empty()) return FailedPreconditionError("no products are configured");
  const Product* product = request.product_id.empty() ? &config_.products.front()
                                                      : FindProduct(request.product_id);
  if (product == nullptr) {
    std::string known;
    for (const auto& p : config_.products) known += (known.empty() ? "" : ", ") + p.product_id;
    return NotFoundError("unknown product \"" + request.product_id + "\" (configured: " + known + ")");
  }
  for (const std::string* id : {&request.subscription_id, &request.consumer_project_id,
                                &request.organization_id}) {
    if (!id->empty() && !IsCanonicalUuid(*id)) {
      return InvalidArgumentError("\"" + *id + "\" is not a lower-case UUID");
    }
  }
  Subscription s;
  s.subscription_id = request.subscription_id.empty() ? env_.ids->NewUuid() : request.subscription_id;
  s.vendor_project_id = product->vendor_project_id;
  s.product_id = product->product_id;
  s.consumer_project_id =
      request.consumer_project_id.empty() ? env_.ids->NewUuid() : request.consumer_project_id;
  s.organization_id = request.organization_id.empty() ? env_.ids->NewUuid() : request.organization_id;
  s.created_at = env_.clock->NowMillis();
  s.pending_ttl_ms = product->pending_ttl_ms;
  s.SetState(kPending, s.created_at, "subscribed");
  store::Record r{kSubscriptionKind, s.subscription_id, s.vendor_project_id, 0,
                  s.ToStoredJson().dump()};
  MPEMU_RETURN_IF_ERROR(env_.store->Insert(r).status());
  MPEMU_ASSIGN_OR_RETURN(std::string token, MintRedirectToken(s.subscription_id, {}));
  return Subscribed{s, token, RedirectUrl(token)};
}

StatusOr<std::string> Service::MintRedirectToken(const std::string& subscription_id,
                                                 const TokenOverrides& o) {
  MPEMU_ASSIGN_OR_RETURN(SigningKey key,
                         o.kid.empty() ? redirect_keys_.Signing() : redirect_keys_.Find(o.kid));
  const int64_t iat = env_.wall_clock->NowSeconds() + o.iat_offset_s.value_or(0);
  const int64_t exp = iat + o.ttl_s.value_or(config_.redirect_token_ttl_s);
  nlohmann::ordered_json header = {{"alg", "RS256"}, {"kid", key.kid}, {"typ", "JWT"}};
  nlohmann::ordered_json payload = {
      {"subscriptionId", subscription_id}, {"iss", Issuer()}, {"exp", exp}, {"iat", iat}};
  auto apply = [](nlohmann::ordered_json& target, const nlohmann::json& changes) -> Status {
    if (changes.is_null()) return Status::Ok();
    if (!changes.is_object()) return InvalidArgumentError("token overrides must be JSON objects");
    for (const auto& [k, v] : changes.items()) {
      if (v.is_null()) {
        target.erase(k);
      } else {
        target[k] = v;
      }
    }
    return Status::Ok();
  };
  MPEMU_RETURN_IF_ERROR(apply(header, o.header));
  MPEMU_RETURN_IF_ERROR(apply(payload, o.claims));
  return crypto::EncodeJwt(header, payload, crypto::RsaSigner(key.key, crypto::JwsAlg::kRs256));
}

StatusOr<Subscription> Service::Find(const std::string& id) {
  MPEMU_ASSIGN_OR_RETURN(store::Record r, env_.store->Get(kSubscriptionKind, id));
  MPEMU_ASSIGN_OR_RETURN(Subscription s, Subscription::FromStoredJson(r.body));
  if (s.ApplyTtl(env_.clock->NowMillis(), config_.latest_states)) {
    // Persist the expiry, unless another request got there first.
    MPEMU_ASSIGN_OR_RETURN(
        store::Record updated, env_.store->Update(kSubscriptionKind, id, [&](store::Record& rec) {
          StatusOr<Subscription> cur = Subscription::FromStoredJson(rec.body);
          if (!cur.ok()) return cur.status();
          if (cur->ApplyTtl(env_.clock->NowMillis(), config_.latest_states)) {
            rec.body = cur->ToStoredJson().dump();
          }
          return Status::Ok();
        }));
    return Subscription::FromStoredJson(updated.body);
  }
  return s;
}

StatusOr<Subscription> Service::LoadForProject(const std::string& project, const std::string& id) {
  StatusOr<Subscription> s = Find(id);
  if (!s.ok()) {
    if (s.status().code() == StatusCode::kNotFound) {
      return NotFoundError("Subscription " + id + " not found.");
    }
    return s.status();
  }
  if (s->vendor_project_id != project) {
    return PermissionDeniedError("Access to this resource is forbidden: subscription " + id +
                                 " belongs to a product of another vendor project.");
  }
  return s;
}

StatusOr<nlohmann::json> Service::ResolveCustomer(const std::string& project,
                                                  const std::string& token) {
  if (token.empty()) return InvalidArgumentError("Validation of token failed: token is empty.");
  crypto::VerifyOptions options;
  options.allowed_algs = {crypto::JwsAlg::kRs256};
  options.now_seconds = env_.wall_clock->NowSeconds();
  options.require_exp = true;
  const auto lookup = [this](const nlohmann::json& header) -> StatusOr<crypto::RsaKey> {
    if (!header.contains("kid") || !header["kid"].is_string()) {
      return NotFoundError("token has no kid");
    }
    MPEMU_ASSIGN_OR_RETURN(SigningKey k, redirect_keys_.Find(header["kid"].get<std::string>()));
    return k.key;
  };
  StatusOr<crypto::DecodedJwt> jwt = crypto::VerifyJwt(token, options, lookup);
  if (!jwt.ok()) {
    if (jwt.status().code() == StatusCode::kInvalidArgument) {
      return InvalidArgumentError("Validation of token failed: " + jwt.status().message());
    }
    // A token that is not (or no longer) valid identifies no subscription.
    return NotFoundError("Subscription for token not found: " + jwt.status().message());
  }
  const nlohmann::json& claims = jwt->payload;
  if (!claims.contains("subscriptionId") || !claims["subscriptionId"].is_string()) {
    return NotFoundError("Subscription for token not found: the token names no subscriptionId.");
  }
  const std::string id = claims["subscriptionId"].get<std::string>();
  MPEMU_ASSIGN_OR_RETURN(Subscription s, LoadForProject(project, id));
  const Product* product = FindProduct(s.product_id);
  if (product == nullptr) return InternalError("subscription names an unconfigured product");
  return ToApiJson(s, *product);
}

StatusOr<nlohmann::json> Service::GetSubscription(const std::string& project, const std::string& id) {
  MPEMU_ASSIGN_OR_RETURN(Subscription s, LoadForProject(project, id));
  const Product* product = FindProduct(s.product_id);
  if (product == nullptr) return InternalError("subscription names an unconfigured product");
  return ToApiJson(s, *product);
}

StatusOr<nlohmann::json> Service::ListSubscriptions(const std::string& project,
                                                    const ListRequest& request) {
  size_t limit = kDefaultLimit;
  if (request.limit) {
    // The Go SDK renders limit as a float ("50" or "50.000000"); accept integral numbers only.
    char* end = nullptr;
    const double v = std::strtod(request.limit->c_str(), &end);
    // (Checked without converting first: casting NaN, infinity or 1e300 to an integer is undefined.)
    if (request.limit->empty() || end == nullptr || *end != '\0' || !std::isfinite(v) || v < 0 ||
        v != std::floor(v)) {
      return InvalidArgumentError("Validation of limit failed: \"" + request.limit->substr(0, 32) +
                                  "\" is not an integer from 0 to 100.");
    }
    limit = v == 0 ? kDefaultLimit : v >= kMaxLimit ? kMaxLimit : static_cast<size_t>(v);
  }
  int64_t after = 0;
  if (!request.cursor.empty()) {
    MPEMU_ASSIGN_OR_RETURN(after, DecodeCursor(request.cursor));
  }
  if (!request.product_id.empty() && FindProduct(request.product_id) == nullptr) {
    // Unknown products simply match nothing, as a filter would.
  }
  const int64_t now = env_.clock->NowMillis();
  const bool latest = config_.latest_states;
  store::ListQuery q;
  q.kind = kSubscriptionKind;
  q.partition = project;
  q.after_seq = after;
  q.limit = limit;
  // The filter decodes each record once; the page is built from what it kept (by seq), not by
  // parsing the records again (that was 40% of a page's CPU).
  std::unordered_map<int64_t, Subscription> kept;
  q.filter = [&](const store::Record& r) {
    StatusOr<Subscription> s = Subscription::FromStoredJson(r.body);
    if (!s.ok()) return false;
    s->ApplyTtl(now, latest);
    if (!request.product_id.empty() && s->product_id != request.product_id) return false;
    if (!request.include_expired && IsExpiredState(s->state)) return false;
    kept.insert_or_assign(r.seq, std::move(s).value());
    return true;
  };
  MPEMU_ASSIGN_OR_RETURN(store::ListPage page, env_.store->List(q));
  nlohmann::json items = nlohmann::json::array();
  for (const store::Record& r : page.records) {
    auto it = kept.find(r.seq);
    if (it == kept.end()) continue;
    const Product* product = FindProduct(it->second.product_id);
    if (product == nullptr) continue;
    items.push_back(ToApiJson(it->second, *product));
  }
  nlohmann::json cursor = "";
  if (page.more && !page.records.empty()) {
    cursor = EncodeCursor(page.records.back().seq);
  } else if (config_.null_end_cursor) {
    cursor = nullptr;
  }
  return nlohmann::json{{"items", items}, {"cursor", cursor}, {"limit", limit}};
}

Status Service::Approve(const std::string& project, const std::string& id,
                        const std::optional<std::string>& instance_target) {
  MPEMU_RETURN_IF_ERROR(LoadForProject(project, id).status());  // 404/403 and TTL first
  const int64_t now = env_.clock->NowMillis();
  return env_.store
      ->Update(kSubscriptionKind, id,
               [&](store::Record& rec) -> Status {
                 MPEMU_ASSIGN_OR_RETURN(Subscription s, Subscription::FromStoredJson(rec.body));
                 s.ApplyTtl(now, config_.latest_states);
                 if (s.state != kPending) {
                   return FailedPreconditionError("Subscription " + id + " is in state " + s.state +
                                                  "; only a SUBSCRIPTION_PENDING subscription can be "
                                                  "approved.");
                 }
                 if (instance_target) s.instance_target = *instance_target;
                 s.SetState(kActive, now, "approved by the vendor");
                 rec.body = s.ToStoredJson().dump();
                 return Status::Ok();
               })
      .status();
}

Status Service::Reject(const std::string& project, const std::string& id) {
  MPEMU_ASSIGN_OR_RETURN(Subscription s, LoadForProject(project, id));
  const Product* product = FindProduct(s.product_id);
  if (product == nullptr) return InternalError("subscription names an unconfigured product");
  if (product->lifecycle_state != "PRODUCT_PREVIEW") {
    return FailedPreconditionError("Subscription " + id + " cannot be rejected: reject is only "
                                   "available for products in lifecycle state PRODUCT_PREVIEW (" +
                                   product->product_id + " is " + product->lifecycle_state + ").");
  }
  const int64_t now = env_.clock->NowMillis();
  return env_.store
      ->Update(kSubscriptionKind, id,
               [&](store::Record& rec) -> Status {
                 MPEMU_ASSIGN_OR_RETURN(Subscription cur, Subscription::FromStoredJson(rec.body));
                 cur.SetState(kRejected, now, "rejected by the vendor");
                 rec.body = cur.ToStoredJson().dump();
                 return Status::Ok();
               })
      .status();
}

StatusOr<std::string> Service::AuthenticateBearer(const std::string& authorization) const {
  static const std::string kPrefix = "Bearer ";
  if (authorization.empty()) {
    return UnauthenticatedError("Access to this resource requires authentication: no Authorization header.");
  }
  if (authorization.size() <= kPrefix.size() ||
      strncasecmp(authorization.c_str(), kPrefix.c_str(), kPrefix.size()) != 0) {
    return UnauthenticatedError("Access to this resource requires authentication: expected \"Authorization: Bearer <token>\".");
  }
  const std::string token = authorization.substr(kPrefix.size());
  // Static tokens: compare with every configured one, in constant time each.
  std::string matched;
  for (const VendorProject& vp : config_.vendor_projects) {
    for (const std::string& t : vp.bearer_tokens) {
      if (crypto::ConstantTimeEquals(token, t) && matched.empty()) matched = vp.project_id;
    }
  }
  if (!matched.empty()) return matched;

  crypto::VerifyOptions options;
  options.allowed_algs = {crypto::JwsAlg::kRs256};
  options.now_seconds = env_.wall_clock->NowSeconds();
  options.require_exp = true;
  const auto lookup = [this](const nlohmann::json& header) -> StatusOr<crypto::RsaKey> {
    if (!header.contains("kid") || !header["kid"].is_string()) return NotFoundError("no kid");
    MPEMU_ASSIGN_OR_RETURN(SigningKey k, internal_keys_.Find(header["kid"].get<std::string>()));
    return k.key;
  };
  StatusOr<crypto::DecodedJwt> jwt = crypto::VerifyJwt(token, options, lookup);
  if (!jwt.ok()) {
    return UnauthenticatedError("Access to this resource requires authentication: " + jwt.status().message());
  }
  const nlohmann::json& c = jwt->payload;
  if (c.value("typ", "") != "access" || !c.contains("project") || !c["project"].is_string()) {
    return UnauthenticatedError("Access to this resource requires authentication: not an access token.");
  }
  return c["project"].get<std::string>();
}

const ServiceAccount* Service::FindServiceAccountByKid(const std::string& kid) const {
  for (const ServiceAccount& sa : config_.service_accounts) {
    if (sa.key_id == kid) return &sa;
  }
  return nullptr;
}

StatusOr<std::string> Service::SignInternal(const nlohmann::ordered_json& claims) const {
  MPEMU_ASSIGN_OR_RETURN(SigningKey key, internal_keys_.Signing());
  nlohmann::ordered_json header = {{"alg", "RS256"}, {"kid", key.kid}, {"typ", "JWT"}};
  return crypto::EncodeJwt(header, claims, crypto::RsaSigner(key.key, crypto::JwsAlg::kRs256));
}

StatusOr<nlohmann::json> Service::IssueTokens(const ServiceAccount& sa) {
  const int64_t now = env_.wall_clock->NowSeconds();
  const std::string iss = env_.base_url() + "/token";
  nlohmann::ordered_json access = {{"iss", iss}, {"sub", sa.id}, {"email", sa.email},
                                   {"project", sa.vendor_project_id}, {"typ", "access"},
                                   {"jti", env_.ids->NewUuid()}, {"iat", now},
                                   {"exp", now + config_.access_token_ttl_s}};
  nlohmann::ordered_json refresh = {{"iss", iss}, {"sub", sa.id}, {"email", sa.email},
                                    {"project", sa.vendor_project_id}, {"typ", "refresh"},
                                    {"jti", env_.ids->NewUuid()}, {"iat", now},
                                    {"exp", now + config_.refresh_token_ttl_s}};
  MPEMU_ASSIGN_OR_RETURN(std::string access_token, SignInternal(access));
  MPEMU_ASSIGN_OR_RETURN(std::string refresh_token, SignInternal(refresh));
  return nlohmann::json{{"access_token", access_token},
                        {"refresh_token", refresh_token},
                        {"expires_in", config_.access_token_ttl_s},
                        {"scope", "marketplace"},
                        {"token_type", "Bearer"}};
}

StatusOr<nlohmann::json> Service::TokenGrant(const http::Params& form) {
  auto field = [&](const std::string& name) -> std::string {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  const std::string grant = field("grant_type");
  const int64_t now = env_.wall_clock->NowSeconds();
  if (grant == kJwtBearerGrant) {
    const std::string assertion = field("assertion");
    if (assertion.empty()) return InvalidArgumentError("Validation of assertion failed: missing.");
    StatusOr<crypto::DecodedJwt> decoded = crypto::DecodeJwt(assertion);
    if (!decoded.ok()) return InvalidArgumentError("Validation of assertion failed: " + decoded.status().message());
    const nlohmann::json& h = decoded->header;
    const std::string kid = h.contains("kid") && h["kid"].is_string() ? h["kid"].get<std::string>() : "";
    const ServiceAccount* sa = FindServiceAccountByKid(kid);
    if (sa == nullptr) return InvalidArgumentError("Key with kid " + kid + " was not found");
    crypto::VerifyOptions options;
    options.allowed_algs = {crypto::JwsAlg::kRs512};
    options.now_seconds = now;
    options.require_exp = true;
    options.issuer = sa->email;
    const auto lookup = [&](const nlohmann::json&) -> StatusOr<crypto::RsaKey> {
      if (!sa->public_key_pem.empty()) return crypto::RsaKey::FromPem(sa->public_key_pem);
      MPEMU_ASSIGN_OR_RETURN(SigningKey k, sa_keys_.Find(sa->key_id));
      return k.key;
    };
    StatusOr<crypto::DecodedJwt> jwt = crypto::VerifyJwt(assertion, options, lookup);
    if (!jwt.ok()) return InvalidArgumentError("Validation of assertion failed: " + jwt.status().message());
    const nlohmann::json& c = jwt->payload;
    // The assertion is the vendor's: its claims may have any JSON type.
    if (!c.contains("sub") || !c["sub"].is_string() || c["sub"].get<std::string>() != sa->id) {
      return InvalidArgumentError("Validation of assertion failed: sub must be the service account id " + sa->id + ".");
    }
    bool aud_ok = false;
    const nlohmann::json aud = c.value("aud", nlohmann::json());
    for (const std::string& expected : config_.token_audiences) {
      if (aud.is_string() && aud.get<std::string>() == expected) aud_ok = true;
      if (aud.is_array()) {
        for (const auto& a : aud) aud_ok = aud_ok || (a.is_string() && a.get<std::string>() == expected);
      }
    }
    if (!aud_ok) {
      return InvalidArgumentError("Validation of assertion failed: aud must be one of the configured token audiences (" +
                                  config_.token_audiences.front() + ").");
    }
    return IssueTokens(*sa);
  }
  if (grant == "refresh_token") {
    const std::string rt = field("refresh_token");
    if (rt.empty()) return InvalidArgumentError("Validation of refresh_token failed: missing.");
    crypto::VerifyOptions options;
    options.allowed_algs = {crypto::JwsAlg::kRs256};
    options.now_seconds = now;
    const auto lookup = [this](const nlohmann::json& header) -> StatusOr<crypto::RsaKey> {
      if (!header.contains("kid") || !header["kid"].is_string()) return NotFoundError("no kid");
      MPEMU_ASSIGN_OR_RETURN(SigningKey k, internal_keys_.Find(header["kid"].get<std::string>()));
      return k.key;
    };
    StatusOr<crypto::DecodedJwt> jwt = crypto::VerifyJwt(rt, options, lookup);
    if (!jwt.ok()) return InvalidArgumentError("Validation of refresh_token failed: " + jwt.status().message());
    const nlohmann::json& c = jwt->payload;
    if (c.value("typ", "") != "refresh") return InvalidArgumentError("Validation of refresh_token failed: not a refresh token.");
    // Refresh tokens rotate: each may be used once.
    store::Record used{"stackit.used-refresh-token", c.value("jti", ""), "", 0, "{}"};
    if (!env_.store->Insert(used).ok()) {
      return InvalidArgumentError("Validation of refresh_token failed: this refresh token was already used (they rotate).");
    }
    for (const ServiceAccount& sa : config_.service_accounts) {
      if (sa.id == c.value("sub", "")) return IssueTokens(sa);
    }
    return InvalidArgumentError("Validation of refresh_token failed: unknown service account.");
  }
  if (grant.empty()) return InvalidArgumentError("Validation of grant_type failed: missing.");
  return InvalidArgumentError("Validation of grant_type failed: unsupported grant type \"" + grant +
                              "\" (supported: " + kJwtBearerGrant + ", refresh_token).");
}

StatusOr<std::vector<Subscription>> Service::All() {
  std::vector<Subscription> out;
  const int64_t now = env_.clock->NowMillis();
  MPEMU_RETURN_IF_ERROR(store::ForEachRecord(*env_.store, kSubscriptionKind, std::nullopt,
                                             [&](const store::Record& r) -> Status {
    MPEMU_ASSIGN_OR_RETURN(Subscription s, Subscription::FromStoredJson(r.body));
    s.ApplyTtl(now, config_.latest_states);
    out.push_back(std::move(s));
    return Status::Ok();
  }));
  return out;
}

StatusOr<Subscription> Service::SetState(const std::string& id, const std::string& state,
                                         const std::string& reason) {
  if (!IsKnownState(state, true)) {
    return InvalidArgumentError("unknown subscription state \"" + state +
                                "\" (SUBSCRIPTION_PENDING, _ACTIVE, _INACTIVE, _CANCELLING, "
                                "_CANCELLED, _REJECTED, _APPROVAL_TIMED_OUT)");
  }
  const int64_t now = env_.clock->NowMillis();
  MPEMU_ASSIGN_OR_RETURN(store::Record r,
                         env_.store->Update(kSubscriptionKind, id, [&](store::Record& rec) -> Status {
                           MPEMU_ASSIGN_OR_RETURN(Subscription s, Subscription::FromStoredJson(rec.body));
                           s.ApplyTtl(now, config_.latest_states);
                           s.SetState(state, now, reason.empty() ? "set by the control API" : reason);
                           rec.body = s.ToStoredJson().dump();
                           return Status::Ok();
                         }));
  return Subscription::FromStoredJson(r.body);
}

StatusOr<int> Service::ExpireDue() {
  const int64_t now = env_.clock->NowMillis();
  std::vector<std::string> due;
  MPEMU_RETURN_IF_ERROR(store::ForEachRecord(*env_.store, kSubscriptionKind, std::nullopt,
                                             [&](const store::Record& r) -> Status {
    MPEMU_ASSIGN_OR_RETURN(Subscription s, Subscription::FromStoredJson(r.body));
    if (s.ApplyTtl(now, config_.latest_states)) due.push_back(s.subscription_id);
    return Status::Ok();
  }));
  for (const std::string& id : due) MPEMU_RETURN_IF_ERROR(Find(id).status());  // persists
  return static_cast<int>(due.size());
}

StatusOr<nlohmann::json> Service::ServiceAccountKey(const std::string& id_or_email) const {
  for (const ServiceAccount& sa : config_.service_accounts) {
    if (sa.id != id_or_email && sa.email != id_or_email && sa.key_id != id_or_email) continue;
    nlohmann::json credentials = {{"kid", sa.key_id},
                                  {"iss", sa.email},
                                  {"sub", sa.id},
                                  {"aud", config_.token_audiences.front()},
                                  {"tokenEndpoint", env_.base_url() + "/token"}};
    std::string public_pem = sa.public_key_pem;
    if (public_pem.empty()) {
      MPEMU_ASSIGN_OR_RETURN(SigningKey k, sa_keys_.Find(sa.key_id));
      public_pem = k.key.PublicPem();
      MPEMU_ASSIGN_OR_RETURN(std::string private_pem, k.key.PrivatePem());
      credentials["privateKey"] = private_pem;
    }
    return nlohmann::json{{"id", sa.key_id},
                          {"publicKey", public_pem},
                          {"createdAt", "2026-01-01T00:00:00Z"},
                          {"keyType", "USER_MANAGED"},
                          {"keyOrigin", sa.public_key_pem.empty() ? "GENERATED" : "USER_PROVIDED"},
                          {"keyAlgorithm", "RSA_2048"},
                          {"active", true},
                          {"credentials", credentials}};
  }
  return NotFoundError("no service account \"" + id_or_email + "\"");
}

}  // namespace mpemu::stackit
