#include "emulator/stackit/keyring.h"

#include <algorithm>
#include <optional>

namespace mpemu::stackit {

KeyRing::KeyRing(std::string kind, store::Store* store, crypto::KeySource* keys, const Clock* clock,
                 IdGenerator* ids, bool needs_signer)
    : kind_(std::move(kind)), needs_signer_(needs_signer), store_(store), keys_(keys), clock_(clock), ids_(ids) {}

Status KeyRing::Persist(const SigningKey& key, bool insert) {
  MPEMU_ASSIGN_OR_RETURN(std::string pem, key.key.PrivatePem());
  store::Record r;
  r.kind = kind_;
  r.id = key.kid;
  r.body = nlohmann::json{{"kid", key.kid},
                          {"privateKeyPem", pem},
                          {"published", key.published},
                          {"signing", key.signing},
                          {"createdAt", key.created_at}}
               .dump();
  if (insert) return store_->Insert(r).status();
  return store_->Update(kind_, key.kid, [&](store::Record& existing) {
                  existing.body = r.body;
                  return Status::Ok();
                })
      .status();
}

Status KeyRing::Load() {
  std::vector<SigningKey> loaded;
  MPEMU_RETURN_IF_ERROR(store::ForEachRecord(*store_, kind_, std::nullopt, [&](const store::Record& r) -> Status {
    const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("privateKeyPem")) {
      return InternalError("stored key " + r.id + " is unreadable");
    }
    MPEMU_ASSIGN_OR_RETURN(crypto::RsaKey key, crypto::RsaKey::FromPem(j["privateKeyPem"].get<std::string>()));
    loaded.push_back(SigningKey{r.id, key, j.value("published", true), j.value("signing", false),
                                j.value("createdAt", int64_t{0})});
    return Status::Ok();
  }));
  const bool has_signing =
      std::any_of(loaded.begin(), loaded.end(), [](const SigningKey& k) { return k.signing; });
  {
    std::lock_guard<std::mutex> lock(mu_);
    ring_ = std::move(loaded);
    RebuildCachesLocked();
  }
  if (!has_signing && needs_signer_) return Rotate(false).status();
  return Status::Ok();
}

Status KeyRing::Reset() {
  MPEMU_RETURN_IF_ERROR(store_->Clear(kind_));
  {
    std::lock_guard<std::mutex> lock(mu_);
    ring_.clear();
    RebuildCachesLocked();
  }
  return needs_signer_ ? Rotate(false).status() : Status::Ok();
}

StatusOr<SigningKey> KeyRing::Signing() const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const SigningKey& k : ring_) {
    if (k.signing) return k;
  }
  return FailedPreconditionError("no signing key (the key ring is still being created)");
}

StatusOr<SigningKey> KeyRing::Find(const std::string& kid) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const SigningKey& k : ring_) {
    if (k.kid == kid) return k;
  }
  return NotFoundError("no key with kid \"" + kid + "\"");
}

std::vector<SigningKey> KeyRing::All() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ring_;
}

StatusOr<SigningKey> KeyRing::Rotate(bool unpublish_previous) {
  std::vector<std::string> previous;
  if (unpublish_previous) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const SigningKey& k : ring_) {
      if (k.published) previous.push_back(k.kid);
    }
  }
  MPEMU_ASSIGN_OR_RETURN(SigningKey added, Add(ids_->NewUuid(), true, true));
  for (const std::string& kid : previous) MPEMU_RETURN_IF_ERROR(SetPublished(kid, false));
  return added;
}

StatusOr<SigningKey> KeyRing::Add(const std::string& kid, bool published, bool signing) {
  if (Find(kid).ok()) return AlreadyExistsError("a key with kid \"" + kid + "\" exists");
  MPEMU_ASSIGN_OR_RETURN(crypto::RsaKey key, keys_->NewRsaKey());
  SigningKey k{kid, key, published, signing, clock_->NowMillis()};
  MPEMU_RETURN_IF_ERROR(Persist(k, true));
  std::vector<SigningKey> demoted;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (signing) {
      for (SigningKey& other : ring_) {
        if (other.signing) {
          other.signing = false;
          demoted.push_back(other);
        }
      }
    }
    ring_.push_back(k);
    RebuildCachesLocked();
  }
  for (const SigningKey& d : demoted) MPEMU_RETURN_IF_ERROR(Persist(d, false));
  return k;
}

Status KeyRing::SetPublished(const std::string& kid, bool published) {
  std::optional<SigningKey> changed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = std::find_if(ring_.begin(), ring_.end(), [&](const SigningKey& k) { return k.kid == kid; });
    if (it == ring_.end()) return NotFoundError("no key with kid \"" + kid + "\"");
    it->published = published;
    changed = *it;
    RebuildCachesLocked();
  }
  return Persist(*changed, false);
}

void KeyRing::RebuildCachesLocked() {
  nlohmann::ordered_json keys = nlohmann::ordered_json::object();
  nlohmann::json jwks = {{"keys", nlohmann::json::array()}};
  for (const SigningKey& k : ring_) {
    if (!k.published) continue;
    keys[k.kid] = k.key.PublicPem();
    jwks["keys"].push_back(k.key.PublicJwk(k.kid, "RS256"));
  }
  keys_json_ = keys.dump();
  jwks_ = jwks.dump();
}

std::string KeyRing::KeysJsonBody() const {
  std::lock_guard<std::mutex> lock(mu_);
  return keys_json_;
}

std::string KeyRing::JwksBody() const {
  std::lock_guard<std::mutex> lock(mu_);
  return jwks_;
}

}  // namespace mpemu::stackit
