// Makes a client-chosen string safe for one log line: at most max_len bytes
// are kept, and control bytes, backslashes and bytes >= 0x7f become \xNN so a
// user name cannot forge a second log line or a terminal escape.
#pragma once

#include <string>
#include <string_view>

namespace lpsshd::log {

std::string escape(std::string_view s, size_t max_len = 256);

}  // namespace lpsshd::log
