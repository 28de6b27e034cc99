#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets that take composite inputs:
fuzz_monitor_sequence (length-prefixed monitor messages), fuzz_terminal_modes,
fuzz_pam_messages, fuzz_p256_point and more. Run from the repository root; the files are committed."""
import os
import struct

def s(b):
    if isinstance(b, str):
        b = b.encode()
    return struct.pack(">I", len(b)) + b

def write(target, name, data):
    d = os.path.join("fuzz", "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

# --- monitor message sequences: [u16 length][message]...
def framed(*msgs):
    return b"".join(struct.pack(">H", len(m)) + m for m in msgs)

def kexinit():
    lists = ["curve25519-sha256,ext-info-c,kex-strict-c-v00@openssh.com", "ssh-ed25519",
             "chacha20-poly1305@openssh.com", "chacha20-poly1305@openssh.com", "", "",
             "none", "none", "", ""]
    return bytes([20]) + b"\x11" * 16 + b"".join(s(x) for x in lists) + b"\x00" + b"\x00" * 4

KEX_INIT = bytes([1]) + s("SSH-2.0-OpenSSH_9.2p1") + s(kexinit())
KEX_ECDH = bytes([2]) + s(b"\x09" + b"\x00" * 31)
AUTH_NONE = bytes([3]) + s("alice")
BLOB = s("ssh-ed25519") + s(b"\x42" * 32)
AUTH_QUERY = bytes([4]) + s("alice") + s("ssh-ed25519") + s(BLOB) + b"\x00"
AUTH_SIGNED = bytes([4]) + s("alice") + s("ssh-ed25519") + s(BLOB) + b"\x01" + s(s("ssh-ed25519") + s(b"\x00" * 64))
AUTH_PASSWORD = bytes([9]) + s("alice") + s("hunter2")
AUTH_KBDINT = bytes([10]) + s("alice")
HANDOVER = bytes([5]) + struct.pack(">II", 5, 5) + s(b"")

# A mode byte first (fuzz/fuzz_monitor_sequence.cpp): 0 the preauth child
# from the start; 1 the postauth child after a login the harness makes, 3
# the same with RekeyAfterAuth off.
PREAUTH, POSTAUTH, POSTAUTH_NO_REKEY = b"\x00", b"\x01", b"\x03"
write("fuzz_monitor_sequence", "kex_only", PREAUTH + framed(KEX_INIT, KEX_ECDH))
write("fuzz_monitor_sequence", "kex_none_query", PREAUTH + framed(KEX_INIT, KEX_ECDH, AUTH_NONE, AUTH_QUERY))
write("fuzz_monitor_sequence", "forged_signature", PREAUTH + framed(KEX_INIT, KEX_ECDH, AUTH_QUERY, AUTH_SIGNED, HANDOVER))
write("fuzz_monitor_sequence", "password_then_handover", PREAUTH + framed(KEX_INIT, KEX_ECDH, AUTH_PASSWORD, HANDOVER))
write("fuzz_monitor_sequence", "kbdint", PREAUTH + framed(KEX_INIT, KEX_ECDH, AUTH_KBDINT, bytes([11]) + struct.pack(">I", 1) + s("x")))
write("fuzz_monitor_sequence", "handover_first", PREAUTH + framed(HANDOVER))
PTY_REQUEST, KEX_START = bytes([7]), bytes([12])
write("fuzz_monitor_sequence", "postauth_ptys_then_kexstart",
      POSTAUTH + framed(KEX_START, PTY_REQUEST, PTY_REQUEST, PTY_REQUEST, KEX_START))
write("fuzz_monitor_sequence", "postauth_no_rekey_ptys",
      POSTAUTH_NO_REKEY + framed(*([PTY_REQUEST] * 4), bytes([8])))
# 600 PTYs, a server-initiated rekey, 425 more: the 1025th is over the
# per-connection bound though no phase saw more than 600.
write("fuzz_monitor_sequence", "postauth_pty_bound_across_rekey",
      POSTAUTH_NO_REKEY + framed(*([PTY_REQUEST] * 600), KEX_START, *([PTY_REQUEST] * 425)))

# --- terminal modes: (opcode, uint32)... TTY_OP_END
def modes(*pairs, end=True):
    return b"".join(bytes([o]) + struct.pack(">I", v) for o, v in pairs) + (b"\x00" if end else b"")

write("fuzz_terminal_modes", "openssh_typical", modes((1, 3), (2, 28), (3, 127), (4, 21), (5, 4), (53, 1), (51, 1), (72, 1), (128, 38400), (129, 38400), (42, 1)))
write("fuzz_terminal_modes", "empty", b"")
write("fuzz_terminal_modes", "end_only", b"\x00")
write("fuzz_terminal_modes", "stop_at_160", modes((53, 0)) [:-1] + b"\xa0\x01\x02")
write("fuzz_terminal_modes", "truncated", modes((53, 1), end=False)[:3])

# --- PAM helper messages: first byte selects the decoder (type % 6)
write("fuzz_pam_messages", "start", b"\x00" + bytes([1]) + s("lpsshd") + s("alice") + s("192.0.2.1"))
write("fuzz_pam_messages", "authenticate", b"\x01" + bytes([2, 0]))
write("fuzz_pam_messages", "answers", b"\x02" + bytes([3, 1]) + struct.pack(">I", 2) + s("blue") + s("4242"))
write("fuzz_pam_messages", "spawn", b"\x03" + bytes([6]) + s("alice") + s("/home/alice") + s("/usr/libexec/lpsshd/lpsshd-postauth") + struct.pack(">III", 1000, 1000, 10))
write("fuzz_pam_messages", "prompts", b"\x04" + bytes([64]) + struct.pack(">I", 2) + bytes([4]) + s("Hello") + bytes([1]) + s("Password: "))
write("fuzz_pam_messages", "result", b"\x05" + bytes([65]) + struct.pack(">I", 0) + s("Success") + struct.pack(">I", 1234) + struct.pack(">I", 1) + s("LANG=C.UTF-8"))

# --- connection-protocol messages (fuzz_channel_messages)
CH = struct.pack(">I", 0)
write("fuzz_channel_messages", "open_session", bytes([90]) + s("session") + struct.pack(">III", 0, 2097152, 32768))
write("fuzz_channel_messages", "pty_req", bytes([98]) + CH + s("pty-req") + b"\x01" + s("xterm-256color") +
      struct.pack(">IIII", 80, 24, 640, 480) + s(modes((3, 127), (53, 1))))
write("fuzz_channel_messages", "exec", bytes([98]) + CH + s("exec") + b"\x01" + s("echo hello; exit 42"))
write("fuzz_channel_messages", "env", bytes([98]) + CH + s("env") + b"\x00" + s("LANG") + s("C.UTF-8"))
write("fuzz_channel_messages", "window_change", bytes([98]) + CH + s("window-change") + b"\x00" + struct.pack(">IIII", 120, 40, 0, 0))
write("fuzz_channel_messages", "signal", bytes([98]) + CH + s("signal") + b"\x00" + s("INT"))
write("fuzz_channel_messages", "data", bytes([94]) + CH + s("hello world\n"))
write("fuzz_channel_messages", "window_adjust", bytes([93]) + struct.pack(">II", 0, 1048576))
write("fuzz_channel_messages", "eof", bytes([96]) + CH)
write("fuzz_channel_messages", "keepalive", bytes([80]) + s("keepalive@openssh.com") + b"\x01")
write("fuzz_channel_messages", "subsystem", bytes([98]) + CH + s("subsystem") + b"\x01" + s("sftp"))

# --- forwarding: channel-open data and global-request bodies (fuzz_forwarding);
# the first byte picks the parser (see fuzz/fuzz_forwarding.cpp)
write("fuzz_forwarding", "direct_tcpip", b"\x00" + s("localhost") + struct.pack(">I", 5432) + s("127.0.0.1") + struct.pack(">I", 40000))
write("fuzz_forwarding", "direct_streamlocal", b"\x01" + s("/run/db.sock") + s("") + struct.pack(">I", 0))
write("fuzz_forwarding", "direct_streamlocal_old", b"\x01" + s("/run/db.sock") + s(""))
write("fuzz_forwarding", "tcpip_forward", b"\x02" + s("localhost") + struct.pack(">I", 0))
write("fuzz_forwarding", "streamlocal_forward", b"\x03" + s("/home/u/r.sock"))
write("fuzz_forwarding", "permit", b"\x04" + s("127.0.0.1:*") + s("[::1]:22") + s("8080"))

# --- monitor messages: the postauth child's start-up record with a full grant
def strings(*xs):
    return struct.pack(">I", len(xs)) + b"".join(s(x) for x in xs)
SESSION_USER = s("alice") + s("/home/alice") + s("/bin/bash") + struct.pack(">II", 1000, 1000)
GRANT = (bytes([1, 1, 0, 1, 0, 1]) + bytes([2]) + s("rsync --server -e.LsfxC . /srv") +
         strings("BACKUP=1") + strings("db:5432") + strings("localhost:8080") + s("any") +
         struct.pack(">Q", 1924992000) +
         # streamlocal local/remote, PermitOpen, PermitListen, GatewayPorts,
         # StreamLocalBindMask, StreamLocalBindUnlink
         bytes([1, 0]) + strings("127.0.0.1:*") + strings("none") + bytes([2]) +
         struct.pack(">I", 0o177) + b"\x00")
write("fuzz_monitor_messages", "session_settings_grant",
      bytes([69]) + SESSION_USER + GRANT + strings("LANG", "LC_*") + b"\x01\x00" +
      strings("LANG=C.UTF-8") + struct.pack(">I", 1) + s("sftp") + s("/usr/lib/openssh/sftp-server") +
      b"\x01" + struct.pack(">QII", 1 << 30, 3600, 120))
write("fuzz_monitor_messages", "kex_start", bytes([12]))

# --- client mistakes (mistakes_test.sh): well-formed requests with a field
# over a cap, which the preauth child turns into a failed attempt or a
# DISCONNECT with a reason, never into a message the monitor refuses.
def userauth(user, method, rest=b"", service="ssh-connection"):
    return bytes([50]) + s(user) + s(service) + s(method) + rest

ED_BLOB = s("ssh-ed25519") + s(b"\x42" * 32)
write("fuzz_userauth", "password_over_cap", userauth("alice", "password", b"\x00" + s(b"p" * 1025)))
write("fuzz_userauth", "key_blob_over_cap", userauth("alice", "publickey", b"\x00" + s("ssh-ed25519") + s(b"k" * 16385)))
write("fuzz_userauth", "signature_over_cap", userauth("alice", "publickey", b"\x01" + s("ssh-ed25519") + s(ED_BLOB) + s(b"s" * 1025)))
write("fuzz_userauth", "algorithm_over_cap", userauth("alice", "publickey", b"\x00" + s("a" * 65) + s(ED_BLOB)))
write("fuzz_userauth", "user_over_cap", userauth("u" * 257, "none"))
write("fuzz_userauth", "method_over_cap", userauth("alice", "m" * 65))
write("fuzz_userauth", "info_response_answer_over_cap", bytes([61]) + struct.pack(">I", 1) + s(b"a" * 1025))

def padded_kexinit(total):
    names, n = [], 0
    while sum(len(x) + 1 for x in names) < total:
        names.append(("pad%d-" % n).ljust(48, "x") + "@example.org")
        n += 1
    lists = ["curve25519-sha256,kex-strict-c-v00@openssh.com", "ssh-ed25519",
             "chacha20-poly1305@openssh.com", "chacha20-poly1305@openssh.com", "", "",
             "none", "none", "", ""]
    for i, slot in enumerate([4, 5, 8, 9, 6, 7]):
        chunk = names[i * 127:(i + 1) * 127]
        if chunk:
            lists[slot] = ",".join(([lists[slot]] if lists[slot] else []) + chunk)
    return bytes([20]) + b"\x11" * 16 + b"".join(s(x) for x in lists) + b"\x00" + b"\x00" * 4

write("fuzz_kexinit", "over_size_cap_33k", padded_kexinit(33000))
write("fuzz_kexinit", "under_size_cap_30k", padded_kexinit(30000))
write("fuzz_kexinit", "too_many_names", bytes([20]) + b"\x11" * 16 +
      b"".join(s(x) for x in [",".join("k%d" % i for i in range(129)), "ssh-ed25519",
                              "chacha20-poly1305@openssh.com", "chacha20-poly1305@openssh.com",
                              "", "", "none", "none", "", ""]) + b"\x00" * 5)

# --- SFTP (fuzz_sftp): a packet body alone, or packets in a row; the target
# tries the input both ways (fuzz/fuzz_sftp.cpp).
def sftp_body(t, i, rest=b""):
    return bytes([t]) + struct.pack(">I", i) + rest

def sftp_packet(body):
    return struct.pack(">I", len(body)) + body

def sftp_ext(i, name, rest=b""):
    return sftp_body(200, i, s(name) + rest)

SFTP_SEEDS = {
    "open": sftp_body(3, 1, s("/etc/hostname") + struct.pack(">II", 1, 4) + struct.pack(">I", 0o644)),
    "read": sftp_body(5, 2, s(b"\x00\x00\x00\x00\x00\x00\x00\x01") + struct.pack(">QI", 0, 32768)),
    "write": sftp_body(6, 3, s(b"\x00" * 8) + struct.pack(">Q", 0) + s("data")),
    "stat": sftp_body(17, 4, s(".")),
    "lstat": sftp_body(7, 4, s("/tmp")),
    "setstat": sftp_body(9, 5, s("f") + struct.pack(">IQIIIII", 0xF, 1, 0, 0, 0o600, 1, 2)),
    "setstat_ext": sftp_body(9, 5, s("f") + struct.pack(">II", 0x80000000, 1) + s("t") + s("d")),
    "opendir": sftp_body(11, 6, s("/")),
    "realpath": sftp_body(16, 7, s("..")),
    "rename": sftp_body(18, 8, s("a") + s("b")),
    "symlink": sftp_body(20, 9, s("target") + s("link")),
    "posix_rename": sftp_ext(10, "posix-rename@openssh.com", s("a") + s("b")),
    "statvfs": sftp_ext(11, "statvfs@openssh.com", s("/")),
    "limits": sftp_ext(12, "limits@openssh.com"),
    "expand_path": sftp_ext(13, "expand-path@openssh.com", s("~root/x")),
    "copy_data": sftp_ext(14, "copy-data", s(b"\x00" * 8) + struct.pack(">QQ", 0, 0) + s(b"\x00" * 8) + struct.pack(">Q", 0)),
    "home_directory": sftp_ext(15, "home-directory", s("")),
    "users_groups": sftp_ext(16, "users-groups-by-id@openssh.com", s(struct.pack(">II", 0, 1)) + s(struct.pack(">I", 0))),
    "unknown_ext": sftp_ext(17, "nonsense@example.com", b"\x01"),
}
for name, body in SFTP_SEEDS.items():
    write("fuzz_sftp", name, body)
# A session: opendir, readdir until EOF, close, stat, bad handle.
DIR_HANDLE = b"\x00\x00\x00\x00\x00\x00\x00\x01"
write("fuzz_sftp", "session_listing", b"".join(sftp_packet(b) for b in [
    sftp_body(11, 1, s("/")), sftp_body(12, 2, s(DIR_HANDLE)), sftp_body(12, 3, s(DIR_HANDLE)),
    sftp_body(8, 4, s(DIR_HANDLE)), sftp_body(4, 5, s(DIR_HANDLE)), sftp_body(17, 6, s(".")),
    sftp_ext(7, "fstatvfs@openssh.com", s(DIR_HANDLE))]))
write("fuzz_sftp", "session_oversized", sftp_packet(sftp_body(17, 1, s("."))) + struct.pack(">I", 0x7fffffff))
write("fuzz_sftp", "options", b"internal-sftp -e -R -u 027 -d /srv/%u -l INFO -f AUTH -P remove -p read,stat")

# --- fuzz_packet_compressed: plain packets around zlib@openssh.com payloads,
# one stream per file (Z_PARTIAL_FLUSH after each packet, as OpenSSH sends).
import zlib

def plain_packet(body):
    pad = 8 - (4 + 1 + len(body)) % 8
    if pad < 4:
        pad += 8
    return struct.pack(">IB", 1 + len(body) + pad, pad) + body + b"\x00" * pad

def zlib_packets(*payloads, flush=zlib.Z_PARTIAL_FLUSH):
    c = zlib.compressobj(6)
    return b"".join(plain_packet(c.compress(p) + c.flush(flush)) for p in payloads)

CHANNEL_DATA = bytes([94]) + struct.pack(">I", 0) + s(b"the quick brown fox " * 200)
write("fuzz_packet_compressed", "channel_data_twice", zlib_packets(CHANNEL_DATA, CHANNEL_DATA))
write("fuzz_packet_compressed", "ignore_then_keepalive",
      zlib_packets(bytes([2]) + s(b"x" * 100), bytes([80]) + s("keepalive@openssh.com") + b"\x01"))
write("fuzz_packet_compressed", "kexinit", zlib_packets(kexinit()))
write("fuzz_packet_compressed", "sync_flush", zlib_packets(CHANNEL_DATA, flush=zlib.Z_SYNC_FLUSH))
write("fuzz_packet_compressed", "bomb_1m_zeros", zlib_packets(bytes([2]) + s(b"\x00" * (1 << 20))))
write("fuzz_packet_compressed", "just_over_bound", zlib_packets(bytes([2]) + s(b"y" * (256 * 1024))))
write("fuzz_packet_compressed", "stream_end", zlib_packets(CHANNEL_DATA, flush=zlib.Z_FINISH))
write("fuzz_packet_compressed", "empty_flush", zlib_packets(b""))
write("fuzz_packet_compressed", "not_compressed", plain_packet(bytes([2]) + s(b"plain")))

# --- ecdh-sha2-nistp256 Q_C: 0x04 || X || Y (RFC 5903 8.1's g^r, valid),
# and the refusals: off the curve, compressed, X = p (the non-canonical form
# of the valid X = 0), 64 bytes.
P256_GR = bytes.fromhex("04D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
                        "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB")
P256_P = bytes.fromhex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff")
P256_Y_AT_X0 = bytes.fromhex("66485c780e2f83d72433bd5d84a06bb6541c2af31dae871728bf856a174f93f4")
write("fuzz_p256_point", "rfc5903_gr", P256_GR)
write("fuzz_p256_point", "off_curve", P256_GR[:-1] + bytes([P256_GR[-1] ^ 1]))
write("fuzz_p256_point", "compressed_02", b"\x02" + P256_GR[1:33])
write("fuzz_p256_point", "x_zero_valid", b"\x04" + bytes(32) + P256_Y_AT_X0)
write("fuzz_p256_point", "x_equals_p", b"\x04" + P256_P + P256_Y_AT_X0)
write("fuzz_p256_point", "short_64", P256_GR[:64])

# --- user public keys and signatures (fuzz_public_key, fuzz_authorized_keys):
# the known-answer vectors of tests/data/signature_vectors.h.
import base64
import re

def vectors():
    text = open(os.path.join("tests", "data", "signature_vectors.h")).read()
    return {m.group(1): bytes.fromhex(m.group(2))
            for m in re.finditer(r'const std::string k(\w+) =\s*"([0-9a-f]*)";', text)}

V = vectors()
KEYS = ["RsaKey", "EcdsaP256Key", "EcdsaP384Key", "EcdsaP521Key", "SkEd25519Key", "SkEcdsaKey"]
SIGS = {  # key index, algorithm index in transport::kSignatureAlgorithms, signature
    "rsa_sha2_256": (0, 7, "RsaSha256Sig"), "rsa_sha2_512": (0, 6, "RsaSha512Sig"),
    "ssh_rsa": (0, 8, "RsaSha1Sig"), "ecdsa_p256": (1, 1, "EcdsaP256Sig"),
    "ecdsa_p384": (2, 2, "EcdsaP384Sig"), "ecdsa_p521": (3, 3, "EcdsaP521Sig"),
    "sk_ed25519": (4, 4, "SkEd25519Sig01"), "sk_ecdsa": (5, 5, "SkEcdsaSig01"),
}
for name in KEYS:
    write("fuzz_public_key", "key_" + name, b"\x00" + V[name])
for name, (k, a, sig) in SIGS.items():
    write("fuzz_public_key", "sig_" + name, b"\x01" + bytes([k, a]) + V[sig])

def ak_line(blob, options=""):
    kind = struct.unpack(">I", blob[:4])[0]
    t = blob[4:4 + kind].decode()
    return ((options + " ") if options else "") + t + " " + base64.b64encode(blob).decode() + " user@host"

write("fuzz_authorized_keys", "all_key_types", ("\n".join([
    ak_line(V["RsaKey"], 'restrict,command="true"'),
    ak_line(V["EcdsaP256Key"]), ak_line(V["EcdsaP384Key"], 'from="192.0.2.0/24"'),
    ak_line(V["EcdsaP521Key"]), ak_line(V["SkEd25519Key"], "no-touch-required"),
    ak_line(V["SkEcdsaKey"], "verify-required"),
]) + "\n").encode())

# Monitor sequences with user keys of the other types: a query and a
# signed request each (the signature cannot verify: other data), reaching
# parse_public_key, the PubkeyAcceptedAlgorithms / RequiredRSASize checks
# and verify_signature inside the monitor.
def auth_pubkey(alg, blob, sig=None):
    return bytes([4]) + s("alice") + s(alg) + s(blob) + (b"\x01" + s(sig) if sig is not None else b"\x00")

write("fuzz_monitor_sequence", "rsa_and_ecdsa_keys", PREAUTH + framed(
    KEX_INIT, KEX_ECDH,
    auth_pubkey("rsa-sha2-256", V["RsaKey"]), auth_pubkey("rsa-sha2-256", V["RsaKey"], V["RsaSha256Sig"]),
    auth_pubkey("ssh-rsa", V["RsaKey"], V["RsaSha1Sig"]),
    auth_pubkey("ecdsa-sha2-nistp384", V["EcdsaP384Key"], V["EcdsaP384Sig"])))
write("fuzz_monitor_sequence", "security_keys", PREAUTH + framed(
    KEX_INIT, KEX_ECDH,
    auth_pubkey("sk-ssh-ed25519@openssh.com", V["SkEd25519Key"], V["SkEd25519Sig00"]),
    auth_pubkey("sk-ecdsa-sha2-nistp256@openssh.com", V["SkEcdsaKey"], V["SkEcdsaSig01"])))

# --- ML-KEM-768 encapsulation keys, from tests/data/mlkem768 (CCTV, CC0):
# the intermediate-values key (valid), the first modulus-check key (one
# coefficient >= q) and a short prefix.
import gzip
MLKEM_DATA = os.path.join("tests", "data", "mlkem768")
with open(os.path.join(MLKEM_DATA, "intermediate-ML-KEM-768.txt")) as f:
    MLKEM_EK = next(bytes.fromhex(l.split(" = ")[-1].strip()) for l in f if l.startswith("ek = "))
with gzip.open(os.path.join(MLKEM_DATA, "modulus-ML-KEM-768.txt.gz"), "rt") as f:
    MLKEM_BAD_EK = bytes.fromhex(f.readline().strip())
write("fuzz_mlkem768_key", "valid_ek", MLKEM_EK)
write("fuzz_mlkem768_key", "coefficient_above_q", MLKEM_BAD_EK)
write("fuzz_mlkem768_key", "short", MLKEM_EK[:100])
