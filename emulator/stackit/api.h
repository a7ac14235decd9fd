// The emulated STACKIT HTTP surface: keys.json and JWKS, the service-account token endpoint and
// the vendor API, with STACKIT's error schema; plus the marketplace's /_emulator/stackit/ control
// routes (control_api.cc).
#ifndef MPEMU_EMULATOR_STACKIT_API_H_
#define MPEMU_EMULATOR_STACKIT_API_H_

#include "emulator/http/pipeline.h"
#include "emulator/stackit/service.h"

namespace mpemu::stackit {

// STACKIT's ErrorResponse: {"error","message","path","status","timeStamp"}, application/json.
http::Reply ErrorReply(const Service& service, const Status& status, int http_status,
                       const http::Request& request);

void RegisterApiRoutes(Service* service, http::Pipeline& pipeline);
void RegisterControlRoutes(Service* service, http::Pipeline& pipeline);

}  // namespace mpemu::stackit

#endif  // MPEMU_EMULATOR_STACKIT_API_H_
