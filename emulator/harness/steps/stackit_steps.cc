// STACKIT steps: the customer's side of the signup flow, the marketplace's actions, and
// expectations on subscriptions.
#include <thread>

#include "emulator/harness/context.h"
#include "emulator/harness/steps/steps.h"
#include "emulator/http/client.h"
#include "emulator/stackit/service.h"

namespace mpemu::harness::steps {
namespace {

stackit::Service& Stackit(RunContext& ctx) { return ctx.emulator().stackit().service(); }

const StackitProfile* ProfileFor(RunContext& ctx) {
  return ctx.profile().stackit ? &*ctx.profile().stackit : nullptr;
}

Status NeedProfile(RunContext& ctx, const Step& step) {
  if (ProfileFor(ctx) == nullptr) {
    return FailedPreconditionError(step.where().ToString() + ": the vendor profile " + ctx.profile().file +
                                   " has no stackit: section");
  }
  return Status::Ok();
}

std::string Excerpt(const std::string& text, size_t max = 200) {
  std::string out = text.size() > max ? text.substr(0, max) + "..." : text;
  for (auto& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

void Capture(RunContext& ctx, const std::string& as, nlohmann::json value) { ctx.Capture(as, std::move(value)); }

Form FormFromJson(const nlohmann::json& j) {
  Form f;
  f.action = j.value("action", "");
  f.method = j.value("method", "POST");
  f.id = j.value("id", "");
  for (const auto& [k, v] : j["fields"].items()) f.fields.emplace_back(k, v.get<std::string>());
  return f;
}

// --- subscribe -------------------------------------------------------------------------------
class SubscribeStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    stackit::SubscribeRequest request;
    MPEMU_ASSIGN_OR_RETURN(request.product_id, ctx.StringParam(*this, "product"));
    MPEMU_ASSIGN_OR_RETURN(std::string as, ctx.StringParam(*this, "as", "sub"));
    auto subscribed = Stackit(ctx).Subscribe(request);
    if (!subscribed.ok()) return subscribed.status().WithContext(where().ToString());
    const auto& s = subscribed->subscription;
    ctx.Log("subscribed " + s.subscription_id + " to " + s.product_id);
    MPEMU_ASSIGN_OR_RETURN(TokenKeys keys, ctx.Keys());
    // What resolve-customer answers for this subscription: scenarios that test the vendor's own
    // token checks make resolve-customer answer this whatever the token (inject_fault), so that
    // the vendor's verification is the only thing between a forged token and a signup.
    nlohmann::json resolved = nullptr;
    if (const stackit::Product* product = Stackit(ctx).FindProduct(s.product_id)) {
      resolved = stackit::ToApiJson(s, *product);
    }
    Capture(ctx, as,
            {{"id", s.subscription_id},
             {"token", subscribed->token},
             {"redirectUrl", subscribed->redirect_url},
             {"productId", s.product_id},
             {"projectId", s.consumer_project_id},
             {"organizationId", s.organization_id},
             {"kid", keys.legit_kid},
             {"resolved", resolved}});
    return Status::Ok();
  }
};

// --- open_signup -----------------------------------------------------------------------------
class OpenSignupStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_RETURN_IF_ERROR(NeedProfile(ctx, *this));
    const StackitProfile& profile = *ProfileFor(ctx);
    MPEMU_ASSIGN_OR_RETURN(std::string query, ctx.StringParam(*this, "query", ""));
    if (query.empty()) {
      MPEMU_ASSIGN_OR_RETURN(std::string token, ctx.StringParam(*this, "token", "{{ sub.token }}"));
      query = http::UrlEncode(profile.token_param) + "=" + http::UrlEncode(token);
    }
    MPEMU_ASSIGN_OR_RETURN(std::string as, ctx.StringParam(*this, "as", "page"));
    const std::string url = ctx.env().vendor_url + profile.signup_path + "?" + query;
    auto page = ctx.browser().Get(url);
    if (!page.ok()) {
      return ctx.Fail(*this, "the vendor's signup page to answer", page.status().message(), ctx.VendorCalls());
    }
    ctx.Log("customer opened " + Excerpt(url, 120) + " -> " + std::to_string(page->status));
    Capture(ctx, as, page->ToJson());
    return Status::Ok();
  }
};

// --- complete_signup -------------------------------------------------------------------------
class CompleteSignupStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_RETURN_IF_ERROR(NeedProfile(ctx, *this));
    const StackitProfile& profile = *ProfileFor(ctx);
    MPEMU_ASSIGN_OR_RETURN(std::string from, ctx.StringParam(*this, "from", "page"));
    MPEMU_ASSIGN_OR_RETURN(std::string which, ctx.StringParam(*this, "form", profile.signup_form_action));
    MPEMU_ASSIGN_OR_RETURN(std::string as, ctx.StringParam(*this, "as", "page"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json extra, ctx.Param(*this, "fields", nlohmann::json::object()));
    auto page = ctx.vars().Lookup(from);
    if (!page.ok()) return page.status().WithContext(where().ToString());
    const nlohmann::json* chosen = nullptr;
    for (const auto& f : (*page)["forms"]) {
      if (which.empty() ? f.value("method", "") == "POST" : f.value("action", "").find(which) != std::string::npos) {
        chosen = &f;
        break;
      }
    }
    if (chosen == nullptr) {
      return ctx.Fail(*this, which.empty() ? "a signup form (a POST form) on the page" : "a form whose action contains \"" + which + "\"",
                      "HTTP " + std::to_string(page->value("status", 0)) + " \"" + page->value("title", "") +
                          "\" with " + std::to_string((*page)["forms"].size()) + " form(s): " +
                          Excerpt(page->value("body", "")),
                      ctx.VendorCalls(nullptr, 10));
    }
    std::map<std::string, std::string> fields;
    for (const auto& [k, v] : profile.signup_fields) {
      MPEMU_ASSIGN_OR_RETURN(fields[k], ctx.vars().Expand(v));
    }
    for (const auto& [k, v] : extra.items()) fields[k] = v.is_string() ? v.get<std::string>() : v.dump();
    auto result = ctx.browser().Submit(FormFromJson(*chosen), fields);
    if (!result.ok()) {
      return ctx.Fail(*this, "a reply to the signup form", result.status().message(), ctx.VendorCalls());
    }
    ctx.Log("customer submitted the form to " + chosen->value("action", "") + " -> " + std::to_string(result->status));
    Capture(ctx, as, result->ToJson());
    return Status::Ok();
  }
};

// --- mint_token ------------------------------------------------------------------------------
class MintTokenStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(std::string id, ctx.StringParam(*this, "subscription", "{{ sub.id }}"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json mutations, ctx.Param(*this, "mutations", nlohmann::json::array()));
    MPEMU_ASSIGN_OR_RETURN(std::string as, ctx.StringParam(*this, "as", "minted"));
    MPEMU_ASSIGN_OR_RETURN(TokenKeys keys, ctx.Keys());
    TokenDraft draft = BaselineDraft(id, Stackit(ctx).Issuer(), keys);
    auto token = BuildToken(std::move(draft), mutations, keys);
    if (!token.ok()) return token.status().WithContext(where().ToString());
    ctx.Log("minted a token for " + id + " with " + mutations.dump());
    Capture(ctx, as, {{"token", *token}, {"mutations", mutations}});
    return Status::Ok();
  }
};

// --- rotate_keys -----------------------------------------------------------------------------
class RotateKeysStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json retire, ctx.Param(*this, "retire_previous", false));
    MPEMU_ASSIGN_OR_RETURN(std::string as, ctx.StringParam(*this, "as", "key"));
    auto key = Stackit(ctx).redirect_keys().Rotate(retire.is_boolean() && retire.get<bool>());
    if (!key.ok()) return key.status().WithContext(where().ToString());
    ctx.Log("redirect keys rotated: " + key->kid + " signs from now on");
    ctx.set_keys_disturbed();
    if (const StackitProfile* profile = ProfileFor(ctx); profile && profile->keys_refetch_cooldown_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(profile->keys_refetch_cooldown_ms));
    }
    Capture(ctx, as, {{"kid", key->kid}});
    return Status::Ok();
  }
};

// --- publish_key -----------------------------------------------------------------------------
class PublishKeyStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(std::string kid, ctx.StringParam(*this, "kid"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json published, ctx.Param(*this, "published", true));
    MPEMU_RETURN_IF_ERROR(Stackit(ctx).redirect_keys().SetPublished(kid, published.get<bool>()).WithContext(
        where().ToString()));
    ctx.Log(std::string("key ") + kid + (published.get<bool>() ? " published" : " withdrawn from keys.json"));
    return Status::Ok();
  }
};

// --- set_state -------------------------------------------------------------------------------
class SetStateStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(std::string id, ctx.StringParam(*this, "subscription", "{{ sub.id }}"));
    MPEMU_ASSIGN_OR_RETURN(std::string state, ctx.StringParam(*this, "state"));
    MPEMU_ASSIGN_OR_RETURN(std::string reason, ctx.StringParam(*this, "reason", "set by scenario"));
    auto s = Stackit(ctx).SetState(id, state, reason);
    if (!s.ok()) return s.status().WithContext(where().ToString());
    ctx.Log("subscription " + id + " set to " + state);
    return Status::Ok();
  }
};

// --- expect_subscription ---------------------------------------------------------------------
class ExpectSubscriptionStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(std::string id, ctx.StringParam(*this, "subscription", "{{ sub.id }}"));
    MPEMU_ASSIGN_OR_RETURN(std::string state, ctx.StringParam(*this, "state"));
    MPEMU_ASSIGN_OR_RETURN(int64_t within, ctx.DurationParam(*this, "within", 0));
    std::string seen;
    MPEMU_ASSIGN_OR_RETURN(bool held, ctx.Eventually(within, [&]() -> StatusOr<bool> {
      MPEMU_ASSIGN_OR_RETURN(stackit::Subscription s, Stackit(ctx).Find(id));
      seen = s.state;
      return s.state == state;
    }));
    if (held) return Status::Ok();
    return ctx.Fail(*this, "subscription " + id + " in " + state + (within ? " within " + std::to_string(within) + " ms" : ""),
                    seen, ctx.VendorCalls([&id](const journal::Entry& e) { return e.path.find(id) != std::string::npos; }));
  }
};

// --- expect_vendor_state ---------------------------------------------------------------------
class ExpectVendorStateStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_RETURN_IF_ERROR(NeedProfile(ctx, *this));
    const StackitProfile& profile = *ProfileFor(ctx);
    if (profile.observe_path.empty()) {
      return FailedPreconditionError(where().ToString() + ": the vendor profile has no stackit.observe, so "
                                     "the vendor's view of a subscription cannot be read");
    }
    MPEMU_ASSIGN_OR_RETURN(std::string id, ctx.StringParam(*this, "subscription", "{{ sub.id }}"));
    MPEMU_ASSIGN_OR_RETURN(std::string state, ctx.StringParam(*this, "state"));
    MPEMU_ASSIGN_OR_RETURN(int64_t within, ctx.DurationParam(*this, "within", 5000));
    Vars vars = ctx.vars();
    vars.Set("subscription", id);
    MPEMU_ASSIGN_OR_RETURN(std::string path, vars.Expand(profile.observe_path));
    http::Client client(ctx.env().vendor_url);
    std::string seen;
    MPEMU_ASSIGN_OR_RETURN(bool held, ctx.Eventually(within, [&]() -> StatusOr<bool> {
      auto r = client.Get(path);
      if (!r.ok()) {
        seen = r.status().message();
        return false;
      }
      auto j = r->Json();
      if (r->status != 200 || !j.ok()) {
        seen = "HTTP " + std::to_string(r->status) + ": " + Excerpt(r->body);
        return false;
      }
      Vars observed;
      observed.Set("reply", *j);
      auto value = observed.Lookup("reply." + profile.observe_state);
      seen = value.ok() ? (value->is_string() ? value->get<std::string>() : value->dump()) : value.status().message();
      return value.ok() && *value == state;
    }));
    if (held) return Status::Ok();
    return ctx.Fail(*this, "the vendor to report " + state + " for " + id + " within " + std::to_string(within) + " ms",
                    seen, ctx.VendorCalls(nullptr, 10));
  }
};

// --- expect_rejected -------------------------------------------------------------------------
// The security catalogue's definition of "reject": a 4xx reply (never 5xx), no approve call, no
// request to the attacker host, and the subscription still pending at the marketplace.
class ExpectRejectedStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(std::string from, ctx.StringParam(*this, "from", "page"));
    MPEMU_ASSIGN_OR_RETURN(std::string id, ctx.StringParam(*this, "subscription", "{{ sub.id }}"));
    auto page = ctx.vars().Lookup(from);
    if (!page.ok()) return page.status().WithContext(where().ToString());
    const int status = page->value("status", 0);
    if (status < 400 || status > 499) {
      return ctx.Fail(*this, "a 4xx rejection of the token",
                      "HTTP " + std::to_string(status) + " \"" + page->value("title", "") + "\": " +
                          Excerpt(page->value("body", "")),
                      ctx.VendorCalls(nullptr, 10));
    }
    auto approves = ctx.VendorCalls([](const journal::Entry& e) { return e.route == "stackit.approve"; });
    if (!approves.empty()) {
      return ctx.Fail(*this, "no approve call after a rejected token",
                      std::to_string(approves.size()) + " approve call(s)", approves);
    }
    auto attacker = ctx.VendorCalls([](const journal::Entry& e) { return e.service == "attacker"; });
    if (!attacker.empty()) {
      return ctx.Fail(*this, "no request to a URL taken from the token (the attacker host)",
                      std::to_string(attacker.size()) + " request(s) to the attacker host", attacker);
    }
    if (!id.empty()) {
      auto s = Stackit(ctx).Find(id);
      if (s.ok() && s->state != stackit::kPending) {
        return ctx.Fail(*this, "subscription " + id + " still SUBSCRIPTION_PENDING", s->state,
                        ctx.VendorCalls(nullptr, 10));
      }
    }
    return Status::Ok();
  }
};

}  // namespace

StatusOr<std::unique_ptr<Step>> MakeSubscribe(StepArgs args) { return Make<SubscribeStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeOpenSignup(StepArgs args) { return Make<OpenSignupStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeCompleteSignup(StepArgs args) { return Make<CompleteSignupStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeMintToken(StepArgs args) {
  if (args.params.contains("mutations") && args.params["mutations"].is_array()) {
    Status s = CheckMutations(args.params["mutations"]);
    if (!s.ok()) return InvalidArgumentError(args.locations["mutations"].get<std::string>() + ": " + s.message());
  }
  return Make<MintTokenStep>(std::move(args));
}
StatusOr<std::unique_ptr<Step>> MakeRotateKeys(StepArgs args) { return Make<RotateKeysStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakePublishKey(StepArgs args) { return Make<PublishKeyStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeSetState(StepArgs args) { return Make<SetStateStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeExpectSubscription(StepArgs args) {
  return Make<ExpectSubscriptionStep>(std::move(args));
}
StatusOr<std::unique_ptr<Step>> MakeExpectVendorState(StepArgs args) {
  return Make<ExpectVendorStateStep>(std::move(args));
}
StatusOr<std::unique_ptr<Step>> MakeExpectRejected(StepArgs args) { return Make<ExpectRejectedStep>(std::move(args)); }

}  // namespace mpemu::harness::steps
