// What each child may ask the monitor, when, and how often. The monitor looks
// up every incoming message here before parsing it; anything not listed for
// the current phase is a violation. Tests are generated from this table.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "monitor/protocol.h"

namespace lpsshd::monitor {

enum class Phase : uint8_t {
  kKexInit,        // preauth: waiting for the client's KEXINIT
  kKexEcdh,        // preauth: waiting for the client's ephemeral key
  kAuth,           // preauth: user authentication
  kAuthPam,        // preauth: PAM is working on a request; the child waits
  kAuthPrompt,     // preauth: PAM asked the client something; one answer due
  kHandover,       // preauth: authenticated, waiting for the transport counters
  kPostauthStart,  // postauth: waiting for "hardened and ready"
  kPostRekeyStart, // postauth: must start the key exchange that follows auth
  kPostKexInit,    // postauth: server KEXINIT sent, waiting for the client's
  kPostServerKexInit, // postauth: server KEXINIT sent mid-session (RekeyLimit)
  kPostIdle,       // postauth: connection running; a rekey may start
  kPostKexEcdh,    // postauth: rekey, waiting for the client's ephemeral key
  kClosed,         // nothing more is accepted
  kCount
};
const char* phase_name(Phase p);

enum class Child : uint8_t { kPreauth, kPostauth, kNone };
Child child_of(Phase p);

// The monitor's safety bound on each kind of auth request per phase. The
// preauth child ends a connection after preauth::kMaxUserauthRequests (64)
// requests in all, whatever MaxAuthTries says, so a correct child never
// reaches it.
inline constexpr uint16_t kMaxAuthRequestsPerConnection = 128;

// PTY requests per phase; the number of PTYs held at once is bounded
// separately by MaxSessions.
inline constexpr uint16_t kMaxPtyRequestsPerPhase = 1024;
inline constexpr int kMaxPtyRequestsPerConnection = 1024;  // rekeys do not reset it

// Log lines from the postauth child, counted per second of the monitor's
// clock rather than per phase (an SFTP session may log for days in one
// phase). The child holds itself to postauth::kLogLinesPerSecond, below
// this, so only a hostile child gets here.
inline constexpr uint16_t kMaxLogLinesPerSecond = 2000;

struct Permission {
  Phase phase;
  monproto::Type type;
  uint16_t max_per_phase;  // counted from entry into the phase
  bool decides_auth;       // the handler may grant authentication
};

inline constexpr Permission kPermissions[] = {
    {Phase::kKexInit, monproto::Type::kKexInit, 1, false},
    {Phase::kKexEcdh, monproto::Type::kKexEcdh, 1, false},
    {Phase::kAuth, monproto::Type::kAuthNone, kMaxAuthRequestsPerConnection, false},
    {Phase::kAuth, monproto::Type::kAuthPubkey, kMaxAuthRequestsPerConnection, true},
    {Phase::kAuth, monproto::Type::kAuthPassword, kMaxAuthRequestsPerConnection, true},
    {Phase::kAuth, monproto::Type::kAuthKbdint, kMaxAuthRequestsPerConnection, true},
    {Phase::kAuthPrompt, monproto::Type::kKbdintAnswers, 1, false},
    {Phase::kHandover, monproto::Type::kHandover, 1, false},
    {Phase::kPostauthStart, monproto::Type::kPostauthReady, 1, false},
    // RekeyAfterAuth: nothing (no PTY) until the session runs on new keys.
    {Phase::kPostRekeyStart, monproto::Type::kKexStart, 1, false},
    {Phase::kPostKexInit, monproto::Type::kKexInit, 1, false},
    {Phase::kPostIdle, monproto::Type::kKexInit, 1, false},
    {Phase::kPostIdle, monproto::Type::kKexStart, 1, false},
    {Phase::kPostServerKexInit, monproto::Type::kKexInit, 1, false},
    {Phase::kPostServerKexInit, monproto::Type::kPtyRequest, kMaxPtyRequestsPerPhase, false},
    {Phase::kPostServerKexInit, monproto::Type::kPtyRelease, kMaxPtyRequestsPerPhase, false},
    {Phase::kPostIdle, monproto::Type::kPtyRequest, kMaxPtyRequestsPerPhase, false},
    {Phase::kPostIdle, monproto::Type::kPtyRelease, kMaxPtyRequestsPerPhase, false},
    {Phase::kPostKexEcdh, monproto::Type::kKexEcdh, 1, false},
    {Phase::kPostKexEcdh, monproto::Type::kPtyRequest, kMaxPtyRequestsPerPhase, false},
    {Phase::kPostKexEcdh, monproto::Type::kPtyRelease, kMaxPtyRequestsPerPhase, false},
    // Wherever channels run (a client's rekey does not stop the SFTP server),
    // and before the first exchange, for why a session did not start.
    {Phase::kPostRekeyStart, monproto::Type::kLog, kMaxLogLinesPerSecond, false},
    {Phase::kPostKexInit, monproto::Type::kLog, kMaxLogLinesPerSecond, false},
    {Phase::kPostIdle, monproto::Type::kLog, kMaxLogLinesPerSecond, false},
    {Phase::kPostServerKexInit, monproto::Type::kLog, kMaxLogLinesPerSecond, false},
    {Phase::kPostKexEcdh, monproto::Type::kLog, kMaxLogLinesPerSecond, false},
};

// Counters are indexed by message type: every row must be a child's type.
constexpr bool rows_are_child_types() {
  for (const auto& p : kPermissions)
    if (static_cast<uint8_t>(p.type) < monproto::kFirstChildType ||
        static_cast<uint8_t>(p.type) > monproto::kLastChildType)
      return false;
  return true;
}
static_assert(rows_are_child_types(), "kPermissions may only name child-to-monitor messages");

// The row allowing `type` in `phase`, or nullptr.
const Permission* find_permission(Phase phase, uint8_t type);

}  // namespace lpsshd::monitor
