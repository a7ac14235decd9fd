#include "emulator/crypto/rsa_key.h"

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "emulator/crypto/encoding.h"
#include "emulator/crypto/openssl_handles.h"

namespace mpemu::crypto {
namespace {

std::shared_ptr<EVP_PKEY> Share(EVP_PKEY* raw) { return std::shared_ptr<EVP_PKEY>(raw, EVP_PKEY_free); }

const EVP_MD* DigestFor(RsaDigest digest) {
  switch (digest) {
    case RsaDigest::kSha256: return EVP_sha256();
    case RsaDigest::kSha384: return EVP_sha384();
    case RsaDigest::kSha512: return EVP_sha512();
  }
  return EVP_sha256();
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(length));
}

std::string BignumBytes(const BIGNUM* bn) {
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string GetBignumParam(EVP_PKEY* pkey, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1) return std::string();
  BignumPtr bn(raw);
  return BignumBytes(bn.get());
}

// Tries one PEM reader on the text; the reader must not prompt for a passphrase.
template <typename Reader>
EVP_PKEY* TryRead(std::string_view pem, Reader reader) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return nullptr;
  return reader(bio.get());
}

int NoPassphrase(char*, int, int, void*) { return -1; }

}  // namespace

StatusOr<RsaKey> RsaKey::Generate(int bits) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1) {
    return InternalError("RSA key generation setup failed: " + DrainOpenSslErrors());
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1) {
    return InternalError("RSA key generation failed: " + DrainOpenSslErrors());
  }
  return RsaKey(Share(raw), true);
}

StatusOr<RsaKey> RsaKey::FromPem(std::string_view pem) {
  if (pem.size() > 64 * 1024) return InvalidArgumentError("PEM text is too large");
  bool is_private = pem.find("PRIVATE KEY-----") != std::string_view::npos;
  EVP_PKEY* raw = nullptr;
  if (is_private) {
    raw = TryRead(pem, [](BIO* b) { return PEM_read_bio_PrivateKey(b, nullptr, NoPassphrase, nullptr); });
  } else if (pem.find("BEGIN RSA PUBLIC KEY") != std::string_view::npos) {
    raw = TryRead(pem, [](BIO* b) {
      EVP_PKEY* key = nullptr;
      OSSL_DECODER_CTX* dctx = OSSL_DECODER_CTX_new_for_pkey(
          &key, "PEM", "type-specific", "RSA", EVP_PKEY_PUBLIC_KEY, nullptr, nullptr);
      if (dctx == nullptr) return static_cast<EVP_PKEY*>(nullptr);
      if (OSSL_DECODER_from_bio(dctx, b) != 1) key = nullptr;
      OSSL_DECODER_CTX_free(dctx);
      return key;
    });
  } else {
    raw = TryRead(pem, [](BIO* b) { return PEM_read_bio_PUBKEY(b, nullptr, NoPassphrase, nullptr); });
  }
  if (raw == nullptr) {
    return InvalidArgumentError("not a PEM RSA key: " + DrainOpenSslErrors());
  }
  auto pkey = Share(raw);
  if (EVP_PKEY_get_base_id(raw) != EVP_PKEY_RSA) {
    return InvalidArgumentError("PEM key is not an RSA key");
  }
  return RsaKey(pkey, is_private);
}

StatusOr<RsaKey> RsaKey::FromJwk(const nlohmann::json& jwk) {
  if (!jwk.is_object()) return InvalidArgumentError("JWK is not an object");
  auto kty = jwk.find("kty");
  if (kty == jwk.end() || !kty->is_string() || *kty != "RSA") {
    return InvalidArgumentError("JWK kty must be \"RSA\"");
  }
  auto n_it = jwk.find("n");
  auto e_it = jwk.find("e");
  if (n_it == jwk.end() || !n_it->is_string() || e_it == jwk.end() || !e_it->is_string()) {
    return InvalidArgumentError("JWK must have string members n and e");
  }
  auto n = Base64UrlDecode(n_it->get<std::string>(), true);
  if (!n.ok()) return n.status().WithContext("JWK n");
  auto e = Base64UrlDecode(e_it->get<std::string>(), true);
  if (!e.ok()) return e.status().WithContext("JWK e");
  if (n->empty() || e->empty()) return InvalidArgumentError("JWK n and e must not be empty");

  BignumPtr bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr));
  BignumPtr bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr));
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n.get());
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e.get());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  OSSL_PARAM_BLD_free(bld);
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  bool ok = ctx && params && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
            EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) == 1;
  OSSL_PARAM_free(params);
  if (!ok) return InvalidArgumentError("JWK is not a usable RSA key: " + DrainOpenSslErrors());
  return RsaKey(Share(raw), false);
}

int RsaKey::bits() const { return EVP_PKEY_get_bits(pkey_.get()); }

std::string RsaKey::PublicPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), pkey_.get());
  return BioContents(bio.get());
}

StatusOr<std::string> RsaKey::PrivatePem() const {
  if (!has_private_) return FailedPreconditionError("key has no private part");
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return InternalError("cannot write private key: " + DrainOpenSslErrors());
  }
  return BioContents(bio.get());
}

std::string RsaKey::PublicDer() const {
  int length = i2d_PUBKEY(pkey_.get(), nullptr);
  if (length <= 0) return std::string();
  std::string out(static_cast<size_t>(length), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  i2d_PUBKEY(pkey_.get(), &p);
  return out;
}

std::string RsaKey::Pkcs1PublicDer() const {
  unsigned char* data = nullptr;
  size_t length = 0;
  OSSL_ENCODER_CTX* ectx = OSSL_ENCODER_CTX_new_for_pkey(pkey_.get(), EVP_PKEY_PUBLIC_KEY, "DER",
                                                        "type-specific", nullptr);
  std::string out;
  if (ectx != nullptr && OSSL_ENCODER_to_data(ectx, &data, &length) == 1) {
    out.assign(reinterpret_cast<char*>(data), length);
    OPENSSL_free(data);
  }
  OSSL_ENCODER_CTX_free(ectx);
  return out;
}

std::string RsaKey::Modulus() const { return GetBignumParam(pkey_.get(), OSSL_PKEY_PARAM_RSA_N); }
std::string RsaKey::PublicExponent() const {
  return GetBignumParam(pkey_.get(), OSSL_PKEY_PARAM_RSA_E);
}

nlohmann::json RsaKey::PublicJwk(const std::string& kid, const std::string& alg) const {
  nlohmann::json jwk;
  jwk["kty"] = "RSA";
  jwk["kid"] = kid;
  jwk["use"] = "sig";
  jwk["alg"] = alg;
  jwk["n"] = Base64UrlEncode(Modulus());
  jwk["e"] = Base64UrlEncode(PublicExponent());
  return jwk;
}

StatusOr<std::string> RsaKey::Sign(RsaDigest digest, std::string_view data) const {
  if (!has_private_) return FailedPreconditionError("cannot sign with a public key");
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, DigestFor(digest), nullptr, pkey_.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
    return InternalError("RSA sign setup failed: " + DrainOpenSslErrors());
  }
  size_t length = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return InternalError("RSA sign failed: " + DrainOpenSslErrors());
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return InternalError("RSA sign failed: " + DrainOpenSslErrors());
  }
  signature.resize(length);
  return signature;
}

bool RsaKey::Verify(RsaDigest digest, std::string_view data, std::string_view signature) const {
  // A signature of the wrong length is rejected before OpenSSL sees it (RFC 8017 8.2.2 step 1).
  if (signature.size() != static_cast<size_t>(EVP_PKEY_get_size(pkey_.get()))) return false;
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, DigestFor(digest), nullptr, pkey_.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
    DrainOpenSslErrors();
    return false;
  }
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                            data.size());
  if (rc != 1) DrainOpenSslErrors();
  return rc == 1;
}

StatusOr<std::string> RsaKey::RawPrivateOp(std::string_view block) const {
  if (!has_private_) return FailedPreconditionError("raw RSA needs the private key");
  size_t size = static_cast<size_t>(EVP_PKEY_get_size(pkey_.get()));
  if (block.size() != size) {
    return InvalidArgumentError("raw RSA block must be " + std::to_string(size) + " bytes");
  }
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(pkey_.get(), nullptr));
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1) {
    return InternalError("raw RSA setup failed: " + DrainOpenSslErrors());
  }
  std::string out(size, '\0');
  size_t length = size;
  if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length,
                    reinterpret_cast<const unsigned char*>(block.data()), block.size()) != 1) {
    return InvalidArgumentError("raw RSA operation failed: " + DrainOpenSslErrors());
  }
  out.resize(length);
  return out;
}

}  // namespace mpemu::crypto
