"""The agent's footprint beside Zabbix's agent and Prometheus's node_exporter, in one run.

Run by Benchmarks/run.sh inside a network namespace that has only loopback. Every agent runs in a
cgroup v1 cpuacct group of its own (children included: triage's plugin shells):
  triage         `triage-agent run` as deployed (jobs on: a long poll for "Diagnose now" beside
                 the schedule), disk + network + services every INTERVAL seconds, pushing to a
                 coordinator (the coordinator is not counted);
  zabbix_agentd  Debian's zabbix-agent 6.0 as Zabbix ships it (StartAgents=3), polled by this
                 script like a Zabbix server (peers.ZABBIX_ITEMS);
  node_exporter  Debian's prometheus-node-exporter with its default collectors, scraped;
  collector      `triage-agent collect` with its 16 long polls, and then checking one host over
                 SSH (an sshd on loopback, counted apart) every INTERVAL seconds.
Phases: (1) CYCLES cycles, one triage report each, Zabbix polled and node_exporter scraped once
per report; memory between cycles. (2) IDLE seconds of waiting: a push agent that reported and
waits in its long poll (interval one hour), the collector's polls, and the peers unpolled.
(3) CYCLES agentless checks by the collector: its CPU per check and the host's.

usage: footprint.py AGENT TRIAGE PLUGINS OUT   (env: INTERVAL, CYCLES, IDLE, MAX_IDLE)
Writes OUT, a Markdown section (tables and goals). Fails when an agent did not answer every cycle,
a triage report did not reach the coordinator, or (MAX_IDLE) a waiting triage agent or collector
used more than MAX_IDLE ms of CPU per second.
"""
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from coordinator import Coordinator  # noqa: E402
from groups import Group, idle_ms_per_second  # noqa: E402
from peers import ZABBIX_ITEMS, SSHHost, poll_zabbix, scrape_node_exporter, zabbix_config, zabbix_get  # noqa: E402

agent, triage, plugins, out = sys.argv[1:5]
interval = float(os.environ.get("INTERVAL", "2"))
cycles = int(os.environ.get("CYCLES", "20"))
idle_seconds = float(os.environ.get("IDLE", "10"))
max_idle = float(os.environ["MAX_IDLE"]) if os.environ.get("MAX_IDLE") else None
work = tempfile.mkdtemp(prefix="triage-footprint.")
groups = {}
coordinator = ssh_host = None  # the coordinator is outside the measured groups


def fail(message):
    print(f"footprint: {message}", file=sys.stderr)
    sys.exit(1)


def start(name, command):
    groups[name] = Group(name, command, f"{work}/{name}.log")
    return groups[name]


def stop(*names):
    for name in names:
        groups.pop(name).stop()


def log(name):
    return open(f"{work}/{name}.log", errors="replace").read()


def wait_for(what, condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.05)
    fail(f"{what} did not come up within {seconds} s; its log:\n" + (log(what)[-2000:] if what in groups else ""))


def reports(name):
    """Reports a push agent has made (it logs each before delivering it)."""
    return len(re.findall(r"^report \S+ on ", log(name), re.M))


def agent_config(name, token, every):
    path = f"{work}/{name}.yaml"
    open(path, "w").write(
        f"coordinator: {coordinator.url}\ntoken: {token}\nhost: {name}\ninterval: {every:g}\njitter: 0\n"
        f"checks: [disk, network, services]\nplugins: [{plugins}]\nspool: {{ path: {work}/spool-{name} }}\njobs: true\n")
    return path


def collector_config(name, token, hosts):
    path = f"{work}/{name}.yaml"
    open(path, "w").write(
        f"coordinator: {coordinator.url}\ntoken: {token}\nplugins: [{plugins}]\nchecks: [disk, network, services]\n"
        f"concurrency: 16\nwait: 25\nssh: {{ identity: [{ssh_host.key}], known_hosts: {ssh_host.known_hosts}, timeout: 10 }}\n"
        f"health: {{ every: 0, hosts: {{ {', '.join(f'{h}: {every:g}' for h, every in hosts.items()) or ''} }}, refresh: 60 }}\n")
    return path


def mib(kib):
    return f"{kib / 1024:.1f} MiB"


try:
    coordinator = Coordinator(triage, work, 18080)
    ssh_host = SSHHost(work, 18022)
    start("sshd", ssh_host.command)  # the checked host's side: counted apart
    ssh_host.wait()
    client1, agent_token = coordinator.agent_host("client1")
    _, waiting_token = coordinator.agent_host("waiting1")
    remote = coordinator.api("/hosts", {"siteId": coordinator.site, "name": "remote1", "address": f"127.0.0.1:{ssh_host.port}"})["id"]
    collector_token = coordinator.collector_token("dc1")
    environment = dict(os.environ, SSH_AUTH_SOCK="")

    # (1) Cycles: the push agent beside the peers.
    start("triage", [agent, "run", "--config", agent_config("client1", agent_token, interval)])
    start("zabbix_agentd", ["zabbix_agentd", "-f", "-c", zabbix_config(work)])
    start("node_exporter", ["prometheus-node-exporter", "--web.listen-address=127.0.0.1:9100"])
    start("waiting", [agent, "run", "--config", agent_config("waiting1", waiting_token, 3600)])
    start("collector", [agent, "collect", "--config", collector_config("collector", collector_token, {})])
    wait_for("zabbix_agentd", lambda: zabbix_get("agent.ping") == "1")
    wait_for("node_exporter", scrape_node_exporter)
    wait_for("triage", lambda: reports("triage") >= 2, seconds=60 + 4 * interval)
    peers = ["triage", "zabbix_agentd", "node_exporter"]

    seen = reports("triage")
    wait_for("triage", lambda: reports("triage") > seen, seconds=10 + 4 * interval)
    poll_zabbix(), scrape_node_exporter()
    time.sleep(0.2)
    memory = {name: groups[name].memory() for name in peers}
    triage_mappings = groups["triage"].mappings()

    seen = reports("triage")
    wait_for("triage", lambda: reports("triage") > seen, seconds=10 + 4 * interval)
    first = reports("triage")
    before = {name: groups[name].cpu_ms() for name in peers}
    supported = lines = 0
    for cycle in range(cycles):
        supported += poll_zabbix()
        lines += scrape_node_exporter()
        wait_for("triage", lambda: reports("triage") > first + cycle, seconds=10 + 4 * interval)
    spent = {name: groups[name].cpu_ms() - before[name] for name in peers}
    made = reports("triage")
    if made - first != cycles:
        fail(f"triage made {made - first} reports in the window, expected {cycles}")
    wait_for("triage", lambda: len(coordinator.all_items(f"/hosts/{client1}/reports")) >= made, seconds=10)
    stop("triage")

    # (2) Waiting: a push agent that reported and waits in its long poll, the collector's 16 polls.
    wait_for("waiting", lambda: "report " in log("waiting") and coordinator.polls_waiting() == 17, seconds=30)
    idle = idle_ms_per_second([groups[name] for name in ("waiting", "collector", "zabbix_agentd", "node_exporter")], idle_seconds)
    memory["collector"] = groups["collector"].memory()
    stop("waiting", "collector")

    # (3) The collector checks one host over SSH every INTERVAL seconds; the host's side counted apart.
    start("checking", [agent, "collect", "--config", collector_config("checking", collector_token, {"remote1": interval})])
    remote_reports = lambda: len(coordinator.all_items(f"/hosts/{remote}/reports"))
    wait_for("checking", lambda: remote_reports() >= 2, seconds=60 + 4 * interval)
    checked, before_check, before_host = remote_reports(), groups["checking"].cpu_ms(), groups["sshd"].cpu_ms()
    wait_for("checking", lambda: remote_reports() >= checked + cycles, seconds=30 + 4 * interval * cycles)
    checks = remote_reports() - checked
    per_check = (groups["checking"].cpu_ms() - before_check) / checks
    host_per_check = (groups["sshd"].cpu_ms() - before_host) / checks
    reached = coordinator.api(f"/hosts/{remote}/reports?limit=1")["items"][0]["report"]
    if not any(check["plugin"] == "disk" for check in reached["checks"]):
        fail(f"the collector did not reach its host over SSH: {reached['checks']} {reached.get('errors')}")
    stop("checking")

    binary = {"triage": agent, "zabbix_agentd": shutil.which("zabbix_agentd"), "node_exporter": shutil.which("prometheus-node-exporter"),
              "collector": agent}
    with open(out, "w") as result:
        write = lambda line="": result.write(line + "\n")
        write(f"{cycles} cycles every {interval:g} s, the agents side by side. A triage cycle runs the disk, network and "
              "services plugins, builds the diagnosis and posts it to the coordinator, with the agent's long poll for "
              f"jobs open as deployed; a Zabbix cycle answers {len(ZABBIX_ITEMS)} passive items (one connection each, "
              f"as a Zabbix server polls: {', '.join(f'`{k}`' for k in ZABBIX_ITEMS)}; {supported // cycles} answered "
              f"with a value); a node_exporter cycle is one scrape ({lines // cycles} lines); a collector cycle is one "
              "agentless check of a host over SSH (disk, network and services through one `sh -s`, posted as a health "
              f"report; {checks} checks). CPU idle is {idle_seconds:g} s of waiting: a push agent that has reported and "
              "waits in its long poll, the collector's 16 long polls, the peers unpolled. CPU counts every process of "
              "the agent (cpuacct group); memory is read between cycles and summed over the agent's processes.")
        write()
        write("| agent | CPU per cycle | CPU idle | RSS | PSS | anonymous | processes | binary |")
        write("|---|---:|---:|---:|---:|---:|---:|---:|")
        rows = [("triage", "triage-agent run", spent["triage"] / cycles, idle["waiting"]),
                ("zabbix_agentd", "zabbix_agentd", spent["zabbix_agentd"] / cycles, idle["zabbix_agentd"]),
                ("node_exporter", "node_exporter", spent["node_exporter"] / cycles, idle["node_exporter"]),
                ("collector", "triage-agent collect", per_check, idle["collector"])]
        for name, label, per_cycle, idle_ms in rows:
            rss, pss, anon, processes = memory[name]
            write(f"| {label} | {per_cycle:.1f} ms | {idle_ms:.2f} ms/s | {mib(rss)} | {mib(pss)} | {mib(anon)} | {processes} | "
                  f"{os.path.getsize(binary[name]) / 1048576:.1f} MiB |")
        write()
        write(f"Each agentless check cost the checked host {host_per_check:.1f} ms of CPU (its sshd and the plugins); "
              f"the last report of it: {reached['status']}, {len(reached['checks'])} items.")
        write()
        rss, zabbix_rss = memory["triage"][0], memory["zabbix_agentd"][0]
        per_cycle = spent["triage"] / cycles
        write("| goal | measured | met |")
        write("|---|---:|---|")
        write(f"| idle push agent (jobs on) ≤ 1 ms/s | {idle['waiting']:.2f} ms/s | {'yes' if idle['waiting'] <= 1 else 'no'} |")
        write(f"| idle collector (16 long polls) ≤ 1 ms/s | {idle['collector']:.2f} ms/s | {'yes' if idle['collector'] <= 1 else 'no'} |")
        write(f"| RSS ≤ zabbix_agentd's | {mib(rss)} vs {mib(zabbix_rss)} | {'yes' if rss <= zabbix_rss else 'no'} |")
        write(f"| disk + network + services cycle ≤ 30 ms CPU | {per_cycle:.1f} ms | {'yes' if per_cycle <= 30 else 'no'} |")
        write()
        write("What triage's RSS is made of (its largest resident mappings, from /proc/PID/smaps): "
              + ", ".join(f"{name} {mib(kib)}" for name, kib in triage_mappings) + ".")
    if max_idle is not None:
        for name, label in (("waiting", "push agent"), ("collector", "collector")):
            if idle[name] > max_idle:
                fail(f"the waiting {label} used {idle[name]:.1f} ms of CPU per second (more than {max_idle:g})")
finally:
    for name in list(groups):
        stop(name)
    if coordinator:
        coordinator.stop()
    shutil.rmtree(work, ignore_errors=True)
