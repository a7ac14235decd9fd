// A client of Clever Cloud's add-on infos API, which tells a provider who owns an add-on:
//
//   GET {CLEVERCLOUD_API_URL}/vendor/apps/{addonId}   Basic <manifest id>:<manifest password>
//   -> {"id", "name", "config", "callback_url", "owner_id", "owner_name", "owner_email",
//       "owner_emails", "region", "domains"}
#ifndef VENDOR_SAMPLE_CLEVERCLOUD_INFOS_CLIENT_H_
#define VENDOR_SAMPLE_CLEVERCLOUD_INFOS_CLIENT_H_

#include <string>
#include <vector>

#include "vendor-sample/base/status.h"
#include "vendor-sample/net/http_client.h"

namespace vendor_sample::clevercloud {

// The fields vendor-sample shows; "" (or empty) where the answer lacks them or has another type.
struct AddonInfo {
  std::string id;
  std::string name;
  std::string owner_id;
  std::string owner_name;
  std::string owner_email;
  std::vector<std::string> owner_emails;
  std::string region;
};

class InfosClient {
 public:
  // `api_url` is CLEVERCLOUD_API_URL without a trailing '/'; `user` and `password` are the
  // manifest's id and api.password. `http` must outlive this.
  InfosClient(net::HttpSender* http, std::string api_url, const std::string& user,
              const std::string& password);

  // GET {api_url}/vendor/apps/{addon_id}, with addon_id percent-encoded as one path segment. The
  // URL is always built from CLEVERCLOUD_API_URL and the addon_id: a provision's callback_url is
  // never fetched, because its host is whatever the request said and these credentials must go
  // to Clever Cloud only. Errors: the HttpSender's transport errors; Unavailable for a status
  // other than 200; InvalidArgument for a body that is not a JSON object or whose "id" is not
  // addon_id.
  StatusOr<AddonInfo> GetAddon(const std::string& addon_id) const;

 private:
  net::HttpSender* const http_;
  const std::string api_url_;
  const std::string authorization_;
};

}  // namespace vendor_sample::clevercloud

#endif  // VENDOR_SAMPLE_CLEVERCLOUD_INFOS_CLIENT_H_
