#include "vendor-sample/web/http_types.h"

namespace vendor_sample::web {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
               HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::string Request::Single(const Params& params, const std::string& name) {
  if (params.count(name) != 1) return "";
  return params.find(name)->second;
}

std::vector<std::string> Request::HeaderValues(const std::string& lower_case_name) const {
  std::vector<std::string> out;
  auto [begin, end] = headers.equal_range(lower_case_name);
  for (auto it = begin; it != end; ++it) out.push_back(it->second);
  return out;
}

Reply Reply::Html(int status, std::string body) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Reply Reply::Json(int status, const nlohmann::json& body) {
  Reply r;
  r.status = status;
  r.content_type = "application/json";
  r.body = body.dump();
  return r;
}

Reply Reply::SeeOther(const std::string& location) {
  Reply r;
  r.status = 303;
  r.headers.emplace_back("Location", location);
  return r;
}

Reply& Reply::WithHeader(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

Params ParseUrlEncoded(const std::string& text) {
  Params out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t amp = text.find('&', start);
    if (amp == std::string::npos) amp = text.size();
    const std::string pair = text.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    if (eq == std::string::npos) {
      out.emplace(Decode(pair), "");
    } else {
      out.emplace(Decode(pair.substr(0, eq)), Decode(pair.substr(eq + 1)));
    }
  }
  return out;
}

std::map<std::string, std::string> ParseCookies(const std::string& header) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < header.size()) {
    size_t semi = header.find(';', start);
    if (semi == std::string::npos) semi = header.size();
    std::string pair = header.substr(start, semi - start);
    start = semi + 1;
    const size_t first = pair.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    pair = pair.substr(first);
    const size_t eq = pair.find('=');
    if (eq == std::string::npos) continue;
    out.emplace(pair.substr(0, eq), pair.substr(eq + 1));  // the first of repeated names wins
  }
  return out;
}

}  // namespace vendor_sample::web
