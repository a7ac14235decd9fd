#include "emulator/app/emulator.h"

#include "emulator/control/control_api.h"
#include "emulator/core/time_format.h"

namespace mpemu::app {
namespace {

constexpr char kClockOffsetMeta[] = "clock.offsetMillis";

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
  return std::unique_ptr<Emulator>(new Emulator(std::move(options)));
}

Emulator::Emulator(EmulatorOptions options)
    : config_(std::move(options.config)),
      wall_clock_(options.wall_clock ? options.wall_clock : RealClock::Default()),
      ids_(options.ids ? std::move(options.ids) : std::make_unique<RandomIdGenerator>()),
      keys_(options.keys ? std::move(options.keys) : std::make_unique<crypto::GeneratingKeySource>()),
      store_(std::move(options.store)),
      clock_(std::make_unique<VirtualClock>(wall_clock_)),
      journal_(std::make_unique<journal::Journal>(config_.journal_capacity)),
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
                        {"journalEntries", journal_->size()}};
    if (!started.ok()) j["error"] = started.ToString();
    return j;
  };
  hooks.config = [this] { return ConfigJson(); };
  hooks.reset = [this](bool keys) { return Reset(keys); };
  hooks.advance_clock = [this](int64_t ms) { return AdvanceClock(ms); };
  control::RegisterControlRoutes(std::move(hooks), *pipeline_);
  for (auto* m : marketplaces_) m->RegisterRoutes(*pipeline_);
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

Status Emulator::Start() {
  // ready_ is set before the server answers: request threads read it through the ready gate.
  auto done = std::make_shared<std::promise<Status>>();
  ready_ = done->get_future().share();
  server_ = std::make_unique<http::Server>(config_.server, pipeline_.get());
  Status started = server_->Start();
  if (!started.ok()) {
    done->set_value(started);
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
  if (server_) server_->Stop();
  if (init_thread_.joinable()) init_thread_.join();
}

Status Emulator::Reset(bool keys) {
  MPEMU_RETURN_IF_ERROR(WaitReady());
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
                      {"journalCapacity", config_.journal_capacity}};
  for (auto* m : marketplaces_) j[m->name()] = m->ConfigJson();
  return j;
}

}  // namespace mpemu::app
