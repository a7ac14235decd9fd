#include "emulator/crypto/encoding.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>

namespace mpemu::crypto {
namespace {

constexpr char kUrlAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr char kStdAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::array<int8_t, 256> ReverseTable(const char* alphabet) {
  std::array<int8_t, 256> table;
  table.fill(-1);
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  return table;
}

std::string Encode(std::string_view bytes, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                 static_cast<uint8_t>(bytes[i + 2]);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (pad) out += "==";
  } else if (rest == 2) {
    uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    if (pad) out += '=';
  }
  return out;
}

// Decodes unpadded text over one alphabet. `what` names the encoding in errors.
StatusOr<std::string> DecodeUnpadded(std::string_view text, const std::array<int8_t, 256>& table,
                                     bool allow_noncanonical, const char* what) {
  if (text.size() % 4 == 1) {
    return InvalidArgumentError(std::string("invalid ") + what + ": length " +
                                std::to_string(text.size()) + " is impossible (1 mod 4)");
  }
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    int8_t v = table[static_cast<unsigned char>(text[i])];
    if (v < 0) {
      return InvalidArgumentError(std::string("invalid ") + what + ": unexpected character at offset " +
                                  std::to_string(i));
    }
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  // The bits left over must be zero: otherwise two different texts would decode to the same bytes.
  if (!allow_noncanonical && bits > 0 && (buffer & ((1u << bits) - 1)) != 0) {
    return InvalidArgumentError(std::string("invalid ") + what +
                                ": non-zero unused bits in the last character (offset " +
                                std::to_string(text.size() - 1) + ")");
  }
  return out;
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) { return Encode(bytes, kUrlAlphabet, false); }

StatusOr<std::string> Base64UrlDecode(std::string_view text, bool allow_noncanonical) {
  static const auto table = ReverseTable(kUrlAlphabet);
  return DecodeUnpadded(text, table, allow_noncanonical, "base64url");
}

std::string Base64Encode(std::string_view bytes) { return Encode(bytes, kStdAlphabet, true); }

StatusOr<std::string> Base64Decode(std::string_view text) {
  static const auto table = ReverseTable(kStdAlphabet);
  size_t end = text.size();
  size_t padding = 0;
  while (end > 0 && text[end - 1] == '=' && padding < 2) {
    --end;
    ++padding;
  }
  if (padding > 0 && text.size() % 4 != 0) {
    return InvalidArgumentError("invalid base64: padding at offset " + std::to_string(end) +
                                " but length is not a multiple of 4");
  }
  return DecodeUnpadded(text.substr(0, end), table, /*allow_noncanonical=*/true, "base64");
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::abort();  // no entropy: nothing secret can be made safely
  }
  return out;
}

std::string RandomSecret(size_t n) { return Base64UrlEncode(RandomBytes(n)); }

}  // namespace mpemu::crypto
