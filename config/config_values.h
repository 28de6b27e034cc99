// Checks and conversions for single configuration values. Pure functions,
// internal to lpsshd_config; each returns false for a value it rejects.
#pragma once

#include <cstdint>
#include <string_view>

namespace lpsshd::config::detail {

// ASCII case-insensitive equality (keywords, yes/no, enum names).
bool iequals(std::string_view a, std::string_view b);

// sshd_config(5) TIME FORMATS: a sequence of number[s|m|h|d|w] (any case),
// summed; a bare number is seconds. At most INT32_MAX seconds.
bool parse_time(std::string_view s, uint32_t& seconds);

// Decimal digits only (no sign, no spaces), within [min, max].
bool parse_int(std::string_view s, int min, int max, int& out);

// A TCP port, 1..65535.
bool parse_port(std::string_view s, uint16_t& out);

bool parse_yes_no(std::string_view s, bool& out);

// "host", "host:port", "[v6addr]:port", "[v6addr]" or a bare IPv6 address;
// hosts limited to the characters of names and numeric addresses.
bool valid_listen_address(std::string_view s);

// Absolute, so the meaning does not depend on the daemon's working directory.
bool valid_absolute_path(std::string_view s);

// A POSIX-portable user name: [A-Za-z0-9._-], not starting with '-', <= 32.
bool valid_user_name(std::string_view s);

// An AuthorizedKeysFile pattern: '%' only in the tokens %%, %h, %u, %U.
bool valid_keys_file_pattern(std::string_view s);

// A ChrootDirectory or SftpRoot pattern: tokens as AuthorizedKeysFile,
// absolute once expanded (starting with / or %h), never / itself.
bool valid_root_pattern(std::string_view s);

// A Subsystem name: [A-Za-z0-9._@-], 1..64 bytes.
bool valid_subsystem_name(std::string_view s);

}  // namespace lpsshd::config::detail
