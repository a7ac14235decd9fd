// Planted bugs: switches that make vendor-sample wrong in one small, named way, so the conformance
// harness can prove it detects each mistake. Enabled with VENDOR_BUGS=name,name. Each bug is one
// `if (bugs.has("name"))` at the place it breaks; grep for the name to find it.
#ifndef VENDOR_SAMPLE_BASE_BUGS_H_
#define VENDOR_SAMPLE_BASE_BUGS_H_

#include <set>
#include <string>
#include <vector>

#include "vendor-sample/base/status.h"

namespace vendor_sample {

struct BugInfo {
  const char* name;
  const char* effect;
};

class Bugs {
 public:
  Bugs() = default;  // none enabled

  // Every bug that exists, in a stable order.
  static const std::vector<BugInfo>& Catalog();

  // Parses a comma-separated list ("" enables none). Blanks around names are ignored; an unknown
  // name is InvalidArgument naming it and listing the known ones.
  static StatusOr<Bugs> Parse(const std::string& csv);

  // True when `name` is enabled. Aborts on a name missing from Catalog() (a typo in our code).
  bool has(const std::string& name) const;

  bool empty() const { return enabled_.empty(); }
  std::vector<std::string> Enabled() const { return {enabled_.begin(), enabled_.end()}; }

 private:
  std::set<std::string> enabled_;
};

}  // namespace vendor_sample

#endif  // VENDOR_SAMPLE_BASE_BUGS_H_
