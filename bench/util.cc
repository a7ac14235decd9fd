#include "bench/util.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace mpemu::bench {
namespace {

// The children alive, for KillChildren (a fixed table, so a signal handler may walk it).
constexpr int kMaxChildren = 64;
std::atomic<pid_t> g_children[kMaxChildren];

void Remember(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) return;
  }
}

void Forget(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

}  // namespace

void KillChildren() {
  for (auto& slot : g_children) {
    const pid_t pid = slot.load();
    if (pid > 0) kill(pid, SIGKILL);
  }
}

Child Spawn(const std::vector<std::string>& argv, const std::string& cwd, bool show_stderr) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    std::perror("pipe2");
    std::abort();
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (!show_stderr) posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  Child child;
  const int rc = posix_spawnp(&child.pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (rc != 0) {
    std::fprintf(stderr, "bench: cannot start %s: %s\n", args[0], std::strerror(rc));
    std::abort();
  }
  child.out_fd = pipe_fds[0];
  Remember(child.pid);
  return child;
}

bool ReadLine(Child& child, std::string* line, double timeout_s) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  for (;;) {
    const size_t nl = child.pending.find('\n');
    if (nl != std::string::npos) {
      *line = child.pending.substr(0, nl);
      child.pending.erase(0, nl + 1);
      return true;
    }
    const double left = std::chrono::duration<double>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{child.out_fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left * 1000) + 1) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(child.out_fd, buf, sizeof buf);
    if (n <= 0) return false;
    child.pending.append(buf, static_cast<size_t>(n));
  }
}

std::string ReadAll(Child& child) {
  std::string out = std::move(child.pending);
  child.pending.clear();
  char buf[65536];
  ssize_t n;
  while ((n = read(child.out_fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

int Reap(Child& child, int sig) {
  int status = 0;
  if (child.pid > 0) {
    if (sig != 0) kill(child.pid, sig);
    waitpid(child.pid, &status, 0);
    Forget(child.pid);
    child.pid = -1;
  }
  if (child.out_fd >= 0) close(child.out_fd);
  child.out_fd = -1;
  return status;
}

double CpuMicros(pid_t pid) {
  std::ifstream in(pid == 0 ? std::string("/proc/self/stat")
                            : "/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  // Fields after the command (which is in parentheses and may hold spaces): state is field 3,
  // utime 14 and stime 15.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) utime = std::atof(f.c_str());
    if (i == 15) stime = std::atof(f.c_str());
  }
  return (utime + stime) * 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

namespace {

// user + nice + system of all CPUs, in microseconds.
double MachineBusyMicros() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0;
  in >> cpu >> user >> nice >> system;
  return (user + nice + system) * 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double ChildrenMicros() {
  rusage u{};
  getrusage(RUSAGE_CHILDREN, &u);
  return (static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 +
          static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec));
}

}  // namespace

ForeignCpu::ForeignCpu(std::vector<pid_t> pids, bool children)
    : pids_(std::move(pids)),
      children_(children),
      busy0_(MachineBusyMicros()),
      own0_(Own()),
      t0_(Clock::now()) {}

double ForeignCpu::Own() const {
  double own = CpuMicros(0);
  for (pid_t p : pids_) own += CpuMicros(p);
  if (children_) own += ChildrenMicros();
  return own;
}

double ForeignCpu::Share() const {
  const double wall_us = SecondsSince(t0_) * 1e6 * OnlineCpus();
  if (wall_us <= 0) return 0;
  const double foreign = (MachineBusyMicros() - busy0_) - (Own() - own0_);
  return std::max(0.0, foreign / wall_us);
}

long RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "unknown";
}

int OnlineCpus() { return static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)); }

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

double LoadAverage1() { return std::atof(LoadAverage().c_str()); }

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double Quantile(std::vector<float>& v, double q) {
  if (v.empty()) return 0;
  size_t rank = static_cast<size_t>(q * static_cast<double>(v.size()));
  if (rank >= v.size()) rank = v.size() - 1;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(rank), v.end());
  return v[rank];
}

double Rate(const std::function<void()>& op, double seconds) {
  long n = 0;
  const auto t0 = Clock::now();
  double elapsed = 0;
  do {
    for (int i = 0; i < 8; ++i) op();
    n += 8;
    elapsed = SecondsSince(t0);
  } while (elapsed < seconds);
  return static_cast<double>(n) / elapsed;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace mpemu::bench
