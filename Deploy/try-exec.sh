#!/usr/bin/env bash
# A first run of `triage-agent exec`, as a newcomer would try it: a throwaway sshd on
# loopback plays the client machine (its own host key and authorized_keys in a temp
# folder), and the agent runs a command and a script on it. The sshd is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release --product triage-agent >/dev/null
agent=$(swift build -c release --show-bin-path)/triage-agent

dir=$(mktemp -d /tmp/triage-try.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

. Deploy/lib/throwaway-sshd.sh
pid=$sshd_pid

run() { echo "\$ triage-agent $*"; "$agent" "$@" || echo "(exit status $?)"; echo; }
common=(-i "$dir/technician_ed25519" --known-hosts "$dir/known_hosts")

echo "== an unknown host is refused until its key is trusted"
run exec "127.0.0.1:$port" "${common[@]}" -- uptime
echo "== trust on first use, then strict checking against the recorded key"
run exec "127.0.0.1:$port" "${common[@]}" --accept-new -- 'echo "hello from $(hostname)"'
run exec "127.0.0.1:$port" "${common[@]}" -- 'df -P / | tail -n 1; exit 3'
echo "== a script sent on stdin to sh -s, as the check plugins are"
printf 'echo "load: $(cut -d" " -f1-3 /proc/loadavg)"\necho "warning: just a demo" >&2\n' > "$dir/check.sh"
run exec "127.0.0.1:$port" "${common[@]}" --stdin-file "$dir/check.sh" -- sh -s
echo "== a hung command is stopped at its timeout"
run exec "127.0.0.1:$port" "${common[@]}" --timeout 1 -- sleep 30
echo "== a diagnosis with the disk and services plugins (network is left out: it would ping this machine's gateway)"
run diagnose "127.0.0.1:$port" "${common[@]}" --checks disk,services --param services.ports=$port
