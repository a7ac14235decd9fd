// OpenSSL handles owned by unique_ptr: the only place that names the *_free functions.
#ifndef VENDOR_SAMPLE_CRYPTO_OPENSSL_HANDLES_H_
#define VENDOR_SAMPLE_CRYPTO_OPENSSL_HANDLES_H_

#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

namespace vendor_sample::crypto {

template <auto FreeFn>
struct OpenSslDeleter {
  template <typename T>
  void operator()(T* p) const {
    FreeFn(p);
  }
};

using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<EVP_PKEY_CTX_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX_free>>;
using DecoderCtxPtr = std::unique_ptr<OSSL_DECODER_CTX, OpenSslDeleter<OSSL_DECODER_CTX_free>>;
using EncoderCtxPtr = std::unique_ptr<OSSL_ENCODER_CTX, OpenSslDeleter<OSSL_ENCODER_CTX_free>>;

// Shared ownership of a key, for keys used from several threads (EVP_PKEY is reference-counted and
// safe for concurrent signing and verification with separate contexts).
inline std::shared_ptr<EVP_PKEY> ShareKey(EvpPkeyPtr key) {
  return std::shared_ptr<EVP_PKEY>(key.release(), OpenSslDeleter<EVP_PKEY_free>());
}

// The first queued OpenSSL error as text, and clears the queue.
std::string TakeOpenSslError();

}  // namespace vendor_sample::crypto

#endif  // VENDOR_SAMPLE_CRYPTO_OPENSSL_HANDLES_H_
