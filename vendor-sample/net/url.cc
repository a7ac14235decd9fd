#include "vendor-sample/net/url.h"

namespace vendor_sample::net {

StatusOr<SplitUrlResult> SplitUrl(const std::string& url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return InvalidArgumentError("not an absolute URL: " + url);
  const std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    return InvalidArgumentError("not an http(s) URL: " + url);
  }
  const size_t authority_start = scheme_end + 3;
  const size_t path_start = url.find_first_of("/?#", authority_start);
  const std::string authority =
      url.substr(authority_start, path_start == std::string::npos ? std::string::npos
                                                                  : path_start - authority_start);
  if (authority.empty() || authority.find('@') != std::string::npos) {
    return InvalidArgumentError("URL has no host or has userinfo: " + url);
  }
  SplitUrlResult out;
  out.origin = scheme + "://" + authority;
  out.target = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (out.target.find('#') != std::string::npos) {
    return InvalidArgumentError("URL has a fragment: " + url);
  }
  if (out.target[0] == '?') out.target = "/" + out.target;
  return out;
}

std::string PercentEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += PercentEncode(name) + "=" + PercentEncode(value);
  }
  return out;
}

}  // namespace vendor_sample::net
