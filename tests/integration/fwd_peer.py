#!/usr/bin/env python3
"""Both ends of forwarded connections for forwarding_test.sh.

  echo-tcp PORTFILE          TCP echo server on 127.0.0.1 (port written to PORTFILE)
  echo-unix PATH             echo server on a unix socket
  roundtrip ADDR NBYTES N    N parallel connections each send NBYTES random bytes,
                             half-close, read everything back; prints "same" when
                             every connection got back exactly what it sent
  socks5 PROXYPORT HOST PORT NBYTES
                             the same through a SOCKS5 proxy (ssh -D), host by name
ADDR is host:port or a path (a unix socket).
"""
import hashlib, os, socket, struct, sys, threading


def serve(srv):
    def handle(c):
        with c:
            while True:
                b = c.recv(65536)
                if not b:
                    break
                c.sendall(b)
            c.shutdown(socket.SHUT_WR)
    srv.listen(64)
    while True:
        c, _ = srv.accept()
        threading.Thread(target=handle, args=(c,), daemon=True).start()


def connect(addr):
    if addr.startswith("/"):
        s = socket.socket(socket.AF_UNIX)
        s.connect(addr)
    else:
        host, port = addr.rsplit(":", 1)
        s = socket.create_connection((host, int(port)), timeout=60)
    s.settimeout(60)
    return s


def exchange(s, n, results, i):
    data = os.urandom(n)
    got = bytearray()
    def reader():
        while True:
            b = s.recv(65536)
            if not b:
                break
            got.extend(b)
    t = threading.Thread(target=reader)
    t.start()
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    t.join()
    s.close()
    results[i] = hashlib.sha256(data).digest() == hashlib.sha256(bytes(got)).digest()


def main():
    cmd = sys.argv[1]
    if cmd == "echo-tcp":
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        with open(sys.argv[2] + ".tmp", "w") as f:
            f.write(str(srv.getsockname()[1]))
        os.rename(sys.argv[2] + ".tmp", sys.argv[2])
        serve(srv)
    elif cmd == "echo-unix":
        srv = socket.socket(socket.AF_UNIX)
        srv.bind(sys.argv[2])
        os.chmod(sys.argv[2], 0o777)
        serve(srv)
    elif cmd == "roundtrip":
        addr, n, k = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        results = [False] * k
        threads = []
        for i in range(k):
            try:
                s = connect(addr)
            except OSError as e:
                print("connect failed:", e)
                return 1
            threads.append(threading.Thread(target=exchange, args=(s, n, results, i)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print("same" if all(results) else "different")
    elif cmd == "socks5":
        pport, host, port, n = int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        s = socket.create_connection(("127.0.0.1", pport), timeout=30)
        s.sendall(b"\x05\x01\x00")
        if s.recv(2) != b"\x05\x00":
            print("no socks")
            return 1
        h = host.encode()
        s.sendall(b"\x05\x01\x00\x03" + bytes([len(h)]) + h + struct.pack(">H", port))
        reply = s.recv(10)
        if len(reply) < 2 or reply[1] != 0:
            print("socks refused", reply[1:2].hex())
            return 1
        results = [False]
        exchange(s, n, results, 0)
        print("same" if results[0] else "different")
    return 0


if __name__ == "__main__":
    sys.exit(main())
