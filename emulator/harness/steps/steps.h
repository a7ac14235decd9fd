// Factories of the built-in steps, one per step class; listed with their fields in registry.cc.
#ifndef MPEMU_EMULATOR_HARNESS_STEPS_STEPS_H_
#define MPEMU_EMULATOR_HARNESS_STEPS_STEPS_H_

#include <memory>

#include "emulator/harness/step.h"

namespace mpemu::harness::steps {

// Template for a step class whose factory only forwards the checked arguments.
template <typename T>
StatusOr<std::unique_ptr<Step>> Make(StepArgs args) {
  return std::unique_ptr<Step>(std::make_unique<T>(std::move(args)));
}

// stackit_steps.cc
StatusOr<std::unique_ptr<Step>> MakeSubscribe(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeOpenSignup(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeCompleteSignup(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeMintToken(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeRotateKeys(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakePublishKey(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeSetState(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeExpectSubscription(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeExpectVendorState(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeExpectRejected(StepArgs args);
// common_steps.cc
StatusOr<std::unique_ptr<Step>> MakeRequest(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeAdvanceClock(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeInjectFault(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeTlsFault(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeWait(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeSet(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeRepeat(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeSetCookie(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeExpectJson(StepArgs args);
// clevercloud_steps.cc
StatusOr<std::unique_ptr<Step>> MakeCcProvision(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeCcDeprovision(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeCcPlanChange(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeCcSso(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeCcExpectProvision(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeCcExpectAddon(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeCcManifestCheck(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeExpectVendorResource(StepArgs args);
// pandium_steps.cc
StatusOr<std::unique_ptr<Step>> MakePdLogin(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakePdSso(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakePdExpectToken(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeExpectResponse(StepArgs args);
StatusOr<std::unique_ptr<Step>> MakeExpectCalls(StepArgs args);

}  // namespace mpemu::harness::steps

#endif  // MPEMU_EMULATOR_HARNESS_STEPS_STEPS_H_
