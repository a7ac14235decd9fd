// Clever Cloud steps: the platform's calls to the vendor (provision, plan change, deprovision),
// the customer's SSO form POST, and expectations on what the vendor answered.
#include <regex>

#include "emulator/clevercloud/marketplace.h"
#include "emulator/clevercloud/service.h"
#include "emulator/crypto/encoding.h"
#include "emulator/harness/context.h"
#include "emulator/harness/steps/steps.h"

namespace mpemu::harness::steps {
namespace {

clevercloud::Service& Clever(RunContext& ctx) { return ctx.emulator().clevercloud().service(); }

std::string Excerpt(const std::string& text, size_t max = 200) {
  std::string out = text.size() > max ? text.substr(0, max) + "..." : text;
  for (auto& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

std::vector<nlohmann::json> OutboundCalls(RunContext& ctx) {
  journal::Filter filter;
  filter.after_seq = ctx.start_seq() - 1;
  filter.direction = "outbound";
  filter.limit = 10;
  std::vector<nlohmann::json> out;
  for (const auto& e : ctx.emulator().journal().Query(filter)) out.push_back(journal::Journal::ToJson(e));
  return out;
}

// The Authorization header(s) a step asks for: `authorization` (raw; "" = none), `auth` ({user,
// password} or {raw: "user:password text"}, base64-encoded here), `authorizations` (several).
Status ApplyAuth(RunContext& ctx, const Step& step, clevercloud::CallOptions& call) {
  MPEMU_ASSIGN_OR_RETURN(nlohmann::json raw, ctx.Param(step, "authorization"));
  MPEMU_ASSIGN_OR_RETURN(nlohmann::json auth, ctx.Param(step, "auth"));
  MPEMU_ASSIGN_OR_RETURN(nlohmann::json several, ctx.Param(step, "authorizations"));
  if (raw.is_string()) call.authorization = raw.get<std::string>();
  if (auth.is_object()) {
    std::string pair = auth.contains("raw") ? auth.value("raw", "")
                                            : auth.value("user", "") + ":" + auth.value("password", "");
    call.authorization = auth.value("scheme", std::string("Basic")) + " " + crypto::Base64Encode(pair);
  }
  if (several.is_array() && !several.empty()) {
    call.authorization = several[0].get<std::string>();
    for (size_t i = 1; i < several.size(); ++i) call.extra_authorization.push_back(several[i].get<std::string>());
  }
  return Status::Ok();
}

Status ApplyBody(RunContext& ctx, const Step& step, clevercloud::CallOptions& call) {
  MPEMU_ASSIGN_OR_RETURN(nlohmann::json merge, ctx.Param(step, "merge", nlohmann::json::object()));
  MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, ctx.Param(step, "body"));
  MPEMU_ASSIGN_OR_RETURN(nlohmann::json type, ctx.Param(step, "content_type"));
  call.merge = merge;
  if (body.is_string()) call.body = body.get<std::string>();
  if (type.is_string()) call.content_type = type.get<std::string>();
  return Status::Ok();
}

nlohmann::json ReplyJson(const clevercloud::VendorReply& reply) {
  nlohmann::json j = reply.ToJson();
  if (!j.contains("json") || j["json"].is_null()) j["json"] = nullptr;
  return j;
}

// --- cc_provision ----------------------------------------------------------------------------
class ProvisionStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    clevercloud::ProvisionRequest request;
    MPEMU_ASSIGN_OR_RETURN(request.plan, ctx.StringParam(*this, "plan"));
    MPEMU_ASSIGN_OR_RETURN(request.region, ctx.StringParam(*this, "region"));
    MPEMU_ASSIGN_OR_RETURN(request.addon_id, ctx.StringParam(*this, "addon_id"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json options, ctx.Param(*this, "options", nlohmann::json::object()));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json legacy, ctx.Param(*this, "legacy_fields"));
    MPEMU_ASSIGN_OR_RETURN(std::string as, ctx.StringParam(*this, "as", "provision"));
    request.options = options;
    if (legacy.is_boolean()) request.legacy_fields = legacy.get<bool>();
    MPEMU_RETURN_IF_ERROR(ApplyAuth(ctx, *this, request.call));
    MPEMU_RETURN_IF_ERROR(ApplyBody(ctx, *this, request.call));
    auto provisioned = Clever(ctx).Provision(request);
    if (!provisioned.ok()) return provisioned.status().WithContext(where().ToString());
    nlohmann::json j = ReplyJson(provisioned->reply);
    j["addonId"] = provisioned->addon ? provisioned->addon->addon_id : request.addon_id;
    j["id"] = provisioned->addon ? nlohmann::json(provisioned->addon->vendor_id) : nlohmann::json(nullptr);
    j["addon"] = provisioned->addon ? provisioned->addon->ToJson() : nlohmann::json(nullptr);
    ctx.Log("provision " + j["addonId"].get<std::string>() + " -> " + std::to_string(provisioned->reply.status) +
            (provisioned->reply.error.empty() ? "" : " (" + provisioned->reply.error + ")"));
    ctx.Capture(as, std::move(j));
    return Status::Ok();
  }
};

// --- cc_deprovision / cc_plan_change ---------------------------------------------------------
class DeprovisionStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(std::string addon, ctx.StringParam(*this, "addon", "{{ provision.addonId }}"));
    MPEMU_ASSIGN_OR_RETURN(std::string as, ctx.StringParam(*this, "as", "deprovision"));
    clevercloud::CallOptions call;
    MPEMU_RETURN_IF_ERROR(ApplyAuth(ctx, *this, call));
    MPEMU_ASSIGN_OR_RETURN(call.path_suffix_override, ctx.StringParam(*this, "path_suffix"));
    auto reply = Clever(ctx).Deprovision(addon, call);
    if (!reply.ok()) return reply.status().WithContext(where().ToString());
    ctx.Log("deprovision " + addon + " -> " + std::to_string(reply->status));
    ctx.Capture(as, ReplyJson(*reply));
    return Status::Ok();
  }
};

class PlanChangeStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(std::string addon, ctx.StringParam(*this, "addon", "{{ provision.addonId }}"));
    MPEMU_ASSIGN_OR_RETURN(std::string plan, ctx.StringParam(*this, "plan"));
    MPEMU_ASSIGN_OR_RETURN(std::string as, ctx.StringParam(*this, "as", "plan_change"));
    clevercloud::CallOptions call;
    MPEMU_RETURN_IF_ERROR(ApplyAuth(ctx, *this, call));
    MPEMU_RETURN_IF_ERROR(ApplyBody(ctx, *this, call));
    auto reply = Clever(ctx).ChangePlan(addon, plan, call);
    if (!reply.ok()) return reply.status().WithContext(where().ToString());
    ctx.Log("plan change " + addon + " to " + plan + " -> " + std::to_string(reply->status));
    ctx.Capture(as, ReplyJson(*reply));
    return Status::Ok();
  }
};

// --- cc_sso ----------------------------------------------------------------------------------
// The customer's browser posts the SSO form the platform builds, so cookies land in the
// scenario's browser like in the real console.
class SsoStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(std::string addon, ctx.StringParam(*this, "addon", "{{ provision.addonId }}"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json fields, ctx.Param(*this, "fields", nlohmann::json::object()));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json resign, ctx.Param(*this, "resign", true));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json offset, ctx.Param(*this, "timestamp_offset_s", 0));
    MPEMU_ASSIGN_OR_RETURN(std::string unit, ctx.StringParam(*this, "timestamp_unit"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json salt, ctx.Param(*this, "salt"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json signature, ctx.Param(*this, "signature"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json legacy, ctx.Param(*this, "legacy_token", false));
    MPEMU_ASSIGN_OR_RETURN(std::string method, ctx.StringParam(*this, "method", "POST"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json raw_body, ctx.Param(*this, "raw_body"));
    MPEMU_ASSIGN_OR_RETURN(std::string as, ctx.StringParam(*this, "as", "page"));
    clevercloud::SsoOverrides overrides;
    for (const auto& [k, v] : fields.items()) {
      overrides.fields[k] = v.is_null() ? std::optional<std::string>() : (v.is_string() ? v.get<std::string>() : v.dump());
    }
    overrides.resign = resign.is_boolean() && resign.get<bool>();
    if (offset.is_number()) overrides.timestamp_offset_ms = static_cast<int64_t>(offset.get<double>() * 1000);
    overrides.timestamp_unit = unit;
    if (salt.is_string()) overrides.salt = salt.get<std::string>();
    if (signature.is_string()) overrides.signature = signature.get<std::string>();
    overrides.legacy_token = legacy.is_boolean() && legacy.get<bool>();
    MPEMU_ASSIGN_OR_RETURN(std::string transform, ctx.StringParam(*this, "signature_transform"));
    auto form = Clever(ctx).BuildSso(addon, overrides);
    if (!form.ok()) return form.status().WithContext(where().ToString());
    if (!transform.empty()) {
      for (auto& [k, v] : form->fields) {
        if (k != "signature") continue;
        if (transform == "flip-digit") {
          v[0] = v[0] == '0' ? '1' : '0';
        } else if (transform == "uppercase") {
          for (auto& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        } else if (transform == "truncate-64") {
          v = v.substr(0, 64);
        } else if (transform == "drop-last") {
          v.pop_back();
        } else if (transform == "append-00") {
          v += "00";
        } else if (transform == "non-hex") {
          v = std::string(v.size(), 'z');
        } else if (transform == "empty") {
          v.clear();
        }
      }
    }
    std::string encoded;
    for (const auto& [k, v] : form->fields) {
      encoded += (encoded.empty() ? "" : "&") + http::UrlEncode(k) + "=" + http::UrlEncode(v);
    }
    if (raw_body.is_string()) encoded = raw_body.get<std::string>();
    StatusOr<Page> page = method == "GET"
                              ? ctx.browser().Get(form->url + (form->url.find('?') == std::string::npos ? "?" : "&") + encoded)
                              : ctx.browser().Request(method, form->url, {}, encoded, "application/x-www-form-urlencoded");
    if (!page.ok()) return ctx.Fail(*this, "a reply from the vendor's sso_url " + form->url, page.status().message());
    ctx.Log("customer posted the SSO form to " + form->url + " -> " + std::to_string(page->status) +
            (page->redirects.empty() ? "" : " after " + std::to_string(page->redirects.size()) + " redirect(s)"));
    nlohmann::json j = page->ToJson();
    j["form"] = form->ToJson();
    j["sent"] = encoded;
    ctx.Capture(as, std::move(j));
    return Status::Ok();
  }
};

// --- cc_expect_provision ---------------------------------------------------------------------
// kensa's provision-response checks, with Clever's deltas: a JSON object; "id" a non-empty string
// (Clever requires a string); "config" string-to-string with keys from the manifest's config_vars;
// *_URL values absolute URLs; "message" a string when present.
class ExpectProvisionStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(std::string from, ctx.StringParam(*this, "from", "provision"));
    auto reply = ctx.vars().Lookup(from);
    if (!reply.ok()) return reply.status().WithContext(where().ToString());
    const int status = reply->value("status", 0);
    const std::string summary = "HTTP " + std::to_string(status) + ": " + Excerpt(reply->value("body", ""));
    if (status < 200 || status > 299) {
      return ctx.Fail(*this, "a 2xx reply to the provision call (kensa: response)",
                      reply->value("error", "").empty() ? summary : reply->value("error", ""), OutboundCalls(ctx));
    }
    const nlohmann::json& j = (*reply)["json"];
    if (!j.is_object()) return ctx.Fail(*this, "a JSON object (kensa: valid JSON)", summary, OutboundCalls(ctx));
    if (!j.contains("id") || !j["id"].is_string() || j["id"].get<std::string>().empty()) {
      return ctx.Fail(*this, "\"id\" a non-empty string (Clever: the id MUST be a String)",
                      j.contains("id") ? "id = " + j["id"].dump() : "no id: " + Excerpt(j.dump()), OutboundCalls(ctx));
    }
    const clevercloud::Manifest& manifest = Clever(ctx).manifest();
    if (j.contains("config")) {
      if (!j["config"].is_object()) {
        return ctx.Fail(*this, "\"config\" an object (kensa: config data is a hash)", j["config"].dump(), OutboundCalls(ctx));
      }
      for (const auto& [k, v] : j["config"].items()) {
        if (std::find(manifest.config_vars.begin(), manifest.config_vars.end(), k) == manifest.config_vars.end()) {
          return ctx.Fail(*this, "config keys from the manifest's config_vars (kensa: all config keys were previously defined in the manifest)",
                          k + " is not in the manifest", OutboundCalls(ctx));
        }
        if (!v.is_string()) {
          return ctx.Fail(*this, "string config values (kensa: all config values are strings)",
                          "the key " + k + " doesn't contain a string (" + v.dump() + ")", OutboundCalls(ctx));
        }
        static const std::regex kUrl("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s:]+.*");
        if (k.size() > 4 && k.substr(k.size() - 4) == "_URL" && !std::regex_match(v.get<std::string>(), kUrl)) {
          return ctx.Fail(*this, "*_URL config values with a scheme and a host (kensa: URL configs vars)",
                          v.get<std::string>() + " is not a valid URI", OutboundCalls(ctx));
        }
      }
      for (const auto& var : manifest.config_vars) {
        if (!j["config"].contains(var)) ctx.Log("warning: " + var + " is missing from the provision response");
      }
    }
    if (j.contains("message") && !j["message"].is_string()) {
      return ctx.Fail(*this, "\"message\" a string", j["message"].dump(), OutboundCalls(ctx));
    }
    return Status::Ok();
  }
};

// --- cc_expect_addon -------------------------------------------------------------------------
class ExpectAddonStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(std::string addon, ctx.StringParam(*this, "addon", "{{ provision.addonId }}"));
    MPEMU_ASSIGN_OR_RETURN(std::string status, ctx.StringParam(*this, "status"));
    MPEMU_ASSIGN_OR_RETURN(std::string plan, ctx.StringParam(*this, "plan"));
    auto found = Clever(ctx).Find(addon);
    if (!found.ok()) return ctx.Fail(*this, "add-on " + addon + " known to the platform", found.status().message());
    if (!status.empty() && found->status != status) {
      return ctx.Fail(*this, "add-on " + addon + " " + status, found->status, OutboundCalls(ctx));
    }
    if (!plan.empty() && found->plan != plan) {
      return ctx.Fail(*this, "add-on " + addon + " on plan " + plan, found->plan, OutboundCalls(ctx));
    }
    return Status::Ok();
  }
};

// --- cc_manifest_check -----------------------------------------------------------------------
class ManifestCheckStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json production, ctx.Param(*this, "production", false));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json rule, ctx.Param(*this, "rule"));
    const nlohmann::json& manifest = Clever(ctx).manifest().raw;
    auto findings = clevercloud::CheckManifest(manifest, production.is_boolean() && production.get<bool>());
    std::string errors;
    for (const auto& f : findings) {
      ctx.Log(f.severity + " " + f.pointer + " " + f.rule + ": " + f.message);
      if (f.severity != "error") continue;
      if (rule.is_string() && f.rule != rule.get<std::string>()) continue;
      errors += (errors.empty() ? "" : "; ") + f.pointer + ": " + f.message;
    }
    if (!errors.empty()) return ctx.Fail(*this, "a manifest without errors", errors);
    return Status::Ok();
  }
};

// --- expect_vendor_resource ------------------------------------------------------------------
class ExpectVendorResourceStep final : public Step {
 public:
  using Step::Step;
  Status Run(RunContext& ctx) const override {
    if (!ctx.profile().clevercloud || ctx.profile().clevercloud->observe_path.empty()) {
      return FailedPreconditionError(where().ToString() + ": the vendor profile has no clevercloud.observe");
    }
    const CleverCloudProfile& profile = *ctx.profile().clevercloud;
    MPEMU_ASSIGN_OR_RETURN(std::string resource, ctx.StringParam(*this, "resource", "{{ provision.id }}"));
    MPEMU_ASSIGN_OR_RETURN(std::string status, ctx.StringParam(*this, "status"));
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json exists, ctx.Param(*this, "exists", true));
    Vars vars = ctx.vars();
    vars.Set("resource", resource);
    MPEMU_ASSIGN_OR_RETURN(std::string path, vars.Expand(profile.observe_path));
    http::Client client(ctx.env().vendor_url);
    auto r = client.Get(path);
    if (!r.ok()) return ctx.Fail(*this, "the vendor's view of resource " + resource, r.status().message());
    const bool want = !exists.is_boolean() || exists.get<bool>();
    if (!want) {
      if (r->status == 404) return Status::Ok();
      return ctx.Fail(*this, "no resource " + resource + " at the vendor (404)", "HTTP " + std::to_string(r->status) + ": " + Excerpt(r->body));
    }
    auto j = r->Json();
    if (r->status != 200 || !j.ok()) {
      return ctx.Fail(*this, "resource " + resource + " at the vendor", "HTTP " + std::to_string(r->status) + ": " + Excerpt(r->body));
    }
    if (!status.empty()) {
      Vars observed;
      observed.Set("reply", *j);
      auto value = observed.Lookup("reply." + profile.observe_status);
      if (!value.ok() || *value != status) {
        return ctx.Fail(*this, "resource " + resource + " " + status + " at the vendor",
                        value.ok() ? value->dump() : value.status().message());
      }
    }
    return Status::Ok();
  }
};

}  // namespace

StatusOr<std::unique_ptr<Step>> MakeCcProvision(StepArgs args) { return Make<ProvisionStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeCcDeprovision(StepArgs args) { return Make<DeprovisionStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeCcPlanChange(StepArgs args) { return Make<PlanChangeStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeCcSso(StepArgs args) { return Make<SsoStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeCcExpectProvision(StepArgs args) { return Make<ExpectProvisionStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeCcExpectAddon(StepArgs args) { return Make<ExpectAddonStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeCcManifestCheck(StepArgs args) { return Make<ManifestCheckStep>(std::move(args)); }
StatusOr<std::unique_ptr<Step>> MakeExpectVendorResource(StepArgs args) {
  return Make<ExpectVendorResourceStep>(std::move(args));
}

}  // namespace mpemu::harness::steps
