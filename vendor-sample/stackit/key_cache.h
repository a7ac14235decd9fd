// The STACKIT redirect-token keys: keys.json (a JSON object kid -> PEM public key, NOT a JWKS),
// fetched only from the configured URL and cached by kid.
//
// Fetch policy:
//  * the first lookup loads keys.json; a cache older than max_age is re-read (so a key STACKIT
//    withdraws stops verifying within max_age);
//  * an unknown kid triggers at most one re-fetch, and none if the last such re-fetch was less
//    than refetch_cooldown ago (a flood of random kids costs at most one fetch per cooldown);
//  * every failure fails closed: a fetch error is Unavailable, never "accept unverified", and
//    nothing is fetched again within refetch_cooldown of a failed fetch.
#ifndef VENDOR_SAMPLE_STACKIT_KEY_CACHE_H_
#define VENDOR_SAMPLE_STACKIT_KEY_CACHE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "vendor-sample/base/bugs.h"
#include "vendor-sample/base/clock.h"
#include "vendor-sample/base/status.h"
#include "vendor-sample/crypto/rsa.h"
#include "vendor-sample/net/http_client.h"

namespace vendor_sample::stackit {

struct PublicKeyEntry {
  crypto::RsaPublicKey key;
  std::string pem;  // as published (only the planted hs256-public-key bug reads it)
};

using KeyMap = std::map<std::string, PublicKeyEntry>;

// Returns the body of keys.json, or why it could not.
using KeysFetcher = std::function<StatusOr<std::string>()>;

// Parses a keys.json body. InvalidArgument unless it is a JSON object (no duplicate kids).
// Entries that are not strings, not PEM RSA public keys, or shorter than 2048 bits are skipped and
// named in `skipped` (may be null); they never fail the whole document.
StatusOr<KeyMap> ParseKeysJson(const std::string& body, std::vector<std::string>* skipped);

// GET `url` with `http`: 200 and at most 1 MiB, else an error (Unavailable / DeadlineExceeded /
// ResourceExhausted) naming the reason.
StatusOr<std::string> FetchKeysJson(net::HttpSender* http, const std::string& url);

class KeyCache {
 public:
  struct Options {
    int64_t refetch_cooldown_ms = 1000;
    int64_t max_age_ms = 600 * 1000;
  };

  // `clock` and `bugs` must outlive the cache.
  KeyCache(KeysFetcher fetcher, const Clock* clock, Options options, const Bugs* bugs);
  KeyCache(const KeyCache&) = delete;
  KeyCache& operator=(const KeyCache&) = delete;

  // The key published under `kid`. NotFound when keys.json (as fetched under the policy above)
  // has no such kid; Unavailable when keys.json could not be fetched or parsed. Thread-safe; one
  // fetch at a time.
  StatusOr<PublicKeyEntry> Get(const std::string& kid);

  int fetch_count() const;

 private:
  bool FreshLocked(int64_t now) const;

  const KeysFetcher fetcher_;
  const Clock* const clock_;
  const Options options_;
  const Bugs* const bugs_;

  std::mutex fetch_mu_;  // held across a fetch, so concurrent misses wait for it
  mutable std::mutex mu_;
  KeyMap keys_;
  bool loaded_ = false;
  int64_t loaded_at_ms_ = 0;
  int64_t last_attempt_ms_ = 0;
  std::string last_error_;  // of the last attempt; empty when it succeeded
  bool refetched_ = false;  // an unknown kid has caused a fetch
  int64_t last_refetch_ms_ = 0;
  int fetch_count_ = 0;
};

}  // namespace vendor_sample::stackit

#endif  // VENDOR_SAMPLE_STACKIT_KEY_CACHE_H_
