#include "vendor-sample/pandium/entry.h"

#include <cctype>
#include <cstdlib>

namespace vendor_sample::pandium {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsDigits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "host" or "host:port", lower case. Splits into host and port ("" when absent); false when it
// is neither a DNS-style name, an IPv4 address nor a bracketed IPv6 address, or the port is bad.
bool SplitAuthority(const std::string& authority, std::string* host, std::string* port) {
  size_t host_end;
  if (!authority.empty() && authority[0] == '[') {
    host_end = authority.find(']');
    if (host_end == std::string::npos || host_end < 2) return false;
    for (size_t i = 1; i < host_end; ++i) {
      const char c = authority[i];
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
    }
    ++host_end;
  } else {
    host_end = authority.find(':');
    if (host_end == std::string::npos) host_end = authority.size();
    if (host_end == 0 || host_end > 253) return false;
    for (size_t i = 0; i < host_end; ++i) {
      const char c = authority[i];
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
        return false;
      }
    }
    if (authority[0] == '.' || authority[0] == '-') return false;
  }
  *host = authority.substr(0, host_end);
  *port = "";
  if (host_end == authority.size()) return true;
  if (authority[host_end] != ':') return false;
  *port = authority.substr(host_end + 1);
  if (!IsDigits(*port) || port->size() > 5) return false;
  const long value = std::strtol(port->c_str(), nullptr, 10);
  return value >= 1 && value <= 65535;
}

bool IsLoopback(const std::string& host) {
  if (host == "localhost" || host == "[::1]") return true;
  // 127.0.0.0/8 written as a dotted quad.
  if (host.rfind("127.", 0) != 0) return false;
  int parts = 0;
  size_t start = 0;
  for (;;) {
    const size_t dot = host.find('.', start);
    const std::string part = host.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!IsDigits(part) || part.size() > 3 || std::atoi(part.c_str()) > 255) return false;
    ++parts;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

}  // namespace

bool IsAccountName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
  }
  return true;
}

StatusOr<Entry> ParseEntryUrl(const std::string& url) {
  Entry entry;
  entry.url = url;
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return InvalidArgumentError("not an absolute URL");
  entry.scheme = url.substr(0, scheme_end);
  if (entry.scheme != "https" && entry.scheme != "http") {
    return InvalidArgumentError("not an https:// URL");
  }
  const size_t authority_start = scheme_end + 3;
  const size_t path_start = url.find('/', authority_start);
  entry.authority = Lower(url.substr(authority_start, path_start == std::string::npos
                                                          ? std::string::npos
                                                          : path_start - authority_start));
  std::string port;
  if (entry.authority.find('@') != std::string::npos) {
    return InvalidArgumentError("the URL must not carry user info");
  }
  if (!SplitAuthority(entry.authority, &entry.host, &port)) {
    return InvalidArgumentError("\"" + entry.authority + "\" is not a host[:port]");
  }
  const std::string path = path_start == std::string::npos ? "" : url.substr(path_start);
  for (unsigned char c : path) {
    if (c <= 0x20 || c >= 0x7F || c == '?' || c == '#' || c == '\\') {
      return InvalidArgumentError(
          "the path must be printable ASCII without '?', '#' or '\\' (the token becomes the "
          "query)");
    }
  }
  for (size_t start = 1; start <= path.size();) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    const std::string segment = path.substr(start, slash - start);
    if (segment == "." || segment == "..") {
      return InvalidArgumentError("the path must not hold \".\" or \"..\" segments");
    }
    start = slash + 1;
  }
  if (entry.scheme == "http" && !IsLoopback(entry.host)) {
    return InvalidArgumentError(
        "tokens travel over https only (http is allowed for a loopback test host)");
  }
  entry.origin = entry.scheme + "://" + entry.authority;
  return entry;
}

StatusOr<std::vector<std::string>> ParseAllowedHosts(const std::string& csv) {
  std::vector<std::string> hosts;
  size_t start = 0;
  while (start <= csv.size()) {
    size_t comma = csv.find(',', start);
    if (comma == std::string::npos) comma = csv.size();
    std::string item = csv.substr(start, comma - start);
    start = comma + 1;
    const size_t begin = item.find_first_not_of(" \t");
    if (begin == std::string::npos) continue;
    item = Lower(item.substr(begin, item.find_last_not_of(" \t") - begin + 1));
    std::string host, port;
    if (!SplitAuthority(item, &host, &port)) {
      return InvalidArgumentError("\"" + item + "\" is not a host or host:port");
    }
    hosts.push_back(item);
  }
  if (hosts.empty()) return InvalidArgumentError("lists no host");
  return hosts;
}

bool HostAllowed(const Entry& entry, const std::vector<std::string>& allowed) {
  for (const std::string& item : allowed) {
    if (item == entry.host || item == entry.authority) return true;
  }
  return false;
}

}  // namespace vendor_sample::pandium
