// How a connection's monitor ended, as the listener tells the admin. The
// monitor logs its own errors, so a clean exit with one of the listener
// protocol's codes needs no word from the listener; a monitor killed by a
// signal (a crash, an abort from a sanitizer report, the OOM killer) cannot
// log anything itself, so without this line a crash of the one privileged
// process per connection would leave no trace. Pure: the unit test drives it
// with wait statuses.
#pragma once

#include <optional>
#include <string>

namespace lpsshd::sshd {

// The line to log at ERROR, or nothing when the monitor ended in a way it
// logged itself. `who` names the connection ("monitor for [ADDR]:PORT");
// `wait_status` is what waitpid returned.
std::optional<std::string> describe_monitor_end(const std::string& who, int wait_status);

}  // namespace lpsshd::sshd
