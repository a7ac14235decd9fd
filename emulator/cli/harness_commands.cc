// `mpemu run`, `mpemu lint`, `mpemu schema` and `mpemu steps`: the conformance harness.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "emulator/cli/commands.h"
#include "emulator/harness/runner.h"
#include "emulator/harness/scenario.h"
#include "emulator/harness/token_mutations.h"

namespace mpemu::cli {
namespace {

namespace fs = std::filesystem;

bool IsProfileFile(const fs::path& p) {
  const std::string name = p.filename().string();
  return (name.size() > 13 && name.substr(name.size() - 13) == ".profile.yaml") ||
         p.parent_path().filename() == "profiles";
}

int Lint(const std::vector<std::string>& paths, const std::vector<std::string>& profiles) {
  int problems = 0;
  size_t scenario_count = 0;
  std::vector<std::string> profile_files = profiles;
  std::vector<std::string> scenario_paths;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      scenario_paths.push_back(p);
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        if (it->is_regular_file() && IsProfileFile(it->path()) &&
            (it->path().extension() == ".yaml" || it->path().extension() == ".yml")) {
          profile_files.push_back(it->path().string());
        }
      }
    } else if (IsProfileFile(p)) {
      profile_files.push_back(p);
    } else {
      scenario_paths.push_back(p);
    }
  }
  if (!scenario_paths.empty()) {
    auto loaded = harness::LoadScenarios(scenario_paths);
    if (!loaded.ok()) {
      std::cerr << loaded.status().message() << "\n";
      ++problems;
    } else {
      scenario_count = loaded->size();
    }
  }
  for (const auto& f : profile_files) {
    auto p = harness::LoadProfile(f);
    if (!p.ok()) {
      std::cerr << p.status().message() << "\n";
      ++problems;
    }
  }
  if (problems > 0) {
    std::cerr << "mpemu lint: problems found\n";
    return kExitFailed;
  }
  std::cout << "mpemu lint: ok (" << scenario_count << " scenario(s), " << profile_files.size()
            << " profile(s))\n";
  return kExitOk;
}

}  // namespace

void AddHarnessCommands(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<harness::RunOptions>();
  CLI::App* run = app.add_subcommand("run", "Run conformance scenarios against a vendor");
  run->add_option("--vendor", options->profile_path, "vendor profile (YAML)")->required();
  run->add_option("scenarios", options->scenario_paths, "scenario files or folders (default: scenarios)");
  run->add_option("--tag", options->tags, "only scenarios with this tag (repeatable)");
  run->add_option("--exclude-tag", options->exclude_tags, "skip scenarios with this tag (repeatable)");
  run->add_option("--name", options->names, "only scenarios whose id contains this (repeatable)");
  run->add_flag("--list", options->list, "list the scenarios that would run, run nothing");
  run->add_flag("--strict", options->strict, "\"should\" scenarios fail the run too");
  run->add_flag("-v,--verbose", options->verbose, "print each scenario's log");
  run->add_flag("--fail-fast", options->fail_fast, "stop after the first failure");
  run->add_option("--junit", options->junit_path, "write a JUnit XML report");
  run->add_option("--json", options->json_path, "write a JSON report");
  run->add_option("--config", options->emulator_config, "emulator configuration file");
  run->add_flag("--real-hostnames", options->real_hostnames,
                "The vendor uses production URLs: serve them through the proxy and give the vendor "
                "HTTPS_PROXY and the CA (as the profile's realHostnames: true)");
  run->add_option("--work-dir", options->work_dir, "folder for the vendor's log and files");
  run->add_option("--vendor-url", options->vendor_url, "use a vendor already running at this URL");
  run->callback([options, exit_code] { *exit_code = harness::RunConformance(*options, std::cout, std::cerr); });

  auto lint_paths = std::make_shared<std::vector<std::string>>();
  auto lint_profiles = std::make_shared<std::vector<std::string>>();
  CLI::App* lint = app.add_subcommand("lint", "Check scenario files and vendor profiles");
  lint->add_option("paths", *lint_paths, "scenario files or folders (profiles: *.profile.yaml or profiles/)");
  lint->add_option("--profile", *lint_profiles, "a vendor profile to check (repeatable)");
  lint->callback([lint_paths, lint_profiles, exit_code] {
    if (lint_paths->empty() && lint_profiles->empty()) lint_paths->push_back("scenarios");
    *exit_code = Lint(*lint_paths, *lint_profiles);
  });

  CLI::App* schema = app.add_subcommand("schema", "Print the JSON Schema of scenario files");
  schema->callback([exit_code] {
    std::cout << harness::ScenarioJsonSchema().dump(2) << "\n";
    *exit_code = kExitOk;
  });

  CLI::App* steps = app.add_subcommand("steps", "List the scenario step types and token mutations");
  steps->callback([exit_code] {
    std::string family;
    for (const auto& s : harness::StepRegistry()) {
      if (s.family != family) {
        family = s.family;
        std::cout << "\n" << family << ":\n";
      }
      std::cout << "  " << s.name << ": " << s.summary << "\n";
      for (const auto& f : s.fields) {
        std::cout << "      " << f.name << (f.required ? " (required)" : "") << ": " << f.help << "\n";
      }
    }
    std::cout << "\ntoken mutations (mint_token.mutations):\n";
    for (const auto& m : harness::MutationRegistry()) std::cout << "  " << m.name << ": " << m.summary << "\n";
    *exit_code = kExitOk;
  });
}

}  // namespace mpemu::cli
