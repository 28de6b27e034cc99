// SFTP: every request's parser, then a whole server session.
//  1. The input as one packet body (type, id, fields): parse_request must
//     accept or refuse it without reading outside it, and a parse that
//     succeeds names a known op or keeps the id of an unknown one.
//  2. The input as the client's byte stream to an SftpServer (after an
//     INIT), in two pieces to exercise partial packets. The server is
//     read-only (-R) with OPEN denied (-P open): it can stat, list
//     directories, resolve paths and look up names anywhere the fuzzing user
//     can, but never opens a device or FIFO and never writes, so fuzzing as
//     root cannot harm the machine. Its output must stay within bound.
//  3. The input as an internal-sftp command line.
#include <cstdlib>
#include <string>

#include "postauth/sftp_options.h"
#include "postauth/sftp_server.h"

using namespace lpsshd::postauth::sftp;
using lpsshd::wire::Bytes;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Bytes in(data, size);
  Request q;
  if (parse_request(in, q) == ParseResult::kOk) {
    if (q.data.size() > kMaxWrite || q.handle.size() > kMaxHandle || q.path.size() > kMaxPath)
      abort();
  }
  Bytes body;
  size_t used = 0;
  if (next_packet(in, body, used) == Frame::kComplete && (used > size || body.size() + 4 != used))
    abort();

  std::string err;
  static const SftpOptions opts = *parse_internal_sftp_args("internal-sftp -R -P open", err);
  SftpIdentity who{"fuzz", 65534, 65534, "/nonexistent", "fuzz"};
  {
    SftpServer server(opts, who, nullptr);
    const uint8_t init[] = {0, 0, 0, 5, FXP_INIT, 0, 0, 0, 3};
    server.input(init);
    const size_t cut = size / 2;
    server.input(in.first(cut));
    server.input(in.subspan(cut));
    for (int i = 0; i < 64 && !server.failed() && server.output().size() > 0; ++i) {
      if (server.output().size() > SftpServer::kOutputBound + kMaxPacket) abort();
      server.output().consume(server.output().size());
      server.input({});
    }
  }
  std::string line(reinterpret_cast<const char*>(data), size);
  parse_internal_sftp_args(line, err);
  return 0;
}
