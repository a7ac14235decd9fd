// One-line log messages on stderr, each prefixed with "vendor-sample: ". Thread-safe (one fprintf
// per line). Never pass secrets, tokens or keys.
#ifndef VENDOR_SAMPLE_BASE_LOG_H_
#define VENDOR_SAMPLE_BASE_LOG_H_

#include <string>

namespace vendor_sample {

void Log(const std::string& line);

// Silences Log() (tests that exercise failure paths on purpose).
void SetLogEnabled(bool enabled);

}  // namespace vendor_sample

#endif  // VENDOR_SAMPLE_BASE_LOG_H_
