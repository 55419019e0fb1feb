#!/usr/bin/env bash
# The push agent's footprint: idle RSS and CPU per cycle of `triage-agent run` (release build)
# with the disk, network and services plugins, reporting to a coordinator (debug build) every
# INTERVAL seconds for CYCLES cycles. Both run in a network namespace of their own with only
# loopback, so the network plugin's gateway and DNS checks send nothing off this machine.
# CPU counts the agent and every plugin process it ran (their shells are waited for).
# Writes Benchmarks/agent-footprint.md.
set -euo pipefail
cd "$(dirname "$0")/.."
interval=${INTERVAL:-2}
cycles=${CYCLES:-20}
swift build -q -c release --product triage-agent
swift build -q --product triage
agent=$(swift build -c release --show-bin-path)/triage-agent
triage=$(swift build --show-bin-path)/triage

dir=$(mktemp -d /tmp/triage-footprint.XXXXXX)
ns=triage-footprint-$$
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.5; ip netns del "$ns" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
# Background processes are started by `ip netns exec` itself (it execs them), so $! is their PID.
inside() { ip netns exec "$ns" "$@"; }

ip netns exec "$ns" "$triage" serve --data "$dir/data" --listen 127.0.0.1:18080 >"$dir/serve.out" 2>"$dir/serve.err" &
pids+=($!)
for _ in $(seq 100); do inside curl -sf http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.1; done
admin=$(sed -n 2p "$dir/serve.out")
api() { inside curl -sfS -X POST "http://127.0.0.1:18080/api/v1$1" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d "$2" >/dev/null; }
api /customers '{"name": "Acme"}'
api /sites '{"customerId": 1, "name": "HQ"}'
api /hosts '{"siteId": 1, "name": "client1"}'
"$triage" token create --role agent --name client1 --host client1 --data "$dir/data" >"$dir/token"
cat >"$dir/agent.yaml" <<CONFIG
coordinator: http://127.0.0.1:18080
token_file: $dir/token
host: client1
interval: $interval
jitter: 0
checks: [disk, network, services]
plugins: [$PWD/Plugins]
spool: { path: $dir/spool }
CONFIG
ip netns exec "$ns" "$agent" run --config "$dir/agent.yaml" 2>"$dir/agent.log" &
pid=$!
pids+=("$pid")

made() { grep -c '^report ' "$dir/agent.log" || true; }
ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat"; }
own_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
until [ "$(made)" -ge 1 ]; do sleep 0.1; done
sleep 0.5
start_ticks=$(ticks); start_own=$(own_ticks); start_made=$(made)
until [ "$(made)" -ge $((start_made + cycles)) ]; do sleep 0.2; done
sleep 0.5
end_ticks=$(ticks); end_own=$(own_ticks); end_made=$(made)
hz=$(getconf CLK_TCK)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
anon=$(awk '/^Anonymous/ {print $2}' "/proc/$pid/smaps_rollup")
# Idle: the half interval after a cycle, when the agent only sleeps.
idle_start=$(own_ticks); sleep $((interval / 2 > 0 ? interval / 2 : 1))
idle_end=$(own_ticks)
errors=$(grep -c 'unreachable\|refused\|cannot' "$dir/agent.log" || true)
items=$(grep '^report ' "$dir/agent.log" | tail -1 | sed 's/.*: \([a-z]*\), \([0-9]*\) items.*/\1, \2 items/')
size=$(stat -c %s "$agent")
out=Benchmarks/agent-footprint.md
{
    echo "# Push agent footprint"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ) · $(nproc) cores · $(git rev-parse --short HEAD) · \`bash Benchmarks/agent-footprint.sh\` (INTERVAL=$interval CYCLES=$cycles)"
    echo
    echo "| measure | value |"
    echo "|---|---|"
    echo "| cycles measured (disk + network + services; last report: $items) | $((end_made - start_made)) |"
    echo "| CPU per cycle, agent + plugin processes | $(awk -v t=$((end_ticks - start_ticks)) -v n=$((end_made - start_made)) -v hz="$hz" 'BEGIN {printf "%.1f ms", t * 1000 / hz / n}') |"
    echo "| of which the agent process itself | $(awk -v t=$((end_own - start_own)) -v n=$((end_made - start_made)) -v hz="$hz" 'BEGIN {printf "%.1f ms", t * 1000 / hz / n}') |"
    echo "| CPU while idle between cycles | $(( (idle_end - idle_start) * 1000 / hz )) ms |"
    echo "| RSS between cycles | $((rss / 1024)).$(( (rss % 1024) * 10 / 1024 )) MiB |"
    echo "| of which anonymous (heap, stacks); the rest is shared-library pages | $((anon / 1024)).$(( (anon % 1024) * 10 / 1024 )) MiB |"
    echo "| peak RSS | $((hwm / 1024)).$(( (hwm % 1024) * 10 / 1024 )) MiB |"
    echo "| binary (release, Swift runtime linked dynamically) | $((size / 1048576)).$(( (size % 1048576) * 10 / 1048576 )) MiB |"
    echo "| delivery errors during the run | $errors |"
} | tee "$out.tmp"
mv "$out.tmp" "$out"
