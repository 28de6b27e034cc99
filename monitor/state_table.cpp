#include "monitor/state_table.h"

namespace lpsshd::monitor {

const char* phase_name(Phase p) {
  switch (p) {
    case Phase::kKexInit: return "kexinit";
    case Phase::kKexEcdh: return "kex-ecdh";
    case Phase::kAuth: return "auth";
    case Phase::kAuthPam: return "auth-pam";
    case Phase::kAuthPrompt: return "auth-prompt";
    case Phase::kHandover: return "handover";
    case Phase::kPostauthStart: return "postauth-start";
    case Phase::kPostRekeyStart: return "postauth-rekey-start";
    case Phase::kPostKexInit: return "postauth-kexinit";
    case Phase::kPostServerKexInit: return "postauth-server-kexinit";
    case Phase::kPostIdle: return "postauth";
    case Phase::kPostKexEcdh: return "postauth-kex-ecdh";
    case Phase::kClosed: return "closed";
    case Phase::kCount: break;
  }
  return "invalid";
}

Child child_of(Phase p) {
  switch (p) {
    case Phase::kKexInit:
    case Phase::kKexEcdh:
    case Phase::kAuth:
    case Phase::kAuthPam:
    case Phase::kAuthPrompt:
    case Phase::kHandover: return Child::kPreauth;
    case Phase::kPostauthStart:
    case Phase::kPostRekeyStart:
    case Phase::kPostKexInit:
    case Phase::kPostServerKexInit:
    case Phase::kPostIdle:
    case Phase::kPostKexEcdh: return Child::kPostauth;
    default: return Child::kNone;
  }
}

const Permission* find_permission(Phase phase, uint8_t type) {
  for (const auto& p : kPermissions)
    if (p.phase == phase && static_cast<uint8_t>(p.type) == type) return &p;
  return nullptr;
}

}  // namespace lpsshd::monitor
