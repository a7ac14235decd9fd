// Reports of a conformance run: the console, JUnit XML (what CI systems display) and JSON.
#ifndef MPEMU_EMULATOR_HARNESS_REPORT_H_
#define MPEMU_EMULATOR_HARNESS_REPORT_H_

#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/harness/runner.h"

namespace mpemu::harness {

// One scenario's outcome as the console shows it (with the failure's evidence when it failed).
void PrintResult(std::ostream& out, const ScenarioResult& result, bool color, bool verbose);
void PrintSummary(std::ostream& out, const RunReport& report, bool color, bool strict);

nlohmann::json ReportJson(const RunReport& report);
Status WriteJsonReport(const std::string& path, const RunReport& report);
Status WriteJunitReport(const std::string& path, const RunReport& report);

}  // namespace mpemu::harness

#endif  // MPEMU_EMULATOR_HARNESS_REPORT_H_
