#!/usr/bin/python3
"""One asyncssh login to a test daemon for clients_test.sh.

  asyncssh_client.py PORT USER KNOWN_HOSTS KEY exec CMD
      runs CMD; its stdout and stderr become ours, its exit status our exit
      status
  asyncssh_client.py PORT USER KNOWN_HOSTS KEY sftp LOCAL REMOTE BACK
      SFTP: puts LOCAL as REMOTE, gets REMOTE back as BACK

LPT_CIPHERS in the environment, if set, is the only cipher offered
(comma-separated names).  The host key must be in KNOWN_HOSTS as [127.0.0.1]:PORT.  A failure to
connect or authenticate exits 200 with asyncssh's message on stderr.
"""
import asyncio
import os
import sys
import warnings

# asyncssh imports ciphers that cryptography marks deprecated: not our output.
warnings.simplefilter("ignore")
import asyncssh  # noqa: E402


async def run(port, user, known_hosts, key, action, args):
    ciphers = os.environ.get("LPT_CIPHERS")
    algs = {"encryption_algs": ciphers.split(",")} if ciphers else {}
    try:
        conn = await asyncio.wait_for(asyncssh.connect(
            "127.0.0.1", port=port, username=user, known_hosts=known_hosts,
            client_keys=[key], agent_path=None, password=None,
            kbdint_auth=False, **algs), 10)
    except (OSError, asyncssh.Error, asyncio.TimeoutError) as e:
        print(f"asyncssh: login failed: {type(e).__name__}: {e}", file=sys.stderr)
        return 200
    # asyncssh has no public accessor for the negotiated cipher.
    cipher = getattr(conn, "_enc_alg_cs", b"?").decode()
    print(f"asyncssh: negotiated {cipher}", file=sys.stderr)
    async with conn:
        if action == "exec":
            r = await asyncio.wait_for(conn.run(args[0], encoding=None), 30)
            sys.stdout.buffer.write(r.stdout)
            sys.stderr.buffer.write(r.stderr)
            return r.exit_status
        async with conn.start_sftp_client() as sftp:
            await sftp.put(args[0], args[1])
            await sftp.get(args[1], args[2])
        return 0


def main():
    port, user, known_hosts, key, action = sys.argv[1:6]
    return asyncio.run(run(int(port), user, known_hosts, key, action, sys.argv[6:]))


if __name__ == "__main__":
    sys.exit(main())
