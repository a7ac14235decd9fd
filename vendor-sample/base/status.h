// Status and StatusOr<T>: errors as values.
//
// vendor-sample is a separate program that knows only the wire protocol, so it carries its own
// small copy of this idea instead of linking the emulator's. A Status is OK or carries a code and a
// human-readable message; StatusOr<T> holds a value or a non-OK Status. Reading the value of an
// error aborts (a bug, never a runtime condition).
#ifndef VENDOR_SAMPLE_BASE_STATUS_H_
#define VENDOR_SAMPLE_BASE_STATUS_H_

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

namespace vendor_sample {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // malformed input
  kUnauthenticated,   // bad or missing credentials, a token that does not verify
  kPermissionDenied,  // a peer refused
  kNotFound,
  kAlreadyExists,       // a conflict with what is stored
  kFailedPrecondition,  // the state does not allow the operation
  kResourceExhausted,   // too large
  kDeadlineExceeded,    // a timeout
  kUnavailable,         // a peer could not be reached or answered badly
  kInternal,            // a bug of ours
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;  // "INVALID_ARGUMENT: message" or "OK"

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgumentError(std::string m) {
  return Status(StatusCode::kInvalidArgument, std::move(m));
}
inline Status UnauthenticatedError(std::string m) {
  return Status(StatusCode::kUnauthenticated, std::move(m));
}
inline Status PermissionDeniedError(std::string m) {
  return Status(StatusCode::kPermissionDenied, std::move(m));
}
inline Status NotFoundError(std::string m) { return Status(StatusCode::kNotFound, std::move(m)); }
inline Status AlreadyExistsError(std::string m) {
  return Status(StatusCode::kAlreadyExists, std::move(m));
}
inline Status FailedPreconditionError(std::string m) {
  return Status(StatusCode::kFailedPrecondition, std::move(m));
}
inline Status ResourceExhaustedError(std::string m) {
  return Status(StatusCode::kResourceExhausted, std::move(m));
}
inline Status DeadlineExceededError(std::string m) {
  return Status(StatusCode::kDeadlineExceeded, std::move(m));
}
inline Status UnavailableError(std::string m) {
  return Status(StatusCode::kUnavailable, std::move(m));
}
inline Status InternalError(std::string m) { return Status(StatusCode::kInternal, std::move(m)); }

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(Status status) : data_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(data_).ok()) Die("StatusOr constructed from an OK Status");
  }
  StatusOr(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(data_); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(data_); }

  const T& value() const& {
    if (!ok()) Die(std::get<Status>(data_).ToString());
    return std::get<T>(data_);
  }
  T& value() & {
    if (!ok()) Die(std::get<Status>(data_).ToString());
    return std::get<T>(data_);
  }
  T&& value() && {
    if (!ok()) Die(std::get<Status>(data_).ToString());
    return std::get<T>(std::move(data_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  [[noreturn]] static void Die(const std::string& what) {
    std::fprintf(stderr, "StatusOr: value() of an error: %s\n", what.c_str());
    std::abort();
  }

  std::variant<Status, T> data_;
};

}  // namespace vendor_sample

#define VS_CONCAT_INNER_(a, b) a##b
#define VS_CONCAT_(a, b) VS_CONCAT_INNER_(a, b)

#define VS_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::vendor_sample::Status vs_status_ = (expr); \
    if (!vs_status_.ok()) return vs_status_;     \
  } while (false)

#define VS_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

#define VS_ASSIGN_OR_RETURN(lhs, expr) \
  VS_ASSIGN_OR_RETURN_IMPL_(VS_CONCAT_(vs_statusor_, __LINE__), lhs, expr)

#endif  // VENDOR_SAMPLE_BASE_STATUS_H_
