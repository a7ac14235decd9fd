#include "emulator/harness/token_mutations.h"

#include "emulator/crypto/encoding.h"
#include "emulator/crypto/hash.h"
#include "emulator/crypto/jwt.h"

namespace mpemu::harness {
namespace {

using crypto::Base64UrlEncode;

Status NeedString(const nlohmann::json& p, const char* mutation) {
  if (!p.is_string()) return InvalidArgumentError(std::string(mutation) + " takes a string, got " + p.dump());
  return Status::Ok();
}

Status NeedObject(const nlohmann::json& p, const char* mutation) {
  if (!p.is_object()) return InvalidArgumentError(std::string(mutation) + " takes a mapping, got " + p.dump());
  return Status::Ok();
}

std::function<StatusOr<std::string>(const std::string&)> RsaSign(crypto::RsaKey key, crypto::RsaDigest d) {
  return [key, d](const std::string& input) { return key.Sign(d, input); };
}

std::function<StatusOr<std::string>(const std::string&)> HmacSign(std::string secret) {
  return [secret](const std::string& input) -> StatusOr<std::string> { return crypto::HmacSha256(secret, input); };
}

// Replaces segment `index` (0..2) of a compact token.
StatusOr<std::string> EditSegment(const std::string& token, int index,
                                  const std::function<std::string(const std::string&)>& edit) {
  size_t a = token.find('.');
  size_t b = a == std::string::npos ? a : token.find('.', a + 1);
  if (b == std::string::npos) return InternalError("token has fewer than 3 segments");
  std::string seg[3] = {token.substr(0, a), token.substr(a + 1, b - a - 1), token.substr(b + 1)};
  seg[index] = edit(seg[index]);
  return seg[0] + "." + seg[1] + "." + seg[2];
}

StatusOr<int> SegmentIndex(const nlohmann::json& p) {
  const std::string s = p.is_string() ? p.get<std::string>() : "";
  if (s == "header") return 0;
  if (s == "payload") return 1;
  if (s == "signature") return 2;
  return InvalidArgumentError("segment must be header, payload or signature, got " + p.dump());
}

// The key material an HS256-confusion attacker would feed HMAC (security catalogue A-04).
StatusOr<std::string> ConfusionKey(const std::string& variant, const TokenKeys& keys) {
  std::string pem = keys.legit_pem;
  if (variant == "pem") return pem;
  if (variant == "pem-trailing-newline") return pem + "\n";
  if (variant == "pem-no-trailing-newline") {
    while (!pem.empty() && pem.back() == '\n') pem.pop_back();
    return pem;
  }
  if (variant == "pem-crlf") {
    std::string out;
    for (char c : pem) {
      if (c == '\n') out += '\r';
      out += c;
    }
    return out;
  }
  if (variant == "spki-der") return keys.legit.PublicDer();
  if (variant == "pkcs1-der") return keys.legit.Pkcs1PublicDer();
  if (variant == "modulus") return keys.legit.Modulus();
  if (variant == "keys-json") return keys.keys_json;
  return InvalidArgumentError("hs256_with_public_key variant must be pem, pem-trailing-newline, "
                              "pem-no-trailing-newline, pem-crlf, spki-der, pkcs1-der, modulus or "
                              "keys-json, got \"" + variant + "\"");
}

std::vector<MutationSpec> BuildRegistry() {
  std::vector<MutationSpec> r;
  r.push_back({"set_claims", "{claim: value, ...}: set payload claims (null sets JSON null)",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys&) -> Status {
                 MPEMU_RETURN_IF_ERROR(NeedObject(p, "set_claims"));
                 for (const auto& [k, v] : p.items()) d.payload[k] = v;
                 return Status::Ok();
               }});
  r.push_back({"remove_claims", "[claim, ...]: remove payload claims",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys&) -> Status {
                 if (!p.is_array()) return InvalidArgumentError("remove_claims takes a list of names");
                 for (const auto& k : p) d.payload.erase(k.get<std::string>());
                 return Status::Ok();
               }});
  r.push_back({"relative_times",
               "{iat|exp|nbf: seconds}: set time claims to now + seconds (the vendor's real now)",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys& keys) -> Status {
                 MPEMU_RETURN_IF_ERROR(NeedObject(p, "relative_times"));
                 for (const auto& [k, v] : p.items()) {
                   if (!v.is_number_integer()) return InvalidArgumentError("relative_times." + k + " must be an integer");
                   d.payload[k] = keys.now_seconds + v.get<int64_t>();
                 }
                 return Status::Ok();
               }});
  r.push_back({"uppercase_claim", "claim: upper-case that string claim's value (A-20)",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys&) -> Status {
                 MPEMU_RETURN_IF_ERROR(NeedString(p, "uppercase_claim"));
                 auto it = d.payload.find(p.get<std::string>());
                 if (it == d.payload.end() || !it->is_string()) {
                   return InvalidArgumentError("uppercase_claim: no string claim " + p.dump());
                 }
                 std::string v = it->get<std::string>();
                 for (auto& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                 *it = v;
                 return Status::Ok();
               }});
  r.push_back({"set_header", "{member: value, ...}: set header members",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys&) -> Status {
                 MPEMU_RETURN_IF_ERROR(NeedObject(p, "set_header"));
                 for (const auto& [k, v] : p.items()) d.header[k] = v;
                 return Status::Ok();
               }});
  r.push_back({"remove_header", "[member, ...]: remove header members",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys&) -> Status {
                 if (!p.is_array()) return InvalidArgumentError("remove_header takes a list of names");
                 for (const auto& k : p) d.header.erase(k.get<std::string>());
                 return Status::Ok();
               }});
  r.push_back({"raw_header", "\"{...}\": the header's exact JSON text (duplicates allowed)",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys&) -> Status {
                 MPEMU_RETURN_IF_ERROR(NeedString(p, "raw_header"));
                 d.raw_header = p.get<std::string>();
                 return Status::Ok();
               }});
  r.push_back({"raw_payload", "\"{...}\": the payload's exact JSON text (duplicates allowed)",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys&) -> Status {
                 MPEMU_RETURN_IF_ERROR(NeedString(p, "raw_payload"));
                 d.raw_payload = p.get<std::string>();
                 return Status::Ok();
               }});
  r.push_back({"sign_with",
               "legit | attacker | legit-rs512 | legit-rs384: the key and digest that sign "
               "(the header is not changed)",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys& keys) -> Status {
                 MPEMU_RETURN_IF_ERROR(NeedString(p, "sign_with"));
                 const std::string s = p.get<std::string>();
                 if (s == "legit") d.sign = RsaSign(keys.legit, crypto::RsaDigest::kSha256);
                 else if (s == "attacker") d.sign = RsaSign(keys.attacker, crypto::RsaDigest::kSha256);
                 else if (s == "legit-rs512") d.sign = RsaSign(keys.legit, crypto::RsaDigest::kSha512);
                 else if (s == "legit-rs384") d.sign = RsaSign(keys.legit, crypto::RsaDigest::kSha384);
                 else return InvalidArgumentError("sign_with must be legit, attacker, legit-rs512 or legit-rs384");
                 return Status::Ok();
               }});
  r.push_back({"attacker_kid", "true: the header's kid becomes the attacker key's kid",
               [](const nlohmann::json&, TokenDraft& d, const TokenKeys& keys) -> Status {
                 d.header["kid"] = keys.attacker_kid;
                 return Status::Ok();
               }});
  r.push_back({"alg_none",
               "\"none\" (or None, NONE, nOnE...): header alg set to it, empty signature",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys&) -> Status {
                 MPEMU_RETURN_IF_ERROR(NeedString(p, "alg_none"));
                 d.header["alg"] = p.get<std::string>();
                 d.sign = [](const std::string&) -> StatusOr<std::string> { return std::string(); };
                 return Status::Ok();
               }});
  r.push_back({"hs256_with_public_key",
               "pem | pem-trailing-newline | pem-no-trailing-newline | pem-crlf | spki-der | "
               "pkcs1-der | modulus | keys-json: alg HS256 keyed with the public key (A-04)",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys& keys) -> Status {
                 MPEMU_RETURN_IF_ERROR(NeedString(p, "hs256_with_public_key"));
                 MPEMU_ASSIGN_OR_RETURN(std::string secret, ConfusionKey(p.get<std::string>(), keys));
                 d.header["alg"] = "HS256";
                 d.sign = HmacSign(secret);
                 return Status::Ok();
               }});
  r.push_back({"hs256_secret", "\"secret\": alg HS256 with this secret",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys&) -> Status {
                 MPEMU_RETURN_IF_ERROR(NeedString(p, "hs256_secret"));
                 d.header["alg"] = "HS256";
                 d.sign = HmacSign(p.get<std::string>());
                 return Status::Ok();
               }});
  r.push_back({"es256_zero_signature", "p1363 | der: alg ES256 with r = s = 0 (psychic signature, A-05)",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys&) -> Status {
                 MPEMU_RETURN_IF_ERROR(NeedString(p, "es256_zero_signature"));
                 const std::string form = p.get<std::string>();
                 if (form != "p1363" && form != "der") return InvalidArgumentError("es256_zero_signature: p1363 or der");
                 d.header["alg"] = "ES256";
                 std::string sig = form == "der" ? std::string("\x30\x06\x02\x01\x00\x02\x01\x00", 8)
                                                 : std::string(64, '\0');
                 d.sign = [sig](const std::string&) -> StatusOr<std::string> { return sig; };
                 return Status::Ok();
               }});
  r.push_back({"raw_signature",
               "zero | one | modulus | modulus-minus-one | strip-leading-byte | prepend-zero-byte: "
               "a malformed RSA signature value (A-07)",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys& keys) -> Status {
                 MPEMU_RETURN_IF_ERROR(NeedString(p, "raw_signature"));
                 const std::string kind = p.get<std::string>();
                 const size_t k = static_cast<size_t>(keys.legit.bits() / 8);
                 std::string n = keys.legit.Modulus();
                 std::string sig;
                 if (kind == "zero") {
                   sig = std::string(k, '\0');
                 } else if (kind == "one") {
                   sig = std::string(k, '\0');
                   sig.back() = 1;
                 } else if (kind == "modulus") {
                   sig = n;
                 } else if (kind == "modulus-minus-one") {
                   sig = n;
                   sig.back() = static_cast<char>(static_cast<unsigned char>(sig.back()) - 1);
                 } else if (kind == "strip-leading-byte" || kind == "prepend-zero-byte") {
                   crypto::RsaKey key = keys.legit;
                   auto base = d.sign;
                   d.sign = [key, kind](const std::string& input) -> StatusOr<std::string> {
                     MPEMU_ASSIGN_OR_RETURN(std::string s, key.Sign(crypto::RsaDigest::kSha256, input));
                     return kind == "prepend-zero-byte" ? std::string(1, '\0') + s : s.substr(1);
                   };
                   return Status::Ok();
                 } else {
                   return InvalidArgumentError("raw_signature: unknown kind \"" + kind + "\"");
                 }
                 d.sign = [sig](const std::string&) -> StatusOr<std::string> { return sig; };
                 return Status::Ok();
               }});
  r.push_back({"tamper_signature", "true: every signature byte XOR 0x5A (A-01)",
               [](const nlohmann::json&, TokenDraft& d, const TokenKeys&) -> Status {
                 auto inner = d.sign;
                 d.sign = [inner](const std::string& input) -> StatusOr<std::string> {
                   MPEMU_ASSIGN_OR_RETURN(std::string s, inner(input));
                   for (auto& c : s) c = static_cast<char>(c ^ 0x5A);
                   return s;
                 };
                 return Status::Ok();
               }});
  r.push_back({"keep_signature_of",
               "legit: sign normally, then swap in the header/payload edits made after (a token whose "
               "signature belongs to the unmodified baseline)",
               [](const nlohmann::json&, TokenDraft& d, const TokenKeys& keys) -> Status {
                 // Freeze the current signing input: the signature is computed over the draft as it
                 // stands now, whatever later mutations change.
                 std::string header = d.raw_header ? *d.raw_header : d.header.dump();
                 std::string payload = d.raw_payload ? *d.raw_payload : d.payload.dump();
                 std::string input = Base64UrlEncode(header) + "." + Base64UrlEncode(payload);
                 MPEMU_ASSIGN_OR_RETURN(std::string sig, keys.legit.Sign(crypto::RsaDigest::kSha256, input));
                 d.sign = [sig](const std::string&) -> StatusOr<std::string> { return sig; };
                 return Status::Ok();
               }});
  r.push_back({"pad_segment", "header | payload | signature: append \"=\" to that segment (A-38)",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys&) -> Status {
                 MPEMU_ASSIGN_OR_RETURN(int index, SegmentIndex(p));
                 d.finish.push_back([index](const std::string& t) {
                   return EditSegment(t, index, [](const std::string& s) { return s + "="; });
                 });
                 return Status::Ok();
               }});
  r.push_back({"standard_alphabet", "true: '-' and '_' become '+' and '/' throughout (A-38)",
               [](const nlohmann::json&, TokenDraft& d, const TokenKeys&) -> Status {
                 d.finish.push_back([](const std::string& t) -> StatusOr<std::string> {
                   std::string out = t;
                   for (auto& c : out) c = c == '-' ? '+' : c == '_' ? '/' : c;
                   return out;
                 });
                 return Status::Ok();
               }});
  r.push_back({"insert_whitespace", "header | payload | signature: a space in the middle of that segment",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys&) -> Status {
                 MPEMU_ASSIGN_OR_RETURN(int index, SegmentIndex(p));
                 d.finish.push_back([index](const std::string& t) {
                   return EditSegment(t, index, [](const std::string& s) {
                     return s.substr(0, s.size() / 2) + " " + s.substr(s.size() / 2);
                   });
                 });
                 return Status::Ok();
               }});
  r.push_back({"noncanonical_signature",
               "true: flip the unused low bits of the signature's last character; the bytes are "
               "the same (A-34 ii)",
               [](const nlohmann::json&, TokenDraft& d, const TokenKeys&) -> Status {
                 d.finish.push_back([](const std::string& t) {
                   return EditSegment(t, 2, [](const std::string& s) {
                     static const std::string kAlphabet =
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                     std::string out = s;
                     size_t v = kAlphabet.find(out.back());
                     const size_t unused = (out.size() % 4 == 2) ? 4 : (out.size() % 4 == 3) ? 2 : 0;
                     if (unused > 0 && v != std::string::npos) out.back() = kAlphabet[v | 1];
                     return out;
                   });
                 });
                 return Status::Ok();
               }});
  r.push_back({"noncanonical_payload",
               "true: the payload segment's last character gets non-zero unused bits, and the "
               "signature covers that exact text (A-39)",
               [](const nlohmann::json&, TokenDraft& d, const TokenKeys&) -> Status {
                 d.raw_payload = d.raw_payload ? *d.raw_payload : d.payload.dump();
                 // Pad the JSON with spaces until its encoding leaves unused bits to flip.
                 while (Base64UrlEncode(*d.raw_payload).size() % 4 == 0) d.raw_payload->insert(1, " ");
                 d.payload = nlohmann::ordered_json::object();
                 d.payload["__noncanonical__"] = true;  // marks the draft for BuildToken
                 return Status::Ok();
               }});
  r.push_back({"segments", "two | four | five | empty | leading-space | trailing-newline: break "
                           "the compact serialization (A-40)",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys&) -> Status {
                 MPEMU_RETURN_IF_ERROR(NeedString(p, "segments"));
                 const std::string kind = p.get<std::string>();
                 if (kind != "two" && kind != "four" && kind != "five" && kind != "empty" &&
                     kind != "leading-space" && kind != "trailing-newline") {
                   return InvalidArgumentError("segments: unknown kind \"" + kind + "\"");
                 }
                 d.finish.push_back([kind](const std::string& t) -> StatusOr<std::string> {
                   if (kind == "two") return t.substr(0, t.rfind('.'));
                   if (kind == "four") return t + "." + t.substr(t.rfind('.') + 1);
                   if (kind == "five") return t + ".AAAA.AAAA";
                   if (kind == "empty") return std::string();
                   if (kind == "leading-space") return " " + t;
                   return t + "\n";
                 });
                 return Status::Ok();
               }});
  r.push_back({"flattened_json", "true: the JWS JSON serialization instead of compact (A-40)",
               [](const nlohmann::json&, TokenDraft& d, const TokenKeys&) -> Status {
                 d.finish.push_back([](const std::string& t) -> StatusOr<std::string> {
                   size_t a = t.find('.');
                   size_t b = t.find('.', a + 1);
                   nlohmann::ordered_json j = {{"protected", t.substr(0, a)},
                                               {"payload", t.substr(a + 1, b - a - 1)},
                                               {"signature", t.substr(b + 1)}};
                   return j.dump();
                 });
                 return Status::Ok();
               }});
  r.push_back({"oversize", "bytes: pad the header with a filler member to this many bytes (A-42)",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys&) -> Status {
                 if (!p.is_number_integer() || p.get<int64_t>() <= 0 || p.get<int64_t>() > 4 * 1024 * 1024) {
                   return InvalidArgumentError("oversize takes a byte count up to 4 MiB");
                 }
                 d.header["x-filler"] = std::string(static_cast<size_t>(p.get<int64_t>()) * 3 / 4, 'A');
                 return Status::Ok();
               }});
  r.push_back({"replace", "\"text\": the token is exactly this text",
               [](const nlohmann::json& p, TokenDraft& d, const TokenKeys&) -> Status {
                 MPEMU_RETURN_IF_ERROR(NeedString(p, "replace"));
                 std::string text = p.get<std::string>();
                 d.finish.push_back([text](const std::string&) -> StatusOr<std::string> { return text; });
                 return Status::Ok();
               }});
  return r;
}

}  // namespace

const std::vector<MutationSpec>& MutationRegistry() {
  static const std::vector<MutationSpec> registry = BuildRegistry();
  return registry;
}

const MutationSpec* FindMutation(const std::string& name) {
  for (const auto& m : MutationRegistry()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

TokenDraft BaselineDraft(const std::string& subscription_id, const std::string& issuer, const TokenKeys& keys) {
  TokenDraft d;
  d.header = {{"alg", "RS256"}, {"kid", keys.legit_kid}, {"typ", "JWT"}};
  d.payload = {{"subscriptionId", subscription_id},
               {"iss", issuer},
               {"exp", keys.now_seconds + 300},
               {"iat", keys.now_seconds}};
  d.sign = RsaSign(keys.legit, crypto::RsaDigest::kSha256);
  return d;
}

Status CheckMutations(const nlohmann::json& mutations) {
  if (!mutations.is_array()) return InvalidArgumentError("mutations must be a list of {name: parameter}");
  for (const auto& m : mutations) {
    if (!m.is_object() || m.size() != 1) {
      return InvalidArgumentError("each mutation is a mapping with one key, the mutation's name; got " + m.dump());
    }
    const std::string name = m.begin().key();
    if (FindMutation(name) == nullptr) {
      std::string list;
      for (const auto& s : MutationRegistry()) list += (list.empty() ? "" : ", ") + s.name;
      return InvalidArgumentError("unknown token mutation \"" + name + "\"; known: " + list);
    }
  }
  return Status::Ok();
}

StatusOr<std::string> BuildToken(TokenDraft draft, const nlohmann::json& mutations, const TokenKeys& keys) {
  MPEMU_RETURN_IF_ERROR(CheckMutations(mutations));
  for (const auto& m : mutations) {
    const MutationSpec* spec = FindMutation(m.begin().key());
    MPEMU_RETURN_IF_ERROR(spec->apply(m.begin().value(), draft, keys).WithContext(spec->name));
  }
  std::string header_text = draft.raw_header ? *draft.raw_header : draft.header.dump();
  std::string header = Base64UrlEncode(header_text);
  std::string payload;
  if (draft.payload.contains("__noncanonical__") && draft.raw_payload) {
    payload = Base64UrlEncode(*draft.raw_payload);
    static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t v = kAlphabet.find(payload.back());
    payload.back() = kAlphabet[v | 1];
  } else {
    payload = Base64UrlEncode(draft.raw_payload ? *draft.raw_payload : draft.payload.dump());
  }
  const std::string input = header + "." + payload;
  MPEMU_ASSIGN_OR_RETURN(std::string signature, draft.sign(input));
  std::string token = input + "." + Base64UrlEncode(signature);
  for (const auto& f : draft.finish) {
    MPEMU_ASSIGN_OR_RETURN(token, f(token));
  }
  return token;
}

}  // namespace mpemu::harness
