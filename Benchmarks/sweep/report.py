"""Turns sweep.sh's lines into the RESULTS.md section: per tool, the mean over rounds, the
ratios against triage, and the issue's goals with whether each is met. Exits 1 when a tool did
not diagnose every host in some round (a benchmark of failures is no benchmark).

usage: report.py SWEEP_TXT CONCURRENCY
"""
import sys
from collections import defaultdict
from os import cpu_count

lines = [line.split() for line in open(sys.argv[1]) if line.strip()]
concurrency = sys.argv[2]
runs = defaultdict(list)
incomplete = []
for tool, rnd, hosts, complete, wall, cpu, code, host_ms in lines:
    runs[tool].append((int(hosts), float(wall), float(cpu), int(host_ms)))
    if int(complete) != int(hosts):
        incomplete.append(f"{tool} round {rnd}: {complete} of {hosts} hosts complete (exit {code})")

names = {"triage": "triage-agent sweep", "limit": "triage-agent sweep, plugins = `echo` (sshd-bound limit)",
         "parallel-ssh": "parallel-ssh 2.16 (pool = C)", "ssh": "xargs -P C ssh (OpenSSH 9.2, curve25519)",
         "ansible": "Ansible ad-hoc -m script (forks = C, pipelining)"}


def mean(tool):
    rows = runs[tool]
    hosts = rows[0][0]
    wall = sum(r[1] for r in rows) / len(rows)
    cpu = sum(r[2] for r in rows) / len(rows)
    host = sum(r[3] for r in rows) / len(rows)
    return {"hosts": hosts, "rate": hosts / wall, "ms": wall * 1000 / hosts, "cpu": cpu * 1000 / hosts,
            "host": host / hosts, "rounds": len(rows)}


stats = {tool: mean(tool) for tool in runs}
base = stats.get("triage")
print(f"{base['hosts']} hosts, concurrency {concurrency}, {base['rounds']} interleaved round(s) per tool; "
      "host-key checking on for every tool (the same known_hosts), the same ed25519 key, the same script.\n")
print("| tool | hosts/s | ms per host | client CPU per host | host-side CPU per host | triage is × faster |")
print("|---|---:|---:|---:|---:|---:|")
for tool in ["triage", "limit", "parallel-ssh", "ssh", "ansible"]:
    if tool not in stats:
        continue
    s = stats[tool]
    ratio = base["rate"] / s["rate"]
    host = f"{s['host']:.1f} ms" if s["host"] else "–"
    print(f"| {names[tool]} | {s['rate']:.1f} | {s['ms']:.1f} | {s['cpu']:.2f} ms | {host} | {ratio:.2f} |")

print("\nGoals (issues 8 and 31):\n")
goals = []
if "parallel-ssh" in stats:
    r = base["cpu"] / stats["parallel-ssh"]["cpu"]
    goals.append(("client CPU per host ≤ 0.5× parallel-ssh's", f"{r:.2f}× ({base['cpu']:.2f} vs {stats['parallel-ssh']['cpu']:.2f} ms)", r <= 0.5))
if "parallel-ssh" in stats:
    r = base["rate"] / stats["parallel-ssh"]["rate"]
    goals.append(("hosts/s ≥ 2× parallel-ssh", f"{r:.2f}×", r >= 2))
if "ansible" in stats:
    r = base["rate"] / stats["ansible"]["rate"]
    goals.append(("hosts/s ≥ 50× Ansible", f"{r:.1f}×", r >= 50))
goals.append(("client CPU per host ≤ 3 ms", f"{base['cpu']:.2f} ms", base["cpu"] <= 3))
if "limit" in stats:
    r = stats["limit"]["rate"] / base["rate"]
    goals.append(("within 1.3× of the sshd-bound limit", f"{r:.2f}×", r <= 1.3))
print("| goal | measured | met |")
print("|---|---:|---|")
for goal, value, met in goals:
    print(f"| {goal} | {value} | {'yes' if met else 'no'} |")

if base["host"]:
    cores = cpu_count()
    machine = base["cpu"] + base["host"]
    print(f"\nWhat bounds it: the hosts are this machine's own {cores} cores. One triage host costs "
          f"{base['cpu']:.1f} ms of client CPU and {base['host']:.1f} ms on the host side (sshd's key exchange, "
          f"its fork per session, the plugins' processes): {machine:.1f} ms of machine CPU, so no client can sweep "
          f"faster than {cores * 1000 / machine:.0f} hosts/s here, and a client that cost nothing at all only "
          f"{machine / base['host']:.2f}× faster than triage. The ratios against the peers are bounded the same "
          "way: what they spend on the host side is the same sshd and the same script.")
    if "limit" in stats:
        plugin_ms = base["host"] - stats["limit"]["host"]
        print(f"The plugins alone cost {plugin_ms:.1f} ms per host on the host side: the distance to the "
              "`echo` limit is the plugins' own work, not the client's.")
if incomplete:
    print("\nINCOMPLETE: " + "; ".join(incomplete))
    sys.exit(1)
