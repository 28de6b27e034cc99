#!/usr/bin/env python3
"""ptrace_probe.py PID: tries PTRACE_ATTACH on PID as whoever runs it.
Prints ATTACHED (then detaches) or ERRNO <name>."""
import ctypes
import errno
import os
import sys

PTRACE_ATTACH, PTRACE_DETACH, WALL = 16, 17, 0x40000000
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
pid = int(sys.argv[1])
if libc.ptrace(PTRACE_ATTACH, pid, None, None) == 0:
    os.waitpid(pid, WALL)
    libc.ptrace(PTRACE_DETACH, pid, None, None)
    print("ATTACHED")
else:
    print("ERRNO", errno.errorcode.get(ctypes.get_errno(), ctypes.get_errno()))
