// Pandium steps. Here the vendor mints and the marketplace verifies: the harness logs in to the
// vendor as a test user, follows the vendor's SSO endpoint, and inspects the tenant JWT the vendor
// produced, with the emulator's Pandium verifier as the judge.
#include "emulator/crypto/encoding.h"
#include "emulator/crypto/hash.h"
#include "emulator/crypto/jwt.h"
#include "emulator/harness/context.h"
#include "emulator/harness/steps/steps.h"
#include "emulator/pandium/marketplace.h"
#include "emulator/pandium/service.h"

namespace mpemu::harness::steps {
namespace {

pandium::Service& Pandium(RunContext& ctx) { return ctx.emulator().pandium().service(); }

Status NeedProfile(RunContext& ctx, const Step& step) {
  if (!ctx.profile().pandium) {
    return FailedPreconditionError(step.where().ToString() + ": the vendor profile has no pandium: section");
  }
  return Status::Ok();
}

std::string AccountName(RunContext& ctx) {
  const PandiumProfile& p = *ctx.profile().pandium;
  if (!p.account.empty()) return p.account;
  const auto& accounts = Pandium(ctx).config().accounts;
  return accounts.empty() ? "" : accounts.front().name;
}

std::string Excerpt(const std::string& text, size_t max = 200) {
  std::string out = text.size() > max ? text.substr(0, max) + "..." : text;
  for (auto& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

// The value of `name` in a URL's query string, url-decoded; "" when absent.
std::string QueryParam(const std::string& url, const std::string& name) {
  size_t q = url.find('?');
  if (q == std::string::npos) return "";
  for (const auto& [k, v] : http::ParseFormUrlEncoded(url.substr(q + 1))) {
    if (k == name) return v;
  }
  return "";
}

// --- pd_login --------------------------------------------------------------------------------
class LoginStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_RETURN_IF_ERROR(NeedProfile(ctx, *this));
    const PandiumProfile& p = *ctx.profile().pandium;
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json index, ctx.Param(*this, "user", 0));
    MPEMU_ASSIGN_OR_RETURN(std::string session, ctx.StringParam(*this, "session", "default"));
    MPEMU_ASSIGN_OR_RETURN(std::string as, ctx.StringParam(*this, "as", "login"));
    if (!index.is_number_integer() || index.get<int64_t>() < 0 ||
        index.get<size_t>() >= p.users.size()) {
      return InvalidArgumentError(where().ToString() + ": user must be 0.." + std::to_string(p.users.size() - 1));
    }
    const PandiumUser& user = p.users[index.get<size_t>()];
    Vars vars = ctx.vars();
    vars.Set("user", {{"email", user.email}, {"password", user.password}});
    std::string body;
    for (const auto& [k, v] : p.login_fields) {
      MPEMU_ASSIGN_OR_RETURN(std::string value, vars.Expand(v));
      body += (body.empty() ? "" : "&") + http::UrlEncode(k) + "=" + http::UrlEncode(value);
    }
    auto page = ctx.browser(session).Request("POST", ctx.env().vendor_url + p.login_path, {}, body,
                                             "application/x-www-form-urlencoded");
    if (!page.ok()) return ctx.Fail(*this, "a reply to the vendor's login form", page.status().message());
    if (page->status >= 400) {
      return ctx.Fail(*this, "test user " + user.email + " logged in to the vendor",
                      "HTTP " + std::to_string(page->status) + ": " + Excerpt(page->body));
    }
    ctx.Log("logged in to the vendor as " + user.email + " (session " + session + ")");
    nlohmann::json j = page->ToJson();
    j["user"] = {{"email", user.email}};
    ctx.Capture(as, std::move(j));
    return Status::Ok();
  }
};

// --- pd_sso ----------------------------------------------------------------------------------
class SsoStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_RETURN_IF_ERROR(NeedProfile(ctx, *this));
    const PandiumProfile& p = *ctx.profile().pandium;
    MPEMU_ASSIGN_OR_RETURN(std::string session, ctx.StringParam(*this, "session", "default"));
    MPEMU_ASSIGN_OR_RETURN(std::string query, ctx.StringParam(*this, "query"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json headers_json, ctx.Param(*this, "headers", nlohmann::json::object()));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json follow, ctx.Param(*this, "follow", true));
    MPEMU_ASSIGN_OR_RETURN(std::string as, ctx.StringParam(*this, "as", "sso"));
    http::Headers headers;
    for (const auto& [k, v] : headers_json.items()) headers.emplace(k, v.is_string() ? v.get<std::string>() : v.dump());
    const std::string url = ctx.env().vendor_url + p.sso_path + (query.empty() ? "" : "?" + query);
    Browser& browser = ctx.browser(session);
    auto reply = browser.Request("GET", url, headers, "", "", /*follow_redirects=*/false);
    if (!reply.ok()) return ctx.Fail(*this, "a reply from the vendor's SSO endpoint " + url, reply.status().message());
    nlohmann::json j = reply->ToJson();
    std::string location;
    if (auto it = reply->headers.find("Location"); it != reply->headers.end()) location = it->second;
    const std::string entry = Pandium(ctx).EntryUrl(AccountName(ctx));
    j["location"] = location;
    j["toEntry"] = !location.empty() && location.rfind(entry + "?", 0) == 0;
    const std::string token = QueryParam(location, "tenant");
    j["token"] = token.empty() ? nlohmann::json(nullptr) : nlohmann::json(token);
    if (!token.empty()) {
      auto decoded = crypto::DecodeJwt(token);
      if (decoded.ok()) {
        j["header"] = decoded->header;
        j["claims"] = decoded->payload;
        j["headerJson"] = *crypto::Base64UrlDecode(decoded->header_segment);
      } else {
        j["decodeError"] = decoded.status().message();
      }
      // The marketplace's verdict, without using up the jti (the real entry below does that).
      j["check"] = Pandium(ctx).Verify(AccountName(ctx), token, /*record_jti=*/false).ToJson();
    }
    ctx.Log("GET " + url + " -> " + std::to_string(reply->status) + (token.empty() ? " (no token)" : " (token minted)"));
    if (follow.is_boolean() && follow.get<bool>() && j["toEntry"].get<bool>()) {
      auto page = browser.Get(location);
      if (page.ok()) {
        j["entry"] = page->ToJson();
        ctx.Log("followed to the marketplace entry -> " + std::to_string(page->status));
      }
    }
    ctx.Capture(as, std::move(j));
    return Status::Ok();
  }
};

// --- pd_expect_token -------------------------------------------------------------------------
// Pandium's contract for the tenant JWT (security catalogue B-00 to B-05, B-13): the exact header,
// a signature with the raw shared secret, sub a non-empty string, iat in seconds and current,
// a jti; and that the marketplace entry accepted it.
class ExpectTokenStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(std::string from, ctx.StringParam(*this, "from", "sso"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json skew, ctx.Param(*this, "max_skew_s", 60));
    auto sso = ctx.vars().Lookup(from);
    if (!sso.ok()) return sso.status().WithContext(where().ToString());
    const std::string seen_reply = "HTTP " + std::to_string(sso->value("status", 0)) +
                                   (sso->value("location", "").empty() ? "" : " to " + Excerpt(sso->value("location", ""), 120));
    if (!(*sso)["toEntry"].get<bool>() || (*sso)["token"].is_null()) {
      return ctx.Fail(*this, "a redirect to the marketplace entry " + Pandium(ctx).EntryUrl(AccountName(ctx)) + "?tenant=<jwt> (B-00)",
                      seen_reply);
    }
    if (sso->contains("decodeError")) {
      return ctx.Fail(*this, "a well-formed JWS: base64url without padding, JSON objects without duplicate members (B-13)",
                      (*sso)["decodeError"].get<std::string>());
    }
    const std::string header = (*sso)["headerJson"].get<std::string>();
    const nlohmann::json& h = (*sso)["header"];
    if (h.value("alg", "") != "HS256" || h.value("typ", "") != "JWT") {
      return ctx.Fail(*this, "the header {\"alg\":\"HS256\",\"typ\":\"JWT\"} (B-01)", header);
    }
    const nlohmann::json& claims = (*sso)["claims"];
    const nlohmann::json& check = (*sso)["check"];
    if (!check.value("ok", false)) {
      std::string reason = check.value("reason", "");
      // B-02: a token that verifies only with an encoded form of the secret is a key-encoding bug.
      const auto* account = Pandium(ctx).FindAccount(AccountName(ctx));
      if (account != nullptr && reason.find("signature") != std::string::npos) {
        const std::string token = (*sso)["token"].get<std::string>();
        const std::string input = token.substr(0, token.rfind('.'));
        auto sig = crypto::Base64UrlDecode(token.substr(token.rfind('.') + 1), true);
        auto b64 = crypto::Base64Decode(account->secret);
        for (const auto& [label, key] : std::vector<std::pair<std::string, std::string>>{
                 {"the base64-decoded secret", b64.ok() ? *b64 : ""}, {"the secret plus a newline", account->secret + "\n"}}) {
          if (!key.empty() && sig.ok() && crypto::ConstantTimeEquals(crypto::HmacSha256(key, input), *sig)) {
            reason += " (it verifies with " + label + ": the secret must be used as the raw string)";
          }
        }
      }
      return ctx.Fail(*this, "a token the marketplace accepts (HS256 with the raw shared secret, sub, fresh iat, unique jti)",
                      reason + "; claims " + Excerpt(claims.dump(), 160));
    }
    if (!claims.contains("sub") || !claims["sub"].is_string() || claims["sub"].get<std::string>().empty()) {
      return ctx.Fail(*this, "\"sub\" a non-empty string (B-03)", claims.contains("sub") ? claims["sub"].dump() : "no sub");
    }
    if (!claims.contains("iat") || !claims["iat"].is_number()) {
      return ctx.Fail(*this, "\"iat\" a NumericDate (B-04)", claims.contains("iat") ? claims["iat"].dump() : "no iat");
    }
    const double iat = claims["iat"].get<double>();
    const double now = static_cast<double>(ctx.emulator().wall_clock().NowSeconds());
    const double max_skew = skew.is_number() ? skew.get<double>() : 60;
    if (iat > 1e11) return ctx.Fail(*this, "\"iat\" in seconds (B-04)", claims["iat"].dump() + " looks like milliseconds");
    if (iat < now - max_skew || iat > now + max_skew) {
      return ctx.Fail(*this, "\"iat\" within " + std::to_string(static_cast<int>(max_skew)) + " s of now (B-04)",
                      claims["iat"].dump() + " (" + std::to_string(static_cast<int64_t>(iat - now)) + " s off)");
    }
    if (!claims.contains("jti") || !claims["jti"].is_string() || claims["jti"].get<std::string>().empty()) {
      return ctx.Fail(*this, "a \"jti\" (B-05)", claims.contains("jti") ? claims["jti"].dump() : "no jti");
    }
    if (sso->contains("entry")) {
      const int status = (*sso)["entry"].value("status", 0);
      if (status != 200) {
        return ctx.Fail(*this, "the marketplace entry to open (200)",
                        "HTTP " + std::to_string(status) + ": " + Excerpt((*sso)["entry"].value("body", "")));
      }
    }
    return Status::Ok();
  }
};

}  // namespace

StatusOr<std::unique_ptr<Step>> MakePdLogin(StepArgs args) { return Make<LoginStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakePdSso(StepArgs args) { return Make<SsoStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakePdExpectToken(StepArgs args) { return Make<ExpectTokenStep>(std::move(args)); }

}  // namespace mpemu::harness::steps
