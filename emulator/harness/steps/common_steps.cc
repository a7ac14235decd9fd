// Steps that serve every marketplace: HTTP requests to the vendor, the clock, faults, and
// expectations on replies and on the journal.
#include <regex>
#include <thread>

#include "emulator/harness/context.h"
#include "emulator/harness/steps/steps.h"
#include "emulator/http/faults.h"

namespace mpemu::harness::steps {
namespace {

std::string Excerpt(const std::string& text, size_t max = 200) {
  std::string out = text.size() > max ? text.substr(0, max) + "..." : text;
  for (auto& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

bool StatusMatches(const nlohmann::json& spec, int status) {
  if (spec.is_array()) {
    for (const auto& e : spec) {
      if (StatusMatches(e, status)) return true;
    }
    return false;
  }
  if (spec.is_number_integer()) return spec.get<int>() == status;
  if (spec.is_string()) {
    const std::string s = spec.get<std::string>();
    if (s.size() == 3 && s.substr(1) == "xx") return status / 100 == s[0] - '0';
    return s == std::to_string(status);
  }
  return false;
}

std::string PageSummary(const nlohmann::json& page) {
  std::string s = "HTTP " + std::to_string(page.value("status", 0));
  const std::string title = page.value("title", "");
  if (!title.empty()) s += " \"" + title + "\"";
  s += " from " + page.value("url", std::string("?"));
  const std::string body = page.value("body", "");
  if (!body.empty()) s += ": " + Excerpt(body);
  return s;
}

// --- request ---------------------------------------------------------------------------------
class RequestStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(std::string method, ctx.StringParam(*this, "method", "GET"));
    MPEMU_ASSIGN_OR_RETURN(std::string path, ctx.StringParam(*this, "path", ""));
    MPEMU_ASSIGN_OR_RETURN(std::string url, ctx.StringParam(*this, "url", ""));
    if (url.empty()) url = ctx.env().vendor_url + path;
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json headers_json, ctx.Param(*this, "headers", nlohmann::json::object()));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json form, ctx.Param(*this, "form"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json json, ctx.Param(*this, "json"));
    MPEMU_ASSIGN_OR_RETURN(std::string body, ctx.StringParam(*this, "body", ""));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json follow, ctx.Param(*this, "follow", true));
    MPEMU_ASSIGN_OR_RETURN(std::string as, ctx.StringParam(*this, "as", "response"));
    http::Headers headers;
    for (const auto& [k, v] : headers_json.items()) headers.emplace(k, v.is_string() ? v.get<std::string>() : v.dump());
    std::string content_type;
    if (form.is_object()) {
      body.clear();
      for (const auto& [k, v] : form.items()) {
        body += (body.empty() ? "" : "&") + http::UrlEncode(k) + "=" +
                http::UrlEncode(v.is_string() ? v.get<std::string>() : v.dump());
      }
      content_type = "application/x-www-form-urlencoded";
    } else if (!json.is_null()) {
      body = json.dump();
      content_type = "application/json";
    }
    if (auto ct = headers.find("Content-Type"); ct != headers.end()) {
      content_type = ct->second;
      headers.erase(ct);
    }
    auto page = ctx.browser().Request(method, url, headers, body, content_type, follow.is_boolean() && follow.get<bool>());
    if (!page.ok()) {
      return ctx.Fail(*this, "a reply from the vendor to " + method + " " + url, page.status().message());
    }
    ctx.Log(method + " " + url + " -> " + std::to_string(page->status));
    ctx.Capture(as, page->ToJson());
    return Status::Ok();
  }
};

// --- advance_clock ---------------------------------------------------------------------------
class AdvanceClockStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(int64_t ms, ctx.DurationParam(*this, "by", 0));
    MPEMU_RETURN_IF_ERROR(ctx.emulator().AdvanceClock(ms));
    ctx.Log("marketplace clock advanced by " + std::to_string(ms) + " ms");
    return Status::Ok();
  }
};

// --- inject_fault ----------------------------------------------------------------------------
class InjectFaultStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    nlohmann::json spec = nlohmann::json::object();
    static const std::pair<const char*, const char*> kFields[] = {
        {"route", "route"}, {"method", "method"}, {"path", "path"},   {"status", "status"},
        {"body", "body"},   {"content_type", "contentType"},          {"json", "json"},
        {"merge", "mergePatch"}, {"times", "times"}};
    for (const auto& [field, key] : kFields) {
      MPEMU_ASSIGN_OR_RETURN(nlohmann::json v, ctx.Param(*this, field));
      if (!v.is_null()) spec[key] = v;
    }
    MPEMU_ASSIGN_OR_RETURN(int64_t delay, ctx.DurationParam(*this, "delay", 0));
    if (delay > 0) spec["delayMs"] = delay;
    auto fault = http::Fault::FromJson(spec);
    if (!fault.ok()) return fault.status().WithContext(where().ToString());
    const std::string id = ctx.emulator().faults().Add(*fault);
    if (fault->route.rfind("stackit.keys", 0) == 0 || fault->route == "stackit.jwks") ctx.set_keys_disturbed();
    ctx.Log("fault " + id + " armed: " + spec.dump());
    return Status::Ok();
  }
};

// --- wait ------------------------------------------------------------------------------------
// --- tls_fault -------------------------------------------------------------------------------
// A vendor must refuse a marketplace host whose certificate does not verify: with TLS checks off,
// anyone on the path could answer resolve-customer for STACKIT.
class TlsFaultStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(std::string host, ctx.StringParam(*this, "host", "*"));
    MPEMU_ASSIGN_OR_RETURN(std::string kind, ctx.StringParam(*this, "kind"));
    MPEMU_RETURN_IF_ERROR(ctx.emulator().SetTlsFault(host, kind).WithContext(where().ToString()));
    ctx.Log("TLS fault: " + host + " presents a" + (kind == "untrusted" ? "n " : " ") + kind + " certificate");
    return Status::Ok();
  }
};

class WaitStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(int64_t ms, ctx.DurationParam(*this, "for", 0));
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(ms, 30000)));
    return Status::Ok();
  }
};

// --- set -------------------------------------------------------------------------------------
class SetStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(std::string name, ctx.StringParam(*this, "name"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json value, ctx.Param(*this, "value"));
    ctx.vars().Set(name, value);
    return Status::Ok();
  }
};

// --- set_cookie ----------------------------------------------------------------------------
class SetCookieStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(std::string name, ctx.StringParam(*this, "name"));
    MPEMU_ASSIGN_OR_RETURN(std::string value, ctx.StringParam(*this, "value"));
    MPEMU_ASSIGN_OR_RETURN(std::string url, ctx.StringParam(*this, "url", ctx.env().vendor_url));
    ctx.browser().SetCookie(url, name, value);
    ctx.Log("browser holds cookie " + name + "=" + value + " for " + url);
    return Status::Ok();
  }
};

// --- expect_json -----------------------------------------------------------------------------
class ExpectJsonStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(std::string from, ctx.StringParam(*this, "from"));
    MPEMU_ASSIGN_OR_RETURN(std::string path, ctx.StringParam(*this, "path"));
    MPEMU_ASSIGN_OR_RETURN(std::string type, ctx.StringParam(*this, "type"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json equals, ctx.Param(*this, "equals"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json not_equals, ctx.Param(*this, "not_equals"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json matches, ctx.Param(*this, "matches"));
    const std::string full = path.empty() ? from : from + "." + path;
    auto value = ctx.vars().Lookup(full);
    const std::string seen = value.ok() ? value->dump() : "(missing: " + value.status().message() + ")";
    auto fail = [&](const std::string& expected) {
      return ctx.Fail(*this, full + " " + expected, seen.size() > 300 ? seen.substr(0, 297) + "..." : seen);
    };
    if (type == "missing") return value.ok() && !value->is_null() ? fail("missing or null") : Status::Ok();
    if (!value.ok()) return fail(type.empty() ? "present" : "a " + type);
    if (!type.empty() && type != value->type_name() &&
        !(type == "integer" && value->is_number_integer())) {
      return fail("a " + type);
    }
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json ignore, ctx.Param(*this, "ignore", nlohmann::json::array()));
    nlohmann::json got = *value;
    if (ignore.is_array() && got.is_object() && equals.is_object()) {
      for (const auto& k : ignore) {
        if (!k.is_string()) continue;
        got.erase(k.get<std::string>());
        equals.erase(k.get<std::string>());
      }
    }
    if (!equals.is_null() && got != equals) return fail("= " + equals.dump());
    if (!not_equals.is_null() && *value == not_equals) return fail("!= " + not_equals.dump());
    if (matches.is_string()) {
      const std::string text = value->is_string() ? value->get<std::string>() : value->dump();
      try {
        if (!std::regex_search(text, std::regex(matches.get<std::string>()))) return fail("matching /" + matches.get<std::string>() + "/");
      } catch (const std::regex_error& e) {
        return InvalidArgumentError(where().ToString() + ": matches: " + e.what());
      }
    }
    return Status::Ok();
  }
};

// --- repeat --------------------------------------------------------------------------------
class RepeatStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json times, ctx.Param(*this, "times"));
    if (!times.is_number_integer() || times.get<int64_t>() < 0 || times.get<int64_t>() > 10000) {
      return InvalidArgumentError(where().ToString() + ": repeat.times must be an integer from 0 to 10000");
    }
    for (int64_t i = 0; i < times.get<int64_t>(); ++i) {
      ctx.vars().Set("repeat", {{"index", i}, {"count", times}});
      for (const auto& step : args_.children) MPEMU_RETURN_IF_ERROR(step->Run(ctx));
    }
    return Status::Ok();
  }
};

// --- expect_response -------------------------------------------------------------------------
class ExpectResponseStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(std::string from, ctx.StringParam(*this, "from", "page"));
    auto page = ctx.vars().Lookup(from);
    if (!page.ok()) return page.status().WithContext(where().ToString());
    const int status = page->value("status", 0);
    const std::string body = page->value("body", "");
    auto evidence = [&ctx] { return ctx.VendorCalls(nullptr, 10); };
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json want, ctx.Param(*this, "status"));
    if (!want.is_null() && !StatusMatches(want, status)) {
      return ctx.Fail(*this, "status " + want.dump(), PageSummary(*page), evidence());
    }
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json contains, ctx.Param(*this, "body_contains"));
    if (contains.is_string() && body.find(contains.get<std::string>()) == std::string::npos) {
      return ctx.Fail(*this, "a body containing \"" + contains.get<std::string>() + "\"", PageSummary(*page), evidence());
    }
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json absent, ctx.Param(*this, "body_not_contains"));
    if (absent.is_string() && !absent.get<std::string>().empty() &&
        body.find(absent.get<std::string>()) != std::string::npos) {
      return ctx.Fail(*this, "a body without \"" + absent.get<std::string>() + "\"", PageSummary(*page), evidence());
    }
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json headers, ctx.Param(*this, "headers", nlohmann::json::object()));
    for (const auto& [name, pattern] : headers.items()) {
      std::string key = name;
      for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const nlohmann::json& got = (*page)["headers"];
      std::string value = got.contains(key) ? got[key].get<std::string>() : "";
      bool ok = false;
      try {
        ok = got.contains(key) && std::regex_search(value, std::regex(pattern.get<std::string>(), std::regex::icase));
      } catch (const std::regex_error& e) {
        return InvalidArgumentError(where().ToString() + ": header pattern for " + name + ": " + e.what());
      }
      if (!ok) {
        return ctx.Fail(*this, "header " + name + " matching /" + pattern.get<std::string>() + "/",
                        got.contains(key) ? name + ": " + value : "no " + name + " header (" + PageSummary(*page) + ")");
      }
    }
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json form, ctx.Param(*this, "has_form"));
    if (form.is_boolean()) {
      const bool has = !(*page)["forms"].empty();
      if (has != form.get<bool>()) {
        return ctx.Fail(*this, form.get<bool>() ? "a page with a form" : "a page without a form", PageSummary(*page),
                        evidence());
      }
    }
    return Status::Ok();
  }
};

// --- expect_calls ----------------------------------------------------------------------------
class ExpectCallsStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(std::string route, ctx.StringParam(*this, "route"));
    MPEMU_ASSIGN_OR_RETURN(std::string service, ctx.StringParam(*this, "service"));
    MPEMU_ASSIGN_OR_RETURN(std::string method, ctx.StringParam(*this, "method"));
    MPEMU_ASSIGN_OR_RETURN(std::string path_contains, ctx.StringParam(*this, "path_contains"));
    MPEMU_ASSIGN_OR_RETURN(std::string body_contains, ctx.StringParam(*this, "body_contains"));
    MPEMU_ASSIGN_OR_RETURN(std::string host, ctx.StringParam(*this, "host"));
    MPEMU_ASSIGN_OR_RETURN(std::string via, ctx.StringParam(*this, "via"));
    MPEMU_ASSIGN_OR_RETURN(std::string after, ctx.StringParam(*this, "after"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json status, ctx.Param(*this, "status"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json count, ctx.Param(*this, "count"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json min, ctx.Param(*this, "min"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json max, ctx.Param(*this, "max"));
    MPEMU_ASSIGN_OR_RETURN(int64_t within, ctx.DurationParam(*this, "within", 0));
    int64_t after_seq = 0;
    if (!after.empty()) {
      auto mark = ctx.vars().Lookup(after);
      if (!mark.ok() || !mark->is_object() || !mark->contains("journalSeq")) {
        return InvalidArgumentError(where().ToString() + ": \"after\" must name a value captured by a step "
                                    "(it records the journal position), got \"" + after + "\"");
      }
      after_seq = (*mark)["journalSeq"].get<int64_t>();
    }
    auto select = [&](const journal::Entry& e) {
      if (e.seq <= after_seq) return false;
      if (!route.empty() && e.route != route) return false;
      if (!service.empty() && e.service != service) return false;
      if (!method.empty() && e.method != method) return false;
      if (!path_contains.empty() && e.path.find(path_contains) == std::string::npos) return false;
      if (!body_contains.empty() && e.body.find(body_contains) == std::string::npos) return false;
      if (!host.empty() && e.host != host) return false;
      if (!via.empty() && e.via != via) return false;
      if (!status.is_null() && !StatusMatches(status, e.status)) return false;
      return true;
    };
    const bool has_count = count.is_number_integer();
    const int64_t lo = has_count                  ? count.get<int64_t>()
                       : min.is_number_integer()  ? min.get<int64_t>()
                       : max.is_number_integer()  ? 0
                                                  : 1;
    const int64_t hi = has_count ? count.get<int64_t>()
                                 : max.is_number_integer() ? max.get<int64_t>()
                                                           : (min.is_number_integer() ? INT64_MAX : INT64_MAX);
    size_t seen = 0;
    MPEMU_ASSIGN_OR_RETURN(bool held, ctx.Eventually(within, [&]() -> StatusOr<bool> {
      seen = ctx.VendorCalls(select, 100000).size();
      return static_cast<int64_t>(seen) >= lo && static_cast<int64_t>(seen) <= hi;
    }));
    if (held) return Status::Ok();
    std::string what = route.empty() ? (service.empty() ? "matching" : service) : route;
    std::string expected;
    if (lo == hi) {
      expected = std::to_string(lo) + " " + what + " call(s)";
    } else if (lo == 0) {
      expected = "at most " + std::to_string(hi) + " " + what + " call(s)";
    } else if (hi == INT64_MAX) {
      expected = "at least " + std::to_string(lo) + " " + what + " call(s)";
    } else {
      expected = "between " + std::to_string(lo) + " and " + std::to_string(hi) + " " + what + " call(s)";
    }
    if (!via.empty() || !host.empty()) {
      expected += " addressed to " + (host.empty() ? std::string("any host") : host) +
                  (via.empty() ? "" : " via " + via);
    }
    if (within > 0) expected += " within " + std::to_string(within) + " ms";
    auto evidence = seen > 0 ? ctx.VendorCalls(select, 10) : ctx.VendorCalls(nullptr, 10);
    return ctx.Fail(*this, expected,
                    std::to_string(seen) + (seen > 0 ? " (shown below)" : " (the vendor's calls in this scenario are shown below)"),
                    std::move(evidence));
  }
};

}  // namespace

StatusOr<std::unique_ptr<Step>> MakeRequest(StepArgs args) { return Make<RequestStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeAdvanceClock(StepArgs args) { return Make<AdvanceClockStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeInjectFault(StepArgs args) { return Make<InjectFaultStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeTlsFault(StepArgs args) { return Make<TlsFaultStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeWait(StepArgs args) { return Make<WaitStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeSet(StepArgs args) { return Make<SetStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeRepeat(StepArgs args) { return Make<RepeatStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeSetCookie(StepArgs args) { return Make<SetCookieStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeExpectJson(StepArgs args) { return Make<ExpectJsonStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeExpectResponse(StepArgs args) { return Make<ExpectResponseStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeExpectCalls(StepArgs args) {
  if (args.params.contains("count") && (args.params.contains("min") || args.params.contains("max"))) {
    return InvalidArgumentError(args.where.ToString() + ": expect_calls takes either count or min/max, not both");
  }
  return Make<ExpectCallsStep>(std::move(args));
}

}  // namespace mpemu::harness::steps
