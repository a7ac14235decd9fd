#include "emulator/harness/report.h"

#include <pugixml.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <ostream>

namespace mpemu::harness {
namespace {

const char* Color(Outcome o) {
  switch (o) {
    case Outcome::kPassed: return "\033[32m";
    case Outcome::kFailed: return "\033[31m";
    case Outcome::kWarning: return "\033[33m";
    case Outcome::kError: return "\033[35m";
    case Outcome::kSkipped: return "\033[90m";
  }
  return "";
}

const char* Mark(Outcome o) {
  switch (o) {
    case Outcome::kPassed: return "PASS";
    case Outcome::kFailed: return "FAIL";
    case Outcome::kWarning: return "WARN";
    case Outcome::kError: return "ERROR";
    case Outcome::kSkipped: return "SKIP";
  }
  return "?";
}

std::string EvidenceLine(const nlohmann::json& e) {
  // Calls through the proxy or HTTPS name the host they were addressed to.
  const std::string via = e.value("via", "");
  const std::string where = via == "proxy" || via == "https" ? "[" + via + " " + e.value("host", "") + "] " : "";
  std::string line = "#" + std::to_string(e.value("seq", 0)) + " " + e.value("method", "") + " " + where +
                     e.value("path", "");
  if (!e.value("query", "").empty()) {
    std::string q = e.value("query", "");
    line += "?" + (q.size() > 60 ? q.substr(0, 57) + "..." : q);
  }
  line += " -> " + std::to_string(e.value("status", 0));
  if (!e.value("route", "").empty()) line += "  (" + e.value("route", "") + ")";
  if (!e.value("fault", "").empty()) line += "  [reply shaped by " + e.value("fault", "") + "]";
  const std::string body = e.value("body", "");
  if (!body.empty()) line += "  body: " + (body.size() > 120 ? body.substr(0, 117) + "..." : body);
  return line;
}

std::string FailureText(const ScenarioResult& r) {
  std::string text;
  if (r.failure) {
    const Failure& f = *r.failure;
    text += "at " + f.where.ToString() + ": " + f.step + "\n";
    text += "  expected: " + f.expected + "\n";
    text += "  seen:     " + f.seen + "\n";
    if (!f.evidence.empty()) {
      text += "  journal:\n";
      for (const auto& e : f.evidence) text += "    " + EvidenceLine(e) + "\n";
    }
  } else if (!r.error.empty()) {
    text += r.error + "\n";
  }
  return text;
}

}  // namespace

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPassed: return "passed";
    case Outcome::kFailed: return "failed";
    case Outcome::kWarning: return "warning";
    case Outcome::kError: return "error";
    case Outcome::kSkipped: return "skipped";
  }
  return "?";
}

int RunReport::Count(Outcome o) const {
  int n = 0;
  for (const auto& r : results) n += r.outcome == o;
  return n;
}

void PrintResult(std::ostream& out, const ScenarioResult& r, bool color, bool verbose) {
  const Scenario& s = *r.scenario;
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.0f ms", r.millis);
  out << (color ? Color(r.outcome) : "") << Mark(r.outcome) << (color ? "\033[0m" : "") << "  " << s.id << "  "
      << (color ? "\033[90m" : "") << s.title << " (" << ms << ")" << (color ? "\033[0m" : "") << "\n";
  if (r.outcome == Outcome::kFailed || r.outcome == Outcome::kWarning || r.outcome == Outcome::kError) {
    out << "      clause: " << s.clause << "\n";
    std::string text = FailureText(r);
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      out << "      " << text.substr(start, end - start) << "\n";
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  if (verbose) {
    for (const auto& l : r.log) out << "        . " << l << "\n";
  }
}

void PrintSummary(std::ostream& out, const RunReport& report, bool color, bool strict) {
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f s", report.millis / 1000.0);
  const int failed = report.Count(Outcome::kFailed);
  const int errors = report.Count(Outcome::kError);
  const int warnings = report.Count(Outcome::kWarning);
  const bool bad = failed > 0 || errors > 0 || (strict && warnings > 0);
  out << "\n" << (color ? (bad ? "\033[31m" : "\033[32m") : "") << report.Count(Outcome::kPassed) << " passed, "
      << failed << " failed, " << warnings << " warnings (should), " << errors << " errors, "
      << report.Count(Outcome::kSkipped) << " skipped" << (color ? "\033[0m" : "") << " in " << secs << " against "
      << report.profile << " at " << report.vendor_url << "\n";
  if (!report.vendor_log.empty()) out << "vendor log: " << report.vendor_log << "\n";
}

nlohmann::json ReportJson(const RunReport& report) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& r : report.results) {
    const Scenario& s = *r.scenario;
    nlohmann::json j = {{"id", s.id},
                        {"title", s.title},
                        {"marketplace", s.marketplace},
                        {"tags", s.tags},
                        {"clause", s.clause},
                        {"severity", s.severity},
                        {"file", s.where.ToString()},
                        {"outcome", OutcomeName(r.outcome)},
                        {"millis", r.millis},
                        {"log", r.log}};
    if (r.failure) j["failure"] = r.failure->ToJson();
    if (!r.error.empty()) j["error"] = r.error;
    results.push_back(std::move(j));
  }
  return {{"profile", report.profile},
          {"vendorUrl", report.vendor_url},
          {"emulatorUrl", report.emulator_url},
          {"vendorLog", report.vendor_log},
          {"millis", report.millis},
          {"summary",
           {{"passed", report.Count(Outcome::kPassed)},
            {"failed", report.Count(Outcome::kFailed)},
            {"warnings", report.Count(Outcome::kWarning)},
            {"errors", report.Count(Outcome::kError)},
            {"skipped", report.Count(Outcome::kSkipped)}}},
          {"results", results}};
}

Status WriteJsonReport(const std::string& path, const RunReport& report) {
  std::ofstream out(path);
  if (!out) return UnavailableError("cannot write " + path);
  out << ReportJson(report).dump(2) << "\n";
  return out ? Status::Ok() : UnavailableError("cannot write " + path);
}

Status WriteJunitReport(const std::string& path, const RunReport& report) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto suites = doc.append_child("testsuites");
  suites.append_attribute("name") = ("mpemu conformance: " + report.profile).c_str();
  suites.append_attribute("tests") = static_cast<int>(report.results.size());
  suites.append_attribute("failures") = report.Count(Outcome::kFailed);
  suites.append_attribute("errors") = report.Count(Outcome::kError);
  suites.append_attribute("time") = report.millis / 1000.0;
  std::map<std::string, pugi::xml_node> by_marketplace;
  for (const auto& r : report.results) {
    const Scenario& s = *r.scenario;
    auto& suite = by_marketplace[s.marketplace];
    if (!suite) {
      suite = suites.append_child("testsuite");
      suite.append_attribute("name") = s.marketplace.c_str();
      int tests = 0, failures = 0, errors = 0, skipped = 0;
      double time = 0;
      for (const auto& o : report.results) {
        if (o.scenario->marketplace != s.marketplace) continue;
        ++tests;
        failures += o.outcome == Outcome::kFailed;
        errors += o.outcome == Outcome::kError;
        skipped += o.outcome == Outcome::kSkipped;
        time += o.millis;
      }
      suite.append_attribute("tests") = tests;
      suite.append_attribute("failures") = failures;
      suite.append_attribute("errors") = errors;
      suite.append_attribute("skipped") = skipped;
      suite.append_attribute("time") = time / 1000.0;
    }
    auto tc = suite.append_child("testcase");
    tc.append_attribute("classname") = (s.marketplace + "." + s.base_id).c_str();
    tc.append_attribute("name") = (s.id + ": " + s.title).c_str();
    tc.append_attribute("file") = s.where.file.c_str();
    tc.append_attribute("line") = s.where.line;
    tc.append_attribute("time") = r.millis / 1000.0;
    const std::string text = "clause: " + s.clause + "\n" + FailureText(r);
    if (r.outcome == Outcome::kFailed) {
      auto f = tc.append_child("failure");
      f.append_attribute("message") = r.failure ? ("expected " + r.failure->expected + ", saw " + r.failure->seen).c_str()
                                                : r.error.c_str();
      f.append_attribute("type") = s.severity.c_str();
      f.append_child(pugi::node_pcdata).set_value(text.c_str());
    } else if (r.outcome == Outcome::kError) {
      auto e = tc.append_child("error");
      e.append_attribute("message") = r.error.c_str();
      e.append_child(pugi::node_pcdata).set_value(text.c_str());
    } else if (r.outcome == Outcome::kSkipped) {
      tc.append_child("skipped").append_attribute("message") = r.error.c_str();
    } else if (r.outcome == Outcome::kWarning) {
      tc.append_child("system-err").append_child(pugi::node_pcdata).set_value(("WARNING (should): " + text).c_str());
    }
    std::string log;
    for (const auto& l : r.log) log += l + "\n";
    if (!log.empty()) tc.append_child("system-out").append_child(pugi::node_pcdata).set_value(log.c_str());
  }
  if (!doc.save_file(path.c_str(), "  ")) return UnavailableError("cannot write " + path);
  return Status::Ok();
}

}  // namespace mpemu::harness
