#!/usr/bin/env python3
"""Pre-authentication cost and admission under churn (figures, not a test).

Starts lpsshd privately on loopback in its own CPU accounting cgroup and
measures, with BUILD/bin/churn as the attacker (1,000 rotating source
addresses 127.1.x.y unless told otherwise):

  cost      server CPU per unauthenticated handshake (version, KEXINIT,
            KEX_ECDH_INIT; the server runs the key exchange, signs, and the
            client leaves), per connection refused before any fork (a
            penalised source), and what the attacker spent on each;
  churn     for each load scenario, a real `ssh` login loop during the load
            (key login, `echo ok`), alternating between a known source
            (127.0.0.2, which logged in before the load started) and a fresh
            one (a new 127.4.x.y address each time, never seen before):
            success rate and latency of each, with the attacker's outcome
            counts and the server's CPU use.

Scenarios (--scenario, repeatable; default all below):
  idle            no load (baseline)
  handshake:C     C concurrent full unauthenticated handshakes, back to back
  silent:C        C connections that send nothing (slowloris), each replaced
                  as soon as the server drops it
  kexinit:C       C connections that send version and KEXINIT, then stall
  MODE:C@N        the same from N source addresses instead of --sources
Logins are paced --login-interval seconds apart (a refused login fails at
once; pacing spreads the attempts over the scenario's time).

--compare-bindir OTHER runs every scenario against OTHER's binaries as well
(e.g. a build of the previous commit), interleaved.

Run as root: bench/churn.py BUILD/bin [--logins N] [--sources N]
             [--lpsshd-option 'MaxStartups 10:30:100'] [--compare-bindir DIR]
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import Cgroup, free_port, key_user, run, wait_port  # noqa: E402

USER = "lpchurn"


def percentile(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, int(round(p / 100.0 * (len(xs) - 1)))))
    return xs[k]


class Server:
    def __init__(self, name, bindir, cfg, port):
        self.name, self.port = name, port
        self.cg = Cgroup(f"lpchurn-{name}-{os.getpid()}")
        self.proc = subprocess.Popen(
            [os.path.join(bindir, "lpsshd"), "-D", "-e", "-f", cfg, "-p", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=lambda: self.cg.add(os.getpid()))
        wait_port(port)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait()
        time.sleep(0.3)
        try:
            with open(os.path.join(self.cg.path, "cgroup.procs")) as f:
                for pid in f.read().split():
                    os.kill(int(pid), signal.SIGKILL)
        except OSError:
            pass
        time.sleep(0.3)
        self.cg.remove()


def churn(churn_bin, port, mode, *, count=None, seconds=None, concurrency=8, sources=1000,
          first="127.1.0.1", background=False):
    cmd = [churn_bin, "--port", str(port), "--mode", mode, "--concurrency", str(concurrency),
           "--sources", str(sources), "--first-source", first]
    cmd += ["--count", str(count)] if count else ["--seconds", str(seconds)]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    if background:
        return p
    out, _ = p.communicate()
    return json.loads(out)


def stop_churn(p):
    p.send_signal(signal.SIGTERM)
    out, _ = p.communicate(timeout=30)
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bindir")
    ap.add_argument("--logins", type=int, default=40)
    ap.add_argument("--sources", type=int, default=1000)
    ap.add_argument("--handshakes", type=int, default=2000, help="for the cost measurement")
    ap.add_argument("--scenario", action="append", default=[])
    ap.add_argument("--lpsshd-option", action="append", default=[])
    ap.add_argument("--compare-bindir")
    ap.add_argument("--login-timeout", type=float, default=20)
    ap.add_argument("--login-interval", type=float, default=1.0)
    ap.add_argument("--show-failures", action="store_true", help="print why logins failed (stderr)")
    args = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root")
    scenarios = args.scenario or ["idle", "handshake:16", "silent:300", "kexinit:300", "silent:100@10"]
    churn_bin = os.path.join(args.bindir, "churn")
    if not os.access(churn_bin, os.X_OK):
        raise SystemExit(f"{churn_bin} missing: build the churn target")

    tmp = tempfile.mkdtemp(prefix="lpchurn.")
    servers = []
    created_user = False
    try:
        _, key, created_user = key_user(USER, tmp)

        def config(name, extra):
            path = os.path.join(tmp, f"{name}.cfg")
            with open(path, "w") as f:
                for line in args.lpsshd_option + extra:
                    f.write(line + "\n")
                f.write(f"HostKey {tmp}/host\nListenAddress 127.0.0.1\nLogLevel ERROR\n")
            return path

        run([os.path.join(args.bindir, "lpsshd"), "-A", "-f", config("setup", [])],
            stdout=subprocess.DEVNULL)

        def login(port, src="127.0.0.2"):
            t0 = time.perf_counter()
            r = subprocess.run(
                ["timeout", str(args.login_timeout), "ssh", "-F", "/dev/null", "-p", str(port),
                 "-b", src, "-i", key, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                 "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                 "-o", "ConnectionAttempts=1", "-o", "ConnectTimeout=10", f"{USER}@127.0.0.1", "echo ok"],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            good = r.stdout.strip() == "ok"
            if not good and args.show_failures:
                print(f"  login from {src} failed ({r.returncode}): {r.stderr.strip()[:200]}",
                      file=sys.stderr, flush=True)
            return good, (time.perf_counter() - t0) * 1000

        builds = [("new", args.bindir)]
        if args.compare_bindir:
            builds.append(("old", args.compare_bindir))

        # ------------------------------------------------------------ cost
        print("## Cost per unauthenticated connection (server CPU from its cgroup; attacker CPU "
              "from getrusage)")
        print(f"{'build':6} {'what':28} {'count':>7} {'server ms':>10} {'attacker ms':>12} {'ratio':>7}")
        for bname, bindir in builds:
            s = Server(f"{bname}-cost", bindir, config(f"{bname}-cost", []), free_port())
            servers.append(s)
            login(s.port)  # warm caches
            c0 = s.cg.usage_seconds()
            r = churn(churn_bin, s.port, "handshake", count=args.handshakes, concurrency=2,
                      sources=args.sources)
            time.sleep(0.5)
            server_ms = (s.cg.usage_seconds() - c0) * 1000 / max(r["handshakes"], 1)
            attacker_ms = r["attacker_cpu_s"] * 1000 / max(r["handshakes"], 1)
            print(f"{bname:6} {'handshake (KEX + signature)':28} {r['handshakes']:7d} {server_ms:10.3f} "
                  f"{attacker_ms:12.4f} {server_ms / max(attacker_ms, 1e-9):7.0f}")
            s.stop()
            servers.remove(s)
            # Refused before any fork: one source, penalised after its first
            # connection (noauth:600 min:1).
            s = Server(f"{bname}-refused", bindir,
                       config(f"{bname}-refused", ["PerSourcePenalties noauth:600 min:1"]), free_port())
            servers.append(s)
            churn(churn_bin, s.port, "connect", count=1, concurrency=1, sources=1, first="127.3.0.1")
            time.sleep(0.5)
            c0 = s.cg.usage_seconds()
            r = churn(churn_bin, s.port, "connect", count=20000, concurrency=8, sources=1, first="127.3.0.1")
            time.sleep(0.5)
            n = r["started"] - r["connect_failed"]
            server_ms = (s.cg.usage_seconds() - c0) * 1000 / max(n, 1)
            attacker_ms = r["attacker_cpu_s"] * 1000 / max(n, 1)
            print(f"{bname:6} {'refused (penalised source)':28} {n:7d} {server_ms:10.4f} "
                  f"{attacker_ms:12.4f} {server_ms / max(attacker_ms, 1e-9):7.1f}")
            s.stop()
            servers.remove(s)

        # ----------------------------------------------------------- churn
        print()
        print(f"## Real logins during churn from {args.sources} sources unless @N says otherwise "
              f"({args.logins} logins per cell, half from the known source 127.0.0.2, half each from "
              f"a fresh address; one attempt each, at least {args.login_interval:g} s apart, "
              f"{args.login_timeout:.0f} s limit)")
        print(f"{'build':6} {'scenario':15} {'known ok':>9} {'median ms':>10} {'p90 ms':>8} "
              f"{'fresh ok':>9} {'median ms':>10} {'p90 ms':>8} {'srv cores':>9}  attacker")
        fresh_n = [0]

        def fresh():
            fresh_n[0] += 1
            i = fresh_n[0]
            return f"127.4.{i // 250}.{i % 250 + 1}"
        for scenario in scenarios:
            for bname, bindir in builds:
                s = Server(f"{bname}-churn", bindir, config(f"{bname}-churn", []), free_port())
                servers.append(s)
                login(s.port)
                bg = None
                if scenario != "idle":
                    mode, conc = scenario.split(":")
                    nsrc = args.sources
                    if "@" in conc:
                        conc, nsrc = conc.split("@")
                    bg = churn(churn_bin, s.port, mode, seconds=3600, concurrency=int(conc),
                               sources=int(nsrc), background=True)
                    time.sleep(3)
                c0, t0 = s.cg.usage_seconds(), time.perf_counter()
                oks, lats = {"known": 0, "fresh": 0}, {"known": [], "fresh": []}
                for i in range(args.logins):
                    t_next = time.perf_counter() + args.login_interval
                    kind = "known" if i % 2 == 0 else "fresh"
                    good, ms = login(s.port, "127.0.0.2" if kind == "known" else fresh())
                    if good:
                        oks[kind] += 1
                        lats[kind].append(ms)
                    time.sleep(max(0.0, t_next - time.perf_counter()))
                cores = (s.cg.usage_seconds() - c0) / (time.perf_counter() - t0)
                stats = stop_churn(bg) if bg else {}
                att = ""
                if stats:
                    att = (f"started {stats['started']}, handshakes {stats['handshakes']}, refused "
                           f"{stats['refused']}, dropped after banner {stats['dropped_after_banner']} "
                           f"(held {stats['mean_hold_s']:.1f} s), cpu {stats['attacker_cpu_s']:.1f} s "
                           f"in {stats['wall_s']:.0f} s")
                cells = ""
                for kind, n in (("known", (args.logins + 1) // 2), ("fresh", args.logins // 2)):
                    med = statistics.median(lats[kind]) if lats[kind] else float("nan")
                    cells += f" {oks[kind]:4d}/{n:<4d} {med:10.1f} {percentile(lats[kind], 90):8.1f}"
                print(f"{bname:6} {scenario:15}{cells} {cores:9.2f}  {att}", flush=True)
                s.stop()
                servers.remove(s)
    finally:
        for s in servers:
            s.stop()
        if created_user:
            subprocess.run(["userdel", "-r", USER], stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
