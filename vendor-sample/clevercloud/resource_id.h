// The shape of a resource id wherever one arrives (a path, an SSO form): 1-64 of A-Z a-z 0-9 _ -.
// vendor-sample's own ids are "vs-" + 16 hex digits. Anything else (dots, slashes, ':', escapes)
// is refused before any lookup.
#ifndef VENDOR_SAMPLE_CLEVERCLOUD_RESOURCE_ID_H_
#define VENDOR_SAMPLE_CLEVERCLOUD_RESOURCE_ID_H_

#include <string>

namespace vendor_sample::clevercloud {

inline bool IsResourceId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-')) {
      return false;
    }
  }
  return true;
}

}  // namespace vendor_sample::clevercloud

#endif  // VENDOR_SAMPLE_CLEVERCLOUD_RESOURCE_ID_H_
