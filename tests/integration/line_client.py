#!/usr/bin/env python3
# line_client.py PORT OUTDIR JOBS PREFIX NAME=LINE...: for each NAME, opens
# one connection (JOBS at a time), sends PREFIX + LINE + "\n", and writes
# OUTDIR/NAME: "PORT <local port>", every line the server side sent back,
# then "EOF" or "TIMEOUT". Drives the test stand-ins installed as
# lpsshd-preauth (hostile_test.sh, escape_test.sh).
#
# Tests find a connection's log lines by its source port, so no two
# connections of one OUTDIR may share one: the kernel's ephemeral ports do
# repeat over the thousands of connections a suite makes. Each connection
# binds the next port from a counter kept in OUTDIR/.next_port (shared, under
# a lock, by concurrent runs), below the ephemeral range.
import concurrent.futures, errno, fcntl, os, socket, sys

port, outdir, jobs, prefix = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]


def next_source_port():
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        low = int(f.read().split()[0])
    first = max(1024, low - 12000)
    with open(os.path.join(outdir, ".next_port"), "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        text = f.read().strip()
        n = int(text) if text else first
        if n >= low:
            raise SystemExit("line_client: out of unique source ports")
        f.seek(0)
        f.truncate()
        f.write(str(n + 1))
        return n


def connect():
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", next_source_port()))
        except OSError as e:
            s.close()
            if e.errno == errno.EADDRINUSE:
                continue  # a listener or another client has it: the next one
            raise
        s.settimeout(10)
        s.connect(("127.0.0.1", port))
        return s


def run(item):
    name, line = item.split("=", 1)
    s = connect()
    s.settimeout(25)
    out = ["PORT %d" % s.getsockname()[1]]
    s.sendall((prefix + line + "\n").encode())
    data, end = b"", "EOF"
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
    except (socket.timeout, TimeoutError):
        end = "TIMEOUT"
    except ConnectionResetError:
        pass
    s.close()
    out += data.decode(errors="replace").splitlines() + [end]
    with open(outdir + "/" + name, "w") as f:
        f.write("\n".join(out) + "\n")


with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
    list(ex.map(run, sys.argv[5:]))
