#include "emulator/app/emulator.h"

#include <malloc.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include "emulator/control/control_api.h"
#include "emulator/core/time_format.h"

namespace mpemu::app {
namespace {

constexpr char kClockOffsetMeta[] = "clock.offsetMillis";
// The local CA lives in the store's meta table: with a state file it survives restarts (and
// /_emulator/reset, which clears records only), so a vendor trusts it once.
constexpr char kCaCertMeta[] = "tls.ca.certPem";
constexpr char kCaKeyMeta[] = "tls.ca.keyPem";

std::string HostList(const std::map<std::string, std::string>& hosts) {
  std::string out;
  for (const auto& [name, kind] : hosts) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

StatusOr<std::unique_ptr<Emulator>> Emulator::Create(EmulatorOptions options) {
  if (!options.store) {
    if (options.config.state_file.empty()) {
      options.store = store::NewMemoryStore();
    } else {
      MPEMU_ASSIGN_OR_RETURN(options.store, store::OpenSqliteStore(options.config.state_file));
    }
  }
  MPEMU_RETURN_IF_ERROR(stackit::Validate(options.config.stackit));
  MPEMU_RETURN_IF_ERROR(
      clevercloud::Validate(options.config.clevercloud).WithContext("clevercloud"));
  MPEMU_RETURN_IF_ERROR(pandium::Validate(options.config.pandium).WithContext("pandium"));
  MPEMU_RETURN_IF_ERROR(ValidateHosts(options.config.hosts).WithContext("hosts"));
  return std::unique_ptr<Emulator>(new Emulator(std::move(options)));
}

Emulator::Emulator(EmulatorOptions options)
    : config_(std::move(options.config)),
      wall_clock_(options.wall_clock ? options.wall_clock : RealClock::Default()),
      ids_(options.ids ? std::move(options.ids) : std::make_unique<RandomIdGenerator>()),
      keys_(options.keys ? std::move(options.keys) : std::make_unique<crypto::GeneratingKeySource>()),
      store_(std::move(options.store)),
      clock_(std::make_unique<VirtualClock>(wall_clock_)),
      journal_(std::make_unique<journal::Journal>(config_.journal_capacity, config_.journal_max_bytes)),
      faults_(std::make_unique<http::FaultInjector>()),
      pipeline_(std::make_unique<http::Pipeline>(clock_.get(), wall_clock_, journal_.get(), faults_.get())),
      background_init_(options.initialize_in_background),
      started_wall_ms_(wall_clock_->NowMillis()) {
  env_.clock = clock_.get();
  env_.wall_clock = wall_clock_;
  env_.ids = ids_.get();
  env_.keys = keys_.get();
  env_.store = store_.get();
  env_.journal = journal_.get();
  env_.faults = faults_.get();
  env_.base_url = [this] { return base_url(); };

  // The marketplaces: one line each.
  stackit_ = std::make_unique<stackit::StackitMarketplace>(config_.stackit, env_);
  marketplaces_.push_back(stackit_.get());
  clevercloud_ = std::make_unique<clevercloud::CleverCloudMarketplace>(config_.clevercloud, env_);
  marketplaces_.push_back(clevercloud_.get());
  pandium_ = std::make_unique<pandium::PandiumMarketplace>(config_.pandium, env_);
  marketplaces_.push_back(pandium_.get());

  control::ControlHooks hooks;
  hooks.env = env_;
  hooks.health = [this] {
    const bool done = ready_.valid() &&
                      ready_.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
    // Finished is not ready when the start-up work failed: every gated request then fails.
    const Status started = done ? ready_.get() : Status::Ok();
    nlohmann::json marketplaces = nlohmann::json::array();
    for (auto* m : marketplaces_) marketplaces.push_back(m->name());
    nlohmann::json j = {{"status", started.ok() ? "ok" : "error"},
                        {"ready", done && started.ok()},
                        {"version", "0.1.0"},
                        {"marketplaces", marketplaces},
                        {"uptimeMs", wall_clock_->NowMillis() - started_wall_ms_},
                        {"journalEntries", journal_->size()},
                        {"journalBytes", journal_->bytes()}};
    if (!started.ok()) j["error"] = started.ToString();
    return j;
  };
  hooks.config = [this] { return ConfigJson(); };
  hooks.reset = [this](bool keys) { return Reset(keys); };
  hooks.advance_clock = [this](int64_t ms) { return AdvanceClock(ms); };
  control::RegisterControlRoutes(std::move(hooks), *pipeline_);
  for (auto* m : marketplaces_) m->RegisterRoutes(*pipeline_);
  // The production hostnames, served through the proxy, `--tls` or a hosts file.
  for (const auto& [name, kind] : config_.hosts) {
    for (const HostKind& k : HostKinds()) {
      if (k.name == kind) pipeline_->AddVirtualHost({name, kind, {kind}, k.path_prefix});
    }
  }
  pipeline_->AddRoute({"POST", "/_emulator/tls/faults", "control.tls-fault", "control",
                       [this](http::Request& req) -> StatusOr<http::Reply> {
                         MPEMU_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonBody(req));
                         if (!body.is_object() || !body.value("host", nlohmann::json()).is_string() ||
                             !body.value("kind", nlohmann::json()).is_string()) {
                           return InvalidArgumentError("expected {\"host\": \"<host>|*\", \"kind\": "
                                                       "\"untrusted|expired|wrong-host|none\"}");
                         }
                         MPEMU_RETURN_IF_ERROR(SetTlsFault(body["host"], body["kind"]));
                         return http::Reply::Json(200, body);
                       }});
  pipeline_->AddRoute({"GET", "/_emulator/ca\\.pem", "control.ca", "control",
                       [this](http::Request&) -> StatusOr<http::Reply> {
                         if (!ca_) return UnavailableError("the local CA is not loaded yet");
                         http::Reply reply;
                         reply.body = ca_->cert_pem();
                         reply.content_type = "application/x-pem-file";
                         reply.WithHeader("Content-Disposition", "attachment; filename=\"mpemu-ca.pem\"");
                         return reply;
                       },
                       {},
                       /*waits_for_ready=*/false});
  // Health, config, clock, journal and faults answer during start-up; the rest waits for it.
  pipeline_->SetReadyGate([this]() -> Status { return WaitReady(); });
}

Emulator::~Emulator() { Stop(); }

std::string Emulator::base_url() const {
  if (!server_) return "http://" + config_.server.host + ":" + std::to_string(config_.server.port);
  return server_->base_url();
}

Status Emulator::Initialize() {
  MPEMU_ASSIGN_OR_RETURN(std::optional<std::string> offset, store_->GetMeta(kClockOffsetMeta));
  if (offset) clock_->SetOffsetMillis(std::stoll(*offset));
  for (auto* m : marketplaces_) {
    MPEMU_RETURN_IF_ERROR(m->Initialize().WithContext(m->name()));
  }
  return Status::Ok();
}

std::string Emulator::proxy_url() const {
  if (!proxy_) return "";
  const std::string host = config_.server.host == "0.0.0.0" ? "127.0.0.1" : config_.server.host;
  return "http://" + host + ":" + std::to_string(proxy_->port());
}

void TuneProcessForServing() {
  static std::once_flag once;
  std::call_once(once, [] {
    std::thread([] {
      for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        malloc_trim(0);
      }
    }).detach();
  });
}

StatusOr<crypto::CertificateAuthority> LoadOrCreateLocalCa(store::Store& store, IdGenerator& ids,
                                                           int64_t now_seconds) {
  MPEMU_ASSIGN_OR_RETURN(std::optional<std::string> cert, store.GetMeta(kCaCertMeta));
  MPEMU_ASSIGN_OR_RETURN(std::optional<std::string> key, store.GetMeta(kCaKeyMeta));
  if (cert && key) {
    StatusOr<crypto::CertificateAuthority> kept = crypto::CertificateAuthority::FromPem(*cert, *key);
    if (!kept.ok()) return kept.status().WithContext("the local CA kept in the state");
    return kept;
  }
  MPEMU_ASSIGN_OR_RETURN(crypto::CertificateAuthority created,
                         crypto::CertificateAuthority::Generate(
                             "mpemu local CA " + ids.NewUuid().substr(0, 8), now_seconds));
  MPEMU_RETURN_IF_ERROR(store.SetMeta(kCaCertMeta, created.cert_pem()));
  MPEMU_RETURN_IF_ERROR(store.SetMeta(kCaKeyMeta, created.key_pem()));
  return created;
}

Status Emulator::LoadOrCreateCa() {
  MPEMU_ASSIGN_OR_RETURN(crypto::CertificateAuthority ca,
                         LoadOrCreateLocalCa(*store_, *ids_, wall_clock_->NowMillis() / 1000));
  ca_.emplace(std::move(ca));
  return Status::Ok();
}

Status Emulator::StartTlsAndProxy() {
  if (!config_.tls && config_.proxy_port < 0) return Status::Ok();
  // Leaves are issued on every start (P-256: well under a millisecond each); only the CA is kept.
  const int64_t now = wall_clock_->NowMillis() / 1000;
  auto tls = std::make_shared<http::TlsOptions>();
  std::vector<std::string> local = {"localhost", "127.0.0.1", "::1"};
  const std::string& listen_host = config_.server.host;
  if (listen_host != "0.0.0.0" && listen_host != "::" &&
      std::find(local.begin(), local.end(), listen_host) == local.end()) {
    local.push_back(listen_host);
  }
  MPEMU_ASSIGN_OR_RETURN(crypto::CertifiedKey local_leaf, ca_->IssueServerCertificate(local, now));
  tls->default_identity = {local_leaf.cert_pem, local_leaf.key_pem};
  tls->by_server_name["localhost"] = tls->default_identity;
  for (const auto& [name, kind] : config_.hosts) {
    MPEMU_ASSIGN_OR_RETURN(crypto::CertifiedKey leaf, ca_->IssueServerCertificate({name}, now));
    tls->by_server_name[name] = {leaf.cert_pem, leaf.key_pem};
  }
  if (config_.tls) {
    http::ServerOptions options = config_.server;
    options.port = config_.tls_port;
    options.tls = tls;
    options.via = "https";
    tls_server_ = std::make_unique<http::Server>(options, pipeline_.get());
    MPEMU_RETURN_IF_ERROR(tls_server_->Start().WithContext("HTTPS (--tls-port)"));
  }
  if (config_.proxy_port >= 0) {
    // The proxy front only decides and relays; these loopback backends serve what it lets through.
    http::ServerOptions backend = config_.server;
    backend.host = "127.0.0.1";
    backend.port = 0;
    backend.via = "proxy";
    backend.require_virtual_host = true;
    proxy_plain_backend_ = std::make_unique<http::Server>(backend, pipeline_.get());
    MPEMU_RETURN_IF_ERROR(proxy_plain_backend_->Start());
    backend.tls = tls;
    proxy_tls_backend_ = std::make_unique<http::Server>(backend, pipeline_.get());
    MPEMU_RETURN_IF_ERROR(proxy_tls_backend_->Start());
    http::ProxyOptions options;
    options.host = config_.server.host;
    options.port = config_.proxy_port;
    options.plain_backend_port = proxy_plain_backend_->port();
    options.tls_backend_port = proxy_tls_backend_->port();
    proxy_ = std::make_unique<http::ProxyServer>(
        options,
        [this](const std::string& host) { return pipeline_->FindVirtualHost(host) != nullptr; },
        HostList(config_.hosts), [this](const http::ProxyEvent& event) { RecordProxyEvent(event); });
    MPEMU_RETURN_IF_ERROR(proxy_->Start().WithContext("proxy (--proxy-port)"));
  }
  return Status::Ok();
}

// Requests the proxy refuses itself never reach the pipeline; the journal still shows them (a
// vendor that tries to reach an unexpected host is evidence too). Accepted tunnels are not
// entries: the requests inside them are.
void Emulator::RecordProxyEvent(const http::ProxyEvent& event) {
  if (event.status == 200) return;
  journal::Entry entry;
  entry.time_millis = clock_->NowMillis();
  entry.wall_millis = wall_clock_->NowMillis();
  entry.service = "proxy";
  entry.route = event.status == 403 ? "proxy.refused" : "proxy.rejected";
  entry.host = event.host;
  entry.via = "proxy";
  entry.method = event.method;
  entry.path = event.target;
  entry.status = event.status;
  entry.reply_content_type = "text/plain; charset=utf-8";
  entry.reply_body = event.message;
  entry.remote_addr = event.remote_addr;
  journal_->Record(std::move(entry));
}

Status Emulator::Start() {
  // ready_ is set before the server answers: request threads read it through the ready gate.
  auto done = std::make_shared<std::promise<Status>>();
  ready_ = done->get_future().share();
  Status started = LoadOrCreateCa();
  if (started.ok()) {
    server_ = std::make_unique<http::Server>(config_.server, pipeline_.get());
    started = server_->Start();
  }
  if (started.ok()) started = StartTlsAndProxy();
  if (!started.ok()) {
    done->set_value(started);
    Stop();
    return started;
  }
  if (background_init_) {
    init_thread_ = std::thread([this, done] { done->set_value(Initialize()); });
    return Status::Ok();
  }
  Status s = Initialize();
  done->set_value(s);
  if (!s.ok()) Stop();
  return s;
}

Status Emulator::WaitReady(std::chrono::milliseconds timeout) {
  if (!ready_.valid()) return UnavailableError("the emulator is not started");
  if (ready_.wait_for(timeout) != std::future_status::ready) {
    return UnavailableError("the emulator is still starting");
  }
  return ready_.get();
}

void Emulator::Stop() {
  if (proxy_) proxy_->Stop();
  if (proxy_tls_backend_) proxy_tls_backend_->Stop();
  if (proxy_plain_backend_) proxy_plain_backend_->Stop();
  if (tls_server_) tls_server_->Stop();
  if (server_) server_->Stop();
  if (init_thread_.joinable()) init_thread_.join();
}

Status Emulator::SetTlsFault(const std::string& host, const std::string& kind) {
  std::vector<http::Server*> servers;
  for (http::Server* s : {tls_server_.get(), proxy_tls_backend_.get()}) {
    if (s != nullptr) servers.push_back(s);
  }
  if (servers.empty()) return FailedPreconditionError("TLS faults need --tls or --proxy-port");
  if (host != "*" && pipeline_->FindVirtualHost(host) == nullptr && host != "localhost" && host != "127.0.0.1") {
    return InvalidArgumentError("\"" + host + "\" is not an emulated host (or \"*\" for all)");
  }
  std::optional<http::TlsIdentity> identity;
  const int64_t now = wall_clock_->NowMillis() / 1000;
  // The bad leaves name every host they may be presented for, so that only the fault is wrong.
  std::vector<std::string> names = {"localhost", "127.0.0.1"};
  for (const http::VirtualHost& v : pipeline_->virtual_hosts()) names.push_back(v.name);
  if (kind == "untrusted") {
    MPEMU_ASSIGN_OR_RETURN(crypto::CertificateAuthority rogue,
                           crypto::CertificateAuthority::Generate("mpemu untrusted CA", now));
    MPEMU_ASSIGN_OR_RETURN(crypto::CertifiedKey leaf, rogue.IssueServerCertificate(names, now));
    identity = http::TlsIdentity{leaf.cert_pem, leaf.key_pem};
  } else if (kind == "expired") {
    MPEMU_ASSIGN_OR_RETURN(crypto::CertifiedKey leaf,
                           ca_->IssueServerCertificate(names, now - 400 * 86400, 30));
    identity = http::TlsIdentity{leaf.cert_pem, leaf.key_pem};
  } else if (kind == "wrong-host") {
    MPEMU_ASSIGN_OR_RETURN(crypto::CertifiedKey leaf,
                           ca_->IssueServerCertificate({"wrong-host.mpemu.invalid"}, now));
    identity = http::TlsIdentity{leaf.cert_pem, leaf.key_pem};
  } else if (kind != "none") {
    return InvalidArgumentError("unknown TLS fault \"" + kind + "\" (untrusted, expired, wrong-host, none)");
  }
  for (http::Server* s : servers) MPEMU_RETURN_IF_ERROR(s->SetIdentityOverride(host, identity));
  // Kept-alive tunnels finished their handshake with the old certificate: end them, so that the
  // vendor's next request shakes hands again. (Direct --tls connections keep theirs.)
  if (proxy_) proxy_->CloseConnections();
  return Status::Ok();
}

void Emulator::ClearTlsFaults() {
  for (http::Server* s : {tls_server_.get(), proxy_tls_backend_.get()}) {
    if (s == nullptr) continue;
    // Clearing cannot fail on an HTTPS server.
    for (const http::VirtualHost& v : pipeline_->virtual_hosts()) (void)s->SetIdentityOverride(v.name, std::nullopt);
    for (const char* name : {"*", "localhost", "127.0.0.1"}) (void)s->SetIdentityOverride(name, std::nullopt);
  }
}

Status Emulator::Reset(bool keys) {
  MPEMU_RETURN_IF_ERROR(WaitReady());
  ClearTlsFaults();
  for (auto* m : marketplaces_) MPEMU_RETURN_IF_ERROR(m->Reset(keys));
  clock_->SetOffsetMillis(0);
  MPEMU_RETURN_IF_ERROR(store_->SetMeta(kClockOffsetMeta, "0"));
  journal_->Clear();
  faults_->Clear();
  return Status::Ok();
}

Status Emulator::AdvanceClock(int64_t millis) {
  if (millis < 0) return InvalidArgumentError("the clock only moves forward");
  // Bounded so that now + offset stays far inside int64 (overflowing it is undefined behaviour).
  constexpr int64_t kMaxOffsetMillis = 1000LL * 366 * 24 * 3600 * 1000;  // a millennium
  if (millis > kMaxOffsetMillis - clock_->offset_millis()) {
    return InvalidArgumentError("the clock can move at most 1000 years ahead in all");
  }
  clock_->AdvanceMillis(millis);
  MPEMU_RETURN_IF_ERROR(store_->SetMeta(kClockOffsetMeta, std::to_string(clock_->offset_millis())));
  for (auto* m : marketplaces_) m->OnClockAdvanced();
  return Status::Ok();
}

nlohmann::json Emulator::ConfigJson() const {
  nlohmann::json j = {{"source", config_.source},
                      {"baseUrl", base_url()},
                      {"server",
                       {{"host", config_.server.host},
                        {"port", port()},
                        {"maxBodyBytes", config_.server.max_body_bytes},
                        {"threads", config_.server.threads}}},
                      {"state", config_.state_file.empty() ? "memory" : config_.state_file},
                      {"journalCapacity", config_.journal_capacity},
                      {"journalMaxBytes", config_.journal_max_bytes}};
  nlohmann::json hosts = nlohmann::json::array();
  for (const http::VirtualHost& v : pipeline_->virtual_hosts()) {
    hosts.push_back({{"host", v.name}, {"kind", v.kind}});
  }
  j["hosts"] = hosts;
  j["tls"] = {{"enabled", tls_server_ != nullptr}, {"port", tls_port()}, {"baseUrl", tls_base_url()}};
  j["proxy"] = {{"enabled", proxy_ != nullptr}, {"port", proxy_port()}, {"url", proxy_url()}};
  if (ca_) {
    j["ca"] = {{"url", base_url() + "/_emulator/ca.pem"},
               {"sha256Fingerprint", ca_->Sha256Fingerprint()},
               {"notAfter", FormatRfc3339Millis(ca_->NotAfterSeconds() * 1000)}};
  }
  for (auto* m : marketplaces_) j[m->name()] = m->ConfigJson();
  return j;
}

}  // namespace mpemu::app
