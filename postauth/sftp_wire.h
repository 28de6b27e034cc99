// SFTP version 3 (draft-ietf-secsh-filexfer-02, as OpenSSH speaks it, with
// the extensions of OpenSSH's PROTOCOL file, section 4): packet framing,
// request parsing and reply encoding. Pure: no system calls, every read
// through wire::Reader, so unit tests and fuzz/fuzz_sftp.cpp drive it
// directly. The server (sftp_server.h) does the file operations.
//
// Limits: a packet is at most kSftpMaxPacket bytes (its uint32 length
// field; a longer one is a protocol error, the channel closes); paths at
// most kSftpMaxPath bytes and free of NUL; handles at most kSftpMaxHandle
// bytes; ATTRS carry at most kSftpMaxAttrExtensions extended pairs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/reader.h"
#include "wire/writer.h"

namespace lpsshd::postauth::sftp {

inline constexpr uint32_t kVersion = 3;
// WRITE carries up to 256 KiB. A READ is answered with at most 255 KiB:
// OpenSSH's client refuses any packet over 256 KiB (its SFTP_MAX_MSG_LENGTH),
// so a DATA reply must leave room for its header; sftp-server uses the same
// 256 KiB - 1 KiB. limits@openssh.com says both.
inline constexpr size_t kMaxWrite = 256 * 1024;
inline constexpr size_t kMaxRead = 256 * 1024 - 1024;
inline constexpr size_t kMaxPacket = kMaxWrite + 1024;  // length field bound (client to server)
inline constexpr size_t kMaxPath = 4096;                    // PATH_MAX
inline constexpr size_t kMaxHandle = 256;
inline constexpr size_t kMaxAttrExtensions = 64;
inline constexpr size_t kMaxIdsPerList = 4096;  // users-groups-by-id

// Packet types (filexfer-02 section 3).
enum : uint8_t {
  FXP_INIT = 1, FXP_VERSION = 2, FXP_OPEN = 3, FXP_CLOSE = 4, FXP_READ = 5, FXP_WRITE = 6,
  FXP_LSTAT = 7, FXP_FSTAT = 8, FXP_SETSTAT = 9, FXP_FSETSTAT = 10, FXP_OPENDIR = 11,
  FXP_READDIR = 12, FXP_REMOVE = 13, FXP_MKDIR = 14, FXP_RMDIR = 15, FXP_REALPATH = 16,
  FXP_STAT = 17, FXP_RENAME = 18, FXP_READLINK = 19, FXP_SYMLINK = 20,
  FXP_STATUS = 101, FXP_HANDLE = 102, FXP_DATA = 103, FXP_NAME = 104, FXP_ATTRS = 105,
  FXP_EXTENDED = 200, FXP_EXTENDED_REPLY = 201,
};

// Status codes (filexfer-02 section 7).
enum Status : uint32_t {
  FX_OK = 0, FX_EOF = 1, FX_NO_SUCH_FILE = 2, FX_PERMISSION_DENIED = 3, FX_FAILURE = 4,
  FX_BAD_MESSAGE = 5, FX_NO_CONNECTION = 6, FX_CONNECTION_LOST = 7, FX_OP_UNSUPPORTED = 8,
};

// ATTRS flags (section 5) and OPEN pflags (section 6.3).
enum : uint32_t {
  ATTR_SIZE = 0x1, ATTR_UIDGID = 0x2, ATTR_PERMISSIONS = 0x4, ATTR_ACMODTIME = 0x8,
  ATTR_EXTENDED = 0x80000000u,
};
enum : uint32_t {
  FXF_READ = 0x1, FXF_WRITE = 0x2, FXF_APPEND = 0x4, FXF_CREAT = 0x8, FXF_TRUNC = 0x10,
  FXF_EXCL = 0x20,
};

struct Attrs {
  uint32_t flags = 0;
  uint64_t size = 0;
  uint32_t uid = 0, gid = 0;
  uint32_t perm = 0;
  uint32_t atime = 0, mtime = 0;
  // Extended pairs are read (bounded) and dropped: no server acts on them.
  uint32_t extended_count = 0;
};

// Every request the server knows, including the extensions (which arrive as
// FXP_EXTENDED with a name). Unknown requests parse as kUnknown with their
// id, so the server can answer OP_UNSUPPORTED.
enum class Op {
  kInit, kOpen, kClose, kRead, kWrite, kLstat, kFstat, kSetstat, kFsetstat, kOpendir,
  kReaddir, kRemove, kMkdir, kRmdir, kRealpath, kStat, kRename, kReadlink, kSymlink,
  kPosixRename, kStatvfs, kFstatvfs, kHardlink, kFsync, kLsetstat, kLimits, kExpandPath,
  kCopyData, kHomeDirectory, kUsersGroupsById, kUnknown,
};

// One row per request: the name that sftp-server -Q requests prints (and
// -P / -p lists use), the extension name on the wire (empty for the base
// protocol), and whether it changes the file system (refused by -R).
struct OpInfo {
  Op op;
  std::string_view name;
  std::string_view extension;
  std::string_view version;  // advertised in VERSION
  bool writes;
};
const std::vector<OpInfo>& op_table();
const OpInfo* op_info(Op op);
const OpInfo* op_by_name(std::string_view request_name);

// A parsed request. Which fields are set depends on op (see sftp_wire.cpp,
// one parse per op). Views alias the packet.
struct Request {
  Op op = Op::kUnknown;
  uint8_t type = 0;
  uint32_t id = 0;      // for kInit: the client's version
  std::string path;     // path, oldpath, targetpath (SYMLINK), username
  std::string path2;    // newpath, linkpath (SYMLINK)
  wire::Bytes handle;   // handle, read-from-handle (copy-data)
  wire::Bytes handle2;  // write-to-handle (copy-data)
  uint64_t offset = 0;  // READ/WRITE offset, copy-data read-from-offset
  uint64_t offset2 = 0; // copy-data write-to-offset
  uint64_t length = 0;  // READ length, copy-data read-data-length
  uint32_t pflags = 0;
  Attrs attrs;
  wire::Bytes data;     // WRITE data
  std::vector<uint32_t> uids, gids;
  std::string extension;  // the name of an unknown extension (for logs)
};

// The outcome of parsing one packet body (type byte onward).
enum class ParseResult {
  kOk,
  kNoId,       // too short to carry a type and id: a protocol error
  kMalformed,  // id known, body malformed: reply FX_BAD_MESSAGE
};

// Framing: when `buffered` starts with a complete packet, sets `body` to its
// contents (type byte onward) and `consumed` to its length with the header
// and returns kComplete; kPartial when more bytes are needed; kTooLong when
// the length field exceeds kMaxPacket or is 0 (the channel must close).
enum class Frame { kComplete, kPartial, kTooLong };
Frame next_packet(wire::Bytes buffered, wire::Bytes& body, size_t& consumed);

ParseResult parse_request(wire::Bytes body, Request& out);
bool parse_attrs(wire::Reader& r, Attrs& out);

// --- Encoding. Each appends one whole packet (length field included).
void encode_attrs(wire::Writer& w, const Attrs& a);
void put_version(wire::Writer& w);  // VERSION 3 with the extension list
void put_status(wire::Writer& w, uint32_t id, uint32_t code);
void put_handle(wire::Writer& w, uint32_t id, wire::Bytes handle);
void put_attrs(wire::Writer& w, uint32_t id, const Attrs& a);
struct NameEntry {
  std::string name, longname;
  Attrs attrs;
};
void put_names(wire::Writer& w, uint32_t id, const std::vector<NameEntry>& names);
// An EXTENDED_REPLY whose body after the id is `payload`.
void put_extended_reply(wire::Writer& w, uint32_t id, wire::Bytes payload);
// The header of a DATA reply carrying n bytes: 13 bytes, written into out.
inline constexpr size_t kDataHeader = 13;
void data_header(uint8_t* out, uint32_t id, uint32_t n);

std::string_view status_message(uint32_t code);

}  // namespace lpsshd::postauth::sftp
