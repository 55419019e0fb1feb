#!/usr/bin/env bash
# SQL statements one health report costs on SQLite (token lookup, BEGIN and COMMIT included):
# a steady report, and the one that opens a ticket. Counts what the coordinator logs at trace
# level; runs the debug build (the count does not depend on the build). Writes Benchmarks/statements.md.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product triage >&2
bin=$PWD/.build/debug/triage
dir=$(mktemp -d /tmp/triage-statements.XXXXXX)
port=$((20000 + RANDOM % 20000))
url=http://127.0.0.1:$port/api/v1
printf 'logLevel: trace\n' > "$dir/triage.yaml"
"$bin" serve --config "$dir/triage.yaml" --data "$dir/data" --listen "127.0.0.1:$port" > "$dir/out" 2> "$dir/log" &
pid=$!
trap 'kill "$pid"; wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.1; done
admin="Authorization: Bearer $(cat "$dir/data/admin-token")"
json='Content-Type: application/json'
curl -sf -X POST "$url/customers" -H "$admin" -H "$json" -d '{"name":"Acme"}' > /dev/null
curl -sf -X POST "$url/sites" -H "$admin" -H "$json" -d '{"customerId":1,"name":"HQ","timeZone":"UTC"}' > /dev/null
curl -sf -X POST "$url/hosts" -H "$admin" -H "$json" -d '{"siteId":1,"name":"web1"}' > /dev/null
shifts=$(for day in 1 2 3 4 5 6 7; do printf '{"weekday":%d,"start":"00:00","end":"24:00"},' "$day"; done)
curl -sf -X POST "$url/technicians" -H "$admin" -H "$json" \
    -d "{\"name\":\"Ana\",\"tier\":1,\"skills\":[\"storage\"],\"timeZone\":\"UTC\",\"shifts\":[${shifts%,}]}" > /dev/null
agent="Authorization: Bearer $("$bin" token create --data "$dir/data" --role agent --name web1-agent --host 1)"

report() {
    local check='{"plugin":"%s","item":"%s","status":"%s","summary":"%s","metrics":[],"durationMs":1,"skills":["storage"]}'
    printf '{"id":"%s","host":"web1","startedAt":"2026-11-30T10:00:00Z","durationMs":5,"agentVersion":"t","status":"%s","checks":[%s,%s,%s,%s],"recommendation":{"onsite":false,"vendors":[],"reasons":[]},"errors":[]}' \
        "$(cat /proc/sys/kernel/random/uuid)" "$1" \
        "$(printf "$check" disk "fs /" "$1" "fs / $1")" "$(printf "$check" disk "fs /var" ok "fine")" \
        "$(printf "$check" network gateway ok "fine")" "$(printf "$check" services cron ok "fine")"
}
# Posts a report and prints how many statements the coordinator logged for it.
post() {
    local before after
    before=$(wc -l < "$dir/log")
    curl -sf -X POST "$url/reports?interval=60" -H "$agent" -H "$json" -d "$(report "$1")" > "$dir/answer"
    sleep 0.3
    after=$(wc -l < "$dir/log")
    printf '| %s | %s | `%s` |\n' "$2" "$(sed -n "$((before + 1)),${after}p" "$dir/log" | grep -ciE '(SELECT|INSERT|UPDATE|DELETE|BEGIN|COMMIT) ')" \
        "$(grep -o '"opened":\[[0-9,]*\]' "$dir/answer")"
}
out=Benchmarks/statements.md
{
    echo "# Statements per health report (SQLite)"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ) · $(git rev-parse --short HEAD) · \`bash Benchmarks/statements.sh\` · four checks per report"
    echo
    echo "| report | statements | receipt |"
    echo "|---|---|---|"
    post ok "first report (four new items)"
    post ok "second all-OK report (streaks still counting)"
    post ok "steady: all OK again"
    post critical "first critical (hysteresis)"
    post critical "second critical: opens a ticket"
    post critical "steady: still critical"
} | tee "$out.tmp"
mv "$out.tmp" "$out"
