#include "emulator/cli/remote.h"

#include <cstdio>
#include <cstdlib>

#include "emulator/cli/commands.h"
#include "emulator/http/client.h"

namespace mpemu::cli {

std::string DefaultEmulatorUrl() {
  const char* env = std::getenv("MPEMU_URL");
  return env && *env ? env : "http://127.0.0.1:8900";
}

Target TargetOf(CLI::App& root) {
  Target t;
  t.url = DefaultEmulatorUrl();
  CLI::Option* url = root.get_option_no_throw("--url");
  if (url != nullptr && url->count() > 0) t.url = url->as<std::string>();
  CLI::Option* json = root.get_option_no_throw("--json");
  t.json = json != nullptr && json->count() > 0;
  return t;
}

std::string StringMember(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

std::optional<nlohmann::json> CallEmulator(const Target& t, const std::string& method, const std::string& path,
                                           const nlohmann::json& body, int* exit_code, int read_timeout_ms,
                                           const http::Headers& headers) {
  http::Client client(t.url, http::ClientOptions{2000, read_timeout_ms, false});
  StatusOr<http::Response> r = body.is_null()
                                   ? client.Send(method, path, headers)
                                   : client.Send(method, path, headers, body.dump(), "application/json");
  if (!r.ok()) {
    std::fprintf(stderr,
                 "mpemu: cannot reach the emulator at %s: %s\n(start one with `mpemu serve`, or "
                 "pass --url / set MPEMU_URL)\n",
                 t.url.c_str(), r.status().message().c_str());
    if (exit_code) *exit_code = kExitUsage;
    return std::nullopt;
  }
  nlohmann::json parsed =
      r->body.empty() ? nlohmann::json() : nlohmann::json::parse(r->body, nullptr, false);
  if (r->status >= 400) {
    const std::string message = StringMember(parsed, "message");
    std::fprintf(stderr, "mpemu: %s %s -> %d: %s\n", method.c_str(), path.c_str(), r->status,
                 message.empty() ? r->body.c_str() : message.c_str());
    if (exit_code) *exit_code = kExitFailed;
    return std::nullopt;
  }
  return parsed;
}

}  // namespace mpemu::cli
