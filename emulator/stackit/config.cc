#include "emulator/stackit/config.h"

#include <regex>
#include <utility>

#include "emulator/core/duration.h"
#include "emulator/core/ids.h"

namespace mpemu::stackit {

Config DefaultConfig() {
  Config c;
  const std::string project = "5d1f2c3a-7b4e-4c2d-9e8f-0a1b2c3d4e5f";
  c.vendor_projects.push_back({project, {"mpemu-static-token"}});
  Product live;
  live.product_id = "mpemu-saas-1a2b3c4d";
  live.vendor_project_id = project;
  live.plan_id = "mpemu-plan-5e6f7a8b";
  c.products.push_back(live);
  Product preview = live;
  preview.product_id = "mpemu-preview-9c0d1e2f";
  preview.product_name = "mpemu Preview Product";
  preview.lifecycle_state = "PRODUCT_PREVIEW";
  preview.price_type = "FREE";
  preview.pricing_plan = "Free preview";
  preview.plan_id = "mpemu-plan-3a4b5c6d";
  c.products.push_back(preview);
  ServiceAccount sa;
  sa.id = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
  sa.email = "mpemu-vendor-sa@sa.stackit.cloud";
  sa.vendor_project_id = project;
  sa.key_id = "2f1d3c4b-5a6e-4f70-8a9b-0c1d2e3f4a5b";
  c.service_accounts.push_back(sa);
  return c;
}

namespace {

Status ParseProduct(const YamlMap& m, Product* p) {
  MPEMU_RETURN_IF_ERROR(m.CheckKeys({"productId", "vendorProjectId", "productName", "vendorName",
                                     "vendorWebsiteUrl", "deliveryMethod", "lifecycleState",
                                     "priceType", "pricingPlan", "planId", "vendorProductId",
                                     "vendorPlanId", "pendingTtl"}));
  MPEMU_RETURN_IF_ERROR(m.String("productId", &p->product_id, true));
  MPEMU_RETURN_IF_ERROR(m.String("vendorProjectId", &p->vendor_project_id));
  MPEMU_RETURN_IF_ERROR(m.String("productName", &p->product_name));
  MPEMU_RETURN_IF_ERROR(m.String("vendorName", &p->vendor_name));
  MPEMU_RETURN_IF_ERROR(m.String("vendorWebsiteUrl", &p->vendor_website_url));
  MPEMU_RETURN_IF_ERROR(m.String("deliveryMethod", &p->delivery_method));
  MPEMU_RETURN_IF_ERROR(m.String("lifecycleState", &p->lifecycle_state));
  MPEMU_RETURN_IF_ERROR(m.String("priceType", &p->price_type));
  MPEMU_RETURN_IF_ERROR(m.String("pricingPlan", &p->pricing_plan));
  MPEMU_RETURN_IF_ERROR(m.String("planId", &p->plan_id));
  MPEMU_RETURN_IF_ERROR(m.String("vendorProductId", &p->vendor_product_id));
  MPEMU_RETURN_IF_ERROR(m.String("vendorPlanId", &p->vendor_plan_id));
  MPEMU_RETURN_IF_ERROR(m.Duration("pendingTtl", &p->pending_ttl_ms));
  if (p->pending_ttl_ms <= 0) return m.Error("pendingTtl", "must be positive");
  static const std::regex kProductId("^[a-z0-9-]{1,20}-[0-9a-f]{8}$");
  if (!std::regex_match(p->product_id, kProductId)) {
    return m.Error("productId", "\"" + p->product_id +
                                    "\" does not match STACKIT's ^[a-z0-9-]{1,20}-[0-9a-f]{8}$ (e.g. "
                                    "my-product-1a2b3c4d)");
  }
  if (p->plan_id.empty()) p->plan_id = p->product_id + "-plan";
  static const char* kStates[] = {"PRODUCT_LIVE", "PRODUCT_PREVIEW", "PRODUCT_PENDING_APPROVAL"};
  bool ok = false;
  for (const char* s : kStates) ok = ok || p->lifecycle_state == s;
  if (!ok) return m.Error("lifecycleState", "expected PRODUCT_LIVE, PRODUCT_PREVIEW or PRODUCT_PENDING_APPROVAL");
  static const char* kPrices[] = {"CONTRACT", "FREE", "FREE_TRIAL", "BYOL", "PAYG"};
  ok = false;
  for (const char* s : kPrices) ok = ok || p->price_type == s;
  if (!ok) return m.Error("priceType", "expected CONTRACT, FREE, FREE_TRIAL, BYOL or PAYG");
  return Status::Ok();
}

}  // namespace

StatusOr<Config> ParseConfig(const YamlMap& m) {
  Config c = DefaultConfig();
  MPEMU_RETURN_IF_ERROR(m.CheckKeys({"vendorProjects", "products", "serviceAccounts", "signupUrl",
                                     "loginUrl", "issuer", "redirectTokenTtl", "accessTokenTtl",
                                     "refreshTokenTtl", "tokenAudiences", "latestStates",
                                     "nullEndCursor", "approveNonPendingStatus",
                                     "rejectNonPreviewStatus"}));
  MPEMU_RETURN_IF_ERROR(m.String("signupUrl", &c.signup_url));
  MPEMU_RETURN_IF_ERROR(m.String("loginUrl", &c.login_url));
  MPEMU_RETURN_IF_ERROR(m.String("issuer", &c.issuer));
  int64_t ms = c.redirect_token_ttl_s * 1000;
  MPEMU_RETURN_IF_ERROR(m.Duration("redirectTokenTtl", &ms));
  c.redirect_token_ttl_s = ms / 1000;
  ms = c.access_token_ttl_s * 1000;
  MPEMU_RETURN_IF_ERROR(m.Duration("accessTokenTtl", &ms));
  c.access_token_ttl_s = ms / 1000;
  ms = c.refresh_token_ttl_s * 1000;
  MPEMU_RETURN_IF_ERROR(m.Duration("refreshTokenTtl", &ms));
  c.refresh_token_ttl_s = ms / 1000;
  MPEMU_RETURN_IF_ERROR(m.StringList("tokenAudiences", &c.token_audiences));
  MPEMU_RETURN_IF_ERROR(m.Bool("latestStates", &c.latest_states));
  MPEMU_RETURN_IF_ERROR(m.Bool("nullEndCursor", &c.null_end_cursor));
  // The statuses of errors: anything else would be an HTTP status no client expects here.
  using StatusField = std::pair<const char*, int*>;
  for (const auto& [key, field] : {StatusField{"approveNonPendingStatus", &c.approve_non_pending_status},
                                   StatusField{"rejectNonPreviewStatus", &c.reject_non_preview_status}}) {
    int64_t status = *field;
    MPEMU_RETURN_IF_ERROR(m.Int(key, &status));
    if (status < 400 || status > 599) return m.Error(key, "expected an HTTP error status from 400 to 599");
    *field = static_cast<int>(status);
  }

  if (m.Has("vendorProjects")) {
    c.vendor_projects.clear();
    MPEMU_ASSIGN_OR_RETURN(auto list, m.MapList("vendorProjects"));
    for (const YamlMap& vm : list) {
      VendorProject vp;
      MPEMU_RETURN_IF_ERROR(vm.CheckKeys({"projectId", "bearerTokens"}));
      MPEMU_RETURN_IF_ERROR(vm.String("projectId", &vp.project_id, true));
      MPEMU_RETURN_IF_ERROR(vm.StringList("bearerTokens", &vp.bearer_tokens));
      if (!IsCanonicalUuid(vp.project_id)) {
        return vm.Error("projectId", "must be a lower-case UUID (STACKIT's SDKs require 36 characters)");
      }
      c.vendor_projects.push_back(vp);
    }
  }
  const std::string first_project =
      c.vendor_projects.empty() ? std::string() : c.vendor_projects.front().project_id;
  if (m.Has("products")) {
    c.products.clear();
    MPEMU_ASSIGN_OR_RETURN(auto list, m.MapList("products"));
    for (const YamlMap& pm : list) {
      Product p;
      p.vendor_project_id = first_project;
      MPEMU_RETURN_IF_ERROR(ParseProduct(pm, &p));
      c.products.push_back(p);
    }
  } else {
    for (Product& p : c.products) p.vendor_project_id = first_project;
  }
  if (m.Has("serviceAccounts")) {
    c.service_accounts.clear();
    MPEMU_ASSIGN_OR_RETURN(auto list, m.MapList("serviceAccounts"));
    for (const YamlMap& sm : list) {
      ServiceAccount sa;
      sa.vendor_project_id = first_project;
      MPEMU_RETURN_IF_ERROR(sm.CheckKeys({"id", "email", "vendorProjectId", "keyId", "publicKey"}));
      MPEMU_RETURN_IF_ERROR(sm.String("id", &sa.id, true));
      MPEMU_RETURN_IF_ERROR(sm.String("email", &sa.email, true));
      MPEMU_RETURN_IF_ERROR(sm.String("vendorProjectId", &sa.vendor_project_id));
      MPEMU_RETURN_IF_ERROR(sm.String("keyId", &sa.key_id, true));
      MPEMU_RETURN_IF_ERROR(sm.String("publicKey", &sa.public_key_pem));
      c.service_accounts.push_back(sa);
    }
  } else {
    for (ServiceAccount& sa : c.service_accounts) sa.vendor_project_id = first_project;
  }
  Status valid = Validate(c);
  if (!valid.ok()) return InvalidArgumentError(m.Where() + ": stackit: " + valid.message());
  return c;
}

Status Validate(const Config& c) {
  auto known_project = [&](const std::string& id) {
    for (const auto& vp : c.vendor_projects) {
      if (vp.project_id == id) return true;
    }
    return false;
  };
  for (const auto& p : c.products) {
    if (!known_project(p.vendor_project_id)) {
      return InvalidArgumentError("product " + p.product_id + " names vendor project \"" +
                                  p.vendor_project_id + "\", which is not in vendorProjects");
    }
  }
  for (const auto& sa : c.service_accounts) {
    if (!known_project(sa.vendor_project_id)) {
      return InvalidArgumentError("service account " + sa.email + " names vendor project \"" +
                                  sa.vendor_project_id + "\", which is not in vendorProjects");
    }
  }
  if (c.issuer.empty()) return InvalidArgumentError("issuer must not be empty");
  if (c.redirect_token_ttl_s <= 0 || c.access_token_ttl_s <= 0 || c.refresh_token_ttl_s <= 0) {
    return InvalidArgumentError("token TTLs must be positive");
  }
  return Status::Ok();
}

nlohmann::json ToJson(const Config& c) {
  nlohmann::json j;
  j["vendorProjects"] = nlohmann::json::array();
  for (const auto& vp : c.vendor_projects) {
    j["vendorProjects"].push_back({{"projectId", vp.project_id}, {"bearerTokens", vp.bearer_tokens}});
  }
  j["products"] = nlohmann::json::array();
  for (const auto& p : c.products) {
    j["products"].push_back({{"productId", p.product_id},
                             {"vendorProjectId", p.vendor_project_id},
                             {"productName", p.product_name},
                             {"lifecycleState", p.lifecycle_state},
                             {"priceType", p.price_type},
                             {"planId", p.plan_id},
                             {"pendingTtl", FormatDurationMillis(p.pending_ttl_ms)}});
  }
  j["serviceAccounts"] = nlohmann::json::array();
  for (const auto& sa : c.service_accounts) {
    j["serviceAccounts"].push_back({{"id", sa.id},
                                    {"email", sa.email},
                                    {"vendorProjectId", sa.vendor_project_id},
                                    {"keyId", sa.key_id},
                                    {"keyGenerated", sa.public_key_pem.empty()}});
  }
  j["signupUrl"] = c.signup_url;
  j["loginUrl"] = c.login_url;
  j["redirectTokenTtlSeconds"] = c.redirect_token_ttl_s;
  j["accessTokenTtlSeconds"] = c.access_token_ttl_s;
  j["refreshTokenTtlSeconds"] = c.refresh_token_ttl_s;
  j["tokenAudiences"] = c.token_audiences;
  j["latestStates"] = c.latest_states;
  j["nullEndCursor"] = c.null_end_cursor;
  j["approveNonPendingStatus"] = c.approve_non_pending_status;
  j["rejectNonPreviewStatus"] = c.reject_non_preview_status;
  return j;
}

}  // namespace mpemu::stackit
