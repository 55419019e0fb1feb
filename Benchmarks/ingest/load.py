"""wrk posting reports (report.lua) and the CPU the servers spent on them: shared by ingest.py and
ingest_postgres.py."""
import os
import shutil
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
threads = int(os.environ.get("THREADS", "2"))
connections = int(os.environ.get("CONNECTIONS", "64"))


def cpu_seconds(pids):
    """User + system CPU of the processes `pids` so far."""
    total = 0
    for pid in pids:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def wrk(port, ids, pids, run, work, duration, profile=None):
    """One wrk run against 127.0.0.1:PORT with the tokens in WORK/tokens; the ids answered 201 go to
    IDS.*; the rate, latencies and the CPU of `pids` per request in a dict."""
    before = cpu_seconds(pids)
    recorder = None
    if profile and shutil.which("perf"):
        recorder = subprocess.Popen(["perf", "record", "-q", "-F", "499", "-g", "-p", str(pids[0]), "-o", profile,
                                     "--", "sleep", str(max(1, duration - 1))], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency", "--timeout", "10s",
               "-s", f"{here}/report.lua", f"http://127.0.0.1:{port}", "--", f"{work}/tokens", f"{here}/report.json", ids, str(run)]
    finished = subprocess.run(command, capture_output=True, text=True)
    if recorder:
        recorder.wait()
    output = finished.stdout + finished.stderr
    line = next((l for l in output.splitlines() if l.startswith("RESULT ")), None)
    if line is None:
        sys.exit(f"ingest: wrk (exit {finished.returncode}) printed no RESULT line:\n" + output)
    result = {key: float(value) for key, value in (field.split("=") for field in line.split()[1:])}
    result["rate"] = result["requests"] / result["seconds"]
    result["cpu_ms"] = (cpu_seconds(pids) - before) * 1000 / max(result["requests"], 1)
    return result
