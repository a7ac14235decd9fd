#include "vendor-sample/crypto/openssl_handles.h"

#include <openssl/err.h>

#include <string>

namespace vendor_sample::crypto {

std::string TakeOpenSslError() {
  const unsigned long code = ERR_get_error();  // NOLINT(runtime/int): OpenSSL's type
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

}  // namespace vendor_sample::crypto
