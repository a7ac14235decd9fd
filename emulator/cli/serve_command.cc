#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "emulator/app/emulator.h"
#include "emulator/cli/commands.h"

namespace mpemu::cli {
namespace {

struct ServeFlags {
  std::string config_file;
  std::string host;
  int port = -1;
  std::string state_file;
  std::string issuer;
  std::string signup_url;
  bool tls = false;
  int tls_port = -1;
  int proxy_port = -1;
  std::vector<std::string> proxy_hosts;  // NAME=KIND
};

int Serve(const ServeFlags& flags) {
  StatusOr<app::EmulatorConfig> config =
      flags.config_file.empty() ? StatusOr<app::EmulatorConfig>(app::DefaultConfig())
                                : app::LoadConfigFile(flags.config_file);
  if (!config.ok()) {
    std::fprintf(stderr, "mpemu: %s\n", config.status().message().c_str());
    return kExitUsage;
  }
  if (!flags.host.empty()) config->server.host = flags.host;
  if (flags.port >= 0) config->server.port = flags.port;
  if (!flags.state_file.empty()) config->state_file = flags.state_file;
  if (!flags.issuer.empty()) config->stackit.issuer = flags.issuer;
  if (!flags.signup_url.empty()) config->stackit.signup_url = flags.signup_url;
  if (flags.tls || flags.tls_port >= 0) config->tls = true;
  // `--port 0` asks for free ports: the HTTPS one follows unless given.
  if (flags.port == 0 && config->tls_port == app::kDefaultTlsPort) config->tls_port = 0;
  if (flags.tls_port >= 0) config->tls_port = flags.tls_port;
  if (flags.proxy_port >= 0) config->proxy_port = flags.proxy_port;
  for (const std::string& assignment : flags.proxy_hosts) {
    const size_t eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "mpemu: --emulate-host expects NAME=KIND (e.g. keys.example.test=stackit.keys), got \"%s\"\n",
                   assignment.c_str());
      return kExitUsage;
    }
    config->hosts[assignment.substr(0, eq)] = assignment.substr(eq + 1);
  }

  app::EmulatorOptions options;
  options.config = *config;
  StatusOr<std::unique_ptr<app::Emulator>> emulator = app::Emulator::Create(std::move(options));
  if (!emulator.ok()) {
    std::fprintf(stderr, "mpemu: %s\n", emulator.status().message().c_str());
    return kExitUsage;
  }
  // Block the stop signals in every thread; this one waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Status started = (*emulator)->Start();
  if (!started.ok()) {
    std::fprintf(stderr, "mpemu: %s\n", started.message().c_str());
    return kExitUsage;
  }
  const std::string url = (*emulator)->base_url();
  std::printf("mpemu listening on %s\n", url.c_str());
  std::printf("  config:    %s\n", config->source.c_str());
  std::printf("  state:     %s\n", config->state_file.empty() ? "in memory (use --state FILE to keep it)"
                                                              : config->state_file.c_str());
  std::printf("  keys.json: %s/v1/resolve-customer/keys.json\n", url.c_str());
  std::printf("  control:   %s/_emulator/config (try: mpemu --url %s stackit subscribe)\n", url.c_str(), url.c_str());
  std::printf("  CA:        %s/_emulator/ca.pem (SHA-256 %s)\n", url.c_str(),
              (*emulator)->ca()->Sha256Fingerprint().c_str());
  if ((*emulator)->tls_port() != 0) {
    std::printf("  HTTPS:     %s\n", (*emulator)->tls_base_url().c_str());
  }
  if ((*emulator)->proxy_port() != 0) {
    std::printf("  proxy:     %s  (HTTPS_PROXY=%s REQUESTS_CA_BUNDLE=<mpemu ca -o ca.pem>)\n",
                (*emulator)->proxy_url().c_str(), (*emulator)->proxy_url().c_str());
    for (const auto& [name, kind] : config->hosts) {
      std::printf("             https://%s -> %s\n", name.c_str(), kind.c_str());
    }
    if (config->stackit.issuer != "production") {
      std::printf("  note:      redirect tokens carry iss=%s; code that checks the production keys URL\n"
                  "             wants --stackit-issuer production\n",
                  (*emulator)->stackit().service().Issuer().c_str());
    }
  }
  std::fflush(stdout);
  Status ready = (*emulator)->WaitReady();
  if (!ready.ok()) {
    std::fprintf(stderr, "mpemu: start-up failed: %s\n", ready.message().c_str());
    return kExitUsage;
  }
  int sig = 0;
  sigwait(&signals, &sig);
  std::fprintf(stderr, "mpemu: stopping (signal %d)\n", sig);
  (*emulator)->Stop();
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* serve = app.add_subcommand("serve", "Run the emulator (all marketplaces on one port)");
  serve->add_option("-c,--config", flags->config_file, "YAML configuration file")->check(CLI::ExistingFile);
  serve->add_option("--host", flags->host, "Address to listen on (default 127.0.0.1)");
  serve->add_option("-p,--port", flags->port, "Port (default 8900; 0 picks a free one and prints it)")
      ->check(CLI::Range(0, 65535));
  serve->add_option("--state", flags->state_file, "SQLite file that keeps all state across restarts");
  serve->add_option("--stackit-issuer", flags->issuer,
                    "iss of redirect tokens: self (default), production, or a URL");
  serve->add_option("--signup-url", flags->signup_url, "The vendor's STACKIT signup URL");
  serve->add_flag("--tls", flags->tls, "Also serve the emulator over HTTPS (certificate from the local CA)");
  serve->add_option("--tls-port", flags->tls_port, "HTTPS port (implies --tls; default 8943, or a free one with --port 0)")
      ->check(CLI::Range(0, 65535));
  serve->add_option("--proxy-port", flags->proxy_port,
                    "Also listen as an HTTP proxy that serves the marketplaces' real hostnames (0: a free port)")
      ->check(CLI::Range(0, 65535));
  serve->add_option("--emulate-host", flags->proxy_hosts,
                    "Add or remap an emulated hostname: NAME=KIND (stackit.keys, stackit.api, stackit.token, "
                    "clevercloud.api, pandium); repeatable");
  serve->callback([flags, exit_code] { *exit_code = Serve(*flags); });
}

}  // namespace mpemu::cli
