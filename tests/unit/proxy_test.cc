// The proxy front over real loopback sockets, with two fake backends that echo what they receive.
#include "emulator/http/proxy.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/status_matchers.h"

namespace mpemu::http {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr int kClientTimeoutMs = 3000;  // no single read in these tests may take longer

// Owns a socket descriptor.
class Socket {
 public:
  explicit Socket(int fd = -1) : fd_(fd) {}
  ~Socket() { Close(); }
  Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Socket& operator=(Socket&& other) noexcept {
    Close();
    fd_ = std::exchange(other.fd_, -1);
    return *this;
  }
  int get() const { return fd_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

sockaddr_in Loopback(int port) {
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// A blocking client socket connected to 127.0.0.1:port, whose reads give up after
// kClientTimeoutMs. Invalid (-1) when the connection is refused.
Socket ConnectTo(int port) {
  Socket s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_in addr = Loopback(port);
  if (::connect(s.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    return Socket();
  }
  timeval tv = {kClientTimeoutMs / 1000, 0};
  ::setsockopt(s.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  return s;
}

void SendAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

// Reads until `done(received)` holds, EOF, an error or the read timeout.
template <typename Done>
std::string ReadWhile(int fd, Done done) {
  std::string received;
  char chunk[4096];
  while (!done(received)) {
    const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) break;
    received.append(chunk, static_cast<size_t>(n));
  }
  return received;
}

std::string ReadToEof(int fd) {
  return ReadWhile(fd, [](const std::string&) { return false; });
}

std::string ReadBytes(int fd, size_t n) {
  return ReadWhile(fd, [n](const std::string& r) { return r.size() >= n; });
}

std::string ReadHead(int fd) {
  return ReadWhile(fd,
                   [](const std::string& r) { return r.find("\r\n\r\n") != std::string::npos; });
}

// True when the peer closed: recv returns 0 (rather than timing out).
bool SeesEof(int fd) {
  char byte;
  return ::recv(fd, &byte, 1, 0) == 0;
}

// True when the peer closed or reset the connection (a peer that closes with our bytes unread
// sends a RST), rather than the read timing out.
bool SeesCloseOrReset(int fd) {
  char byte;
  const ssize_t n = ::recv(fd, &byte, 1, 0);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

// An answer the proxy wrote itself, checked for the one format it always has.
struct Answer {
  int status = 0;
  std::string body;
  std::string raw;
};

Answer ParseAnswer(const std::string& raw) {
  Answer a;
  a.raw = raw;
  const size_t head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || head_end == std::string::npos) return a;
  const std::string head = raw.substr(0, head_end + 4);
  a.body = raw.substr(head_end + 4);
  const std::string expected_tail =
      "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
      std::to_string(a.body.size()) + "\r\nConnection: close\r\n\r\n";
  if (head.size() < expected_tail.size() ||
      head.compare(head.size() - expected_tail.size(), expected_tail.size(), expected_tail) != 0) {
    return a;  // status stays 0: the test fails on it
  }
  a.status = std::stoi(raw.substr(9, 3));
  return a;
}

// Sends `request` on a fresh connection and reads the proxy's answer up to its close.
Answer Ask(int port, const std::string& request) {
  Socket s = ConnectTo(port);
  SendAll(s.get(), request);
  return ParseAnswer(ReadToEof(s.get()));
}

// A fake backend: a loopback TCP server that records every byte it receives and echoes it back.
// When a client half-closes it finishes echoing and closes.
class EchoBackend {
 public:
  EchoBackend() {
    listener_ = Socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const sockaddr_in addr = Loopback(0);
    if (::bind(listener_.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(listener_.get(), 64) != 0) {
      ADD_FAILURE() << "echo backend cannot listen: " << std::strerror(errno);
      return;
    }
    sockaddr_in bound = {};
    socklen_t length = sizeof(bound);
    ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&bound), &length);
    port_ = ntohs(bound.sin_port);
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }
  ~EchoBackend() {
    stop_ = true;
    if (accept_thread_.joinable()) accept_thread_.join();
    for (std::thread& t : connection_threads_) t.join();
  }

  int port() const { return port_; }
  int connections() const { return connections_; }
  std::string received() {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_;
  }
  // Waits (at most kClientTimeoutMs) until `n` bytes arrived in all, then returns them all.
  std::string WaitForReceived(size_t n) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(kClientTimeoutMs);
    while (std::chrono::steady_clock::now() < deadline) {
      std::string r = received();
      if (r.size() >= n) return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return received();
  }

 private:
  static bool Readable(int fd) {
    pollfd p = {fd, POLLIN, 0};
    return ::poll(&p, 1, 10) > 0;
  }

  void AcceptLoop() {
    while (!stop_) {
      if (!Readable(listener_.get())) continue;
      const int fd = ::accept(listener_.get(), nullptr, nullptr);
      if (fd < 0) continue;
      ++connections_;
      connection_threads_.emplace_back([this, fd] { Echo(Socket(fd)); });
    }
  }

  void Echo(Socket s) {
    char chunk[4096];
    while (!stop_) {
      if (!Readable(s.get())) continue;
      const ssize_t n = ::recv(s.get(), chunk, sizeof(chunk), 0);
      if (n <= 0) break;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        received_.append(chunk, static_cast<size_t>(n));
      }
      SendAll(s.get(), std::string(chunk, static_cast<size_t>(n)));
    }
  }

  Socket listener_;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread accept_thread_;
  std::vector<std::thread> connection_threads_;  // the accept thread's until it is joined
  std::mutex mutex_;
  std::string received_;
};

// A loopback port with nothing listening on it.
int ClosedPort() {
  Socket s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_in addr = Loopback(0);
  ::bind(s.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  sockaddr_in bound = {};
  socklen_t length = sizeof(bound);
  ::getsockname(s.get(), reinterpret_cast<sockaddr*>(&bound), &length);
  return ntohs(bound.sin_port);
}

const char kHostsDescription[] =
    "keys.marketplace.stackit.cloud, api.clever-cloud.com, imp.pandium.io";

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class ProxyTest : public ::testing::Test {
 protected:
  ~ProxyTest() override {
    if (proxy_) proxy_->Stop();
  }

  ProxyOptions DefaultOptions() {
    ProxyOptions options;
    options.tls_backend_port = tls_.port();
    options.plain_backend_port = plain_.port();
    return options;
  }

  // Starts the proxy under test; its port is proxy_->port().
  void StartProxy(ProxyOptions options) {
    proxy_ = std::make_unique<ProxyServer>(
        std::move(options),
        [this](const std::string& host) {
          std::lock_guard<std::mutex> lock(mutex_);
          asked_.push_back(host);
          return emulated_.count(host) > 0;
        },
        kHostsDescription,
        [this](const ProxyEvent& event) {
          std::lock_guard<std::mutex> lock(mutex_);
          events_.push_back(event);
        });
    ASSERT_OK(proxy_->Start());
  }
  void StartProxy() { StartProxy(DefaultOptions()); }
  int port() const { return proxy_->port(); }

  std::vector<ProxyEvent> events() {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
  }
  std::vector<std::string> asked() {
    std::lock_guard<std::mutex> lock(mutex_);
    return asked_;
  }

  // Opens a tunnel to an emulated host and checks the 200.
  Socket OpenTunnel() {
    Socket s = ConnectTo(port());
    SendAll(s.get(), "CONNECT keys.marketplace.stackit.cloud:443 HTTP/1.1\r\n\r\n");
    EXPECT_EQ(ReadHead(s.get()), "HTTP/1.1 200 Connection Established\r\n\r\n");
    return s;
  }

  EchoBackend tls_;
  EchoBackend plain_;
  std::unique_ptr<ProxyServer> proxy_;
  const std::set<std::string> emulated_ = {"keys.marketplace.stackit.cloud", "api.clever-cloud.com",
                                           "imp.pandium.io"};
  std::mutex mutex_;
  std::vector<ProxyEvent> events_;
  std::vector<std::string> asked_;
};

// --- CONNECT -------------------------------------------------------------------------------------

TEST_F(ProxyTest, ConnectToEmulatedHostTunnelsBothWaysAndPassesHalfCloseOn) {
  StartProxy();
  Socket s = ConnectTo(port());
  SendAll(s.get(),
          "CONNECT keys.marketplace.stackit.cloud:443 HTTP/1.1\r\n"
          "Host: keys.marketplace.stackit.cloud:443\r\n\r\n");
  EXPECT_EQ(ReadHead(s.get()), "HTTP/1.1 200 Connection Established\r\n\r\n");

  SendAll(s.get(), "ping");
  EXPECT_EQ(ReadBytes(s.get(), 4), "ping");
  SendAll(s.get(), std::string(100000, 'x'));  // more than one relay chunk
  EXPECT_EQ(ReadBytes(s.get(), 100000), std::string(100000, 'x'));
  // Only the tunnelled bytes reach the TLS backend; the CONNECT head does not.
  EXPECT_EQ(tls_.WaitForReceived(100004), "ping" + std::string(100000, 'x'));
  EXPECT_EQ(plain_.connections(), 0);

  // The client's FIN reaches the backend, which closes; its FIN comes back.
  ::shutdown(s.get(), SHUT_WR);
  EXPECT_TRUE(SeesEof(s.get()));
}

TEST_F(ProxyTest, CloseConnectionsEndsOpenTunnelsAndKeepsListening) {
  StartProxy();
  Socket first = OpenTunnel();
  Socket second = OpenTunnel();
  SendAll(first.get(), "ping");
  EXPECT_EQ(ReadBytes(first.get(), 4), "ping");
  const auto start = std::chrono::steady_clock::now();
  proxy_->CloseConnections();
  EXPECT_TRUE(SeesCloseOrReset(first.get()));
  EXPECT_TRUE(SeesCloseOrReset(second.get()));
  EXPECT_LT(SecondsSince(start), 1.0);
  // New tunnels work as before.
  Socket again = OpenTunnel();
  SendAll(again.get(), "pong");
  EXPECT_EQ(ReadBytes(again.get(), 4), "pong");
}

TEST_F(ProxyTest, BytesSentTogetherWithTheConnectHeadAreRelayed) {
  StartProxy();
  Socket s = ConnectTo(port());
  SendAll(s.get(), "CONNECT api.clever-cloud.com:443 HTTP/1.1\r\n\r\nclient-hello");
  const std::string expected = "HTTP/1.1 200 Connection Established\r\n\r\nclient-hello";
  EXPECT_EQ(ReadBytes(s.get(), expected.size()), expected);
  EXPECT_EQ(tls_.WaitForReceived(12), "client-hello");
}

TEST_F(ProxyTest, ConnectToUnknownHostIs403NamingTheHostAndTheEmulatedHosts) {
  StartProxy();
  const Answer a =
      Ask(port(), "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n");
  EXPECT_EQ(a.status, 403) << a.raw;
  EXPECT_THAT(a.raw, StartsWith("HTTP/1.1 403 Forbidden\r\n"));
  EXPECT_EQ(a.body,
            "mpemu proxy: refusing CONNECT to evil.example:443: mpemu does not emulate this host "
            "and never forwards traffic to the internet. Emulated hosts: " +
                std::string(kHostsDescription) + "\n");
  EXPECT_EQ(tls_.connections(), 0);
  EXPECT_EQ(plain_.connections(), 0);
}

TEST_F(ProxyTest, ConnectToEmulatedHostOnAnotherPortIs403) {
  StartProxy();
  const Answer a = Ask(port(), "CONNECT keys.marketplace.stackit.cloud:8443 HTTP/1.1\r\n\r\n");
  EXPECT_EQ(a.status, 403) << a.raw;
  EXPECT_THAT(a.body, HasSubstr("keys.marketplace.stackit.cloud:8443"));
  EXPECT_THAT(a.body, HasSubstr("port 443 only"));
  EXPECT_EQ(tls_.connections(), 0);
}

TEST_F(ProxyTest, ConnectWithABadAuthorityIs400) {
  StartProxy();
  for (const std::string target :
       {"keys.marketplace.stackit.cloud", "keys.marketplace.stackit.cloud:",
        "keys.marketplace.stackit.cloud:https", "keys.marketplace.stackit.cloud:0",
        "keys.marketplace.stackit.cloud:65536", "keys.marketplace.stackit.cloud:000443x", ":443",
        ".:443", "keys.marketplace.stackit.cloud:443/path", "/path", "*",
        "https://keys.marketplace.stackit.cloud:443", "[::1:443", "[::1]x:443", "::1:443",
        "user@keys.marketplace.stackit.cloud:443"}) {
    const Answer a = Ask(port(), "CONNECT " + target + " HTTP/1.1\r\n\r\n");
    EXPECT_EQ(a.status, 400) << target << "\n" << a.raw;
    EXPECT_THAT(a.body, HasSubstr("CONNECT")) << target;
  }
  EXPECT_EQ(tls_.connections(), 0);
}

TEST_F(ProxyTest, ConnectToABracketedIpv6LiteralAsksForTheBareAddress) {
  StartProxy();
  const Answer a = Ask(port(), "CONNECT [::1]:443 HTTP/1.1\r\n\r\n");
  EXPECT_EQ(a.status, 403) << a.raw;
  EXPECT_THAT(a.body, HasSubstr("CONNECT to [::1]:443"));
  EXPECT_THAT(asked(), ::testing::ElementsAre("::1"));
}

TEST_F(ProxyTest, HostMatchingIgnoresCaseAndATrailingDot) {
  StartProxy();
  Socket s = ConnectTo(port());
  SendAll(s.get(), "CONNECT KEYS.Marketplace.STACKIT.cloud.:443 HTTP/1.1\r\n\r\n");
  EXPECT_EQ(ReadHead(s.get()), "HTTP/1.1 200 Connection Established\r\n\r\n");

  const std::string head = "GET HTTP://Api.Clever-Cloud.COM./v2/self HTTP/1.1\r\n\r\n";
  Socket t = ConnectTo(port());
  SendAll(t.get(), head);
  EXPECT_EQ(ReadBytes(t.get(), head.size()), head);  // echoed by the plain backend

  EXPECT_THAT(asked(),
              ::testing::ElementsAre("keys.marketplace.stackit.cloud", "api.clever-cloud.com"));
  ASSERT_EQ(events().size(), 2u);
  EXPECT_EQ(events()[0].host, "keys.marketplace.stackit.cloud");
  EXPECT_EQ(events()[1].host, "api.clever-cloud.com");
}

// --- Absolute form -------------------------------------------------------------------------------

TEST_F(ProxyTest, AbsoluteFormToEmulatedHostRelaysTheExactHeadToThePlainBackend) {
  StartProxy();
  // Odd but valid spacing and header case must survive byte for byte, and the body that came in
  // the same packet follows the head.
  const std::string request =
      "POST http://imp.pandium.io:80/v2/tenants?x=1 HTTP/1.1\r\n"
      "host: imp.pandium.io\r\nX-Odd:   spaced  \r\nContent-Length: 5\r\n\r\nhello";
  Socket s = ConnectTo(port());
  SendAll(s.get(), request);
  EXPECT_EQ(plain_.WaitForReceived(request.size()), request);
  EXPECT_EQ(ReadBytes(s.get(), request.size()), request);

  // Later requests on the same connection are relayed unchecked (the backend judges them).
  const std::string next = "GET http://evil.example/ HTTP/1.1\r\n\r\n";
  SendAll(s.get(), next);
  EXPECT_EQ(plain_.WaitForReceived(request.size() + next.size()), request + next);
  EXPECT_EQ(tls_.connections(), 0);
}

TEST_F(ProxyTest, AbsoluteFormToUnknownHostIs403NamingTheHost) {
  StartProxy();
  const Answer a =
      Ask(port(), "GET http://evil.example/steal HTTP/1.1\r\nHost: evil.example\r\n\r\n");
  EXPECT_EQ(a.status, 403) << a.raw;
  EXPECT_THAT(a.body, HasSubstr("refusing GET to evil.example:80"));
  EXPECT_THAT(a.body, HasSubstr("never forwards traffic to the internet"));
  EXPECT_THAT(a.body, HasSubstr(kHostsDescription));
  EXPECT_EQ(plain_.connections(), 0);
}

TEST_F(ProxyTest, AbsoluteFormToEmulatedHostOnAnotherPortIs403) {
  StartProxy();
  const Answer a = Ask(port(), "GET http://api.clever-cloud.com:8080/v2/self HTTP/1.1\r\n\r\n");
  EXPECT_EQ(a.status, 403) << a.raw;
  EXPECT_THAT(a.body, HasSubstr("api.clever-cloud.com:8080"));
  EXPECT_THAT(a.body, HasSubstr("port 80 only"));
  EXPECT_EQ(plain_.connections(), 0);
}

TEST_F(ProxyTest, HttpsAbsoluteFormIs400PointingToConnect) {
  StartProxy();
  const Answer a = Ask(port(), "GET https://api.clever-cloud.com/v2/self HTTP/1.1\r\n\r\n");
  EXPECT_EQ(a.status, 400) << a.raw;
  EXPECT_THAT(a.body, HasSubstr("https://"));
  EXPECT_THAT(a.body, HasSubstr("CONNECT"));
  ASSERT_EQ(events().size(), 1u);
  EXPECT_EQ(events()[0].host, "api.clever-cloud.com");
  EXPECT_EQ(plain_.connections(), 0);
}

TEST_F(ProxyTest, OriginFormAndAsteriskAre400ExplainingThisIsAProxy) {
  StartProxy();
  for (const std::string request : {"GET /v2/self HTTP/1.1\r\nHost: api.clever-cloud.com\r\n\r\n",
                                    "OPTIONS * HTTP/1.1\r\n\r\n"}) {
    const Answer a = Ask(port(), request);
    EXPECT_EQ(a.status, 400) << a.raw;
    EXPECT_THAT(a.body, HasSubstr("this port is an HTTP proxy")) << request;
  }
  for (const std::string request : {"GET ftp://api.clever-cloud.com/ HTTP/1.1\r\n\r\n",
                                    "GET api.clever-cloud.com:80 HTTP/1.1\r\n\r\n",
                                    "GET http://user@api.clever-cloud.com/ HTTP/1.1\r\n\r\n",
                                    "GET http:///path HTTP/1.1\r\n\r\n"}) {
    EXPECT_EQ(Ask(port(), request).status, 400) << request;
  }
  EXPECT_EQ(plain_.connections(), 0);
}

// --- Malformed and hostile input -----------------------------------------------------------------

TEST_F(ProxyTest, MalformedRequestLinesAre400) {
  StartProxy();
  for (const std::string request :
       {"garbage\r\n\r\n", "\r\n\r\n", "GET http://api.clever-cloud.com/ HTTP/2.0\r\n\r\n",
        "GET  http://api.clever-cloud.com/ HTTP/1.1\r\n\r\n",
        "GET http://api.clever-cloud.com/ HTTP/1.1 extra\r\n\r\n",
        "G(T http://api.clever-cloud.com/ HTTP/1.1\r\n\r\n",
        "GET http://api.clever-cloud.com/\xc3\xa9 HTTP/1.1\r\n\r\n",
        "GET http://api.clever-cloud.com/ http/1.1\r\n\r\n"}) {
    const Answer a = Ask(port(), request);
    EXPECT_EQ(a.status, 400) << request << "\n" << a.raw;
    EXPECT_EQ(a.body, "mpemu proxy: malformed request line\n") << request;
  }
  EXPECT_EQ(plain_.connections(), 0);
}

TEST_F(ProxyTest, JunkIsRefusedAtOnceNotAfterTheHeadTimeout) {
  ProxyOptions options = DefaultOptions();
  options.head_timeout_seconds = 30;  // a wait for it would exceed the client's read timeout
  StartProxy(options);
  const auto start = std::chrono::steady_clock::now();
  // A complete bad line without the blank line that ends a head, and binary junk without any CRLF.
  EXPECT_EQ(Ask(port(), "hello there\r\n").status, 400);
  EXPECT_EQ(Ask(port(), std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc", 9)).status, 400);
  EXPECT_LT(SecondsSince(start), 1.0);
}

TEST_F(ProxyTest, OversizedHeadIs431) {
  ProxyOptions options = DefaultOptions();
  options.max_head_bytes = 1024;
  StartProxy(options);
  const std::string line = "GET http://api.clever-cloud.com/ HTTP/1.1\r\n";
  // Complete but too long; and still growing past the limit without an end.
  for (const std::string& request : {line + "X-Big: " + std::string(2000, 'a') + "\r\n\r\n",
                                     line + "X-Big: " + std::string(2000, 'a')}) {
    const Answer a = Ask(port(), request);
    EXPECT_EQ(a.status, 431) << a.raw;
    EXPECT_THAT(a.raw, StartsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
    EXPECT_THAT(a.body, HasSubstr("1024 bytes"));
  }
  // Right at the limit is fine.
  const std::string head =
      line + "X-Fill: " + std::string(1024 - line.size() - std::strlen("X-Fill: \r\n\r\n"), 'b') +
      "\r\n\r\n";
  ASSERT_EQ(head.size(), 1024u);
  Socket s = ConnectTo(port());
  SendAll(s.get(), head);
  EXPECT_EQ(ReadBytes(s.get(), head.size()), head);
  const std::vector<ProxyEvent> seen = events();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].status, 431);
}

TEST_F(ProxyTest, HostileClientsCostOnlyTheirOwnConnection) {
  StartProxy();
  {
    Socket s = ConnectTo(port());  // connects and leaves
  }
  {
    Socket s = ConnectTo(port());
    SendAll(s.get(), "CONNECT keys.marketplace.st");  // half a line, then leaves
  }
  {
    Socket s = ConnectTo(port());
    std::string junk;
    for (int i = 0; i < 5000; ++i) junk.push_back(static_cast<char>((i * 7919) % 256));
    SendAll(s.get(), junk);
    const linger abort_on_close = {1, 0};  // close with a RST
    ::setsockopt(s.get(), SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof(abort_on_close));
  }
  {
    Socket s = ConnectTo(port());
    SendAll(s.get(), "CONNECT keys.marketplace.stackit.cloud:443 HTTP/1.1\r\n\r\n");
    ::shutdown(s.get(), SHUT_RDWR);  // aborts right after the request
  }
  Socket good = OpenTunnel();
  SendAll(good.get(), "still here");
  EXPECT_EQ(ReadBytes(good.get(), 10), "still here");
}

TEST_F(ProxyTest, SilentClientIsDroppedAfterTheHeadTimeoutAndIdleTunnelAfterTheIdleTimeout) {
  ProxyOptions options = DefaultOptions();
  options.head_timeout_seconds = 1;
  options.idle_timeout_seconds = 1;
  StartProxy(options);
  const auto start = std::chrono::steady_clock::now();
  Socket silent = ConnectTo(port());
  SendAll(silent.get(), "GET http://api.clever-cloud.com/ HTTP/1.1\r\n");  // never finished
  Socket idle = OpenTunnel();

  EXPECT_EQ(ReadToEof(silent.get()), "");  // dropped without an answer
  EXPECT_TRUE(SeesEof(idle.get()));        // the backend stays open; the proxy closed
  const double elapsed = SecondsSince(start);
  EXPECT_GE(elapsed, 0.9);
  EXPECT_LT(elapsed, 2.5);
}

TEST_F(ProxyTest, UnreachableBackendIs502) {
  ProxyOptions options = DefaultOptions();
  options.tls_backend_port = ClosedPort();
  options.plain_backend_port = 0;  // none configured
  StartProxy(options);
  Answer a = Ask(port(), "CONNECT keys.marketplace.stackit.cloud:443 HTTP/1.1\r\n\r\n");
  EXPECT_EQ(a.status, 502) << a.raw;
  EXPECT_THAT(a.body,
              HasSubstr("TLS backend (127.0.0.1:" + std::to_string(options.tls_backend_port)));
  a = Ask(port(), "GET http://api.clever-cloud.com/ HTTP/1.1\r\n\r\n");
  EXPECT_EQ(a.status, 502) << a.raw;
  EXPECT_THAT(a.body, HasSubstr("no backend configured"));
  ASSERT_EQ(events().size(), 2u);
  EXPECT_EQ(events()[0].status, 502);
  EXPECT_EQ(events()[1].status, 502);
}

// --- Events, limits, lifecycle -------------------------------------------------------------------

TEST_F(ProxyTest, OnEventReportsEveryFirstRequest) {
  StartProxy();
  Socket tunnel = OpenTunnel();
  Ask(port(), "GET http://Evil.Example:8080/x HTTP/1.1\r\n\r\n");
  Ask(port(), "garbage\r\n\r\n");
  Ask(port(), "GET http://evil.example/" + std::string(1000, 'p') + " HTTP/1.1\r\n\r\n");
  {
    Socket s = ConnectTo(port());  // no request: no event
  }
  {
    Socket s = ConnectTo(port());
    SendAll(s.get(), "CONNECT api.clever-cloud.com:443 HTTP/1.1\r\n\r\n");
    EXPECT_THAT(ReadHead(s.get()), StartsWith("HTTP/1.1 200 "));
  }

  const std::vector<ProxyEvent> seen = events();
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[0].method, "CONNECT");
  EXPECT_EQ(seen[0].target, "keys.marketplace.stackit.cloud:443");
  EXPECT_EQ(seen[0].host, "keys.marketplace.stackit.cloud");
  EXPECT_EQ(seen[0].status, 200);
  EXPECT_EQ(seen[0].message, "");
  EXPECT_EQ(seen[0].remote_addr, "127.0.0.1");

  EXPECT_EQ(seen[1].method, "GET");
  EXPECT_EQ(seen[1].target, "http://Evil.Example:8080/x");
  EXPECT_EQ(seen[1].host, "evil.example");
  EXPECT_EQ(seen[1].status, 403);
  EXPECT_THAT(seen[1].message, HasSubstr("evil.example:8080"));
  EXPECT_EQ(seen[1].remote_addr, "127.0.0.1");

  EXPECT_EQ(seen[2].method, "");
  EXPECT_EQ(seen[2].target, "");
  EXPECT_EQ(seen[2].status, 400);
  EXPECT_EQ(seen[2].message, "mpemu proxy: malformed request line");

  EXPECT_EQ(seen[3].target.size(), 512u);
  EXPECT_EQ(seen[3].status, 403);

  EXPECT_EQ(seen[4].host, "api.clever-cloud.com");
  EXPECT_EQ(seen[4].status, 200);
}

TEST_F(ProxyTest, ConnectionsBeyondTheLimitGet503) {
  ProxyOptions options = DefaultOptions();
  options.max_connections = 1;
  StartProxy(options);
  Socket tunnel = OpenTunnel();
  Socket second = ConnectTo(port());
  const Answer a = ParseAnswer(ReadToEof(second.get()));
  EXPECT_EQ(a.status, 503) << a.raw;
  EXPECT_THAT(a.body, HasSubstr("limit 1"));
  ASSERT_EQ(events().size(), 2u);
  EXPECT_EQ(events()[1].status, 503);

  // Once the tunnel is gone (after the backend echoed the close) there is room again.
  ::shutdown(tunnel.get(), SHUT_WR);
  EXPECT_TRUE(SeesEof(tunnel.get()));
  tunnel.Close();
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline) {
    status = Ask(port(), "GET /x HTTP/1.1\r\n\r\n").status;
    if (status == 400) break;
  }
  EXPECT_EQ(status, 400);
}

TEST_F(ProxyTest, StopClosesOpenConnectionsPromptlyAndIsIdempotent) {
  StartProxy();  // default timeouts: 10 s head, 120 s idle
  std::vector<Socket> tunnels;
  for (int i = 0; i < 3; ++i) tunnels.push_back(OpenTunnel());
  Socket waiting = ConnectTo(port());
  SendAll(waiting.get(), "GET http://api.clever-cloud.com/ HTTP/1.1\r\n");  // head not finished
  Socket answered = ConnectTo(port());
  SendAll(answered.get(), "garbage\r\n\r\n");  // answered, then lingering for the client's close
  EXPECT_EQ(ParseAnswer(ReadToEof(answered.get())).status, 400);

  const int old_port = port();
  const auto start = std::chrono::steady_clock::now();
  proxy_->Stop();
  EXPECT_LT(SecondsSince(start), 0.5);
  for (Socket& t : tunnels) EXPECT_TRUE(SeesEof(t.get()));
  // Closed before or after the proxy read its bytes, depending on timing.
  EXPECT_TRUE(SeesCloseOrReset(waiting.get()));
  EXPECT_EQ(ConnectTo(old_port).get(), -1);

  proxy_->Stop();
  proxy_.reset();  // the destructor stops a third time
}

TEST_F(ProxyTest, StartOnATakenPortIsUnavailable) {
  StartProxy();
  ProxyOptions options = DefaultOptions();
  options.port = port();
  ProxyServer second(
      options, [](const std::string&) { return true; }, kHostsDescription, nullptr);
  EXPECT_THAT(second.Start(),
              StatusIs(StatusCode::kUnavailable, HasSubstr("127.0.0.1:" + std::to_string(port()))));
  EXPECT_THAT(proxy_->Start(), StatusIs(StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace mpemu::http
