#include "vendor-sample/stackit/key_cache.h"

#include "vendor-sample/base/log.h"
#include "vendor-sample/crypto/strict_json.h"

namespace vendor_sample::stackit {
namespace {

constexpr size_t kMaxKeysJsonBytes = 1024 * 1024;
constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 16384;  // bounds the cost of one verification

std::string Printable(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 64)) out += (c >= 0x20 && c < 0x7F) ? c : '?';
  return out;
}

}  // namespace

StatusOr<KeyMap> ParseKeysJson(const std::string& body, std::vector<std::string>* skipped) {
  StatusOr<nlohmann::json> doc = crypto::ParseStrictJson(body, 4);
  if (!doc.ok()) return InvalidArgumentError("keys.json: " + doc.status().message());
  if (!doc->is_object()) return InvalidArgumentError("keys.json: not a JSON object (kid -> PEM)");
  KeyMap keys;
  for (const auto& [kid, value] : doc->items()) {
    std::string why;
    if (!value.is_string()) {
      why = "not a string";
    } else {
      StatusOr<crypto::RsaPublicKey> key = crypto::RsaPublicKey::FromPem(value.get<std::string>());
      if (!key.ok()) {
        why = key.status().message();
      } else if (key->bits() < kMinRsaBits || key->bits() > kMaxRsaBits) {
        why = std::to_string(key->bits()) + "-bit RSA key (need 2048..16384)";
      } else {
        keys.emplace(kid, PublicKeyEntry{*key, value.get<std::string>()});
        continue;
      }
    }
    if (skipped != nullptr) skipped->push_back("kid \"" + Printable(kid) + "\": " + why);
  }
  return keys;
}

StatusOr<std::string> FetchKeysJson(net::HttpSender* http, const std::string& url) {
  net::HttpRequest request;
  request.method = "GET";
  request.url = url;
  request.headers = {{"Accept", "application/json"}};
  request.max_response_bytes = kMaxKeysJsonBytes;
  VS_ASSIGN_OR_RETURN(net::HttpResponse response, http->Send(request));
  if (response.status != 200) {
    return UnavailableError("keys.json answered HTTP " + std::to_string(response.status));
  }
  return std::move(response.body);
}

KeyCache::KeyCache(KeysFetcher fetcher, const Clock* clock, Options options, const Bugs* bugs)
    : fetcher_(std::move(fetcher)), clock_(clock), options_(options), bugs_(bugs) {}

bool KeyCache::FreshLocked(int64_t now) const {
  return loaded_ && now - loaded_at_ms_ < options_.max_age_ms;
}

int KeyCache::fetch_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetch_count_;
}

StatusOr<PublicKeyEntry> KeyCache::Get(const std::string& kid) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = keys_.find(kid);
    if (FreshLocked(clock_->NowMillis()) && it != keys_.end()) return it->second;
  }
  std::lock_guard<std::mutex> fetch_lock(fetch_mu_);
  {
    // Decide under the lock whether this miss may fetch; another thread may have fetched while
    // this one waited.
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t now = clock_->NowMillis();
    // After a failed fetch, nothing fetches again within the cooldown.
    if (!last_error_.empty() && now - last_attempt_ms_ < options_.refetch_cooldown_ms) {
      return UnavailableError("keys.json is unavailable: " + last_error_);
    }
    if (FreshLocked(now)) {
      auto it = keys_.find(kid);
      if (it != keys_.end()) return it->second;
      if (bugs_->has("no-refetch")) {
        return NotFoundError("no key for this kid in keys.json");
      }
      // Unknown-kid re-fetches are rate-limited among themselves, so a key rotated in right
      // after a routine load is still found.
      if (refetched_ && now - last_refetch_ms_ < options_.refetch_cooldown_ms) {
        return NotFoundError("no key for this kid in keys.json (re-fetched " +
                             std::to_string(now - last_refetch_ms_) + " ms ago)");
      }
      refetched_ = true;
      last_refetch_ms_ = now;
    }
    last_attempt_ms_ = now;
    ++fetch_count_;
  }

  StatusOr<std::string> body = fetcher_();
  std::vector<std::string> skipped;
  StatusOr<KeyMap> parsed = body.ok() ? ParseKeysJson(*body, &skipped) : body.status();
  std::lock_guard<std::mutex> lock(mu_);
  if (!parsed.ok()) {
    last_error_ = parsed.status().message();
    Log("keys.json fetch failed (failing closed): " + last_error_);
    return UnavailableError("keys.json is unavailable: " + last_error_);
  }
  for (const std::string& s : skipped) Log("keys.json: ignored " + s);
  last_error_.clear();
  keys_ = std::move(*parsed);
  loaded_ = true;
  loaded_at_ms_ = clock_->NowMillis();
  auto it = keys_.find(kid);
  if (it == keys_.end()) return NotFoundError("no key for this kid in keys.json");
  return it->second;
}

}  // namespace vendor_sample::stackit
