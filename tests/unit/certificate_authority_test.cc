#include "emulator/crypto/certificate_authority.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace mpemu::crypto {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::HasSubstr;

const int64_t kNow = static_cast<int64_t>(std::time(nullptr));

X509Ptr ParseCert(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

// What a TLS client does: chain to the trusted CA, purpose sslserver, the host name (or IP) checked
// against subjectAltName. Returns the X509 verify error (X509_V_OK when accepted).
int Verify(const std::string& ca_pem, const std::string& leaf_pem, const std::string& host,
           int64_t at = kNow) {
  X509Ptr ca = ParseCert(ca_pem);
  X509Ptr leaf = ParseCert(leaf_pem);
  X509StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), ca.get());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), nullptr);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT | X509_V_FLAG_USE_CHECK_TIME);
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(at));
  if (host.find(':') != std::string::npos || (!host.empty() && std::isdigit(host[0]))) {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
  }
  X509_verify_cert(ctx.get());
  return X509_STORE_CTX_get_error(ctx.get());
}

TEST(CertificateAuthorityTest, IssuedLeafVerifiesForEachOfItsNamesOnly) {
  ASSERT_OK_AND_ASSIGN(CertificateAuthority ca, CertificateAuthority::Generate("mpemu test CA", kNow));
  ASSERT_OK_AND_ASSIGN(CertifiedKey leaf,
                       ca.IssueServerCertificate({"keys.marketplace.stackit.cloud", "localhost",
                                                  "127.0.0.1", "::1"},
                                                 kNow));
  EXPECT_EQ(Verify(ca.cert_pem(), leaf.cert_pem, "keys.marketplace.stackit.cloud"), X509_V_OK);
  EXPECT_EQ(Verify(ca.cert_pem(), leaf.cert_pem, "localhost"), X509_V_OK);
  EXPECT_EQ(Verify(ca.cert_pem(), leaf.cert_pem, "127.0.0.1"), X509_V_OK);
  EXPECT_EQ(Verify(ca.cert_pem(), leaf.cert_pem, "::1"), X509_V_OK);
  EXPECT_EQ(Verify(ca.cert_pem(), leaf.cert_pem, "api.clever-cloud.com"), X509_V_ERR_HOSTNAME_MISMATCH);
  EXPECT_EQ(Verify(ca.cert_pem(), leaf.cert_pem, "127.0.0.2"), X509_V_ERR_IP_ADDRESS_MISMATCH);
}

TEST(CertificateAuthorityTest, LeafIsValidNowAndNotForever) {
  ASSERT_OK_AND_ASSIGN(CertificateAuthority ca, CertificateAuthority::Generate("mpemu test CA", kNow));
  ASSERT_OK_AND_ASSIGN(CertifiedKey leaf, ca.IssueServerCertificate({"localhost"}, kNow, 30));
  EXPECT_EQ(Verify(ca.cert_pem(), leaf.cert_pem, "localhost", kNow - 60), X509_V_OK);
  EXPECT_EQ(Verify(ca.cert_pem(), leaf.cert_pem, "localhost", kNow + 31 * 86400),
            X509_V_ERR_CERT_HAS_EXPIRED);
  EXPECT_GT(ca.NotAfterSeconds(), kNow + 9 * 365 * 86400);
}

TEST(CertificateAuthorityTest, LeafFromAnotherCaIsRejected) {
  ASSERT_OK_AND_ASSIGN(CertificateAuthority ca, CertificateAuthority::Generate("one", kNow));
  ASSERT_OK_AND_ASSIGN(CertificateAuthority other, CertificateAuthority::Generate("two", kNow));
  ASSERT_OK_AND_ASSIGN(CertifiedKey leaf, other.IssueServerCertificate({"localhost"}, kNow));
  EXPECT_NE(Verify(ca.cert_pem(), leaf.cert_pem, "localhost"), X509_V_OK);
}

TEST(CertificateAuthorityTest, LeafCannotActAsCa) {
  ASSERT_OK_AND_ASSIGN(CertificateAuthority ca, CertificateAuthority::Generate("mpemu test CA", kNow));
  ASSERT_OK_AND_ASSIGN(CertifiedKey leaf, ca.IssueServerCertificate({"localhost"}, kNow));
  EXPECT_THAT(CertificateAuthority::FromPem(leaf.cert_pem, leaf.key_pem).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not a CA")));
}

TEST(CertificateAuthorityTest, RoundTripsThroughPemAndKeepsItsIdentity) {
  ASSERT_OK_AND_ASSIGN(CertificateAuthority ca, CertificateAuthority::Generate("mpemu test CA", kNow));
  ASSERT_OK_AND_ASSIGN(CertificateAuthority again, CertificateAuthority::FromPem(ca.cert_pem(), ca.key_pem()));
  EXPECT_EQ(again.Sha256Fingerprint(), ca.Sha256Fingerprint());
  EXPECT_EQ(ca.Sha256Fingerprint().size(), 32u * 3 - 1);
  // Leaves the reloaded CA issues chain to the original certificate.
  ASSERT_OK_AND_ASSIGN(CertifiedKey leaf, again.IssueServerCertificate({"imp.pandium.io"}, kNow));
  EXPECT_EQ(Verify(ca.cert_pem(), leaf.cert_pem, "imp.pandium.io"), X509_V_OK);
}

TEST(CertificateAuthorityTest, FromPemRejectsBrokenOrMismatchedMaterial) {
  ASSERT_OK_AND_ASSIGN(CertificateAuthority ca, CertificateAuthority::Generate("one", kNow));
  ASSERT_OK_AND_ASSIGN(CertificateAuthority other, CertificateAuthority::Generate("two", kNow));
  EXPECT_THAT(CertificateAuthority::FromPem(ca.cert_pem(), other.key_pem()).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("does not belong")));
  EXPECT_THAT(CertificateAuthority::FromPem("garbage", ca.key_pem()).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not a PEM certificate")));
  EXPECT_THAT(CertificateAuthority::FromPem(ca.cert_pem(), "").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not a PEM private key")));
}

TEST(CertificateAuthorityTest, RejectsNamesThatAreNeitherHostsNorAddresses) {
  ASSERT_OK_AND_ASSIGN(CertificateAuthority ca, CertificateAuthority::Generate("mpemu test CA", kNow));
  EXPECT_THAT(ca.IssueServerCertificate({}, kNow).status(), StatusIs(StatusCode::kInvalidArgument));
  for (const char* bad : {"", "a..b", "host name", "evil/path", ".lead", "trail."}) {
    EXPECT_THAT(ca.IssueServerCertificate({bad}, kNow).status(), StatusIs(StatusCode::kInvalidArgument))
        << bad;
  }
  EXPECT_OK(ca.IssueServerCertificate({"*.pandium.io"}, kNow).status());
}

}  // namespace
}  // namespace mpemu::crypto
