#include "vendor-sample/account/test_users.h"

#include <cctype>
#include <set>

#include "vendor-sample/base/log.h"
#include "vendor-sample/crypto/digest.h"
#include "vendor-sample/crypto/password.h"

namespace vendor_sample::account {
namespace {

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) return parts;
    start = pos + 1;
  }
}

std::string TrimBlanks(const std::string& s) {
  const size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

bool ValidEmail(const std::string& email) {
  const size_t at = email.find('@');
  if (email.size() < 3 || email.size() > 254 || at == 0 || at == std::string::npos ||
      at + 1 == email.size() || email.find('@', at + 1) != std::string::npos) {
    return false;
  }
  for (unsigned char c : email) {
    if (c <= 0x20 || c == 0x7F) return false;
  }
  return true;
}

bool ValidTier(const std::string& tier) {
  if (tier.empty() || tier.size() > 32) return false;
  for (char c : tier) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

}  // namespace

StatusOr<std::vector<TestUser>> ParseTestUsers(const std::string& csv) {
  std::vector<TestUser> users;
  std::set<std::string> seen;
  int position = 0;
  for (const std::string& raw : Split(csv, ',')) {
    const std::string entry = TrimBlanks(raw);
    ++position;
    if (entry.empty()) continue;
    const std::vector<std::string> fields = Split(entry, ':');
    TestUser user;
    user.email = fields[0];
    for (char& c : user.email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // Names the entry without echoing anything after the e-mail (the password).
    const std::string which = "VENDOR_TEST_USERS: entry " + std::to_string(position) +
                              (ValidEmail(user.email) ? " (" + user.email + ")" : "");
    if (fields.size() < 2 || fields.size() > 3) {
      return InvalidArgumentError(which + " is not email:password[:tier]");
    }
    if (!ValidEmail(user.email)) return InvalidArgumentError(which + ": not an e-mail address");
    user.password = fields[1];
    if (user.password.empty() || user.password.size() > 1024) {
      return InvalidArgumentError(which + ": the password must be 1-1024 bytes");
    }
    if (fields.size() == 3) {
      user.tier = fields[2];
      if (!ValidTier(user.tier)) {
        return InvalidArgumentError(which + ": the tier must be 1-32 of a-z 0-9 _ -");
      }
    }
    if (!seen.insert(user.email).second) {
      return InvalidArgumentError(which + ": the e-mail is listed twice");
    }
    users.push_back(std::move(user));
  }
  return users;
}

Status SeedTestUsers(store::Store* store, const std::vector<TestUser>& users, int pbkdf2_iterations,
                     const Clock* clock) {
  for (const TestUser& user : users) {
    VS_ASSIGN_OR_RETURN(std::optional<store::Account> existing,
                        store->FindAccountByEmail(user.email));
    if (existing) {
      Log("test user " + user.email + " exists (account " + existing->id + "); left unchanged");
      continue;
    }
    store::Account account;
    account.id = crypto::RandomUuid();
    account.email = user.email;
    account.name = user.email.substr(0, user.email.find('@'));
    account.password_hash = crypto::HashPassword(user.password, pbkdf2_iterations);
    account.created_at_ms = clock->NowMillis();
    account.tier = user.tier;
    VS_ASSIGN_OR_RETURN(bool created, store->CreateAccountIfAbsent(account));
    if (created) {
      Log("test user " + user.email + " created (account " + account.id + ", tier " + user.tier +
          ")");
    }
  }
  return Status::Ok();
}

}  // namespace vendor_sample::account
