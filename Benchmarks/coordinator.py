"""A throwaway `triage serve` for the benchmarks (footprint/, ingest/): a fresh SQLite folder (or
the PostgreSQL database given), one customer and site, and hosts with agent tokens bound to them.
A second instance on the same database is given the first one's admin token and adds nothing."""
import base64
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request


# The instances of one shared database share the key that seals its secrets (docs/deployment.md).
SHARED_KEY = base64.b64encode(os.urandom(32)).decode()


class Coordinator:
    def __init__(self, triage, work, port, database=None, admin=None):
        self.triage, self.data, self.url = triage, f"{work}/data-{port}", f"http://127.0.0.1:{port}"
        self.out, self.err = f"{work}/serve-{port}.out", f"{work}/serve-{port}.err"
        self.store = ["--database", database] if database else ["--data", self.data]
        # The serve and the command line run against a shared database share its key.
        self.environment = dict(os.environ, TRIAGE_SECRET_KEY=SHARED_KEY) if database else None
        self.process = subprocess.Popen([triage, "serve", "--data", self.data, "--listen", f"127.0.0.1:{port}"] + self.store,
                                        stdout=open(self.out, "wb"), stderr=open(self.err, "wb"), env=self.environment)
        self.pid = self.process.pid
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.05)
        else:
            sys.exit("triage serve did not come up; its log:\n" + self.log())
        if admin:
            self.admin = admin
            return
        self.admin = open(f"{self.data}/admin-token").read().strip()
        self.api("/customers", {"name": "Acme"})
        self.site = self.api("/sites", {"customerId": 1, "name": "HQ"})["id"]

    def api(self, path, body=None):
        """The parsed answer of a GET (no body) or POST to /api/v1 as the admin."""
        request = urllib.request.Request(f"{self.url}/api/v1{path}", headers={"Authorization": f"Bearer {self.admin}"},
                                         data=json.dumps(body).encode() if body is not None else None)
        if body is not None:
            request.add_header("Content-Type", "application/json")
        return json.loads(urllib.request.urlopen(request, timeout=10).read())

    def all_items(self, path):
        """Every item of a paged list (`items` and `nextCursor`)."""
        items, cursor = [], ""
        while True:
            page = self.api(f"{path}{'&' if '?' in path else '?'}limit=100&cursor={cursor}")
            items += page["items"]
            cursor = page.get("nextCursor") or ""
            if not cursor:
                return items

    def agent_host(self, name):
        """A new host and the agent token bound to it (`triage token create` prints only the token)."""
        host = self.api("/hosts", {"siteId": self.site, "name": name})["id"]
        return host, subprocess.run([self.triage, "token", "create", "--role", "agent", "--name", name, "--host", str(host),
                                     *self.store], check=True, capture_output=True, text=True, env=self.environment).stdout.strip()

    def collector_token(self, name):
        """A collector token for the site (`triage token create` prints only the token)."""
        return subprocess.run([self.triage, "token", "create", "--role", "collector", "--name", name, "--site", str(self.site),
                               *self.store], check=True, capture_output=True, text=True, env=self.environment).stdout.strip()

    def polls_waiting(self):
        """Runners' long polls waiting at this instance, from /metrics."""
        for line in urllib.request.urlopen(f"{self.url}/metrics", timeout=10).read().decode().splitlines():
            if line.startswith("triage_jobs_polls_waiting "):
                return int(float(line.split()[-1]))
        return 0

    def log(self):
        return open(self.err).read()[-2000:]

    def stop(self):
        """SIGTERM, as a service manager stops it; its exit status."""
        if self.process.poll() is None:
            self.process.terminate()
        return self.process.wait(timeout=60)
