#include "emulator/crypto/openssl_handles.h"

#include <openssl/err.h>

namespace mpemu::crypto {

std::string DrainOpenSslErrors() {
  std::string text;
  unsigned long code;
  while ((code = ERR_get_error()) != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

}  // namespace mpemu::crypto
