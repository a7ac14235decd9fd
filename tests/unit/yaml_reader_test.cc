#include "emulator/core/yaml_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "tests/support/status_matchers.h"

namespace mpemu {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kDoc[] =
    "top:\n"                    // 1
    "  name: widget\n"          // 2
    "  count: 12\n"             // 3
    "  enabled: yes\n"          // 4
    "  ttl: 90s\n"              // 5
    "  tags: [a, b]\n"          // 6
    "  single: only\n"          // 7
    "  nested:\n"               // 8
    "    inner: 1\n"            // 9
    "  items:\n"                // 10
    "    - id: one\n"           // 11
    "    - id: two\n"           // 12
    "  bad_count: twelve\n"     // 13
    "  bad_bool: maybe\n"       // 14
    "  bad_ttl: 5x\n"           // 15
    "  a_list: [1, [2]]\n"      // 16
    "  a_map: {k: v}\n"         // 17
    "  scalar_items: 3\n"       // 18
    "  mixed_items: [{id: 1}, 2]\n";  // 19

class YamlMapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StatusOr<YAML::Node> root = LoadYamlString(kDoc, "cfg.yaml");
    ASSERT_OK(root);
    StatusOr<YamlMap> top = YamlMap::From((*root)["top"], "cfg.yaml", "top");
    ASSERT_OK(top);
    top_ = std::make_unique<YamlMap>(*top);
  }
  const YamlMap& top() const { return *top_; }

 private:
  std::unique_ptr<YamlMap> top_;
};

TEST(LoadYamlTest, SyntaxErrorsCarryFileLineAndColumn) {
  StatusOr<YAML::Node> n = LoadYamlString("a: 1\nb: [1, 2\n", "broken.yaml");
  EXPECT_THAT(n, StatusIs(StatusCode::kInvalidArgument, StartsWith("broken.yaml:")));
  EXPECT_THAT(n, StatusIs(StatusCode::kInvalidArgument, HasSubstr("invalid YAML")));
  // A line and a column follow the name.
  EXPECT_THAT(n.status().message(), ::testing::ContainsRegex("^broken\\.yaml:[0-9]+:[0-9]+: "));

  StatusOr<YAML::Node> tab = LoadYamlString("a:\n  b: 1\n c: 2\n", "indent.yaml");
  EXPECT_THAT(tab.status().message(), ::testing::ContainsRegex("^indent\\.yaml:3:[0-9]+: invalid YAML"));
}

TEST(LoadYamlTest, LoadsFilesAndNamesMissingOnes) {
  EXPECT_THAT(LoadYamlFile("/nonexistent/mpemu.yaml"),
              StatusIs(StatusCode::kNotFound, HasSubstr("/nonexistent/mpemu.yaml")));

  char path[] = "/tmp/mpemu-yaml-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream out(path);
    out << "x: 1\ny: [oops\n";
  }
  StatusOr<YAML::Node> bad = LoadYamlFile(path);
  EXPECT_THAT(bad, StatusIs(StatusCode::kInvalidArgument, StartsWith(std::string(path) + ":")));
  {
    std::ofstream out(path);
    out << "x: 1\n";
  }
  StatusOr<YAML::Node> good = LoadYamlFile(path);
  ASSERT_OK(good);
  EXPECT_EQ((*good)["x"].as<int>(), 1);
  std::remove(path);
}

TEST(YamlMapFromTest, NullIsAnEmptyMapAndScalarsAreErrors) {
  StatusOr<YamlMap> empty = YamlMap::From(YAML::Node(), "f.yaml", "section");
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->Keys().empty());
  EXPECT_FALSE(empty->Has("anything"));
  EXPECT_OK(empty->CheckKeys({}));

  StatusOr<YAML::Node> root = LoadYamlString("section: 5\nlist: [1]\n", "f.yaml");
  ASSERT_OK(root);
  EXPECT_THAT(YamlMap::From((*root)["section"], "f.yaml", "section"),
              StatusIs(StatusCode::kInvalidArgument, "f.yaml:1:10: section: expected a mapping (key: value)"));
  EXPECT_THAT(YamlMap::From((*root)["list"], "f.yaml", "list"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("f.yaml:2:7: list: expected a mapping")));
  EXPECT_THAT(YamlMap::From(*root, "f.yaml", ""), ::mpemu::testing::IsOk());
}

TEST_F(YamlMapTest, UnknownKeysAreRejectedWithTheirLocation) {
  EXPECT_OK(top().CheckKeys(top().Keys()));
  Status s = top().CheckKeys({"name", "count"});
  EXPECT_THAT(s, StatusIs(StatusCode::kInvalidArgument,
                          "cfg.yaml:4:3: top: unknown field \"enabled\" (known: name, count)"));
}

TEST_F(YamlMapTest, ReadsStrings) {
  std::string name = "default";
  EXPECT_OK(top().String("name", &name));
  EXPECT_EQ(name, "widget");
  std::string absent = "kept";
  EXPECT_OK(top().String("absent", &absent));
  EXPECT_EQ(absent, "kept");
  EXPECT_THAT(top().String("absent", &absent, /*required=*/true),
              StatusIs(StatusCode::kInvalidArgument, "cfg.yaml:2:3: top: missing required field \"absent\""));
  EXPECT_THAT(top().String("tags", &absent),
              StatusIs(StatusCode::kInvalidArgument, "cfg.yaml:6:9: top.tags: expected a string"));
}

TEST_F(YamlMapTest, ReadsIntegers) {
  int64_t count = 0;
  EXPECT_OK(top().Int("count", &count));
  EXPECT_EQ(count, 12);
  EXPECT_THAT(top().Int("bad_count", &count),
              StatusIs(StatusCode::kInvalidArgument,
                       "cfg.yaml:13:14: top.bad_count: expected an integer, got \"twelve\""));
  EXPECT_EQ(count, 12);
  EXPECT_THAT(top().Int("tags", &count), StatusIs(StatusCode::kInvalidArgument, HasSubstr("cfg.yaml:6:9")));
  EXPECT_THAT(top().Int("missing", &count, true), StatusIs(StatusCode::kInvalidArgument, HasSubstr("missing")));
}

TEST_F(YamlMapTest, ReadsBooleans) {
  bool enabled = false;
  EXPECT_OK(top().Bool("enabled", &enabled));
  EXPECT_TRUE(enabled);
  EXPECT_THAT(top().Bool("bad_bool", &enabled),
              StatusIs(StatusCode::kInvalidArgument, "cfg.yaml:14:13: top.bad_bool: expected true or false"));
}

TEST_F(YamlMapTest, ReadsDurations) {
  int64_t ms = 1;
  EXPECT_OK(top().Duration("ttl", &ms));
  EXPECT_EQ(ms, 90000);
  EXPECT_OK(top().Duration("count", &ms));  // a bare number is seconds
  EXPECT_EQ(ms, 12000);
  int64_t untouched = 7;
  EXPECT_OK(top().Duration("absent", &untouched));
  EXPECT_EQ(untouched, 7);
  Status bad = top().Duration("bad_ttl", &ms);
  EXPECT_THAT(bad, StatusIs(StatusCode::kInvalidArgument, StartsWith("cfg.yaml:15:12: top.bad_ttl: ")));
  EXPECT_THAT(bad, StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown unit 'x'")));
}

TEST_F(YamlMapTest, ReadsStringLists) {
  std::vector<std::string> list = {"old"};
  EXPECT_OK(top().StringList("tags", &list));
  EXPECT_THAT(list, ElementsAre("a", "b"));
  EXPECT_OK(top().StringList("single", &list));  // a scalar is a list of one
  EXPECT_THAT(list, ElementsAre("only"));
  EXPECT_OK(top().StringList("absent", &list));
  EXPECT_THAT(list, ElementsAre("only"));
  EXPECT_THAT(top().StringList("a_list", &list),
              StatusIs(StatusCode::kInvalidArgument, "cfg.yaml:16:11: top.a_list: expected a list of strings"));
  EXPECT_THAT(top().StringList("a_map", &list),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cfg.yaml:17:10: top.a_map")));
}

TEST_F(YamlMapTest, ReadsNestedMapsWithTheirPath) {
  StatusOr<YamlMap> nested = top().Map("nested");
  ASSERT_OK(nested);
  EXPECT_EQ(nested->path(), "top.nested");
  EXPECT_EQ(nested->file(), "cfg.yaml");
  EXPECT_THAT(nested->Keys(), ElementsAre("inner"));
  EXPECT_THAT(nested->CheckKeys({"other"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("cfg.yaml:9:5: top.nested: unknown field \"inner\"")));
  StatusOr<YamlMap> absent = top().Map("absent");
  ASSERT_OK(absent);
  EXPECT_TRUE(absent->Keys().empty());
  EXPECT_THAT(top().Map("name"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("top.name: expected a mapping")));
}

TEST_F(YamlMapTest, ReadsListsOfMapsWithIndexedPaths) {
  StatusOr<std::vector<YamlMap>> items = top().MapList("items");
  ASSERT_OK(items);
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[1].path(), "top.items[1]");
  std::string id;
  EXPECT_OK((*items)[1].String("id", &id));
  EXPECT_EQ(id, "two");
  int64_t number = 0;
  EXPECT_THAT((*items)[0].Int("id", &number),
              StatusIs(StatusCode::kInvalidArgument,
                       "cfg.yaml:11:11: top.items[0].id: expected an integer, got \"one\""));
  EXPECT_EQ((*items)[0].Where(), "cfg.yaml:11:7");

  StatusOr<std::vector<YamlMap>> absent = top().MapList("absent");
  ASSERT_OK(absent);
  EXPECT_TRUE(absent->empty());
  EXPECT_THAT(top().MapList("scalar_items"),
              StatusIs(StatusCode::kInvalidArgument, "cfg.yaml:18:17: top.scalar_items: expected a list"));
  EXPECT_THAT(top().MapList("mixed_items"),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("top.mixed_items[1]: expected a mapping")));
}

TEST_F(YamlMapTest, ErrorNamesTheKeyOrTheMap) {
  EXPECT_THAT(top().Error("count", "too many"),
              StatusIs(StatusCode::kInvalidArgument, "cfg.yaml:3:10: top.count: too many"));
  EXPECT_THAT(top().Error("", "broken"), StatusIs(StatusCode::kInvalidArgument, "cfg.yaml:2:3: top: broken"));
  EXPECT_EQ(top().Where(), "cfg.yaml:2:3");
}

}  // namespace
}  // namespace mpemu
