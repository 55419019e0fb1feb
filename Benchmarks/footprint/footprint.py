"""The push agent's footprint beside Zabbix's agent and Prometheus's node_exporter, in one run.

Run by Benchmarks/run.sh inside a network namespace that has only loopback. Three agents run at
once, each in a cgroup v1 cpuacct group of its own (children included: triage's plugin shells):
  triage         `triage-agent run` with disk + network + services every INTERVAL seconds,
                 pushing its report to a coordinator (the coordinator is not counted);
  zabbix_agentd  Debian's zabbix-agent 6.0 as Zabbix ships it (StartAgents=3), polled by this
                 script like a Zabbix server: the filesystem, interface, TCP and process items
                 closest to what triage's plugins look at;
  node_exporter  Debian's prometheus-node-exporter with its default collectors, scraped by this
                 script like a Prometheus server.
One cycle = one triage report; right after each, this script polls Zabbix and scrapes
node_exporter once, so all three do CYCLES cycles in the same window. The pollers' own CPU is
not counted (they are the servers). Memory is read between cycles: RSS, PSS (shared pages split
between the processes mapping them) and anonymous memory, summed over each agent's processes.

usage: footprint.py AGENT TRIAGE PLUGINS OUT   (env: INTERVAL, CYCLES)
Writes OUT, a Markdown section (table and goals); fails when an agent did not answer every
cycle or a triage report did not reach the coordinator.
"""
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from coordinator import Coordinator  # noqa: E402

agent, triage, plugins, out = sys.argv[1:5]
interval = float(os.environ.get("INTERVAL", "2"))
cycles = int(os.environ.get("CYCLES", "20"))
work = tempfile.mkdtemp(prefix="triage-footprint.")
cgroups = "/sys/fs/cgroup/cpuacct"
children = []
coordinator = None  # outside the measured groups

# Items a Zabbix server would poll for what the triage plugins check: filesystems (space,
# inodes, options), interfaces and their counters, a TCP endpoint, listening ports, processes.
ZABBIX_ITEMS = [
    "vfs.fs.get", "vfs.fs.discovery", "vfs.fs.size[/,pused]", "vfs.fs.inode[/,pused]",
    "net.if.discovery", "net.if.in[lo]", "net.if.out[lo]", "net.if.in[lo,errors]",
    "net.tcp.port[127.0.0.1,10050]", "net.tcp.listen[10050]",
    "proc.num[zabbix_agentd]", "proc.num[,,run]", "system.cpu.load[all,avg1]", "system.uptime",
]


def fail(message):
    print(f"footprint: {message}", file=sys.stderr)
    sys.exit(1)


def group(name):
    path = f"{cgroups}/triage-footprint-{name}-{os.getpid()}"
    os.mkdir(path)
    return path


def start(name, command):
    """Starts `command` in a cpuacct group of its own; the group's path."""
    path = group(name)
    log = open(f"{work}/{name}.log", "wb")

    def enter():
        with open(f"{path}/cgroup.procs", "w") as procs:
            procs.write(str(os.getpid()))

    children.append((subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, preexec_fn=enter), path))
    return path


def stop():
    if coordinator:
        coordinator.stop()
    for process, path in children:
        process.terminate()
    for process, path in children:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for _ in range(50):
            if not open(f"{path}/cgroup.procs").read().split():
                break
            time.sleep(0.1)
        os.rmdir(path)
    shutil.rmtree(work, ignore_errors=True)


def cpu_ns(path):
    return int(open(f"{path}/cpuacct.usage").read())


def memory(path):
    """(rss, pss, anon, processes) in KiB, summed over the group's processes."""
    total = {"Rss": 0, "Pss": 0, "Anonymous": 0}
    pids = open(f"{path}/cgroup.procs").read().split()
    for pid in pids:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            key, _, value = line.partition(":")
            if key in total:
                total[key] += int(value.split()[0])
    return total["Rss"], total["Pss"], total["Anonymous"], len(pids)


def mappings(path, top=8):
    """The largest resident mappings of the group's first process, by file: what its RSS is made of."""
    pid = open(f"{path}/cgroup.procs").read().split()[0]
    rss, name = {}, "?"
    for line in open(f"/proc/{pid}/smaps"):
        fields = line.split()
        if re.match(r"^[0-9a-f]+-[0-9a-f]+$", fields[0]):
            name = os.path.basename(fields[5]) if len(fields) > 5 else "anonymous"
        elif fields[0] == "Rss:":
            rss[name] = rss.get(name, 0) + int(fields[1])
    return sorted(rss.items(), key=lambda item: -item[1])[:top]


def zabbix_get(key):
    with socket.create_connection(("127.0.0.1", 10050), timeout=5) as connection:
        body = key.encode()
        connection.sendall(b"ZBXD\x01" + struct.pack("<II", len(body), 0) + body)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    if not answer.startswith(b"ZBXD\x01"):
        fail(f"zabbix_agentd answered {key} with {answer[:40]!r}")
    return answer[13:].decode(errors="replace")


def poll_zabbix():
    """All items; returns how many were supported (a ZBX_NOTSUPPORTED answer is still work done)."""
    return sum(not zabbix_get(key).startswith("ZBX_NOTSUPPORTED") for key in ZABBIX_ITEMS)


def scrape_node_exporter():
    text = urllib.request.urlopen("http://127.0.0.1:9100/metrics", timeout=10).read().decode()
    if "node_filesystem_avail_bytes" not in text or "node_netstat_Tcp_CurrEstab" not in text:
        fail("node_exporter's scrape has no filesystem or TCP metrics")
    return text.count("\n")


def reports():
    """Reports the push agent has made (it logs each before delivering it)."""
    return len(re.findall(rb"^report \S+ on ", open(f"{work}/triage.log", "rb").read(), re.M))


def wait_for(what, condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.05)
    fail(f"{what} did not come up within {seconds} s; its log:\n" + open(f"{work}/{what}.log").read()[-2000:])


try:
    # The coordinator the push agent reports to.
    coordinator = Coordinator(triage, work, 18080)
    host, token = coordinator.agent_host("client1")
    open(f"{work}/token", "w").write(token + "\n")
    open(f"{work}/agent.yaml", "w").write(
        f"coordinator: {coordinator.url}\ntoken_file: {work}/token\nhost: client1\n"
        f"interval: {interval:g}\njitter: 0\nchecks: [disk, network, services]\nplugins: [{plugins}]\n"
        f"spool: {{ path: {work}/spool }}\n")
    open(f"{work}/zabbix_agentd.conf", "w").write(
        f"LogType=console\nPidFile={work}/zabbix_agentd.pid\nServer=127.0.0.1\nListenIP=127.0.0.1\n"
        "ListenPort=10050\nAllowRoot=1\nStartAgents=3\nTimeout=3\n")

    triage_group = start("triage", [agent, "run", "--config", f"{work}/agent.yaml"])
    zabbix_group = start("zabbix_agentd", ["zabbix_agentd", "-f", "-c", f"{work}/zabbix_agentd.conf"])
    node_group = start("node_exporter", ["prometheus-node-exporter", "--web.listen-address=127.0.0.1:9100"])
    wait_for("zabbix_agentd", lambda: zabbix_get("agent.ping") == "1")
    wait_for("node_exporter", scrape_node_exporter)
    wait_for("triage", lambda: reports() >= 2, seconds=60 + 4 * interval)
    groups = {"triage": triage_group, "zabbix_agentd": zabbix_group, "node_exporter": node_group}

    # Memory and idle CPU between cycles: just after a report, before the next cycle starts.
    seen = reports()
    wait_for("triage", lambda: reports() > seen, seconds=10 + 4 * interval)
    poll_zabbix(), scrape_node_exporter()
    time.sleep(0.2)
    mem = {name: memory(path) for name, path in groups.items()}
    triage_mappings = mappings(triage_group)
    idle_seconds = max(interval / 2 - 0.4, 0.3)
    before = {name: cpu_ns(path) for name, path in groups.items()}
    time.sleep(idle_seconds)
    idle = {name: (cpu_ns(path) - before[name]) / 1e6 / idle_seconds for name, path in groups.items()}

    # CYCLES cycles: from one report to the report CYCLES later, each poller once per report.
    seen = reports()
    wait_for("triage", lambda: reports() > seen, seconds=10 + 4 * interval)
    first = reports()
    before = {name: cpu_ns(path) for name, path in groups.items()}
    supported = lines = 0
    for cycle in range(cycles):
        supported += poll_zabbix()
        lines += scrape_node_exporter()
        wait_for("triage", lambda: reports() > first + cycle, seconds=10 + 4 * interval)
    spent = {name: (cpu_ns(path) - before[name]) / 1e6 for name, path in groups.items()}
    made = reports()
    if made - first != cycles:
        fail(f"triage made {made - first} reports in the window, expected {cycles}")
    wait_for("triage", lambda: len(coordinator.all_items(f"/hosts/{host}/reports")) >= made, seconds=10)
    binaries = {"triage": agent, "zabbix_agentd": shutil.which("zabbix_agentd"),
                "node_exporter": shutil.which("prometheus-node-exporter")}
    mib = lambda kib: f"{kib / 1024:.1f} MiB"
    with open(out, "w") as result:
        write = lambda line="": result.write(line + "\n")
        write(f"{cycles} cycles every {interval:g} s, the three agents side by side. A triage cycle runs the disk, "
              "network and services plugins, builds the diagnosis and posts it to the coordinator; a Zabbix cycle "
              f"answers {len(ZABBIX_ITEMS)} passive items (one connection each, as a Zabbix server polls: "
              f"{', '.join(f'`{k}`' for k in ZABBIX_ITEMS)}; {supported // cycles} answered with a value); a node_exporter cycle is one scrape "
              f"({lines // cycles} lines). CPU counts every process of the agent (cpuacct group), memory is read "
              "between cycles and summed over the agent's processes.")
        write()
        write("| agent | CPU per cycle | CPU idle | RSS | PSS | anonymous | processes | binary |")
        write("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name in groups:
            rss, pss, anon, processes = mem[name]
            write(f"| {name} | {spent[name] / cycles:.1f} ms | {idle[name]:.2f} ms/s | {mib(rss)} | {mib(pss)} | "
                  f"{mib(anon)} | {processes} | {os.path.getsize(binaries[name]) / 1048576:.1f} MiB |")
        write()
        rss, zabbix_rss = mem["triage"][0], mem["zabbix_agentd"][0]
        per_cycle = spent["triage"] / cycles
        write("| goal | measured | met |")
        write("|---|---:|---|")
        write(f"| RSS ≤ zabbix_agentd's | {mib(rss)} vs {mib(zabbix_rss)} | {'yes' if rss <= zabbix_rss else 'no'} |")
        write(f"| disk + network + services cycle ≤ 50 ms CPU | {per_cycle:.1f} ms | {'yes' if per_cycle <= 50 else 'no'} |")
        write()
        write("What triage's RSS is made of (its largest resident mappings, from /proc/PID/smaps): "
              + ", ".join(f"{name} {mib(kib)}" for name, kib in triage_mappings) + ".")
finally:
    stop()
