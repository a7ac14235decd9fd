#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <gtest/gtest.h>

namespace mpemu::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

int MillisLeft(SteadyClock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// argv as execvp wants it; built before fork (the child of a threaded process must not allocate).
std::vector<char*> ExecArgs(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  return args;
}

// In the child after fork: only async-signal-safe calls until exec.
[[noreturn]] void ExecChild(char* const* args) {
  execvp(args[0], args);
  _exit(127);
}

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return -1;
}

// Waits for `pid` until `deadline`; true and the wait status when it ended.
bool WaitUntil(pid_t pid, SteadyClock::time_point deadline, int* status) {
  for (;;) {
    const pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno != EINTR) return true;  // not our child any more
    if (SteadyClock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace

StatusOr<RunResult> RunProcess(const std::vector<std::string>& argv, int timeout_ms) {
  if (argv.empty()) return InvalidArgumentError("RunProcess: empty argv");
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return InternalError("pipe: " + std::string(strerror(errno)));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return InternalError("pipe: " + std::string(strerror(errno)));
  }
  std::vector<char*> args = ExecArgs(argv);
  const pid_t pid = fork();
  if (pid < 0) return InternalError("fork: " + std::string(strerror(errno)));
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    ExecChild(args.data());
  }
  close(out_pipe[1]);
  close(err_pipe[1]);

  RunResult result;
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  while (open_fds > 0) {
    const int left = MillisLeft(deadline);
    if (left == 0) {
      result.timed_out = true;
      break;
    }
    const int n = poll(fds, 2, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      const ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        sinks[i]->append(buf, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  int status = 0;
  if (result.timed_out || !WaitUntil(pid, deadline + std::chrono::milliseconds(2000), &status)) {
    result.timed_out = true;
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    result.exit_code = -1;
    return result;
  }
  result.exit_code = DecodeWaitStatus(status);
  if (result.exit_code == 127 && result.out.empty() && result.err.empty()) {
    return UnavailableError("cannot start " + argv[0]);
  }
  return result;
}

ChildProcess::~ChildProcess() { Kill(); }

Status ChildProcess::Start(const std::vector<std::string>& argv) {
  if (argv.empty()) return InvalidArgumentError("ChildProcess: empty argv");
  if (pid_ > 0) return FailedPreconditionError("ChildProcess: already started");
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return InternalError("pipe: " + std::string(strerror(errno)));
  std::vector<char*> args = ExecArgs(argv);
  const pid_t pid = fork();
  if (pid < 0) return InternalError("fork: " + std::string(strerror(errno)));
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    ExecChild(args.data());
  }
  close(out_pipe[1]);
  pid_ = pid;
  out_fd_ = out_pipe[0];
  return Status::Ok();
}

StatusOr<std::string> ChildProcess::WaitForLine(const std::string& needle, int timeout_ms) {
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    size_t nl;
    while ((nl = buffer_.find('\n')) != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (line.find(needle) != std::string::npos) return line;
    }
    if (out_fd_ < 0) return UnavailableError("stdout closed before \"" + needle + "\"");
    const int left = MillisLeft(deadline);
    if (left == 0) return DeadlineExceededError("no line with \"" + needle + "\" in time");
    pollfd fd = {out_fd_, POLLIN, 0};
    const int n = poll(&fd, 1, left);
    if (n <= 0) continue;
    char buf[4096];
    const ssize_t got = read(out_fd_, buf, sizeof buf);
    if (got > 0) {
      buffer_.append(buf, static_cast<size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      close(out_fd_);
      out_fd_ = -1;
    }
  }
}

StatusOr<int> ChildProcess::Stop(int signal, int timeout_ms) {
  if (pid_ <= 0) return FailedPreconditionError("ChildProcess: not running");
  kill(pid_, signal);
  int status = 0;
  if (!WaitUntil(pid_, SteadyClock::now() + std::chrono::milliseconds(timeout_ms), &status)) {
    return DeadlineExceededError("the child did not stop");
  }
  pid_ = -1;
  if (out_fd_ >= 0) {
    close(out_fd_);
    out_fd_ = -1;
  }
  return DecodeWaitStatus(status);
}

void ChildProcess::Kill() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  if (out_fd_ >= 0) {
    close(out_fd_);
    out_fd_ = -1;
  }
}

const std::string& MpemuBinary() {
  static const std::string path = std::string(MPEMU_BINARY_DIR) + "/mpemu";
  return path;
}

RunResult RunMpemu(const std::vector<std::string>& args, int timeout_ms) {
  std::vector<std::string> argv = {MpemuBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  StatusOr<RunResult> r = RunProcess(argv, timeout_ms);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return RunResult{};
  EXPECT_FALSE(r->timed_out) << "mpemu did not finish within " << timeout_ms << " ms";
  return *r;
}

std::string FindPythonWith(const std::string& modules) {
  for (const char* python : {"/usr/bin/python3", "python3"}) {
    StatusOr<RunResult> r = RunProcess({python, "-c", "import " + modules}, 10000);
    if (r.ok() && r->exit_code == 0) return python;
  }
  return "";
}

}  // namespace mpemu::testing
