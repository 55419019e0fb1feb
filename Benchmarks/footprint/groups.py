"""Processes in cgroup v1 cpuacct groups of their own, and what they cost: CPU (children included)
and memory (RSS, PSS and anonymous, summed over the group's processes; the largest mappings).
Used by footprint.py."""
import os
import re
import subprocess
import time

ROOT = "/sys/fs/cgroup/cpuacct"


class Group:
    def __init__(self, name, command, log, env=None):
        self.name = name
        self.path = f"{ROOT}/triage-footprint-{name}-{os.getpid()}"
        os.mkdir(self.path)

        def enter():
            with open(f"{self.path}/cgroup.procs", "w") as procs:
                procs.write(str(os.getpid()))

        self.process = subprocess.Popen(command, stdout=open(log, "wb"), stderr=subprocess.STDOUT, preexec_fn=enter, env=env)

    def cpu_ms(self):
        return int(open(f"{self.path}/cpuacct.usage").read()) / 1e6

    def pids(self):
        return open(f"{self.path}/cgroup.procs").read().split()

    def memory(self):
        """(rss, pss, anon, processes) in KiB, summed over the group's processes."""
        total = {"Rss": 0, "Pss": 0, "Anonymous": 0}
        pids = self.pids()
        for pid in pids:
            for line in open(f"/proc/{pid}/smaps_rollup"):
                key, _, value = line.partition(":")
                if key in total:
                    total[key] += int(value.split()[0])
        return total["Rss"], total["Pss"], total["Anonymous"], len(pids)

    def mappings(self, top=8):
        """The largest resident mappings of the group's first process, by file."""
        rss, name = {}, "?"
        for line in open(f"/proc/{self.pids()[0]}/smaps"):
            fields = line.split()
            if re.match(r"^[0-9a-f]+-[0-9a-f]+$", fields[0]):
                name = os.path.basename(fields[5]) if len(fields) > 5 else "anonymous"
            elif fields[0] == "Rss:":
                rss[name] = rss.get(name, 0) + int(fields[1])
        return sorted(rss.items(), key=lambda item: -item[1])[:top]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for _ in range(50):
            if not self.pids():
                break
            time.sleep(0.1)
        os.rmdir(self.path)


def idle_ms_per_second(groups, seconds):
    """CPU of each group per second over the same `seconds` of waiting."""
    before = {group.name: group.cpu_ms() for group in groups}
    time.sleep(seconds)
    return {group.name: (group.cpu_ms() - before[group.name]) / seconds for group in groups}
