#include "bench/load.h"

#include <httplib.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "bench/util.h"

namespace mpemu::bench {
namespace {

httplib::Headers ToHeaders(const std::multimap<std::string, std::string>& in) {
  httplib::Headers out;
  for (const auto& [k, v] : in) out.emplace(k, v);
  return out;
}

std::unique_ptr<httplib::Client> NewClient(int port, const LoadSpec* spec = nullptr) {
  std::unique_ptr<httplib::Client> client;
  if (spec != nullptr && spec->proxy_port != 0) {
    client = std::make_unique<httplib::Client>("https://" + spec->tls_host);
    client->set_proxy("127.0.0.1", spec->proxy_port);
    client->set_ca_cert_path(spec->ca_file.c_str());
    client->enable_server_certificate_verification(true);
  } else {
    client = std::make_unique<httplib::Client>("127.0.0.1", port);
  }
  client->set_keep_alive(spec == nullptr || !spec->new_connection_each);
  client->set_tcp_nodelay(true);  // the library's default is false: 40 ms stalls otherwise
  client->set_connection_timeout(5, 0);
  client->set_read_timeout(30, 0);
  client->set_write_timeout(30, 0);
  return client;
}

httplib::Result Send(httplib::Client& client, const std::string& method, const std::string& path,
                     const httplib::Headers& headers, const std::string& body,
                     const std::string& content_type) {
  if (method == "POST") return client.Post(path.c_str(), headers, body, content_type.c_str());
  return client.Get(path.c_str(), headers);
}

}  // namespace

LoadResult RunLoad(int port, const LoadSpec& spec, int connections, double warmup_s, double seconds,
                   int server_pid) {
  const httplib::Headers headers = ToHeaders(spec.headers);
  std::atomic<int> connected{0};
  std::atomic<long> errors{0};
  std::mutex mu;
  std::string first_error;
  std::vector<std::vector<float>> latencies(static_cast<size_t>(connections));
  std::vector<long> counts(static_cast<size_t>(connections), 0);
  Clock::time_point measure_start, measure_end;
  std::atomic<bool> go{false};

  auto note_error = [&](const std::string& what) {
    ++errors;
    std::lock_guard<std::mutex> lock(mu);
    if (first_error.empty()) first_error = what;
  };

  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(connections));
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      auto client = NewClient(port, &spec);
      std::vector<float>& lat = latencies[static_cast<size_t>(c)];
      lat.reserve(1 << 16);
      std::string path = spec.path;
      // One request to open the connection before the clock starts. The connections open one
      // after the other: cpp-httplib listens with a backlog of 5, and 32 simultaneous connects
      // overflow it (some then fail or wait for a SYN retransmission).
      while (connected.load() != c) std::this_thread::yield();
      if (auto r = Send(*client, spec.method, path, headers, spec.body, spec.content_type); !r) {
        note_error("connect: " + httplib::to_string(r.error()));
      }
      ++connected;
      while (!go.load()) std::this_thread::yield();
      for (;;) {
        const auto t0 = Clock::now();
        if (t0 >= measure_end) break;
        httplib::Result r = Send(*client, spec.method, path, headers, spec.body, spec.content_type);
        const auto t1 = Clock::now();
        if (!r) {
          note_error(httplib::to_string(r.error()));
          client = NewClient(port, &spec);
          continue;
        }
        if (spec.expect_status != 0 && r->status != spec.expect_status) {
          note_error("status " + std::to_string(r->status) + ": " + r->body.substr(0, 200));
        }
        if (t0 >= measure_start) {
          lat.push_back(std::chrono::duration<float, std::micro>(t1 - t0).count());
          ++counts[static_cast<size_t>(c)];
        }
        if (spec.next_path) {
          std::string next = spec.next_path(r->body);
          path = next.empty() ? spec.path : next;
        }
      }
    });
  }
  while (connected.load() < connections) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  measure_start = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(warmup_s));
  measure_end = measure_start +
                std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  go = true;
  std::this_thread::sleep_until(measure_start);
  const double server_cpu0 = server_pid > 0 ? CpuMicros(server_pid) : 0;
  const double client_cpu0 = CpuMicros(0);
  const ForeignCpu foreign(server_pid > 0 ? std::vector<pid_t>{server_pid} : std::vector<pid_t>{});
  std::this_thread::sleep_until(measure_end);
  const double server_cpu1 = server_pid > 0 ? CpuMicros(server_pid) : 0;
  const double client_cpu1 = CpuMicros(0);
  const double foreign_share = foreign.Share();
  for (auto& t : threads) t.join();

  LoadResult result;
  std::vector<float> all;
  for (size_t c = 0; c < latencies.size(); ++c) {
    all.insert(all.end(), latencies[c].begin(), latencies[c].end());
    result.requests += counts[c];
  }
  result.rps = static_cast<double>(result.requests) / seconds;
  result.p50_us = Quantile(all, 0.50);
  result.p99_us = Quantile(all, 0.99);
  if (result.requests > 0) {
    const double n = static_cast<double>(result.requests);
    result.server_cpu_us = (server_cpu1 - server_cpu0) / n;
    result.client_cpu_us = (client_cpu1 - client_cpu0) / n;
  }
  result.foreign = foreign_share;
  result.errors = errors.load();
  result.first_error = first_error;
  return result;
}

Fetched Fetch(int port, const std::string& method, const std::string& path,
              const std::multimap<std::string, std::string>& headers, const std::string& body,
              const std::string& content_type) {
  auto client = NewClient(port);
  client->set_keep_alive(false);
  Fetched out;
  httplib::Result r = Send(*client, method, path, ToHeaders(headers), body, content_type);
  if (!r) return out;
  out.status = r->status;
  out.body = r->body;
  out.content_type = r->get_header_value("Content-Type");
  return out;
}

}  // namespace mpemu::bench
