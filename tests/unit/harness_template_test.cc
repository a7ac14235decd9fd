#include "emulator/harness/template.h"

#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace mpemu::harness {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::HasSubstr;

Vars Sample() {
  Vars v;
  v.Set("sub", {{"id", "abc"}, {"token", "t.o.k"}, {"n", 3}, {"list", {"x", "y"}}});
  v.Set("stackit", {{"projectId", "p1"}});
  return v;
}

TEST(Template, ExpandsInsideText) {
  auto s = Sample().Expand("id={{ sub.id }}&p={{stackit.projectId}} n={{ sub.n }}");
  ASSERT_OK(s);
  EXPECT_EQ(*s, "id=abc&p=p1 n=3");
}

TEST(Template, WholeTemplateKeepsType) {
  auto v = Sample().ExpandJson(nlohmann::json("{{ sub.n }}"));
  ASSERT_OK(v);
  EXPECT_EQ(*v, 3);
  // Text around a template, spaces included, is kept: a password with a trailing space.
  auto spaced = Sample().ExpandJson(nlohmann::json("{{ sub.id }} "));
  ASSERT_OK(spaced);
  EXPECT_EQ(*spaced, "abc ");
  auto list = Sample().ExpandJson({{"k", "{{ sub.list }}"}, {"i", "{{ sub.list.1 }}"}});
  ASSERT_OK(list);
  EXPECT_EQ((*list)["k"], nlohmann::json({"x", "y"}));
  EXPECT_EQ((*list)["i"], "y");
}

TEST(Template, UnknownNamesListWhatExists) {
  EXPECT_THAT(Sample().Expand("{{ sub.tokn }}"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("known: id, list, n, token")));
  EXPECT_THAT(Sample().Expand("{{ nope }}"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown variable")));
  EXPECT_THAT(Sample().Expand("{{ sub.list.7 }}"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("indexes 0..1")));
}

TEST(Template, SyntaxErrors) {
  EXPECT_THAT(CheckTemplates("a {{ sub.id", nullptr), StatusIs(StatusCode::kInvalidArgument, HasSubstr("unclosed")));
  EXPECT_THAT(CheckTemplates("{{ a b }}", nullptr), StatusIs(StatusCode::kInvalidArgument, HasSubstr("bad template")));
  std::vector<std::string> names;
  ASSERT_OK(CheckTemplates("{{ sub.id }} and {{ variant.x }}", &names));
  EXPECT_EQ(names, (std::vector<std::string>{"sub", "variant"}));
}

}  // namespace
}  // namespace mpemu::harness

namespace mpemu::harness {
namespace {

TEST(Template, VariantValuesAreExpandedWhereUsed) {
  Vars v = Sample();
  v.Set("variant", {{"mutations", {{{"replace", "{{ sub.token }}"}}}}, {"label", "id {{ sub.id }}"}});
  auto m = v.ExpandJson("{{ variant.mutations }}");
  ASSERT_OK(m);
  EXPECT_EQ((*m)[0]["replace"], "t.o.k");
  auto text = v.Expand("[{{ variant.label }}]");
  ASSERT_OK(text);
  EXPECT_EQ(*text, "[id abc]");
  // Captured values (a vendor's page may contain "{{") are never expanded again.
  v.Set("page", {{"body", "{{ sub.id }}"}});
  auto body = v.ExpandJson("{{ page.body }}");
  ASSERT_OK(body);
  EXPECT_EQ(*body, "{{ sub.id }}");
  v.Set("variant", {{"loop", "{{ variant.loop }}"}});
  EXPECT_FALSE(v.Expand("{{ variant.loop }}").ok());
}

}  // namespace
}  // namespace mpemu::harness
