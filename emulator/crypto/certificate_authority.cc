#include "emulator/crypto/certificate_authority.h"

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <ctime>

namespace mpemu::crypto {
namespace {

constexpr int64_t kDaySeconds = 24 * 3600;

std::string ToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

StatusOr<std::string> KeyToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return InternalError("cannot write private key: " + DrainOpenSslErrors());
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

StatusOr<EvpPkeyPtr> NewP256Key() {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return InternalError("cannot generate a P-256 key: " + DrainOpenSslErrors());
  return key;
}

bool IsIpLiteral(const std::string& name) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, name.c_str(), buffer) == 1 || inet_pton(AF_INET6, name.c_str(), buffer) == 1;
}

// Letters, digits, hyphens and dots in non-empty labels; a leading "*." wildcard label is allowed.
bool IsDnsName(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  std::string rest = name.rfind("*.", 0) == 0 ? name.substr(2) : name;
  size_t label = 0;
  for (char c : rest) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    if (++label > 63) return false;
  }
  return label > 0;
}

Status AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return InternalError(std::string("cannot add ") + OBJ_nid2sn(nid) + " = " + value + ": " +
                         DrainOpenSslErrors());
  }
  return Status::Ok();
}

// Version 3, a random positive 159-bit serial, the validity window, subject CN and public key.
StatusOr<X509Ptr> NewCertificate(const std::string& common_name, EVP_PKEY* key, int64_t not_before,
                                 int64_t not_after) {
  X509Ptr cert(X509_new());
  BignumPtr serial(BN_new());
  bool ok = cert && serial && X509_set_version(cert.get(), 2) == 1 &&
            BN_rand(serial.get(), 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
            BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) != nullptr &&
            ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(not_before)) != nullptr &&
            ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(not_after)) != nullptr &&
            X509_set_pubkey(cert.get(), key) == 1;
  X509_NAME* subject = ok ? X509_get_subject_name(cert.get()) : nullptr;
  ok = ok && subject &&
       X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char*>("mpemu"), -1, -1, 0) == 1 &&
       X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                  -1, 0) == 1;
  if (!ok) return InternalError("cannot build a certificate: " + DrainOpenSslErrors());
  return cert;
}

Status Sign(X509* cert, EVP_PKEY* key) {
  if (X509_sign(cert, key, EVP_sha256()) <= 0) {
    return InternalError("cannot sign a certificate: " + DrainOpenSslErrors());
  }
  return Status::Ok();
}

}  // namespace

CertificateAuthority::CertificateAuthority(X509Ptr cert, EvpPkeyPtr key, CertifiedKey material)
    : cert_(std::move(cert)), key_(std::move(key)), material_(std::move(material)) {}

StatusOr<CertificateAuthority> CertificateAuthority::Generate(const std::string& common_name,
                                                              int64_t now_seconds) {
  MPEMU_ASSIGN_OR_RETURN(EvpPkeyPtr key, NewP256Key());
  MPEMU_ASSIGN_OR_RETURN(X509Ptr cert, NewCertificate(common_name, key.get(), now_seconds - kDaySeconds,
                                                      now_seconds + 3650 * kDaySeconds));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1) {
    return InternalError("cannot set the issuer: " + DrainOpenSslErrors());
  }
  MPEMU_RETURN_IF_ERROR(AddExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
  MPEMU_RETURN_IF_ERROR(AddExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign"));
  MPEMU_RETURN_IF_ERROR(AddExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash"));
  MPEMU_RETURN_IF_ERROR(Sign(cert.get(), key.get()));
  CertifiedKey material;
  material.cert_pem = ToPem(cert.get());
  MPEMU_ASSIGN_OR_RETURN(material.key_pem, KeyToPem(key.get()));
  return CertificateAuthority(std::move(cert), std::move(key), std::move(material));
}

StatusOr<CertificateAuthority> CertificateAuthority::FromPem(const std::string& cert_pem,
                                                             const std::string& key_pem) {
  BioPtr cert_bio(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  X509Ptr cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return InvalidArgumentError("the CA certificate is not a PEM certificate: " + DrainOpenSslErrors());
  BioPtr key_bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!key) return InvalidArgumentError("the CA key is not a PEM private key: " + DrainOpenSslErrors());
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    DrainOpenSslErrors();
    return InvalidArgumentError("the CA key does not belong to the CA certificate");
  }
  if (X509_check_ca(cert.get()) < 1) return InvalidArgumentError("the certificate is not a CA");
  CertifiedKey material{cert_pem, key_pem};
  return CertificateAuthority(std::move(cert), std::move(key), std::move(material));
}

std::string CertificateAuthority::Sha256Fingerprint() const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  X509_digest(cert_.get(), EVP_sha256(), digest, &length);
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    if (i) out += ':';
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

int64_t CertificateAuthority::NotAfterSeconds() const {
  struct tm t {};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert_.get()), &t) != 1) return 0;
  return static_cast<int64_t>(timegm(&t));
}

StatusOr<CertifiedKey> CertificateAuthority::IssueServerCertificate(
    const std::vector<std::string>& names, int64_t now_seconds, int valid_days) const {
  if (names.empty()) return InvalidArgumentError("a server certificate needs at least one name");
  std::string san;
  for (const std::string& name : names) {
    std::string entry;
    if (IsIpLiteral(name)) {
      entry = "IP:" + name;
    } else if (IsDnsName(name)) {
      entry = "DNS:" + name;
    } else {
      return InvalidArgumentError("'" + name + "' is neither a DNS name nor an IP address");
    }
    if (!san.empty()) san += ',';
    san += entry;
  }
  MPEMU_ASSIGN_OR_RETURN(EvpPkeyPtr key, NewP256Key());
  const int64_t not_after = now_seconds + static_cast<int64_t>(valid_days) * kDaySeconds;
  MPEMU_ASSIGN_OR_RETURN(X509Ptr cert,
                         NewCertificate(names.front(), key.get(), now_seconds - 3600, not_after));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(cert_.get())) != 1) {
    return InternalError("cannot set the issuer: " + DrainOpenSslErrors());
  }
  MPEMU_RETURN_IF_ERROR(AddExtension(cert.get(), cert_.get(), NID_basic_constraints, "critical,CA:FALSE"));
  MPEMU_RETURN_IF_ERROR(AddExtension(cert.get(), cert_.get(), NID_key_usage, "critical,digitalSignature"));
  MPEMU_RETURN_IF_ERROR(AddExtension(cert.get(), cert_.get(), NID_ext_key_usage, "serverAuth"));
  MPEMU_RETURN_IF_ERROR(AddExtension(cert.get(), cert_.get(), NID_subject_alt_name, san));
  MPEMU_RETURN_IF_ERROR(AddExtension(cert.get(), cert_.get(), NID_subject_key_identifier, "hash"));
  MPEMU_RETURN_IF_ERROR(AddExtension(cert.get(), cert_.get(), NID_authority_key_identifier, "keyid:always"));
  MPEMU_RETURN_IF_ERROR(Sign(cert.get(), key_.get()));
  CertifiedKey out;
  out.cert_pem = ToPem(cert.get());
  MPEMU_ASSIGN_OR_RETURN(out.key_pem, KeyToPem(key.get()));
  return out;
}

}  // namespace mpemu::crypto
