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

#endif  // MPEMU_TESTS_SUPPORT_STATUS_MATCHERS_H_
