#include "vendor-sample/crypto/base64url.h"

#include <cstdint>

namespace vendor_sample::crypto {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

int PlainValue(char c) {
  if (c == '+') return 62;
  if (c == '/') return 63;
  if (c == '-' || c == '_') return -1;
  return Value(c);
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) |
                       (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest == 1) {
    const uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    const uint32_t v =
        (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

namespace {

// Decodes unpadded 6-bit groups with `value` (-1: not in the alphabet); trailing bits must be
// zero. Errors start with `what` ("base64url: ... not in the URL-safe alphabet", ...).
StatusOr<std::string> DecodeGroups(std::string_view data, int (*value)(char), const std::string& what,
                                   const std::string& alphabet) {
  std::string out;
  out.reserve(data.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < data.size(); ++i) {
    const int v = value(data[i]);
    if (v < 0) {
      return InvalidArgumentError(what + ": character not in the " + alphabet + " at offset " +
                                  std::to_string(i));
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
      acc &= (1u << bits) - 1;
    }
  }
  if (acc != 0) {
    return InvalidArgumentError(what + ": non-canonical encoding (unused trailing bits are set)");
  }
  return out;
}

}  // namespace

StatusOr<std::string> Base64UrlDecodeStrict(std::string_view text) {
  if (text.size() % 4 == 1) {
    return InvalidArgumentError("base64url: impossible length " + std::to_string(text.size()));
  }
  return DecodeGroups(text, Value, "base64url", "URL-safe alphabet");
}

std::string Base64Encode(std::string_view bytes) {
  std::string out = Base64UrlEncode(bytes);
  for (char& c : out) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (out.size() % 4 != 0) out += '=';
  return out;
}

StatusOr<std::string> Base64DecodeStrict(std::string_view text) {
  if (text.empty()) return InvalidArgumentError("base64: empty");
  if (text.size() % 4 != 0) {
    return InvalidArgumentError("base64: length " + std::to_string(text.size()) +
                                " is not a multiple of 4");
  }
  size_t padding = 0;
  while (padding < 2 && text[text.size() - 1 - padding] == '=') ++padding;
  return DecodeGroups(text.substr(0, text.size() - padding), PlainValue, "base64", "alphabet");
}

}  // namespace vendor_sample::crypto
