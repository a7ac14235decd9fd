// A set of named RSA keys kept in the store, so a state file keeps them across restarts: the
// marketplace's redirect-token signing keys (several may be published at once; one signs), and
// the emulator's own internal keys.
#ifndef MPEMU_EMULATOR_STACKIT_KEYRING_H_
#define MPEMU_EMULATOR_STACKIT_KEYRING_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/core/status.h"
#include "emulator/crypto/rsa_key.h"
#include "emulator/store/store.h"

namespace mpemu::stackit {

struct SigningKey {
  std::string kid;
  crypto::RsaKey key;
  bool published = true;  // listed in keys.json / jwks.json
  bool signing = false;   // the one that signs new tokens
  int64_t created_at = 0;
};

class KeyRing {
 public:
  // Records live under `kind` in `store`. Nothing is owned.
  // With `needs_signer`, Load and Reset make sure one key signs.
  KeyRing(std::string kind, store::Store* store, crypto::KeySource* keys, const Clock* clock,
          IdGenerator* ids, bool needs_signer = true);

  // Loads the keys from the store; creates a first signing key when there is none and one is
  // needed.
  Status Load();
  // Deletes every key and creates a new signing key.
  Status Reset();

  StatusOr<SigningKey> Signing() const;
  // Any key held, published or not (tokens signed before a rotation stay resolvable).
  StatusOr<SigningKey> Find(const std::string& kid) const;
  std::vector<SigningKey> All() const;

  // A new key that signs from now on and is published. The previous signing key stays published
  // unless `unpublish_previous`.
  StatusOr<SigningKey> Rotate(bool unpublish_previous);
  Status SetPublished(const std::string& kid, bool published);
  // Adds a key with a chosen kid (for scenarios); signs only if `signing`.
  StatusOr<SigningKey> Add(const std::string& kid, bool published, bool signing);

  // STACKIT's keys.json: {"kid": "PEM", ...} of published keys. Cached; rebuilt on change.
  std::string KeysJsonBody() const;
  // RFC 7517 JWKS of the published keys, for generic JWT libraries.
  std::string JwksBody() const;

 private:
  Status Persist(const SigningKey& key, bool insert);
  void RebuildCachesLocked();
  std::string kind_;
  bool needs_signer_;
  store::Store* store_;
  crypto::KeySource* keys_;
  const Clock* clock_;
  IdGenerator* ids_;
  mutable std::mutex mu_;
  std::vector<SigningKey> ring_;
  std::string keys_json_;
  std::string jwks_;
};

}  // namespace mpemu::stackit

#endif  // MPEMU_EMULATOR_STACKIT_KEYRING_H_
