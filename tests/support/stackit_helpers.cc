#include "tests/support/stackit_helpers.h"

#include <gtest/gtest.h>

#include <regex>

#include "emulator/crypto/jwt.h"
#include "emulator/http/message.h"

namespace mpemu::testing {

Assertion SdkAssertion(const nlohmann::json& credentials, int64_t now_seconds) {
  Assertion a;
  a.header = {{"alg", "RS512"}, {"kid", credentials.value("kid", "")}, {"typ", "JWT"}};
  a.claims = {{"iss", credentials.value("iss", "")},
              {"sub", credentials.value("sub", "")},
              {"aud", credentials.value("aud", "")},
              {"jti", "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"},
              {"iat", now_seconds},
              {"exp", now_seconds + 3600}};
  return a;
}

std::string SignAssertion(const Assertion& assertion, const crypto::RsaKey& key) {
  const std::string alg = assertion.header.value("alg", "");
  crypto::JwsAlg jws = crypto::JwsAlg::kRs512;
  if (alg == "RS256") jws = crypto::JwsAlg::kRs256;
  if (alg == "RS384") jws = crypto::JwsAlg::kRs384;
  StatusOr<std::string> token =
      crypto::EncodeJwt(assertion.header, assertion.claims, crypto::RsaSigner(key, jws));
  EXPECT_TRUE(token.ok()) << token.status().ToString();
  return token.ok() ? *token : "";
}

std::string FormBody(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += http::UrlEncode(name) + "=" + http::UrlEncode(value);
  }
  return out;
}

nlohmann::json JwtHeader(const std::string& token) {
  StatusOr<crypto::DecodedJwt> jwt = crypto::DecodeJwt(token);
  return jwt.ok() ? jwt->header : nlohmann::json();
}

nlohmann::json JwtClaims(const std::string& token) {
  StatusOr<crypto::DecodedJwt> jwt = crypto::DecodeJwt(token);
  return jwt.ok() ? jwt->payload : nlohmann::json();
}

::testing::AssertionResult IsStackitError(const http::Response& r, int status, const std::string& path) {
  auto fail = [&](const std::string& why) {
    return ::testing::AssertionFailure() << why << "\n  reply: " << r.status << " "
                                         << r.Header("Content-Type") << " " << r.body.substr(0, 500);
  };
  if (r.status != status) return fail("status " + std::to_string(r.status) + ", want " + std::to_string(status));
  if (r.Header("Content-Type").rfind("application/json", 0) != 0) return fail("content type is not application/json");
  const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object()) return fail("body is not a JSON object");
  if (j.size() != 5) return fail("body does not have exactly five members");
  if (j.value("error", nlohmann::json()) != http::ReasonPhrase(status)) {
    return fail(std::string("error is not \"") + http::ReasonPhrase(status) + "\"");
  }
  if (!j.contains("message") || !j["message"].is_string() || j["message"].get<std::string>().empty()) {
    return fail("message is not a non-empty string");
  }
  if (j.value("path", nlohmann::json()) != path) return fail("path is not " + path);
  if (j.value("status", nlohmann::json()) != status) return fail("status member is wrong");
  static const std::regex kRfc3339(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z)");
  if (!j.contains("timeStamp") || !j["timeStamp"].is_string() ||
      !std::regex_match(j["timeStamp"].get<std::string>(), kRfc3339)) {
    return fail("timeStamp is not an RFC 3339 UTC time");
  }
  return ::testing::AssertionSuccess();
}

}  // namespace mpemu::testing
