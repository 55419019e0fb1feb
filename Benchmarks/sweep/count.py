"""How many hosts a sweep tool diagnosed completely.

usage: count.py triage REPORTS_JSONL        reports with checks and no connection error
       count.py markers TOKEN PLUGINS FILE  hosts whose output ends every plugin (one stream)
       count.py tree TOKEN PLUGINS DIR      the same in an `ansible -t DIR` tree
"""
import json
import os
import re
import sys

mode = sys.argv[1]
if mode == "triage":
    complete = 0
    for line in open(sys.argv[2]):
        report = json.loads(line)
        if report.get("checks") and not any("plugin" not in e for e in report.get("errors", [])):
            complete += 1
    print(complete)
    sys.exit()

token, plugins = sys.argv[2], int(sys.argv[3])
end = re.compile(token + r" end \d+ \d+ \d+")
if mode == "markers":
    print(len(end.findall(open(sys.argv[4], errors="replace").read())) // plugins)
elif mode == "tree":
    complete = 0
    for name in os.listdir(sys.argv[4]):
        result = json.load(open(os.path.join(sys.argv[4], name)))
        complete += len(end.findall(result.get("stdout", ""))) == plugins
    print(complete)
