// Redirect tokens built on purpose, right or wrong, for adversarial scenarios.
//
// A token starts as exactly what the emulator would issue for a subscription (RS256, the current
// signing key's kid, iss, iat = now, exp = now + 300, subscriptionId) and each mutation changes
// one property of it, re-signing with the legitimate key unless the mutation is about the
// signature (the isolation rule of the security catalogue). Each mutation is one entry in the
// table in token_mutations.cc; `mint_token` steps name them:
//
//   - mint_token:
//       subscription: "{{ sub.id }}"
//       mutations: [{set_claims: {iss: "https://attacker.example/keys.json"}}, {sign_with: attacker}]
#ifndef MPEMU_EMULATOR_HARNESS_TOKEN_MUTATIONS_H_
#define MPEMU_EMULATOR_HARNESS_TOKEN_MUTATIONS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/status.h"
#include "emulator/crypto/rsa_key.h"

namespace mpemu::harness {

// The keys and facts mutations may use.
struct TokenKeys {
  crypto::RsaKey legit;       // the emulator's current signing key
  std::string legit_kid;
  std::string legit_pem;      // exactly as keys.json serves it
  std::string keys_json;      // the keys.json body
  crypto::RsaKey attacker;    // never published by the emulator's keys.json
  std::string attacker_kid;
  int64_t now_seconds = 0;    // the vendor's (real) time
};

struct TokenDraft {
  nlohmann::ordered_json header;
  nlohmann::ordered_json payload;
  std::optional<std::string> raw_header;   // exact JSON text, replaces `header` when set
  std::optional<std::string> raw_payload;
  // Produces the signature bytes over the signing input; default RS256 with the legit key.
  std::function<StatusOr<std::string>(const std::string& signing_input)> sign;
  // Applied to the finished compact token, in order.
  std::vector<std::function<StatusOr<std::string>(const std::string& token)>> finish;
};

struct MutationSpec {
  std::string name;
  std::string summary;  // including the parameter it takes
  std::function<Status(const nlohmann::json& param, TokenDraft& draft, const TokenKeys& keys)> apply;
};

const std::vector<MutationSpec>& MutationRegistry();
const MutationSpec* FindMutation(const std::string& name);

// The legitimate draft for a subscription.
TokenDraft BaselineDraft(const std::string& subscription_id, const std::string& issuer, const TokenKeys& keys);

// Applies `mutations` (a list of single-key objects {name: param}) and builds the token.
StatusOr<std::string> BuildToken(TokenDraft draft, const nlohmann::json& mutations, const TokenKeys& keys);

// Checks a mutation list's shape and names (for load time).
Status CheckMutations(const nlohmann::json& mutations);

}  // namespace mpemu::harness

#endif  // MPEMU_EMULATOR_HARNESS_TOKEN_MUTATIONS_H_
