#include "emulator/harness/runner.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "emulator/app/config.h"
#include "emulator/app/emulator.h"
#include "emulator/crypto/encoding.h"
#include "emulator/crypto/key_pool.h"
#include "emulator/harness/report.h"
#include "emulator/harness/vendor_process.h"

namespace mpemu::harness {
namespace {

namespace fs = std::filesystem;

constexpr int kExitFailed = 1;
constexpr int kExitCannotRun = 2;

// A free TCP port on 127.0.0.1 (the OS picks it; the vendor binds it moments later).
StatusOr<int> FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return UnavailableError("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return UnavailableError("cannot find a free port");
  }
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

std::string SelfDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path().string() : exe.parent_path().string();
}

bool HasAny(const std::vector<std::string>& have, const std::vector<std::string>& want) {
  for (const auto& w : want) {
    if (std::find(have.begin(), have.end(), w) != have.end()) return true;
  }
  return false;
}

// The attacker's host: serves the attacker's key where a vendor that trusts a token's iss, jku
// or x5u would look. Served by the emulator so that every hit is in the journal.
void AddAttackerRoutes(http::Pipeline& pipeline, const RunEnv& env) {
  pipeline.AddService({"attacker", {"/_attacker/"}, nullptr});
  const crypto::RsaKey key = *env.attacker_key;
  const std::string kid = env.attacker_kid;
  pipeline.AddRoute({"GET", "/_attacker/.*", "attacker.get", "attacker",
                     [key, kid](http::Request& request) -> StatusOr<http::Reply> {
                       const std::string& p = request.path;
                       if (p.size() >= 9 && p.substr(p.size() - 9) == "keys.json") {
                         return http::Reply::Json(200, {{kid, key.PublicPem()}});
                       }
                       if (p.find("jwks") != std::string::npos) {
                         return http::Reply::Json(200, {{"keys", {key.PublicJwk(kid)}}});
                       }
                       return http::Reply::Text(200, key.PublicPem());
                     },
                     {}, false});
}

}  // namespace

std::vector<const Scenario*> SelectScenarios(const std::vector<Scenario>& all, const RunOptions& options,
                                             const std::vector<std::string>& marketplaces) {
  std::vector<const Scenario*> out;
  for (const auto& s : all) {
    if (!marketplaces.empty() && std::find(marketplaces.begin(), marketplaces.end(), s.marketplace) == marketplaces.end()) {
      continue;
    }
    if (!options.tags.empty() && !HasAny(s.tags, options.tags)) continue;
    if (HasAny(s.tags, options.exclude_tags)) continue;
    if (!options.names.empty()) {
      bool match = false;
      for (const auto& n : options.names) match = match || s.id.find(n) != std::string::npos;
      if (!match) continue;
    }
    out.push_back(&s);
  }
  return out;
}

int RunConformance(const RunOptions& options, std::ostream& out, std::ostream& err) {
  const auto started = std::chrono::steady_clock::now();
  auto profile = LoadProfile(options.profile_path);
  if (!profile.ok()) {
    err << "mpemu run: bad vendor profile: " << profile.status().message() << "\n";
    return kExitCannotRun;
  }
  if (options.real_hostnames) profile->real_hostnames = true;
  std::vector<std::string> paths = options.scenario_paths;
  if (paths.empty()) paths.push_back("scenarios");
  auto scenarios = LoadScenarios(paths);
  if (!scenarios.ok()) {
    err << "mpemu run: cannot load scenarios:\n" << scenarios.status().message() << "\n";
    return kExitCannotRun;
  }
  std::vector<const Scenario*> selected = SelectScenarios(*scenarios, options, {});
  if (options.list) {
    for (const Scenario* s : selected) {
      const bool supported = std::find(profile->marketplaces.begin(), profile->marketplaces.end(), s->marketplace) !=
                             profile->marketplaces.end();
      const bool hosts_ok = !s->real_hostnames || profile->real_hostnames || options.real_hostnames;
      out << s->id << "  [" << s->severity << "] " << s->title << (supported ? "" : "  (skipped: not in profile)")
          << (hosts_ok ? "" : "  (skipped: needs --real-hostnames)") << "\n";
    }
    out << selected.size() << " scenario(s)\n";
    return 0;
  }
  if (selected.empty()) {
    err << "mpemu run: no scenario matches the filters\n";
    return kExitCannotRun;
  }

  // Where the vendor's log and files go.
  std::string work_dir = options.work_dir;
  if (work_dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "mpemu-run-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      err << "mpemu run: cannot create a temporary folder\n";
      return kExitCannotRun;
    }
    work_dir = tmpl;
  } else {
    std::error_code ec;
    fs::create_directories(work_dir, ec);
  }

  Vars vars;
  auto port = FreePort();
  if (!port.ok()) {
    err << "mpemu run: " << port.status().message() << "\n";
    return kExitCannotRun;
  }
  vars.Set("vendor", {{"port", *port}});
  vars.Set("paths", {{"bin", SelfDir()}, {"profile", profile->dir}, {"work", work_dir}});
  // Facts from the profile that scenarios refer to.
  vars.Set("profile", {{"name", profile->name},
                       {"clevercloud",
                        {{"sessionCookie", profile->clevercloud ? profile->clevercloud->session_cookie : ""}}}});
  std::string vendor_url = options.vendor_url;
  if (vendor_url.empty()) {
    auto expanded = vars.Expand(profile->url);
    if (!expanded.ok()) {
      err << "mpemu run: " << profile->file << ": url: " << expanded.status().message() << "\n";
      return kExitCannotRun;
    }
    vendor_url = *expanded;
  }
  while (!vendor_url.empty() && vendor_url.back() == '/') vendor_url.pop_back();
  vars.Set("vendor", {{"port", *port}, {"url", vendor_url}});

  // The emulator, in-process on a free port, sending customers to this vendor.
  app::EmulatorOptions emulator_options;
  const std::string config_file = !options.emulator_config.empty() ? options.emulator_config : profile->emulator_config;
  if (!config_file.empty()) {
    auto config = app::LoadConfigFile(config_file);
    if (!config.ok()) {
      err << "mpemu run: " << config.status().message() << "\n";
      return kExitCannotRun;
    }
    emulator_options.config = *config;
  }
  // Start-up needs several RSA keys and scenarios rotate more: generate them ahead, in parallel.
  emulator_options.keys = std::make_unique<crypto::KeyPool>(4, 2);
  emulator_options.config.server.port = 0;
  emulator_options.config.tls_port = 0;
  emulator_options.config.state_file.clear();
  if (profile->real_hostnames) {
    // The vendor's code knows only production URLs: the proxy serves them, tokens carry the
    // production issuer, and Pandium entry URLs name the production host.
    app::EmulatorConfig& c = emulator_options.config;
    c.proxy_port = 0;
    c.stackit.issuer = "production";
    const std::string pandium_host = app::PreferredHost(c.hosts, "pandium");
    if (!pandium_host.empty()) c.pandium.entry_origin = "https://" + pandium_host;
  }
  if (profile->stackit) {
    stackit::Config& st = emulator_options.config.stackit;
    st.signup_url = vendor_url + profile->stackit->signup_path;
    // The vendor's own project id replaces the default vendor project's, everywhere it is named.
    if (!profile->stackit->project_id.empty() && !st.vendor_projects.empty()) {
      const std::string old_id = st.vendor_projects.front().project_id;
      const std::string& new_id = profile->stackit->project_id;
      st.vendor_projects.front().project_id = new_id;
      for (auto& product : st.products) {
        if (product.vendor_project_id == old_id) product.vendor_project_id = new_id;
      }
      for (auto& sa : st.service_accounts) {
        if (sa.vendor_project_id == old_id) sa.vendor_project_id = new_id;
      }
      Status valid = stackit::Validate(st);
      if (!valid.ok()) {
        err << "mpemu run: " << profile->file << ": stackit.projectId: " << valid.message() << "\n";
        return kExitCannotRun;
      }
    }
  }
  nlohmann::json files = nlohmann::json::object();
  if (profile->clevercloud) {
    // The vendor's add-on manifest, with the run's URLs filled in: the emulator calls the vendor
    // where it says, and the vendor reads its credentials from the same file.
    std::ifstream in(profile->clevercloud->manifest);
    if (!in) {
      err << "mpemu run: " << profile->file << ": clevercloud.manifest: cannot read " << profile->clevercloud->manifest
          << "\n";
      return kExitCannotRun;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto expanded = vars.Expand(text);
    if (!expanded.ok()) {
      err << "mpemu run: " << profile->clevercloud->manifest << ": " << expanded.status().message() << "\n";
      return kExitCannotRun;
    }
    nlohmann::json manifest = nlohmann::json::parse(*expanded, nullptr, false);
    if (!manifest.is_object()) {
      err << "mpemu run: " << profile->clevercloud->manifest << ": not a JSON object\n";
      return kExitCannotRun;
    }
    emulator_options.config.clevercloud.manifest = manifest;
    const std::string path = (fs::path(work_dir) / "clevercloud-manifest.json").string();
    std::ofstream(path) << manifest.dump(2) << "\n";
    files["clevercloudManifest"] = path;
    vars.Set("manifest", manifest);
    const std::string user = manifest.value("id", "");
    const std::string password = manifest.contains("api") ? manifest["api"].value("password", "") : "";
    std::string upper = user;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    // Credential variants that templates cannot compute, for the Basic-auth scenarios.
    vars.Set("ccauth", {{"user", user},
                        {"userUpper", upper},
                        {"password", password},
                        {"passwordPrefix", password.empty() ? "" : password.substr(0, password.size() - 1)},
                        {"basic", "Basic " + crypto::Base64Encode(user + ":" + password)}});
  }
  auto created = app::Emulator::Create(std::move(emulator_options));
  if (!created.ok()) {
    err << "mpemu run: " << created.status().message() << "\n";
    return kExitCannotRun;
  }
  std::unique_ptr<app::Emulator> emulator = std::move(created).value();
  RunEnv env;
  env.emulator = emulator.get();
  env.profile = &*profile;
  env.vendor_url = vendor_url;
  auto attacker = emulator->env().keys->NewRsaKey();
  if (!attacker.ok()) {
    err << "mpemu run: " << attacker.status().message() << "\n";
    return kExitCannotRun;
  }
  env.attacker_key = *attacker;
  AddAttackerRoutes(emulator->pipeline(), env);
  Status started_ok = emulator->Start();
  if (started_ok.ok()) started_ok = emulator->WaitReady();
  if (!started_ok.ok()) {
    err << "mpemu run: the emulator did not start: " << started_ok.message() << "\n";
    return kExitCannotRun;
  }
  env.attacker_url = emulator->base_url() + "/_attacker";
  const nlohmann::json config = emulator->ConfigJson();
  vars.Set("emulator", {{"url", emulator->base_url()}, {"attackerUrl", env.attacker_url}});
  vars.Set("attacker", {{"url", env.attacker_url},
                        {"kid", env.attacker_kid},
                        {"keysUrl", env.attacker_url + "/v1/resolve-customer/keys.json"},
                        {"jwksUrl", env.attacker_url + "/jwks.json"},
                        {"certUrl", env.attacker_url + "/cert.pem"},
                        {"jwk", env.attacker_key->PublicJwk(env.attacker_kid)}});
  nlohmann::json stackit_vars = config.value("stackit", nlohmann::json::object());
  nlohmann::json clevercloud_vars = config.value("clevercloud", nlohmann::json::object());
  if (profile->real_hostnames) {
    const auto& hosts = emulator->config().hosts;
    auto url = [&](const char* kind, const std::string& path) {
      const std::string host = app::PreferredHost(hosts, kind);
      return host.empty() ? std::string() : "https://" + host + path;
    };
    stackit_vars["keysUrl"] = url("stackit.keys", "/v1/resolve-customer/keys.json");
    stackit_vars["apiUrl"] = url("stackit.api", "");
    stackit_vars["tokenUrl"] = url("stackit.token", "/token");
    clevercloud_vars["apiUrl"] = url("clevercloud.api", "/v2");
    // The CA alone (NODE_EXTRA_CA_CERTS adds it to Node's own list) and a bundle with the
    // system's CAs (the variables that replace the trust store).
    const std::string ca_path = (fs::path(work_dir) / "mpemu-ca.pem").string();
    const std::string bundle_path = (fs::path(work_dir) / "ca-bundle.pem").string();
    std::ofstream(ca_path) << emulator->ca()->cert_pem();
    std::ofstream bundle(bundle_path);
    bundle << emulator->ca()->cert_pem();
    std::ifstream system_cas("/etc/ssl/certs/ca-certificates.crt");
    if (system_cas) bundle << system_cas.rdbuf();
    bundle.close();
    files["caCert"] = ca_path;
    files["caBundle"] = bundle_path;
    vars.Set("proxy", {{"url", emulator->proxy_url()}});
    for (const auto& [host, kind] : hosts) env.host_routes[host] = emulator->base_url();
  }
  vars.Set("stackit", stackit_vars);
  vars.Set("clevercloud", clevercloud_vars);
  vars.Set("pandium", config.value("pandium", nlohmann::json::object()));

  // Files a vendor reads at start: the service-account key as STACKIT's portal hands it out.
  const auto& accounts = emulator->config().stackit.service_accounts;
  if (!accounts.empty()) {
    auto key = emulator->stackit().service().ServiceAccountKey(accounts.front().id);
    if (key.ok()) {
      const std::string path = (fs::path(work_dir) / "stackit-service-account-key.json").string();
      std::ofstream(path) << key->dump(2) << "\n";
      files["stackitServiceAccountKey"] = path;
    }
  }
  vars.Set("files", files);
  env.base_vars = vars.root();

  RunReport report;
  report.profile = profile->name;
  report.vendor_url = vendor_url;
  report.emulator_url = emulator->base_url();

  std::unique_ptr<VendorProcess> vendor;
  if (profile->start && options.vendor_url.empty()) {
    const VendorStart& start = *profile->start;
    std::vector<std::string> argv;
    std::map<std::string, std::string> vendor_env;
    Status expand = Status::Ok();
    for (const auto& [name, file] : start.files) {
      auto content = vars.Expand(file.content);
      if (!content.ok()) {
        err << "mpemu run: " << profile->file << ": start.files." << name << ": " << content.status().message() << "\n";
        return kExitCannotRun;
      }
      const fs::path path = fs::path(work_dir) / file.path;
      std::error_code ec;
      fs::create_directories(path.parent_path(), ec);
      std::ofstream(path) << *content;
      files[name] = path.string();
    }
    vars.Set("files", files);
    for (const auto& a : start.command) {
      auto v = vars.Expand(a);
      if (!v.ok()) expand = v.status();
      else argv.push_back(*v);
    }
    for (const auto& [k, v] : start.env) {
      auto e = vars.Expand(v);
      if (!e.ok()) expand = e.status().WithContext("env " + k);
      else vendor_env[k] = *e;
    }
    if (profile->real_hostnames) {
      // What a vendor's HTTP stack reads to use a proxy and trust a CA; the profile's own
      // env wins. Loopback stays direct (the vendor's own URLs, the harness).
      const std::string proxy = emulator->proxy_url();
      const std::string bundle = files["caBundle"].get<std::string>();
      for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
               {"HTTPS_PROXY", proxy}, {"https_proxy", proxy}, {"HTTP_PROXY", proxy}, {"http_proxy", proxy},
               {"NO_PROXY", "127.0.0.1,localhost,::1"}, {"no_proxy", "127.0.0.1,localhost,::1"},
               {"REQUESTS_CA_BUNDLE", bundle}, {"SSL_CERT_FILE", bundle}, {"CURL_CA_BUNDLE", bundle},
               {"NODE_EXTRA_CA_CERTS", files["caCert"].get<std::string>()}}) {
        vendor_env.try_emplace(k, v);
      }
    }
    std::string cwd = start.cwd.empty() ? profile->dir : start.cwd;
    if (expand.ok()) {
      auto c = vars.Expand(cwd);
      if (c.ok()) cwd = *c;
    }
    if (!expand.ok()) {
      err << "mpemu run: " << profile->file << ": start: " << expand.message() << "\n";
      return kExitCannotRun;
    }
    report.vendor_log = (fs::path(work_dir) / "vendor.log").string();
    auto process = VendorProcess::Start(argv, vendor_env, cwd, report.vendor_log);
    if (!process.ok()) {
      err << "mpemu run: " << process.status().message() << "\n";
      return kExitCannotRun;
    }
    vendor = std::move(process).value();
    Status ready = vendor->WaitReady(vendor_url + start.ready_path, start.ready_timeout_ms);
    if (!ready.ok()) {
      err << "mpemu run: " << ready.message() << "\n";
      return kExitCannotRun;
    }
  } else {
    http::ClientOptions probe_options;
    probe_options.connect_timeout_ms = 1000;
    auto split = http::SplitUrl(vendor_url);
    auto probe = split.ok() ? http::Client(split->first, probe_options).Get(split->second.empty() ? "/" : split->second)
                            : StatusOr<http::Response>(split.status());
    if (!probe.ok()) {
      err << "mpemu run: the vendor at " << vendor_url << " does not answer (" << probe.status().message()
          << "); start it, or give the profile a start: section\n";
      return kExitCannotRun;
    }
  }

  const bool tty = ::isatty(STDOUT_FILENO) && &out == &std::cout;
  out << "mpemu run: " << selected.size() << " scenario(s) against " << profile->name << " at " << vendor_url
      << " (emulator " << emulator->base_url() << ")\n";
  if (profile->real_hostnames) {
    out << "mpemu run: real hostnames through the proxy " << emulator->proxy_url() << ", CA "
        << files.value("caCert", "") << "\n";
  }
  size_t index = 0;
  bool stop = false;
  for (const Scenario* s : selected) {
    ++index;
    ScenarioResult result;
    result.scenario = s;
    if (stop) {
      result.outcome = Outcome::kSkipped;
      result.error = "not run (--fail-fast)";
      report.results.push_back(std::move(result));
      continue;
    }
    if (std::find(profile->marketplaces.begin(), profile->marketplaces.end(), s->marketplace) ==
        profile->marketplaces.end()) {
      result.outcome = Outcome::kSkipped;
      result.error = "the profile does not implement " + s->marketplace;
      report.results.push_back(std::move(result));
      continue;
    }
    if (s->real_hostnames && !profile->real_hostnames) {
      result.outcome = Outcome::kSkipped;
      result.error = "needs the production hostnames (mpemu run --real-hostnames)";
      report.results.push_back(std::move(result));
      continue;
    }
    if (tty) out << "\r\033[K[" << index << "/" << selected.size() << "] " << s->id << std::flush;
    const auto t0 = std::chrono::steady_clock::now();
    RunContext ctx(env, s->variant);
    for (const auto& step : s->steps) {
      if (vendor && !vendor->Running()) {
        result.outcome = Outcome::kError;
        result.error = "the vendor process exited during the scenario; its log ends with:\n" + vendor->LogTail();
        break;
      }
      Status status = step->Run(ctx);
      if (status.ok()) continue;
      if (ctx.failure()) {
        result.failure = ctx.failure();
        result.outcome = s->severity == "should" && !options.strict ? Outcome::kWarning : Outcome::kFailed;
      } else {
        result.outcome = Outcome::kError;
        result.error = step->where().ToString() + ": " + step->type() + ": " + status.message();
      }
      break;
    }
    emulator->faults().Clear();
    emulator->ClearTlsFaults();
    if (ctx.keys_disturbed() && profile->stackit && profile->stackit->keys_refetch_cooldown_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(profile->stackit->keys_refetch_cooldown_ms));
    }
    result.millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    result.log = ctx.log();
    if (tty) out << "\r\033[K";
    PrintResult(out, result, tty, options.verbose);
    if (options.fail_fast && (result.outcome == Outcome::kFailed || result.outcome == Outcome::kError)) stop = true;
    report.results.push_back(std::move(result));
  }
  if (vendor) vendor->Stop();
  emulator->Stop();
  report.millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  PrintSummary(out, report, tty, options.strict);

  int code = 0;
  if (report.Count(Outcome::kFailed) > 0 || report.Count(Outcome::kError) > 0) code = kExitFailed;
  if (options.strict && report.Count(Outcome::kWarning) > 0) code = kExitFailed;
  if (!options.junit_path.empty()) {
    Status s = WriteJunitReport(options.junit_path, report);
    if (!s.ok()) {
      err << "mpemu run: " << s.message() << "\n";
      code = kExitCannotRun;
    }
  }
  if (!options.json_path.empty()) {
    Status s = WriteJsonReport(options.json_path, report);
    if (!s.ok()) {
      err << "mpemu run: " << s.message() << "\n";
      code = kExitCannotRun;
    }
  }
  return code;
}

}  // namespace mpemu::harness
