// The kinds of channel and global request this server serves, registered
// with the channel core by name: one line per kind, and each kind's backend
// in a file of its own. A kind the grant does not allow is still
// registered, and its handler refuses (administratively prohibited), so the
// client hears why.
#pragma once

#include "postauth/channels.h"
#include "postauth/session_context.h"

namespace lpsshd::postauth {

// ctx must outlive core's channels. max_sessions: MaxSessions.
void register_channel_kinds(ChannelCore& core, SessionContext& ctx, size_t max_sessions);

}  // namespace lpsshd::postauth
