// Scenario steps: the vocabulary of the conformance harness.
//
// Each step type is one class and one StepSpec line in steps/registry.cc. The spec declares the
// step's fields; the loader checks a scenario's YAML against it (unknown field, missing field,
// wrong type, bad choice: an error at file:line:col), `mpemu schema` turns the same table into
// the JSON Schema editors use, and the factory builds the step from the checked parameters.
//
// Field values may contain `{{ ... }}` templates (template.h); they are expanded when the step
// runs, against the values earlier steps captured (`as: name`).
#ifndef MPEMU_EMULATOR_HARNESS_STEP_H_
#define MPEMU_EMULATOR_HARNESS_STEP_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/status.h"

namespace mpemu::harness {

class RunContext;

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;
  std::string ToString() const;  // "file:line:col"
};

enum class FieldType {
  kString,
  kInt,
  kBool,
  kDuration,  // "250ms", "61m", or a number of seconds
  kStatus,    // 200, "4xx", or a list of either
  kObject,    // any mapping
  kList,      // any sequence
  kAny,
  kSteps,     // a list of steps, parsed by the loader into StepArgs::children
};

struct FieldSpec {
  std::string name;
  FieldType type = FieldType::kString;
  bool required = false;
  std::string help;
  std::vector<std::string> choices;  // allowed values of a string field
};

// A step's parameters, checked against its spec, with where each came from.
struct StepArgs {
  std::string step;             // the step type
  SourceLocation where;         // of the step
  nlohmann::json params;        // field name -> value (templates unexpanded)
  nlohmann::json locations;     // field name -> "file:line:col"
  std::vector<std::shared_ptr<const class Step>> children;  // the kSteps field's steps
};

class Step {
 public:
  explicit Step(StepArgs args) : args_(std::move(args)) {}
  virtual ~Step() = default;
  Step(const Step&) = delete;
  Step& operator=(const Step&) = delete;

  // Performs the step. An expectation that does not hold records a Failure in the context and
  // returns its status; any other error means the scenario could not be carried out.
  virtual Status Run(RunContext& ctx) const = 0;

  const std::string& type() const { return args_.step; }
  const SourceLocation& where() const { return args_.where; }
  const nlohmann::json& params() const { return args_.params; }
  const nlohmann::json& args_locations() const { return args_.locations; }
  // "subscribe {product: ..., as: sub}" for logs and reports.
  std::string Describe() const;

 protected:
  const StepArgs args_;
};

struct StepSpec {
  std::string name;
  std::string family;   // "customer", "emulator", "vendor", "expect", "flow"
  std::string summary;  // one line, shown by `mpemu steps` and in the schema
  std::vector<FieldSpec> fields;
  // A scalar written in place of the mapping fills this field (`- advance_clock: 61m`).
  std::string shorthand;
  std::function<StatusOr<std::unique_ptr<Step>>(StepArgs)> make;
};

// Every step type, in registry order.
const std::vector<StepSpec>& StepRegistry();
const StepSpec* FindStep(const std::string& name);

}  // namespace mpemu::harness

#endif  // MPEMU_EMULATOR_HARNESS_STEP_H_
