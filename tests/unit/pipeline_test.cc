// The request pipeline without sockets: routing, 404/405 in each service's dialect, stages, the
// ready gate, fault injection, error mapping and journaling.
#include "emulator/http/pipeline.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/status_matchers.h"

namespace mpemu::http {
namespace {

using ::mpemu::testing::StatusIs;
using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr int64_t kNow = 1795548859123;  // 2026-11-24T19:34:19.123Z

// A dialect that is easy to recognise in assertions.
Reply WidgetErrors(const Status& s, int code, const Request& r) {
  return Reply::Json(code ? code : HttpStatusFor(s),
                     {{"dialect", "widget"}, {"code", StatusCodeName(s.code())}, {"message", s.message()},
                      {"path", r.path}, {"http", code}});
}

Reply GadgetErrors(const Status& s, int code, const Request&) {
  return Reply::Text(code ? code : HttpStatusFor(s), "gadget: " + s.message());
}

class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest() : pipeline_(&clock_, &wall_, &journal_, &faults_) {
    pipeline_.AddService({"widget", {"/widgets"}, WidgetErrors});
    pipeline_.AddService({"gadget", {"/gadgets/"}, GadgetErrors});
    pipeline_.AddService({"plain", {"/plain/"}, nullptr});

    pipeline_.AddRoute({"GET", "/widgets/([^/]+)", "widget.get", "widget",
                        [this](Request& r) -> StatusOr<Reply> {
                          handled_.push_back("widget.get");
                          return Reply::Json(200, {{"id", r.path_params.at(0)},
                                                   {"who", r.Context("auth.user")},
                                                   {"nested", {{"a", 1}, {"b", 2}}}});
                        },
                        {[this](Request& r) -> Status {
                           stages_.push_back("first");
                           r.context["auth.user"] = "alice";
                           return Status::Ok();
                         },
                         [this](Request& r) -> Status {
                           stages_.push_back("second");
                           if (r.Header("Authorization") == "deny") return PermissionDeniedError("denied");
                           return Status::Ok();
                         }}});
    pipeline_.AddRoute({"POST", "/widgets", "widget.create", "widget",
                        [](Request& r) -> StatusOr<Reply> {
                          MPEMU_ASSIGN_OR_RETURN(json body, ParseJsonBody(r));
                          return Reply::Json(201, body);
                        }});
    pipeline_.AddRoute({"DELETE", "/widgets/([^/]+)", "widget.delete", "widget",
                        [](Request& r) -> StatusOr<Reply> {
                          if (r.path_params[0] == "missing") return NotFoundError("no widget missing");
                          return Reply::NoContent();
                        }});
    pipeline_.AddRoute({"GET", "/widgets/([^/]+)/text", "widget.text", "widget",
                        [](Request&) -> StatusOr<Reply> { return Reply::Text(200, "plain text"); }});
    pipeline_.AddRoute({"GET", "/gadgets/throw", "gadget.throw", "gadget",
                        [](Request&) -> StatusOr<Reply> { throw std::runtime_error("boom"); }});
    pipeline_.AddRoute({"GET", "/gadgets/throw-int", "gadget.throw-int", "gadget",
                        [](Request&) -> StatusOr<Reply> { throw 42; }});
    pipeline_.AddRoute({"GET", "/gadgets/health", "gadget.health", "gadget",
                        [](Request&) -> StatusOr<Reply> { return Reply::Text(200, "up"); },
                        {}, /*waits_for_ready=*/false});
    pipeline_.AddRoute({"GET", "/plain/fail", "plain.fail", "plain",
                        [](Request&) -> StatusOr<Reply> { return FailedPreconditionError("not now"); }});
  }

  Reply Send(const std::string& method, const std::string& path, const std::string& body = "",
             const Headers& headers = {}) {
    Request r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.headers = headers;
    r.remote_addr = "127.0.0.1";
    return pipeline_.Handle(r);
  }

  journal::Entry LastEntry() {
    journal::Filter f;
    f.include_control = true;
    std::vector<journal::Entry> all = journal_.Query(f);
    EXPECT_FALSE(all.empty());
    return all.empty() ? journal::Entry() : all.back();
  }

  ManualClock wall_{kNow};
  ManualClock clock_{kNow + 3600 * 1000};  // the marketplace clock runs an hour ahead
  journal::Journal journal_;
  FaultInjector faults_;
  Pipeline pipeline_;
  std::vector<std::string> stages_;
  std::vector<std::string> handled_;
};

TEST_F(PipelineTest, RoutesByMethodAndRegexWithCaptures) {
  Reply r = Send("GET", "/widgets/w-1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(json::parse(r.body)["id"], "w-1");
  EXPECT_EQ(Send("DELETE", "/widgets/w-1").status, 204);
  EXPECT_EQ(Send("GET", "/widgets/w-1/text").body, "plain text");
  EXPECT_EQ(Send("POST", "/widgets", R"({"n": 1})").status, 201);
  EXPECT_EQ(pipeline_.routes().size(), 8u);
}

TEST_F(PipelineTest, StagesRunInOrderAndFeedTheHandler) {
  Reply r = Send("GET", "/widgets/w-1");
  EXPECT_EQ(stages_, (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(json::parse(r.body)["who"], "alice");
}

TEST_F(PipelineTest, AFailingStageStopsTheRequestInTheServiceDialect) {
  Reply r = Send("GET", "/widgets/w-1", "", {{"Authorization", "deny"}});
  EXPECT_EQ(r.status, 403);
  const json body = json::parse(r.body);
  EXPECT_EQ(body["dialect"], "widget");
  EXPECT_EQ(body["code"], "PERMISSION_DENIED");
  EXPECT_EQ(body["http"], 0);  // the writer maps the code itself
  EXPECT_TRUE(handled_.empty());
}

TEST_F(PipelineTest, HandlerErrorsAreMappedByTheServiceWriter) {
  Reply r = Send("DELETE", "/widgets/missing");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(json::parse(r.body)["message"], "no widget missing");
  Reply plain = Send("GET", "/plain/fail");
  EXPECT_EQ(plain.status, 409);  // FailedPrecondition's default mapping
}

TEST_F(PipelineTest, UnknownPathIs404InTheDialectOfItsPrefix) {
  Reply widget = Send("GET", "/widgets/a/b/c");
  EXPECT_EQ(widget.status, 404);
  const json body = json::parse(widget.body);
  EXPECT_EQ(body["dialect"], "widget");
  EXPECT_EQ(body["http"], 404);
  EXPECT_EQ(body["path"], "/widgets/a/b/c");
  EXPECT_THAT(body["message"].get<std::string>(), HasSubstr("GET /widgets/a/b/c"));

  Reply gadget = Send("GET", "/gadgets/none");
  EXPECT_EQ(gadget.status, 404);
  EXPECT_EQ(gadget.content_type, "text/plain; charset=utf-8");
  EXPECT_THAT(gadget.body, HasSubstr("gadget: no such endpoint"));

  EXPECT_EQ(LastEntry().service, "gadget");
  EXPECT_EQ(LastEntry().route, "");
}

// Regression: paths that no service claims (and services without their own writer) got
// {"error":"NOT_FOUND", ...} without a timeStamp, unlike the one error shape promised outside.
TEST_F(PipelineTest, UnclaimedPathsGetTheFiveFieldErrorSchema) {
  for (const std::string path : {"/nowhere", "/plain/nothing"}) {
    Reply r = Send("GET", path);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.content_type, "application/json");
    const json body = json::parse(r.body);
    EXPECT_EQ(body, json({{"error", "Not Found"},
                          {"message", "no such endpoint: GET " + path},
                          {"path", path},
                          {"status", 404},
                          {"timeStamp", "2026-11-24T20:34:19.123Z"}}));  // the marketplace clock
  }
  EXPECT_EQ(LastEntry().service, "plain");
}

TEST_F(PipelineTest, KnownPathWithAnotherMethodIs405) {
  Reply r = Send("PUT", "/widgets/w-1");
  EXPECT_EQ(r.status, 405);
  const json body = json::parse(r.body);
  EXPECT_EQ(body["dialect"], "widget");
  EXPECT_EQ(body["http"], 405);
  EXPECT_THAT(body["message"].get<std::string>(), HasSubstr("method PUT is not allowed on /widgets/w-1"));
  EXPECT_EQ(Send("GET", "/widgets").status, 405);  // only POST exists there
  EXPECT_EQ(Send("POST", "/gadgets/health").status, 405);
  EXPECT_THAT(Send("POST", "/gadgets/health").body, HasSubstr("gadget: method POST"));
}

TEST_F(PipelineTest, LongestPrefixChoosesTheService) {
  pipeline_.AddService({"deep", {"/gadgets/deep/"}, WidgetErrors});
  Reply r = Send("GET", "/gadgets/deep/x");
  EXPECT_EQ(json::parse(r.body)["dialect"], "widget");
  EXPECT_THAT(Send("GET", "/gadgets/shallow").body, HasSubstr("gadget:"));
}

TEST_F(PipelineTest, ExceptionsBecome500InTheServiceDialect) {
  Reply r = Send("GET", "/gadgets/throw");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "gadget: unexpected error: boom");
  Reply other = Send("GET", "/gadgets/throw-int");
  EXPECT_EQ(other.status, 500);
  EXPECT_EQ(other.body, "gadget: unexpected error");
  EXPECT_EQ(LastEntry().status, 500);
  // The pipeline survives and keeps serving.
  EXPECT_EQ(Send("GET", "/widgets/w").status, 200);
}

TEST_F(PipelineTest, ReadyGateHoldsBackOnlyRoutesThatWait) {
  pipeline_.SetReadyGate([] { return UnavailableError("still starting"); });
  Reply gated = Send("GET", "/widgets/w");
  EXPECT_EQ(gated.status, 503);
  EXPECT_EQ(json::parse(gated.body)["message"], "still starting");
  EXPECT_TRUE(stages_.empty());  // the gate runs before the stages
  EXPECT_EQ(Send("GET", "/gadgets/health").status, 200);
  pipeline_.SetReadyGate([] { return Status::Ok(); });
  EXPECT_EQ(Send("GET", "/widgets/w").status, 200);
}

TEST_F(PipelineTest, JournalsEveryExchange) {
  Send("POST", "/widgets", R"({"n": 1})", {{"Content-Type", "application/json"}, {"Host", "emu:1"}});
  const journal::Entry e = LastEntry();
  EXPECT_EQ(e.seq, 1);
  EXPECT_EQ(e.method, "POST");
  EXPECT_EQ(e.path, "/widgets");
  EXPECT_EQ(e.service, "widget");
  EXPECT_EQ(e.route, "widget.create");
  EXPECT_EQ(e.host, "emu:1");
  EXPECT_EQ(e.body, R"({"n": 1})");
  EXPECT_EQ(e.status, 201);
  EXPECT_EQ(e.reply_content_type, "application/json");
  EXPECT_EQ(json::parse(e.reply_body), json({{"n", 1}}));
  EXPECT_EQ(e.time_millis, kNow + 3600 * 1000);
  EXPECT_EQ(e.wall_millis, kNow);
  EXPECT_EQ(e.remote_addr, "127.0.0.1");
  EXPECT_EQ(e.fault, "");
  EXPECT_GE(e.duration_ms, 0.0);
  ASSERT_EQ(e.headers.size(), 2u);
}

TEST_F(PipelineTest, FaultReplacesTheReplyBeforeAnyStage) {
  Fault f;
  f.route = "widget.get";
  f.status = 503;
  f.body = R"({"down":true})";
  const std::string id = faults_.Add(f);
  Reply r = Send("GET", "/widgets/w", "", {{"Authorization", "deny"}});
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, R"({"down":true})");
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_TRUE(stages_.empty());
  EXPECT_TRUE(handled_.empty());
  EXPECT_EQ(LastEntry().fault, id);
  EXPECT_EQ(LastEntry().status, 503);
  // Spent after one use.
  EXPECT_EQ(Send("GET", "/widgets/w").status, 200);
  EXPECT_EQ(LastEntry().fault, "");
}

TEST_F(PipelineTest, FaultWithOnlyAStatusHasNoBody) {
  Fault f;
  f.status = 502;
  f.times = 2;
  faults_.Add(f);
  Reply a = Send("GET", "/widgets/w");
  Reply b = Send("DELETE", "/widgets/w");
  EXPECT_EQ(a.status, 502);
  EXPECT_EQ(a.body, "");
  EXPECT_EQ(a.content_type, "");
  EXPECT_EQ(b.status, 502);
  EXPECT_EQ(Send("GET", "/widgets/w").status, 200);
}

TEST_F(PipelineTest, FaultsDoNotApplyToUnroutedRequests) {
  Fault f;
  f.status = 500;
  faults_.Add(f);
  EXPECT_EQ(Send("GET", "/nowhere").status, 404);
  EXPECT_EQ(faults_.List().size(), 1u);
}

TEST_F(PipelineTest, FaultDelayRunsTheRealHandlerLate) {
  Fault f;
  f.route = "widget.get";
  f.delay_ms = 60;
  faults_.Add(f);
  const auto start = std::chrono::steady_clock::now();
  Reply r = Send("GET", "/widgets/w");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["id"], "w");
  EXPECT_GE(elapsed, std::chrono::milliseconds(60));
  EXPECT_TRUE(faults_.List().empty());  // spent: the next request is not delayed
  EXPECT_EQ(LastEntry().status, 200);
}

TEST_F(PipelineTest, MergePatchRewritesJsonReplies) {
  Fault f;
  f.route = "widget.get";
  f.merge_patch = json{{"id", "forged"}, {"who", nullptr}, {"nested", {{"a", nullptr}, {"c", 3}}}, {"added", true}};
  faults_.Add(f);
  Reply r = Send("GET", "/widgets/w");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body),
            json({{"id", "forged"}, {"nested", {{"b", 2}, {"c", 3}}}, {"added", true}}));
  EXPECT_EQ(handled_.size(), 1u);  // the real handler ran
}

TEST_F(PipelineTest, MergePatchAppliesToErrorsButNotToText) {
  Fault err;
  err.route = "widget.delete";
  err.merge_patch = json{{"message", "patched"}};
  faults_.Add(err);
  Reply r = Send("DELETE", "/widgets/missing");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(json::parse(r.body)["message"], "patched");

  Fault text;
  text.route = "widget.text";
  text.merge_patch = json{{"x", 1}};
  faults_.Add(text);
  EXPECT_EQ(Send("GET", "/widgets/w/text").body, "plain text");
  EXPECT_TRUE(faults_.List().empty());  // used up all the same
}

TEST_F(PipelineTest, TransportErrorsUseTheDialectAndAreJournaled) {
  Request r;
  r.method = "POST";
  r.path = "/widgets";
  Reply reply = pipeline_.HandleTransportError(r, 413, "request body exceeds the limit of 1024 bytes");
  EXPECT_EQ(reply.status, 413);
  const json body = json::parse(reply.body);
  EXPECT_EQ(body["dialect"], "widget");
  EXPECT_EQ(body["code"], "RESOURCE_EXHAUSTED");
  EXPECT_EQ(body["http"], 413);
  EXPECT_EQ(LastEntry().status, 413);
  EXPECT_EQ(LastEntry().service, "widget");

  Request bad;
  bad.method = "GET";
  bad.path = "/elsewhere";
  Reply fallback = pipeline_.HandleTransportError(bad, 400, "Bad Request");
  EXPECT_EQ(json::parse(fallback.body)["error"], "Bad Request");
  EXPECT_EQ(json::parse(fallback.body)["status"], 400);
}

TEST(HttpStatusForTest, MapsEveryCode) {
  EXPECT_EQ(HttpStatusFor(Status::Ok()), 200);
  EXPECT_EQ(HttpStatusFor(InvalidArgumentError("")), 400);
  EXPECT_EQ(HttpStatusFor(UnauthenticatedError("")), 401);
  EXPECT_EQ(HttpStatusFor(PermissionDeniedError("")), 403);
  EXPECT_EQ(HttpStatusFor(NotFoundError("")), 404);
  EXPECT_EQ(HttpStatusFor(AlreadyExistsError("")), 409);
  EXPECT_EQ(HttpStatusFor(FailedPreconditionError("")), 409);
  EXPECT_EQ(HttpStatusFor(ResourceExhaustedError("")), 413);
  EXPECT_EQ(HttpStatusFor(DeadlineExceededError("")), 504);
  EXPECT_EQ(HttpStatusFor(UnavailableError("")), 503);
  EXPECT_EQ(HttpStatusFor(UnimplementedError("")), 501);
  EXPECT_EQ(HttpStatusFor(InternalError("")), 500);
}

Request WithBody(const std::string& body) {
  Request r;
  r.body = body;
  return r;
}

TEST(ParseJsonBodyTest, ParsesObjectsAndOtherValues) {
  StatusOr<json> obj = ParseJsonBody(WithBody(R"({"token": "x"})"));
  ASSERT_OK(obj);
  EXPECT_EQ((*obj)["token"], "x");
  StatusOr<json> null = ParseJsonBody(WithBody("null"));
  ASSERT_OK(null);
  EXPECT_TRUE(null->is_null());
  StatusOr<json> arr = ParseJsonBody(WithBody(" [1] "));
  ASSERT_OK(arr);
  EXPECT_TRUE(arr->is_array());
}

TEST(ParseJsonBodyTest, EmptyBodiesAreErrorsUnlessAllowed) {
  EXPECT_THAT(ParseJsonBody(WithBody("")), StatusIs(StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(ParseJsonBody(WithBody(" \r\n\t")), StatusIs(StatusCode::kInvalidArgument, HasSubstr("empty")));
  StatusOr<json> empty = ParseJsonBody(WithBody(""), /*empty_ok=*/true);
  ASSERT_OK(empty);
  EXPECT_EQ(*empty, json::object());
  StatusOr<json> blank = ParseJsonBody(WithBody("  \n"), true);
  ASSERT_OK(blank);
  EXPECT_EQ(*blank, json::object());
}

TEST(ParseJsonBodyTest, SyntaxErrorsNameTheByteOffset) {
  EXPECT_THAT(ParseJsonBody(WithBody(R"({"a": 1,})")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("malformed JSON body at byte 9")));
  EXPECT_THAT(ParseJsonBody(WithBody("{bad")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("malformed JSON body at byte 2")));
  EXPECT_THAT(ParseJsonBody(WithBody(R"({"token": "x"} , 1)")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("at byte 16")));
  EXPECT_THAT(ParseJsonBody(WithBody(R"({"a": )"), true),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("malformed JSON body at byte")));
}


// Virtual hosts: a production hostname reaches only its own services, with its path prefix.
class VirtualHostTest : public PipelineTest {
 protected:
  VirtualHostTest() {
    pipeline_.AddVirtualHost({"widgets.example", "widget", {"widget"}, ""});
    pipeline_.AddVirtualHost({"gadgets.example", "gadget", {"gadget"}, "/gadgets"});
  }
  Reply SendTo(const std::string& host, const std::string& path, bool require_virtual_host = false) {
    Request r;
    r.method = "GET";
    r.path = path;
    r.host = host;
    r.via = "proxy";
    r.require_virtual_host = require_virtual_host;
    return pipeline_.Handle(r);
  }
};

TEST_F(VirtualHostTest, AHostReachesItsOwnServicesOnly) {
  EXPECT_EQ(SendTo("widgets.example", "/widgets/w-1").status, 200);
  // The gadget route exists, but not under this host: 404 in the host's own dialect.
  Reply other = SendTo("widgets.example", "/gadgets/health");
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(json::parse(other.body)["dialect"], "widget");
  const journal::Entry e = LastEntry();
  EXPECT_EQ(e.host, "widgets.example");
  EXPECT_EQ(e.via, "proxy");
  EXPECT_EQ(e.service, "widget");
}

TEST_F(VirtualHostTest, PathPrefixIsAddedUnlessAlreadyThere) {
  Reply r = SendTo("gadgets.example", "/health");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(LastEntry().path, "/gadgets/health");
  EXPECT_EQ(SendTo("gadgets.example", "/gadgets/health").status, 200);
  EXPECT_EQ(LastEntry().path, "/gadgets/health");
}

TEST_F(VirtualHostTest, UnknownHostsAreServedNormallyUnlessAVirtualHostIsRequired) {
  EXPECT_EQ(SendTo("127.0.0.1", "/gadgets/health").status, 200);
  Reply refused = SendTo("evil.example", "/gadgets/health", /*require_virtual_host=*/true);
  EXPECT_EQ(refused.status, 403);
  EXPECT_THAT(refused.body, HasSubstr("evil.example"));
  EXPECT_THAT(refused.body, HasSubstr("widgets.example, gadgets.example"));
  EXPECT_TRUE(handled_.empty());
  EXPECT_EQ(LastEntry().route, "proxy.refused");
}

}  // namespace
}  // namespace mpemu::http
