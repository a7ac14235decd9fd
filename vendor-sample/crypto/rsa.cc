#include "vendor-sample/crypto/rsa.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/encoder.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "vendor-sample/crypto/openssl_handles.h"

namespace vendor_sample::crypto {
namespace {

const EVP_MD* Md(Hash hash) { return hash == Hash::kSha256 ? EVP_sha256() : EVP_sha512(); }

// Decodes one PEM key of `selection` (public or private), trying every structure OpenSSL knows
// for RSA (SPKI / PKCS#1 for public keys, PKCS#8 / PKCS#1 for private keys).
StatusOr<EvpPkeyPtr> DecodePem(std::string_view pem, int selection) {
  if (pem.size() > 64 * 1024) return InvalidArgumentError("PEM too large");
  EVP_PKEY* raw = nullptr;
  DecoderCtxPtr ctx(
      OSSL_DECODER_CTX_new_for_pkey(&raw, "PEM", nullptr, "RSA", selection, nullptr, nullptr));
  if (!ctx) return InternalError("OSSL_DECODER_CTX_new_for_pkey: " + TakeOpenSslError());
  const unsigned char* data = reinterpret_cast<const unsigned char*>(pem.data());
  size_t len = pem.size();
  if (OSSL_DECODER_from_data(ctx.get(), &data, &len) != 1 || raw == nullptr) {
    TakeOpenSslError();
    return InvalidArgumentError("not a PEM-encoded RSA key");
  }
  EvpPkeyPtr key(raw);
  // "RSA" also matches RSA-PSS keys in some providers; only plain rsaEncryption keys may be used
  // with PKCS#1 v1.5.
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
    return InvalidArgumentError("not an rsaEncryption key");
  }
  return key;
}

}  // namespace

StatusOr<RsaPublicKey> RsaPublicKey::FromPem(std::string_view pem) {
  VS_ASSIGN_OR_RETURN(EvpPkeyPtr key, DecodePem(pem, EVP_PKEY_PUBLIC_KEY));
  return RsaPublicKey(ShareKey(std::move(key)));
}

int RsaPublicKey::bits() const { return EVP_PKEY_get_bits(key_.get()); }

size_t RsaPublicKey::modulus_bytes() const {
  return static_cast<size_t>(EVP_PKEY_get_size(key_.get()));
}

bool RsaPublicKey::Verify(Hash hash, std::string_view signed_bytes,
                          std::string_view signature) const {
  if (signature.size() != modulus_bytes()) return false;
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by md
  if (!md || EVP_DigestVerifyInit(md.get(), &pctx, Md(hash), nullptr, key_.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
    TakeOpenSslError();
    return false;
  }
  const int rc = EVP_DigestVerify(
      md.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(signed_bytes.data()), signed_bytes.size());
  if (rc != 1) TakeOpenSslError();
  return rc == 1;
}

StatusOr<RsaPrivateKey> RsaPrivateKey::FromPem(std::string_view pem) {
  VS_ASSIGN_OR_RETURN(EvpPkeyPtr key, DecodePem(pem, EVP_PKEY_KEYPAIR));
  return RsaPrivateKey(ShareKey(std::move(key)));
}

StatusOr<RsaPrivateKey> RsaPrivateKey::Generate(int bits) {
  EVP_PKEY* raw = EVP_RSA_gen(static_cast<unsigned int>(bits));
  if (raw == nullptr) return InternalError("EVP_RSA_gen: " + TakeOpenSslError());
  return RsaPrivateKey(ShareKey(EvpPkeyPtr(raw)));
}

StatusOr<std::string> RsaPrivateKey::Sign(Hash hash, std::string_view bytes) const {
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by md
  if (!md || EVP_DigestSignInit(md.get(), &pctx, Md(hash), nullptr, key_.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
    return InternalError("EVP_DigestSignInit: " + TakeOpenSslError());
  }
  size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  if (EVP_DigestSign(md.get(), nullptr, &len, in, bytes.size()) != 1) {
    return InternalError("EVP_DigestSign: " + TakeOpenSslError());
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                     bytes.size()) != 1) {
    return InternalError("EVP_DigestSign: " + TakeOpenSslError());
  }
  sig.resize(len);
  return sig;
}

namespace {

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);  // NOLINT(runtime/int): OpenSSL's type
  return std::string(data, static_cast<size_t>(len));
}

}  // namespace

std::string RsaPrivateKey::PublicPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), key_.get());
  return BioText(bio.get());
}

std::string RsaPrivateKey::PublicPkcs1Pem() const {
  OSSL_ENCODER_CTX* raw = OSSL_ENCODER_CTX_new_for_pkey(key_.get(), EVP_PKEY_PUBLIC_KEY, "PEM",
                                                        "type-specific", nullptr);
  EncoderCtxPtr ctx(raw);
  unsigned char* data = nullptr;
  size_t len = 0;
  if (!ctx || OSSL_ENCODER_to_data(ctx.get(), &data, &len) != 1) {
    TakeOpenSslError();
    return "";
  }
  std::string pem(reinterpret_cast<char*>(data), len);
  OPENSSL_free(data);
  return pem;
}

std::string RsaPrivateKey::PrivatePem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return BioText(bio.get());
}

}  // namespace vendor_sample::crypto
