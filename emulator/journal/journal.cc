#include "emulator/journal/journal.h"

#include "emulator/core/time_format.h"

namespace mpemu::journal {
namespace {

void Truncate(std::string& s) {
  if (s.size() > Journal::kMaxBodyBytes) {
    const size_t total = s.size();
    s.resize(Journal::kMaxBodyBytes);
    s += "...[truncated, " + std::to_string(total) + " bytes in all]";
  }
}

bool Matches(const Entry& e, const Filter& f) {
  if (e.seq <= f.after_seq) return false;
  if (!f.include_control && e.service == "control") return false;
  if (f.method && e.method != *f.method) return false;
  if (f.path_prefix && e.path.compare(0, f.path_prefix->size(), *f.path_prefix) != 0) return false;
  if (f.path_contains && e.path.find(*f.path_contains) == std::string::npos) return false;
  if (f.service && e.service != *f.service) return false;
  if (f.route && e.route != *f.route) return false;
  if (f.direction && e.direction != *f.direction) return false;
  if (f.host && e.host != *f.host) return false;
  if (f.via && e.via != *f.via) return false;
  if (f.status && e.status != *f.status) return false;
  return true;
}

}  // namespace

size_t Journal::SizeOf(const Entry& e) {
  size_t n = sizeof(Entry) + e.direction.size() + e.service.size() + e.route.size() + e.host.size() +
             e.via.size() + e.method.size() + e.path.size() + e.query.size() + e.body.size() +
             e.reply_content_type.size() + e.reply_body.size() + e.fault.size() + e.remote_addr.size();
  for (const auto& [name, value] : e.headers) n += name.size() + value.size() + 2 * sizeof(std::string);
  return n;
}

int64_t Journal::Record(Entry entry) {
  Truncate(entry.body);
  Truncate(entry.reply_body);
  const size_t size = SizeOf(entry);
  std::lock_guard<std::mutex> lock(mu_);
  entry.seq = next_seq_++;
  entries_.push_back(std::move(entry));
  bytes_ += size;
  while (entries_.size() > capacity_ || (bytes_ > max_bytes_ && entries_.size() > 1)) {
    bytes_ -= SizeOf(entries_.front());
    entries_.pop_front();
  }
  return entries_.back().seq;
}

std::vector<Entry> Journal::Query(const Filter& filter) const {
  std::vector<Entry> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const Entry& e : entries_) {
    if (out.size() >= filter.limit) break;
    if (Matches(e, filter)) out.push_back(e);
  }
  return out;
}

int64_t Journal::NextSeq() const {
  std::lock_guard<std::mutex> lock(mu_);
  return next_seq_;
}

void Journal::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
  bytes_ = 0;
}

size_t Journal::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t Journal::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

nlohmann::json Journal::ToJson(const Entry& e) {
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& [name, value] : e.headers) {
    // Repeated headers become arrays so nothing is lost.
    if (headers.contains(name)) {
      if (!headers[name].is_array()) headers[name] = nlohmann::json::array({headers[name]});
      headers[name].push_back(value);
    } else {
      headers[name] = value;
    }
  }
  nlohmann::json j = {
      {"seq", e.seq},
      {"time", FormatRfc3339Millis(e.time_millis)},
      {"wallTime", FormatRfc3339Millis(e.wall_millis)},
      {"direction", e.direction},
      {"service", e.service},
      {"route", e.route},
      {"host", e.host},
      {"method", e.method},
      {"path", e.path},
      {"query", e.query},
      {"headers", headers},
      {"body", e.body},
      {"status", e.status},
      {"replyContentType", e.reply_content_type},
      {"replyBody", e.reply_body},
      {"durationMs", e.duration_ms},
      {"remoteAddr", e.remote_addr},
  };
  if (!e.fault.empty()) j["fault"] = e.fault;
  if (!e.via.empty()) j["via"] = e.via;
  return j;
}

}  // namespace mpemu::journal
