// Human durations as users type them: "90s", "61m", "1h30m", "2d", "500ms", or plain seconds "3600".
#ifndef MPEMU_EMULATOR_CORE_DURATION_H_
#define MPEMU_EMULATOR_CORE_DURATION_H_

#include <cstdint>
#include <string>

#include "emulator/core/status.h"

namespace mpemu {

// Parses into milliseconds. Units: ms, s, m, h, d; several may be chained ("1h30m"). A leading '-'
// negates. Errors name the offending position.
StatusOr<int64_t> ParseDurationMillis(const std::string& text);

// Formats milliseconds compactly: 3660000 -> "1h1m".
std::string FormatDurationMillis(int64_t millis);

}  // namespace mpemu

#endif  // MPEMU_EMULATOR_CORE_DURATION_H_
