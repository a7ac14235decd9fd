#include "emulator/core/time_format.h"

#include <cstdio>
#include <ctime>

namespace mpemu {
namespace {

std::tm ToUtc(int64_t epoch_millis) {
  int64_t secs = epoch_millis / 1000;
  if (epoch_millis < 0 && epoch_millis % 1000 != 0) --secs;
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

}  // namespace

std::string FormatRfc3339Millis(int64_t epoch_millis) {
  const std::tm tm = ToUtc(epoch_millis);
  int64_t ms = epoch_millis % 1000;
  if (ms < 0) ms += 1000;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

std::string FormatRfc3339(int64_t epoch_millis) {
  const std::tm tm = ToUtc(epoch_millis);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace mpemu
