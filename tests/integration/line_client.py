#!/usr/bin/env python3
# line_client.py PORT OUTDIR JOBS PREFIX NAME=LINE...: for each NAME, opens
# one connection (JOBS at a time), sends PREFIX + LINE + "\n", and writes
# OUTDIR/NAME: "PORT <local port>", every line the server side sent back,
# then "EOF" or "TIMEOUT". Drives the test stand-ins installed as
# lpsshd-preauth (hostile_test.sh, escape_test.sh).
import concurrent.futures, socket, sys

port, outdir, jobs, prefix = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]


def run(item):
    name, line = item.split("=", 1)
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
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
