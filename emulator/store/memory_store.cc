// The in-memory store: the default state of `mpemu serve`, and the reference behaviour that the
// SQLite store must match (both run tests/unit/store_test.cc).
//
// Choices the contract leaves open, made identically in sqlite_store.cc:
// - Sequence numbers start at 1 and are never reused, not even after Clear(""): a client may hold
//   an `after_seq` cursor across a reset, and a reused number would make it skip new records.
// - Insert and InsertBatch reject an empty kind or id (InvalidArgument): Clear("") means "all
//   kinds", so an empty kind cannot name one.
// - List with limit 0 returns no records, and `more` says whether any matching record exists.
// - An exception thrown by `filter` or `mutate` becomes an Internal status.
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "emulator/core/status.h"
#include "emulator/store/store.h"

namespace mpemu::store {
namespace {

std::string Describe(const std::string& kind, const std::string& id) {
  return "record " + kind + "/" + id;
}

Status ValidateNew(const Record& record) {
  if (record.kind.empty() || record.id.empty()) {
    return InvalidArgumentError("a record needs a non-empty kind and id (got " +
                                Describe(record.kind, record.id) + ")");
  }
  return Status::Ok();
}

// Runs a caller's callback so that an exception from it cannot escape the store.
template <typename F>
Status CallGuarded(const char* what, F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    return InternalError(std::string(what) + " threw: " + e.what());
  } catch (...) {
    return InternalError(std::string(what) + " threw a non-standard exception");
  }
}

class MemoryStore : public Store {
 public:
  StatusOr<int64_t> Insert(const Record& record) override {
    MPEMU_RETURN_IF_ERROR(ValidateNew(record));
    std::lock_guard<std::mutex> lock(mu_);
    Kind& kind = kinds_[record.kind];
    if (kind.seq_by_id.count(record.id) != 0) {
      return AlreadyExistsError(Describe(record.kind, record.id) + " already exists");
    }
    return Add(kind, record);
  }

  Status InsertBatch(const std::vector<Record>& records) override {
    // Everything is checked before anything is added, which makes the batch all-or-nothing.
    std::lock_guard<std::mutex> lock(mu_);
    std::unordered_set<std::string> seen;
    for (const Record& record : records) {
      MPEMU_RETURN_IF_ERROR(ValidateNew(record));
      auto it = kinds_.find(record.kind);
      const bool stored = it != kinds_.end() && it->second.seq_by_id.count(record.id) != 0;
      // Length-prefixing the kind keeps distinct (kind, id) pairs from sharing a key.
      const std::string key = std::to_string(record.kind.size()) + ":" + record.kind + record.id;
      if (stored || !seen.insert(key).second) {
        return AlreadyExistsError(Describe(record.kind, record.id) + " already exists");
      }
    }
    for (const Record& record : records) Add(kinds_[record.kind], record);
    return Status::Ok();
  }

  StatusOr<Record> Get(const std::string& kind, const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    const Record* record = Find(kind, id);
    if (record == nullptr) return NotFoundError(Describe(kind, id) + " not found");
    return *record;
  }

  StatusOr<Record> Update(const std::string& kind, const std::string& id,
                          const std::function<Status(Record&)>& mutate) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record* stored = Find(kind, id);
    if (stored == nullptr) return NotFoundError(Describe(kind, id) + " not found");
    // `mutate` works on a copy so that an error (or exception) leaves the record untouched.
    Record updated = *stored;
    MPEMU_RETURN_IF_ERROR(CallGuarded("mutate", [&] { return mutate(updated); }));
    updated.kind = stored->kind;
    updated.id = stored->id;
    updated.seq = stored->seq;
    Kind& k = kinds_.at(kind);
    if (updated.partition != stored->partition) {
      UnindexPartition(k, *stored);
      k.by_partition[updated.partition].emplace(updated.seq, stored);
    }
    *stored = std::move(updated);
    return *stored;
  }

  Status Delete(const std::string& kind, const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto kit = kinds_.find(kind);
    if (kit == kinds_.end()) return NotFoundError(Describe(kind, id) + " not found");
    Kind& k = kit->second;
    auto iit = k.seq_by_id.find(id);
    if (iit == k.seq_by_id.end()) return NotFoundError(Describe(kind, id) + " not found");
    auto rit = k.by_seq.find(iit->second);
    UnindexPartition(k, rit->second);
    k.seq_by_id.erase(iit);
    k.by_seq.erase(rit);
    if (k.by_seq.empty()) kinds_.erase(kit);
    return Status::Ok();
  }

  StatusOr<ListPage> List(const ListQuery& query) override {
    std::lock_guard<std::mutex> lock(mu_);
    ListPage page;
    auto kit = kinds_.find(query.kind);
    if (kit == kinds_.end()) return page;
    const Kind& k = kit->second;
    if (query.partition.has_value()) {
      auto pit = k.by_partition.find(*query.partition);
      if (pit == k.by_partition.end()) return page;
      MPEMU_RETURN_IF_ERROR(
          Collect(pit->second, query, page,
                  [](const auto& entry) -> const Record& { return *entry.second; }));
    } else {
      MPEMU_RETURN_IF_ERROR(Collect(
          k.by_seq, query, page, [](const auto& entry) -> const Record& { return entry.second; }));
    }
    return page;
  }

  StatusOr<int64_t> Count(const std::string& kind,
                          const std::optional<std::string>& partition) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto kit = kinds_.find(kind);
    if (kit == kinds_.end()) return int64_t{0};
    const Kind& k = kit->second;
    if (!partition.has_value()) return static_cast<int64_t>(k.by_seq.size());
    auto pit = k.by_partition.find(*partition);
    return pit == k.by_partition.end() ? int64_t{0} : static_cast<int64_t>(pit->second.size());
  }

  Status Clear(const std::string& kind) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (kind.empty()) {
      kinds_.clear();
      meta_.clear();
    } else {
      kinds_.erase(kind);
    }
    return Status::Ok();
  }

  Status SetMeta(const std::string& key, const std::string& value) override {
    std::lock_guard<std::mutex> lock(mu_);
    meta_[key] = value;
    return Status::Ok();
  }

  StatusOr<std::optional<std::string>> GetMeta(const std::string& key) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = meta_.find(key);
    if (it == meta_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

 private:
  struct Kind {
    std::map<int64_t, Record> by_seq;  // owns the records; std::map keeps their addresses stable
    std::unordered_map<std::string, int64_t> seq_by_id;
    // So that a partition-scoped list does not walk the other partitions' records.
    std::map<std::string, std::map<int64_t, Record*>> by_partition;
  };

  int64_t Add(Kind& kind, const Record& record) {
    const int64_t seq = ++last_seq_;
    Record& stored = kind.by_seq.emplace(seq, record).first->second;
    stored.seq = seq;
    kind.seq_by_id.emplace(stored.id, seq);
    kind.by_partition[stored.partition].emplace(seq, &stored);
    return seq;
  }

  Record* Find(const std::string& kind, const std::string& id) {
    auto kit = kinds_.find(kind);
    if (kit == kinds_.end()) return nullptr;
    auto iit = kit->second.seq_by_id.find(id);
    if (iit == kit->second.seq_by_id.end()) return nullptr;
    return &kit->second.by_seq.at(iit->second);
  }

  static void UnindexPartition(Kind& kind, const Record& record) {
    auto pit = kind.by_partition.find(record.partition);
    pit->second.erase(record.seq);
    if (pit->second.empty()) kind.by_partition.erase(pit);
  }

  // Walks `index` (ordered by seq) from after_seq, filling `page`; `more` needs one further
  // match, so the walk goes past the limit until it finds one or the index ends.
  template <typename Index, typename Deref>
  static Status Collect(const Index& index, const ListQuery& query, ListPage& page, Deref deref) {
    for (auto it = index.upper_bound(query.after_seq); it != index.end(); ++it) {
      const Record& record = deref(*it);
      if (query.filter) {
        bool keep = false;
        MPEMU_RETURN_IF_ERROR(CallGuarded("filter", [&] {
          keep = query.filter(record);
          return Status::Ok();
        }));
        if (!keep) continue;
      }
      if (page.records.size() == query.limit) {
        page.more = true;
        break;
      }
      page.records.push_back(record);
    }
    return Status::Ok();
  }

  std::mutex mu_;
  int64_t last_seq_ = 0;
  std::map<std::string, Kind> kinds_;
  std::map<std::string, std::string> meta_;
};

}  // namespace

std::unique_ptr<Store> NewMemoryStore() { return std::make_unique<MemoryStore>(); }

}  // namespace mpemu::store
