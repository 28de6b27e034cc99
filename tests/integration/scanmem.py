#!/usr/bin/python3
# Looks for an ed25519 host key in the memory of running processes, for the
# integration tests' "no process but the monitor has the host key" checks.
# Usage: scanmem.py KEYFILE --self-test   prints "seed HEX" (the key parses)
#        scanmem.py KEYFILE PID...        one line per PID:
#          PID seed=yes|no keytext=yes|no INFO
# The needles: the key's 32-byte ed25519 seed (first half of the 64-byte
# secret in the openssh-key-v1 private section) and every full base64 line of
# the key file (what read(2) of the file would have left in a buffer).
# Reads /proc/PID/mem: needs root (or the same user, dumpable).
import base64, struct, sys

def needles(path):
    text = open(path).read()
    lines = [l for l in text.splitlines() if l and not l.startswith("-----")]
    blob = base64.b64decode("".join(lines))
    magic = b"openssh-key-v1\0"
    if not blob.startswith(magic):
        sys.exit("not an openssh-key-v1 file")
    off = len(magic)
    def string():
        nonlocal off
        n, = struct.unpack(">I", blob[off:off + 4])
        s = blob[off + 4:off + 4 + n]
        if len(s) != n:
            sys.exit("truncated key file")
        off += 4 + n
        return s
    cipher, kdf, kdfopts = string(), string(), string()
    if cipher != b"none":
        sys.exit("encrypted key file")
    nkeys, = struct.unpack(">I", blob[off:off + 4]); off += 4
    for _ in range(nkeys):
        string()  # public key blob
    priv = string()
    off2 = 8  # two check words
    def pstring():
        nonlocal off2
        n, = struct.unpack(">I", priv[off2:off2 + 4])
        s = priv[off2 + 4:off2 + 4 + n]
        off2 += 4 + n
        return s
    if priv[0:4] != priv[4:8]:
        sys.exit("check words differ")
    if pstring() != b"ssh-ed25519":
        sys.exit("not an ed25519 key")
    pub, sk = pstring(), pstring()
    if len(sk) != 64 or sk[32:] != pub:
        sys.exit("unexpected ed25519 secret layout")
    # The file's text as read(2) would leave it: every full base64 line.
    text_lines = [l.encode() for l in lines if len(l) >= 40]
    return sk[:32], text_lines

SKIP = ("[vvar]", "[vvar_vclock]", "[vsyscall]")
CHUNK = 1 << 22
LIMIT = 1 << 30

def scan(pid, needle_list):
    found = [False] * len(needle_list)
    regions = skipped = nbytes = 0
    longest = max(len(n) for n in needle_list)
    try:
        maps = open("/proc/%d/maps" % pid).read().splitlines()
        mem = open("/proc/%d/mem" % pid, "rb", buffering=0)
    except OSError as e:
        return None, "cannot open: %s" % e
    for line in maps:
        parts = line.split()
        start, end = (int(x, 16) for x in parts[0].split("-"))
        name = parts[5] if len(parts) > 5 else ""
        if name in SKIP or end - start > LIMIT:
            skipped += 1
            continue
        tail = b""
        try:
            pos = start
            while pos < end:
                mem.seek(pos)
                data = mem.read(min(CHUNK, end - pos))
                if not data:
                    break
                buf = tail + data
                for i, n in enumerate(needle_list):
                    if not found[i] and n in buf:
                        found[i] = True
                tail = buf[-(longest - 1):]
                pos += len(data)
                nbytes += len(data)
            regions += 1
        except OSError:
            skipped += 1
    return found, "%d regions, %d bytes read, %d skipped" % (regions, nbytes, skipped)

seed, text_lines = needles(sys.argv[1])
if sys.argv[2] == "--self-test":
    print("seed", seed.hex())
    sys.exit(0)
for pid in map(int, sys.argv[2:]):
    found, info = scan(pid, [seed] + text_lines)
    if found is None:
        print(pid, "error", "error", info)
    else:
        print(pid, "seed=%s" % ("yes" if found[0] else "no"),
              "keytext=%s" % ("yes" if any(found[1:]) else "no"), info)
