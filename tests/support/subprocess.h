// Child processes for end-to-end tests: the built `mpemu` binary and helper interpreters.
// Every child is killed (SIGKILL) and reaped when its owner goes out of scope.
#ifndef MPEMU_TESTS_SUPPORT_SUBPROCESS_H_
#define MPEMU_TESTS_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "emulator/core/status.h"

namespace mpemu::testing {

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal (or on timeout)
  bool timed_out = false;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs argv[0] (searched in PATH when it has no '/') with `argv`, waits for it to end, and
// captures both output streams. A child still running after `timeout_ms` is killed. Unavailable
// when the program cannot be started (exit code 127 from the child is reported as such).
StatusOr<RunResult> RunProcess(const std::vector<std::string>& argv, int timeout_ms = 20000);

// The built `mpemu` binary (in the build directory).
const std::string& MpemuBinary();
// Runs `mpemu args...` and waits; a test failure (not a crash) when it cannot start or times out.
RunResult RunMpemu(const std::vector<std::string>& args, int timeout_ms = 20000);

// The first Python interpreter (/usr/bin/python3, then python3 in PATH) that can
// `import <modules>` ("jwt, requests"), or "" when none can. Debian's python3-* packages live in the
// system Python; a pyenv python3 earlier in PATH may lack them.
std::string FindPythonWith(const std::string& modules);

// A long-running child whose stdout is read line by line (stderr is inherited).
class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();  // Kill()
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  Status Start(const std::vector<std::string>& argv);
  // Reads stdout until a line containing `needle`; returns that line. DeadlineExceeded after
  // `timeout_ms`, Unavailable if stdout closes first.
  StatusOr<std::string> WaitForLine(const std::string& needle, int timeout_ms = 20000);
  // Sends `signal` and waits up to `timeout_ms` for the exit; returns the exit code, or -1 when
  // it died by a signal; DeadlineExceeded when it did not stop (it is then still running).
  StatusOr<int> Stop(int signal, int timeout_ms = 10000);
  // SIGKILL and reap; idempotent.
  void Kill();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
};

}  // namespace mpemu::testing

#endif  // MPEMU_TESTS_SUPPORT_SUBPROCESS_H_
