// Drives PamSession for one authentication request of the preauth child
// (kPamAuthenticate or kPamAccount): PAM's keyboard-interactive questions go
// to the client through the child, and failures are answered only after one
// fixed delay from the request, whatever PAM did, so timing says nothing
// about why. The delay is not slept here: the caller holds the reply in its
// event loop until it is due.
#pragma once

#include <cstdint>

#include "monitor/monitor_core.h"
#include "monitor/pam_session.h"

namespace lpsshd::monitor {

// `request` is the Outcome MonitorCore returned for the child's request;
// `channel` is the monitor's end of the child's channel, `from` the child.
// Every wait ends by deadline_ms (the rest of LoginGraceTime). Returns what
// to do next: the core's answer to PAM's result, or a kViolation if the
// child broke the protocol while a question was out. reply_due_ms is set
// to when the reply may be sent (CLOCK_MONOTONIC ms): kPamFailureDelayMs
// after the start for a failure, 0 for a success.
inline constexpr int64_t kPamFailureDelayMs = 2000;
Outcome run_pam_request(PamSession& pam, MonitorCore& core, Child from, int channel,
                        const Outcome& request, int64_t deadline_ms, int64_t& reply_due_ms);

}  // namespace lpsshd::monitor
