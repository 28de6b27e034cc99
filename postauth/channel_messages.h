// The connection-protocol messages (RFC 4254) as the postauth child parses
// them: the fixed fields of each message, and the bodies of the session
// requests. Pure: no system calls, so the fuzzer and tests call them
// directly. Views alias the packet payload. Each parse consumes its input
// exactly or fails; a failure ends the connection with a protocol error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wire/reader.h"

namespace lpsshd::postauth {

inline constexpr size_t kMaxCommand = 128 * 1024;
inline constexpr size_t kMaxEnvName = 256, kMaxEnvValue = 16 * 1024;

// SSH_MSG_GLOBAL_REQUEST: string name, bool want_reply, request-specific data
struct GlobalRequest {
  std::string_view name;
  bool want_reply = false;
  wire::Bytes body;  // request-specific data
};
// SSH_MSG_CHANNEL_OPEN: string type, uint32 sender, uint32 window,
// uint32 max packet, type-specific data (`extra`)
struct ChannelOpen {
  std::string_view type;
  uint32_t sender = 0, window = 0, max_packet = 0;
  wire::Bytes extra;
};
// SSH_MSG_CHANNEL_REQUEST: uint32 recipient, string type, bool want_reply,
// type-specific data (`body`)
struct ChannelRequest {
  uint32_t recipient = 0;
  std::string_view type;
  bool want_reply = false;
  wire::Bytes body;
};
// SSH_MSG_CHANNEL_DATA: uint32 recipient, string data
struct ChannelData {
  uint32_t recipient = 0;
  wire::Bytes data;
};
// SSH_MSG_CHANNEL_EXTENDED_DATA: uint32 recipient, uint32 data type, string data
struct ExtendedData {
  uint32_t recipient = 0, data_type = 0;
  wire::Bytes data;
};
// SSH_MSG_CHANNEL_OPEN_CONFIRMATION: uint32 recipient, uint32 sender,
// uint32 window, uint32 max packet, type-specific data (none for the kinds
// this server opens)
struct OpenConfirmation {
  uint32_t recipient = 0, sender = 0, window = 0, max_packet = 0;
};
// SSH_MSG_CHANNEL_OPEN_FAILURE: uint32 recipient, uint32 reason, string
// description, string language tag
struct OpenFailureMsg {
  uint32_t recipient = 0, reason = 0;
};
// SSH_MSG_CHANNEL_WINDOW_ADJUST: uint32 recipient, uint32 bytes to add
struct WindowAdjust {
  uint32_t recipient = 0, bytes = 0;
};

// Each takes the whole payload, message number included.
bool parse_global_request(wire::Bytes msg, GlobalRequest& out);
bool parse_channel_open(wire::Bytes msg, ChannelOpen& out);
bool parse_channel_request(wire::Bytes msg, ChannelRequest& out);
bool parse_channel_data(wire::Bytes msg, ChannelData& out);
bool parse_window_adjust(wire::Bytes msg, WindowAdjust& out);
bool parse_extended_data(wire::Bytes msg, ExtendedData& out);
bool parse_open_confirmation(wire::Bytes msg, OpenConfirmation& out);
bool parse_open_failure(wire::Bytes msg, OpenFailureMsg& out);
// SSH_MSG_CHANNEL_EOF / SSH_MSG_CHANNEL_CLOSE: uint32 recipient
bool parse_channel_ref(wire::Bytes msg, uint32_t& recipient);

// Session request bodies (RFC 4254 6.2-6.10, 6.5).
struct PtyReq {
  std::string term;
  uint32_t cols = 0, rows = 0, width_px = 0, height_px = 0;
  wire::Bytes modes;  // encoded terminal modes (postauth/terminal_modes.h)
};
struct WindowChange {
  uint32_t cols = 0, rows = 0, width_px = 0, height_px = 0;
};
bool parse_pty_req(wire::Bytes body, PtyReq& out);
bool parse_exec(wire::Bytes body, std::string& command);
bool parse_subsystem(wire::Bytes body, std::string& name);
bool parse_env(wire::Bytes body, std::string& name, std::string& value);
bool parse_window_change(wire::Bytes body, WindowChange& out);
bool parse_signal(wire::Bytes body, std::string& name);
bool parse_break(wire::Bytes body, uint32_t& ms);

}  // namespace lpsshd::postauth
