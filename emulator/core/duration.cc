#include "emulator/core/duration.h"

#include <cctype>
#include <limits>

namespace mpemu {

StatusOr<int64_t> ParseDurationMillis(const std::string& text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  if (i >= text.size()) return InvalidArgumentError("empty duration \"" + text + "\"");
  int64_t total = 0;
  bool any_unit = false;
  while (i < text.size()) {
    const size_t start = i;
    int64_t n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (n > std::numeric_limits<int64_t>::max() / 10 - 9) {
        return InvalidArgumentError("duration \"" + text + "\" is too large");
      }
      n = n * 10 + (text[i++] - '0');
    }
    if (i == start) {
      return InvalidArgumentError("duration \"" + text + "\": expected a number at offset " +
                                  std::to_string(start));
    }
    int64_t unit = 0;
    if (i == text.size()) {
      if (any_unit) {
        return InvalidArgumentError("duration \"" + text + "\": missing unit at the end");
      }
      unit = 1000;  // bare number: seconds
    } else if (text.compare(i, 2, "ms") == 0) {
      unit = 1, i += 2;
    } else {
      switch (text[i]) {
        case 's': unit = 1000; break;
        case 'm': unit = 60 * 1000; break;
        case 'h': unit = 3600 * 1000; break;
        case 'd': unit = 86400 * 1000; break;
        default:
          return InvalidArgumentError("duration \"" + text + "\": unknown unit '" +
                                      std::string(1, text[i]) + "' at offset " + std::to_string(i) +
                                      " (use ms, s, m, h or d)");
      }
      ++i;
    }
    any_unit = true;
    // total >= 0 throughout, so this also keeps the sum inside int64.
    if (n > std::numeric_limits<int64_t>::max() / unit ||
        n * unit > std::numeric_limits<int64_t>::max() - total) {
      return InvalidArgumentError("duration \"" + text + "\" is too large");
    }
    total += n * unit;
  }
  return negative ? -total : total;
}

std::string FormatDurationMillis(int64_t millis) {
  if (millis == 0) return "0s";
  std::string out;
  if (millis < 0) out = "-", millis = -millis;
  const struct { int64_t size; const char* name; } units[] = {
      {86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}, {1, "ms"}};
  for (const auto& u : units) {
    if (millis >= u.size) {
      out += std::to_string(millis / u.size) + u.name;
      millis %= u.size;
    }
  }
  return out;
}

}  // namespace mpemu
