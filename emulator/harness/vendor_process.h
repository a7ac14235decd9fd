// The vendor under test as a child process: started with a templated command and environment,
// its output kept in a log file, waited for until its readiness URL answers, stopped at the end.
#ifndef MPEMU_EMULATOR_HARNESS_VENDOR_PROCESS_H_
#define MPEMU_EMULATOR_HARNESS_VENDOR_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "emulator/core/status.h"

namespace mpemu::harness {

class VendorProcess {
 public:
  // Starts `argv` in `cwd` with the harness's environment plus `env`; stdout and stderr go to
  // `log_path`. The child gets its own process group so Stop() reaches its children too.
  static StatusOr<std::unique_ptr<VendorProcess>> Start(const std::vector<std::string>& argv,
                                                        const std::map<std::string, std::string>& env,
                                                        const std::string& cwd, const std::string& log_path);
  ~VendorProcess();
  VendorProcess(const VendorProcess&) = delete;
  VendorProcess& operator=(const VendorProcess&) = delete;

  // Polls GET `url` until it answers 2xx. Unavailable (with the log's tail) when the process exits
  // or `timeout_ms` passes first.
  Status WaitReady(const std::string& url, int64_t timeout_ms);
  bool Running();
  // SIGTERM, then SIGKILL after a grace period.
  void Stop();
  // The last `lines` lines of the log.
  std::string LogTail(size_t lines = 20) const;
  const std::string& log_path() const { return log_path_; }

 private:
  VendorProcess(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}
  pid_t pid_;
  std::string log_path_;
  int exit_status_ = -1;
};

}  // namespace mpemu::harness

#endif  // MPEMU_EMULATOR_HARNESS_VENDOR_PROCESS_H_
