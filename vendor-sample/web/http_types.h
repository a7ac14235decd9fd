// The plain request and reply that handlers see. Only web/server.cc knows about httplib.
#ifndef VENDOR_SAMPLE_WEB_HTTP_TYPES_H_
#define VENDOR_SAMPLE_WEB_HTTP_TYPES_H_

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace vendor_sample::web {

using Params = std::multimap<std::string, std::string>;

struct Request {
  std::string method;
  std::string path;
  Params query;  // decoded query parameters, repeats kept
  Params form;   // decoded application/x-www-form-urlencoded body, repeats kept
  std::map<std::string, std::string> cookies;
  std::vector<std::string> path_params;  // regex groups of the route

  std::multimap<std::string, std::string> headers;  // names in lower case, repeats kept
  std::string body;                                 // raw, as received

  // Every value of header `lower_case_name`, in the order received.
  std::vector<std::string> HeaderValues(const std::string& lower_case_name) const;

  // The only value of a parameter; empty when it is absent or repeated.
  static std::string Single(const Params& params, const std::string& name);
};

struct Reply {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Reply Html(int status, std::string body);
  static Reply Json(int status, const nlohmann::json& body);
  static Reply SeeOther(const std::string& location);  // 303
  Reply& WithHeader(std::string name, std::string value);
};

using Handler = std::function<Reply(const Request&)>;

struct Route {
  std::string method;   // GET, POST, PUT or DELETE
  std::string pattern;  // a regex over the path, anchored
  Handler handler;
};

// Decodes "a=1&b=%20x+y"; '+' is a space; malformed escapes are kept literally.
Params ParseUrlEncoded(const std::string& text);
std::map<std::string, std::string> ParseCookies(const std::string& header);

}  // namespace vendor_sample::web

#endif  // VENDOR_SAMPLE_WEB_HTTP_TYPES_H_
