// JSON Web Tokens (RFC 7519) in JWS compact serialization (RFC 7515): encode, decode, verify,
// and deliberately malformed variants for adversarial scenarios.
#ifndef MPEMU_EMULATOR_CRYPTO_JWT_H_
#define MPEMU_EMULATOR_CRYPTO_JWT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/status.h"
#include "emulator/crypto/rsa_key.h"

namespace mpemu::crypto {

// The JOSE algorithms mpemu signs and verifies.
enum class JwsAlg { kNone, kHs256, kRs256, kRs384, kRs512 };

const char* JwsAlgName(JwsAlg alg);                            // "RS256", ..., "none"
std::optional<JwsAlg> JwsAlgFromName(std::string_view name);  // exact, case-sensitive

// Something that produces the signature of a JWS signing input.
class Signer {
 public:
  virtual ~Signer() = default;
  virtual JwsAlg alg() const = 0;
  // Raw signature bytes over `signing_input` (empty for alg none).
  virtual StatusOr<std::string> Sign(std::string_view signing_input) const = 0;
};

class RsaSigner final : public Signer {
 public:
  // `alg` must be RS256, RS384 or RS512; `key` must hold a private key.
  RsaSigner(RsaKey key, JwsAlg alg) : key_(std::move(key)), alg_(alg) {}
  JwsAlg alg() const override { return alg_; }
  StatusOr<std::string> Sign(std::string_view signing_input) const override;

 private:
  RsaKey key_;
  JwsAlg alg_;
};

class HmacSigner final : public Signer {  // HS256
 public:
  explicit HmacSigner(std::string secret) : secret_(std::move(secret)) {}
  JwsAlg alg() const override { return JwsAlg::kHs256; }
  StatusOr<std::string> Sign(std::string_view signing_input) const override;

 private:
  std::string secret_;
};

class NoneSigner final : public Signer {  // empty signature
 public:
  JwsAlg alg() const override { return JwsAlg::kNone; }
  StatusOr<std::string> Sign(std::string_view) const override { return std::string(); }
};

// B(header) "." B(payload) "." B(signature), with header and payload serialized compactly in the
// objects' own key order (nlohmann::ordered_json keeps insertion order). The header is used as
// given: the caller sets "alg" (EncodeJwt does not rewrite it, so a header may lie about the
// algorithm on purpose).
StatusOr<std::string> EncodeJwt(const nlohmann::ordered_json& header,
                                const nlohmann::ordered_json& payload, const Signer& signer);

// The same from exact JSON texts, byte for byte (duplicate members, odd spacing and invalid
// JSON are all allowed: this is how adversarial tokens are made).
StatusOr<std::string> EncodeJwtRaw(std::string_view header_json, std::string_view payload_json,
                                   const Signer& signer);

// A token split and decoded, not yet verified.
struct DecodedJwt {
  std::string header_segment;     // as received
  std::string payload_segment;
  std::string signature_segment;
  nlohmann::json header;          // an object
  nlohmann::json payload;         // an object
  std::string signature;          // raw bytes

  std::string SigningInput() const { return header_segment + "." + payload_segment; }
};

struct DecodeOptions {
  size_t max_token_bytes = 16 * 1024;
  bool allow_noncanonical_base64 = false;
};

// Splits a compact JWS into exactly three segments and decodes them strictly: base64url per
// Base64UrlDecode, header and payload each a JSON object with no duplicate member names. Errors are
// InvalidArgument and say which segment and offset failed. Never throws.
StatusOr<DecodedJwt> DecodeJwt(std::string_view token, const DecodeOptions& options = {});

// Finds the verification key for a token, given its header. Return NotFound for an unknown kid.
using RsaKeyLookup = std::function<StatusOr<RsaKey>(const nlohmann::json& header)>;

struct VerifyOptions {
  std::vector<JwsAlg> allowed_algs = {JwsAlg::kRs256};  // never contains kNone in practice
  int64_t now_seconds = 0;          // the verifier's clock
  int64_t leeway_seconds = 0;       // applied to exp, nbf and iat
  bool require_exp = true;
  bool require_iat = false;
  std::optional<std::string> issuer;    // exact, case-sensitive match when set
  std::optional<std::string> audience;  // "aud" string or array must contain it when set
  std::optional<int64_t> max_lifetime_seconds;  // exp - iat bound when set
  std::vector<std::string> known_crit;  // "crit" members that are understood (others: reject)
  DecodeOptions decode;
};

// Decodes and verifies: alg on the allow-list, signature with the key the lookup returns (RS*)
// or `hmac_secret` (HS256), "crit" understood, then the registered claims: exp/nbf/iat must be JSON
// numbers (integer or fraction) inside int64 range; exp > now - leeway; nbf <= now + leeway;
// iat <= now + leeway; iss and aud as configured. Errors: InvalidArgument for malformed tokens,
// Unauthenticated for bad signatures and failed claim checks, with a message a vendor can act on
// ("token expired at 2026-...: 120 s ago").
StatusOr<DecodedJwt> VerifyJwt(std::string_view token, const VerifyOptions& options,
                               const RsaKeyLookup& rsa_keys, std::string_view hmac_secret = {});

}  // namespace mpemu::crypto

#endif  // MPEMU_EMULATOR_CRYPTO_JWT_H_
