#!/usr/bin/python3
"""Holds SFTP handles open over an ssh subsystem channel, then drops the
channel without closing them (tests/integration/sftp_test.sh).

  sftp_hold_handles.py N PATH SSH_ARGV...

Runs SSH_ARGV (an ssh client that opens the "sftp" subsystem; its stdin and
stdout are the channel), speaks SFTP version 3 by hand: INIT, then N OPENs
of PATH for reading, every reply read. Prints "HELD <handles>" once all N
are open, then waits for SIGUSR1 and kills the ssh client with SIGKILL (no
CLOSE request for any handle: the channel simply goes away; through a
ControlMaster, the master then ends the channel), prints "DROPPED" and
exits 0. Any unexpected reply: "ERROR <why>", exit 1.
"""
import signal
import struct
import subprocess
import sys


def packet(kind, body):
    return struct.pack(">IB", len(body) + 1, kind) + body


def sftp_string(b):
    return struct.pack(">I", len(b)) + b


def read_exact(f, n):
    out = b""
    while len(out) < n:
        chunk = f.read(n - len(out))
        if not chunk:
            raise EOFError("channel closed")
        out += chunk
    return out


def read_packet(f):
    (length,) = struct.unpack(">I", read_exact(f, 4))
    if length < 1 or length > 1 << 20:
        raise ValueError("bad packet length %d" % length)
    data = read_exact(f, length)
    return data[0], data[1:]


def main():
    n = int(sys.argv[1])
    path = sys.argv[2].encode()
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
    ssh = subprocess.Popen(sys.argv[3:], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        ssh.stdin.write(packet(1, struct.pack(">I", 3)))
        ssh.stdin.flush()
        kind, _ = read_packet(ssh.stdout)
        if kind != 2:
            raise ValueError("no VERSION reply (type %d)" % kind)
        for i in range(n):
            body = struct.pack(">I", i + 1) + sftp_string(path) + struct.pack(">II", 1, 0)
            ssh.stdin.write(packet(3, body))
        ssh.stdin.flush()
        held = 0
        for _ in range(n):
            kind, _ = read_packet(ssh.stdout)
            if kind != 102:
                raise ValueError("OPEN answered with type %d" % kind)
            held += 1
    except (EOFError, ValueError, OSError) as e:
        print("ERROR %s" % e, flush=True)
        ssh.kill()
        return 1
    print("HELD %d" % held, flush=True)
    signal.sigwait([signal.SIGUSR1])
    ssh.kill()
    ssh.wait()
    print("DROPPED", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
