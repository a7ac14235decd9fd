// The step registry: every step type, its fields and its factory. Adding a step type = one class
// (in the family's *_steps.cc) + one entry here.
#include "emulator/harness/step.h"
#include "emulator/harness/steps/steps.h"

namespace mpemu::harness {
namespace {

using FT = FieldType;

const std::vector<std::string> kStackitStates = {
    "SUBSCRIPTION_PENDING",   "SUBSCRIPTION_ACTIVE",    "SUBSCRIPTION_INACTIVE",
    "SUBSCRIPTION_CANCELLING", "SUBSCRIPTION_CANCELLED", "SUBSCRIPTION_REJECTED",
    "SUBSCRIPTION_APPROVAL_TIMED_OUT"};

FieldSpec As(const std::string& fallback) {
  return {"as", FT::kString, false, "name to capture the result under (default \"" + fallback + "\")", {}};
}

std::vector<StepSpec> Build() {
  using namespace steps;  // NOLINT(google-build-using-namespace)
  return {
      // --- customer (STACKIT) ---
      {"subscribe", "customer", "The customer subscribes to a STACKIT product: a pending subscription and its redirect token",
       {{"product", FT::kString, false, "product id (default: the first configured product)", {}}, As("sub")},
       "", MakeSubscribe},
      {"open_signup", "customer", "The customer's browser lands on the vendor's signup URL with a redirect token",
       {{"token", FT::kString, false, "the token (default {{ sub.token }})", {}},
        {"query", FT::kString, false, "the whole raw query string instead (parameter pollution, odd encodings)", {}},
        As("page")},
       "", MakeOpenSignup},
      {"complete_signup", "customer", "The customer fills in and submits the vendor's signup form (fields from the profile)",
       {{"from", FT::kString, false, "the captured page holding the form (default \"page\")", {}},
        {"form", FT::kString, false, "choose the form whose action contains this text", {}},
        {"fields", FT::kObject, false, "fields to set in addition to (or instead of) the profile's", {}},
        As("page")},
       "", MakeCompleteSignup},
      // --- vendor ---
      {"request", "vendor", "An HTTP request to the vendor, with the customer's cookies",
       {{"method", FT::kString, false, "GET (default), POST, ...", {}},
        {"path", FT::kString, false, "path on the vendor's base URL", {}},
        {"url", FT::kString, false, "an absolute URL instead", {}},
        {"headers", FT::kObject, false, "request headers", {}},
        {"form", FT::kObject, false, "form fields, sent url-encoded", {}},
        {"json", FT::kAny, false, "a JSON body", {}},
        {"body", FT::kString, false, "a raw body", {}},
        {"follow", FT::kBool, false, "follow redirects (default true)", {}},
        As("response")},
       "", MakeRequest},
      // --- emulator ---
      {"advance_clock", "emulator", "Moves the marketplace's virtual clock forward (due lifecycle changes happen)",
       {{"by", FT::kDuration, true, "how far: 61m, 2h, 90s", {}}}, "by", MakeAdvanceClock},
      {"mint_token", "emulator", "Mints a STACKIT redirect token for a subscription, with mutations",
       {{"subscription", FT::kString, false, "subscription id (default {{ sub.id }})", {}},
        {"mutations", FT::kList, false, "token mutations, each {name: parameter} (see `mpemu steps`)", {}},
        As("minted")},
       "", MakeMintToken},
      {"rotate_keys", "emulator", "Rotates STACKIT's redirect-token signing key (the new key is published)",
       {{"retire_previous", FT::kBool, false, "withdraw the previous key from keys.json", {}}, As("key")},
       "", MakeRotateKeys},
      {"publish_key", "emulator", "Publishes or withdraws a key in keys.json",
       {{"kid", FT::kString, true, "the key id", {}}, {"published", FT::kBool, false, "default true", {}}},
       "", MakePublishKey},
      {"set_state", "emulator", "Moves a subscription to a lifecycle state (cancellation, ...)",
       {{"subscription", FT::kString, false, "subscription id (default {{ sub.id }})", {}},
        {"state", FT::kString, true, "the new state", kStackitStates},
        {"reason", FT::kString, false, "recorded in the subscription's history", {}}},
       "", MakeSetState},
      {"inject_fault", "emulator", "Shapes the emulator's next reply(ies) on a route: status, body, delay or a JSON merge patch",
       {{"route", FT::kString, false, "route name, e.g. stackit.resolve-customer", {}},
        {"method", FT::kString, false, "HTTP method", {}},
        {"path", FT::kString, false, "regex over the path", {}},
        {"status", FT::kInt, false, "reply with this status", {}},
        {"body", FT::kString, false, "reply with this body", {}},
        {"json", FT::kAny, false, "reply with this JSON body", {}},
        {"content_type", FT::kString, false, "content type of the replaced body", {}},
        {"merge", FT::kObject, false, "JSON merge patch applied to the real reply", {}},
        {"delay", FT::kDuration, false, "wait before replying", {}},
        {"times", FT::kInt, false, "replies it shapes (default 1; -1 = all)", {}}},
       "", MakeInjectFault},
      {"wait", "flow", "Waits in real time (prefer `within` on expectations)",
       {{"for", FT::kDuration, true, "how long", {}}}, "for", MakeWait},
      {"set", "flow", "Sets a variable for later steps",
       {{"name", FT::kString, true, "variable name", {}}, {"value", FT::kAny, true, "its value", {}}}, "",
       MakeSet},
      {"repeat", "flow", "Runs steps several times; {{ repeat.index }} counts from 0",
       {{"times", FT::kInt, true, "how many times", {}}, {"steps", FT::kSteps, true, "the steps to repeat", {}}},
       "", MakeRepeat},
      // --- expectations ---
      {"expect_response", "expect", "The vendor's reply (a captured page or response) is as expected",
       {{"from", FT::kString, false, "the captured reply (default \"page\")", {}},
        {"status", FT::kStatus, false, "200, \"4xx\", or a list", {}},
        {"body_contains", FT::kString, false, "text the body must contain", {}},
        {"body_not_contains", FT::kString, false, "text the body must not contain", {}},
        {"headers", FT::kObject, false, "header name -> regex its value must match", {}},
        {"has_form", FT::kBool, false, "whether the page has a form", {}}},
       "", MakeExpectResponse},
      {"expect_calls", "expect", "The vendor's calls to the marketplace since the scenario started (from the journal)",
       {{"route", FT::kString, false, "route name: stackit.approve, stackit.resolve-customer, stackit.keys, ...", {}},
        {"service", FT::kString, false, "service name: stackit.api, stackit.keys, stackit.token, attacker", {}},
        {"method", FT::kString, false, "HTTP method", {}},
        {"path_contains", FT::kString, false, "text in the path (a subscription id, ...)", {}},
        {"body_contains", FT::kString, false, "text in the request body", {}},
        {"status", FT::kStatus, false, "the emulator's reply status", {}},
        {"after", FT::kString, false, "only calls after this captured step result", {}},
        {"count", FT::kInt, false, "exactly this many", {}},
        {"min", FT::kInt, false, "at least (default 1 when neither count nor max)", {}},
        {"max", FT::kInt, false, "at most", {}},
        {"within", FT::kDuration, false, "keep looking this long", {}}},
       "", MakeExpectCalls},
      {"expect_subscription", "expect", "A STACKIT subscription is in a lifecycle state (on the marketplace's clock)",
       {{"subscription", FT::kString, false, "subscription id (default {{ sub.id }})", {}},
        {"state", FT::kString, true, "the expected state", kStackitStates},
        {"within", FT::kDuration, false, "keep looking this long", {}}},
       "", MakeExpectSubscription},
      {"expect_vendor_state", "expect", "The vendor reports a subscription's state (profile's stackit.observe)",
       {{"subscription", FT::kString, false, "subscription id (default {{ sub.id }})", {}},
        {"state", FT::kString, true, "the expected state", kStackitStates},
        {"within", FT::kDuration, false, "keep looking this long (default 5s)", {}}},
       "", MakeExpectVendorState},
      {"expect_rejected", "expect",
       "The vendor rejected a redirect token: 4xx, no approve call, nothing fetched from the attacker host, still pending",
       {{"from", FT::kString, false, "the captured landing page (default \"page\")", {}},
        {"subscription", FT::kString, false, "subscription id (default {{ sub.id }}; \"\" to skip the state check)", {}}},
       "", MakeExpectRejected},
  };
}

}  // namespace

const std::vector<StepSpec>& StepRegistry() {
  static const std::vector<StepSpec> registry = Build();
  return registry;
}

}  // namespace mpemu::harness
