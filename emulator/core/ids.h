// Identifier generation, injected so tests can have deterministic ids.
#ifndef MPEMU_EMULATOR_CORE_IDS_H_
#define MPEMU_EMULATOR_CORE_IDS_H_

#include <cstdint>
#include <mutex>
#include <string>

namespace mpemu {

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  // A canonical lower-case RFC 4122 version-4 UUID string (36 characters). Thread-safe.
  virtual std::string NewUuid() = 0;
};

// UUIDs from OpenSSL's CSPRNG.
class RandomIdGenerator final : public IdGenerator {
 public:
  std::string NewUuid() override;
};

// Reproducible UUIDs: the same seed gives the same sequence. Still valid version-4 UUIDs.
class SeededIdGenerator final : public IdGenerator {
 public:
  explicit SeededIdGenerator(uint64_t seed) : state_(seed) {}
  std::string NewUuid() override;

 private:
  std::mutex mu_;
  uint64_t state_;
};

// Formats 16 bytes as a version-4 UUID (sets the version and variant bits).
std::string FormatUuidV4(unsigned char bytes[16]);

// True for a canonical lower-case UUID string: 8-4-4-4-12 lower-case hex digits.
bool IsCanonicalUuid(const std::string& s);

}  // namespace mpemu

#endif  // MPEMU_EMULATOR_CORE_IDS_H_
