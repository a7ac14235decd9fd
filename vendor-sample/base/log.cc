#include "vendor-sample/base/log.h"

#include <atomic>
#include <cstdio>

namespace vendor_sample {
namespace {
std::atomic<bool> log_enabled{true};
}  // namespace

void Log(const std::string& line) {
  if (!log_enabled) return;
  std::fprintf(stderr, "vendor-sample: %s\n", line.c_str());
}

void SetLogEnabled(bool enabled) { log_enabled = enabled; }

}  // namespace vendor_sample
