// Values captured during a scenario run, and the `{{ name.path }}` templates that refer to them.
//
// A template is `{{ expr }}` where expr is a dotted path into the variables: `sub.token`,
// `stackit.projectId`, `page.forms.0.action`. A string that is exactly one template expands to the
// referenced JSON value (keeping its type); inside longer text, strings are inserted raw and other
// values as compact JSON. An unknown name is an error that lists the names that do exist.
#ifndef MPEMU_EMULATOR_HARNESS_TEMPLATE_H_
#define MPEMU_EMULATOR_HARNESS_TEMPLATE_H_

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/status.h"

namespace mpemu::harness {

class Vars {
 public:
  void Set(const std::string& name, nlohmann::json value) { root_[name] = std::move(value); }
  bool Has(const std::string& name) const { return root_.contains(name); }
  const nlohmann::json& root() const { return root_; }

  // The value at `path`. Values under "variant" are scenario data that may hold templates
  // themselves ({{ sub.token }} in a variant's mutation list); they are expanded where used.
  StatusOr<nlohmann::json> Lookup(std::string_view path) const;
  StatusOr<std::string> Expand(const std::string& text) const;
  // Expands every string inside `value` (object keys are left alone).
  StatusOr<nlohmann::json> ExpandJson(const nlohmann::json& value) const;

 private:
  StatusOr<nlohmann::json> Resolve(std::string_view path, int depth) const;
  StatusOr<std::string> ExpandText(const std::string& text, int depth) const;
  StatusOr<nlohmann::json> ExpandValue(const nlohmann::json& value, int depth) const;

  nlohmann::json root_ = nlohmann::json::object();
};

// True when `text` contains a template.
bool HasTemplate(std::string_view text);
// Checks the syntax of every template in `text` and appends the first path component of each
// (the variable name) to `names`.
Status CheckTemplates(std::string_view text, std::vector<std::string>* names);

}  // namespace mpemu::harness

#endif  // MPEMU_EMULATOR_HARNESS_TEMPLATE_H_
