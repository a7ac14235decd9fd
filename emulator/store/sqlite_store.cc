// The SQLite store behind `mpemu serve --state FILE`. It matches the memory store's behaviour,
// including the choices documented at the top of memory_store.cc.
//
// One connection serves every thread, serialized by a mutex: the emulator's load is small and a
// single writer never meets SQLITE_BUSY from itself. WAL with synchronous=NORMAL keeps commits
// cheap; busy_timeout covers another process (an inspecting sqlite3 shell) holding the file.
//
// Sequence numbers come from AUTOINCREMENT: SQLite keeps the highest one ever issued in
// sqlite_sequence, which DELETE does not lower, so numbers survive reopening and are never reused,
// even after Clear("") (as in the memory store). A rolled-back insert gives its number back, but
// nobody has seen that number.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emulator/core/status.h"
#include "emulator/store/store.h"

namespace mpemu::store {
namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr int kSchemaVersion = 1;
// With a filter, List reads ahead in chunks of at least this many rows, since an unknown number
// of them may be skipped.
constexpr size_t kMinFilteredChunk = 256;

// `partition` is quoted throughout: it is a keyword (window functions) that SQLite accepts as a
// name only by fallback.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS records (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  "partition" TEXT NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (kind, id)
);
CREATE INDEX IF NOT EXISTS records_by_partition ON records (kind, "partition", seq);
CREATE INDEX IF NOT EXISTS records_by_kind ON records (kind, seq);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

constexpr const char* kColumns = R"sql(kind, id, "partition", seq, body)sql";

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

bool IsUniqueViolation(const SQLite::Exception& e) {
  return e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE ||
         e.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY;
}

// Errors that mean the file itself is unusable as a store (as opposed to a bug or a full disk
// during an operation).
bool IsBadFile(int code) {
  switch (code & 0xff) {
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
    case SQLITE_IOERR:
    case SQLITE_ERROR:  // at open, only a foreign schema under our table names produces this
      return true;
    default:
      return false;
  }
}

// Resets a cached statement however the code using it exits, so that it neither holds a read
// snapshot open nor keeps a large bound body alive.
class StatementUse {
 public:
  explicit StatementUse(SQLite::Statement& statement) : statement_(statement) {}
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  ~StatementUse() {
    statement_.tryReset();
    try {
      statement_.clearBindings();
    } catch (const SQLite::Exception&) {
      // sqlite3_clear_bindings cannot fail; nothing to do.
    }
  }
  SQLite::Statement* operator->() { return &statement_; }
  SQLite::Statement& operator*() { return statement_; }

 private:
  SQLite::Statement& statement_;
};

// BEGIN IMMEDIATE takes the write lock up front, so a read-modify-write cannot be overtaken by
// another process between its read and its write. Rolls back unless committed.
class WriteTransaction {
 public:
  explicit WriteTransaction(SQLite::Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  ~WriteTransaction() {
    if (!done_) sqlite3_exec(db_.getHandle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void Commit() {
    db_.exec("COMMIT");
    done_ = true;
  }

 private:
  SQLite::Database& db_;
  bool done_ = false;
};

Record ReadRecord(const SQLite::Statement& statement) {
  Record record;
  record.kind = statement.getColumn(0).getString();
  record.id = statement.getColumn(1).getString();
  record.partition = statement.getColumn(2).getString();
  record.seq = statement.getColumn(3).getInt64();
  record.body = statement.getColumn(4).getString();
  return record;
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

class SqliteStore : public Store {
 public:
  SqliteStore(std::string path, std::unique_ptr<SQLite::Database> db)
      : path_(std::move(path)),
        db_(std::move(db)),
        insert_(*db_,
                R"sql(INSERT INTO records (kind, id, "partition", body) VALUES (?, ?, ?, ?))sql"),
        get_(*db_, std::string("SELECT ") + kColumns + " FROM records WHERE kind = ? AND id = ?"),
        update_(*db_, R"sql(UPDATE records SET "partition" = ?, body = ? WHERE seq = ?)sql"),
        delete_(*db_, "DELETE FROM records WHERE kind = ? AND id = ?"),
        list_(*db_, std::string("SELECT ") + kColumns +
                        " FROM records WHERE kind = ? AND seq > ? ORDER BY seq LIMIT ?"),
        list_partition_(*db_, std::string("SELECT ") + kColumns +
                                  R"sql( FROM records WHERE kind = ? AND "partition" = ?)sql"
                                  " AND seq > ? ORDER BY seq LIMIT ?"),
        count_(*db_, "SELECT count(*) FROM records WHERE kind = ?"),
        count_partition_(
            *db_, R"sql(SELECT count(*) FROM records WHERE kind = ? AND "partition" = ?)sql"),
        clear_kind_(*db_, "DELETE FROM records WHERE kind = ?"),
        set_meta_(*db_,
                  "INSERT INTO meta (key, value) VALUES (?, ?)"
                  " ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
        get_meta_(*db_, "SELECT value FROM meta WHERE key = ?") {}

  StatusOr<int64_t> Insert(const Record& record) override {
    MPEMU_RETURN_IF_ERROR(ValidateNew(record));
    return Guarded("Insert", [&]() -> StatusOr<int64_t> {
      MPEMU_RETURN_IF_ERROR(InsertLocked(record));
      return db_->getLastInsertRowid();
    });
  }

  Status InsertBatch(const std::vector<Record>& records) override {
    for (const Record& record : records) MPEMU_RETURN_IF_ERROR(ValidateNew(record));
    return Guarded("InsertBatch", [&]() -> Status {
      WriteTransaction transaction(*db_);
      for (const Record& record : records) MPEMU_RETURN_IF_ERROR(InsertLocked(record));
      transaction.Commit();
      return Status::Ok();
    });
  }

  StatusOr<Record> Get(const std::string& kind, const std::string& id) override {
    return Guarded("Get", [&]() { return GetLocked(kind, id); });
  }

  StatusOr<Record> Update(const std::string& kind, const std::string& id,
                          const std::function<Status(Record&)>& mutate) override {
    return Guarded("Update", [&]() -> StatusOr<Record> {
      WriteTransaction transaction(*db_);
      MPEMU_ASSIGN_OR_RETURN(const Record stored, GetLocked(kind, id));
      Record updated = stored;
      MPEMU_RETURN_IF_ERROR(CallGuarded("mutate", [&] { return mutate(updated); }));
      updated.kind = stored.kind;
      updated.id = stored.id;
      updated.seq = stored.seq;
      {
        StatementUse use(update_);
        use->bind(1, updated.partition);
        use->bind(2, updated.body);
        use->bind(3, updated.seq);
        use->exec();
      }
      transaction.Commit();
      return updated;
    });
  }

  Status Delete(const std::string& kind, const std::string& id) override {
    return Guarded("Delete", [&]() -> Status {
      StatementUse use(delete_);
      use->bind(1, kind);
      use->bind(2, id);
      if (use->exec() == 0) return NotFoundError(Describe(kind, id) + " not found");
      return Status::Ok();
    });
  }

  StatusOr<ListPage> List(const ListQuery& query) override {
    return Guarded("List", [&]() -> StatusOr<ListPage> {
      ListPage page;
      // One row past the limit tells whether there is more; with a filter, any number of rows may
      // be skipped, so read bigger chunks and keep going until a further match or the end.
      constexpr size_t kMaxRows = static_cast<size_t>(std::numeric_limits<int64_t>::max());
      size_t chunk = query.limit >= kMaxRows ? kMaxRows : query.limit + 1;
      if (query.filter) chunk = std::max(chunk, kMinFilteredChunk);
      SQLite::Statement& statement = query.partition.has_value() ? list_partition_ : list_;
      int64_t cursor = query.after_seq;
      while (true) {
        StatementUse use(statement);
        int index = 1;
        use->bind(index++, query.kind);
        if (query.partition.has_value()) use->bind(index++, *query.partition);
        use->bind(index++, cursor);
        use->bind(index++, static_cast<int64_t>(chunk));
        size_t rows = 0;
        while (use->executeStep()) {
          ++rows;
          Record record = ReadRecord(*use);
          cursor = record.seq;
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
            return page;
          }
          page.records.push_back(std::move(record));
        }
        if (rows < chunk) return page;
      }
    });
  }

  StatusOr<int64_t> Count(const std::string& kind,
                          const std::optional<std::string>& partition) override {
    return Guarded("Count", [&]() -> StatusOr<int64_t> {
      StatementUse use(partition.has_value() ? count_partition_ : count_);
      use->bind(1, kind);
      if (partition.has_value()) use->bind(2, *partition);
      use->executeStep();
      return use->getColumn(0).getInt64();
    });
  }

  Status Clear(const std::string& kind) override {
    return Guarded("Clear", [&]() -> Status {
      if (kind.empty()) {
        WriteTransaction transaction(*db_);
        db_->exec("DELETE FROM records; DELETE FROM meta;");
        transaction.Commit();
      } else {
        StatementUse use(clear_kind_);
        use->bind(1, kind);
        use->exec();
      }
      return Status::Ok();
    });
  }

  Status SetMeta(const std::string& key, const std::string& value) override {
    return Guarded("SetMeta", [&]() -> Status {
      StatementUse use(set_meta_);
      use->bind(1, key);
      use->bind(2, value);
      use->exec();
      return Status::Ok();
    });
  }

  StatusOr<std::optional<std::string>> GetMeta(const std::string& key) override {
    return Guarded("GetMeta", [&]() -> StatusOr<std::optional<std::string>> {
      StatementUse use(get_meta_);
      use->bind(1, key);
      if (!use->executeStep()) return std::optional<std::string>();
      return std::optional<std::string>(use->getColumn(0).getString());
    });
  }

 private:
  // Takes the lock and turns every exception into a status: nothing may throw out of the store.
  template <typename F>
  auto Guarded(const char* operation, F&& f) -> decltype(f()) {
    std::lock_guard<std::mutex> lock(mu_);
    try {
      return f();
    } catch (const SQLite::Exception& e) {
      return InternalError("SQLite store " + path_ + ": " + operation + ": " + e.what());
    } catch (const std::exception& e) {
      return InternalError("SQLite store " + path_ + ": " + operation + ": " + e.what());
    }
  }

  Status InsertLocked(const Record& record) {
    StatementUse use(insert_);
    use->bind(1, record.kind);
    use->bind(2, record.id);
    use->bind(3, record.partition);
    use->bind(4, record.body);
    try {
      use->exec();
    } catch (const SQLite::Exception& e) {
      if (IsUniqueViolation(e)) {
        return AlreadyExistsError(Describe(record.kind, record.id) + " already exists");
      }
      throw;
    }
    return Status::Ok();
  }

  StatusOr<Record> GetLocked(const std::string& kind, const std::string& id) {
    StatementUse use(get_);
    use->bind(1, kind);
    use->bind(2, id);
    if (!use->executeStep()) return NotFoundError(Describe(kind, id) + " not found");
    return ReadRecord(*use);
  }

  const std::string path_;
  std::mutex mu_;
  // Declared before the statements, which must be finalized before the connection closes.
  std::unique_ptr<SQLite::Database> db_;
  SQLite::Statement insert_;
  SQLite::Statement get_;
  SQLite::Statement update_;
  SQLite::Statement delete_;
  SQLite::Statement list_;
  SQLite::Statement list_partition_;
  SQLite::Statement count_;
  SQLite::Statement count_partition_;
  SQLite::Statement clear_kind_;
  SQLite::Statement set_meta_;
  SQLite::Statement get_meta_;
};

// Schema creation and version check; throws SQLite::Exception or returns a status for a database
// this code cannot use.
Status PrepareDatabase(SQLite::Database& db, const std::string& path) {
  // journal_mode answers with the mode in force; a file system without shared memory stays in
  // rollback mode, which is slower but still correct, so the answer is not checked.
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  const int version = db.execAndGet("PRAGMA user_version").getInt();
  if (version > kSchemaVersion) {
    return InvalidArgumentError("cannot open SQLite store " + path + ": schema version " +
                                std::to_string(version) + " is newer than this mpemu's (" +
                                std::to_string(kSchemaVersion) + ")");
  }
  WriteTransaction transaction(db);
  db.exec(kSchema);
  db.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
  transaction.Commit();
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  try {
    auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                                                 kBusyTimeoutMs);
    MPEMU_RETURN_IF_ERROR(PrepareDatabase(*db, path));
    return std::unique_ptr<Store>(std::make_unique<SqliteStore>(path, std::move(db)));
  } catch (const SQLite::Exception& e) {
    const std::string message = "cannot open SQLite store " + path + ": " + e.what();
    return IsBadFile(e.getErrorCode()) ? InvalidArgumentError(message) : InternalError(message);
  } catch (const std::exception& e) {
    return InternalError("cannot open SQLite store " + path + ": " + e.what());
  }
}

}  // namespace mpemu::store
