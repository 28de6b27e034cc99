// SFTP v3 packets: framing, one parse per request, reply encoders. The
// field names in comments are those of draft-ietf-secsh-filexfer-02 and of
// OpenSSH's PROTOCOL, section 4.
#include "postauth/sftp_wire.h"

namespace lpsshd::postauth::sftp {

const std::vector<OpInfo>& op_table() {
  static const std::vector<OpInfo> table = {
      {Op::kOpen, "open", "", "", false},  // -R refuses write opens itself
      {Op::kClose, "close", "", "", false},
      {Op::kRead, "read", "", "", false},
      {Op::kWrite, "write", "", "", true},
      {Op::kLstat, "lstat", "", "", false},
      {Op::kFstat, "fstat", "", "", false},
      {Op::kSetstat, "setstat", "", "", true},
      {Op::kFsetstat, "fsetstat", "", "", true},
      {Op::kOpendir, "opendir", "", "", false},
      {Op::kReaddir, "readdir", "", "", false},
      {Op::kRemove, "remove", "", "", true},
      {Op::kMkdir, "mkdir", "", "", true},
      {Op::kRmdir, "rmdir", "", "", true},
      {Op::kRealpath, "realpath", "", "", false},
      {Op::kStat, "stat", "", "", false},
      {Op::kRename, "rename", "", "", true},
      {Op::kReadlink, "readlink", "", "", false},
      {Op::kSymlink, "symlink", "", "", true},
      {Op::kPosixRename, "posix-rename", "posix-rename@openssh.com", "1", true},
      {Op::kStatvfs, "statvfs", "statvfs@openssh.com", "2", false},
      {Op::kFstatvfs, "fstatvfs", "fstatvfs@openssh.com", "2", false},
      {Op::kHardlink, "hardlink", "hardlink@openssh.com", "1", true},
      {Op::kFsync, "fsync", "fsync@openssh.com", "1", true},
      {Op::kLsetstat, "lsetstat", "lsetstat@openssh.com", "1", true},
      {Op::kLimits, "limits", "limits@openssh.com", "1", false},
      {Op::kExpandPath, "expand-path", "expand-path@openssh.com", "1", false},
      {Op::kCopyData, "copy-data", "copy-data", "1", true},
      {Op::kHomeDirectory, "home-directory", "home-directory", "1", false},
      {Op::kUsersGroupsById, "users-groups-by-id", "users-groups-by-id@openssh.com", "1", false},
  };
  return table;
}

const OpInfo* op_info(Op op) {
  for (const OpInfo& row : op_table())
    if (row.op == op) return &row;
  return nullptr;
}

const OpInfo* op_by_name(std::string_view name) {
  for (const OpInfo& row : op_table())
    if (row.name == name) return &row;
  return nullptr;
}

Frame next_packet(wire::Bytes buffered, wire::Bytes& body, size_t& consumed) {
  wire::Reader r(buffered);
  uint32_t len = 0;
  if (!r.u32(len)) return Frame::kPartial;  // uint32 length
  if (len == 0 || len > kMaxPacket) return Frame::kTooLong;
  if (!r.raw(body, len)) return Frame::kPartial;
  consumed = 4 + static_cast<size_t>(len);
  return Frame::kComplete;
}

bool parse_attrs(wire::Reader& r, Attrs& a) {
  a = Attrs{};
  if (!r.u32(a.flags)) return false;  // uint32 flags
  if ((a.flags & ATTR_SIZE) && !r.u64(a.size)) return false;
  if ((a.flags & ATTR_UIDGID) && !(r.u32(a.uid) && r.u32(a.gid))) return false;
  if ((a.flags & ATTR_PERMISSIONS) && !r.u32(a.perm)) return false;
  if ((a.flags & ATTR_ACMODTIME) && !(r.u32(a.atime) && r.u32(a.mtime))) return false;
  if (a.flags & ATTR_EXTENDED) {
    if (!r.u32(a.extended_count)) return false;  // uint32 extended_count
    if (a.extended_count > kMaxAttrExtensions) return false;
    for (uint32_t i = 0; i < a.extended_count; ++i) {
      wire::Bytes type, data;  // string extended_type, string extended_data
      if (!r.string(type) || !r.string(data)) return false;
    }
  }
  return true;
}

namespace {

bool path(wire::Reader& r, std::string& out) { return r.text(out, kMaxPath); }

bool handle(wire::Reader& r, wire::Bytes& out) {
  return r.string(out) && out.size() <= kMaxHandle;
}

bool id_list(wire::Reader& r, std::vector<uint32_t>& out) {
  wire::Reader list(nullptr, 0);
  if (!r.sub(list)) return false;  // string uids / gids: packed uint32s
  if (list.remaining() % 4 != 0 || list.remaining() / 4 > kMaxIdsPerList) return false;
  while (list.remaining() > 0) {
    uint32_t v = 0;
    list.u32(v);
    out.push_back(v);
  }
  return true;
}

// The fields after the id, by op.
bool parse_body(wire::Reader& r, Request& q) {
  switch (q.op) {
    case Op::kOpen:  // string filename, uint32 pflags, ATTRS attrs
      return path(r, q.path) && r.u32(q.pflags) && parse_attrs(r, q.attrs);
    case Op::kClose:
    case Op::kFstat:
    case Op::kReaddir:
    case Op::kFstatvfs:
    case Op::kFsync:  // string handle
      return handle(r, q.handle);
    case Op::kRead:  // string handle, uint64 offset, uint32 len
    {
      uint32_t len = 0;
      bool ok = handle(r, q.handle) && r.u64(q.offset) && r.u32(len);
      q.length = len;
      return ok;
    }
    case Op::kWrite:  // string handle, uint64 offset, string data
      return handle(r, q.handle) && r.u64(q.offset) && r.string(q.data) &&
             q.data.size() <= kMaxWrite;
    case Op::kLstat:
    case Op::kStat:
    case Op::kOpendir:
    case Op::kRemove:
    case Op::kRmdir:
    case Op::kRealpath:
    case Op::kReadlink:
    case Op::kStatvfs:
    case Op::kExpandPath:  // string path
      return path(r, q.path);
    case Op::kHomeDirectory:  // string username (empty: the current user)
      return r.text(q.path, 256);
    case Op::kSetstat:
    case Op::kLsetstat:
    case Op::kMkdir:  // string path, ATTRS attrs
      return path(r, q.path) && parse_attrs(r, q.attrs);
    case Op::kFsetstat:  // string handle, ATTRS attrs
      return handle(r, q.handle) && parse_attrs(r, q.attrs);
    case Op::kRename:
    case Op::kPosixRename:
    case Op::kHardlink:  // string oldpath, string newpath
    // SYMLINK in OpenSSH's order (PROTOCOL 4.1): string targetpath, string
    // linkpath -- the reverse of the draft.
    case Op::kSymlink:
      return path(r, q.path) && path(r, q.path2);
    case Op::kLimits:
      return true;
    case Op::kCopyData:  // handle, uint64 offset, uint64 length, handle, uint64 offset
      return handle(r, q.handle) && r.u64(q.offset) && r.u64(q.length) && handle(r, q.handle2) &&
             r.u64(q.offset2);
    case Op::kUsersGroupsById:  // string uids, string gids
      return id_list(r, q.uids) && id_list(r, q.gids);
    case Op::kInit:
    case Op::kUnknown:
      return true;
  }
  return false;
}

Op op_of_type(uint8_t type) {
  switch (type) {
    case FXP_OPEN: return Op::kOpen;
    case FXP_CLOSE: return Op::kClose;
    case FXP_READ: return Op::kRead;
    case FXP_WRITE: return Op::kWrite;
    case FXP_LSTAT: return Op::kLstat;
    case FXP_FSTAT: return Op::kFstat;
    case FXP_SETSTAT: return Op::kSetstat;
    case FXP_FSETSTAT: return Op::kFsetstat;
    case FXP_OPENDIR: return Op::kOpendir;
    case FXP_READDIR: return Op::kReaddir;
    case FXP_REMOVE: return Op::kRemove;
    case FXP_MKDIR: return Op::kMkdir;
    case FXP_RMDIR: return Op::kRmdir;
    case FXP_REALPATH: return Op::kRealpath;
    case FXP_STAT: return Op::kStat;
    case FXP_RENAME: return Op::kRename;
    case FXP_READLINK: return Op::kReadlink;
    case FXP_SYMLINK: return Op::kSymlink;
    default: return Op::kUnknown;
  }
}

}  // namespace

ParseResult parse_request(wire::Bytes body, Request& q) {
  q = Request{};
  wire::Reader r(body);
  if (!r.u8(q.type) || !r.u32(q.id)) return ParseResult::kNoId;  // byte type, uint32 id
  if (q.type == FXP_INIT) {
    // uint32 version, then extension pairs we do not use: ignored.
    q.op = Op::kInit;
    r.rest();
    return ParseResult::kOk;
  }
  if (q.type == FXP_EXTENDED) {
    wire::Bytes name;  // string extended-request
    if (!r.string(name)) return ParseResult::kMalformed;
    q.op = Op::kUnknown;
    for (const OpInfo& row : op_table())
      if (!row.extension.empty() && row.extension == wire::as_view(name)) q.op = row.op;
    if (q.op == Op::kUnknown) {
      // The name, printable and short, for the log line only.
      for (uint8_t c : name.first(std::min<size_t>(name.size(), 64)))
        q.extension.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
      return ParseResult::kOk;
    }
  } else {
    q.op = op_of_type(q.type);
    if (q.op == Op::kUnknown) return ParseResult::kOk;
  }
  if (!parse_body(r, q) || !r.end()) return ParseResult::kMalformed;
  return ParseResult::kOk;
}

// --- Encoding -------------------------------------------------------------

namespace {

// Reserves the length field, returns its offset; finish() fills it in.
size_t begin(wire::Writer& w, uint8_t type) {
  size_t at = w.size();
  w.u32(0).u8(type);
  return at;
}

void finish(wire::Writer& w, size_t at) {
  uint32_t len = static_cast<uint32_t>(w.size() - at - 4);
  uint8_t* p = w.bytes().data() + at;
  p[0] = static_cast<uint8_t>(len >> 24);
  p[1] = static_cast<uint8_t>(len >> 16);
  p[2] = static_cast<uint8_t>(len >> 8);
  p[3] = static_cast<uint8_t>(len);
}

}  // namespace

void encode_attrs(wire::Writer& w, const Attrs& a) {
  const uint32_t flags = a.flags & ~ATTR_EXTENDED;  // we never send extended pairs
  w.u32(flags);
  if (flags & ATTR_SIZE) w.u64(a.size);
  if (flags & ATTR_UIDGID) w.u32(a.uid).u32(a.gid);
  if (flags & ATTR_PERMISSIONS) w.u32(a.perm);
  if (flags & ATTR_ACMODTIME) w.u32(a.atime).u32(a.mtime);
}

void put_version(wire::Writer& w) {
  size_t at = begin(w, FXP_VERSION);
  w.u32(kVersion);
  for (const OpInfo& row : op_table())
    if (!row.extension.empty()) w.string(row.extension).string(row.version);
  finish(w, at);
}

std::string_view status_message(uint32_t code) {
  static constexpr std::string_view kText[] = {
      "Success", "End of file", "No such file", "Permission denied", "Failure",
      "Bad message", "No connection", "Connection lost", "Operation unsupported"};
  return code < std::size(kText) ? kText[code] : "Unknown error";
}

void put_status(wire::Writer& w, uint32_t id, uint32_t code) {
  size_t at = begin(w, FXP_STATUS);
  w.u32(id).u32(code).string(status_message(code)).string("");  // message, language tag
  finish(w, at);
}

void put_handle(wire::Writer& w, uint32_t id, wire::Bytes h) {
  size_t at = begin(w, FXP_HANDLE);
  w.u32(id).string(h);
  finish(w, at);
}

void put_attrs(wire::Writer& w, uint32_t id, const Attrs& a) {
  size_t at = begin(w, FXP_ATTRS);
  w.u32(id);
  encode_attrs(w, a);
  finish(w, at);
}

void put_names(wire::Writer& w, uint32_t id, const std::vector<NameEntry>& names) {
  size_t at = begin(w, FXP_NAME);
  w.u32(id).u32(static_cast<uint32_t>(names.size()));
  for (const NameEntry& n : names) {
    w.string(n.name).string(n.longname);
    encode_attrs(w, n.attrs);
  }
  finish(w, at);
}

void put_extended_reply(wire::Writer& w, uint32_t id, wire::Bytes payload) {
  size_t at = begin(w, FXP_EXTENDED_REPLY);
  w.u32(id).raw(payload);
  finish(w, at);
}

void data_header(uint8_t* out, uint32_t id, uint32_t n) {
  auto be32 = [](uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
  };
  be32(out, 9 + n);  // uint32 length: type, id, data length, data
  out[4] = FXP_DATA;
  be32(out + 5, id);
  be32(out + 9, n);
}

}  // namespace lpsshd::postauth::sftp
