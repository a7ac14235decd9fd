#include "emulator/harness/browser.h"

#include <gtest/gtest.h>

namespace mpemu::harness {
namespace {

TEST(ResolveUrl, Forms) {
  EXPECT_EQ(ResolveUrl("http://h:1/a/b?x=1", "/c"), "http://h:1/c");
  EXPECT_EQ(ResolveUrl("http://h:1/a/b?x=1", "c"), "http://h:1/a/c");
  EXPECT_EQ(ResolveUrl("http://h:1/a/b?x=1", "?y=2"), "http://h:1/a/b?y=2");
  EXPECT_EQ(ResolveUrl("http://h:1/a/b?x=1", ""), "http://h:1/a/b?x=1");
  EXPECT_EQ(ResolveUrl("http://h:1/a", "https://o/p"), "https://o/p");
}

TEST(ParseForms, FieldsInDocumentOrder) {
  const std::string html = R"(<html><head><title> Sign up </title></head><body>
    <form method="post" action="/stackit/signup" id="f">
      <input type="hidden" name="signup" value="abc">
      <input name="email" type="email">
      <textarea name="note">hi</textarea>
      <select name="plan"><option value="a">A</option><option value="b" selected>B</option></select>
      <input type="checkbox" name="tos" checked>
      <input type="checkbox" name="news">
      <input type="submit" name="go" value="Go">
    </form><form action="search"><input name="q"></form></body></html>)";
  auto forms = ParseForms(html, "http://v:8/stackit/signup?x=1");
  ASSERT_EQ(forms.size(), 2u);
  EXPECT_EQ(forms[0].method, "POST");
  EXPECT_EQ(forms[0].action, "http://v:8/stackit/signup");
  EXPECT_EQ(forms[0].id, "f");
  std::vector<std::pair<std::string, std::string>> want = {
      {"signup", "abc"}, {"email", ""}, {"note", "hi"}, {"plan", "b"}, {"tos", "on"}};
  EXPECT_EQ(forms[0].fields, want);
  EXPECT_EQ(forms[1].method, "GET");
  EXPECT_EQ(forms[1].action, "http://v:8/stackit/search");
  EXPECT_EQ(HtmlTitle(html), "Sign up");
  EXPECT_TRUE(ParseForms("<p>no form", "http://v/").empty());
}

}  // namespace
}  // namespace mpemu::harness
