#!/usr/bin/env python3
"""Side-by-side benchmark of lpsshd and Debian's OpenSSH sshd.

Starts both servers privately on loopback (same ed25519 host key type, same
kex curve25519-sha256 unless a row says otherwise, logins and SFTP with
chacha20-poly1305@openssh.com), each in its own CPU-accounting cgroup, and
measures in one interleaved run:
  - server CPU per login (`ssh HOST true`), from the cgroup's usage counter,
    with curve25519-sha256 and with sntrup761x25519-sha512@openssh.com,
  - lpsshd only (no Debian 12 client or server speaks it): server CPU per
    connection with mlkem768x25519-sha256 against curve25519-sha256, both
    through tests' raw_ssh_client (key exchange and "none" authentication;
    its ML-KEM side is noble's, in node, outside the cgroup),
  - login latency (wall time of `ssh HOST true`),
  - 1 GiB upload and download throughput and server CPU per GiB, for each
    cipher of --bulk-ciphers (default chacha20-poly1305, aes256-gcm and
    aes128-ctr with hmac-sha2-256-etm),
  - SFTP (internal-sftp on both) get and put of one 1 GiB file and of
    10,000 files of 4 KiB: MB/s, files/s and server CPU.
Reports medians and lpsshd/OpenSSH ratios. Figures, not a test: nothing here
gates CI. Run as root: bench/bench.py BUILD_BIN_DIR [--logins N] [--rounds R]
"""
import argparse
import os
import pwd
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

USER = "lpbench"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Cgroup:
    """A CPU accounting group, cgroup v2 or v1 (cpuacct)."""

    def __init__(self, name):
        if os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
            self.path, self.v2 = f"/sys/fs/cgroup/{name}", True
        else:
            self.path, self.v2 = f"/sys/fs/cgroup/cpuacct/{name}", False
        os.makedirs(self.path, exist_ok=True)

    def add(self, pid):
        with open(os.path.join(self.path, "cgroup.procs"), "w") as f:
            f.write(str(pid))

    def usage_seconds(self):
        if self.v2:
            with open(os.path.join(self.path, "cpu.stat")) as f:
                for line in f:
                    k, v = line.split()
                    if k == "usage_usec":
                        return int(v) / 1e6
        with open(os.path.join(self.path, "cpuacct.usage")) as f:
            return int(f.read()) / 1e9

    def remove(self):
        try:
            os.rmdir(self.path)
        except OSError:
            pass


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def wait_port(port, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"server on port {port} did not start")


def key_user(name, tmp):
    """A user logging in with a fresh ed25519 key (tmp/id): creates the user
    if missing. Returns (passwd entry, key path, whether it was created)."""
    created = False
    try:
        pwd.getpwnam(name)
    except KeyError:
        run(["useradd", "-m", "-s", "/bin/bash", name])
        created = True
    # useradd leaves the account locked ("!"); OpenSSH without PAM refuses
    # key logins to locked accounts, so unlock it with no usable password.
    run(["usermod", "-p", "*", name])
    pw = pwd.getpwnam(name)
    key = os.path.join(tmp, "id")
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key])
    sshdir = os.path.join(pw.pw_dir, ".ssh")
    os.makedirs(sshdir, exist_ok=True)
    shutil.copy(key + ".pub", os.path.join(sshdir, "authorized_keys"))
    for p in (sshdir, os.path.join(sshdir, "authorized_keys")):
        os.chown(p, pw.pw_uid, pw.pw_gid)
    os.chmod(sshdir, 0o700)
    return pw, key, created


def pss_kib(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def sftp_bench(servers, key, pw, tmp, args, results):
    """SFTP through each server's internal-sftp, interleaved: one large file
    and many small ones, each way. The files live in the page cache (the
    user's home for the server's side, tmp for the client's), so the
    figures are the servers' and the protocol's, not the disk's."""
    home = pw.pw_dir
    def as_user(path):
        os.chown(path, pw.pw_uid, pw.pw_gid)
    big_remote = os.path.join(home, "sftp-big")
    run(["head", "-c", f"{args.sftp_mib}M", "/dev/urandom"], stdout=open(big_remote, "wb"))
    as_user(big_remote)
    big_local = os.path.join(tmp, "sftp-big-local")
    shutil.copy(big_remote, big_local)
    small_remote = os.path.join(home, "sftp-small")
    small_local = os.path.join(tmp, "sftp-small-local")
    for d in (small_remote, small_local):
        os.makedirs(d, exist_ok=True)
        block = os.urandom(4096)
        for i in range(args.sftp_files):
            with open(os.path.join(d, f"f{i:05d}"), "wb") as f:
                f.write(block)
    for root, dirs, files in os.walk(small_remote):
        for x in dirs + files:
            as_user(os.path.join(root, x))
    as_user(small_remote)
    for k in ("sftp_get", "sftp_put", "sftp_get_cpu", "sftp_put_cpu", "sftp_get_files",
              "sftp_put_files", "sftp_get_files_cpu", "sftp_put_files_cpu"):
        for name in servers:
            results[name][k] = []

    def sftp(port, batch):
        bf = os.path.join(tmp, "batch")
        with open(bf, "w") as f:
            f.write(batch)
        subprocess.run(["sftp", "-q", "-P", str(port), "-i", key, "-o", "BatchMode=yes",
                        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                        "-o", "LogLevel=ERROR", "-c", "chacha20-poly1305@openssh.com",
                        "-b", bf, f"{USER}@127.0.0.1"], stdout=subprocess.DEVNULL, check=True)

    def timed(name, batch, key_rate, key_cpu, amount, cpu_unit):
        port, g, _ = servers[name]
        c0, t0 = g.usage_seconds(), time.perf_counter()
        sftp(port, batch)
        dt = time.perf_counter() - t0
        time.sleep(0.2)
        results[name][key_rate].append(amount / dt)
        results[name][key_cpu].append((g.usage_seconds() - c0) / cpu_unit)

    mib, nfiles = args.sftp_mib, args.sftp_files
    for _ in range(args.sftp_rounds):
        for name in servers:
            out = os.path.join(tmp, "sftp-got")
            timed(name, f"get sftp-big {out}\n", "sftp_get", "sftp_get_cpu", mib, mib / 1024)
            os.unlink(out)
            timed(name, f"put {big_local} sftp-put\nrm sftp-put\n", "sftp_put", "sftp_put_cpu",
                  mib, mib / 1024)
            got = os.path.join(tmp, "sftp-small-got")
            timed(name, f"get -r sftp-small {got}\n", "sftp_get_files", "sftp_get_files_cpu",
                  nfiles, nfiles / 1000)
            shutil.rmtree(got)
            timed(name, f"put -r {small_local} sftp-small-put\n", "sftp_put_files",
                  "sftp_put_files_cpu", nfiles, nfiles / 1000)
            shutil.rmtree(os.path.join(home, "sftp-small-put"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bindir")
    ap.add_argument("--logins", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--bulk-mib", type=int, default=1024)
    ap.add_argument("--bulk-rounds", type=int, default=3)
    ap.add_argument("--sftp-mib", type=int, default=1024)
    ap.add_argument("--sftp-files", type=int, default=10000)
    ap.add_argument("--sftp-rounds", type=int, default=2, help="0 skips the SFTP rows")
    ap.add_argument("--bulk-ciphers",
                    default="chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,"
                            "aes128-ctr+hmac-sha2-256-etm@openssh.com",
                    help="comma-separated CIPHER or CIPHER+MAC for the bulk rows")
    ap.add_argument("--raw-connections", type=int, default=30,
                    help="connections per round for the lpsshd-only KEX rows (0 skips them)")
    ap.add_argument("--lpsshd-option", action="append", default=[],
                    help="an extra lpsshd_config line, e.g. 'RekeyAfterAuth no' (repeatable)")
    args = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root")

    tmp = tempfile.mkdtemp(prefix="lpbench.")
    procs, groups = [], []
    created_user = False
    try:
        pw, key, created_user = key_user(USER, tmp)

        lp_port, os_port = free_port(), free_port()
        lp_cfg = os.path.join(tmp, "lpsshd_config")
        with open(lp_cfg, "w") as f:
            for line in args.lpsshd_option:
                f.write(line + "\n")
            f.write(f"HostKey {tmp}/lp_host\nListenAddress 127.0.0.1\nLogLevel {os.environ.get('LPBENCH_LOGLEVEL', 'ERROR')}\n")
            # The raw-client rows end each connection unauthenticated, which
            # PerSourcePenalties would soon answer with refusals.
            f.write("PerSourcePenalties no\n")
        run([os.path.join(args.bindir, "lpsshd"), "-A", "-f", lp_cfg])
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{tmp}/os_host"])
        os_cfg = os.path.join(tmp, "sshd_config")
        with open(os_cfg, "w") as f:
            f.write(
                f"HostKey {tmp}/os_host\nListenAddress 127.0.0.1\nUsePAM no\n"
                "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                "KexAlgorithms curve25519-sha256,sntrup761x25519-sha512@openssh.com\n"
                "HostKeyAlgorithms ssh-ed25519\nLogLevel ERROR\nPidFile none\n"
                "AuthorizedKeysFile .ssh/authorized_keys\nPrintMotd no\nPrintLastLog no\n"
                "Subsystem sftp internal-sftp\n"
            )
        os.makedirs("/run/sshd", exist_ok=True)

        servers = {}
        for name, cmd, port in (
            ("lpsshd", [os.path.join(args.bindir, "lpsshd"), "-D", "-e", "-f", lp_cfg, "-p", str(lp_port)], lp_port),
            ("openssh", ["/usr/sbin/sshd", "-D", "-f", os_cfg, "-p", str(os_port)], os_port),
        ):
            g = Cgroup(f"lpbench-{name}-{os.getpid()}")
            groups.append(g)
            p = subprocess.Popen(cmd, preexec_fn=lambda g=g: g.add(os.getpid()))
            procs.append(p)
            wait_port(port)
            servers[name] = (port, g, p)

        def ssh(port, *cmd, stdin=None, stdout=subprocess.DEVNULL,
                spec="chacha20-poly1305@openssh.com", kex="curve25519-sha256"):
            cipher, _, mac = spec.partition("+")
            base = ["ssh", "-p", str(port), "-i", key, "-o", "BatchMode=yes",
                    "-o", f"KexAlgorithms={kex}",
                    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                    "-o", "LogLevel=ERROR", "-c", cipher] + (["-m", mac] if mac else []) + [
                    f"{USER}@127.0.0.1"]
            return subprocess.run(base + list(cmd), stdin=stdin, stdout=stdout, check=True)

        login_kex = {"cpu_ms": "curve25519-sha256", "cpu_ms_sntrup": "sntrup761x25519-sha512@openssh.com"}
        results = {n: {"lat_ms": [], **{k: [] for k in login_kex}} for n in servers}
        for name in servers:  # warm caches once
            ssh(servers[name][0], "true")
        for _ in range(args.rounds):
            for row, kex in login_kex.items():
                for name, (port, g, _) in servers.items():
                    c0 = g.usage_seconds()
                    lats = []
                    for _ in range(args.logins):
                        t0 = time.perf_counter()
                        ssh(port, "true", kex=kex)
                        lats.append((time.perf_counter() - t0) * 1000)
                    time.sleep(0.2)  # let the per-connection processes exit and be accounted
                    results[name][row].append((g.usage_seconds() - c0) * 1000 / args.logins)
                    if row == "cpu_ms":
                        results[name]["lat_ms"].append(statistics.median(lats))

        # lpsshd's own hybrids against its curve25519, through the raw client.
        raw = os.path.join(args.bindir, "raw_ssh_client")
        raw_kex = ("curve25519-sha256", "mlkem768x25519-sha256", "sntrup761x25519-sha512")
        raw_cpu = {k: [] for k in raw_kex}
        if os.path.exists(raw) and args.raw_connections > 0:
            port, g, _ = servers["lpsshd"]
            for _ in range(args.rounds):
                for kex in raw_kex:
                    c0 = g.usage_seconds()
                    for _ in range(args.raw_connections):
                        subprocess.run([raw, "127.0.0.1", str(port), "normal"], check=True,
                                       env={**os.environ, "RAW_SSH_KEX": kex, "RAW_SSH_USER": USER},
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    time.sleep(0.2)
                    raw_cpu[kex].append((g.usage_seconds() - c0) * 1000 / args.raw_connections)

        # Memory of one idle session: every process of the server's cgroup
        # except the listener, while one `sleep` session is open.
        mem = {}
        for name, (port, g, p) in servers.items():
            s = subprocess.Popen(["ssh", "-p", str(port), "-i", key, "-o", "BatchMode=yes",
                                  "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                                  "-o", "LogLevel=ERROR", f"{USER}@127.0.0.1", "exec sleep 3"])
            time.sleep(1.5)
            with open(os.path.join(g.path, "cgroup.procs")) as f:
                pids = [int(x) for x in f.read().split() if int(x) != p.pid]
            comms = {}
            for pid in pids:
                try:
                    comms[pid] = open(f"/proc/{pid}/comm").read().strip()
                except OSError:
                    pass
            mem[name] = pss_kib([pid for pid, c in comms.items() if c != "sleep"])
            s.wait()

        n = args.bulk_mib
        specs = [c for c in args.bulk_ciphers.split(",") if c]
        for spec in specs:
            for name in servers:
                for k in ("up", "down", "up_cpu", "down_cpu"):
                    results[name][f"{k}:{spec}"] = []
        for _ in range(args.bulk_rounds):
            for spec in specs:
                for name, (port, g, _) in servers.items():
                    c0 = g.usage_seconds()
                    t0 = time.perf_counter()
                    src = subprocess.Popen(["head", "-c", f"{n}M", "/dev/zero"], stdout=subprocess.PIPE)
                    ssh(port, "cat > /dev/null", stdin=src.stdout, spec=spec)
                    src.wait()
                    dt = time.perf_counter() - t0
                    results[name][f"up:{spec}"].append(n / dt)
                    results[name][f"up_cpu:{spec}"].append((g.usage_seconds() - c0) * 1024 / n)
                    c0 = g.usage_seconds()
                    t0 = time.perf_counter()
                    ssh(port, f"head -c {n}M /dev/zero", spec=spec)
                    dt = time.perf_counter() - t0
                    results[name][f"down:{spec}"].append(n / dt)
                    results[name][f"down_cpu:{spec}"].append((g.usage_seconds() - c0) * 1024 / n)

        if args.sftp_rounds > 0:
            sftp_bench(servers, key, pw, tmp, args, results)

        med = {n: {k: statistics.median(v) for k, v in r.items() if v} for n, r in results.items()}
        rows = [
            ("server CPU per login (ms)", "cpu_ms"),
            ("server CPU per login (ms) sntrup761x25519", "cpu_ms_sntrup"),
            ("login latency (ms, wall)", "lat_ms"),
        ]
        for spec in specs:
            short = spec.replace("@openssh.com", "")
            rows += [(f"upload MB/s {short}", f"up:{spec}"),
                     (f"download MB/s {short}", f"down:{spec}"),
                     (f"server CPU/GiB up (s) {short}", f"up_cpu:{spec}"),
                     (f"server CPU/GiB down (s) {short}", f"down_cpu:{spec}")]
        rows += [
            ("SFTP get MB/s", "sftp_get"),
            ("SFTP put MB/s", "sftp_put"),
            ("SFTP server CPU per GiB get (s)", "sftp_get_cpu"),
            ("SFTP server CPU per GiB put (s)", "sftp_put_cpu"),
            ("SFTP get small files/s", "sftp_get_files"),
            ("SFTP put small files/s", "sftp_put_files"),
            ("SFTP server CPU per 1000 files get (s)", "sftp_get_files_cpu"),
            ("SFTP server CPU per 1000 files put (s)", "sftp_put_files_cpu"),
        ]
        width = max(40, max(len(label) for label, _ in rows))
        print(f"{'measure':{width}} {'lpsshd':>10} {'OpenSSH':>10} {'ratio':>7}")
        for label, k in rows:
            if k not in med["lpsshd"]:
                continue
            a, b = med["lpsshd"][k], med["openssh"][k]
            print(f"{label:{width}} {a:10.2f} {b:10.2f} {a / b:7.2f}")
        print(f"{'idle session Pss (KiB)':{width}} {mem['lpsshd']:10d} {mem['openssh']:10d} "
              f"{mem['lpsshd'] / max(mem['openssh'], 1):7.2f}")
        if all(raw_cpu.values()):
            base = statistics.median(raw_cpu["curve25519-sha256"])
            print(f"lpsshd only, server CPU per connection (ms; raw client: key exchange, "
                  f"\"none\" auth), ratio to curve25519-sha256:")
            for kex, v in raw_cpu.items():
                m = statistics.median(v)
                print(f"  {kex:{width - 2}} {m:10.2f} {'':>10} {m / base:7.2f}")
        print(f"(medians of {args.rounds} rounds x {args.logins} logins; "
              f"{args.bulk_rounds} x {args.bulk_mib} MiB each way; SFTP {args.sftp_rounds} x "
              f"{args.sftp_mib} MiB and {args.sftp_files} x 4 KiB each way; "
              f"cgroup {'v2' if groups[0].v2 else 'v1'})")
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
            p.wait()
        time.sleep(0.5)
        for g in groups:
            try:
                with open(os.path.join(g.path, "cgroup.procs")) as f:
                    for pid in f.read().split():
                        os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
            time.sleep(0.2)
            g.remove()
        if created_user:
            subprocess.run(["userdel", "-r", USER], stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
