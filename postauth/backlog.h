// How much output may wait for the client before the connection stops making
// more. Everything the server sends counts: command output, and the replies
// client messages cause (channel open confirmations and failures, request
// replies, window adjusts, UNIMPLEMENTED), whether encoded for the socket or
// deferred during a key exchange. Past the bound, command output is not read
// and client messages are neither read nor decoded; both resume as the client
// reads. So a client that does not read holds the server to about this much
// memory, whatever it sends.
#pragma once

#include <cstddef>

#include "postauth/transport.h"

namespace lpsshd::postauth {

inline constexpr size_t kMaxSocketBacklog = 1024 * 1024;

inline bool backlogged(const Transport& t) { return t.queued_bytes() >= kMaxSocketBacklog; }

}  // namespace lpsshd::postauth
