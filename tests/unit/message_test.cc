#include "emulator/http/message.h"

#include <gtest/gtest.h>

namespace mpemu::http {
namespace {

TEST(HeadersTest, NamesAreCaseInsensitive) {
  Request r;
  r.headers.emplace("Content-Type", "application/json");
  r.headers.emplace("authorization", "Bearer a");
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(r.Header("Authorization"), "Bearer a");
  EXPECT_TRUE(r.HasHeader("AUTHORIZATION"));
  EXPECT_FALSE(r.HasHeader("Accept"));
  EXPECT_EQ(r.Header("Accept"), "");
}

TEST(RequestTest, ParamsAndContext) {
  Request r;
  r.params.emplace("limit", "5");
  r.params.emplace("tag", "a");
  r.params.emplace("tag", "b");
  EXPECT_EQ(r.Param("limit"), "5");
  EXPECT_EQ(r.Param("tag"), "a");
  EXPECT_EQ(r.ParamCount("tag"), 2u);
  EXPECT_EQ(r.Param("cursor"), std::nullopt);
  r.context["auth.project"] = "p";
  EXPECT_EQ(r.Context("auth.project"), "p");
  EXPECT_EQ(r.Context("other"), "");
}

TEST(ReplyTest, Builders) {
  const Reply json = Reply::Json(201, {{"a", 1}});
  EXPECT_EQ(json.status, 201);
  EXPECT_EQ(json.body, "{\"a\":1}");
  EXPECT_EQ(json.content_type, "application/json");

  const Reply text = Reply::Text(200, "hi");
  EXPECT_EQ(text.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(text.body, "hi");

  const Reply html = Reply::Html(404, "<p>x</p>");
  EXPECT_EQ(html.status, 404);
  EXPECT_EQ(html.content_type, "text/html; charset=utf-8");

  Reply none = Reply::NoContent();
  EXPECT_EQ(none.status, 204);
  EXPECT_EQ(none.body, "");
  EXPECT_EQ(none.content_type, "");
  none.WithHeader("Cache-Control", "no-store").WithHeader("X-A", "1");
  EXPECT_EQ(none.headers.size(), 2u);
  EXPECT_EQ(none.headers.find("cache-control")->second, "no-store");
}

// Regression: a percent-decoded path with a byte such as %FF, echoed into an error reply, made
// dump() throw from inside the error path and terminated the emulator.
TEST(ReplyTest, JsonOfInvalidUtf8IsReplacedNotThrown) {
  Reply r;
  ASSERT_NO_THROW(r = Reply::Json(404, {{"path", "/v1/x\xff\xfe"}, {"message", "Subscription \xc3 not found."}}));
  EXPECT_EQ(r.status, 404);
  const nlohmann::json body = nlohmann::json::parse(r.body);  // valid JSON, valid UTF-8
  EXPECT_EQ(body["path"], "/v1/x\xEF\xBF\xBD\xEF\xBF\xBD");  // U+FFFD each
  EXPECT_EQ(body["message"], "Subscription \xEF\xBF\xBD not found.");
  EXPECT_EQ(Reply::Json(200, {{"ok", "gr\xC3\xBC\xC3\x9F"}}).body, "{\"ok\":\"gr\xC3\xBC\xC3\x9F\"}");  // valid UTF-8 kept
}

TEST(ReasonPhraseTest, KnowsTheUsualStatuses) {
  EXPECT_STREQ(ReasonPhrase(200), "OK");
  EXPECT_STREQ(ReasonPhrase(204), "No Content");
  EXPECT_STREQ(ReasonPhrase(400), "Bad Request");
  EXPECT_STREQ(ReasonPhrase(401), "Unauthorized");
  EXPECT_STREQ(ReasonPhrase(403), "Forbidden");
  EXPECT_STREQ(ReasonPhrase(404), "Not Found");
  EXPECT_STREQ(ReasonPhrase(405), "Method Not Allowed");
  EXPECT_STREQ(ReasonPhrase(409), "Conflict");
  EXPECT_STREQ(ReasonPhrase(413), "Payload Too Large");
  EXPECT_STREQ(ReasonPhrase(500), "Internal Server Error");
  EXPECT_STREQ(ReasonPhrase(503), "Service Unavailable");
  EXPECT_STREQ(ReasonPhrase(299), "Unknown");
}

TEST(UrlCodingTest, DecodesPercentEscapesAndPlus) {
  EXPECT_EQ(UrlDecode("a%20b+c"), "a b c");
  EXPECT_EQ(UrlDecode("a%20b+c", /*plus_as_space=*/false), "a b+c");
  EXPECT_EQ(UrlDecode("%2Fpath%2fx"), "/path/x");
  EXPECT_EQ(UrlDecode("100%"), "100%");     // dangling escape kept
  EXPECT_EQ(UrlDecode("%zz"), "%zz");       // invalid escape kept
  EXPECT_EQ(UrlDecode("%4"), "%4");
  EXPECT_EQ(UrlDecode("%E2%82%AC"), "\xE2\x82\xAC");
}

TEST(UrlCodingTest, EncodesAllButUnreserved) {
  EXPECT_EQ(UrlEncode("aZ09-_.~"), "aZ09-_.~");
  EXPECT_EQ(UrlEncode("a b/c?d=e&f"), "a%20b%2Fc%3Fd%3De%26f");
  EXPECT_EQ(UrlEncode("\xE2\x82\xAC"), "%E2%82%AC");
  const std::string tricky = "urn:ietf:params:oauth:grant-type:jwt-bearer+x y%";
  EXPECT_EQ(UrlDecode(UrlEncode(tricky)), tricky);
}

TEST(FormTest, ParsesUrlEncodedForms) {
  const Params p = ParseFormUrlEncoded(
      "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b.c&"
      "empty=&flag&&x=1+2&x=3");
  EXPECT_EQ(p.find("grant_type")->second, "urn:ietf:params:oauth:grant-type:jwt-bearer");
  EXPECT_EQ(p.find("assertion")->second, "a.b.c");
  EXPECT_EQ(p.find("empty")->second, "");
  EXPECT_EQ(p.find("flag")->second, "");
  EXPECT_EQ(p.count("x"), 2u);
  EXPECT_EQ(p.find("x")->second, "1 2");
  EXPECT_EQ(p.size(), 6u);
  EXPECT_TRUE(ParseFormUrlEncoded("").empty());
  EXPECT_EQ(ParseFormUrlEncoded("a=b=c").find("a")->second, "b=c");
}

}  // namespace
}  // namespace mpemu::http
