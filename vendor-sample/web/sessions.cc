#include "vendor-sample/web/sessions.h"

#include "vendor-sample/crypto/digest.h"

namespace vendor_sample::web {
namespace {

constexpr int64_t kSessionLifetimeS = 12 * 3600;

std::string Hash(const std::string& token) { return crypto::HexEncode(crypto::Sha256(token)); }

}  // namespace

Sessions::Sessions(store::Store* store, const Clock* clock, bool secure_cookies)
    : store_(store), clock_(clock), secure_(secure_cookies) {}

Status Sessions::Start(const std::string& account_id, Reply& reply) {
  const std::string token = crypto::RandomToken();
  VS_RETURN_IF_ERROR(store_->CreateSession(Hash(token), account_id,
                                           clock_->NowMillis() + kSessionLifetimeS * 1000));
  reply.WithHeader("Set-Cookie", std::string(kCookieName) + "=" + token +
                                     "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
                                     std::to_string(kSessionLifetimeS) +
                                     (secure_ ? "; Secure" : ""));
  return Status::Ok();
}

StatusOr<std::optional<store::Account>> Sessions::Current(const Request& request) {
  auto it = request.cookies.find(kCookieName);
  if (it == request.cookies.end() || it->second.empty() || it->second.size() > 128) {
    return std::optional<store::Account>();
  }
  VS_ASSIGN_OR_RETURN(std::optional<std::string> account_id,
                      store_->SessionAccount(Hash(it->second), clock_->NowMillis()));
  if (!account_id) return std::optional<store::Account>();
  return store_->FindAccount(*account_id);
}

Status Sessions::End(const Request& request, Reply& reply) {
  auto it = request.cookies.find(kCookieName);
  if (it != request.cookies.end()) VS_RETURN_IF_ERROR(store_->DeleteSession(Hash(it->second)));
  reply.WithHeader("Set-Cookie", std::string(kCookieName) +
                                     "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0" +
                                     (secure_ ? "; Secure" : ""));
  return Status::Ok();
}

}  // namespace vendor_sample::web
