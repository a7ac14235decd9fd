// Timestamps as the marketplaces print them.
#ifndef MPEMU_EMULATOR_CORE_TIME_FORMAT_H_
#define MPEMU_EMULATOR_CORE_TIME_FORMAT_H_

#include <cstdint>
#include <string>

namespace mpemu {

// RFC 3339 in UTC with millisecond precision: "2026-11-24T19:34:19.123Z".
std::string FormatRfc3339Millis(int64_t epoch_millis);
// RFC 3339 in UTC, whole seconds: "2026-11-24T19:34:19Z".
std::string FormatRfc3339(int64_t epoch_millis);

}  // namespace mpemu

#endif  // MPEMU_EMULATOR_CORE_TIME_FORMAT_H_
