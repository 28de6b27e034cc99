"""Plain (pre-NEWKEYS) SSH packets for the integration tests' raw clients,
which hold or stall connections before authentication."""
import os
import struct


def kexinit_packet():
    """An unencrypted SSH_MSG_KEXINIT (RFC 4253 7.1) naming what lpsshd speaks."""
    def string(b):
        return struct.pack(">I", len(b)) + b
    lists = [b"curve25519-sha256", b"ssh-ed25519", b"chacha20-poly1305@openssh.com",
             b"chacha20-poly1305@openssh.com", b"hmac-sha2-256", b"hmac-sha2-256",
             b"none", b"none", b"", b""]
    payload = bytes([20]) + os.urandom(16) + b"".join(string(x) for x in lists) + bytes(5)
    pad = 8 - (len(payload) + 5) % 8
    pad += 8 if pad < 4 else 0
    return struct.pack(">IB", len(payload) + pad + 1, pad) + payload + bytes(pad)


def plain_payloads(sock):
    """The payloads of the server's unencrypted packets on `sock`, after its
    identification line, one at a time as they arrive, until it closes."""
    buf = b""
    while b"\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            return
        buf += chunk
    buf = buf[buf.index(b"\r\n") + 2:]
    while True:
        while len(buf) < 4 or len(buf) < 4 + struct.unpack(">I", buf[:4])[0]:
            chunk = sock.recv(65536)
            if not chunk:
                return
            buf += chunk
        n, pad = struct.unpack(">IB", buf[:5])
        yield buf[5:4 + n - pad]
        buf = buf[4 + n:]
