#include "postauth/channel_kinds.h"

#include <memory>

#include "postauth/session.h"

namespace lpsshd::postauth {

namespace {
ChannelCore::Opened open_session(ChannelSink& sink, SessionContext& ctx, wire::Bytes extra) {
  ChannelCore::Opened r;
  if (!extra.empty()) {
    r.protocol_error = true;
    r.why = "malformed CHANNEL_OPEN session";
    return r;
  }
  r.backend = std::make_unique<SessionBackend>(sink, ctx);
  sink.confirm_open();
  return r;
}
}  // namespace

void register_channel_kinds(ChannelCore& core, SessionContext& ctx, size_t max_sessions) {
  core.on_open("session", max_sessions,
               [&ctx](ChannelSink& sink, wire::Bytes extra) { return open_session(sink, ctx, extra); });
}

}  // namespace lpsshd::postauth
