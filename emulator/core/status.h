// Status and StatusOr<T>: errors as values, after leveldb and absl.
//
// A Status is either OK or carries a code and a human-readable message. The message of an error that
// came from parsing input names the location (`file:line:col`, a byte offset, a JSON pointer).
// StatusOr<T> holds either a value or a non-OK Status; reading the value of an error aborts.
#ifndef MPEMU_EMULATOR_CORE_STATUS_H_
#define MPEMU_EMULATOR_CORE_STATUS_H_

#include <cassert>
#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

namespace mpemu {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // malformed input: HTTP 400
  kUnauthenticated,     // missing or bad credentials: 401
  kPermissionDenied,    // authenticated, not allowed: 403
  kNotFound,            // 404
  kAlreadyExists,       // 409
  kFailedPrecondition,  // state does not allow the operation: 400 or 409 by protocol
  kResourceExhausted,   // too large, too many: 413 / 429
  kDeadlineExceeded,    // timeouts: 504
  kUnavailable,         // peer not reachable: 503
  kUnimplemented,       // 501
  kInternal,            // a bug of ours: 500
};

// The canonical upper-snake name of a code, e.g. "INVALID_ARGUMENT".
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "INVALID_ARGUMENT: message" or "OK".
  std::string ToString() const;

  // A copy whose message is prefixed with `context: `; OK stays OK.
  Status WithContext(const std::string& context) const;

  bool operator==(const Status& other) const {
    return code_ == other.code_ && message_ == other.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgumentError(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status UnauthenticatedError(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
inline Status PermissionDeniedError(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExistsError(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPreconditionError(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status ResourceExhaustedError(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status DeadlineExceededError(std::string m) { return {StatusCode::kDeadlineExceeded, std::move(m)}; }
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status UnimplementedError(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  // Implicit from an error Status (must not be OK) and from a value, so functions can `return`
  // either.
  StatusOr(Status status) : rep_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(rep_).ok());
    if (std::get<Status>(rep_).ok()) rep_ = Status(StatusCode::kInternal, "OK status given to StatusOr");
  }
  StatusOr(const T& value) : rep_(value) {}        // NOLINT(google-explicit-constructor)
  StatusOr(T&& value) : rep_(std::move(value)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(rep_); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(rep_); }

  const T& value() const& { return Checked(); }
  T& value() & { return Checked(); }
  T&& value() && { return std::move(Checked()); }
  const T& operator*() const& { return Checked(); }
  T& operator*() & { return Checked(); }
  const T* operator->() const { return &Checked(); }
  T* operator->() { return &Checked(); }

 private:
  T& Checked() {
    if (!ok()) std::abort();
    return std::get<T>(rep_);
  }
  const T& Checked() const {
    if (!ok()) std::abort();
    return std::get<T>(rep_);
  }
  std::variant<Status, T> rep_;
};

}  // namespace mpemu

#define MPEMU_CONCAT_INNER_(a, b) a##b
#define MPEMU_CONCAT_(a, b) MPEMU_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define MPEMU_RETURN_IF_ERROR(expr)               \
  do {                                            \
    ::mpemu::Status mpemu_status_ = (expr);       \
    if (!mpemu_status_.ok()) return mpemu_status_; \
  } while (0)

// `MPEMU_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a StatusOr or returns its error.
#define MPEMU_ASSIGN_OR_RETURN(lhs, expr) \
  MPEMU_ASSIGN_OR_RETURN_IMPL_(MPEMU_CONCAT_(mpemu_statusor_, __LINE__), lhs, expr)
#define MPEMU_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()

#endif  // MPEMU_EMULATOR_CORE_STATUS_H_
