// The state of every emulated marketplace, behind one interface with two implementations: in
// memory (the default) and SQLite (`mpemu serve --state FILE`). Both pass the same typed test suite
// (tests/unit/store_test.cc).
//
// The store is deliberately schema-less: a record is a JSON document filed under a `kind`
// ("stackit.subscription", "stackit.key", later "clevercloud.addon", "pandium.tenant", ...), an
// id unique within the kind, and a `partition` (for example the vendor project) that lists are
// scoped by. A new marketplace adds kinds, never tables or methods. Records carry a sequence number
// assigned on insert, strictly increasing across the whole store; lists are in sequence order,
// which is creation order, and page by it (keyset pagination, stable under inserts).
//
// Thread-safety: every method may be called from any thread; each call is atomic.
#ifndef MPEMU_EMULATOR_STORE_STORE_H_
#define MPEMU_EMULATOR_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emulator/core/status.h"

namespace mpemu::store {

struct Record {
  std::string kind;
  std::string id;
  std::string partition;  // may be empty
  int64_t seq = 0;        // assigned by the store on insert; ignored on input
  std::string body;       // JSON text, opaque to the store
};

struct ListQuery {
  std::string kind;
  std::optional<std::string> partition;  // all partitions when unset
  int64_t after_seq = 0;                 // exclusive; 0 = from the start
  size_t limit = 100;
  // Records for which this returns false are skipped (and do not count against the limit).
  std::function<bool(const Record&)> filter;
};

struct ListPage {
  std::vector<Record> records;  // at most `limit`, ascending seq
  bool more = false;            // another matching record exists after the last one returned
};

class Store {
 public:
  virtual ~Store() = default;

  // Adds a new record and returns its sequence number. AlreadyExists if (kind, id) exists.
  virtual StatusOr<int64_t> Insert(const Record& record) = 0;
  // Adds many records in one transaction (all or nothing). For seeding and benchmarks.
  virtual Status InsertBatch(const std::vector<Record>& records) = 0;

  // NotFound if absent.
  virtual StatusOr<Record> Get(const std::string& kind, const std::string& id) = 0;

  // Atomic read-modify-write of one record: `mutate` sees the current record and may change its
  // body and partition (kind, id and seq are restored if changed). If `mutate` returns an error,
  // nothing is written and that error is returned. NotFound if absent. Returns the record as
  // written. `mutate` must not call back into the store.
  virtual StatusOr<Record> Update(const std::string& kind, const std::string& id,
                                  const std::function<Status(Record&)>& mutate) = 0;

  // NotFound if absent.
  virtual Status Delete(const std::string& kind, const std::string& id) = 0;

  virtual StatusOr<ListPage> List(const ListQuery& query) = 0;

  // Number of records of a kind (in one partition when given).
  virtual StatusOr<int64_t> Count(const std::string& kind,
                                  const std::optional<std::string>& partition = std::nullopt) = 0;

  // Removes every record of a kind; with an empty kind, every record and every meta value.
  virtual Status Clear(const std::string& kind = "") = 0;

  // Small named values that are not records (the virtual clock's offset, counters).
  virtual Status SetMeta(const std::string& key, const std::string& value) = 0;
  virtual StatusOr<std::optional<std::string>> GetMeta(const std::string& key) = 0;
};

// Calls `visit` on every record of `kind` (in one partition when given), in seq order, reading
// the store page by page. Stops at the first error (of the store or of `visit`) and returns it.
// `visit` must not call back into the store.
Status ForEachRecord(Store& store, const std::string& kind, const std::optional<std::string>& partition,
                     const std::function<Status(const Record&)>& visit);

std::unique_ptr<Store> NewMemoryStore();

// Opens (creating if needed) a SQLite database file in WAL mode. Errors name the file and reason.
StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace mpemu::store

#endif  // MPEMU_EMULATOR_STORE_STORE_H_
