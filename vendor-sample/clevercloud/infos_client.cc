#include "vendor-sample/clevercloud/infos_client.h"

#include "vendor-sample/crypto/base64url.h"
#include "vendor-sample/crypto/strict_json.h"
#include "vendor-sample/net/url.h"

namespace vendor_sample::clevercloud {
namespace {

std::string StringField(const nlohmann::json& j, const char* name) {
  const auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

InfosClient::InfosClient(net::HttpSender* http, std::string api_url, const std::string& user,
                         const std::string& password)
    : http_(http),
      api_url_(std::move(api_url)),
      authorization_("Basic " + crypto::Base64Encode(user + ":" + password)) {}

StatusOr<AddonInfo> InfosClient::GetAddon(const std::string& addon_id) const {
  net::HttpRequest request;
  request.method = "GET";
  request.url = api_url_ + "/vendor/apps/" + net::PercentEncode(addon_id);
  request.headers = {{"Authorization", authorization_}, {"Accept", "application/json"}};
  request.max_response_bytes = size_t{256} * 1024;
  VS_ASSIGN_OR_RETURN(net::HttpResponse response, http_->Send(request));
  if (response.status != 200) {
    return UnavailableError("the add-on infos API answered HTTP " +
                            std::to_string(response.status));
  }
  StatusOr<nlohmann::json> body = crypto::ParseStrictJson(response.body, 16);
  if (!body.ok() || !body->is_object()) {
    return InvalidArgumentError("the add-on infos API did not answer a JSON object");
  }
  AddonInfo info;
  info.id = StringField(*body, "id");
  if (info.id != addon_id) {
    return InvalidArgumentError("the add-on infos API answered for another add-on");
  }
  info.name = StringField(*body, "name");
  info.owner_id = StringField(*body, "owner_id");
  info.owner_name = StringField(*body, "owner_name");
  info.owner_email = StringField(*body, "owner_email");
  info.region = StringField(*body, "region");
  if (const auto emails = body->find("owner_emails"); emails != body->end() && emails->is_array()) {
    for (const nlohmann::json& e : *emails) {
      if (e.is_string()) info.owner_emails.push_back(e.get<std::string>());
    }
  }
  return info;
}

}  // namespace vendor_sample::clevercloud
