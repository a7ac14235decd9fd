// Digests and MACs.
#ifndef MPEMU_EMULATOR_CRYPTO_HASH_H_
#define MPEMU_EMULATOR_CRYPTO_HASH_H_

#include <string>
#include <string_view>

namespace mpemu::crypto {

std::string Sha256(std::string_view data);  // 32 raw bytes
std::string Sha512(std::string_view data);  // 64 raw bytes
std::string Sha512Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes

}  // namespace mpemu::crypto

#endif  // MPEMU_EMULATOR_CRYPTO_HASH_H_
