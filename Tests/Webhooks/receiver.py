#!/usr/bin/env python3
"""A webhook receiver for the tests: verifies each message with the Standard Webhooks library
(PyPI `standardwebhooks`) against any of the secrets it was given, answers as told, and records
every request in DIR/log.jsonl: {"id", "type", "verified", "status", "secret"}.

  --fail-first N   answer 500 to the first N verified requests
  --gone-after M   answer 410 to every verified request after the first M it took (2xx)
  --delay S        wait S seconds before answering (to kill a sender mid-request)
Prints "ready" once it listens. Stopped by SIGTERM.
"""
import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--dir", required=True)
parser.add_argument("--secret", action="append", default=[])
parser.add_argument("--fail-first", type=int, default=0)
parser.add_argument("--gone-after", type=int, default=-1)
parser.add_argument("--delay", type=float, default=0)
args = parser.parse_args()

lock = threading.Lock()
counts = {"verified": 0, "taken": 0}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {name.lower(): value for name, value in self.headers.items()}
        verified_with = None
        for index, secret in enumerate(args.secret):
            try:
                Webhook(secret).verify(body, headers)
                verified_with = index
                break
            except Exception:
                continue
        try:
            kind = json.loads(body).get("type")
        except Exception:
            kind = None
        with lock:
            if verified_with is None:
                status = 401
            else:
                counts["verified"] += 1
                if counts["verified"] <= args.fail_first:
                    status = 500
                elif 0 <= args.gone_after <= counts["taken"]:
                    status = 410
                else:
                    counts["taken"] += 1
                    status = 200
            with open(args.dir + "/log.jsonl", "a") as log:
                log.write(json.dumps({"id": headers.get("webhook-id"), "type": kind, "verified": verified_with is not None,
                                      "status": status, "secret": verified_with}) + "\n")
        if args.delay:
            threading.Event().wait(args.delay)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_):
        pass


server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
print("ready", flush=True)
server.serve_forever()
