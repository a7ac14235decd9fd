// The proxy front: POSIX sockets, one thread per connection, poll() for every wait.
//
// Every socket is non-blocking and every wait also polls a "stop pipe" that Stop() makes readable
// for good, so that Stop() wakes each thread wherever it is and can join it promptly. The timeouts
// here are transport deadlines on the monotonic clock, not emulated time, so they do not go through
// the injected core Clock.
#include "emulator/http/proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <list>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "emulator/http/message.h"

namespace mpemu::http {
namespace {

constexpr size_t kMaxEventTargetBytes = 512;
constexpr size_t kChunkBytes = 16 * 1024;
constexpr int kBackendConnectTimeoutMs = 5000;
// After answering a refusal the proxy reads and discards what the client still sends, for at most
// this long / this much: closing a socket with unread input sends a RST, which can destroy the
// answer in flight before the client has read it.
constexpr int kLingerMs = 1000;
constexpr size_t kLingerBytes = 256 * 1024;
constexpr int kAnswerTimeoutMs = 5000;

using SteadyClock = std::chrono::steady_clock;

// Owns a file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

int TimeoutMs(int seconds) {
  if (seconds <= 0) return -1;  // poll(): no limit
  return seconds >= INT_MAX / 1000 ? INT_MAX : seconds * 1000;
}

// Milliseconds left until `deadline` (at least 0), or -1 for "no deadline".
int MsUntil(const std::optional<SteadyClock::time_point>& deadline) {
  if (!deadline) return -1;
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - SteadyClock::now()).count();
  if (left <= 0) return 0;
  return left > INT_MAX ? INT_MAX : static_cast<int>(left);
}

std::optional<SteadyClock::time_point> DeadlineIn(int timeout_ms) {
  if (timeout_ms < 0) return std::nullopt;
  return SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
}

// Waits until `fd` reports one of `events` (or an error/hangup). Returns false on timeout, when the
// stop pipe became readable, or when poll() failed.
bool WaitFor(int fd, short events, int timeout_ms, int stop_fd) {
  pollfd fds[2] = {{fd, events, 0}, {stop_fd, POLLIN, 0}};
  for (;;) {
    const int rc = ::poll(fds, 2, timeout_ms);
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0 || fds[1].revents != 0) return false;
    return fds[0].revents != 0;
  }
}

void SetNoDelay(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

std::string AddressText(const sockaddr_storage& addr) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(addr).sin_addr, text, sizeof(text));
  } else if (addr.ss_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(addr).sin6_addr, text,
                sizeof(text));
  }
  return text;
}

std::string ErrnoText(int error) { return std::strerror(error); }

// --- Parsing the first request -------------------------------------------------------------------

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// RFC 9110 5.6.2 tchar.
bool IsTokenChar(char c) {
  return IsAlpha(c) || IsDigit(c) || (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

// Visible US-ASCII: what a request target may consist of (anything else must be %-encoded).
bool IsVisible(char c) { return c > 0x20 && c < 0x7f; }

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Truncate(std::string_view text, size_t max_bytes) {
  return std::string(text.substr(0, max_bytes));
}

struct RequestLine {
  std::string method;
  std::string target;
};

// `METHOD SP TARGET SP HTTP/1.x` exactly (RFC 9112 3), without the CRLF.
std::optional<RequestLine> ParseRequestLine(std::string_view line) {
  const size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos || sp1 == 0) return std::nullopt;
  const size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || sp2 == sp1 + 1) return std::nullopt;
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  for (char c : method) {
    if (!IsTokenChar(c)) return std::nullopt;
  }
  for (char c : target) {
    if (!IsVisible(c)) return std::nullopt;
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return std::nullopt;
  return RequestLine{std::string(method), std::string(target)};
}

// Whether `prefix`, the start of a request line whose CRLF has not arrived yet, can still become
// one. Lets binary junk get its 400 at once instead of after the head timeout.
bool CouldStartRequestLine(std::string_view prefix) {
  for (size_t i = 0; i < prefix.size(); ++i) {
    const char c = prefix[i];
    if (c == '\r' && i + 1 == prefix.size()) return true;  // the CR of the CRLF
    if (c != ' ' && !IsVisible(c)) return false;
  }
  return true;
}

struct Authority {
  std::string host;  // lower case, no brackets, no trailing dot
  int port = -1;     // -1: absent or empty
};

// Parses `host[:port]` or `[v6]:port` into `out`; on failure returns false with `error` set.
bool ParseAuthority(std::string_view text, Authority* out, std::string* error) {
  std::string_view host;
  std::string_view port;
  bool has_port = false;
  bool bracketed = false;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) {
      *error = "unterminated IPv6 literal";
      return false;
    }
    host = text.substr(1, close - 1);
    bracketed = true;
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        *error = "unexpected characters after the IPv6 literal";
        return false;
      }
      has_port = true;
      port = rest.substr(1);
    }
  } else {
    const size_t colon = text.rfind(':');
    host = text.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port = text.substr(colon + 1);
    }
    if (host.find(':') != std::string_view::npos) {
      *error = "IPv6 addresses must be written in brackets";
      return false;
    }
  }
  for (char c : host) {
    const bool ok =
        bracketed ? (IsDigit(c) || std::strchr("abcdefABCDEF:.", c) != nullptr)
                  : (IsAlpha(c) || IsDigit(c) || std::strchr("-._~%!$&'()*+,;=", c) != nullptr);
    if (!ok || c == '\0') {
      *error = "invalid character in host";
      return false;
    }
  }
  std::string normalized = Lower(host);
  if (!bracketed && !normalized.empty() && normalized.back() == '.') normalized.pop_back();
  if (normalized.empty()) {
    *error = "empty host";
    return false;
  }
  int port_number = -1;
  if (has_port && !port.empty()) {
    if (port.size() > 5) {
      *error = "invalid port";
      return false;
    }
    port_number = 0;
    for (char c : port) {
      if (!IsDigit(c)) {
        *error = "invalid port";
        return false;
      }
      port_number = port_number * 10 + (c - '0');
    }
    if (port_number < 1 || port_number > 65535) {
      *error = "invalid port";
      return false;
    }
  }
  out->host = std::move(normalized);
  out->port = port_number;
  return true;
}

std::string HostPort(const std::string& host, int port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// The answer the proxy writes itself.
std::string AnswerBytes(int status, const std::string& message) {
  const std::string body = message + "\n";
  return "HTTP/1.1 " + std::to_string(status) + " " + ReasonPhrase(status) +
         "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

// Where an accepted first request goes.
enum class Backend { kNone, kTls, kPlain };

struct Decision {
  int status = 400;  // 200: relay to `backend`
  std::string message;
  std::string host;
  Backend backend = Backend::kNone;
};

}  // namespace

// --- The server ----------------------------------------------------------------------------------

struct ProxyServer::Impl {
  struct Worker {
    std::thread thread;
    std::atomic<bool> done{false};
  };

  enum class HeadResult { kComplete, kTooLarge, kBadLine, kGone };

  Impl(ProxyOptions o, std::function<bool(const std::string&)> emulated, std::string description,
       std::function<void(const ProxyEvent&)> event)
      : options(std::move(o)),
        is_emulated(std::move(emulated)),
        hosts_description(std::move(description)),
        on_event(std::move(event)) {}

  Status Start();
  void Stop();
  void AcceptLoop();
  void ReapFinishedWorkers();
  void ServeConnection(Fd client, const std::string& remote_addr);
  HeadResult ReadHead(int fd, std::string* buffer, size_t* head_end);
  Decision Decide(const RequestLine& line);
  Fd ConnectBackend(int port, std::string* error);
  void Relay(int client, int backend, std::string to_backend, std::string to_client);
  void Answer(int fd, int status, const std::string& message);
  void Emit(ProxyEvent event);

  // A null predicate emulates nothing.
  bool Emulated(const std::string& host) const { return is_emulated && is_emulated(host); }

  std::string Refusal(const std::string& what, const std::string& host_port) const {
    return "mpemu proxy: refusing " + what + " to " + host_port +
           ": mpemu does not emulate this host and never forwards traffic to the internet. "
           "Emulated hosts: " +
           hosts_description;
  }

  const ProxyOptions options;
  const std::function<bool(const std::string&)> is_emulated;
  const std::string hosts_description;
  const std::function<void(const ProxyEvent&)> on_event;

  int port = 0;
  Fd listener;
  Fd stop_read;  // readable once Stop() was called
  Fd stop_write;
  std::thread accept_thread;
  std::list<Worker> workers;  // the accept thread's, until Stop() joined it

  std::mutex relays_mutex;    // guards relaying
  std::set<int> relaying;      // client and backend descriptors of the relays running now

  std::mutex lifecycle_mutex;  // guards started/stopped
  bool started = false;
  bool stopped = false;
};

Status ProxyServer::Impl::Start() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex);
  if (started || stopped) {
    return FailedPreconditionError("the proxy was already started or stopped");
  }
  const std::string where = options.host + ":" + std::to_string(options.port);

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    return UnavailableError("cannot listen on " + where + ": " + ErrnoText(errno));
  }
  stop_read = Fd(pipe_fds[0]);
  stop_write = Fd(pipe_fds[1]);

  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const int gai =
      ::getaddrinfo(options.host.c_str(), std::to_string(options.port).c_str(), &hints, &found);
  if (gai != 0) return UnavailableError("cannot listen on " + where + ": " + ::gai_strerror(gai));
  std::string error = "no address";
  for (addrinfo* a = found; a != nullptr && !listener.valid(); a = a->ai_next) {
    Fd fd(::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    if (!fd.valid()) {
      error = ErrnoText(errno);
      continue;
    }
    // Lets a restarted emulator rebind while old connections sit in TIME_WAIT; a port with a live
    // listener still fails with EADDRINUSE.
    const int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (::bind(fd.get(), a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd.get(), SOMAXCONN) != 0) {
      error = ErrnoText(errno);
      continue;
    }
    listener = std::move(fd);
  }
  ::freeaddrinfo(found);
  if (!listener.valid()) {
    return UnavailableError("cannot listen on " + where + ": " + error +
                            (options.port != 0 ? " (in use? try port 0)" : ""));
  }
  sockaddr_storage bound = {};
  socklen_t length = sizeof(bound);
  if (::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&bound), &length) != 0) {
    return UnavailableError("cannot listen on " + where + ": " + ErrnoText(errno));
  }
  port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                           : reinterpret_cast<sockaddr_in&>(bound).sin_port);
  accept_thread = std::thread([this] { AcceptLoop(); });
  started = true;
  return Status::Ok();
}

void ProxyServer::Impl::Stop() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex);
  if (stopped) return;
  stopped = true;
  if (!started) return;
  const char byte = 's';
  // The pipe stays readable from here on: every poll() in every thread returns.
  while (::write(stop_write.get(), &byte, 1) < 0 && errno == EINTR) {
  }
  if (accept_thread.joinable()) accept_thread.join();
  listener.Reset();  // connections still in the backlog are reset
  for (Worker& w : workers) {
    if (w.thread.joinable()) w.thread.join();
  }
  workers.clear();
}

void ProxyServer::Impl::ReapFinishedWorkers() {
  for (auto it = workers.begin(); it != workers.end();) {
    if (it->done.load()) {
      if (it->thread.joinable()) it->thread.join();
      it = workers.erase(it);
    } else {
      ++it;
    }
  }
}

void ProxyServer::Impl::AcceptLoop() {
  for (;;) {
    if (!WaitFor(listener.get(), POLLIN, -1, stop_read.get())) {
      // Stop() was called (poll itself does not fail on valid descriptors).
      return;
    }
    sockaddr_storage addr = {};
    socklen_t length = sizeof(addr);
    const int accepted = ::accept4(listener.get(), reinterpret_cast<sockaddr*>(&addr), &length,
                                   SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (accepted < 0) {
      // Out of descriptors or memory: back off instead of spinning on the readable listener.
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        WaitFor(stop_read.get(), POLLIN, 100, stop_read.get());
      }
      continue;
    }
    Fd client(accepted);
    SetNoDelay(client.get());
    try {
      const std::string remote_addr = AddressText(addr);
      ReapFinishedWorkers();
      if (workers.size() >= options.max_connections) {
        // Answered here without a thread; the client's request is not read.
        ProxyEvent event;
        event.status = 503;
        event.message = "mpemu proxy: too many open connections (limit " +
                        std::to_string(options.max_connections) + ")";
        event.remote_addr = remote_addr;
        Emit(event);
        const std::string bytes = AnswerBytes(503, event.message);
        ::send(client.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        ::shutdown(client.get(), SHUT_WR);
        continue;
      }
      workers.emplace_back();
      Worker& worker = workers.back();
      try {
        worker.thread = std::thread([this, &worker, fd = std::move(client), remote_addr]() mutable {
          try {
            ServeConnection(std::move(fd), remote_addr);
          } catch (...) {
            // A connection costs at most itself; its descriptors close on unwinding.
          }
          worker.done = true;
        });
      } catch (...) {
        workers.pop_back();  // no thread: the moved-in descriptor was closed with the lambda
      }
    } catch (...) {
      // bad_alloc and the like: drop this connection, keep accepting.
    }
  }
}

void ProxyServer::Impl::Emit(ProxyEvent event) {
  event.target = Truncate(event.target, kMaxEventTargetBytes);
  if (on_event) on_event(event);
}

void ProxyServer::Impl::ServeConnection(Fd client, const std::string& remote_addr) {
  std::string buffer;
  size_t head_end = 0;
  const HeadResult result = ReadHead(client.get(), &buffer, &head_end);
  if (result == HeadResult::kGone) return;

  ProxyEvent event;
  event.remote_addr = remote_addr;
  const size_t line_end = buffer.find("\r\n");
  std::optional<RequestLine> line;
  if (line_end != std::string::npos) {
    line = ParseRequestLine(std::string_view(buffer).substr(0, line_end));
  }
  if (line) {
    event.method = line->method;
    event.target = line->target;
  }
  if (result == HeadResult::kTooLarge) {
    event.status = 431;
    event.message = "mpemu proxy: the request head exceeds " +
                    std::to_string(options.max_head_bytes) + " bytes";
  } else if (result == HeadResult::kBadLine || !line) {
    event.status = 400;
    event.message = "mpemu proxy: malformed request line";
  } else {
    Decision decision = Decide(*line);
    event.host = decision.host;
    event.status = decision.status;
    event.message = decision.message;
    if (decision.status == 200) {
      const bool tunnel = decision.backend == Backend::kTls;
      const int backend_port = tunnel ? options.tls_backend_port : options.plain_backend_port;
      const std::string backend_name = tunnel ? "TLS backend" : "plain HTTP backend";
      std::string error;
      Fd backend = ConnectBackend(backend_port, &error);
      if (backend.valid()) {
        Emit(event);
        if (tunnel) {
          // Bytes the client sent right behind the CONNECT head (a TLS ClientHello) belong to the
          // tunnel.
          Relay(client.get(), backend.get(), buffer.substr(head_end),
                "HTTP/1.1 200 Connection Established\r\n\r\n");
        } else {
          // The head goes out exactly as received. Later requests on this keep-alive connection
          // are relayed unchecked: the plain backend refuses hosts it does not emulate itself.
          Relay(client.get(), backend.get(), std::move(buffer), "");
        }
        return;
      }
      event.status = 502;
      event.message = "mpemu proxy: the emulator's " + backend_name +
                      " (127.0.0.1:" + std::to_string(backend_port) +
                      ") is not reachable: " + error;
    }
  }
  Emit(event);
  Answer(client.get(), event.status, event.message);
}

ProxyServer::Impl::HeadResult ProxyServer::Impl::ReadHead(int fd, std::string* buffer,
                                                          size_t* head_end) {
  const auto deadline = DeadlineIn(TimeoutMs(options.head_timeout_seconds));
  std::vector<char> chunk(kChunkBytes);
  bool line_checked = false;
  for (;;) {
    if (!line_checked) {
      const size_t line_end = buffer->find("\r\n");
      if (line_end == std::string::npos) {
        if (!CouldStartRequestLine(*buffer)) return HeadResult::kBadLine;
      } else {
        if (!ParseRequestLine(std::string_view(*buffer).substr(0, line_end))) {
          return HeadResult::kBadLine;
        }
        line_checked = true;
      }
    }
    const size_t end = buffer->find("\r\n\r\n");
    if (end != std::string::npos) {
      *head_end = end + 4;
      return *head_end > options.max_head_bytes ? HeadResult::kTooLarge : HeadResult::kComplete;
    }
    if (buffer->size() > options.max_head_bytes) return HeadResult::kTooLarge;

    const int left = MsUntil(deadline);
    if (left == 0 || !WaitFor(fd, POLLIN, left, stop_read.get())) return HeadResult::kGone;
    const ssize_t n = ::recv(fd, chunk.data(), chunk.size(), 0);
    if (n > 0) {
      buffer->append(chunk.data(), static_cast<size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      return HeadResult::kGone;  // closed (or reset) before a complete head: nothing to answer
    }
  }
}

Decision ProxyServer::Impl::Decide(const RequestLine& line) {
  Decision d;
  const std::string& target = line.target;
  const size_t scheme_end = target.find("://");
  bool has_scheme = scheme_end != std::string::npos && scheme_end > 0 && IsAlpha(target[0]);
  for (size_t i = 0; has_scheme && i < scheme_end; ++i) {
    const char c = target[i];
    has_scheme = IsAlpha(c) || IsDigit(c) || c == '+' || c == '-' || c == '.';
  }
  const std::string scheme =
      has_scheme ? Lower(std::string_view(target).substr(0, scheme_end)) : "";

  if (line.method == "CONNECT") {
    Authority authority;
    std::string error;
    if (has_scheme || target.front() == '/' || target == "*") {
      error = "CONNECT takes host:port, not a URL or path";
    } else if (ParseAuthority(target, &authority, &error) && authority.port < 0) {
      error = "missing port";
    }
    if (!error.empty()) {
      d.message = "mpemu proxy: bad CONNECT target \"" + Truncate(target, kMaxEventTargetBytes) +
                  "\": " + error + " (expected host:443)";
      return d;
    }
    d.host = authority.host;
    const std::string host_port = HostPort(authority.host, authority.port);
    d.status = 403;
    if (!Emulated(authority.host)) {
      d.message = Refusal("CONNECT", host_port);
    } else if (authority.port != 443) {
      d.message = "mpemu proxy: refusing CONNECT to " + host_port +
                  ": mpemu serves the emulated hosts on port 443 only";
    } else {
      d.status = 200;
      d.backend = Backend::kTls;
    }
    return d;
  }

  if (has_scheme) {
    // The authority runs up to the path, query or fragment.
    const std::string_view rest = std::string_view(target).substr(scheme_end + 3);
    const std::string_view authority_text = rest.substr(0, rest.find_first_of("/?#"));
    Authority authority;
    std::string error;
    const bool parsed = authority_text.find('@') == std::string_view::npos &&
                        ParseAuthority(authority_text, &authority, &error);
    if (parsed) d.host = authority.host;
    if (scheme == "https") {
      d.message =
          "mpemu proxy: an https:// URL cannot be sent to the proxy as a plain request; "
          "clients reach https:// through a CONNECT tunnel (set HTTPS_PROXY)";
      return d;
    }
    if (scheme != "http") {
      d.message = "mpemu proxy: unsupported scheme \"" + scheme +
                  "\": the proxy takes http:// URLs and CONNECT host:443";
      return d;
    }
    if (!parsed) {
      d.message = "mpemu proxy: bad URL \"" + Truncate(target, kMaxEventTargetBytes) +
                  "\": " + (error.empty() ? "user info is not supported" : error);
      return d;
    }
    const int port = authority.port < 0 ? 80 : authority.port;
    const std::string host_port = HostPort(authority.host, port);
    d.status = 403;
    if (!Emulated(authority.host)) {
      d.message = Refusal(line.method, host_port);
    } else if (port != 80) {
      d.message = "mpemu proxy: refusing " + line.method + " to " + host_port +
                  ": mpemu serves the emulated hosts over plain HTTP on port 80 only";
    } else {
      d.status = 200;
      d.backend = Backend::kPlain;
    }
    return d;
  }

  if (target.front() == '/' || target == "*") {
    d.message =
        "mpemu proxy: this port is an HTTP proxy: send absolute-form URLs "
        "(GET http://host/path) or CONNECT host:443, e.g. via HTTP_PROXY/HTTPS_PROXY";
  } else {
    d.message = "mpemu proxy: unsupported request target for " + line.method +
                ": the proxy takes absolute-form http:// URLs and CONNECT host:443";
  }
  return d;
}

Fd ProxyServer::Impl::ConnectBackend(int backend_port, std::string* error) {
  if (backend_port <= 0 || backend_port > 65535) {
    *error = "no backend configured";
    return Fd();
  }
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    *error = ErrnoText(errno);
    return Fd();
  }
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(backend_port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    if (errno != EINPROGRESS) {
      *error = ErrnoText(errno);
      return Fd();
    }
    if (!WaitFor(fd.get(), POLLOUT, kBackendConnectTimeoutMs, stop_read.get())) {
      *error = "connect timed out";
      return Fd();
    }
    int so_error = 0;
    socklen_t length = sizeof(so_error);
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &so_error, &length);
    if (so_error != 0) {
      *error = ErrnoText(so_error);
      return Fd();
    }
  }
  SetNoDelay(fd.get());
  return fd;
}

void ProxyServer::Impl::Relay(int client, int backend, std::string to_backend,
                              std::string to_client) {
  // Registered while relaying, so that CloseConnections() can end it; unregistered before the
  // caller closes the descriptors (so a shutdown() never hits a reused number).
  struct Registration {
    Impl* impl;
    int fds[2];
    Registration(Impl* i, int a, int b) : impl(i), fds{a, b} {
      std::lock_guard<std::mutex> lock(impl->relays_mutex);
      impl->relaying.insert(fds[0]);
      impl->relaying.insert(fds[1]);
    }
    ~Registration() {
      std::lock_guard<std::mutex> lock(impl->relays_mutex);
      impl->relaying.erase(fds[0]);
      impl->relaying.erase(fds[1]);
    }
  } registration(this, client, backend);
  // One direction of the relay. At most one chunk is in flight per direction, so a slow reader
  // holds back the writer (TCP flow control) instead of growing a buffer.
  struct Flow {
    int from;
    int to;
    std::string pending;
    size_t sent = 0;
    bool eof = false;   // `from` sent FIN
    bool shut = false;  // FIN passed on to `to`
  };
  Flow up{client, backend, std::move(to_backend)};
  Flow down{backend, client, std::move(to_client)};
  const int idle_ms = TimeoutMs(options.idle_timeout_seconds);
  std::vector<char> chunk(kChunkBytes);

  for (;;) {
    for (Flow* f : {&up, &down}) {
      if (f->eof && f->sent == f->pending.size() && !f->shut) {
        // Half-close: the other direction keeps flowing until its sender is done too.
        ::shutdown(f->to, SHUT_WR);
        f->shut = true;
      }
    }
    if (up.shut && down.shut) return;

    short client_events = 0;
    short backend_events = 0;
    auto want = [](const Flow& f, short* from_events, short* to_events) {
      if (f.sent < f.pending.size()) {
        *to_events |= POLLOUT;
      } else if (!f.eof) {
        *from_events |= POLLIN;
      }
    };
    want(up, &client_events, &backend_events);
    want(down, &backend_events, &client_events);
    // A descriptor with nothing to wait for is left out (fd -1): poll() would report its hangup
    // over and over.
    pollfd fds[3] = {{client_events != 0 ? client : -1, client_events, 0},
                     {backend_events != 0 ? backend : -1, backend_events, 0},
                     {stop_read.get(), POLLIN, 0}};
    const int rc = ::poll(fds, 3, idle_ms);
    if (rc < 0 && errno == EINTR) continue;
    // Nothing moved for idle_timeout_seconds (or poll failed), or Stop() was called.
    if (rc <= 0 || fds[2].revents != 0) return;

    for (Flow* f : {&up, &down}) {
      const short from_revents = f->from == client ? fds[0].revents : fds[1].revents;
      const short to_revents = f->to == client ? fds[0].revents : fds[1].revents;
      if (f->sent < f->pending.size()) {
        if (to_revents == 0) continue;
        const ssize_t n =
            ::send(f->to, f->pending.data() + f->sent, f->pending.size() - f->sent, MSG_NOSIGNAL);
        if (n > 0) {
          f->sent += static_cast<size_t>(n);
          if (f->sent == f->pending.size()) {
            f->pending.clear();
            f->sent = 0;
          }
        } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          return;  // the receiver is gone: nothing more can be delivered either way
        }
      } else if (!f->eof && from_revents != 0) {
        const ssize_t n = ::recv(f->from, chunk.data(), chunk.size(), 0);
        if (n > 0) {
          f->pending.assign(chunk.data(), static_cast<size_t>(n));
        } else if (n == 0) {
          f->eof = true;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          return;  // reset
        }
      }
    }
  }
}

void ProxyServer::Impl::Answer(int fd, int status, const std::string& message) {
  const std::string bytes = AnswerBytes(status, message);
  const auto deadline = DeadlineIn(kAnswerTimeoutMs);
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      const int left = MsUntil(deadline);
      if (left == 0 || !WaitFor(fd, POLLOUT, left, stop_read.get())) return;
    } else {
      return;
    }
  }
  ::shutdown(fd, SHUT_WR);
  // Drain what the client still sends (see kLingerMs) until it closes.
  const auto linger_deadline = DeadlineIn(kLingerMs);
  std::vector<char> chunk(kChunkBytes);
  size_t drained = 0;
  while (drained < kLingerBytes) {
    const int left = MsUntil(linger_deadline);
    if (left == 0 || !WaitFor(fd, POLLIN, left, stop_read.get())) return;
    const ssize_t n = ::recv(fd, chunk.data(), chunk.size(), 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return;
    if (n > 0) drained += static_cast<size_t>(n);
  }
}

// --- Public interface ----------------------------------------------------------------------------

ProxyServer::ProxyServer(ProxyOptions options, std::function<bool(const std::string&)> is_emulated,
                         std::string hosts_description,
                         std::function<void(const ProxyEvent&)> on_event)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(is_emulated),
                                   std::move(hosts_description), std::move(on_event))) {}

ProxyServer::~ProxyServer() { Stop(); }

Status ProxyServer::Start() { return impl_->Start(); }

void ProxyServer::Stop() { impl_->Stop(); }

void ProxyServer::CloseConnections() {
  std::lock_guard<std::mutex> lock(impl_->relays_mutex);
  // Both directions see end-of-stream at once; each relay then ends and closes its descriptors.
  for (int fd : impl_->relaying) ::shutdown(fd, SHUT_RDWR);
}

int ProxyServer::port() const { return impl_->port; }

}  // namespace mpemu::http
