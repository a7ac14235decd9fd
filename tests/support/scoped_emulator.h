// An emulator started in-process on 127.0.0.1 port 0 with the test keys and a manual wall clock
// option, stopped when the object goes out of scope. Tests talk to it over real loopback sockets.
#ifndef MPEMU_TESTS_SUPPORT_SCOPED_EMULATOR_H_
#define MPEMU_TESTS_SUPPORT_SCOPED_EMULATOR_H_

#include <functional>
#include <memory>
#include <string>

#include "emulator/app/emulator.h"
#include "emulator/http/client.h"

namespace mpemu::testing {

struct ScopedEmulatorOptions {
  // Applied to the defaults before start (ports are forced to 0).
  std::function<void(app::EmulatorConfig&)> configure;
  std::unique_ptr<store::Store> store;  // default: in memory
  const Clock* wall_clock = nullptr;    // default: the real clock
};

class ScopedEmulator {
 public:
  explicit ScopedEmulator(ScopedEmulatorOptions options = {});
  ~ScopedEmulator();

  app::Emulator& emulator() { return *emulator_; }
  std::string url() const { return emulator_->base_url(); }
  // A fresh keep-alive client on the emulator.
  std::unique_ptr<http::Client> NewClient() const;
  // The default vendor project and its static bearer token.
  std::string project() const;
  std::string bearer() const;  // "Bearer <token>"

 private:
  std::unique_ptr<app::Emulator> emulator_;
};

}  // namespace mpemu::testing

#endif  // MPEMU_TESTS_SUPPORT_SCOPED_EMULATOR_H_
