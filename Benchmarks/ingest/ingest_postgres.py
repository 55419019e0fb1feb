"""Report ingest on PostgreSQL: ingest.py's wrk load against `triage serve` on a throwaway
PostgreSQL 15 (Deploy/lib/throwaway-postgres.sh), with one instance, one instance behind nginx,
and two instances behind nginx (Deploy/nginx/triage.conf, its upstreams pointed at loopback),
ROUNDS interleaved rounds. Afterwards every report answered 201 must be in the database.

usage: ingest_postgres.py TRIAGE OUT   (env: HOSTS, CONNECTIONS, THREADS, DURATION, ROUNDS)
Run by Benchmarks/run.sh inside a network namespace that has only loopback. Writes OUT, a Markdown section.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from coordinator import Coordinator  # noqa: E402
from ingest.load import connections, cpu_seconds, threads, wrk  # noqa: E402

triage, out = sys.argv[1:3]
hosts = int(os.environ.get("HOSTS", "64"))
duration = int(os.environ.get("DURATION", "10"))
rounds = int(os.environ.get("ROUNDS", "2"))
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
work = tempfile.mkdtemp(prefix="triage-ingest-pg.")
pgdir = tempfile.mkdtemp(prefix="triage-pg-")
throwaway = f"{root}/Deploy/lib/throwaway-postgres.sh"
instances, nginx = [], None


def fail(message):
    print(f"ingest (PostgreSQL): {message}", file=sys.stderr)
    sys.exit(1)


def psql(url, sql):
    return subprocess.run(["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql, url],
                          check=True, capture_output=True, text=True).stdout


def machine_busy():
    """Busy CPU seconds of the whole machine (every process: wrk, nginx, PostgreSQL, triage)."""
    fields = [int(value) for value in open("/proc/stat").readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def nginx_conf():
    """The example site twice: both instances on 18094, the first alone on 18095."""
    site = open(f"{root}/Deploy/nginx/triage.conf").read()
    pair = (site.replace("10.0.0.11:8080", "127.0.0.1:18090").replace("10.0.0.12:8080", "127.0.0.1:18092")
            .replace("listen 80;", "listen 127.0.0.1:18094;"))
    single = "\n".join(line for line in pair.splitlines() if "127.0.0.1:18092" not in line)
    single = single.replace("upstream triage ", "upstream triage_one ").replace("http://triage;", "http://triage_one;")
    single = single.replace("listen 127.0.0.1:18094;", "listen 127.0.0.1:18095;")
    with open(f"{work}/nginx.conf", "w") as conf:
        conf.write(f"daemon off;\nworker_processes auto;\npid {work}/nginx.pid;\nerror_log {work}/nginx.err;\n"
                   f"events {{ worker_connections 1024; }}\nhttp {{\naccess_log off;\n{pair}\n{single}\n}}\n")


try:
    server = subprocess.run(["bash", throwaway, "start", pgdir], check=True, capture_output=True, text=True).stdout.strip()
    psql(server, "CREATE DATABASE ingest")
    database = server.replace("/postgres?", "/ingest?")
    first = Coordinator(triage, work, 18090, database=database)
    instances = [first, Coordinator(triage, work, 18092, database=database, admin=first.admin)]
    with open(f"{work}/tokens", "w") as tokens:
        for number in range(1, hosts + 1):
            _, token = first.agent_host(f"client{number}")
            tokens.write(f"client{number} {token}\n")
    nginx_conf()
    nginx = subprocess.Popen(["nginx", "-c", f"{work}/nginx.conf", "-p", work], stderr=open(f"{work}/nginx.start", "wb"))

    targets = [("one instance", 18090, [first.pid]), ("one instance behind nginx", 18095, [first.pid]),
               ("two instances behind nginx", 18094, [instance.pid for instance in instances])]
    runs = {label: [] for label, _, _ in targets}
    run_number = 0
    for round in range(rounds):
        for label, port, pids in targets:
            busy = machine_busy()
            result = wrk(port, f"{work}/pg-ids.{run_number}", pids, run_number, work, duration)
            result["machine_ms"] = (machine_busy() - busy) * 1000 / max(result["requests"], 1)
            runs[label].append(result)
            run_number += 1
    def retries(instance):
        request = urllib.request.Request(f"{instance.url}/metrics", headers={"Authorization": f"Bearer {first.admin}"})
        text = urllib.request.urlopen(request, timeout=10).read().decode()
        return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith("triage_store_write_retries_total"))
    retried = int(sum(retries(instance) for instance in instances))
    for instance in instances:
        if instance.stop() != 0:
            fail("an instance did not stop cleanly on SIGTERM:\n" + instance.log())
    stored_ids = {line.strip().upper() for line in psql(database, "SELECT report_id FROM health_reports").split()}
    acknowledged_ids = {line.strip().upper() for name in os.listdir(work) if name.startswith("pg-ids.")
                        for line in open(f"{work}/{name}")}
    acknowledged = int(sum(run["acknowledged"] for label in runs for run in runs[label]))
    refused = int(sum(run["other"] + run["socket_errors"] for label in runs for run in runs[label]))
    missing = acknowledged_ids - stored_ids

    median = lambda label, key: statistics.median(run[key] for run in runs[label])
    with open(out, "w") as result:
        write = lambda line="": result.write(line + "\n")
        write(f"The same load on PostgreSQL {psql(server, 'SHOW server_version').strip()} (a throwaway cluster on this machine, "
              f"default settings, fsync on): wrk, {threads} threads, {connections} connections, {duration} s per run, "
              f"{rounds} interleaved round(s) (medians); {hosts} hosts. Each instance has a pool of 8 connections; a report "
              "is one SERIALIZABLE transaction. nginx runs Deploy/nginx/triage.conf with its upstreams on loopback.")
        write()
        write("| target | reports/s | p50 | p99 | max | triage CPU per report | machine CPU per report | not 201 |")
        write("|---|---:|---:|---:|---:|---:|---:|---:|")
        for label, _, _ in targets:
            write(f"| {label} | {median(label, 'rate'):.0f} | {median(label, 'p50_us') / 1000:.2f} ms | "
                  f"{median(label, 'p99_us') / 1000:.2f} ms | {max(run['max_us'] for run in runs[label]) / 1000:.1f} ms | "
                  f"{median(label, 'cpu_ms'):.2f} ms | {median(label, 'machine_ms'):.2f} ms | "
                  f"{int(sum(run['other'] + run['socket_errors'] for run in runs[label]))} |")
        write()
        scale = median("two instances behind nginx", "rate") / median("one instance behind nginx", "rate")
        write(f"Two instances against one, both behind nginx: {scale:.2f}×. Acknowledged (201): {acknowledged}; "
              f"stored after SIGTERM: {len(stored_ids)}; acknowledged but missing: {len(missing)}. Writes run again after "
              f"PostgreSQL found them in conflict with another transaction: {retried} "
              f"({retried / max(acknowledged, 1) * 100:.1f} % of the reports).")
        busiest = max(median(label, "rate") * median(label, "machine_ms") / 1000 for label, _, _ in targets)
        write()
        write(f"What bounds it: the machine. Every report costs {median('two instances behind nginx', 'machine_ms'):.2f} ms of "
              f"CPU across PostgreSQL, the instances, nginx and wrk, and the busiest run kept {busiest:.2f} of the machine's "
              f"{os.cpu_count()} cores busy, so a second instance on the same cores can add little; it is for availability "
              "here, and for throughput where it has cores of its own.")
    if refused:
        fail(f"{refused} requests were not answered 201 ({ {label: [(run['other'], run['socket_errors']) for run in runs[label]] for label in runs} } "
             "(other status, socket errors) per run); logs:\n" + "\n".join(instance.log() for instance in instances))
    if len(acknowledged_ids) != acknowledged or missing:
        fail(f"{acknowledged} reports acknowledged ({len(acknowledged_ids)} distinct ids), {len(missing)} of them not stored")
finally:
    if nginx:
        nginx.terminate()
        nginx.wait()
    for instance in instances:
        instance.stop()
    subprocess.run(["bash", throwaway, "stop", pgdir], capture_output=True)
    shutil.rmtree(pgdir, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
