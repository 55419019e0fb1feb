#!/usr/bin/env bash
# Deploy/check.sh [BIN]: the deployment kit's checks, run by Tests/Live/run.sh (root; debug build by default).
#  1. systemd-analyze verify passes on the units and the SMART drop-in with nothing to say, and
#     their exposure (systemd-analyze security) stays at the level they were written for;
#  2. the example configurations load: triage migrate on triage.yaml, triage-agent run --check on agent.yaml;
#  3. the Ansible playbook passes --syntax-check, then rolls the push agent out to a test host (a
#     throwaway sshd on loopback, installing under a scratch root); the agent it installed, started
#     with the configuration it wrote, delivers a report with the host's token; a second run changes nothing.
#  4. two instances on a throwaway PostgreSQL behind nginx with the example configuration, one killed
#     under writes; Deploy/backup.sh backs up and restores both stores (Deploy/lib/check-two-instances.sh).
# Everything runs in a network namespace with only loopback: the installed agent's network check
# probes the gateway and DNS, which must leave nothing on the wire.
set -euo pipefail
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$self")/.."
venv=${BENCH_VENV:-.build-bench-venv}
if [ -z "${TRIAGE_DEPLOY_NETNS:-}" ]; then
    # Ansible comes from PyPI, so before the namespace (the same venv the benchmarks use).
    if [ ! -x "$venv/bin/ansible-playbook" ]; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q "ansible-core>=2.17,<2.20" "parallel-ssh>=2.16,<3"
    fi
    exec env TRIAGE_DEPLOY_NETNS=1 BENCH_VENV="$venv" unshare --net sh -c 'ip link set lo up && exec bash "$0" "$@"' "$self" "$@"
fi
bin=$(cd "${1:-.build/debug}" && pwd)
dir=$(mktemp -d /tmp/triage-deploy.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "deploy check FAILED: $*" >&2; exit 1; }

echo "== systemd units"
mkdir -p "$dir/units/triage-agent.service.d"
for unit in triage.service triage-agent.service triage-collector.service; do
    sed "s#/usr/local/bin/#$bin/#" "Deploy/systemd/$unit" >"$dir/units/$unit"
done
cp Deploy/systemd/triage-agent.service.d/smart.conf "$dir/units/triage-agent.service.d/"
systemd-analyze verify --man=no "$dir/units/triage.service" "$dir/units/triage-agent.service" "$dir/units/triage-collector.service" >"$dir/verify.out" 2>&1 \
    || { cat "$dir/verify.out"; fail "systemd-analyze verify"; }
[ ! -s "$dir/verify.out" ] || { cat "$dir/verify.out"; fail "systemd-analyze verify has warnings"; }
exposure() { systemd-analyze security --offline=true "$dir/units/$1" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p'; }
coordinator=$(exposure triage.service) agent=$(exposure triage-agent.service) collector=$(exposure triage-collector.service)
echo "verify: clean; exposure: triage.service $coordinator, triage-agent.service $agent, triage-collector.service $collector (0 best, 10 worst)"
python3 -c "import sys; sys.exit(not (float('$coordinator') <= 2.0 and float('$agent') <= 5.0 and float('$collector') <= 3.0))" \
    || fail "a unit's exposure rose above its mark (triage 2.0, agent 5.0, collector 3.0)"

echo "== example configurations"
"$bin/triage" migrate --config Deploy/examples/triage.yaml --data "$dir/example-data" || fail "triage.yaml"
sed "s#/usr/local/share/triage/plugins#$PWD/Plugins#" Deploy/examples/agent.yaml >"$dir/agent.yaml"
mkdir -p "$dir/example-credentials" && echo "trg_example" >"$dir/example-credentials/token"
# The example has no token_file: under the unit the token arrives as a credential.
CREDENTIALS_DIRECTORY=$dir/example-credentials "$bin/triage-agent" run --check --config "$dir/agent.yaml" || fail "agent.yaml"
sed "s#/usr/local/share/triage/plugins#$PWD/Plugins#" Deploy/examples/collector.yaml >"$dir/collector.yaml"
CREDENTIALS_DIRECTORY=$dir/example-credentials "$bin/triage-agent" collect --check --config "$dir/collector.yaml" || fail "collector.yaml"
sed 's/interval: 60/intervall: 60/' "$dir/agent.yaml" >"$dir/typo.yaml"
if "$bin/triage-agent" run --check --config "$dir/typo.yaml" 2>"$dir/typo.err"; then
    fail "a misspelt agent key was accepted"
fi
grep -q "intervall" "$dir/typo.err" || { cat "$dir/typo.err"; fail "the typo's message does not name the key"; }

echo "== Ansible roll-out of the push agent to a loopback test host"
"$venv/bin/ansible-playbook" --syntax-check -i localhost, Deploy/ansible/push-agent.yml >/dev/null || fail "syntax-check"
. Deploy/lib/throwaway-sshd.sh
pids+=("$sshd_pid")
"$bin/triage" serve --data "$dir/data" --listen 127.0.0.1:0 >"$dir/serve.out" 2>"$dir/serve.err" &
pids+=("$!")
for _ in $(seq 300); do grep -q '^triage listening' "$dir/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^triage listening on \(http:[^ ]*\).*/\1/p' "$dir/serve.out")
admin=$(cat "$dir/data/admin-token")
[ -n "$url" ] && [ -n "$admin" ] || { cat "$dir/serve.err"; fail "the coordinator did not start"; }
api() { curl -sS -f -X "$1" "$url/api/v1$2" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
api POST /customers '{"name": "Acme"}' >/dev/null
api POST /sites '{"customerId": 1, "name": "HQ"}' >/dev/null
api POST /hosts '{"siteId": 1, "name": "client1"}' >/dev/null
token=$("$bin/triage" token create --role agent --name client1-agent --host client1 --data "$dir/data")
[ -n "$token" ] || fail "no agent token"
ssh-keyscan -p "$port" -t ed25519 127.0.0.1 2>/dev/null >"$dir/known_hosts"
cat >"$dir/clients.ini" <<INI
[triage_clients]
client1 ansible_host=127.0.0.1 ansible_port=$port ansible_user=root ansible_ssh_private_key_file=$dir/technician_ed25519 triage_token=$token
INI
# shellcheck disable=SC2120 # extra ansible-playbook arguments are optional
playbook() {
    env ANSIBLE_HOST_KEY_CHECKING=1 ANSIBLE_SSH_ARGS="-o UserKnownHostsFile=$dir/known_hosts -o StrictHostKeyChecking=yes" \
        ANSIBLE_LOCAL_TEMP="$dir/ansible-tmp" ANSIBLE_REMOTE_TMP="$dir/ansible-remote" ANSIBLE_NOCOLOR=1 \
        "$venv/bin/ansible-playbook" -i "$dir/clients.ini" Deploy/ansible/push-agent.yml \
        -e "triage_coordinator=$url" -e "triage_root=$dir/root" -e "triage_agent_binary=$bin/triage-agent" "$@"
}
playbook >"$dir/play1.out" 2>&1 || { cat "$dir/play1.out"; fail "the roll-out"; }
root=$dir/root
[ "$(stat -c %a "$root/etc/triage-agent/token")" = 600 ] || fail "the token file is not 0600"
[ "$(cat "$root/etc/triage-agent/token")" = "$token" ] || fail "the token file does not hold the host's token"
cmp -s "$bin/triage-agent" "$root/usr/local/bin/triage-agent" || fail "the binary was not installed"
cmp -s Deploy/systemd/triage-agent.service "$root/etc/systemd/system/triage-agent.service" || fail "the unit was not installed"
[ -f "$root/usr/local/share/triage/plugins/disk/plugin.yaml" ] || fail "the plugins were not installed"
grep -q "^host: \"client1\"" "$root/etc/triage-agent/agent.yaml" || fail "the configuration does not name the host"

# The installed agent, as the unit starts it (systemd is not PID 1 here, so by hand): a user of its
# own (DynamicUser=; here nobody), which may read agent.yaml but not root's token; the token only
# as the credential systemd makes of it (LoadCredential=), the spool in its state directory.
chmod 0755 "$dir"
as_unit=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
if "${as_unit[@]}" cat "$root/etc/triage-agent/token" >/dev/null 2>&1; then fail "the unit's user can read root's token file"; fi
"${as_unit[@]}" cat "$root/etc/triage-agent/agent.yaml" >/dev/null || fail "the unit's user cannot read agent.yaml"
install -d -o nobody -g nogroup -m 0700 "$dir/state" "$dir/credentials"
install -o nobody -g nogroup -m 0400 "$root/etc/triage-agent/token" "$dir/credentials/token"
"${as_unit[@]}" env STATE_DIRECTORY="$dir/state" CREDENTIALS_DIRECTORY="$dir/credentials" \
    "$root/usr/local/bin/triage-agent" run --config "$root/etc/triage-agent/agent.yaml" 2>"$dir/agent.log" &
agent_pid=$!
pids+=("$agent_pid")
stored=0
for _ in $(seq 600); do
    stored=$(api GET "/hosts/1/reports" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["items"]))')
    [ "$stored" -ge 1 ] && break
    sleep 0.1
done
kill -TERM "$agent_pid"; wait "$agent_pid" || { cat "$dir/agent.log"; fail "the agent did not exit 0 on SIGTERM"; }
[ "$stored" -ge 1 ] || { cat "$dir/agent.log"; fail "no report from the installed agent"; }
echo "installed under a scratch root on client1; its agent, as the unit's user with the token as a credential, delivered $stored report(s)"

playbook >"$dir/play2.out" 2>&1 || { cat "$dir/play2.out"; fail "the second roll-out"; }
grep -q "client1 *: ok=[0-9]* *changed=0 " "$dir/play2.out" || { cat "$dir/play2.out"; fail "the second roll-out changed something"; }
echo "a second roll-out changes nothing"

. Deploy/lib/check-two-instances.sh
echo "deploy checks passed"
