#include "emulator/crypto/hash.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "emulator/crypto/encoding.h"

namespace mpemu::crypto {
namespace {

std::string Digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), out, &length, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), length);
}

}  // namespace

std::string Sha256(std::string_view data) { return Digest(EVP_sha256(), data); }
std::string Sha512(std::string_view data) { return Digest(EVP_sha512(), data); }
std::string Sha512Hex(std::string_view data) { return HexEncode(Sha512(data)); }

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // HMAC() with a null key pointer and zero length would be rejected; an empty key is legal HMAC.
  static const unsigned char kEmpty = 0;
  const void* key_data = key.empty() ? &kEmpty : static_cast<const void*>(key.data());
  HMAC(EVP_sha256(), key_data, static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &length);
  return std::string(reinterpret_cast<char*>(out), length);
}

}  // namespace mpemu::crypto
