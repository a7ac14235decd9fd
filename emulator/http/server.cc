// The one file of the emulator's server side that includes httplib.h.
#include "emulator/http/server.h"

#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>

#include "emulator/crypto/openssl_handles.h"

namespace mpemu::http {
namespace {

std::string ToLower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// "Keys.Example:443" -> "keys.example"; "[::1]:8080" -> "::1"; a trailing dot goes too.
std::string HostOfAuthority(const std::string& authority) {
  std::string host;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    host = authority.substr(1, close == std::string::npos ? std::string::npos : close - 1);
  } else {
    host = authority.substr(0, authority.rfind(':'));
  }
  if (!host.empty() && host.back() == '.') host.pop_back();
  return ToLower(host);
}

Request FromHttplib(const httplib::Request& in, const ServerOptions& options) {
  Request out;
  out.method = in.method;
  out.path = in.path;
  out.via = options.via;
  out.require_virtual_host = options.require_virtual_host;
  // RFC 9112 3.2.2: an absolute-form target ("GET http://host/path", as proxies receive them)
  // names the host itself and overrides the Host header.
  const size_t scheme_end = in.path.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : ToLower(in.path.substr(0, scheme_end));
  if (scheme == "http" || scheme == "https") {
    const size_t authority_start = scheme_end + 3;
    const size_t path_start = in.path.find('/', authority_start);
    out.host = HostOfAuthority(in.path.substr(authority_start, path_start - authority_start));
    out.path = path_start == std::string::npos ? "/" : in.path.substr(path_start);
  } else {
    out.host = HostOfAuthority(in.get_header_value("Host"));
  }
  const size_t q = in.target.find('?');
  if (q != std::string::npos) out.query = in.target.substr(q + 1);
  for (const auto& [k, v] : in.params) out.params.emplace(k, v);
  for (const auto& [k, v] : in.headers) {
    // httplib adds these for its own bookkeeping; they were not sent by the client.
    if (k == "REMOTE_ADDR" || k == "REMOTE_PORT" || k == "LOCAL_ADDR" || k == "LOCAL_PORT") continue;
    out.headers.emplace(k, v);
  }
  out.body = in.body;
  out.remote_addr = in.remote_addr;
  return out;
}

void ToHttplib(const Reply& in, httplib::Response& out) {
  out.status = in.status;
  for (const auto& [k, v] : in.headers) out.headers.emplace(k, v);
  if (!in.content_type.empty()) {
    out.set_content(in.body, in.content_type.c_str());
  } else {
    out.body = in.body;
  }
}

}  // namespace

struct Server::Impl {
  struct Identity {
    crypto::X509Ptr cert;
    crypto::EvpPkeyPtr key;
  };
  std::unique_ptr<httplib::Server> server;
  Status tls_status;
  Identity default_identity;
  std::map<std::string, Identity> by_server_name;
  std::mutex overrides_mu;
  std::map<std::string, std::shared_ptr<const Identity>> overrides;  // name or "*" -> identity

  static StatusOr<Identity> Parse(const TlsIdentity& in, const std::string& what) {
    Identity out;
    crypto::BioPtr cert_bio(BIO_new_mem_buf(in.cert_pem.data(), static_cast<int>(in.cert_pem.size())));
    out.cert.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
    crypto::BioPtr key_bio(BIO_new_mem_buf(in.key_pem.data(), static_cast<int>(in.key_pem.size())));
    out.key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    if (!out.cert || !out.key || X509_check_private_key(out.cert.get(), out.key.get()) != 1) {
      return InvalidArgumentError("unusable TLS certificate or key for " + what + ": " +
                                  crypto::DrainOpenSslErrors());
    }
    return out;
  }

  // OpenSSL's certificate callback, run once the ClientHello (and its SNI name) is known: present
  // the leaf for that name, else the default one.
  static int SelectIdentity(SSL* ssl, void* arg) {
    Impl* impl = static_cast<Impl*>(arg);
    const char* raw_name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    const std::string name = raw_name == nullptr ? "" : ToLower(raw_name);
    std::shared_ptr<const Identity> forced;
    {
      std::lock_guard<std::mutex> lock(impl->overrides_mu);
      auto it = impl->overrides.find(name);
      if (it == impl->overrides.end()) it = impl->overrides.find("*");
      if (it != impl->overrides.end()) forced = it->second;
    }
    const Identity* identity = forced ? forced.get() : &impl->default_identity;
    if (!forced && !name.empty()) {
      auto it = impl->by_server_name.find(name);
      if (it != impl->by_server_name.end()) identity = &it->second;
    }
    // SSL_use_cert_and_key takes its own references: `forced` may be dropped after this.
    return SSL_use_cert_and_key(ssl, identity->cert.get(), identity->key.get(), nullptr, 1) == 1 ? 1 : 0;
  }
};

Server::Server(ServerOptions options, Pipeline* pipeline)
    : options_(std::move(options)), pipeline_(pipeline), impl_(std::make_unique<Impl>()) {
  if (options_.tls) {
    Impl* impl = impl_.get();
    StatusOr<Impl::Identity> identity = Impl::Parse(options_.tls->default_identity, "the default name");
    if (identity.ok()) impl->default_identity = std::move(identity).value();
    impl->tls_status = identity.status();
    for (const auto& [name, tls_identity] : options_.tls->by_server_name) {
      StatusOr<Impl::Identity> parsed = Impl::Parse(tls_identity, name);
      if (!parsed.ok()) {
        impl->tls_status = parsed.status();
        continue;
      }
      impl->by_server_name.emplace(ToLower(name), std::move(parsed).value());
    }
    impl_->server = std::make_unique<httplib::SSLServer>([impl](SSL_CTX& ctx) {
      SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
      SSL_CTX_set_cert_cb(&ctx, &Impl::SelectIdentity, impl);
      return true;
    });
  } else {
    impl_->server = std::make_unique<httplib::Server>();
  }
  httplib::Server& s = *impl_->server;
  // Debian's cpp-httplib is compiled: tune at run time. Without TCP_NODELAY every keep-alive
  // reply stalls 44 ms (Nagle meets delayed ACK); the pool must cover the open connections.
  s.set_tcp_nodelay(true);
  const size_t threads = options_.threads;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  s.set_keep_alive_max_count(static_cast<size_t>(options_.keep_alive_max_count));
  s.set_keep_alive_timeout(options_.keep_alive_timeout_seconds);
  s.set_read_timeout(options_.read_timeout_seconds, 0);
  s.set_payload_max_length(options_.max_body_bytes);

  auto handle = [this](const httplib::Request& req, httplib::Response& res) {
    Request request = FromHttplib(req, options_);
    ToHttplib(pipeline_->Handle(request), res);
  };
  // Methods that may carry a body go through a content reader: httplib 0.11 would otherwise wait
  // for the connection to close when a request has neither Content-Length nor chunked encoding
  // (`curl -X POST` without data), stalling for the read timeout. RFC 9112 6.3: such a request has
  // an empty body.
  auto handle_with_body = [this](const httplib::Request& req, httplib::Response& res,
                                 const httplib::ContentReader& reader) {
    Request request = FromHttplib(req, options_);
    if (req.has_header("Content-Length") || req.has_header("Transfer-Encoding")) {
      std::string body;
      bool too_large = false;
      const size_t limit = options_.max_body_bytes;
      const bool ok = reader([&](const char* data, size_t length) {
        if (body.size() + length > limit) {
          too_large = true;
          return false;
        }
        body.append(data, length);
        return true;
      });
      if (!ok) {
        const int status = too_large || res.status == 413 ? 413 : 400;
        const std::string message =
            status == 413 ? "request body exceeds the limit of " + std::to_string(limit) + " bytes"
                          : "the request body could not be read";
        ToHttplib(pipeline_->HandleTransportError(request, status, message), res);
        return;
      }
      request.body = std::move(body);
    }
    ToHttplib(pipeline_->Handle(request), res);
  };
  const std::string any = ".*";
  s.Get(any, handle);
  s.Post(any, handle_with_body);
  s.Put(any, handle_with_body);
  s.Patch(any, handle_with_body);
  s.Delete(any, handle_with_body);
  s.Options(any, handle);

  // Errors httplib detects itself (body over the limit, malformed request) reach here with an
  // empty body; give them the service's error schema.
  s.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    Request request = FromHttplib(req, options_);
    std::string message = std::string(ReasonPhrase(res.status));
    if (res.status == 413) {
      message = "request body exceeds the limit of " + std::to_string(options_.max_body_bytes) + " bytes";
    }
    ToHttplib(pipeline_->HandleTransportError(request, res.status, message), res);
    return httplib::Server::HandlerResponse::Handled;
  }));
  s.set_exception_handler([this](const httplib::Request& req, httplib::Response& res,
                                 std::exception_ptr) {
    Request request = FromHttplib(req, options_);
    ToHttplib(pipeline_->HandleTransportError(request, 500, "unexpected error"), res);
  });
}

Server::~Server() { Stop(); }

Status Server::Start() {
  MPEMU_RETURN_IF_ERROR(impl_->tls_status);
  httplib::Server& s = *impl_->server;
  if (!s.is_valid()) return InternalError("cannot set up the TLS context: " + crypto::DrainOpenSslErrors());
  if (options_.port == 0) {
    port_ = s.bind_to_any_port(options_.host.c_str());
    if (port_ < 0) return UnavailableError("cannot bind to " + options_.host);
  } else {
    if (!s.bind_to_port(options_.host.c_str(), options_.port)) {
      return UnavailableError("cannot listen on " + options_.host + ":" +
                              std::to_string(options_.port) + " (in use? try --port 0)");
    }
    port_ = options_.port;
  }
  thread_ = std::thread([&s] { s.listen_after_bind(); });
  // The socket already listens (connections queue in the backlog); wait until the accept loop runs
  // so that an immediate Stop() cannot race with its start.
  while (!s.is_running()) std::this_thread::sleep_for(std::chrono::microseconds(50));
  return Status::Ok();
}

void Server::Stop() {
  impl_->server->stop();
  if (thread_.joinable()) thread_.join();
}

Status Server::SetIdentityOverride(const std::string& name, const std::optional<TlsIdentity>& identity) {
  if (!options_.tls) return FailedPreconditionError("not an HTTPS server");
  std::shared_ptr<const Impl::Identity> parsed;
  if (identity) {
    MPEMU_ASSIGN_OR_RETURN(Impl::Identity id, Impl::Parse(*identity, name));
    parsed = std::make_shared<const Impl::Identity>(std::move(id));
  }
  std::lock_guard<std::mutex> lock(impl_->overrides_mu);
  if (parsed) {
    impl_->overrides[ToLower(name)] = std::move(parsed);
  } else {
    impl_->overrides.erase(ToLower(name));
  }
  return Status::Ok();
}

std::string Server::base_url() const {
  const std::string host = options_.host == "0.0.0.0" ? "127.0.0.1" : options_.host;
  return std::string(options_.tls ? "https://" : "http://") + host + ":" + std::to_string(port_);
}

}  // namespace mpemu::http
