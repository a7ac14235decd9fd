// Seed accounts for tests and demos (VENDOR_TEST_USERS): a harness that drives a marketplace the
// vendor starts from (Pandium's in-app marketplace opens behind the vendor's login) needs users it
// can log in as.
//
//   VENDOR_TEST_USERS="alice@example.test:pw-alice:enterprise,bob@example.test:pw-bob"
#ifndef VENDOR_SAMPLE_ACCOUNT_TEST_USERS_H_
#define VENDOR_SAMPLE_ACCOUNT_TEST_USERS_H_

#include <string>
#include <vector>

#include "vendor-sample/base/clock.h"
#include "vendor-sample/base/status.h"
#include "vendor-sample/store/store.h"

namespace vendor_sample::account {

struct TestUser {
  std::string email;     // lower case
  std::string password;  // plain text: test configuration only
  std::string tier = "basic";
};

// Parses "email:password[:tier],...". Entries are separated by ',' and fields by ':', so a
// password can hold neither; blanks around entries are ignored, nothing else is trimmed. The
// e-mail is lower-cased and must look like one (one '@', no blanks or control characters, at most
// 254 bytes); the password must be 1-1024 bytes; the tier (default "basic") 1-32 of [a-z0-9_-].
// A repeated e-mail is an error. InvalidArgument names the entry by position and e-mail, never
// the password.
StatusOr<std::vector<TestUser>> ParseTestUsers(const std::string& csv);

// Creates each user that does not exist yet (by e-mail): a random UUID id, the name is the
// e-mail's local part, the password hashed like any other (`pbkdf2_iterations`). An existing
// account is left exactly as it is (its id, password and tier), so ids stay stable across
// restarts on the same database. Logs one line per user, without the password.
Status SeedTestUsers(store::Store* store, const std::vector<TestUser>& users, int pbkdf2_iterations,
                     const Clock* clock);

}  // namespace vendor_sample::account

#endif  // VENDOR_SAMPLE_ACCOUNT_TEST_USERS_H_
