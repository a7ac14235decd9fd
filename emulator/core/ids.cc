#include "emulator/core/ids.h"

#include <openssl/rand.h>

#include <cstdlib>

namespace mpemu {

std::string FormatUuidV4(unsigned char b[16]) {
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0f]);
  }
  return out;
}

std::string RandomIdGenerator::NewUuid() {
  unsigned char b[16];
  // RAND_bytes only fails when the CSPRNG cannot be seeded; continuing would be unsafe.
  if (RAND_bytes(b, sizeof b) != 1) std::abort();
  return FormatUuidV4(b);
}

std::string SeededIdGenerator::NewUuid() {
  unsigned char b[16];
  std::lock_guard<std::mutex> lock(mu_);
  for (int half = 0; half < 2; ++half) {
    // splitmix64: a small, well-distributed generator; reproducibility is all we need here.
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    for (int i = 0; i < 8; ++i) b[half * 8 + i] = static_cast<unsigned char>(z >> (8 * i));
  }
  return FormatUuidV4(b);
}

bool IsCanonicalUuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace mpemu
