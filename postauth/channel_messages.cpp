#include "postauth/channel_messages.h"

#include "transport/ssh_msg.h"

namespace lpsshd::postauth {

namespace {
bool expect(wire::Reader& r, uint8_t type) { return r.expect_u8(type); }
std::string_view view(wire::Bytes b) { return wire::as_view(b); }
}  // namespace

bool parse_global_request(wire::Bytes msg, GlobalRequest& out) {
  wire::Reader r(msg);
  wire::Bytes name;
  if (!expect(r, ssh::kGlobalRequest) || !r.string(name) || !r.boolean(out.want_reply)) return false;
  out.name = view(name);
  out.body = r.rest();
  return r.ok();
}

bool parse_channel_open(wire::Bytes msg, ChannelOpen& out) {
  wire::Reader r(msg);
  wire::Bytes type;
  if (!expect(r, ssh::kChannelOpen) || !r.string(type) || !r.u32(out.sender) ||
      !r.u32(out.window) || !r.u32(out.max_packet))
    return false;
  out.type = view(type);
  out.extra = r.rest();
  return r.ok();
}

bool parse_channel_request(wire::Bytes msg, ChannelRequest& out) {
  wire::Reader r(msg);
  wire::Bytes type;
  if (!expect(r, ssh::kChannelRequest) || !r.u32(out.recipient) || !r.string(type) ||
      !r.boolean(out.want_reply))
    return false;
  out.type = view(type);
  out.body = r.rest();
  return r.ok();
}

bool parse_channel_data(wire::Bytes msg, ChannelData& out) {
  wire::Reader r(msg);
  return expect(r, ssh::kChannelData) && r.u32(out.recipient) && r.string(out.data) && r.end();
}

bool parse_window_adjust(wire::Bytes msg, WindowAdjust& out) {
  wire::Reader r(msg);
  return expect(r, ssh::kChannelWindowAdjust) && r.u32(out.recipient) && r.u32(out.bytes) &&
         r.end();
}

bool parse_extended_data(wire::Bytes msg, ExtendedData& out) {
  wire::Reader r(msg);
  return expect(r, ssh::kChannelExtendedData) && r.u32(out.recipient) && r.u32(out.data_type) &&
         r.string(out.data) && r.end();
}

bool parse_open_confirmation(wire::Bytes msg, OpenConfirmation& out) {
  wire::Reader r(msg);
  if (!expect(r, ssh::kChannelOpenConfirmation) || !r.u32(out.recipient) || !r.u32(out.sender) ||
      !r.u32(out.window) || !r.u32(out.max_packet))
    return false;
  r.rest();  // type-specific data: none is defined for what we open
  return r.ok();
}

bool parse_open_failure(wire::Bytes msg, OpenFailureMsg& out) {
  wire::Reader r(msg);
  wire::Bytes description, language;
  return expect(r, ssh::kChannelOpenFailure) && r.u32(out.recipient) && r.u32(out.reason) &&
         r.string(description) && r.string(language) && r.end();
}

bool parse_channel_ref(wire::Bytes msg, uint32_t& recipient) {
  wire::Reader r(msg);
  uint8_t t = 0;
  return r.u8(t) && (t == ssh::kChannelEof || t == ssh::kChannelClose) && r.u32(recipient) &&
         r.end();
}

// "pty-req": string TERM, uint32 cols, rows, width px, height px, string modes
bool parse_pty_req(wire::Bytes body, PtyReq& out) {
  wire::Reader r(body);
  return r.text(out.term, 256) && r.u32(out.cols) && r.u32(out.rows) && r.u32(out.width_px) &&
         r.u32(out.height_px) && r.string(out.modes) && r.end();
}

// "exec": string command (no NUL: it becomes one argv element)
bool parse_exec(wire::Bytes body, std::string& command) {
  wire::Reader r(body);
  return r.text(command, kMaxCommand) && r.end();
}

// "subsystem": string subsystem name
bool parse_subsystem(wire::Bytes body, std::string& name) {
  wire::Reader r(body);
  return r.text(name, 256) && !name.empty() && r.end();
}

// "env": string name, string value
bool parse_env(wire::Bytes body, std::string& name, std::string& value) {
  wire::Reader r(body);
  return r.text(name, kMaxEnvName) && r.text(value, kMaxEnvValue) && r.end();
}

// "window-change": uint32 cols, rows, width px, height px
bool parse_window_change(wire::Bytes body, WindowChange& out) {
  wire::Reader r(body);
  return r.u32(out.cols) && r.u32(out.rows) && r.u32(out.width_px) && r.u32(out.height_px) &&
         r.end();
}

// "signal": string name without "SIG"
bool parse_signal(wire::Bytes body, std::string& name) {
  wire::Reader r(body);
  return r.text(name, 64) && r.end();
}

// "break": uint32 length in milliseconds
bool parse_break(wire::Bytes body, uint32_t& ms) {
  wire::Reader r(body);
  return r.u32(ms) && r.end();
}

}  // namespace lpsshd::postauth
