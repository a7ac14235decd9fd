#include "vendor-sample/app/app.h"

#include "vendor-sample/base/log.h"

namespace vendor_sample {

App::App(Config config, const Clock* clock)
    : config_(std::move(config)), clock_(clock != nullptr ? clock : &real_clock_) {}

App::~App() { Stop(); }

StatusOr<std::unique_ptr<App>> App::Create(Config config, const Clock* clock) {
  std::unique_ptr<App> app(new App(std::move(config), clock));
  const Config& c = app->config_;

  std::optional<stackit::ServiceAccountKey> key;
  std::string token_url = c.stackit_token_url;
  if (c.stackit_enabled()) {
    StatusOr<stackit::ServiceAccountKey> loaded =
        stackit::LoadServiceAccountKey(c.stackit_service_account_key_path);
    if (!loaded.ok()) {
      return InvalidArgumentError("STACKIT_SERVICE_ACCOUNT_KEY_PATH: " + loaded.status().message());
    }
    key = std::move(*loaded);
    if (token_url.empty()) token_url = key->token_endpoint;
    if (token_url.empty()) {
      return InvalidArgumentError(
          "STACKIT_TOKEN_URL is required (the key file has no credentials.tokenEndpoint)");
    }
  }
  if (c.clevercloud_enabled()) {
    StatusOr<clevercloud::Manifest> manifest =
        clevercloud::LoadManifest(c.clevercloud_manifest_path);
    if (!manifest.ok()) {
      return InvalidArgumentError("CLEVERCLOUD_MANIFEST: " + manifest.status().message());
    }
    app->clevercloud_manifest_ = std::move(*manifest);
  }
  if (c.pandium_enabled()) {
    // LoadConfig checked these; a Config built by hand is checked here.
    StatusOr<pandium::Entry> entry = pandium::ParseEntryUrl(c.pandium_entry_url);
    if (!entry.ok()) return InvalidArgumentError("PANDIUM_ENTRY_URL: " + entry.status().message());
    if (c.pandium_secret.empty()) return InvalidArgumentError("PANDIUM_SECRET is required");
    if (!pandium::HostAllowed(*entry, c.pandium_allowed_hosts)) {
      return InvalidArgumentError(
          "PANDIUM_ALLOWED_HOSTS does not allow the host of PANDIUM_ENTRY_URL (" +
          entry->authority + ")");
    }
    app->pandium_entry_ = std::move(*entry);
  }
  StatusOr<std::unique_ptr<store::Store>> store = store::Store::Open(c.db_path);
  if (!store.ok()) return InvalidArgumentError("VENDOR_DB: " + store.status().message());
  app->store_ = std::move(*store);
  if (Status s =
          account::SeedTestUsers(app->store_.get(), c.test_users, c.pbkdf2_iterations, app->clock_);
      !s.ok()) {
    return InvalidArgumentError("VENDOR_TEST_USERS: " + s.message());
  }

  app->http_ = std::make_unique<net::HttpClient>(c.http_timeout_ms, !c.bugs.has("tls-no-verify"));
  net::HttpClient* http = app->http_.get();
  if (!key) return app;
  app->auth_ = std::make_unique<stackit::ServiceAccountAuth>(*key, token_url, http, app->clock_);
  app->api_ = std::make_unique<stackit::MarketplaceClient>(http, app->auth_.get(),
                                                           c.stackit_api_url, c.stackit_project_id);
  const std::string keys_url = c.stackit_keys_url;
  app->keys_ = std::make_unique<stackit::KeyCache>(
      [http, keys_url] { return stackit::FetchKeysJson(http, keys_url); }, app->clock_,
      stackit::KeyCache::Options{c.keys_refetch_cooldown_ms, c.keys_max_age_ms}, &c.bugs);
  stackit::TokenVerifierOptions verify;
  verify.issuer = c.stackit_issuer;
  verify.leeway_s = c.clock_leeway_s;
  app->verifier_ = std::make_unique<stackit::TokenVerifier>(
      verify, app->keys_.get(), app->clock_, &c.bugs,
      [http](const std::string& url) { return stackit::FetchKeysJson(http, url); });
  return app;
}

StatusOr<std::string> App::Start() {
  server_ = std::make_unique<web::Server>();
  VS_ASSIGN_OR_RETURN(int port, server_->Bind(config_.listen_host, config_.listen_port));
  const bool v6 = config_.listen_host.find(':') != std::string::npos;
  const std::string url = "http://" + (v6 ? "[" + config_.listen_host + "]" : config_.listen_host) +
                          ":" + std::to_string(port);
  public_url_ = config_.public_url.empty() ? url : config_.public_url;

  sessions_ =
      std::make_unique<web::Sessions>(store_.get(), clock_, public_url_.rfind("https://", 0) == 0);
  const std::string instance_target = public_url_ + "/app";
  if (config_.stackit_enabled()) {
    stackit::SignupOptions signup;
    signup.instance_target = instance_target;
    signup.pbkdf2_iterations = config_.pbkdf2_iterations;
    signup_ = std::make_unique<stackit::SignupHandlers>(
        signup, verifier_.get(), api_.get(), store_.get(), sessions_.get(), clock_, &config_.bugs);
    server_->AddRoutes(signup_->Routes());
  }
  accounts_ = std::make_unique<account::AccountHandlers>(
      store_.get(), sessions_.get(), config_.pbkdf2_iterations, pandium_entry_.has_value());
  server_->AddRoutes(accounts_->Routes());
  if (pandium_entry_) {
    pandium::MarketplaceOptions options;
    options.entry = *pandium_entry_;
    options.allowed_hosts = config_.pandium_allowed_hosts;
    options.secret = config_.pandium_secret;
    pandium_ = std::make_unique<pandium::MarketplaceHandlers>(std::move(options), sessions_.get(),
                                                              clock_, &config_.bugs);
    server_->AddRoutes(pandium_->Routes());
    if (config_.pandium_secret.size() < 32) {
      // RFC 7518 §3.2 wants an HS256 key of at least 256 bits; Pandium chooses it, so only warn.
      Log("pandium: PANDIUM_SECRET is shorter than 32 bytes");
    }
    Log("pandium: tenant tokens go to " + pandium_entry_->url);
  }
  if (clevercloud_manifest_) {
    clevercloud::AddonOptions options;
    options.public_url = public_url_;
    options.api_url = config_.clevercloud_api_url;
    options.sso.max_age_ms = config_.clevercloud_sso_max_age_s * 1000;
    options.sso.max_skew_ms = config_.clevercloud_sso_max_skew_s * 1000;
    clevercloud_ = std::make_unique<clevercloud::Addon>(
        *clevercloud_manifest_, options, store_.get(), http_.get(), clock_, &config_.bugs);
    server_->AddRoutes(clevercloud_->Routes());
    if (config_.clevercloud_api_url.empty()) {
      Log("clevercloud: CLEVERCLOUD_API_URL is not set; dashboards cannot show the owner");
    }
  }
  server_->Start();

  if (config_.stackit_enabled()) {
    poller_ = std::make_unique<stackit::Poller>(api_.get(), store_.get(), clock_,
                                                config_.poll_interval_ms, instance_target);
    if (config_.bugs.has("no-polling")) {
      Log("poller: disabled (planted bug no-polling)");
    } else {
      poller_->Start();
    }
  }
  return url;
}

void App::Stop() {
  if (poller_) poller_->Stop();
  if (server_) server_->Stop();
}

}  // namespace vendor_sample
