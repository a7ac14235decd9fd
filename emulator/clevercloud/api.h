// The emulated Clever Cloud HTTP surface the vendor calls: the add-on infos API under /v2/vendor/
// (what a provisioning call's callback_url points at), with Clever's error schema; plus the
// marketplace's /_emulator/clevercloud/ control routes (control_api.cc).
//
// Infos API (HTTP Basic: manifest id and password; 401 otherwise):
//   GET /v2/vendor/apps[?offset=N]  -> [{provider_id, addon_id, heroku_id, callback_url, plan,
//   owner_id}] GET /v2/vendor/apps/{addonId}   -> {id, name, config, callback_url, owner_email,
//   owner_id,
//                                       owner_name, owner_emails, region, domains}
//   PUT /v2/vendor/apps/{addonId}   {"config": {...}} -> the same view, config updated
// An add-on whose provisioning call is still in flight is a 404 whose message says the API is not
// available during provisioning; unknown, failed and deprovisioned add-ons are plain 404s.
#ifndef MPEMU_EMULATOR_CLEVERCLOUD_API_H_
#define MPEMU_EMULATOR_CLEVERCLOUD_API_H_

#include <nlohmann/json.hpp>

#include "emulator/clevercloud/service.h"
#include "emulator/http/pipeline.h"

namespace mpemu::clevercloud {

inline constexpr char kApiService[] = "clevercloud.api";

// Clever's error body: {"id": <the HTTP status>, "message": "...", "type": "error"}, with
// WWW-Authenticate on 401.
http::Reply ErrorReply(const Status& status, int http_status);

// The infos API's views of an add-on.
nlohmann::json AppView(const Service& service, const Addon& addon);
nlohmann::json AppListItem(const Service& service, const Addon& addon);

void RegisterApiRoutes(Service* service, http::Pipeline& pipeline);

// /_emulator/clevercloud/...:
//   POST   addons                {plan, region, options, legacyFields, addonId, name, call}
//                                -> 201 {addonId, replay, addon, stored, reply} (200 when the
//                                vendor
//                                   did not provision it, or on a replay)
//   GET    addons                -> {items: [addon...]}
//   GET    addons/{id}           -> addon
//   DELETE addons/{id}           {call}? -> {reply, addon}
//   POST   addons/{id}/plan      {plan, call} -> {reply, addon}
//   POST   addons/{id}/sso       SSO overrides (below) -> {form, reply}: the emulator posts it
//   GET    addons/{id}/sso       -> {url, fields, body, curl}; ?format=html: an auto-submitting
//   form GET    manifest              -> {manifest, configVarPrefix, baseUrl, ssoUrl, production,
//   findings} POST   manifest/check[?production=true]  a manifest -> {ok, errors, warnings,
//   findings}
// `call` (CallOptions): {authorization: string|null, extraAuthorization: [..], body, contentType,
// merge: {...}, pathSuffix}. SSO overrides: {fields: {name: string|null}, resign,
// timestampOffsetMs, timestampUnit, salt, legacyToken, signature}.
void RegisterControlRoutes(Service* service, http::Pipeline& pipeline);

}  // namespace mpemu::clevercloud

#endif  // MPEMU_EMULATOR_CLEVERCLOUD_API_H_
