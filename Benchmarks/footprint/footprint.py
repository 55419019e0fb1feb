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
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

agent, triage, plugins, out = sys.argv[1:5]
interval = float(os.environ.get("INTERVAL", "2"))
cycles = int(os.environ.get("CYCLES", "20"))
work = tempfile.mkdtemp(prefix="triage-footprint.")
cgroups = "/sys/fs/cgroup/cpuacct"
children = []
serve = None  # the coordinator, outside the measured groups

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


def start(name, command, **kwargs):
    path = group(name)
    log = open(f"{work}/{name}.log", "wb")

    def enter():
        with open(f"{path}/cgroup.procs", "w") as procs:
            procs.write(str(os.getpid()))

    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, preexec_fn=enter, **kwargs)
    children.append((process, path))
    return process, path


def stop():
    if serve is not None and serve.poll() is None:
        serve.terminate()
        serve.wait()
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
    rss = pss = anon = 0
    pids = open(f"{path}/cgroup.procs").read().split()
    for pid in pids:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            key, _, value = line.partition(":")
            if key in ("Rss", "Pss", "Anonymous"):
                kib = int(value.split()[0])
                rss += kib if key == "Rss" else 0
                pss += kib if key == "Pss" else 0
                anon += kib if key == "Anonymous" else 0
    return rss, pss, anon, len(pids)


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


def http(url, data=None, token=None):
    request = urllib.request.Request(url, data=json.dumps(data).encode() if data is not None else None)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


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
    text = http("http://127.0.0.1:9100/metrics").decode()
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
    # The coordinator the push agent reports to (outside the measured groups).
    serve = subprocess.Popen([triage, "serve", "--data", f"{work}/data", "--listen", "127.0.0.1:18080"],
                             stdout=open(f"{work}/serve.out", "wb"), stderr=open(f"{work}/serve.err", "wb"))
    wait_for("serve", lambda: http("http://127.0.0.1:18080/healthz") is not None)
    admin = next(l for l in open(f"{work}/serve.out").read().splitlines() if l.startswith("trg_"))
    http("http://127.0.0.1:18080/api/v1/customers", {"name": "Acme"}, admin)
    http("http://127.0.0.1:18080/api/v1/sites", {"customerId": 1, "name": "HQ"}, admin)
    http("http://127.0.0.1:18080/api/v1/hosts", {"siteId": 1, "name": "client1"}, admin)
    token = subprocess.run([triage, "token", "create", "--role", "agent", "--name", "client1", "--host", "client1",
                            "--data", f"{work}/data"], check=True, capture_output=True, text=True).stdout.strip()
    open(f"{work}/token", "w").write(token + "\n")
    open(f"{work}/agent.yaml", "w").write(
        f"coordinator: http://127.0.0.1:18080\ntoken_file: {work}/token\nhost: client1\n"
        f"interval: {interval:g}\njitter: 0\nchecks: [disk, network, services]\nplugins: [{plugins}]\n"
        f"spool: {{ path: {work}/spool }}\n")
    open(f"{work}/zabbix_agentd.conf", "w").write(
        f"LogType=console\nPidFile={work}/zabbix_agentd.pid\nServer=127.0.0.1\nListenIP=127.0.0.1\n"
        "ListenPort=10050\nAllowRoot=1\nStartAgents=3\nTimeout=3\n")

    _, triage_group = start("triage", [agent, "run", "--config", f"{work}/agent.yaml"])
    _, zabbix_group = start("zabbix_agentd", ["zabbix_agentd", "-f", "-c", f"{work}/zabbix_agentd.conf"])
    _, node_group = start("node_exporter", ["prometheus-node-exporter", "--web.listen-address=127.0.0.1:9100"])
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
    done = reports() - first
    if done != cycles:
        fail(f"triage made {done} reports in the window, expected {cycles}")
    made = reports()
    stored = lambda: len(json.loads(http("http://127.0.0.1:18080/api/v1/hosts/1/reports?limit=1000", token=admin))["items"])
    wait_for("triage", lambda: stored() >= made, seconds=10)
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
