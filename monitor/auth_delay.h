// How long an authentication failure takes, at least: OpenSSH auth2.c's
// user_specific_delay() and ensure_minimum_time_since(). Every request of a
// method other than "none" that does not authenticate is answered no sooner
// than 5 ms plus 0-4.3 ms after it arrived; the extra part is derived from a
// secret and the user name, so it is the same for every attempt on one name
// and known and unknown names cannot be told apart by it. Work that took
// longer than that doubles the delay until it covers the work (up to 5 s,
// after which nothing is added). PAM password failures keep their fixed 2 s
// on top (monitor/pam_driver.h). Pure: unit tests drive it directly.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "crypto/secret.h"

namespace lpsshd::monitor {

inline constexpr int64_t kMinFailureDelayUs = 5000;
inline constexpr int64_t kMaxFailureDelayUs = 5000000;

// The delay secret, derived from the host's private key, so that it is the
// same for every connection (a per-connection secret could be averaged away)
// and unknown to anyone who cannot read the key.
crypto::SecretBytes failure_delay_secret(std::span<const uint8_t> host_private_key);

// kMinFailureDelayUs plus 0-4294 us from a keyed hash of the user name.
int64_t user_failure_delay_us(std::span<const uint8_t> secret, std::string_view user);

// When, counted from the request, its failure reply is due: `delay_us`,
// doubled until it is not less than `elapsed_us` (the work already done);
// `elapsed_us` itself (no wait) once that is beyond kMaxFailureDelayUs.
int64_t failure_reply_due_us(int64_t delay_us, int64_t elapsed_us);

}  // namespace lpsshd::monitor
