#include "emulator/harness/vendor_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <fstream>
#include <thread>

#include "emulator/http/client.h"

extern char** environ;

namespace mpemu::harness {

StatusOr<std::unique_ptr<VendorProcess>> VendorProcess::Start(const std::vector<std::string>& argv,
                                                               const std::map<std::string, std::string>& env,
                                                               const std::string& cwd,
                                                               const std::string& log_path) {
  if (argv.empty()) return InvalidArgumentError("empty vendor command");
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) return UnavailableError("cannot create " + log_path + ": " + std::strerror(errno));

  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : env) merged[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : merged) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> c_argv;
  for (auto& a : args) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);

  // A pipe reports an exec failure to the parent (it is closed on a successful exec).
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    ::close(log_fd);
    return InternalError(std::string("pipe: ") + std::strerror(errno));
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return InternalError(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
      int err = errno;
      (void)!::write(report[1], &err, sizeof err);
      ::_exit(127);
    }
    ::execvpe(c_argv[0], c_argv.data(), envp.data());
    int err = errno;
    (void)!::write(report[1], &err, sizeof err);
    ::_exit(127);
  }
  ::close(log_fd);
  ::close(report[1]);
  int child_errno = 0;
  ssize_t n = ::read(report[0], &child_errno, sizeof child_errno);
  ::close(report[0]);
  if (n == sizeof child_errno) {
    ::waitpid(pid, nullptr, 0);
    return UnavailableError("cannot start vendor \"" + argv[0] + "\"" + (cwd.empty() ? "" : " in " + cwd) + ": " +
                            std::strerror(child_errno));
  }
  return std::unique_ptr<VendorProcess>(new VendorProcess(pid, log_path));
}

VendorProcess::~VendorProcess() { Stop(); }

bool VendorProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_status_ = status;
    pid_ = -1;
    return false;
  }
  return true;
}

Status VendorProcess::WaitReady(const std::string& url, int64_t timeout_ms) {
  auto split = http::SplitUrl(url);
  if (!split.ok()) return split.status();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string last = "no answer yet";
  while (std::chrono::steady_clock::now() < deadline) {
    if (!Running()) {
      std::string how = WIFEXITED(exit_status_) ? "exited with status " + std::to_string(WEXITSTATUS(exit_status_))
                                                : "was killed by signal " + std::to_string(WTERMSIG(exit_status_));
      return UnavailableError("the vendor " + how + " before it became ready. Its log (" + log_path_ +
                              ") ends with:\n" + LogTail());
    }
    http::ClientOptions options;
    options.connect_timeout_ms = 200;
    options.read_timeout_ms = 1000;
    http::Client client(split->first, options);
    auto r = client.Get(split->second.empty() ? "/" : split->second);
    if (r.ok() && r->status >= 200 && r->status < 300) return Status::Ok();
    last = r.ok() ? "HTTP " + std::to_string(r->status) : r.status().message();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return DeadlineExceededError("the vendor did not become ready at " + url + " within " +
                               std::to_string(timeout_ms) + " ms (last: " + last + "). Its log (" + log_path_ +
                               ") ends with:\n" + LogTail());
}

void VendorProcess::Stop() {
  if (!Running()) return;
  ::kill(-pid_, SIGTERM);
  for (int i = 0; i < 200 && Running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (Running()) {
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

std::string VendorProcess::LogTail(size_t lines) const {
  std::ifstream in(log_path_);
  std::deque<std::string> tail;
  std::string line;
  while (std::getline(in, line)) {
    tail.push_back(line);
    if (tail.size() > lines) tail.pop_front();
  }
  std::string out;
  for (const auto& l : tail) out += "  | " + l + "\n";
  return out.empty() ? "  | (empty)\n" : out;
}

}  // namespace mpemu::harness
