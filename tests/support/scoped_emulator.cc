#include "tests/support/scoped_emulator.h"

#include <cstdio>
#include <cstdlib>

#include "tests/support/test_keys.h"

namespace mpemu::testing {
namespace {

[[noreturn]] void Die(const char* what, const Status& status) {
  std::fprintf(stderr, "ScopedEmulator: %s: %s\n", what, status.ToString().c_str());
  std::abort();
}

}  // namespace

ScopedEmulator::ScopedEmulator(ScopedEmulatorOptions options) {
  app::EmulatorOptions emulator_options;
  emulator_options.config = app::DefaultConfig();
  if (options.configure) options.configure(emulator_options.config);
  emulator_options.config.server.host = "127.0.0.1";
  emulator_options.config.server.port = 0;
  emulator_options.config.tls_port = 0;
  if (emulator_options.config.proxy_port > 0) emulator_options.config.proxy_port = 0;
  emulator_options.keys = std::make_unique<TestKeySource>();
  emulator_options.store = std::move(options.store);
  emulator_options.wall_clock = options.wall_clock;
  auto created = app::Emulator::Create(std::move(emulator_options));
  if (!created.ok()) Die("create", created.status());
  emulator_ = std::move(created).value();
  if (Status s = emulator_->Start(); !s.ok()) Die("start", s);
  if (Status s = emulator_->WaitReady(); !s.ok()) Die("ready", s);
}

ScopedEmulator::~ScopedEmulator() { emulator_->Stop(); }

std::unique_ptr<http::Client> ScopedEmulator::NewClient() const {
  return std::make_unique<http::Client>(url());
}

std::string ScopedEmulator::project() const {
  return emulator_->config().stackit.vendor_projects.front().project_id;
}

std::string ScopedEmulator::bearer() const {
  return "Bearer " + emulator_->config().stackit.vendor_projects.front().bearer_tokens.front();
}

}  // namespace mpemu::testing
