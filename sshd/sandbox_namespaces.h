// The empty namespaces every preauth child joins: a network namespace with
// no interfaces but loopback-down (no route anywhere) and a mount namespace
// whose root is an empty, read-only tmpfs. They are made once, when the
// listener starts, and kept alive by their descriptors; each child joins
// them with setns(), which costs far less than creating namespaces per
// connection and leaves nothing for the kernel to tear down under a flood.
#pragma once

#include <optional>
#include <string>

#include "proc/unique_fd.h"

namespace lpsshd::sshd {

struct SandboxNamespaces {
  proc::UniqueFd net, mnt;
};

// nullopt with a reason where the kernel or a container refuses.
std::optional<SandboxNamespaces> create_sandbox_namespaces(std::string& error);

}  // namespace lpsshd::sshd
