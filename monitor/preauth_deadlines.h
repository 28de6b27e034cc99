// Deadlines for the stages before authentication, so that a connection that
// holds a MaxStartups slot without making progress gives it back long before
// LoginGraceTime, which is sized for a person typing a password:
//   - the client's version line and its KEXINIT (sent together by every
//     client, right after connecting): 1/12 of LoginGraceTime, at least 5 s
//     and at most 10 s (10 s at the default 120 s);
//   - the first key exchange, up to the monitor's answer to the client's
//     ephemeral key: 1/4 of LoginGraceTime, at least 10 s and at most 30 s
//     (30 s at the default). A client that asks its user to confirm the host
//     key does so after that answer, so no person's time is counted here;
//   - authentication: LoginGraceTime itself.
// No stage gets longer than LoginGraceTime. With LoginGraceTime 0 (no limit)
// the first two stages keep their maximum, 10 s and 30 s: they never wait
// for a person.
// All measured from the start of the connection by the monitor, whose clock
// the client cannot touch (the preauth child is the client's to control).
// Derived from LoginGraceTime rather than fixed, so that tests with a short
// LoginGraceTime see every deadline within seconds. Pure: unit-tested.
#pragma once

#include <cstdint>

namespace lpsshd::monitor {

enum class PreauthStage { kVersion, kKex, kAuth };

struct PreauthDeadlines {
  int64_t version_ms = 0;  // 0: no limit
  int64_t kex_ms = 0;
  int64_t grace_ms = 0;
  // Time allowed from the start of the connection to the end of stage s.
  int64_t limit_ms(PreauthStage s) const {
    return s == PreauthStage::kVersion ? version_ms : s == PreauthStage::kKex ? kex_ms : grace_ms;
  }
};

PreauthDeadlines preauth_deadlines(uint32_t login_grace_time_s);

// What a client had not done when its stage's deadline passed, for the log.
const char* preauth_stage_missing(PreauthStage s);

}  // namespace lpsshd::monitor
