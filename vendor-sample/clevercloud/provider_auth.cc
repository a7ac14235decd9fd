#include "vendor-sample/clevercloud/provider_auth.h"

#include <cstdint>
#include <string_view>

#include "vendor-sample/base/log.h"
#include "vendor-sample/crypto/base64url.h"
#include "vendor-sample/crypto/digest.h"

namespace vendor_sample::clevercloud {
namespace {

// Longer values are refused before decoding (real credentials are far shorter).
constexpr size_t kMaxHeaderBytes = 4096;

bool IsBasicScheme(const std::string& scheme) {
  static constexpr char kBasic[] = "basic";
  if (scheme.size() != 5) return false;
  for (size_t i = 0; i < 5; ++i) {
    const char c =
        scheme[i] >= 'A' && scheme[i] <= 'Z' ? static_cast<char>(scheme[i] + 32) : scheme[i];
    if (c != kBasic[i]) return false;
  }
  return true;
}

// Well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF) without C0/C1
// control characters or DEL.
bool IsCleanUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0;
    size_t len = 0;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return false;
    i += len;
  }
  return true;
}

}  // namespace

ProviderAuth::ProviderAuth(const std::string& user, std::string password, const Bugs* bugs)
    : password_(std::move(password)),
      user_digest_(crypto::Sha256(user)),
      password_digest_(crypto::Sha256(password_)),
      bugs_(bugs) {}

Status ProviderAuth::Malformed(const std::string& why) const {
  if (bugs_->has("cc-auth-500")) {
    return InternalError("could not parse the Authorization header");
  }
  return UnauthenticatedError(why);
}

Status ProviderAuth::Check(const std::vector<std::string>& authorization) const {
  if (authorization.empty()) {
    return UnauthenticatedError("Basic authentication with the add-on's credentials is required");
  }
  if (authorization.size() > 1) return Malformed("more than one Authorization header");
  const std::string& value = authorization.front();
  if (value.size() > kMaxHeaderBytes) return Malformed("the Authorization header is too long");
  const size_t space = value.find(' ');
  if (!IsBasicScheme(value.substr(0, space))) {
    return Malformed("the Authorization scheme must be Basic");
  }
  if (space == std::string::npos) return Malformed("the Authorization header has no credentials");
  const size_t start = value.find_first_not_of(' ', space);
  if (start == std::string::npos) {
    return Malformed("the Authorization header has no credentials");
  }
  StatusOr<std::string> decoded = crypto::Base64DecodeStrict(std::string_view(value).substr(start));
  if (!decoded.ok()) return Malformed("the Basic credentials are not valid base64");
  if (!IsCleanUtf8(*decoded)) {
    return Malformed("the Basic credentials are not UTF-8 text without control characters");
  }
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) return Malformed("the Basic credentials have no ':'");

  const std::string user = decoded->substr(0, colon);
  const std::string password = decoded->substr(colon + 1);
  bool user_ok = crypto::ConstantTimeEquals(crypto::Sha256(user), user_digest_);
  if (bugs_->has("cc-password-only")) user_ok = true;
  bool password_ok = crypto::ConstantTimeEquals(crypto::Sha256(password), password_digest_);
  if (bugs_->has("cc-password-prefix")) {
    password_ok = password.size() >= password_.size() &&
                  crypto::ConstantTimeEquals(crypto::Sha256(password.substr(0, password_.size())),
                                             password_digest_);
  }
  // Both compared, no short-circuit: the time does not tell which one was wrong.
  if (!(user_ok & password_ok)) return UnauthenticatedError("wrong add-on credentials");
  return Status::Ok();
}

web::Handler ProviderAuth::Require(web::Handler handler) const {
  return [this, handler = std::move(handler)](const web::Request& request) {
    const Status s = Check(request.HeaderValues("authorization"));
    if (s.ok()) return handler(request);
    Log("clevercloud: provider call " + request.method + " refused: " + s.message());
    if (s.code() == StatusCode::kInternal) {
      return web::Reply::Json(500, {{"error", "internal"}, {"message", "internal error"}});
    }
    return Unauthorized(s.message());
  };
}

web::Reply Unauthorized(const std::string& message) {
  web::Reply reply = web::Reply::Json(401, {{"error", "unauthorized"}, {"message", message}});
  reply.WithHeader("WWW-Authenticate", std::string("Basic realm=\"") + kRealm + "\"");
  return reply;
}

}  // namespace vendor_sample::clevercloud
