// Where Pandium tenant tokens may be sent: the configured In-App Marketplace entry URL and nowhere
// else (security catalogue B-12). Checked once, at configuration time; the SSO endpoint then
// builds its redirect from this alone, never from anything in the request.
#ifndef VENDOR_SAMPLE_PANDIUM_ENTRY_H_
#define VENDOR_SAMPLE_PANDIUM_ENTRY_H_

#include <string>
#include <vector>

#include "vendor-sample/base/status.h"

namespace vendor_sample::pandium {

// Pandium's production In-App Marketplace; the entry of account A is kDefaultEntryBase + A.
inline constexpr char kDefaultEntryBase[] = "https://imp.pandium.io/";

struct Entry {
  std::string url;        // exactly as configured; the token is appended as "?tenant=<jwt>"
  std::string scheme;     // "https", or "http" for a loopback host
  std::string host;       // lower case; an IPv6 address keeps its brackets
  std::string authority;  // host[:port], lower case
  std::string origin;     // scheme://authority (CSP frame-src of the embedding page)
};

// True for a Pandium account name: 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit.
bool IsAccountName(const std::string& name);

// Checks an entry URL: http(s) with a host of [A-Za-z0-9.-] or a bracketed IPv6 address, an
// optional port, no user info, and a path of printable ASCII without '?', '#', '\' or "." and
// ".." segments (the token becomes the query). https is required unless the host is loopback
// (localhost, 127.0.0.0/8, [::1]): a test emulator. InvalidArgument says what is wrong.
StatusOr<Entry> ParseEntryUrl(const std::string& url);

// Parses PANDIUM_ALLOWED_HOSTS: comma-separated "host" or "host:port" items (blanks around them
// ignored, lower-cased). InvalidArgument for an empty list or an item that is not a host.
StatusOr<std::vector<std::string>> ParseAllowedHosts(const std::string& csv);

// True when an item of `allowed` is the entry's host (any port) or its exact authority.
bool HostAllowed(const Entry& entry, const std::vector<std::string>& allowed);

}  // namespace vendor_sample::pandium

#endif  // VENDOR_SAMPLE_PANDIUM_ENTRY_H_
