#include "emulator/crypto/jwt.h"

#include <cmath>
#include <set>

#include "emulator/core/time_format.h"
#include "emulator/crypto/encoding.h"
#include "emulator/crypto/hash.h"

namespace mpemu::crypto {
namespace {

constexpr size_t kMaxJsonDepth = 32;

// A SAX pass that rejects what nlohmann's DOM parser would silently accept: duplicate member
// names (the last one would win, which is how claim-smuggling attacks work) and deep nesting.
class StrictJsonCheck : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return Push(true); }
  bool end_object() override { return Pop(); }
  bool start_array(std::size_t) override { return Push(false); }
  bool end_array() override { return Pop(); }
  bool key(string_t& name) override {
    if (!keys_.back().insert(name).second) {
      error_ = "duplicate member name \"" + name + "\"";
      return false;
    }
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    error_ = "invalid JSON at byte " + std::to_string(position > 0 ? position - 1 : 0) + ": " +
             ex.what();
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  bool Push(bool object) {
    if (keys_.size() >= kMaxJsonDepth) {
      error_ = "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
      return false;
    }
    keys_.emplace_back();
    (void)object;
    return true;
  }
  bool Pop() {
    keys_.pop_back();
    return true;
  }

  std::vector<std::set<std::string>> keys_;
  std::string error_;
};

StatusOr<nlohmann::json> ParseStrictObject(const std::string& text, const char* segment) {
  StrictJsonCheck check;
  bool ok = nlohmann::json::sax_parse(text, &check, nlohmann::json::input_format_t::json, true, false);
  if (!ok) {
    return InvalidArgumentError(std::string("JWT ") + segment + ": " +
                                (check.error().empty() ? "invalid JSON" : check.error()));
  }
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) {
    return InvalidArgumentError(std::string("JWT ") + segment + " is not a JSON object");
  }
  return value;
}

std::optional<RsaDigest> RsaDigestFor(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::kRs256: return RsaDigest::kSha256;
    case JwsAlg::kRs384: return RsaDigest::kSha384;
    case JwsAlg::kRs512: return RsaDigest::kSha512;
    default: return std::nullopt;
  }
}

StatusOr<std::string> Assemble(std::string_view header_json, std::string_view payload_json,
                               const Signer& signer) {
  std::string input = Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json);
  MPEMU_ASSIGN_OR_RETURN(std::string signature, signer.Sign(input));
  return input + "." + Base64UrlEncode(signature);
}

// Reads a NumericDate claim (RFC 7519 section 2): a JSON number, integer or fraction, within the
// int64 range. Fractions are truncated toward the past for nbf/iat checks and that is harmless
// because the comparisons allow equality.
StatusOr<std::optional<int64_t>> NumericDate(const nlohmann::json& payload, const char* name) {
  auto it = payload.find(name);
  if (it == payload.end()) return std::optional<int64_t>();
  if (!it->is_number()) {
    return UnauthenticatedError(std::string("claim \"") + name + "\" must be a JSON number, got " +
                                it->type_name());
  }
  if (it->is_number_unsigned()) {
    auto v = it->get<uint64_t>();
    if (v > static_cast<uint64_t>(INT64_MAX)) {
      return UnauthenticatedError(std::string("claim \"") + name + "\" is out of range");
    }
    return std::optional<int64_t>(static_cast<int64_t>(v));
  }
  if (it->is_number_integer()) return std::optional<int64_t>(it->get<int64_t>());
  double d = it->get<double>();
  if (!std::isfinite(d) || d >= 9.2e18 || d <= -9.2e18) {
    return UnauthenticatedError(std::string("claim \"") + name + "\" is out of range");
  }
  return std::optional<int64_t>(static_cast<int64_t>(std::floor(d)));
}

std::string When(int64_t seconds) {
  if (seconds > 253402300799 || seconds < -62135596800) return std::to_string(seconds);
  return FormatRfc3339(seconds * 1000);
}

}  // namespace

const char* JwsAlgName(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::kNone: return "none";
    case JwsAlg::kHs256: return "HS256";
    case JwsAlg::kRs256: return "RS256";
    case JwsAlg::kRs384: return "RS384";
    case JwsAlg::kRs512: return "RS512";
  }
  return "none";
}

std::optional<JwsAlg> JwsAlgFromName(std::string_view name) {
  for (JwsAlg alg : {JwsAlg::kNone, JwsAlg::kHs256, JwsAlg::kRs256, JwsAlg::kRs384, JwsAlg::kRs512}) {
    if (name == JwsAlgName(alg)) return alg;
  }
  return std::nullopt;
}

StatusOr<std::string> RsaSigner::Sign(std::string_view signing_input) const {
  auto digest = RsaDigestFor(alg_);
  if (!digest) return InvalidArgumentError(std::string("RsaSigner cannot sign ") + JwsAlgName(alg_));
  return key_.Sign(*digest, signing_input);
}

StatusOr<std::string> HmacSigner::Sign(std::string_view signing_input) const {
  return HmacSha256(secret_, signing_input);
}

StatusOr<std::string> EncodeJwt(const nlohmann::ordered_json& header,
                                const nlohmann::ordered_json& payload, const Signer& signer) {
  return Assemble(header.dump(), payload.dump(), signer);
}

StatusOr<std::string> EncodeJwtRaw(std::string_view header_json, std::string_view payload_json,
                                   const Signer& signer) {
  return Assemble(header_json, payload_json, signer);
}

StatusOr<DecodedJwt> DecodeJwt(std::string_view token, const DecodeOptions& options) {
  if (token.empty()) return InvalidArgumentError("JWT is empty");
  if (token.size() > options.max_token_bytes) {
    return InvalidArgumentError("JWT is " + std::to_string(token.size()) + " bytes, more than the " +
                                std::to_string(options.max_token_bytes) + " allowed");
  }
  size_t first = token.find('.');
  size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    size_t dots = 0;
    for (char c : token) dots += c == '.';
    return InvalidArgumentError("JWT must have exactly 3 dot-separated segments, found " +
                                std::to_string(dots + 1));
  }
  DecodedJwt jwt;
  jwt.header_segment = std::string(token.substr(0, first));
  jwt.payload_segment = std::string(token.substr(first + 1, second - first - 1));
  jwt.signature_segment = std::string(token.substr(second + 1));

  struct Part {
    const char* name;
    const std::string* text;
    size_t offset;
  };
  const Part parts[] = {{"header", &jwt.header_segment, 0},
                        {"payload", &jwt.payload_segment, first + 1},
                        {"signature", &jwt.signature_segment, second + 1}};
  std::string decoded[3];
  for (int i = 0; i < 3; ++i) {
    auto bytes = Base64UrlDecode(*parts[i].text, options.allow_noncanonical_base64);
    if (!bytes.ok()) {
      return InvalidArgumentError(std::string("JWT ") + parts[i].name + " segment (token offset " +
                                  std::to_string(parts[i].offset) + "): " + bytes.status().message());
    }
    decoded[i] = std::move(bytes).value();
  }
  if (jwt.header_segment.empty()) return InvalidArgumentError("JWT header segment is empty");
  MPEMU_ASSIGN_OR_RETURN(jwt.header, ParseStrictObject(decoded[0], "header"));
  MPEMU_ASSIGN_OR_RETURN(jwt.payload, ParseStrictObject(decoded[1], "payload"));
  jwt.signature = std::move(decoded[2]);
  return jwt;
}

StatusOr<DecodedJwt> VerifyJwt(std::string_view token, const VerifyOptions& options,
                               const RsaKeyLookup& rsa_keys, std::string_view hmac_secret) {
  MPEMU_ASSIGN_OR_RETURN(DecodedJwt jwt, DecodeJwt(token, options.decode));

  auto alg_it = jwt.header.find("alg");
  if (alg_it == jwt.header.end() || !alg_it->is_string()) {
    return InvalidArgumentError("JWT header has no string \"alg\"");
  }
  std::string alg_name = alg_it->get<std::string>();
  auto alg = JwsAlgFromName(alg_name);
  bool allowed = false;
  if (alg) {
    for (JwsAlg a : options.allowed_algs) allowed = allowed || a == *alg;
  }
  if (!allowed) {
    std::string list;
    for (JwsAlg a : options.allowed_algs) list += (list.empty() ? "" : ", ") + std::string(JwsAlgName(a));
    return UnauthenticatedError("JWT alg \"" + alg_name + "\" is not accepted (allowed: " + list + ")");
  }

  // "crit" (RFC 7515 4.1.11): every listed extension must be understood, else the token is rejected.
  if (auto crit = jwt.header.find("crit"); crit != jwt.header.end()) {
    if (!crit->is_array() || crit->empty()) {
      return InvalidArgumentError("JWT header \"crit\" must be a non-empty array");
    }
    for (const auto& name : *crit) {
      bool known = false;
      if (name.is_string()) {
        for (const auto& k : options.known_crit) known = known || name == k;
      }
      if (!known) return UnauthenticatedError("JWT header \"crit\" lists an extension not understood: " + name.dump());
    }
  }

  std::string input = jwt.SigningInput();
  if (auto digest = RsaDigestFor(*alg)) {
    if (!rsa_keys) return UnauthenticatedError("no RSA keys to verify the JWT with");
    auto key = rsa_keys(jwt.header);
    if (!key.ok()) {
      if (key.status().code() == StatusCode::kInternal || key.status().code() == StatusCode::kUnavailable) {
        return key.status();
      }
      return UnauthenticatedError(key.status().message());
    }
    if (!key->Verify(*digest, input, jwt.signature)) {
      return UnauthenticatedError("JWT signature does not verify");
    }
  } else if (*alg == JwsAlg::kHs256) {
    if (hmac_secret.empty()) return UnauthenticatedError("no HMAC secret to verify the JWT with");
    if (!ConstantTimeEquals(HmacSha256(hmac_secret, input), jwt.signature)) {
      return UnauthenticatedError("JWT signature does not verify");
    }
  } else {
    // alg "none" only reaches here if a caller explicitly allowed it; an empty signature is its form.
    if (!jwt.signature.empty()) return UnauthenticatedError("alg none token carries a signature");
  }

  const int64_t now = options.now_seconds;
  const int64_t leeway = options.leeway_seconds;
  MPEMU_ASSIGN_OR_RETURN(auto exp, NumericDate(jwt.payload, "exp"));
  MPEMU_ASSIGN_OR_RETURN(auto nbf, NumericDate(jwt.payload, "nbf"));
  MPEMU_ASSIGN_OR_RETURN(auto iat, NumericDate(jwt.payload, "iat"));
  if (!exp && options.require_exp) return UnauthenticatedError("JWT has no \"exp\" claim");
  if (!iat && options.require_iat) return UnauthenticatedError("JWT has no \"iat\" claim");
  if (exp && *exp <= now - leeway) {
    return UnauthenticatedError("token expired at " + When(*exp) + ": " + std::to_string(now - *exp) +
                                " s ago");
  }
  if (nbf && *nbf > now + leeway) {
    return UnauthenticatedError("token not valid before " + When(*nbf) + ": " +
                                std::to_string(*nbf - now) + " s from now");
  }
  if (iat && *iat > now + leeway) {
    return UnauthenticatedError("token issued in the future at " + When(*iat) + ": " +
                                std::to_string(*iat - now) + " s from now");
  }
  if (options.max_lifetime_seconds && exp) {
    if (!iat) return UnauthenticatedError("JWT has no \"iat\" claim to bound its lifetime");
    if (*exp - *iat > *options.max_lifetime_seconds) {
      return UnauthenticatedError("token lifetime " + std::to_string(*exp - *iat) +
                                  " s exceeds the maximum " +
                                  std::to_string(*options.max_lifetime_seconds) + " s");
    }
  }
  if (options.issuer) {
    auto iss = jwt.payload.find("iss");
    if (iss == jwt.payload.end() || !iss->is_string() || *iss != *options.issuer) {
      return UnauthenticatedError("JWT issuer " + (iss == jwt.payload.end() ? std::string("(missing)") : iss->dump()) +
                                  " is not the expected \"" + *options.issuer + "\"");
    }
  }
  if (options.audience) {
    auto aud = jwt.payload.find("aud");
    bool match = false;
    if (aud != jwt.payload.end()) {
      if (aud->is_string()) {
        match = *aud == *options.audience;
      } else if (aud->is_array()) {
        for (const auto& a : *aud) match = match || (a.is_string() && a == *options.audience);
      }
    }
    if (!match) {
      return UnauthenticatedError("JWT audience " + (aud == jwt.payload.end() ? std::string("(missing)") : aud->dump()) +
                                  " does not contain \"" + *options.audience + "\"");
    }
  }
  return jwt;
}

}  // namespace mpemu::crypto
