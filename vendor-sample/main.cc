// vendor-sample: the reference STACKIT Marketplace vendor, Clever Cloud add-on provider and Pandium
// In-App Marketplace host. Reads its configuration from the environment (and flags), prints
// "vendor-sample listening on http://HOST:PORT", and serves until SIGINT or SIGTERM. Exit status 2
// means a configuration problem.
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "vendor-sample/app/app.h"
#include "vendor-sample/app/config.h"
#include "vendor-sample/base/log.h"

int main(int argc, char** argv) {
  using vendor_sample::Log;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::fputs(vendor_sample::UsageText().c_str(), stdout);
      return 0;
    }
  }
  vendor_sample::StatusOr<vendor_sample::Config> config =
      vendor_sample::LoadConfig(vendor_sample::ProcessEnv(), args);
  if (!config.ok()) {
    std::fprintf(stderr, "vendor-sample: configuration error: %s\n",
                 config.status().message().c_str());
    return 2;
  }
  if (!config->bugs.empty()) {
    for (const std::string& bug : config->bugs.Enabled()) {
      Log("!!! PLANTED BUG ENABLED: " + bug + " -- this instance is deliberately insecure !!!");
    }
  }

  // Block the stop signals in every thread; this one waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  vendor_sample::StatusOr<std::unique_ptr<vendor_sample::App>> app =
      vendor_sample::App::Create(*config);
  if (!app.ok()) {
    std::fprintf(stderr, "vendor-sample: configuration error: %s\n",
                 app.status().message().c_str());
    return 2;
  }
  vendor_sample::StatusOr<std::string> url = (*app)->Start();
  if (!url.ok()) {
    std::fprintf(stderr, "vendor-sample: %s\n", url.status().message().c_str());
    return 1;
  }
  std::printf("vendor-sample listening on %s\n", url->c_str());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  Log("stopping (signal " + std::to_string(sig) + ")");
  (*app)->Stop();
  return 0;
}
