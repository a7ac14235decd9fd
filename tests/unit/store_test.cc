// The store contract (emulator/store/store.h), run against both implementations, plus what only
// the SQLite store has: a file that outlives the process.
#include "emulator/store/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "emulator/core/status.h"
#include "tests/support/status_matchers.h"

namespace mpemu::store {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << arg.status().ToString();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

Record Rec(std::string kind, std::string id, std::string partition = "", std::string body = "{}") {
  Record record;
  record.kind = std::move(kind);
  record.id = std::move(id);
  record.partition = std::move(partition);
  record.body = std::move(body);
  return record;
}

std::vector<std::string> Ids(const ListPage& page) {
  std::vector<std::string> ids;
  for (const Record& record : page.records) ids.push_back(record.id);
  return ids;
}

ListQuery Query(std::string kind, size_t limit = 100, int64_t after_seq = 0) {
  ListQuery query;
  query.kind = std::move(kind);
  query.limit = limit;
  query.after_seq = after_seq;
  return query;
}

// A path no other test (or concurrent run) uses.
std::string UniqueTempPath(const std::string& stem) {
  static std::atomic<int> counter{0};
  const std::filesystem::path dir = ::testing::TempDir();
  return (dir / ("mpemu_store_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) +
                 "_" + stem))
      .string();
}

void RemoveDatabaseFiles(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix, ignored);
  }
}

class MemoryBackend {
 public:
  static constexpr const char* kName = "Memory";
  StatusOr<std::unique_ptr<Store>> Open() { return NewMemoryStore(); }
};

class SqliteBackend {
 public:
  static constexpr const char* kName = "Sqlite";
  SqliteBackend() : path_(UniqueTempPath("store.db")) {}
  SqliteBackend(const SqliteBackend&) = delete;
  SqliteBackend& operator=(const SqliteBackend&) = delete;
  ~SqliteBackend() { RemoveDatabaseFiles(path_); }

  StatusOr<std::unique_ptr<Store>> Open() { return OpenSqliteStore(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

template <typename Backend>
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = backend_.Open();
    ASSERT_OK(opened);
    store_ = std::move(opened).value();
  }

  Store& store() { return *store_; }

  // Inserts `count` records kind/<prefix><i> and returns their seqs in order.
  std::vector<int64_t> InsertMany(const std::string& kind, const std::string& prefix, int count,
                                  const std::string& partition = "") {
    std::vector<int64_t> seqs;
    for (int i = 0; i < count; ++i) {
      auto seq = store_->Insert(Rec(kind, prefix + std::to_string(i), partition));
      EXPECT_OK(seq);
      seqs.push_back(seq.ok() ? *seq : -1);
    }
    return seqs;
  }

  Backend backend_;  // outlives store_, so the SQLite file is removed after it is closed
  std::unique_ptr<Store> store_;
};

struct BackendNames {
  template <typename Backend>
  static std::string GetName(int) {
    return Backend::kName;
  }
};

using Backends = ::testing::Types<MemoryBackend, SqliteBackend>;
TYPED_TEST_SUITE(StoreTest, Backends, BackendNames);

TYPED_TEST(StoreTest, InsertThenGetRoundTrips) {
  Record record = Rec("stackit.subscription", "sub-1", "project-a", R"({"plan":"basic"})");
  record.seq = 12345;  // ignored on input
  auto seq = this->store().Insert(record);
  ASSERT_OK(seq);
  EXPECT_GT(*seq, 0);
  EXPECT_NE(*seq, 12345);

  auto got = this->store().Get("stackit.subscription", "sub-1");
  ASSERT_OK(got);
  EXPECT_EQ(got->kind, "stackit.subscription");
  EXPECT_EQ(got->id, "sub-1");
  EXPECT_EQ(got->partition, "project-a");
  EXPECT_EQ(got->seq, *seq);
  EXPECT_EQ(got->body, R"({"plan":"basic"})");
}

TYPED_TEST(StoreTest, BodiesWithQuotesUnicodeAndOneMebibyteRoundTrip) {
  const std::string tricky =
      "{\"q\":\"it's \\\"quoted\\\"\",\"u\":\"Grüße € 日本 😀\",\"nl\":\"a\nb\"}";
  const std::string chunk = "{\"s\":\"Grüße \\\"€\\\" 😀 it's\"},";
  std::string big_mixed;
  while (big_mixed.size() + chunk.size() <= (1u << 20)) big_mixed += chunk;
  const std::string big_ascii(1 << 20, 'x');
  ASSERT_OK(this->store().Insert(Rec("k", "it's \"odd\" ü", "p'art", tricky)));
  ASSERT_OK(this->store().Insert(Rec("k", "big", "", big_ascii)));
  ASSERT_OK(this->store().Insert(Rec("k", "big-mixed", "", big_mixed)));

  auto got = this->store().Get("k", "it's \"odd\" ü");
  ASSERT_OK(got);
  EXPECT_EQ(got->body, tricky);
  EXPECT_EQ(got->partition, "p'art");
  got = this->store().Get("k", "big");
  ASSERT_OK(got);
  EXPECT_EQ(got->body, big_ascii);
  got = this->store().Get("k", "big-mixed");
  ASSERT_OK(got);
  EXPECT_EQ(got->body, big_mixed);
}

TYPED_TEST(StoreTest, DuplicateInsertIsAlreadyExists) {
  ASSERT_OK(this->store().Insert(Rec("k", "a", "", "first")));
  EXPECT_THAT(this->store().Insert(Rec("k", "a", "other", "second")),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("a")));
  auto got = this->store().Get("k", "a");
  ASSERT_OK(got);
  EXPECT_EQ(got->body, "first");
  // Ids are unique within a kind only.
  EXPECT_OK(this->store().Insert(Rec("other-kind", "a")));
}

TYPED_TEST(StoreTest, EmptyKindOrIdIsInvalidArgument) {
  EXPECT_THAT(this->store().Insert(Rec("", "a")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(this->store().Insert(Rec("k", "")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(this->store().InsertBatch({Rec("k", "a"), Rec("k", "")}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(this->store().Count("k"), IsOkAndHolds(0));
}

TYPED_TEST(StoreTest, MissingRecordIsNotFound) {
  ASSERT_OK(this->store().Insert(Rec("k", "present")));
  EXPECT_THAT(this->store().Get("k", "absent"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(this->store().Get("no-such-kind", "present"), StatusIs(StatusCode::kNotFound));
  bool called = false;
  EXPECT_THAT(this->store().Update("k", "absent",
                                   [&](Record&) {
                                     called = true;
                                     return Status::Ok();
                                   }),
              StatusIs(StatusCode::kNotFound));
  EXPECT_FALSE(called);
  EXPECT_THAT(this->store().Delete("k", "absent"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(this->store().Delete("no-such-kind", "present"), StatusIs(StatusCode::kNotFound));
}

TYPED_TEST(StoreTest, SeqIsStrictlyIncreasingAcrossKindsAndNeverReused) {
  int64_t last = 0;
  for (int i = 0; i < 30; ++i) {
    const std::string kind = "kind" + std::to_string(i % 3);
    auto seq = this->store().Insert(Rec(kind, "id" + std::to_string(i)));
    ASSERT_OK(seq);
    EXPECT_GT(*seq, last);
    last = *seq;
  }
  // Removing the newest records must not hand their numbers out again.
  ASSERT_OK(this->store().Delete("kind2", "id29"));
  auto seq = this->store().Insert(Rec("kind0", "after-delete"));
  ASSERT_OK(seq);
  EXPECT_GT(*seq, last);
  last = *seq;
  ASSERT_OK(this->store().Clear("kind0"));
  seq = this->store().Insert(Rec("kind0", "after-clear-kind"));
  ASSERT_OK(seq);
  EXPECT_GT(*seq, last);
  last = *seq;
  // Clear("") does not reset the counter either (a client's after_seq cursor stays valid).
  ASSERT_OK(this->store().Clear());
  seq = this->store().Insert(Rec("kind0", "after-clear-all"));
  ASSERT_OK(seq);
  EXPECT_GT(*seq, last);
}

TYPED_TEST(StoreTest, ListIsInCreationOrderAndScopedByKind) {
  for (const char* id : {"zeta", "alpha", "mu", "beta"}) {
    ASSERT_OK(this->store().Insert(Rec("k", id)));
    ASSERT_OK(this->store().Insert(Rec("other", id)));
  }
  auto page = this->store().List(Query("k"));
  ASSERT_OK(page);
  EXPECT_THAT(Ids(*page), ElementsAre("zeta", "alpha", "mu", "beta"));
  EXPECT_FALSE(page->more);
  for (size_t i = 1; i < page->records.size(); ++i) {
    EXPECT_LT(page->records[i - 1].seq, page->records[i].seq);
    EXPECT_EQ(page->records[i].kind, "k");
  }
  page = this->store().List(Query("no-such-kind"));
  ASSERT_OK(page);
  EXPECT_THAT(page->records, IsEmpty());
  EXPECT_FALSE(page->more);
}

TYPED_TEST(StoreTest, ForEachRecordWalksEveryPageInOrderAndStopsAtAnError) {
  const std::vector<int64_t> seqs = this->InsertMany("k", "r", 1203, "p");
  this->InsertMany("k", "q", 3, "other");
  this->InsertMany("other", "r", 2, "p");
  std::vector<int64_t> seen;
  ASSERT_OK(ForEachRecord(this->store(), "k", std::string("p"), [&](const Record& r) {
    seen.push_back(r.seq);
    return Status::Ok();
  }));
  EXPECT_EQ(seen, seqs);  // across three pages of 500
  size_t all = 0;
  ASSERT_OK(ForEachRecord(this->store(), "k", std::nullopt, [&](const Record&) {
    ++all;
    return Status::Ok();
  }));
  EXPECT_EQ(all, 1206u);
  size_t visited = 0;
  EXPECT_THAT(ForEachRecord(this->store(), "k", std::nullopt, [&](const Record&) {
                return ++visited == 700 ? InternalError("enough") : Status::Ok();
              }),
              StatusIs(StatusCode::kInternal));
  EXPECT_EQ(visited, 700u);
}

TYPED_TEST(StoreTest, ListIsScopedByPartition) {
  ASSERT_OK(this->store().Insert(Rec("k", "a1", "a")));
  ASSERT_OK(this->store().Insert(Rec("k", "b1", "b")));
  ASSERT_OK(this->store().Insert(Rec("k", "none1", "")));
  ASSERT_OK(this->store().Insert(Rec("k", "a2", "a")));
  ASSERT_OK(this->store().Insert(Rec("other", "a3", "a")));

  ListQuery query = Query("k");
  query.partition = "a";
  auto page = this->store().List(query);
  ASSERT_OK(page);
  EXPECT_THAT(Ids(*page), ElementsAre("a1", "a2"));
  query.partition = "";
  page = this->store().List(query);
  ASSERT_OK(page);
  EXPECT_THAT(Ids(*page), ElementsAre("none1"));
  query.partition = "c";
  page = this->store().List(query);
  ASSERT_OK(page);
  EXPECT_THAT(page->records, IsEmpty());
  query.partition.reset();
  page = this->store().List(query);
  ASSERT_OK(page);
  EXPECT_THAT(Ids(*page), ElementsAre("a1", "b1", "none1", "a2"));
}

TYPED_TEST(StoreTest, AfterSeqPagesThroughAllRecords) {
  const std::vector<int64_t> seqs = this->InsertMany("k", "r", 250);
  ASSERT_EQ(seqs.size(), 250u);
  std::vector<size_t> sizes;
  std::vector<bool> mores;
  std::vector<int64_t> seen;
  int64_t after = 0;
  for (int round = 0; round < 10; ++round) {
    auto page = this->store().List(Query("k", 100, after));
    ASSERT_OK(page);
    sizes.push_back(page->records.size());
    mores.push_back(page->more);
    for (const Record& record : page->records) seen.push_back(record.seq);
    if (!page->more) break;
    after = page->records.back().seq;
  }
  EXPECT_THAT(sizes, ElementsAre(100u, 100u, 50u));
  EXPECT_THAT(mores, ElementsAre(true, true, false));
  EXPECT_EQ(seen, seqs);

  // A page boundary stays put under later inserts; new records appear at the end.
  auto second = this->store().List(Query("k", 100, seqs[99]));
  ASSERT_OK(second);
  ASSERT_OK(this->store().Insert(Rec("k", "late")));
  auto again = this->store().List(Query("k", 100, seqs[99]));
  ASSERT_OK(again);
  EXPECT_EQ(Ids(*again), Ids(*second));
  auto last = this->store().List(Query("k", 100, seqs[249]));
  ASSERT_OK(last);
  EXPECT_THAT(Ids(*last), ElementsAre("late"));
  EXPECT_FALSE(last->more);
}

TYPED_TEST(StoreTest, FilterSkipsRecordsWithoutCountingAgainstLimit) {
  // even ids match; 20 records, then 700 non-matching ones that `more` must look past.
  for (int i = 0; i < 20; ++i) {
    ASSERT_OK(
        this->store().Insert(Rec("k", "r" + std::to_string(i), "", i % 2 == 0 ? "even" : "odd")));
  }
  ASSERT_NO_FATAL_FAILURE(this->InsertMany("k", "tail", 700));
  ListQuery query = Query("k", 4);
  query.filter = [](const Record& record) { return record.body == "even"; };

  std::vector<std::string> ids;
  std::vector<bool> mores;
  for (int round = 0; round < 10; ++round) {
    auto page = this->store().List(query);
    ASSERT_OK(page);
    for (const Record& record : page->records) {
      EXPECT_EQ(record.body, "even");
      ids.push_back(record.id);
    }
    mores.push_back(page->more);
    if (!page->more) break;
    ASSERT_FALSE(page->records.empty());
    query.after_seq = page->records.back().seq;
  }
  EXPECT_THAT(ids, ElementsAre("r0", "r2", "r4", "r6", "r8", "r10", "r12", "r14", "r16", "r18"));
  // 4 + 4 + 2: the last page is short and nothing after it matches, despite 700 more rows.
  EXPECT_THAT(mores, ElementsAre(true, true, false));

  // Exactly `limit` matches in all: `more` is false although rows follow.
  query.after_seq = 0;
  query.limit = 10;
  auto page = this->store().List(query);
  ASSERT_OK(page);
  EXPECT_EQ(page->records.size(), 10u);
  EXPECT_FALSE(page->more);

  // A match far behind many skipped rows still counts as `more`.
  ASSERT_OK(this->store().Insert(Rec("k", "very-late", "", "even")));
  page = this->store().List(query);
  ASSERT_OK(page);
  EXPECT_EQ(page->records.size(), 10u);
  EXPECT_TRUE(page->more);
}

TYPED_TEST(StoreTest, FilterCombinesWithPartition) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_OK(this->store().Insert(
        Rec("k", "r" + std::to_string(i), i < 5 ? "a" : "b", i % 2 == 0 ? "even" : "odd")));
  }
  ListQuery query = Query("k", 2);
  query.partition = "b";
  query.filter = [](const Record& record) { return record.body == "even"; };
  auto page = this->store().List(query);
  ASSERT_OK(page);
  EXPECT_THAT(Ids(*page), ElementsAre("r6", "r8"));
  EXPECT_FALSE(page->more);
}

TYPED_TEST(StoreTest, LimitZeroReturnsNothingAndTellsWhetherAnyMatchExists) {
  auto page = this->store().List(Query("k", 0));
  ASSERT_OK(page);
  EXPECT_THAT(page->records, IsEmpty());
  EXPECT_FALSE(page->more);

  const std::vector<int64_t> seqs = this->InsertMany("k", "r", 3);
  page = this->store().List(Query("k", 0));
  ASSERT_OK(page);
  EXPECT_THAT(page->records, IsEmpty());
  EXPECT_TRUE(page->more);

  page = this->store().List(Query("k", 0, seqs.back()));
  ASSERT_OK(page);
  EXPECT_FALSE(page->more);

  ListQuery query = Query("k", 0);
  query.filter = [](const Record& record) { return record.id == "r2"; };
  page = this->store().List(query);
  ASSERT_OK(page);
  EXPECT_TRUE(page->more);
  query.filter = [](const Record&) { return false; };
  page = this->store().List(query);
  ASSERT_OK(page);
  EXPECT_FALSE(page->more);
}

TYPED_TEST(StoreTest, UpdateChangesBodyAndPartition) {
  ASSERT_OK(this->store().Insert(Rec("k", "a", "p1", "v1")));
  ASSERT_OK(this->store().Insert(Rec("k", "b", "p1", "v1")));
  auto updated = this->store().Update("k", "a", [](Record& record) {
    EXPECT_EQ(record.body, "v1");
    record.body = "v2";
    record.partition = "p2";
    return Status::Ok();
  });
  ASSERT_OK(updated);
  EXPECT_EQ(updated->body, "v2");
  EXPECT_EQ(updated->partition, "p2");
  auto got = this->store().Get("k", "a");
  ASSERT_OK(got);
  EXPECT_EQ(got->body, "v2");
  EXPECT_EQ(got->partition, "p2");

  ListQuery query = Query("k");
  query.partition = "p1";
  auto page = this->store().List(query);
  ASSERT_OK(page);
  EXPECT_THAT(Ids(*page), ElementsAre("b"));
  query.partition = "p2";
  page = this->store().List(query);
  ASSERT_OK(page);
  EXPECT_THAT(Ids(*page), ElementsAre("a"));
  EXPECT_THAT(this->store().Count("k", std::string("p1")), IsOkAndHolds(1));
  EXPECT_THAT(this->store().Count("k", std::string("p2")), IsOkAndHolds(1));
}

TYPED_TEST(StoreTest, UpdateWithFailingMutateLeavesRecordUnchanged) {
  ASSERT_OK(this->store().Insert(Rec("k", "a", "p", "original")));
  const Status failure = FailedPreconditionError("subscription is not active");
  auto result = this->store().Update("k", "a", [&](Record& record) -> Status {
    record.body = "changed";
    record.partition = "elsewhere";
    return Status(failure);
  });
  EXPECT_EQ(result.status(), failure);
  auto got = this->store().Get("k", "a");
  ASSERT_OK(got);
  EXPECT_EQ(got->body, "original");
  EXPECT_EQ(got->partition, "p");
  EXPECT_THAT(this->store().Count("k", std::string("elsewhere")), IsOkAndHolds(0));
}

TYPED_TEST(StoreTest, ExceptionsFromCallbacksBecomeInternal) {
  ASSERT_OK(this->store().Insert(Rec("k", "a", "p", "original")));
  auto result = this->store().Update("k", "a", [](Record& record) -> Status {
    record.body = "changed";
    throw std::runtime_error("boom");
  });
  EXPECT_THAT(result, StatusIs(StatusCode::kInternal, HasSubstr("boom")));
  auto got = this->store().Get("k", "a");
  ASSERT_OK(got);
  EXPECT_EQ(got->body, "original");

  ListQuery query = Query("k");
  query.filter = [](const Record&) -> bool { throw std::runtime_error("bad filter"); };
  EXPECT_THAT(this->store().List(query), StatusIs(StatusCode::kInternal, HasSubstr("bad filter")));
  // The store still works afterwards (no lock or transaction left behind).
  EXPECT_OK(this->store().Insert(Rec("k", "b")));
  EXPECT_OK(this->store().Update("k", "a", [](Record&) { return Status::Ok(); }));
}

TYPED_TEST(StoreTest, UpdateCannotChangeKindIdOrSeq) {
  auto seq = this->store().Insert(Rec("k", "a", "", "v1"));
  ASSERT_OK(seq);
  auto updated = this->store().Update("k", "a", [](Record& record) {
    record.kind = "hijacked";
    record.id = "b";
    record.seq = 999999;
    record.body = "v2";
    return Status::Ok();
  });
  ASSERT_OK(updated);
  EXPECT_EQ(updated->kind, "k");
  EXPECT_EQ(updated->id, "a");
  EXPECT_EQ(updated->seq, *seq);
  EXPECT_EQ(updated->body, "v2");
  auto got = this->store().Get("k", "a");
  ASSERT_OK(got);
  EXPECT_EQ(got->seq, *seq);
  EXPECT_EQ(got->body, "v2");
  EXPECT_THAT(this->store().Get("k", "b"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(this->store().Count("hijacked"), IsOkAndHolds(0));
}

TYPED_TEST(StoreTest, DeleteRemovesOnlyThatRecord) {
  ASSERT_OK(this->store().Insert(Rec("k", "a", "p")));
  auto b_seq = this->store().Insert(Rec("k", "b", "p"));
  ASSERT_OK(b_seq);
  ASSERT_OK(this->store().Delete("k", "a"));
  EXPECT_THAT(this->store().Get("k", "a"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(this->store().Delete("k", "a"), StatusIs(StatusCode::kNotFound));
  EXPECT_OK(this->store().Get("k", "b"));
  auto page = this->store().List(Query("k"));
  ASSERT_OK(page);
  EXPECT_THAT(Ids(*page), ElementsAre("b"));
  EXPECT_THAT(this->store().Count("k", std::string("p")), IsOkAndHolds(1));
  // The id is free again; the new record comes after the survivors.
  auto again = this->store().Insert(Rec("k", "a", "p"));
  ASSERT_OK(again);
  EXPECT_GT(*again, *b_seq);
  page = this->store().List(Query("k"));
  ASSERT_OK(page);
  EXPECT_THAT(Ids(*page), ElementsAre("b", "a"));
}

TYPED_TEST(StoreTest, CountWithAndWithoutPartition) {
  EXPECT_THAT(this->store().Count("k"), IsOkAndHolds(0));
  ASSERT_NO_FATAL_FAILURE(this->InsertMany("k", "a", 3, "pa"));
  ASSERT_NO_FATAL_FAILURE(this->InsertMany("k", "b", 2, "pb"));
  ASSERT_NO_FATAL_FAILURE(this->InsertMany("k", "n", 1, ""));
  ASSERT_NO_FATAL_FAILURE(this->InsertMany("other", "a", 4, "pa"));
  EXPECT_THAT(this->store().Count("k"), IsOkAndHolds(6));
  EXPECT_THAT(this->store().Count("k", std::string("pa")), IsOkAndHolds(3));
  EXPECT_THAT(this->store().Count("k", std::string("pb")), IsOkAndHolds(2));
  EXPECT_THAT(this->store().Count("k", std::string("")), IsOkAndHolds(1));
  EXPECT_THAT(this->store().Count("k", std::string("pc")), IsOkAndHolds(0));
  EXPECT_THAT(this->store().Count("other"), IsOkAndHolds(4));
  EXPECT_THAT(this->store().Count("none"), IsOkAndHolds(0));
}

TYPED_TEST(StoreTest, ClearKindRemovesOnlyThatKind) {
  ASSERT_NO_FATAL_FAILURE(this->InsertMany("k", "a", 3));
  ASSERT_NO_FATAL_FAILURE(this->InsertMany("other", "a", 2));
  ASSERT_OK(this->store().SetMeta("clock.offset", "5s"));
  ASSERT_OK(this->store().Clear("k"));
  EXPECT_THAT(this->store().Count("k"), IsOkAndHolds(0));
  EXPECT_THAT(this->store().Get("k", "a0"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(this->store().Count("other"), IsOkAndHolds(2));
  EXPECT_THAT(this->store().GetMeta("clock.offset"),
              IsOkAndHolds(::testing::Optional(std::string("5s"))));
  ASSERT_OK(this->store().Clear("no-such-kind"));
  EXPECT_THAT(this->store().Count("other"), IsOkAndHolds(2));
}

TYPED_TEST(StoreTest, ClearAllRemovesEveryRecordAndMeta) {
  ASSERT_NO_FATAL_FAILURE(this->InsertMany("k", "a", 3, "p"));
  ASSERT_NO_FATAL_FAILURE(this->InsertMany("other", "a", 2));
  ASSERT_OK(this->store().SetMeta("clock.offset", "5s"));
  ASSERT_OK(this->store().Clear(""));
  EXPECT_THAT(this->store().Count("k"), IsOkAndHolds(0));
  EXPECT_THAT(this->store().Count("other"), IsOkAndHolds(0));
  auto page = this->store().List(Query("k"));
  ASSERT_OK(page);
  EXPECT_THAT(page->records, IsEmpty());
  EXPECT_THAT(this->store().GetMeta("clock.offset"), IsOkAndHolds(std::nullopt));
  // Everything works as before afterwards, ids included.
  EXPECT_OK(this->store().Insert(Rec("k", "a0", "p")));
  EXPECT_THAT(this->store().Count("k", std::string("p")), IsOkAndHolds(1));
}

TYPED_TEST(StoreTest, MetaSetGetOverwriteAndAbsent) {
  EXPECT_THAT(this->store().GetMeta("absent"), IsOkAndHolds(std::nullopt));
  ASSERT_OK(this->store().SetMeta("counter", "1"));
  EXPECT_THAT(this->store().GetMeta("counter"),
              IsOkAndHolds(::testing::Optional(std::string("1"))));
  ASSERT_OK(this->store().SetMeta("counter", "2"));
  EXPECT_THAT(this->store().GetMeta("counter"),
              IsOkAndHolds(::testing::Optional(std::string("2"))));
  ASSERT_OK(this->store().SetMeta("empty", ""));
  EXPECT_THAT(this->store().GetMeta("empty"), IsOkAndHolds(::testing::Optional(std::string())));
  // Meta values are not records.
  EXPECT_THAT(this->store().Count(""), IsOkAndHolds(0));
}

TYPED_TEST(StoreTest, InsertBatchAssignsIncreasingSeqs) {
  auto before = this->store().Insert(Rec("k", "first"));
  ASSERT_OK(before);
  ASSERT_OK(this->store().InsertBatch({Rec("k", "b1", "p"), Rec("other", "b2"), Rec("k", "b3")}));
  ASSERT_OK(this->store().InsertBatch({}));
  auto page = this->store().List(Query("k"));
  ASSERT_OK(page);
  EXPECT_THAT(Ids(*page), ElementsAre("first", "b1", "b3"));
  EXPECT_LT(*before, page->records[1].seq);
  auto b2 = this->store().Get("other", "b2");
  ASSERT_OK(b2);
  EXPECT_GT(b2->seq, page->records[1].seq);
  EXPECT_LT(b2->seq, page->records[2].seq);
  EXPECT_EQ(page->records[1].partition, "p");
}

TYPED_TEST(StoreTest, InsertBatchIsAllOrNothing) {
  auto existing = this->store().Insert(Rec("k", "existing", "", "old"));
  ASSERT_OK(existing);
  EXPECT_THAT(
      this->store().InsertBatch({Rec("k", "n1"), Rec("k", "existing", "", "new"), Rec("k", "n2")}),
      StatusIs(StatusCode::kAlreadyExists, HasSubstr("existing")));
  // A duplicate inside the batch itself fails the same way.
  EXPECT_THAT(this->store().InsertBatch({Rec("k", "n1"), Rec("other", "x"), Rec("k", "n1")}),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(this->store().Count("k"), IsOkAndHolds(1));
  EXPECT_THAT(this->store().Count("other"), IsOkAndHolds(0));
  auto got = this->store().Get("k", "existing");
  ASSERT_OK(got);
  EXPECT_EQ(got->body, "old");
  EXPECT_THAT(this->store().Get("k", "n1"), StatusIs(StatusCode::kNotFound));
  auto next = this->store().Insert(Rec("k", "n1"));
  ASSERT_OK(next);
  EXPECT_GT(*next, *existing);
}

TYPED_TEST(StoreTest, ConcurrentInsertsGetDistinctSeqs) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  constexpr size_t kTotal = size_t{kThreads} * kPerThread;
  std::vector<std::vector<int64_t>> seqs(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto seq = this->store().Insert(Rec("k", id, "p" + std::to_string(t)));
        if (!seq.ok()) {
          ++failures;
          continue;
        }
        // Interleave reads so they contend with the writers.
        if (i % 50 == 0 && !this->store().List(Query("k", 10)).ok()) ++failures;
        seqs[t].push_back(*seq);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);

  std::set<int64_t> all;
  for (const std::vector<int64_t>& per_thread : seqs) {
    ASSERT_EQ(per_thread.size(), static_cast<size_t>(kPerThread));
    for (size_t i = 1; i < per_thread.size(); ++i) EXPECT_LT(per_thread[i - 1], per_thread[i]);
    all.insert(per_thread.begin(), per_thread.end());
  }
  EXPECT_EQ(all.size(), kTotal);
  EXPECT_THAT(this->store().Count("k"), IsOkAndHolds(static_cast<int64_t>(kTotal)));
  auto page = this->store().List(Query("k", kTotal));
  ASSERT_OK(page);
  std::vector<int64_t> listed;
  for (const Record& record : page->records) listed.push_back(record.seq);
  EXPECT_EQ(listed, std::vector<int64_t>(all.begin(), all.end()));
  EXPECT_FALSE(page->more);
}

// SQLite only: the file outlives the store object.
class SqliteStoreTest : public ::testing::Test {
 protected:
  SqliteBackend backend_;
};

TEST_F(SqliteStoreTest, ReopenKeepsRecordsMetaAndSeqCounter) {
  int64_t highest = 0;
  {
    auto store = backend_.Open();
    ASSERT_OK(store);
    for (int i = 0; i < 5; ++i) {
      auto seq =
          (*store)->Insert(Rec("k", "r" + std::to_string(i), "p", "body" + std::to_string(i)));
      ASSERT_OK(seq);
      highest = *seq;
    }
    ASSERT_OK((*store)->SetMeta("clock.offset", "42"));
    // The newest record is gone before the reopen; its number must still not come back.
    ASSERT_OK((*store)->Delete("k", "r4"));
  }
  auto store = backend_.Open();
  ASSERT_OK(store);
  auto page = (*store)->List(Query("k"));
  ASSERT_OK(page);
  EXPECT_THAT(Ids(*page), ElementsAre("r0", "r1", "r2", "r3"));
  auto got = (*store)->Get("k", "r3");
  ASSERT_OK(got);
  EXPECT_EQ(got->body, "body3");
  EXPECT_EQ(got->partition, "p");
  EXPECT_THAT((*store)->GetMeta("clock.offset"),
              IsOkAndHolds(::testing::Optional(std::string("42"))));
  auto seq = (*store)->Insert(Rec("k", "after-reopen"));
  ASSERT_OK(seq);
  EXPECT_GT(*seq, highest);

  // Nor does a full clear followed by a reopen bring old numbers back.
  highest = *seq;
  ASSERT_OK((*store)->Clear());
  store = backend_.Open();
  ASSERT_OK(store);
  seq = (*store)->Insert(Rec("k", "after-clear-and-reopen"));
  ASSERT_OK(seq);
  EXPECT_GT(*seq, highest);
}

TEST_F(SqliteStoreTest, OpenInMissingDirectoryNamesThePath) {
  const std::string path = UniqueTempPath("no-such-dir") + "/store.db";
  auto store = OpenSqliteStore(path);
  EXPECT_THAT(store, StatusIs(StatusCode::kInvalidArgument, HasSubstr(path)));
}

TEST_F(SqliteStoreTest, OpenNonDatabaseFileNamesThePath) {
  const std::string path = backend_.path();
  {
    std::ofstream out(path);
    for (int i = 0; i < 200; ++i) out << "this is not a database, just some text " << i << "\n";
  }
  auto store = OpenSqliteStore(path);
  EXPECT_THAT(store, StatusIs(StatusCode::kInvalidArgument, HasSubstr(path)));
  EXPECT_THAT(store, StatusIs(StatusCode::kInvalidArgument, HasSubstr("not a database")));
}

}  // namespace
}  // namespace mpemu::store
