// Transport-neutral HTTP messages. Handlers see only these; httplib stays in server.cc/client.cc.
#ifndef MPEMU_EMULATOR_HTTP_MESSAGE_H_
#define MPEMU_EMULATOR_HTTP_MESSAGE_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace mpemu::http {

struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};

using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;
using Params = std::multimap<std::string, std::string>;

struct Request {
  std::string method;  // upper case
  std::string path;    // decoded path, no query
  std::string query;   // raw query string, without '?'
  Params params;       // decoded query parameters (and form fields when parsed)
  Headers headers;
  std::string body;
  std::string remote_addr;
  // The host the request was addressed to: the authority of an absolute-form target, else the
  // Host header; lower case, without port. Decides the virtual host (see Pipeline::AddVirtualHost).
  std::string host;
  // How it arrived: "http", "https" (serve --tls) or "proxy" (through --proxy-port). Journaled.
  std::string via = "http";
  // Set by the proxy's backends: a host the emulator does not emulate is refused, never served.
  bool require_virtual_host = false;
  std::vector<std::string> path_params;  // regex captures of the matched route, in order
  // Facts established by pipeline stages for the handler, e.g. "auth.project" after bearer auth.
  std::map<std::string, std::string> context;

  // The first value of a header, or "" when absent.
  std::string Header(const std::string& name) const;
  bool HasHeader(const std::string& name) const { return headers.count(name) > 0; }
  // The first value of a query parameter.
  std::optional<std::string> Param(const std::string& name) const;
  size_t ParamCount(const std::string& name) const { return params.count(name); }
  std::string Context(const std::string& key) const;
};

struct Reply {
  int status = 200;
  Headers headers;
  std::string body;
  std::string content_type;  // empty for no body

  static Reply Json(int status, const nlohmann::json& body);
  static Reply Text(int status, std::string body);
  static Reply Html(int status, std::string body);
  static Reply NoContent();  // 204
  Reply& WithHeader(const std::string& name, const std::string& value) {
    headers.emplace(name, value);
    return *this;
  }
};

// The standard reason phrase ("Not Found"), or "Unknown".
const char* ReasonPhrase(int status);

// Decodes application/x-www-form-urlencoded text ("a=1&b=x%20y").
Params ParseFormUrlEncoded(const std::string& text);
std::string UrlEncode(const std::string& text);
// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string HtmlEscape(const std::string& text);
std::string UrlDecode(const std::string& text, bool plus_as_space = true);

}  // namespace mpemu::http

#endif  // MPEMU_EMULATOR_HTTP_MESSAGE_H_
