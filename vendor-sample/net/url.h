// URL and form helpers for outbound requests.
#ifndef VENDOR_SAMPLE_NET_URL_H_
#define VENDOR_SAMPLE_NET_URL_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vendor-sample/base/status.h"

namespace vendor_sample::net {

struct SplitUrlResult {
  std::string origin;  // "http://host:port"
  std::string target;  // "/path?query", at least "/"
};

// Splits an absolute http(s) URL; InvalidArgument for anything else (no userinfo, no fragment).
StatusOr<SplitUrlResult> SplitUrl(const std::string& url);

// Percent-encodes everything but RFC 3986 unreserved characters: safe for one path segment or one
// query/form value.
std::string PercentEncode(std::string_view text);

// application/x-www-form-urlencoded body from name/value pairs.
std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace vendor_sample::net

#endif  // VENDOR_SAMPLE_NET_URL_H_
