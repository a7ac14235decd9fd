// Clever Cloud SSO verification: the catalogue's C-00..C-19 cases that concern the form itself
// (C-20/C-21/C-23 need the handler and the store: clevercloud_flow_test). Every negative case
// changes one property and re-signs the rest correctly with the salt, so a rejection is caused by
// that property and not by a stale or wrong signature.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "vendor-sample/clevercloud/sso_verifier.h"
#include "vendor-sample/crypto/digest.h"
#include "vendor-sample/net/url.h"

namespace vendor_sample::clevercloud {
namespace {

// security-catalog.md §4 baseline vector.
constexpr char kSalt[] = "harness-sso-salt-0123456789abcdef0123456789";
constexpr char kId[] = "addon_harness_1";
constexpr char kUserId[] = "user_00000000-0000-4000-8000-000000000001";
constexpr char kEmail[] = "first.last+tag@example.com";
constexpr int64_t kNow = 1767225600000;
constexpr char kBaselineSignature[] =
    "628efd21b8d18c2e9267292c5e2149102dbb19045533278e58b7d4fbfc82db395d40df08738afe0c288c255429be"
    "3d86f55adfb038e32a24bb2b47b795d2633b";
constexpr char kBaselineBody[] =
    "id=addon_harness_1&timestamp=1767225600000&nav-data=&email=first.last%2Btag%40example.com&"
    "user_id=user_00000000-0000-4000-8000-000000000001&signature="
    "628efd21b8d18c2e9267292c5e2149102dbb19045533278e58b7d4fbfc82db395d40df08738afe0c288c255429be"
    "3d86f55adfb038e32a24bb2b47b795d2633b";

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string Sign(const std::string& id, const std::string& user_id, const std::string& email,
                 const std::string& nav, const std::string& ts, const std::string& salt = kSalt) {
  return crypto::HexEncode(
      crypto::Sha512(id + ":" + user_id + ":" + email + ":" + nav + ":" + salt + ":" + ts));
}

// The baseline fields with `ts`, correctly signed.
Fields Baseline(const std::string& ts = std::to_string(kNow)) {
  return {{"id", kId},          {"timestamp", ts},
          {"nav-data", ""},     {"email", kEmail},
          {"user_id", kUserId}, {"signature", Sign(kId, kUserId, kEmail, "", ts)}};
}

Fields With(Fields fields, const std::string& name, const std::string& value) {
  for (auto& [n, v] : fields) {
    if (n == name) v = value;
  }
  return fields;
}

Fields Without(const Fields& fields, const std::string& name) {
  Fields out;
  for (const auto& f : fields) {
    if (f.first != name) out.push_back(f);
  }
  return out;
}

// Through the wire encoding and the strict decoder, as the handler does it.
web::Params Form(const Fields& fields) { return *ParseFormStrict(net::FormEncode(fields)); }

std::string HmacSha512Hex(const std::string& key, const std::string& msg) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out, &len);
  return crypto::HexEncode(std::string(reinterpret_cast<char*>(out), len));
}

class SsoVerifierTest : public ::testing::Test {
 protected:
  SsoVerifierTest() : clock_(kNow), verifier_(kSalt, SsoOptions{}, &clock_, &bugs_) {}

  // Verifies and checks the outcome; rejections must not reveal the salt or the signature the
  // verifier expected (C-25).
  void Expect(const web::Params& form, StatusCode want, const std::string& what) {
    SCOPED_TRACE(what);
    StatusOr<SsoLogin> login = verifier_.Verify(form);
    EXPECT_EQ(login.status().code(), want) << login.status().ToString();
    if (login.ok()) return;
    const std::string message = login.status().message();
    EXPECT_EQ(message.find(kSalt), std::string::npos);
    const auto get = [&form](const char* name) {
      const auto it = form.find(name);
      return it == form.end() ? std::string() : it->second;
    };
    const std::string expected =
        Sign(get("id"), get("user_id"), get("email"), get("nav-data"), get("timestamp"));
    EXPECT_EQ(message.find(expected.substr(0, 16)), std::string::npos);
  }
  void Accept(const Fields& f, const std::string& what) { Expect(Form(f), StatusCode::kOk, what); }
  void Malformed(const Fields& f, const std::string& what) {
    Expect(Form(f), StatusCode::kInvalidArgument, what);
  }
  void Refused(const Fields& f, const std::string& what) {
    Expect(Form(f), StatusCode::kPermissionDenied, what);
  }

  ManualClock clock_;
  Bugs bugs_;
  SsoVerifier verifier_;
};

TEST_F(SsoVerifierTest, DocumentedVectorsAndTheCatalogueBaselineBody) {
  EXPECT_EQ(Sign(kId, kUserId, kEmail, "", std::to_string(kNow)), kBaselineSignature);
  EXPECT_EQ(SsoSignature(kId, kUserId, kEmail, "", kSalt, std::to_string(kNow)),
            kBaselineSignature);
  // clevercloud.md §3.7.
  EXPECT_EQ(SsoSignature("addon_12345", "user_cccdddee-efff-4445-5566-6777888999aa", "me@my.self",
                         "", "s3cr3t-salt", "1700000000000"),
            "8a1cdb8633c0fd5aacaa6f72ecba85844dff27f09aa8272ad75e32567884afe8cb8e4dba8707586303d4fb"
            "1e4daa79f09392a6fa1b72b1772aa23b5f01571780");

  // C-00 / C-14: the exact catalogue body, with '+' and '@' percent-encoded.
  StatusOr<web::Params> form = ParseFormStrict(kBaselineBody);
  ASSERT_TRUE(form.ok());
  StatusOr<SsoLogin> login = verifier_.Verify(*form);
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_EQ(login->id, kId);
  EXPECT_EQ(login->user_id, kUserId);
  EXPECT_EQ(login->email, kEmail);
  EXPECT_EQ(login->nav_data, "");
  EXPECT_EQ(login->timestamp_ms, kNow);
}

TEST_F(SsoVerifierTest, SignatureCases) {
  const std::string ts = std::to_string(kNow);
  const std::string good = Sign(kId, kUserId, kEmail, "", ts);
  std::string flipped = good;
  flipped[77] = flipped[77] == 'a' ? 'b' : 'a';
  std::string upper = good;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));

  Accept(Baseline(), "C-00 positive control");
  Accept(With(Baseline(), "token", "58761ec92a06e63082f8fcf51e6c943088fc8604"),
         "a legacy token is ignored");
  Refused(With(Baseline(), "signature", flipped), "C-01 one hex digit flipped");
  Refused(With(Baseline(), "signature", Sign(kId, kUserId, kEmail, "", ts, "wrong-salt")),
          "C-02 wrong salt");
  Refused(With(Baseline(), "signature",
               crypto::HexEncode(crypto::Sha512(std::string(kUserId) + ":" + kId + ":" + kEmail +
                                                "::" + kSalt + ":" + ts))),
          "C-03 fields reordered");
  Refused(With(Baseline(), "signature",
               crypto::HexEncode(crypto::Sha512(std::string(kId) + ":" + kUserId + ":" + kEmail +
                                                ":" + kSalt + ":" + ts))),
          "C-03 nav-data left out of the string");
  Refused(With(Baseline(), "signature",
               HmacSha512Hex(kSalt, std::string(kId) + ":" + kUserId + ":" + kEmail + "::" + ts)),
          "C-03 HMAC-SHA512 instead of the documented hash");
  Refused(With(Baseline(), "signature",
               HmacSha512Hex(kSalt, std::string(kId) + ":" + kUserId + ":" + kEmail + "::" + kSalt +
                                        ":" + ts)),
          "C-03 HMAC-SHA512 over the documented string");
  Refused(
      With(Baseline(), "signature", Sign(kId, kUserId, kEmail, "", std::to_string(kNow / 1000))),
      "C-03 signed over seconds, sent in milliseconds");
  Malformed(With(Baseline(), "signature", good.substr(0, 64)), "C-04 truncated to 64");
  Malformed(With(Baseline(), "signature", ""), "C-04 empty");
  Malformed(With(Baseline(), "signature", good.substr(0, 127)), "C-04 127 characters");
  Malformed(With(Baseline(), "signature", good + "0"), "C-04 129 characters");
  Malformed(With(Baseline(), "signature", good + "00"), "C-04 valid plus 00");
  Refused(With(Baseline(), "signature", upper), "C-05 upper-case hex (consistently refused)");
  Malformed(With(Baseline(), "signature", std::string(128, 'z')), "C-06 non-hex");
  Malformed(With(Baseline(), "signature", good.substr(0, 127) + "g"), "C-06 one non-hex");
  Malformed(With(Baseline(), "signature", " " + good.substr(1)), "C-06 leading space");
}

TEST_F(SsoVerifierTest, TimestampCases) {
  Refused(Baseline(std::to_string(kNow - 360000)), "C-07 six minutes old, re-signed");
  Accept(Baseline(std::to_string(kNow - 299000)), "4 min 59 s old");
  Accept(Baseline(std::to_string(kNow - 300000)), "exactly max age");
  Refused(Baseline(std::to_string(kNow - 300001)), "1 ms over max age");
  Refused(Baseline(std::to_string(kNow + 600000)), "C-10 ten minutes ahead");
  Refused(Baseline(std::to_string(kNow + 31536000000)), "C-10 a year ahead");
  Accept(Baseline(std::to_string(kNow + 60000)), "exactly max skew ahead");
  Refused(Baseline(std::to_string(kNow + 60001)), "1 ms over max skew");
  Malformed(Baseline(std::to_string(kNow / 1000)), "C-11 seconds");
  Refused(Baseline("1451606400000"), "C-11 ten years old");
  for (const std::string& ts :
       {std::string(""), std::string("NaN"), std::string("abc"), std::string("1e12"),
        std::string("-1"), " " + std::to_string(kNow), std::to_string(kNow) + ".0",
        "+" + std::to_string(kNow), std::string("0x19B7B1E6800"), std::string("0x19b7b1e680000"),
        std::string("17672256000000000000"), std::to_string(kNow) + " ",
        std::to_string(kNow) + "\n", std::string("1767225600000\0", 14),
        std::string("-767225600000"), std::string("１７６７２２５６０００００")}) {
    Malformed(Baseline(ts), "C-12 timestamp \"" + ts + "\"");
  }
  // C-13: old timestamp || SHA-512 padding || fresh timestamp (re-signed with the salt here).
  std::string extended = std::to_string(kNow - 3600000);
  extended += '\x80';
  extended += std::string(30, '\0');
  extended += std::to_string(kNow);
  Malformed(Baseline(extended), "C-13 length-extension-shaped timestamp");
}

TEST_F(SsoVerifierTest, ReplayAfterTheWindowIsRefused) {
  const web::Params captured = Form(Baseline());
  Expect(captured, StatusCode::kOk, "fresh");
  clock_.Advance(int64_t{6} * 60 * 1000);
  Expect(captured, StatusCode::kPermissionDenied, "C-08 the same POST six minutes later");
}

TEST_F(SsoVerifierTest, EncodingCases) {
  const std::string ts = std::to_string(kNow);
  const std::string c14 = Sign(kId, kUserId, kEmail, "", ts);
  const std::string rest =
      "id=addon_harness_1&timestamp=" + ts + "&nav-data=&user_id=" + kUserId + "&signature=" + c14;
  Expect(*ParseFormStrict(rest + "&email=first.last%2Btag%40example.com"), StatusCode::kOk,
         "C-14 encoded + and @");
  Expect(*ParseFormStrict(rest + "&email=first.last+tag%40example.com"),
         StatusCode::kPermissionDenied, "C-15 raw + (a space)");
  Expect(*ParseFormStrict(rest + "&email=first.last%252Btag%40example.com"),
         StatusCode::kPermissionDenied, "C-15 double-encoded %252B");
  const std::string nfc = "j\xc3\xbcrgen@ex\xc3\xa4mple.de";
  const std::string nfd = "ju\xcc\x88rgen@exa\xcc\x88mple.de";
  Accept(With(With(Baseline(), "email", nfc), "signature", Sign(kId, kUserId, nfc, "", ts)),
         "C-16 control: NFC signed, NFC sent");
  Refused(With(With(Baseline(), "email", nfd), "signature", Sign(kId, kUserId, nfc, "", ts)),
          "C-16 NFD sent, NFC signed");
  for (const char* bad : {"id=a%zz", "id=%4", "id=abc%", "id=ok&email=%G0"}) {
    EXPECT_FALSE(ParseFormStrict(bad).ok()) << bad;
  }
  EXPECT_EQ(ParseFormStrict("a=1&&b=x+y%21&c")->size(), 3u);
}

TEST_F(SsoVerifierTest, FieldCases) {
  const std::string ts = std::to_string(kNow);
  // C-17: both readings hash to the same string; both are refused by the field formats.
  const std::string sig17 = Sign("addon_harness_1:user_x", "a@b.example", "", "", ts);
  EXPECT_EQ(sig17, Sign("addon_harness_1", "user_x:a@b.example", "", "", ts));
  Malformed({{"id", "addon_harness_1:user_x"},
             {"timestamp", ts},
             {"email", ""},
             {"user_id", "a@b.example"},
             {"signature", sig17}},
            "C-17 ':' in id");
  Malformed({{"id", "addon_harness_1"},
             {"timestamp", ts},
             {"email", ""},
             {"user_id", "user_x:a@b.example"},
             {"signature", sig17}},
            "C-17 ':' in user_id");
  Malformed(With(With(Baseline(), "email", "a:b@example.com"), "signature",
                 Sign(kId, kUserId, "a:b@example.com", "", ts)),
            "':' in email");
  Malformed(With(With(Baseline(), "id", "../vs-1"), "signature",
                 Sign("../vs-1", kUserId, kEmail, "", ts)),
            "path characters in id");
  Malformed(With(With(Baseline(), "email", "a@b\n.example"), "signature",
                 Sign(kId, kUserId, "a@b\n.example", "", ts)),
            "control character in email");

  // C-18: each required field left out, the signature computed over the rest (as "").
  for (const char* field : {"id", "timestamp", "email", "user_id"}) {
    Fields f = Without(Baseline(), field);
    const auto get = [&f](const char* n) {
      for (const auto& [k, v] : f) {
        if (k == n) return v;
      }
      return std::string();
    };
    f = With(f, "signature",
             Sign(get("id"), get("user_id"), get("email"), get("nav-data"), get("timestamp")));
    Malformed(f, std::string("C-18 without ") + field);
  }
  Malformed(Without(Baseline(), "signature"), "C-18 without signature");
  Accept(Without(Baseline(), "nav-data"), "C-18 nav-data absent is \"\"");
  Accept(With(With(Baseline(), "nav-data", "eyJhZGRvbiI6InZzIn0"), "signature",
              Sign(kId, kUserId, kEmail, "eyJhZGRvbiI6InZzIn0", ts)),
         "nav-data is signed");
  Refused(With(Baseline(), "nav-data", "eyJhZGRvbiI6InZzIn0"), "unsigned nav-data");

  // C-19: repeated fields.
  const Fields base = Baseline();
  Fields bad_good = base;
  bad_good.insert(bad_good.begin(), {"signature", std::string(128, '0')});
  Malformed(bad_good, "C-19 signature bad then good");
  Fields good_bad = base;
  good_bad.push_back({"signature", std::string(128, '0')});
  Malformed(good_bad, "C-19 signature good then bad");
  Fields two_ids = base;
  two_ids.push_back({"id", "addon_other"});
  Malformed(two_ids, "C-19 id=A&id=B");
  Fields two_navs = base;
  two_navs.push_back({"nav-data", ""});
  Malformed(two_navs, "repeated nav-data");

  // Tampering with identity fields while keeping the signature (the reason for the 2025 scheme).
  Refused(With(Baseline(), "email", "victim@example.com"), "email changed, old signature");
  Refused(With(Baseline(), "user_id", "user_00000000-0000-4000-8000-000000000002"),
          "user_id changed, old signature");
  Refused(With(Baseline(), "id", "addon_harness_2"), "id changed, old signature");
}

TEST_F(SsoVerifierTest, PlantedNoTimestampCheckAcceptsStaleAndMalformed) {
  bugs_ = *Bugs::Parse("cc-no-timestamp-check");
  Accept(Baseline(std::to_string(kNow - 3600000)), "stale");
  Accept(Baseline(std::to_string(kNow / 1000)), "seconds");
  Accept(Baseline("NaN"), "NaN");
  Refused(With(Baseline(), "email", "victim@example.com"), "the signature still counts");
}

TEST_F(SsoVerifierTest, PlantedNoSignatureCheckAcceptsAnySignature) {
  bugs_ = *Bugs::Parse("cc-no-signature-check");
  Accept(With(Baseline(), "signature", std::string(128, '0')), "zeros");
  Accept(With(Baseline(), "email", "victim@example.com"), "tampered email");
  Accept(Without(Baseline(), "signature"), "no signature");
  Refused(Baseline(std::to_string(kNow - 360000)), "the timestamp still counts");
}

}  // namespace
}  // namespace vendor_sample::clevercloud
