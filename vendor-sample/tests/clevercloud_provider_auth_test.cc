// Basic authentication of Clever Cloud's provider calls: the catalogue's D-01..D-16 headers,
// byte for byte where the catalogue gives them (harness credentials), and the same cases for
// vendor-sample's own credentials, whose password holds two colons.
#include <gtest/gtest.h>

#include "vendor-sample/base/log.h"
#include "vendor-sample/clevercloud/provider_auth.h"
#include "vendor-sample/crypto/base64url.h"

namespace vendor_sample::clevercloud {
namespace {

// security-catalog.md §5 test credentials.
constexpr char kHarnessUser[] = "harness-addon";
constexpr char kHarnessPassword[] = "Pw0rd-0123456789-abcdefghij-KLMNOPQRS";
constexpr char kHarnessColonPassword[] = "Pw0rd:0123456789:abcdefghij:KLMNOPQRS";

// scenarios/profiles/vendor-sample.clevercloud-manifest.json. The base64 strings below were
// computed outside this code (python3 base64.b64encode), not with crypto::Base64Encode.
constexpr char kUser[] = "vendor-sample";
constexpr char kPassword[] = "5LL8OalTIZKWzizG:d7mCjI5vfHttpAG:Z50moit8A4h4WgP";
constexpr char kValid[] =
    "dmVuZG9yLXNhbXBsZTo1TEw4T2FsVElaS1d6aXpHOmQ3bUNqSTV2Zkh0dHBBRzpaNTBtb2l0OEE0aDRXZ1A=";

enum Want { kAccept, kReject };

struct Case {
  const char* name;
  std::vector<std::string> headers;
  Want want;
};

void ExpectCases(const ProviderAuth& auth, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Status s = auth.Check(c.headers);
    if (c.want == kAccept) {
      EXPECT_TRUE(s.ok()) << s.ToString();
    } else {
      EXPECT_EQ(s.code(), StatusCode::kUnauthenticated) << s.ToString();
      // D-23: the message repeats neither the header nor a credential.
      for (const std::string& h : c.headers) {
        if (h.size() > 6) {
          EXPECT_EQ(s.message().find(h.substr(6)), std::string::npos);
        }
      }
      EXPECT_EQ(s.message().find("Pw0rd"), std::string::npos);
      EXPECT_EQ(s.message().find("5LL8"), std::string::npos);
    }
  }
}

class ProviderAuthTest : public ::testing::Test {
 protected:
  void SetUp() override { SetLogEnabled(false); }
  void TearDown() override { SetLogEnabled(true); }
  Bugs none_;
};

TEST_F(ProviderAuthTest, CatalogueHeadersWithTheHarnessCredentials) {
  const ProviderAuth auth(kHarnessUser, kHarnessPassword, &none_);
  const std::string valid = "aGFybmVzcy1hZGRvbjpQdzByZC0wMTIzNDU2Nzg5LWFiY2RlZmdoaWotS0xNTk9QUVJT";
  ExpectCases(
      auth,
      {
          {"D-00 valid", {"Basic " + valid}, kAccept},
          {"D-01 no header", {}, kReject},
          {"D-02 Bearer", {"Bearer " + valid}, kReject},
          {"D-02 Digest", {"Digest username=\"harness-addon\", realm=\"r\""}, kReject},
          {"D-02 Basic alone", {"Basic"}, kReject},
          {"D-02 Basic and spaces", {"Basic    "}, kReject},
          {"D-02 Basicxyz", {"Basicxyz"}, kReject},
          {"D-02 Basic glued", {"Basic" + valid}, kReject},
          {"D-03 basic", {"basic " + valid}, kAccept},
          {"D-03 BASIC", {"BASIC " + valid}, kAccept},
          {"D-03 two spaces", {"Basic  " + valid}, kAccept},
          {"D-04 wrong user",
           {"Basic d3Jvbmc6UHcwcmQtMDEyMzQ1Njc4OS1hYmNkZWZnaGlqLUtMTU5PUFFSUw=="},
           kReject},
          {"D-05 empty user",
           {"Basic OlB3MHJkLTAxMjM0NTY3ODktYWJjZGVmZ2hpai1LTE1OT1BRUlM="},
           kReject},
          {"D-06 user upper case",
           {"Basic SEFSTkVTUy1BRERPTjpQdzByZC0wMTIzNDU2Nzg5LWFiY2RlZmdoaWotS0xNTk9QUVJT"},
           kReject},
          {"D-07 wrong password", {"Basic aGFybmVzcy1hZGRvbjp3cm9uZw=="}, kReject},
          {"D-07 empty password", {"Basic aGFybmVzcy1hZGRvbjo="}, kReject},
          {"D-07 prefix",
           {"Basic aGFybmVzcy1hZGRvbjpQdzByZC0wMTIzNDU2Nzg5LWFiY2RlZmdoaWotS0xNTk9QUVI="},
           kReject},
          {"D-07 suffix x",
           {"Basic aGFybmVzcy1hZGRvbjpQdzByZC0wMTIzNDU2Nzg5LWFiY2RlZmdoaWotS0xNTk9QUVJTeA=="},
           kReject},
          {"D-07 trailing space",
           {"Basic aGFybmVzcy1hZGRvbjpQdzByZC0wMTIzNDU2Nzg5LWFiY2RlZmdoaWotS0xNTk9QUVJTIA=="},
           kReject},
          {"D-07 trailing NUL",
           {"Basic aGFybmVzcy1hZGRvbjpQdzByZC0wMTIzNDU2Nzg5LWFiY2RlZmdoaWotS0xNTk9QUVJTAA=="},
           kReject},
          {"D-09 no colon",
           {"Basic aGFybmVzcy1hZGRvblB3MHJkLTAxMjM0NTY3ODktYWJjZGVmZ2hpai1LTE1OT1BRUlM="},
           kReject},
          {"D-10 invalid char",
           {"Basic aGFy*bmVzcy1hZGRvbjpQdzByZC0wMTIzNDU2Nzg5LWFiY2RlZmdoaWot"},
           kReject},
          {"D-10 missing padding", {"Basic aGFybmVzcy1hZGRvbjo"}, kReject},
          {"D-10 base64url alphabet",
           {"Basic " + std::string("aGFybmVzcy1hZGRvbjo_-w==")},
           kReject},
          {"D-10 embedded newline",
           {"Basic aGFybmVzcy1h\nZGRvbjpQdzByZC0wMTIzNDU2Nzg5LWFiY2RlZmdoaWotS0xNTk9QUVJT"},
           kReject},
          {"D-10 embedded space",
           {"Basic aGFybmVzcy1h ZGRvbjpQdzByZC0wMTIzNDU2Nzg5LWFiY2RlZmdoaWotS0xNTk9QUVJT"},
           kReject},
          {"D-10 trailing garbage after =", {"Basic aGFybmVzcy1hZGRvbjo=x"}, kReject},
          {"D-10 trailing garbage after padding", {"Basic aGFybmVzcy1hZGRvbjo=AAAA"}, kReject},
          {"D-10 non-canonical last char", {"Basic aGFybmVzcy1hZGRvbjp="}, kReject},
          {"D-10 empty string", {""}, kReject},
          {"D-10 trailing space after credentials", {"Basic " + valid + " "}, kReject},
          {"D-11 invalid UTF-8", {"Basic aGFybmVzcy1hZGRvbjpQdzByZP8="}, kReject},
          {"D-12 valid then invalid",
           {"Basic " + valid, "Basic aGFybmVzcy1hZGRvbjp3cm9uZw=="},
           kReject},
          {"D-12 invalid then valid",
           {"Basic aGFybmVzcy1hZGRvbjp3cm9uZw==", "Basic " + valid},
           kReject},
          {"D-12 valid twice", {"Basic " + valid, "Basic " + valid}, kReject},
          {"D-14 16 KiB header", {"Basic " + std::string(size_t{16} * 1024, 'A')}, kReject},
      });
}

TEST_F(ProviderAuthTest, D08PasswordWithColonsIsSplitAtTheFirstColon) {
  const ProviderAuth auth(kHarnessUser, kHarnessColonPassword, &none_);
  ExpectCases(auth,
              {
                  {"D-08 catalogue header",
                   {"Basic aGFybmVzcy1hZGRvbjpQdzByZDowMTIzNDU2Nzg5OmFiY2RlZmdoaWo6S0xNTk9QUVJT"},
                   kAccept},
                  {"D-08 only up to the second colon",
                   {"Basic " + crypto::Base64Encode("harness-addon:Pw0rd")},
                   kReject},
              });
}

TEST_F(ProviderAuthTest, VendorSampleCredentials) {
  const ProviderAuth auth(kUser, kPassword, &none_);
  ExpectCases(
      auth,
      {
          {"valid", {std::string("Basic ") + kValid}, kAccept},
          {"valid, lower-case scheme", {std::string("basic ") + kValid}, kAccept},
          {"wrong user",
           {"Basic d3Jvbmc6NUxMOE9hbFRJWktXeml6RzpkN21Dakk1dmZIdHRwQUc6WjUwbW9pdDhBNGg0V2dQ"},
           kReject},
          {"user upper case",
           {"Basic VkVORE9SLVNBTVBMRTo1TEw4T2FsVElaS1d6aXpHOmQ3bUNqSTV2Zkh0dHBBRzpaNTBtb2l0OEE0aDRX"
            "Z1A="},
           kReject},
          {"password minus its last character",
           {"Basic dmVuZG9yLXNhbXBsZTo1TEw4T2FsVElaS1d6aXpHOmQ3bUNqSTV2Zkh0dHBBRzpaNTBtb2l0OEE0aDRX"
            "Zw=="},
           kReject},
          {"password plus x",
           {"Basic dmVuZG9yLXNhbXBsZTo1TEw4T2FsVElaS1d6aXpHOmQ3bUNqSTV2Zkh0dHBBRzpaNTBtb2l0OEE0aDRX"
            "Z1B4"},
           kReject},
          {"password up to its first colon",
           {"Basic dmVuZG9yLXNhbXBsZTo1TEw4T2FsVElaS1d6aXpH"},
           kReject},
          {"password repeated after part of it",
           {"Basic dmVuZG9yLXNhbXBsZTo1TEw4T2FsVElaS1d6aXpHOjVMTDhPYWxUSVpLV3ppekc6ZDdtQ2pJNXZmSHR0"
            "cEFHOlo1MG1vaXQ4QTRoNFdnUA=="},
           kReject},
          {"no colon after the user",
           {"Basic dmVuZG9yLXNhbXBsZTVMTDhPYWxUSVpLV3ppekc6ZDdtQ2pJNXZmSHR0cEFHOlo1MG1vaXQ4QTRoNFdn"
            "UA=="},
           kReject},
          {"empty password", {"Basic dmVuZG9yLXNhbXBsZTo="}, kReject},
          {"Bearer", {std::string("Bearer ") + kValid}, kReject},
          {"no header", {}, kReject},
          {"twice", {std::string("Basic ") + kValid, std::string("Basic ") + kValid}, kReject},
      });
  // The encoder agrees with the literal.
  EXPECT_EQ(crypto::Base64Encode(std::string(kUser) + ":" + kPassword), kValid);
}

TEST_F(ProviderAuthTest, StrictBase64) {
  EXPECT_EQ(*crypto::Base64DecodeStrict("aGk="), "hi");
  EXPECT_EQ(*crypto::Base64DecodeStrict("aGk/"), std::string("hi?"));
  EXPECT_EQ(*crypto::Base64DecodeStrict("+/+/"), std::string("\xfb\xff\xbf"));
  for (const char* bad : {"", "aGk", "aGk==", "a===", "====", "aG=k", "aGl=", "aGk=\n",
                          " aGk=", "aGk_", "aGk-", "aGk=aGk="}) {
    EXPECT_FALSE(crypto::Base64DecodeStrict(bad).ok()) << "\"" << bad << "\"";
  }
  for (const std::string& bytes : {std::string(""), std::string("a"), std::string("ab"),
                                   std::string("abc"), std::string("\0\xff\x10", 3)}) {
    if (bytes.empty()) continue;
    EXPECT_EQ(*crypto::Base64DecodeStrict(crypto::Base64Encode(bytes)), bytes);
  }
}

TEST_F(ProviderAuthTest, PlantedPasswordOnlyIgnoresTheUser) {
  const Bugs bugs = *Bugs::Parse("cc-password-only");
  const ProviderAuth auth(kHarnessUser, kHarnessPassword, &bugs);
  EXPECT_TRUE(
      auth.Check({"Basic d3Jvbmc6UHcwcmQtMDEyMzQ1Njc4OS1hYmNkZWZnaGlqLUtMTU5PUFFSUw=="}).ok());
  EXPECT_FALSE(auth.Check({"Basic aGFybmVzcy1hZGRvbjp3cm9uZw=="}).ok());
}

TEST_F(ProviderAuthTest, PlantedPasswordPrefixAcceptsASuffix) {
  const Bugs bugs = *Bugs::Parse("cc-password-prefix");
  const ProviderAuth auth(kHarnessUser, kHarnessPassword, &bugs);
  EXPECT_TRUE(auth.Check({"Basic aGFybmVzcy1hZGRvbjpQdzByZC0wMTIzNDU2Nzg5LWFiY2RlZmdoaWotS0xNTk9Q"
                          "UVJTeA=="})
                  .ok());
  EXPECT_FALSE(auth.Check({"Basic aGFybmVzcy1hZGRvbjpQdzByZC0wMTIzNDU2Nzg5LWFiY2RlZmdoaWotS0xNTk9Q"
                           "UVI="})
                   .ok());
}

TEST_F(ProviderAuthTest, PlantedAuth500MakesMalformedHeadersInternal) {
  const Bugs bugs = *Bugs::Parse("cc-auth-500");
  const ProviderAuth auth(kHarnessUser, kHarnessPassword, &bugs);
  EXPECT_EQ(auth.Check({"Bearer x"}).code(), StatusCode::kInternal);
  EXPECT_EQ(auth.Check({"Basic aGFybmVzcy1hZGRvblB3MHJk"}).code(), StatusCode::kInternal);
  EXPECT_EQ(auth.Check({}).code(), StatusCode::kUnauthenticated);  // missing is not malformed
  EXPECT_EQ(auth.Check({"Basic aGFybmVzcy1hZGRvbjp3cm9uZw=="}).code(),
            StatusCode::kUnauthenticated);
}

TEST_F(ProviderAuthTest, RequireAnswers401WithAChallengeBeforeTheHandlerRuns) {
  const ProviderAuth auth(kUser, kPassword, &none_);
  int calls = 0;
  const web::Handler handler = auth.Require([&calls](const web::Request&) {
    ++calls;
    return web::Reply::Json(200, {{"ok", true}});
  });
  web::Request request;
  request.method = "POST";
  request.body = "{not json";
  web::Reply refused = handler(request);
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(calls, 0);
  bool challenged = false;
  for (const auto& [name, value] : refused.headers) {
    challenged =
        challenged || (name == "WWW-Authenticate" && value == "Basic realm=\"vendor-sample\"");
  }
  EXPECT_TRUE(challenged);
  request.headers.emplace("authorization", std::string("Basic ") + kValid);
  EXPECT_EQ(handler(request).status, 200);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace vendor_sample::clevercloud
