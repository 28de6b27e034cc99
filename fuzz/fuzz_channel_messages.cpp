// The connection-protocol messages a logged-in client sends, as the
// postauth child parses them, and the session request bodies by type.
// Invariants: every view stays inside the input, and a CHANNEL_DATA parse
// covers the input exactly (header, length, data).
#include <cstdlib>

#include "postauth/channel_messages.h"

using namespace lpsshd::postauth;
using lpsshd::wire::Bytes;

static void inside(Bytes part, const uint8_t* data, size_t size) {
  if (!part.empty() && (part.data() < data || part.data() + part.size() > data + size)) abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Bytes msg(data, size);
  GlobalRequest g;
  if (parse_global_request(msg, g)) inside(g.body, data, size);
  ExtendedData x;
  if (parse_extended_data(msg, x) && (inside(x.data, data, size), 13 + x.data.size() != size)) abort();
  OpenConfirmation oc;
  parse_open_confirmation(msg, oc);
  OpenFailureMsg of;
  parse_open_failure(msg, of);
  ChannelOpen open;
  if (parse_channel_open(msg, open)) inside(open.extra, data, size);
  ChannelData d;
  if (parse_channel_data(msg, d) && (inside(d.data, data, size), 9 + d.data.size() != size)) abort();
  WindowAdjust w;
  parse_window_adjust(msg, w);
  uint32_t recipient = 0;
  parse_channel_ref(msg, recipient);
  ChannelRequest req;
  if (!parse_channel_request(msg, req)) return 0;
  inside(req.body, data, size);
  PtyReq pty;
  WindowChange wc;
  std::string a, b;
  uint32_t ms = 0;
  if (req.type == "pty-req" && parse_pty_req(req.body, pty)) inside(pty.modes, data, size);
  if (req.type == "exec") parse_exec(req.body, a);
  if (req.type == "subsystem") parse_subsystem(req.body, a);
  if (req.type == "env") parse_env(req.body, a, b);
  if (req.type == "window-change") parse_window_change(req.body, wc);
  if (req.type == "signal") parse_signal(req.body, a);
  if (req.type == "break") parse_break(req.body, ms);
  return 0;
}
