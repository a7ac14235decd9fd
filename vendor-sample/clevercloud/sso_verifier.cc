#include "vendor-sample/clevercloud/sso_verifier.h"

#include "vendor-sample/clevercloud/resource_id.h"
#include "vendor-sample/crypto/digest.h"

namespace vendor_sample::clevercloud {
namespace {

constexpr size_t kMaxUserIdBytes = 128;
constexpr size_t kMaxEmailBytes = 254;
constexpr size_t kMaxNavDataBytes = 4096;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

StatusOr<std::string> DecodeComponent(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size() || HexValue(s[i + 1]) < 0 || HexValue(s[i + 2]) < 0) {
        return InvalidArgumentError("the form has a malformed %-escape");
      }
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Non-empty, bounded, and free of ':' and control characters.
bool IsPlainField(const std::string& s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (unsigned char c : s) {
    if (c == ':' || c < 0x20 || c == 0x7F) return false;
  }
  return true;
}

bool IsMillisTimestamp(const std::string& s) {
  if (s.size() != 13) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsHex128(const std::string& s) {
  if (s.size() != 128) return false;
  for (char c : s) {
    if (HexValue(c) < 0) return false;
  }
  return true;
}

}  // namespace

std::string SsoSignature(const std::string& id, const std::string& user_id,
                         const std::string& email, const std::string& nav_data,
                         const std::string& sso_salt, const std::string& timestamp) {
  return crypto::HexEncode(crypto::Sha512(id + ":" + user_id + ":" + email + ":" + nav_data + ":" +
                                          sso_salt + ":" + timestamp));
}

StatusOr<web::Params> ParseFormStrict(const std::string& body) {
  web::Params out;
  size_t start = 0;
  while (start <= body.size()) {
    size_t amp = body.find('&', start);
    if (amp == std::string::npos) amp = body.size();
    const std::string pair = body.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    VS_ASSIGN_OR_RETURN(std::string name, DecodeComponent(pair.substr(0, eq)));
    std::string value;
    if (eq != std::string::npos) {
      VS_ASSIGN_OR_RETURN(value, DecodeComponent(pair.substr(eq + 1)));
    }
    out.emplace(std::move(name), std::move(value));
  }
  return out;
}

SsoVerifier::SsoVerifier(std::string sso_salt, SsoOptions options, const Clock* clock,
                         const Bugs* bugs)
    : salt_(std::move(sso_salt)), options_(options), clock_(clock), bugs_(bugs) {}

StatusOr<SsoLogin> SsoVerifier::Verify(const web::Params& form) const {
  const bool check_signature = !bugs_->has("cc-no-signature-check");
  const bool check_timestamp = !bugs_->has("cc-no-timestamp-check");

  for (const char* name : {"id", "timestamp", "nav-data", "email", "user_id", "signature"}) {
    if (form.count(name) > 1) {
      return InvalidArgumentError(std::string("the field ") + name + " is repeated");
    }
  }
  for (const char* name : {"id", "timestamp", "email", "user_id"}) {
    if (form.count(name) == 0) {
      return InvalidArgumentError(std::string("the field ") + name + " is missing");
    }
  }
  if (check_signature && form.count("signature") == 0) {
    return InvalidArgumentError("the field signature is missing");
  }
  auto get = [&form](const char* name) {
    const auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  SsoLogin login;
  login.id = get("id");
  login.user_id = get("user_id");
  login.email = get("email");
  login.nav_data = get("nav-data");
  const std::string timestamp = get("timestamp");
  const std::string signature = get("signature");

  if (!IsResourceId(login.id)) {
    return InvalidArgumentError("id is not a resource id (1-64 of A-Z a-z 0-9 _ -)");
  }
  if (!IsPlainField(login.user_id, kMaxUserIdBytes)) {
    return InvalidArgumentError("user_id is empty, too long, or holds ':' or control characters");
  }
  if (!IsPlainField(login.email, kMaxEmailBytes)) {
    return InvalidArgumentError("email is empty, too long, or holds ':' or control characters");
  }
  if (login.nav_data.size() > kMaxNavDataBytes) {
    return InvalidArgumentError("nav-data is too long");
  }
  if (check_timestamp && !IsMillisTimestamp(timestamp)) {
    return InvalidArgumentError("timestamp must be exactly 13 digits (milliseconds since 1970)");
  }
  if (check_signature && !IsHex128(signature)) {
    return InvalidArgumentError("signature must be exactly 128 hex digits (SHA-512)");
  }

  if (check_signature) {
    const std::string expected =
        SsoSignature(login.id, login.user_id, login.email, login.nav_data, salt_, timestamp);
    if (!crypto::ConstantTimeEquals(signature, expected)) {
      return PermissionDeniedError("the signature does not match");
    }
  }
  if (check_timestamp) {
    login.timestamp_ms = std::stoll(timestamp);  // 13 digits: always fits
    const int64_t now = clock_->NowMillis();
    if (now - login.timestamp_ms > options_.max_age_ms) {
      return PermissionDeniedError("the SSO request is too old (timestamp older than " +
                                   std::to_string(options_.max_age_ms / 1000) + " s)");
    }
    if (login.timestamp_ms - now > options_.max_skew_ms) {
      return PermissionDeniedError("the SSO timestamp is in the future");
    }
  }
  return login;
}

}  // namespace vendor_sample::clevercloud
