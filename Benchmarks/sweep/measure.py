"""Runs one command and prints `WALL_SECONDS CPU_SECONDS EXIT_CODE`.

CPU is every process the command started, daemons included (Ansible's ControlPersist masters
leave the process tree): the command runs in a cgroup v1 cpuacct group of its own when this
machine has one, and what is left in the group when the command exits is ended and counted.
Without cpuacct it falls back to getrusage of the waited-for tree.

usage: measure.py OUTPUT_FILE COMMAND [ARG...]   (stdout to OUTPUT_FILE, stderr to OUTPUT_FILE.err)
"""
import os
import signal
import subprocess
import sys
import time

output, command = sys.argv[1], sys.argv[2:]
root = "/sys/fs/cgroup/cpuacct"
group = None
if os.access(root, os.W_OK):
    group = f"{root}/triage-bench-{os.getpid()}"
    os.mkdir(group)


def enter_group():
    if group:
        with open(f"{group}/cgroup.procs", "w") as procs:
            procs.write(str(os.getpid()))


with open(output, "wb") as out, open(output + ".err", "wb") as err:
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=out, stderr=err, preexec_fn=enter_group)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
code = os.waitstatus_to_exitcode(status)
if group:
    for _ in range(50):
        left = [int(p) for p in open(f"{group}/cgroup.procs").read().split()]
        if not left:
            break
        for pid in left:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        time.sleep(0.1)
    cpu = int(open(f"{group}/cpuacct.usage").read()) / 1e9
    os.rmdir(group)
else:
    cpu = usage.ru_utime + usage.ru_stime
print(f"{wall:.3f} {cpu:.3f} {code}")
