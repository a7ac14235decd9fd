#include "emulator/core/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/support/status_matchers.h"

namespace mpemu {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::HasSubstr;

TEST(StatusTest, DefaultIsOk) {
  const Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_EQ(Status::Ok(), s);
}

TEST(StatusTest, ErrorCarriesCodeAndMessage) {
  const Status s = NotFoundError("Subscription x not found.");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "Subscription x not found.");
  EXPECT_EQ(s.ToString(), "NOT_FOUND: Subscription x not found.");
}

TEST(StatusTest, EveryHelperHasItsCodeAndName) {
  const struct {
    Status status;
    StatusCode code;
    const char* name;
  } cases[] = {
      {InvalidArgumentError("m"), StatusCode::kInvalidArgument, "INVALID_ARGUMENT"},
      {UnauthenticatedError("m"), StatusCode::kUnauthenticated, "UNAUTHENTICATED"},
      {PermissionDeniedError("m"), StatusCode::kPermissionDenied, "PERMISSION_DENIED"},
      {NotFoundError("m"), StatusCode::kNotFound, "NOT_FOUND"},
      {AlreadyExistsError("m"), StatusCode::kAlreadyExists, "ALREADY_EXISTS"},
      {FailedPreconditionError("m"), StatusCode::kFailedPrecondition, "FAILED_PRECONDITION"},
      {ResourceExhaustedError("m"), StatusCode::kResourceExhausted, "RESOURCE_EXHAUSTED"},
      {DeadlineExceededError("m"), StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED"},
      {UnavailableError("m"), StatusCode::kUnavailable, "UNAVAILABLE"},
      {UnimplementedError("m"), StatusCode::kUnimplemented, "UNIMPLEMENTED"},
      {InternalError("m"), StatusCode::kInternal, "INTERNAL"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.status.code(), c.code) << c.name;
    EXPECT_STREQ(StatusCodeName(c.code), c.name);
    EXPECT_EQ(c.status.ToString(), std::string(c.name) + ": m");
    EXPECT_FALSE(c.status.ok());
  }
  EXPECT_STREQ(StatusCodeName(StatusCode::kOk), "OK");
  EXPECT_STREQ(StatusCodeName(static_cast<StatusCode>(999)), "UNKNOWN");
}

TEST(StatusTest, WithContextPrefixesErrorsAndKeepsTheCode) {
  const Status s = InvalidArgumentError("bad value").WithContext("config.yaml:3:5");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "config.yaml:3:5: bad value");
  EXPECT_TRUE(Status::Ok().WithContext("ignored").ok());
  EXPECT_EQ(Status::Ok().WithContext("ignored").message(), "");
}

TEST(StatusTest, EqualityComparesCodeAndMessage) {
  EXPECT_EQ(NotFoundError("a"), NotFoundError("a"));
  EXPECT_FALSE(NotFoundError("a") == NotFoundError("b"));
  EXPECT_FALSE(NotFoundError("a") == InternalError("a"));
}

TEST(StatusOrTest, HoldsAValue) {
  StatusOr<std::string> v = std::string("hello");
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v.status().ok());
  EXPECT_EQ(*v, "hello");
  EXPECT_EQ(v->size(), 5u);
  EXPECT_EQ(v.value(), "hello");
  v.value() += "!";
  EXPECT_EQ(*v, "hello!");
}

TEST(StatusOrTest, HoldsAnError) {
  const StatusOr<int> v = PermissionDeniedError("nope");
  EXPECT_FALSE(v.ok());
  EXPECT_THAT(v, StatusIs(StatusCode::kPermissionDenied, "nope"));
}

TEST(StatusOrTest, MovesMoveOnlyValuesOut) {
  StatusOr<std::unique_ptr<int>> v = std::make_unique<int>(7);
  ASSERT_TRUE(v.ok());
  std::unique_ptr<int> taken = std::move(v).value();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 7);
}

TEST(StatusOrDeathTest, ReadingTheValueOfAnErrorAborts) {
  const StatusOr<int> v = NotFoundError("absent");
  EXPECT_DEATH({ (void)v.value(); }, "");
  EXPECT_DEATH({ (void)*v; }, "");
}

TEST(StatusOrDeathTest, AnOkStatusIsNotAValue) {
#ifdef NDEBUG
  const StatusOr<int> v = Status::Ok();
  EXPECT_THAT(v, StatusIs(StatusCode::kInternal, HasSubstr("OK status")));
#else
  EXPECT_DEATH({ StatusOr<int> v = Status::Ok(); (void)v; }, "");
#endif
}

Status FailsWhen(bool fail, int* reached) {
  MPEMU_RETURN_IF_ERROR(fail ? UnavailableError("down") : Status::Ok());
  ++*reached;
  return Status::Ok();
}

StatusOr<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgumentError(std::to_string(n) + " is odd");
  return n / 2;
}

StatusOr<int> Quarter(int n) {
  MPEMU_ASSIGN_OR_RETURN(int half, Half(n));
  MPEMU_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(StatusMacrosTest, ReturnIfErrorStopsOnErrors) {
  int reached = 0;
  EXPECT_OK(FailsWhen(false, &reached));
  EXPECT_EQ(reached, 1);
  EXPECT_THAT(FailsWhen(true, &reached), StatusIs(StatusCode::kUnavailable, "down"));
  EXPECT_EQ(reached, 1);
}

TEST(StatusMacrosTest, AssignOrReturnPropagatesTheFirstError) {
  ASSERT_OK(Quarter(8));
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_THAT(Quarter(7), StatusIs(StatusCode::kInvalidArgument, "7 is odd"));
  EXPECT_THAT(Quarter(6), StatusIs(StatusCode::kInvalidArgument, "3 is odd"));
}

}  // namespace
}  // namespace mpemu
