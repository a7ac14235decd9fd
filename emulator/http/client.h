// An HTTP client for the CLI, the harness and calls the emulator makes to vendors.
// Keeps its connection alive between calls; not thread-safe (one per thread).
#ifndef MPEMU_EMULATOR_HTTP_CLIENT_H_
#define MPEMU_EMULATOR_HTTP_CLIENT_H_

#include <memory>
#include <string>

#include "emulator/core/status.h"
#include "emulator/http/message.h"

namespace mpemu::http {

struct ClientOptions {
  int connect_timeout_ms = 2000;
  int read_timeout_ms = 10000;
  bool keep_alive = true;
};

struct Response {
  int status = 0;
  Headers headers;
  std::string body;
  std::string Header(const std::string& name) const;
  // The body parsed as JSON, or InvalidArgument naming the byte offset.
  StatusOr<nlohmann::json> Json() const;
};

class Client {
 public:
  // `base_url` is "http://host:port" (or https://); paths given to Send are appended.
  explicit Client(const std::string& base_url, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Any reply, whatever its status, is a Response; Unavailable / DeadlineExceeded when no reply
  // came (refused, reset, timed out), with the URL in the message.
  StatusOr<Response> Send(const std::string& method, const std::string& path_and_query,
                          const Headers& headers = {}, const std::string& body = "",
                          const std::string& content_type = "");
  StatusOr<Response> Get(const std::string& path, const Headers& headers = {}) {
    return Send("GET", path, headers);
  }
  StatusOr<Response> PostJson(const std::string& path, const nlohmann::json& body,
                              const Headers& headers = {}) {
    return Send("POST", path, headers, body.dump(), "application/json");
  }

  const std::string& base_url() const { return base_url_; }

 private:
  struct Impl;
  std::string base_url_;
  std::unique_ptr<Impl> impl_;
};

// Splits "http://host:port/path?q" into "http://host:port" and "/path?q".
StatusOr<std::pair<std::string, std::string>> SplitUrl(const std::string& url);

}  // namespace mpemu::http

#endif  // MPEMU_EMULATOR_HTTP_CLIENT_H_
