// The customer's browser, as far as a conformance run needs one: GET and form POST with a cookie
// jar, redirects followed, HTML forms parsed (gumbo). One per scenario, so scenarios share no
// cookies.
#ifndef MPEMU_EMULATOR_HARNESS_BROWSER_H_
#define MPEMU_EMULATOR_HARNESS_BROWSER_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/status.h"
#include "emulator/http/client.h"

namespace mpemu::harness {

struct Form {
  std::string action;  // absolute URL
  std::string method = "GET";
  std::string id;
  std::vector<std::pair<std::string, std::string>> fields;  // named inputs in document order
};

// Every <form> of an HTML document; relative actions are resolved against `page_url`.
std::vector<Form> ParseForms(const std::string& html, const std::string& page_url);
// The text of <title>, or "".
std::string HtmlTitle(const std::string& html);
// Resolves `ref` (absolute, absolute-path or relative) against `base`.
std::string ResolveUrl(const std::string& base, const std::string& ref);

struct Page {
  std::string url;    // the final URL, after redirects
  int status = 0;
  http::Headers headers;
  std::string body;
  std::vector<std::string> redirects;  // the URLs that redirected, in order
  std::vector<Form> forms;

  // {url, status, headers, body, title, redirects, forms}: what a step captures.
  nlohmann::json ToJson() const;
};

class Browser {
 public:
  explicit Browser(int timeout_ms = 10000) : timeout_ms_(timeout_ms) {}

  // Requests for these hosts go to the given origin instead, with the Host header naming the host
  // (the emulator serves its production hostnames that way). Replaces earlier routes.
  void RouteHosts(std::map<std::string, std::string> host_to_origin) { routes_ = std::move(host_to_origin); }

  StatusOr<Page> Get(const std::string& url, bool follow_redirects = true);
  StatusOr<Page> Request(const std::string& method, const std::string& url, const http::Headers& headers,
                         const std::string& body, const std::string& content_type,
                         bool follow_redirects = true);
  // Submits `form` with its own fields, then `overrides` replacing same-named ones or added.
  StatusOr<Page> Submit(const Form& form, const std::map<std::string, std::string>& overrides);

  // "name=value; ..." for a URL's host.
  std::string CookieHeader(const std::string& url) const;
  // {name: value} of the cookies held for a URL's host.
  nlohmann::json Cookies(const std::string& url) const;
  // Puts a cookie in the jar as if the URL's host had set it (session fixation tests).
  void SetCookie(const std::string& url, const std::string& name, const std::string& value);

 private:
  StatusOr<http::Response> Send(const std::string& method, const std::string& url,
                                const http::Headers& headers, const std::string& body,
                                const std::string& content_type);
  void StoreCookies(const std::string& url, const http::Headers& headers);

  int timeout_ms_;
  std::map<std::string, std::string> routes_;                             // host -> origin
  std::map<std::string, std::unique_ptr<http::Client>> clients_;          // by origin
  std::map<std::string, std::map<std::string, std::string>> cookies_;     // host -> name -> value
};

}  // namespace mpemu::harness

#endif  // MPEMU_EMULATOR_HARNESS_BROWSER_H_
