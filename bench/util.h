// Small helpers of the benchmark: child processes, /proc readings, statistics, rates.
#ifndef MPEMU_BENCH_UTIL_H_
#define MPEMU_BENCH_UTIL_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace mpemu::bench {

using Clock = std::chrono::steady_clock;

inline double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// A child process whose stdout is a pipe to us (stderr goes to /dev/null unless `show_stderr`).
struct Child {
  pid_t pid = -1;
  int out_fd = -1;
  std::string pending;  // read from out_fd but not yet returned as a line
};

// Starts argv[0] (searched in PATH when it has no slash) in `cwd` (empty: ours). Aborts on error.
Child Spawn(const std::vector<std::string>& argv, const std::string& cwd = "",
            bool show_stderr = false);
// Sends SIGKILL to every child that Spawn started and Reap has not reaped (async-signal-safe: for
// failure paths and signal handlers, so no server outlives the benchmark).
void KillChildren();

// The next line of the child's stdout, without the newline; false on EOF or timeout.
bool ReadLine(Child& child, std::string* line, double timeout_s = 60);
// Everything left on the child's stdout, until EOF.
std::string ReadAll(Child& child);
// Sends `sig` (unless 0), waits for the child and closes the pipe. Returns the wait status.
int Reap(Child& child, int sig);

// User + system CPU time of a process (pid 0: this one), in microseconds; clock-tick resolution.
double CpuMicros(pid_t pid);

// How much CPU other processes used while we measured, as a share of all CPUs' time: /proc/stat's
// user + nice + system time of the whole machine, minus that of the processes we count as ours
// (this one, `pids`, and, with `children`, the waited-for children of this one).
class ForeignCpu {
 public:
  explicit ForeignCpu(std::vector<pid_t> pids = {}, bool children = false);
  // The share (0..1) of all CPUs' time used by others since construction.
  double Share() const;

 private:
  double Own() const;
  std::vector<pid_t> pids_;
  bool children_;
  double busy0_, own0_;
  Clock::time_point t0_;
};

// VmRSS of a process in kB (0 when unreadable).
long RssKb(pid_t pid);

// "model name" of the first CPU, the number of online CPUs, and /proc/loadavg's first three.
std::string CpuModel();
int OnlineCpus();
std::string LoadAverage();
double LoadAverage1();

double Median(std::vector<double> v);
// The q-quantile (0..1) by nearest rank; sorts `v`.
double Quantile(std::vector<float>& v, double q);

// Calls `op` in batches for at least `seconds` and returns calls per second.
double Rate(const std::function<void()>& op, double seconds);

std::string ReadFile(const std::string& path);

}  // namespace mpemu::bench

#endif  // MPEMU_BENCH_UTIL_H_
