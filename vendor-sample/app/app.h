// vendor-sample assembled: configuration in, a running web app (STACKIT, Clever Cloud and/or
// Pandium) and the STACKIT poller out. main.cc only parses the configuration and runs this; tests
// can start the same thing in-process.
#ifndef VENDOR_SAMPLE_APP_APP_H_
#define VENDOR_SAMPLE_APP_APP_H_

#include <memory>
#include <optional>
#include <string>

#include "vendor-sample/account/account_handlers.h"
#include "vendor-sample/app/config.h"
#include "vendor-sample/base/clock.h"
#include "vendor-sample/base/status.h"
#include "vendor-sample/clevercloud/addon.h"
#include "vendor-sample/clevercloud/manifest.h"
#include "vendor-sample/net/http_client.h"
#include "vendor-sample/pandium/entry.h"
#include "vendor-sample/pandium/marketplace_handlers.h"
#include "vendor-sample/stackit/key_cache.h"
#include "vendor-sample/stackit/marketplace_client.h"
#include "vendor-sample/stackit/poller.h"
#include "vendor-sample/stackit/service_account.h"
#include "vendor-sample/stackit/signup_handlers.h"
#include "vendor-sample/stackit/token_verifier.h"
#include "vendor-sample/store/store.h"
#include "vendor-sample/web/server.h"
#include "vendor-sample/web/sessions.h"

namespace vendor_sample {

class App {
 public:
  // Reads the service-account key (STACKIT) and the add-on manifest (Clever Cloud), for the
  // marketplaces that are configured, opens the database and creates the test users
  // (VENDOR_TEST_USERS) that do not exist yet. InvalidArgument for configuration problems (the
  // message names the variable); `clock` may be null (the real clock).
  static StatusOr<std::unique_ptr<App>> Create(Config config, const Clock* clock = nullptr);
  ~App();  // stops
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Binds the listen address, then serves and polls in the background. Returns the listen URL.
  StatusOr<std::string> Start();
  void Stop();

  const Config& config() const { return config_; }

 private:
  App(Config config, const Clock* clock);

  Config config_;
  RealClock real_clock_;
  const Clock* clock_;
  std::string public_url_;

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<net::HttpClient> http_;
  std::unique_ptr<stackit::ServiceAccountAuth> auth_;
  std::unique_ptr<stackit::MarketplaceClient> api_;
  std::unique_ptr<stackit::KeyCache> keys_;
  std::unique_ptr<stackit::TokenVerifier> verifier_;
  std::unique_ptr<web::Sessions> sessions_;
  std::unique_ptr<stackit::SignupHandlers> signup_;
  std::unique_ptr<account::AccountHandlers> accounts_;
  std::unique_ptr<stackit::Poller> poller_;
  std::optional<clevercloud::Manifest> clevercloud_manifest_;
  std::unique_ptr<clevercloud::Addon> clevercloud_;
  std::optional<pandium::Entry> pandium_entry_;
  std::unique_ptr<pandium::MarketplaceHandlers> pandium_;
  std::unique_ptr<web::Server> server_;
};

}  // namespace vendor_sample

#endif  // VENDOR_SAMPLE_APP_APP_H_
