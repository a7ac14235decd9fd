#include "emulator/journal/journal.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace mpemu::journal {
namespace {

Entry MakeEntry(const std::string& method, const std::string& path, int status,
                const std::string& service = "stackit.api", const std::string& route = "") {
  Entry e;
  e.method = method;
  e.path = path;
  e.status = status;
  e.service = service;
  e.route = route;
  return e;
}

std::vector<int64_t> Seqs(const std::vector<Entry>& entries) {
  std::vector<int64_t> out;
  for (const Entry& e : entries) out.push_back(e.seq);
  return out;
}

TEST(JournalTest, AssignsIncreasingSequenceNumbersFromOne) {
  Journal journal;
  EXPECT_EQ(journal.NextSeq(), 1);
  EXPECT_EQ(journal.Record(MakeEntry("GET", "/a", 200)), 1);
  EXPECT_EQ(journal.Record(MakeEntry("GET", "/b", 200)), 2);
  EXPECT_EQ(journal.NextSeq(), 3);
  EXPECT_EQ(journal.size(), 2u);
  const std::vector<Entry> all = journal.Query({});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].path, "/a");
  EXPECT_EQ(all[1].path, "/b");
}

TEST(JournalTest, RingDropsTheOldestBeyondCapacity) {
  Journal journal(3);
  for (int i = 1; i <= 5; ++i) journal.Record(MakeEntry("GET", "/" + std::to_string(i), 200));
  EXPECT_EQ(journal.size(), 3u);
  EXPECT_EQ(Seqs(journal.Query({})), (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ(journal.Query({})[0].path, "/3");
}

TEST(JournalTest, ByteBudgetDropsTheOldestAndKeepsTheNewest) {
  Journal journal(1000, 300 * 1024);
  for (int i = 1; i <= 10; ++i) {
    Entry e = MakeEntry("GET", "/" + std::to_string(i), 200);
    e.reply_body = std::string(60 * 1024, 'x');
    journal.Record(e);
  }
  // Four entries of ~60 KiB fit in 300 KiB, five do not.
  EXPECT_EQ(Seqs(journal.Query({})), (std::vector<int64_t>{7, 8, 9, 10}));
  EXPECT_LE(journal.bytes(), 300u * 1024);
  EXPECT_GT(journal.bytes(), 4u * 60 * 1024);
  // An entry larger than the whole budget is still kept, alone.
  Entry huge = MakeEntry("GET", "/huge", 200);
  huge.body = std::string(Journal::kMaxBodyBytes, 'b');
  huge.reply_body = std::string(Journal::kMaxBodyBytes, 'r');
  Journal small(1000, 1024);
  small.Record(MakeEntry("GET", "/first", 200));
  small.Record(huge);
  EXPECT_EQ(Seqs(small.Query({})), (std::vector<int64_t>{2}));
  small.Clear();
  EXPECT_EQ(small.bytes(), 0u);
}

TEST(JournalTest, ClearNeverReusesSequenceNumbers) {
  Journal journal;
  journal.Record(MakeEntry("GET", "/a", 200));
  journal.Record(MakeEntry("GET", "/b", 200));
  journal.Clear();
  EXPECT_EQ(journal.size(), 0u);
  EXPECT_TRUE(journal.Query({}).empty());
  EXPECT_EQ(journal.NextSeq(), 3);
  EXPECT_EQ(journal.Record(MakeEntry("GET", "/c", 200)), 3);
}

TEST(JournalTest, TruncatesLargeBodies) {
  Journal journal;
  Entry e = MakeEntry("POST", "/big", 413);
  e.body = std::string(Journal::kMaxBodyBytes + 10, 'x');
  e.reply_body = std::string(100, 'y');
  journal.Record(e);
  const Entry stored = journal.Query({})[0];
  EXPECT_EQ(stored.body.substr(0, Journal::kMaxBodyBytes), std::string(Journal::kMaxBodyBytes, 'x'));
  EXPECT_EQ(stored.body.substr(Journal::kMaxBodyBytes),
            "...[truncated, " + std::to_string(Journal::kMaxBodyBytes + 10) + " bytes in all]");
  EXPECT_EQ(stored.reply_body, std::string(100, 'y'));
}

class JournalFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    journal_.Record(MakeEntry("GET", "/v1/resolve-customer/keys.json", 200, "stackit.keys", "stackit.keys"));
    journal_.Record(MakeEntry("POST", "/token", 400, "stackit.token", "stackit.token"));
    journal_.Record(MakeEntry("GET", "/_emulator/health", 200, "control", "control.health"));
    journal_.Record(MakeEntry("POST", "/v1/vendors/projects/p/subscriptions/s/approve", 204,
                              "stackit.api", "stackit.approve"));
    journal_.Record(MakeEntry("GET", "/v1/vendors/projects/p/subscriptions", 200, "stackit.api",
                              "stackit.list-subscriptions"));
    Entry outbound = MakeEntry("POST", "/vendor/webhook", 500, "", "");
    outbound.direction = "outbound";
    journal_.Record(outbound);
  }
  std::vector<int64_t> Find(Filter f) { return Seqs(journal_.Query(f)); }
  Journal journal_;
};

TEST_F(JournalFilterTest, HidesControlRequestsUnlessAsked) {
  EXPECT_EQ(Find({}), (std::vector<int64_t>{1, 2, 4, 5, 6}));
  Filter f;
  f.include_control = true;
  EXPECT_EQ(Find(f), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
}

TEST_F(JournalFilterTest, FiltersByEachField) {
  Filter method;
  method.method = "POST";
  EXPECT_EQ(Find(method), (std::vector<int64_t>{2, 4, 6}));

  Filter prefix;
  prefix.path_prefix = "/v1/vendors/";
  EXPECT_EQ(Find(prefix), (std::vector<int64_t>{4, 5}));

  Filter contains;
  contains.path_contains = "approve";
  EXPECT_EQ(Find(contains), (std::vector<int64_t>{4}));

  Filter service;
  service.service = "stackit.api";
  EXPECT_EQ(Find(service), (std::vector<int64_t>{4, 5}));

  Filter route;
  route.route = "stackit.token";
  EXPECT_EQ(Find(route), (std::vector<int64_t>{2}));

  Filter direction;
  direction.direction = "outbound";
  EXPECT_EQ(Find(direction), (std::vector<int64_t>{6}));

  Filter status;
  status.status = 200;
  EXPECT_EQ(Find(status), (std::vector<int64_t>{1, 5}));

  Filter control_status;
  control_status.status = 200;
  control_status.include_control = true;
  EXPECT_EQ(Find(control_status), (std::vector<int64_t>{1, 3, 5}));
}

TEST_F(JournalFilterTest, CombinesFiltersAfterSeqAndLimit) {
  Filter f;
  f.method = "GET";
  f.service = "stackit.api";
  EXPECT_EQ(Find(f), (std::vector<int64_t>{5}));

  Filter after;
  after.after_seq = 2;  // exclusive
  EXPECT_EQ(Find(after), (std::vector<int64_t>{4, 5, 6}));

  Filter limited;
  limited.limit = 2;  // the first matches, oldest first
  EXPECT_EQ(Find(limited), (std::vector<int64_t>{1, 2}));

  Filter paged;
  paged.after_seq = 4;
  paged.limit = 1;
  EXPECT_EQ(Find(paged), (std::vector<int64_t>{5}));

  Filter none;
  none.limit = 0;
  EXPECT_TRUE(Find(none).empty());

  Filter nothing;
  nothing.path_prefix = "/nowhere";
  EXPECT_TRUE(Find(nothing).empty());
}

TEST(JournalJsonTest, RendersEveryField) {
  Entry e = MakeEntry("POST", "/token", 400, "stackit.token", "stackit.token");
  e.seq = 9;
  e.time_millis = 1795548859123;
  e.wall_millis = 0;
  e.host = "127.0.0.1:8900";
  e.query = "a=1";
  e.headers = {{"Content-Type", "application/json"}, {"X-Dup", "1"}, {"X-Dup", "2"}, {"X-Dup", "3"}};
  e.body = "{}";
  e.reply_content_type = "application/json";
  e.reply_body = "{\"error\":\"Bad Request\"}";
  e.duration_ms = 1.5;
  e.remote_addr = "127.0.0.1";
  nlohmann::json j = Journal::ToJson(e);
  EXPECT_EQ(j["seq"], 9);
  EXPECT_EQ(j["time"], "2026-11-24T19:34:19.123Z");
  EXPECT_EQ(j["wallTime"], "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(j["direction"], "inbound");
  EXPECT_EQ(j["service"], "stackit.token");
  EXPECT_EQ(j["route"], "stackit.token");
  EXPECT_EQ(j["host"], "127.0.0.1:8900");
  EXPECT_EQ(j["method"], "POST");
  EXPECT_EQ(j["path"], "/token");
  EXPECT_EQ(j["query"], "a=1");
  EXPECT_EQ(j["headers"]["Content-Type"], "application/json");
  EXPECT_EQ(j["headers"]["X-Dup"], nlohmann::json::array({"1", "2", "3"}));
  EXPECT_EQ(j["body"], "{}");
  EXPECT_EQ(j["status"], 400);
  EXPECT_EQ(j["replyContentType"], "application/json");
  EXPECT_EQ(j["replyBody"], "{\"error\":\"Bad Request\"}");
  EXPECT_EQ(j["durationMs"], 1.5);
  EXPECT_EQ(j["remoteAddr"], "127.0.0.1");
  EXPECT_FALSE(j.contains("fault"));
  e.fault = "fault-3";
  EXPECT_EQ(Journal::ToJson(e)["fault"], "fault-3");
}

TEST(JournalTest, RecordsFromManyThreads) {
  Journal journal(100000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&journal] {
      for (int i = 0; i < 500; ++i) journal.Record(MakeEntry("GET", "/x", 200));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(journal.size(), 2000u);
  Filter all;
  all.limit = 5000;
  const std::vector<int64_t> seqs = Seqs(journal.Query(all));
  ASSERT_EQ(seqs.size(), 2000u);
  for (size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], static_cast<int64_t>(i + 1));
}

}  // namespace
}  // namespace mpemu::journal
