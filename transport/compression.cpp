#include "transport/compression.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace lpsshd::transport {

namespace {
constexpr int kLevel = 6;  // OpenSSH's level for zlib@openssh.com
}

struct Deflater::Stream {
  z_stream z;
  bool ok = false;
};

Deflater::Deflater() : s_(std::make_unique<Stream>()) {
  std::memset(&s_->z, 0, sizeof s_->z);
  s_->ok = deflateInit(&s_->z, kLevel) == Z_OK;
}

Deflater::~Deflater() {
  if (s_->ok) deflateEnd(&s_->z);
}

bool Deflater::compress(std::span<const uint8_t> in, std::vector<uint8_t>& out) {
  if (!s_->ok) return false;
  if (in.empty()) return true;  // nothing to flush: zlib would report no progress
  z_stream& z = s_->z;
  z.next_in = const_cast<Bytef*>(in.data());  // zlib's API is not const; it only reads
  z.avail_in = static_cast<uInt>(in.size());
  // Room for incompressible input in one go (deflate adds a few bytes per
  // stored block and the flush marker); more rounds if it was not enough.
  size_t room = in.size() + in.size() / 256 + 64;
  do {
    const size_t old = out.size();
    out.resize(old + room);
    z.next_out = out.data() + old;
    z.avail_out = static_cast<uInt>(room);
    const int rc = deflate(&z, Z_PARTIAL_FLUSH);
    out.resize(old + room - z.avail_out);
    // Z_BUF_ERROR: no progress possible, i.e. all of it was already flushed.
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      s_->ok = false;
      return false;
    }
    room = 4096;
  } while (z.avail_out == 0);
  return z.avail_in == 0;
}

struct Inflater::Stream {
  z_stream z;
  bool ok = false;
};

Inflater::Inflater() : s_(std::make_unique<Stream>()) {
  std::memset(&s_->z, 0, sizeof s_->z);
  s_->ok = inflateInit(&s_->z) == Z_OK;
}

Inflater::~Inflater() {
  if (s_->ok) inflateEnd(&s_->z);
}

bool Inflater::inflate(std::span<const uint8_t> in, std::vector<uint8_t>& out, size_t max_out,
                       std::string& why) {
  out.clear();
  if (!s_->ok || failed_) {
    why = "decompression unavailable";
    return false;
  }
  auto fail = [&](const char* what) {
    failed_ = true;
    out.clear();
    why = what;
    return false;
  };
  z_stream& z = s_->z;
  z.next_in = const_cast<Bytef*>(in.data());  // zlib only reads it
  z.avail_in = static_cast<uInt>(in.size());
  // The buffer grows by doubling but never past max_out + 1: one byte more
  // than allowed is how an over-long packet is seen, without ever making
  // room for what the peer's data claims.
  const size_t cap = max_out + 1;
  const size_t first = std::min(cap, std::max<size_t>(4096, in.size() * 4));
  out.reserve(first);
  out.resize(first);
  size_t produced = 0;
  while (true) {
    z.next_out = out.data() + produced;
    z.avail_out = static_cast<uInt>(out.size() - produced);
    const int rc = ::inflate(&z, Z_SYNC_FLUSH);
    produced = out.size() - z.avail_out;
    if (rc == Z_STREAM_END) return fail("compressed stream ended");
    if (rc != Z_OK && rc != Z_BUF_ERROR) return fail("corrupt compressed data");
    if (produced > max_out) return fail("packet inflates past the maximum packet size");
    if (z.avail_out != 0) {
      // Room left: zlib stopped because the input is used up.
      if (z.avail_in != 0) return fail("corrupt compressed data");
      break;
    }
    // Output full: more may be pending, even with all input read.
    // reserve() first: resize() alone may round the allocation up.
    const size_t grown = std::min(cap, out.size() * 2);
    out.reserve(grown);
    out.resize(grown);
  }
  out.resize(produced);
  return true;
}

}  // namespace lpsshd::transport
