// zlib@openssh.com (OpenSSH's PROTOCOL, "delayed compression"): each
// direction is one zlib stream for as long as its keys stay; every packet's
// payload is deflated with Z_PARTIAL_FLUSH, so each packet carries all the
// output for its input and the peer can inflate it on its own. A key
// exchange that negotiates zlib@openssh.com starts a fresh stream with the
// new keys (OpenSSH's start_compression_in/out end and re-initialise the
// stream at NEWKEYS); one that negotiates "none" turns it off.
//
// Only the postauth child (the user's own process) ever makes these: the
// server offers zlib@openssh.com and never plain "zlib", so no byte is
// inflated before authentication.
//
// Pure: no system calls. Each object owns its z_stream and frees it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace lpsshd::transport {

class Deflater {
 public:
  Deflater();  // level 6, as OpenSSH
  ~Deflater();
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  // Appends the compressed form of `in` to `out`, ending at a flush point.
  // False only if zlib fails (out of memory): the connection must end.
  bool compress(std::span<const uint8_t> in, std::vector<uint8_t>& out);

 private:
  struct Stream;
  std::unique_ptr<Stream> s_;
};

class Inflater {
 public:
  Inflater();
  ~Inflater();
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Replaces `out` with what `in` inflates to. Refuses (false, `why` set)
  // corrupt data, the end of the zlib stream, and output longer than
  // max_out: inflating stops as soon as the bound is passed, so `out` never
  // holds more than max_out + 1 bytes whatever the input claims. After a
  // failure the stream is unusable: the connection must end.
  bool inflate(std::span<const uint8_t> in, std::vector<uint8_t>& out, size_t max_out,
               std::string& why);

 private:
  struct Stream;
  std::unique_ptr<Stream> s_;
  bool failed_ = false;
};

}  // namespace lpsshd::transport
