#!/usr/bin/env bash
# Flows 1 and 2 of docs/ARCHITECTURE.md end to end, as a newcomer would run them: a coordinator on a temp
# SQLite file, a throwaway sshd on loopback as a client machine, then
#   1. a technician's diagnosis over SSH attached to a ticket,
#   2. this machine as a push client: `triage-agent run` while the coordinator goes away and
#      comes back (its reports wait in the spool and arrive once each),
#   and a sweep of the coordinator's hosts, one of them dead.
# Everything it starts is stopped by PID at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -q --product triage
swift build -q --product triage-agent
bin=$(swift build --show-bin-path)

dir=$(mktemp -d /tmp/triage-flows.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT

. Deploy/lib/throwaway-sshd.sh
pids+=("$sshd_pid")
coordinator=127.0.0.1:$(free_port)
U=http://$coordinator
serve() {
    "$bin/triage" serve --data "$dir/data" --listen "$coordinator" >>"$dir/serve.out" 2>>"$dir/serve.err" &
    serve_pid=$!
    pids+=("$serve_pid")
    for _ in $(seq 100); do curl -sf "$U/healthz" >/dev/null && return; sleep 0.1; done
    echo "the coordinator did not start:" >&2; cat "$dir/serve.err" >&2; exit 1
}
serve
ADMIN=$(cat "$dir/data/admin-token")
api() { curl -sS -X "$1" "$U/api/v1$2" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' ${3:+-d "$3"}; echo; }
brief() { cut -c "1-${1:-300}"; }
show() { echo "\$ $*"; "$@" || echo "(exit status $?)"; }
agent() { "$bin/triage-agent" "$@"; }
me=$(hostname)

echo "== a customer, a site, four hosts (this machine, two on the throwaway sshd, one dead), a technician"
api POST /customers '{"name": "Acme"}' >/dev/null
api POST /sites '{"customerId": 1, "name": "HQ"}' >/dev/null
api POST /hosts "{\"siteId\": 1, \"name\": \"$me\"}" >/dev/null
for name in lab1 lab2; do api POST /hosts "{\"siteId\": 1, \"name\": \"$name\", \"address\": \"127.0.0.1:$port\"}" >/dev/null; done
api POST /hosts "{\"siteId\": 1, \"name\": \"gone\", \"address\": \"127.0.0.1:$(free_port)\"}" >/dev/null
always=$(for d in 1 2 3 4 5 6 7; do printf '{"weekday": %d, "start": "00:00", "end": "24:00"},' "$d"; done)
api POST /technicians "{\"name\": \"Sam\", \"tier\": 1, \"skills\": [\"storage\"], \"shifts\": [${always%,}]}" >/dev/null
api GET /hosts | brief

echo
echo "== flow 1: a technician diagnoses lab1 over SSH and attaches the report to its ticket"
api POST /tickets '{"title": "lab1 is slow", "severity": 3, "hostId": 2}' >/dev/null
TRIAGE_TOKEN=$ADMIN show agent diagnose "127.0.0.1:$port" -i "$dir/technician_ed25519" --known-hosts "$dir/known_hosts" \
    --accept-new --checks disk --param disk.space_crit=0% --ticket 1 --coordinator "$U"
api GET /tickets/1 | brief 600

echo
echo "== flow 2: this machine pushes its health every 5 s; the coordinator goes away for 12 s"
"$bin/triage" token create --role agent --name "$me-agent" --host "$me" --data "$dir/data" > "$dir/agent.token"
cat > "$dir/agent.yaml" <<CONFIG
coordinator: $U
token_file: $dir/agent.token
host: $me
interval: 5
jitter: 1
checks: [disk]
params: { disk.space_warn: "0%", disk.space_crit: "0%" }
spool: { path: $dir/spool, max_reports: 1000, max_bytes: 10MiB }
retry_max: 30
CONFIG
cat "$dir/agent.yaml"
"$bin/triage-agent" run --config "$dir/agent.yaml" 2> "$dir/agent.log" &
agent_pid=$!
pids+=("$agent_pid")
sleep 11
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
sleep 12
echo "(spool while the coordinator is away: $(find "$dir/spool" -maxdepth 1 -name '*.json' | wc -l) reports)"
serve
sleep 6
kill -TERM "$agent_pid"; wait "$agent_pid" || true
echo "\$ cat agent.log"
cat "$dir/agent.log"
made=$(grep -c "^report .* on $me: " "$dir/agent.log")
stored=$(api GET "/hosts/1/reports?limit=100" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["items"]))')
echo "reports made: $made; stored at the coordinator: $stored"
api GET "/tickets?hostId=1" | brief 600

echo
echo "== a sweep of the coordinator's hosts with a dispatcher's token; the reports feed the health tickets"
"$bin/triage" token create --role dispatcher --name collector --data "$dir/data" > "$dir/collector.token"
TRIAGE_TOKEN=$(cat "$dir/collector.token") show agent sweep lab1 lab2 gone --coordinator "$U" --checks disk \
    -i "$dir/technician_ed25519" --known-hosts "$dir/known_hosts" --timeout 3
