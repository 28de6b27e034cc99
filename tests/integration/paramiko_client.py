#!/usr/bin/python3
"""One paramiko login to a test daemon for clients_test.sh.

  paramiko_client.py PORT USER KNOWN_HOSTS AUTH exec CMD
      runs CMD; its stdout and stderr become ours, its exit status our exit
      status
  paramiko_client.py PORT USER KNOWN_HOSTS AUTH sftp LOCAL REMOTE BACK
      SFTP: puts LOCAL as REMOTE, gets REMOTE back as BACK

AUTH is key:PATH (a private key file in OpenSSH format) or password:VAR (the
password is in the environment variable VAR, never on a command line).  The
host key must be in KNOWN_HOSTS as [127.0.0.1]:PORT: an unknown or different
key ends the login (RejectPolicy).  Any failure to connect or authenticate
exits 200 with paramiko's message on stderr, so that it can never pass for a
command's own exit status.
"""
import os
import sys

import paramiko


def main():
    port, user, known_hosts, auth, action = sys.argv[1:6]
    args = sys.argv[6:]
    client = paramiko.SSHClient()
    client.load_host_keys(known_hosts)
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    how, value = auth.split(":", 1)
    creds = {"key_filename": value} if how == "key" else {"password": os.environ[value]}
    try:
        client.connect("127.0.0.1", port=int(port), username=user, timeout=10,
                       banner_timeout=10, auth_timeout=10, allow_agent=False,
                       look_for_keys=False, **creds)
    except Exception as e:  # every way a login fails: the test prints it
        print(f"paramiko: login failed: {type(e).__name__}: {e}", file=sys.stderr)
        return 200
    t = client.get_transport()
    print(f"paramiko: negotiated {t.remote_cipher} {t.remote_mac} {t.host_key_type}",
          file=sys.stderr)
    try:
        if action == "exec":
            _, out, err = client.exec_command(args[0], timeout=30)
            sys.stdout.buffer.write(out.read())
            sys.stderr.buffer.write(err.read())
            return out.channel.recv_exit_status()
        sftp = client.open_sftp()
        sftp.put(args[0], args[1])
        sftp.get(args[1], args[2])
        sftp.close()
        return 0
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main())
