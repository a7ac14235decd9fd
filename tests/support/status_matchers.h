// gMock matchers for Status and StatusOr.
#ifndef MPEMU_TESTS_SUPPORT_STATUS_MATCHERS_H_
#define MPEMU_TESTS_SUPPORT_STATUS_MATCHERS_H_

#include <gmock/gmock.h>

#include "emulator/core/status.h"

namespace mpemu::testing {

inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
Status GetStatus(const StatusOr<T>& s) { return s.status(); }

MATCHER(IsOk, "is OK") {
  const Status s = GetStatus(arg);
  *result_listener << s.ToString();
  return s.ok();
}

MATCHER_P(StatusIs, code, std::string("has code ") + StatusCodeName(code)) {
  const Status s = GetStatus(arg);
  *result_listener << s.ToString();
  return s.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher, std::string("has code ") + StatusCodeName(code)) {
  const Status s = GetStatus(arg);
  *result_listener << s.ToString();
  return s.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, s.message(), result_listener);
}

}  // namespace mpemu::testing

#define ASSERT_OK(expr) ASSERT_THAT((expr), ::mpemu::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::mpemu::testing::IsOk())

// ASSERT_OK_AND_ASSIGN(Type name, expr): fails the test unless expr (a StatusOr) is OK, then
// declares `name` from its value.
#define MPEMU_TEST_CONCAT_INNER(a, b) a##b
#define MPEMU_TEST_CONCAT(a, b) MPEMU_TEST_CONCAT_INNER(a, b)
#define ASSERT_OK_AND_ASSIGN(decl, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL(MPEMU_TEST_CONCAT(status_or_, __LINE__), decl, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                               \
  ASSERT_OK(tmp.status());                         \
  decl = std::move(tmp).value()

#endif  // MPEMU_TESTS_SUPPORT_STATUS_MATCHERS_H_
