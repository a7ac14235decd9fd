// The request journal: every request the emulator received (and, later, every call it made to a
// vendor), with its reply. It is the evidence behind every harness expectation.
//
// Bounded ring: the oldest entries are dropped beyond `capacity` entries or `max_bytes` of stored
// text (bodies, headers, paths), whichever comes first; the newest entry is always kept. The byte
// budget keeps a long-running `mpemu serve` small when replies are large (20,000 list pages of
// 64 KiB would otherwise hold 1.2 GB). Thread-safe.
#ifndef MPEMU_EMULATOR_JOURNAL_JOURNAL_H_
#define MPEMU_EMULATOR_JOURNAL_JOURNAL_H_

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace mpemu::journal {

struct Entry {
  int64_t seq = 0;            // assigned by Record, from 1, never reused (not even by Clear)
  int64_t time_millis = 0;    // marketplace (virtual) clock
  int64_t wall_millis = 0;    // real clock
  std::string direction = "inbound";  // "inbound": to the emulator; "outbound": emulator to vendor
  std::string service;        // "stackit.api", "stackit.keys", "control", ...
  std::string route;          // route name, "" when nothing matched
  std::string host;           // the host addressed (Host header or absolute-form authority)
  std::string via;            // "http", "https", "proxy"; "" for outbound calls
  std::string method;
  std::string path;
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;           // truncated to kMaxBodyBytes
  int status = 0;
  std::string reply_content_type;
  std::string reply_body;     // truncated to kMaxBodyBytes
  double duration_ms = 0;
  std::string fault;          // id of the injected fault that shaped the reply, if any
  std::string remote_addr;
};

struct Filter {
  std::optional<std::string> method;
  std::optional<std::string> path_prefix;
  std::optional<std::string> path_contains;
  std::optional<std::string> service;
  std::optional<std::string> route;
  std::optional<std::string> direction;
  std::optional<std::string> host;
  std::optional<std::string> via;
  std::optional<int> status;
  int64_t after_seq = 0;     // exclusive
  size_t limit = 1000;       // the first `limit` matches after after_seq
  bool include_control = false;  // control-plane (/_emulator/) requests are hidden unless asked for
};

class Journal {
 public:
  static constexpr size_t kMaxBodyBytes = 64 * 1024;

  static constexpr size_t kDefaultMaxBytes = 64 * 1024 * 1024;

  explicit Journal(size_t capacity = 20000, size_t max_bytes = kDefaultMaxBytes)
      : capacity_(capacity), max_bytes_(max_bytes) {}
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Stores a copy (bodies truncated) and returns its seq.
  int64_t Record(Entry entry);
  std::vector<Entry> Query(const Filter& filter) const;
  // The seq the next entry will get; a scenario remembers it to look only at later calls.
  int64_t NextSeq() const;
  void Clear();
  size_t size() const;
  // The stored text of the entries held now, in bytes (what max_bytes bounds).
  size_t bytes() const;

  static nlohmann::json ToJson(const Entry& entry);

 private:
  static size_t SizeOf(const Entry& e);

  const size_t capacity_;
  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::deque<Entry> entries_;
  size_t bytes_ = 0;
  int64_t next_seq_ = 1;
};

}  // namespace mpemu::journal

#endif  // MPEMU_EMULATOR_JOURNAL_JOURNAL_H_
