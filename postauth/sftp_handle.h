// One open SFTP handle of SftpServer: a file descriptor or a directory
// stream, the name it was opened by (for the log lines) and its byte counts.
// Private to sftp_server.cpp and sftp_extensions.cpp.
#pragma once

#include <dirent.h>

#include <cstdint>
#include <string>

#include "postauth/sftp_server.h"

namespace lpsshd::postauth::sftp {

struct SftpServer::Handle {
  enum Kind { kFile, kDir } kind = kFile;
  proc::UniqueFd fd;   // files
  DIR* dir = nullptr;  // directories (owns its descriptor)
  std::string path;
  uint32_t generation = 0;
  uint64_t bytes_read = 0, bytes_written = 0;
  int fdnum() const { return dir != nullptr ? dirfd(dir) : fd.get(); }
  Handle() = default;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (dir != nullptr) closedir(dir);
  }
};

}  // namespace lpsshd::postauth::sftp
