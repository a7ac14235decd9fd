#include "vendor-sample/crypto/password.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <vector>

#include "vendor-sample/crypto/base64url.h"
#include "vendor-sample/crypto/digest.h"

namespace vendor_sample::crypto {
namespace {

constexpr char kScheme[] = "pbkdf2-sha256";
constexpr size_t kHashBytes = 32;

std::string Derive(std::string_view password, std::string_view salt, int iterations) {
  std::string out(kHashBytes, '\0');
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha256(),
                    static_cast<int>(out.size()), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) return parts;
    start = pos + 1;
  }
}

}  // namespace

std::string HashPassword(std::string_view password, int iterations) {
  const std::string salt = RandomBytes(16);
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + Base64UrlEncode(salt) +
         "$" + Base64UrlEncode(Derive(password, salt, iterations));
}

bool VerifyPassword(std::string_view password, const std::string& stored) {
  const std::vector<std::string> parts = Split(stored, '$');
  if (parts.size() != 4 || parts[0] != kScheme) return false;
  const int iterations = std::atoi(parts[1].c_str());
  if (iterations < 1 || iterations > 100000000) return false;
  StatusOr<std::string> salt = Base64UrlDecodeStrict(parts[2]);
  StatusOr<std::string> expected = Base64UrlDecodeStrict(parts[3]);
  if (!salt.ok() || !expected.ok() || expected->size() != kHashBytes) return false;
  return ConstantTimeEquals(Derive(password, *salt, iterations), *expected);
}

}  // namespace vendor_sample::crypto
