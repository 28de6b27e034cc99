// How much output may wait for the client before the connection stops making
// more. Everything the server sends counts: command output, and the replies
// client messages cause (channel open confirmations and failures, request
// replies, window adjusts, UNIMPLEMENTED), whether encoded for the socket or
// deferred during a key exchange. Both bounds resume by themselves as the
// client reads, so a client that does not read holds the server to about
// kMaxReplyBacklog of memory, whatever it sends.
#pragma once

#include <cstddef>

#include "postauth/transport.h"

namespace lpsshd::postauth {

// Command output is read only while less than this waits.
inline constexpr size_t kMaxOutputBacklog = 1024 * 1024;
// Client messages are read and decoded only while less than this waits. It
// is above the first bound so that command output, which stops first, never
// starves the client's messages (its window adjusts among them); replies to
// a client that does not read stop here.
inline constexpr size_t kMaxReplyBacklog = 2 * kMaxOutputBacklog;

inline bool command_output_paused(const Transport& t) {
  return t.queued_bytes() >= kMaxOutputBacklog;
}
inline bool client_input_paused(const Transport& t) {
  return t.queued_bytes() >= kMaxReplyBacklog;
}

}  // namespace lpsshd::postauth
