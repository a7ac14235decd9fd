// Commands that drive a running emulator through /_emulator/ (and, for `stackit approve`, the
// vendor API with the default project's static token, as a vendor would).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

#include "emulator/cli/commands.h"
#include "emulator/cli/remote.h"
#include "emulator/core/duration.h"
#include "emulator/http/client.h"

namespace mpemu::cli {
namespace {

// --url and --json, shared by every subcommand of this file.
using Global = Target;

// The control API calls of this file wait at most this long for an answer.
constexpr int kReadTimeoutMs = 60000;

std::optional<nlohmann::json> Call(const Global& g, const std::string& method, const std::string& path,
                                   const nlohmann::json& body = nullptr, int* exit_code = nullptr,
                                   const http::Headers& headers = {}) {
  return CallEmulator(g, method, path, body, exit_code, kReadTimeoutMs, headers);
}

void Print(const Global& g, const nlohmann::json& j, const std::string& human = "") {
  if (g.json || human.empty()) {
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("%s", human.c_str());
  }
}

std::string Str(const nlohmann::json& j, const char* key) { return StringMember(j, key); }

// "k=v" with v parsed as JSON when it is valid JSON (numbers, true, null, "quoted"), else a string.
bool ParseAssignment(const std::string& text, std::string* key, nlohmann::json* value) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  *key = text.substr(0, eq);
  const std::string v = text.substr(eq + 1);
  nlohmann::json parsed = nlohmann::json::parse(v, nullptr, false);
  *value = parsed.is_discarded() ? nlohmann::json(v) : parsed;
  return true;
}

void AddStackitCommands(CLI::App& app, std::shared_ptr<Global> g, int* exit_code) {
  CLI::App* stackit = app.add_subcommand("stackit", "STACKIT Marketplace actions");
  stackit->require_subcommand(1);

  auto product = std::make_shared<std::string>();
  CLI::App* subscribe = stackit->add_subcommand("subscribe", "A customer subscribes: a PENDING subscription and its redirect URL");
  subscribe->add_option("--product", *product, "Product id (default: the first configured)");
  subscribe->callback([g, product, exit_code] {
    nlohmann::json body = nlohmann::json::object();
    if (!product->empty()) body["productId"] = *product;
    auto r = Call(*g, "POST", "/_emulator/stackit/subscriptions", body, exit_code);
    if (!r) return;
    Print(*g, *r, "subscriptionId: " + Str(*r, "subscriptionId") + "\nstate:          SUBSCRIPTION_PENDING\nredirectUrl:    " +
                      Str(*r, "redirectUrl") + "\n(open the redirect URL in a browser, as the customer would)\n");
  });

  auto list_all = stackit->add_subcommand("list", "All subscriptions, every vendor project");
  list_all->callback([g, exit_code] {
    auto r = Call(*g, "GET", "/_emulator/stackit/subscriptions", nullptr, exit_code);
    if (!r) return;
    std::string human;
    for (const auto& s : (*r)["items"]) {
      human += Str(s, "subscriptionId") + "  " + Str(s, "lifecycleState") + "  " + Str(s, "productId") + "\n";
    }
    Print(*g, *r, human.empty() ? "(no subscriptions)\n" : human);
  });

  auto show_id = std::make_shared<std::string>();
  auto show = stackit->add_subcommand("show", "One subscription with its history");
  show->add_option("subscription", *show_id)->required();
  show->callback([g, show_id, exit_code] {
    auto r = Call(*g, "GET", "/_emulator/stackit/subscriptions/" + *show_id, nullptr, exit_code);
    if (r) Print(*g, *r);
  });

  struct TokenFlags {
    std::string id, kid, iat_offset, ttl;
    std::vector<std::string> claims, headers, removes;
  };
  auto tf = std::make_shared<TokenFlags>();
  auto token = stackit->add_subcommand("token", "Mint a redirect token for a subscription, optionally altered");
  token->add_option("subscription", tf->id)->required();
  token->add_option("--claim", tf->claims, "Set a claim: name=value (JSON or text)");
  token->add_option("--header", tf->headers, "Set a header member: name=value");
  token->add_option("--remove", tf->removes, "Remove a claim");
  token->add_option("--kid", tf->kid, "Sign with this held key");
  token->add_option("--iat-offset", tf->iat_offset, "Shift iat, e.g. -10m or 30s");
  token->add_option("--ttl", tf->ttl, "exp - iat, e.g. 5m");
  token->callback([g, tf, exit_code] {
    nlohmann::json body = {{"claims", nlohmann::json::object()}, {"header", nlohmann::json::object()}};
    for (const auto& c : tf->claims) {
      std::string k; nlohmann::json v;
      if (!ParseAssignment(c, &k, &v)) { std::fprintf(stderr, "mpemu: --claim expects name=value\n"); *exit_code = kExitUsage; return; }
      body["claims"][k] = v;
    }
    for (const auto& h : tf->headers) {
      std::string k; nlohmann::json v;
      if (!ParseAssignment(h, &k, &v)) { std::fprintf(stderr, "mpemu: --header expects name=value\n"); *exit_code = kExitUsage; return; }
      body["header"][k] = v;
    }
    for (const auto& r : tf->removes) body["claims"][r] = nullptr;
    if (!tf->kid.empty()) body["kid"] = tf->kid;
    for (auto [flag, key] : {std::pair{&tf->iat_offset, "iatOffsetSeconds"}, std::pair{&tf->ttl, "ttlSeconds"}}) {
      if (flag->empty()) continue;
      StatusOr<int64_t> ms = ParseDurationMillis(*flag);
      if (!ms.ok()) { std::fprintf(stderr, "mpemu: %s\n", ms.status().message().c_str()); *exit_code = kExitUsage; return; }
      body[key] = *ms / 1000;
    }
    auto r = Call(*g, "POST", "/_emulator/stackit/subscriptions/" + tf->id + "/token", body, exit_code);
    if (r) Print(*g, *r, Str(*r, "token") + "\n");
  });

  auto st_id = std::make_shared<std::string>();
  auto st_state = std::make_shared<std::string>();
  auto state = stackit->add_subcommand("state", "Move a subscription to a state (e.g. SUBSCRIPTION_CANCELLING)");
  state->add_option("subscription", *st_id)->required();
  state->add_option("state", *st_state, "ACTIVE, CANCELLING, CANCELLED, INACTIVE, ... (SUBSCRIPTION_ prefix optional)")->required();
  state->callback([g, st_id, st_state, exit_code] {
    std::string s = *st_state;
    if (s.rfind("SUBSCRIPTION_", 0) != 0) s = "SUBSCRIPTION_" + s;
    auto r = Call(*g, "POST", "/_emulator/stackit/subscriptions/" + *st_id + "/state", {{"state", s}}, exit_code);
    if (r) Print(*g, *r, Str(*r, "subscriptionId") + "  " + Str(*r, "lifecycleState") + "\n");
  });

  auto ap_id = std::make_shared<std::string>();
  auto ap_target = std::make_shared<std::string>();
  auto approve = stackit->add_subcommand("approve", "Approve as the vendor would (vendor API, static bearer token)");
  approve->add_option("subscription", *ap_id)->required();
  approve->add_option("--instance-target", *ap_target, "The instance URL to send");
  approve->callback([g, ap_id, ap_target, exit_code] {
    auto config = Call(*g, "GET", "/_emulator/config", nullptr, exit_code);
    if (!config) return;
    const auto& sc = (*config)["stackit"];
    nlohmann::json body = ap_target->empty() ? nlohmann::json::object() : nlohmann::json{{"instanceTarget", *ap_target}};
    auto r = Call(*g, "POST", "/v1/vendors/projects/" + Str(sc, "projectId") + "/subscriptions/" + *ap_id + "/approve",
                  body, exit_code, {{"Authorization", "Bearer " + Str(sc, "bearerToken")}});
    if (r) std::printf("approved %s (204)\n", ap_id->c_str());
  });

  auto retire = std::make_shared<bool>(false);
  auto rotate = stackit->add_subcommand("rotate-keys", "Publish a new signing key (old ones stay published unless --retire)");
  rotate->add_flag("--retire", *retire, "Unpublish the previous keys");
  rotate->callback([g, retire, exit_code] {
    auto r = Call(*g, "POST", "/_emulator/stackit/keys/rotate", {{"retirePrevious", *retire}}, exit_code);
    if (r) Print(*g, *r, "new signing key: " + Str(*r, "kid") + "\n");
  });

  auto keys = stackit->add_subcommand("keys", "The redirect-token keys and their publication");
  keys->callback([g, exit_code] {
    auto r = Call(*g, "GET", "/_emulator/stackit/keys", nullptr, exit_code);
    if (!r) return;
    std::string human;
    for (const auto& k : (*r)["keys"]) {
      human += Str(k, "kid") + (k["signing"].get<bool>() ? "  signing" : "         ") +
               (k["published"].get<bool>() ? "  published" : "  unpublished") + "\n";
    }
    Print(*g, *r, human);
  });

  auto out = std::make_shared<std::string>();
  auto sa = stackit->add_subcommand("sa-key", "The default service account's key JSON (STACKIT_SERVICE_ACCOUNT_KEY_PATH)");
  sa->add_option("-o,--output", *out, "Write to this file instead of stdout");
  sa->callback([g, out, exit_code] {
    auto config = Call(*g, "GET", "/_emulator/config", nullptr, exit_code);
    if (!config) return;
    const std::string url = Str((*config)["stackit"], "serviceAccountKeyUrl");
    auto split = http::SplitUrl(url);
    if (!split.ok()) { std::fprintf(stderr, "mpemu: no service account configured\n"); *exit_code = kExitFailed; return; }
    auto r = Call(*g, "GET", split->second, nullptr, exit_code);
    if (!r) return;
    if (out->empty()) {
      std::printf("%s\n", r->dump(2).c_str());
    } else {
      std::ofstream f(*out);
      f << r->dump(2) << "\n";
      if (!f) { std::fprintf(stderr, "mpemu: cannot write %s\n", out->c_str()); *exit_code = kExitUsage; return; }
      std::printf("wrote %s\n", out->c_str());
    }
  });
}

}  // namespace

void AddClientCommands(CLI::App& app, int* exit_code) {
  auto g = std::make_shared<Global>();
  g->url = DefaultEmulatorUrl();
  app.add_option("--url", g->url, "The running emulator (default $MPEMU_URL or http://127.0.0.1:8900)");
  app.add_flag("--json", g->json, "Print raw JSON");

  app.add_subcommand("health", "Is the emulator up?")->callback([g, exit_code] {
    auto r = Call(*g, "GET", "/_emulator/health", nullptr, exit_code);
    if (!r) return;
    if (Str(*r, "status") != "ok") {  // start-up failed: up, but every marketplace request fails
      std::fprintf(stderr, "mpemu: the emulator failed to start: %s\n", Str(*r, "error").c_str());
      *exit_code = kExitFailed;
      return;
    }
    Print(*g, *r, std::string("ok") + ((*r)["ready"].get<bool>() ? "" : " (starting)") + "\n");
  });
  app.add_subcommand("config", "The effective configuration")->callback([g, exit_code] {
    auto r = Call(*g, "GET", "/_emulator/config", nullptr, exit_code);
    if (r) Print(*g, *r);
  });
  auto keys = std::make_shared<bool>(false);
  auto reset = app.add_subcommand("reset", "Forget all marketplace state, the journal and faults");
  reset->add_flag("--keys", *keys, "Also replace the signing keys");
  reset->callback([g, keys, exit_code] {
    auto r = Call(*g, "POST", "/_emulator/reset", {{"keys", *keys}}, exit_code);
    if (r) Print(*g, *r, "reset\n");
  });

  CLI::App* clock = app.add_subcommand("clock", "Show or advance the marketplace's virtual clock");
  auto by = std::make_shared<std::string>();
  auto advance = clock->add_subcommand("advance", "Move the clock forward, e.g. 61m, 1h30m, 90s");
  advance->add_option("duration", *by)->required();
  advance->callback([g, by, exit_code] {
    auto r = Call(*g, "POST", "/_emulator/clock/advance", {{"duration", *by}}, exit_code);
    if (r) Print(*g, *r, "now " + Str(*r, "now") + " (offset " + Str(*r, "offset") + ")\n");
  });
  clock->callback([g, clock, exit_code] {
    if (!clock->get_subcommands().empty()) return;
    auto r = Call(*g, "GET", "/_emulator/clock", nullptr, exit_code);
    if (r) Print(*g, *r, "now " + Str(*r, "now") + " (offset " + Str(*r, "offset") + ")\n");
  });

  struct JournalFlags { std::string method, path, service, route, host, via; int64_t after = 0; int limit = 100; bool control = false; };
  auto jf = std::make_shared<JournalFlags>();
  auto journal = app.add_subcommand("journal", "Requests the emulator received, oldest first");
  journal->add_option("--method", jf->method);
  journal->add_option("--path", jf->path, "Path prefix");
  journal->add_option("--service", jf->service, "stackit.api, stackit.keys, stackit.token, control");
  journal->add_option("--route", jf->route, "Route name, e.g. stackit.approve");
  journal->add_option("--host", jf->host, "The host addressed, e.g. keys.marketplace.stackit.cloud");
  journal->add_option("--via", jf->via, "How requests arrived: http, https, proxy");
  journal->add_option("--after", jf->after, "Only entries after this seq");
  journal->add_option("--limit", jf->limit);
  journal->add_flag("--control", jf->control, "Include control-plane requests");
  journal->callback([g, jf, exit_code] {
    std::string q = "?limit=" + std::to_string(jf->limit) + "&after=" + std::to_string(jf->after);
    if (!jf->method.empty()) q += "&method=" + http::UrlEncode(jf->method);
    if (!jf->path.empty()) q += "&path=" + http::UrlEncode(jf->path);
    if (!jf->service.empty()) q += "&service=" + http::UrlEncode(jf->service);
    if (!jf->route.empty()) q += "&route=" + http::UrlEncode(jf->route);
    if (!jf->host.empty()) q += "&host=" + http::UrlEncode(jf->host);
    if (!jf->via.empty()) q += "&via=" + http::UrlEncode(jf->via);
    if (jf->control) q += "&control=true";
    auto r = Call(*g, "GET", "/_emulator/journal" + q, nullptr, exit_code);
    if (!r) return;
    std::string human;
    for (const auto& e : (*r)["entries"]) {
      char line[768];
      // Requests that came through the proxy or HTTPS show the host they were addressed to.
      const std::string via = Str(e, "via");
      const std::string where = via == "proxy" || via == "https" ? "[" + via + " " + Str(e, "host") + "] " : "";
      std::snprintf(line, sizeof line, "#%-5lld %s  %-6s %s%-60s -> %d  %s\n",
                    static_cast<long long>(e["seq"].get<int64_t>()), Str(e, "time").c_str(),
                    Str(e, "method").c_str(), where.c_str(), Str(e, "path").c_str(), e["status"].get<int>(),
                    Str(e, "route").c_str());
      human += line;
    }
    Print(*g, *r, human.empty() ? "(no requests)\n" : human);
  });

  CLI::App* faults = app.add_subcommand("faults", "Inject faults into the emulator's next replies");
  faults->require_subcommand(1);
  struct FaultFlags { std::string route, path, method, body, delay; int status = 0; int times = 1; };
  auto ff = std::make_shared<FaultFlags>();
  auto add = faults->add_subcommand("add", "e.g. faults add --route stackit.resolve-customer --status 500");
  add->add_option("--route", ff->route);
  add->add_option("--path", ff->path, "Regex over the path");
  add->add_option("--method", ff->method);
  add->add_option("--status", ff->status);
  add->add_option("--body", ff->body);
  add->add_option("--delay", ff->delay, "e.g. 2s");
  add->add_option("--times", ff->times, "Replies it affects (-1: until cleared)");
  add->callback([g, ff, exit_code] {
    nlohmann::json body = {{"times", ff->times}};
    if (!ff->route.empty()) body["route"] = ff->route;
    if (!ff->path.empty()) body["path"] = ff->path;
    if (!ff->method.empty()) body["method"] = ff->method;
    if (ff->status) body["status"] = ff->status;
    if (!ff->body.empty()) body["body"] = ff->body;
    if (!ff->delay.empty()) {
      StatusOr<int64_t> ms = ParseDurationMillis(ff->delay);
      if (!ms.ok()) { std::fprintf(stderr, "mpemu: %s\n", ms.status().message().c_str()); *exit_code = kExitUsage; return; }
      body["delayMs"] = *ms;
    }
    auto r = Call(*g, "POST", "/_emulator/faults", body, exit_code);
    if (r) Print(*g, *r, "added " + Str(*r, "id") + "\n");
  });
  faults->add_subcommand("list", "Armed faults")->callback([g, exit_code] {
    auto r = Call(*g, "GET", "/_emulator/faults", nullptr, exit_code);
    if (r) Print(*g, *r);
  });
  faults->add_subcommand("clear", "Remove all faults")->callback([g, exit_code] {
    if (Call(*g, "DELETE", "/_emulator/faults", nullptr, exit_code)) std::printf("cleared\n");
  });

  AddStackitCommands(app, g, exit_code);
}

}  // namespace mpemu::cli
