// A local certificate authority: the CA that lets unmodified vendor code reach the emulator under
// the marketplaces' real hostnames (through the proxy mode or `serve --tls`).
//
// Keys are ECDSA P-256: generating one takes well under a millisecond, so leaves are issued on
// every start and only the CA is kept (in the store, so it survives restarts with a state file).
// Certificates follow what strict verifiers want (Python 3.13's VERIFY_X509_STRICT, Go, Java):
// the CA has critical basicConstraints CA:TRUE and keyUsage keyCertSign/cRLSign plus a subject key
// identifier; a leaf has subjectAltName (DNS names and IP addresses), extendedKeyUsage serverAuth,
// basicConstraints CA:FALSE and an authority key identifier.
#ifndef MPEMU_EMULATOR_CRYPTO_CERTIFICATE_AUTHORITY_H_
#define MPEMU_EMULATOR_CRYPTO_CERTIFICATE_AUTHORITY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "emulator/core/status.h"
#include "emulator/crypto/openssl_handles.h"

namespace mpemu::crypto {

// A certificate with its private key, both PEM.
struct CertifiedKey {
  std::string cert_pem;
  std::string key_pem;  // PKCS#8 "PRIVATE KEY"
};

class CertificateAuthority {
 public:
  // A new CA named `common_name`, valid from a day before `now_seconds` for ten years.
  static StatusOr<CertificateAuthority> Generate(const std::string& common_name, int64_t now_seconds);
  // The CA kept from an earlier run. InvalidArgument when either PEM does not parse, the key does
  // not belong to the certificate, or the certificate is not a CA.
  static StatusOr<CertificateAuthority> FromPem(const std::string& cert_pem, const std::string& key_pem);

  CertificateAuthority(CertificateAuthority&&) = default;
  CertificateAuthority& operator=(CertificateAuthority&&) = default;

  const std::string& cert_pem() const { return material_.cert_pem; }
  const std::string& key_pem() const { return material_.key_pem; }
  // "AB:CD:..." (SHA-256 of the DER certificate), for people comparing what they trust.
  std::string Sha256Fingerprint() const;
  // The certificate's notAfter, seconds since the epoch.
  int64_t NotAfterSeconds() const;

  // A server certificate for `names` (DNS names or IPv4/IPv6 literals; the first is also the CN),
  // valid from an hour before `now_seconds` for `valid_days`. InvalidArgument for an empty list or
  // a name that is neither a plausible DNS name nor an IP literal.
  StatusOr<CertifiedKey> IssueServerCertificate(const std::vector<std::string>& names,
                                                int64_t now_seconds, int valid_days = 397) const;

 private:
  CertificateAuthority(X509Ptr cert, EvpPkeyPtr key, CertifiedKey material);

  X509Ptr cert_;
  EvpPkeyPtr key_;
  CertifiedKey material_;
};

}  // namespace mpemu::crypto

#endif  // MPEMU_EMULATOR_CRYPTO_CERTIFICATE_AUTHORITY_H_
