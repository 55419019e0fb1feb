#!/usr/bin/env python3
"""Kill the coordinator with SIGKILL under concurrent writes, restart it, and check that every
write it acknowledged (2xx) is stored and that client retries with the same Idempotency-Key
created nothing twice.

Usage: durability.py TRIAGE_BINARY WORK_DIR
"""
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

BINARY, WORK = sys.argv[1], sys.argv[2]
DATA = os.path.join(WORK, "data")
WRITERS = 8


def start():
    out = open(os.path.join(WORK, "serve.out"), "w+")
    proc = subprocess.Popen([BINARY, "serve", "--data", DATA, "--listen", "127.0.0.1:0"],
                            stdout=out, stderr=open(os.path.join(WORK, "serve.err"), "a"))
    deadline = time.time() + 60
    while time.time() < deadline:
        out.seek(0)
        text = out.read()
        for line in text.splitlines():
            if line.startswith("triage listening on http://127.0.0.1:"):
                port = int(line.split(":")[2].split()[0])
                token_file = os.path.join(DATA, "admin-token")
                token = open(token_file).read().strip() if os.path.exists(token_file) else None
                return proc, port, token
        if proc.poll() is not None:
            sys.exit("triage serve exited: " + open(os.path.join(WORK, "serve.err")).read())
        time.sleep(0.05)
    sys.exit("triage serve did not start")


def request(port, token, method, path, body=None, key=None, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Authorization": "Bearer " + token}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if key:
        headers["Idempotency-Key"] = key
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, (json.loads(data) if data else None)


class Writer(threading.Thread):
    """Opens tickets and comments on them; remembers what was acknowledged and what was in flight."""

    def __init__(self, number, port, token):
        super().__init__(daemon=True)
        self.number, self.port, self.token = number, port, token
        self.acked = []        # (kind, key, body, answer)
        self.in_flight = None  # (kind, key, body, path) when the server died under it
        self.error = None      # an answer no write should get; sys.exit in a thread would only end the thread
        self.stop = False

    def run(self):
        count = 0
        while not self.stop:
            count += 1
            key = str(uuid.uuid4())
            body = {"title": "load %d-%d" % (self.number, count), "severity": 1 + count % 4}
            if not self.send("ticket", key, body, "/api/v1/tickets"):
                return
            ticket = self.acked[-1][3]["id"]
            comment = {"body": "comment on %d by writer %d" % (ticket, self.number)}
            if not self.send("comment", str(uuid.uuid4()), comment, "/api/v1/tickets/%d/comments" % ticket):
                return

    def send(self, kind, key, body, path):
        try:
            status, answer = request(self.port, self.token, "POST", path, body, key)
        except (OSError, http.client.HTTPException):
            self.in_flight = (kind, key, body, path)
            return False
        if status != 201:
            self.error = "unexpected %d for %s: %s" % (status, path, answer)
            return False
        self.acked.append((kind, key, body, answer, path))
        return True


def main():
    os.makedirs(WORK, exist_ok=True)
    server, port, token = start()
    if not token:
        sys.exit("no admin token printed on first start")
    writers = [Writer(n, port, token) for n in range(WRITERS)]
    for writer in writers:
        writer.start()
    time.sleep(2.0)
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    for writer in writers:
        writer.stop = True
        writer.join(30)
    errors = [w.error for w in writers if w.error]
    if errors:
        sys.exit("durability check FAILED before the kill: " + "; ".join(errors))
    acked = [a for w in writers for a in w.acked]
    in_flight = [w.in_flight for w in writers if w.in_flight]
    tickets_acked = [a for a in acked if a[0] == "ticket"]
    print("before SIGKILL: %d tickets and %d comments acknowledged, %d requests in flight"
          % (len(tickets_acked), len(acked) - len(tickets_acked), len(in_flight)))
    if len(tickets_acked) < 50:
        sys.exit("too few writes acknowledged to mean anything")

    server, port, _ = start()
    try:
        problems = []
        # Every acknowledged write is there, exactly as answered.
        for kind, key, body, answer, path in acked:
            if kind == "ticket":
                status, stored = request(port, token, "GET", "/api/v1/tickets/%d" % answer["id"])
                if status != 200 or stored["title"] != body["title"]:
                    problems.append("acknowledged ticket %s missing: %s %s" % (answer["id"], status, stored))
            # A retry of an acknowledged write replays the first answer.
            status, replay = request(port, token, "POST", path, body, key)
            if status != 201 or replay != answer:
                problems.append("retry of %s %s answered %s %s" % (kind, key, status, replay))
        # The writes in flight are retried with their keys, as a client would: at most once each.
        for kind, key, body, path in in_flight:
            first = request(port, token, "POST", path, body, key)
            second = request(port, token, "POST", path, body, key)
            if first[0] != 201 or first != second:
                problems.append("in-flight %s %s: %s then %s" % (kind, key, first, second))
        # No ticket exists twice, whatever the retries did.
        titles, cursor = [], None
        while True:
            status, page = request(port, token, "GET", "/api/v1/tickets?limit=200" + ("&cursor=" + cursor if cursor else ""))
            titles += [t["title"] for t in page["items"]]
            cursor = page.get("nextCursor")
            if not cursor:
                break
        expected = {b["title"] for k, _, b, _, _ in acked if k == "ticket"} | {b["title"] for k, _, b, _ in in_flight if k == "ticket"}
        duplicates = len(titles) - len(set(titles))
        if duplicates:
            problems.append("%d tickets stored twice" % duplicates)
        if set(titles) != expected:
            problems.append("stored titles differ from acknowledged + retried: %d extra, %d missing"
                            % (len(set(titles) - expected), len(expected - set(titles))))
        # Comments: every acknowledged one is in its ticket's history once.
        for kind, key, body, answer, path in acked:
            if kind != "comment":
                continue
            status, events = request(port, token, "GET", "/api/v1/tickets/%d/events?limit=200" % answer["ticketId"])
            bodies = [e["data"].get("body") for e in events["items"] if e["type"] == "comment"]
            if bodies.count(body["body"]) != 1:
                problems.append("comment %s appears %d times" % (answer["id"], bodies.count(body["body"])))
        if problems:
            print("\n".join(problems[:20]))
            sys.exit("durability check FAILED: %d problems" % len(problems))
        print("after restart: all %d acknowledged writes stored, %d tickets in all, no duplicates after retries"
              % (len(acked), len(titles)))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)


main()
