#!/usr/bin/env bash
# The sweep benchmark, run by Benchmarks/run.sh inside a network namespace that has only
# loopback (so the network plugin's gateway and DNS probes leave nothing on the wire).
#
# N "hosts" are N loopback ports served by sshds (16 ports each). Every tool gets the same ed25519 key,
# the same known_hosts (one [127.0.0.1]:PORT line per host) with host-key checking on, and the
# same script: the disk + network + services bundle that `triage-agent plugins script` prints,
# which is exactly what a triage sweep sends. Tools run interleaved, ROUNDS times each.
#
# usage: sweep.sh AGENT VENV OUT   (env: N, C, ROUNDS, TOOLS)
# Writes OUT: one line per run, "tool round hosts complete wall_s client_cpu_s exit host_cpu_ms"
# (host_cpu_ms: the sshds and the plugins; 0 where this machine has no cgroup v1 cpuacct).
set -euo pipefail
agent=$1 venv=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
plugins=$(cd "$here/../../Plugins" && pwd)
n=${N:-200} c=${C:-32} rounds=${ROUNDS:-2}
tools=${TOOLS:-"triage limit parallel-ssh ssh ansible"}
checks=disk,network,services

dir=$(mktemp -d /tmp/triage-sweep.XXXXXX)
sshd_pids=()
# The host side's CPU (every sshd and what it runs: the plugins) is counted in a cpuacct group.
hosts_group=/sys/fs/cgroup/cpuacct/triage-bench-hosts-$$
[ -w /sys/fs/cgroup/cpuacct ] && mkdir "$hosts_group" || hosts_group=
host_ns() { if [ -n "$hosts_group" ]; then cat "$hosts_group/cpuacct.usage"; else echo 0; fi; }
cleanup() {
    for pid in "${sshd_pids[@]}"; do kill "$pid" 2>/dev/null; done
    if [ -n "$hosts_group" ]; then
        for _ in $(seq 50); do [ -z "$(cat "$hosts_group/cgroup.procs")" ] && break; sleep 0.1; done
        rmdir "$hosts_group" 2>/dev/null || true
    fi
    [ -n "${KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT

# --- hosts: N loopback ports, 16 per sshd (its MAX_LISTEN_SOCKS) ---------------------------
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$dir/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -f "$dir/key"
cp "$dir/key.pub" "$dir/authorized_keys"
base=22000
for first in $(seq 1 16 "$n"); do
    config=$dir/sshd_$first.config
    {
        for i in $(seq "$first" $((first + 15 < n ? first + 15 : n))); do echo "Port $((base + i))"; done
        cat <<CONFIG
ListenAddress 127.0.0.1
HostKey $dir/host_ed25519
PidFile $dir/sshd_$first.pid
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
MaxStartups $((2 * c + 64)):30:$((4 * c + 128))
SetEnv SHLVL=1
LogLevel ERROR
CONFIG
    } >"$config"
    /usr/sbin/sshd -D -f "$config" -E "$dir/sshd.log" &
    sshd_pids+=($!)
    [ -z "$hosts_group" ] || echo $! >"$hosts_group/cgroup.procs"
done
hostkey=$(cut -d' ' -f1,2 "$dir/host_ed25519.pub")
: >"$dir/known_hosts" >"$dir/ports" >"$dir/ansible.ini"
echo "hosts:" >"$dir/inventory.yaml"
for i in $(seq "$n"); do
    port=$((base + i)) name=$(printf 'h%04d' "$i")
    echo "[127.0.0.1]:$port $hostkey" >>"$dir/known_hosts"
    echo "$port" >>"$dir/ports"
    printf '  %s: { address: 127.0.0.1, port: %d, user: root }\n' "$name" "$port" >>"$dir/inventory.yaml"
    echo "$name ansible_host=127.0.0.1 ansible_port=$port" >>"$dir/ansible.ini"
done
for port in $(seq $((base + 1)) 16 $((base + n))) $((base + n)); do
    for _ in $(seq 100); do
        ssh-keyscan -p "$port" 127.0.0.1 2>/dev/null | grep -q ed25519 && break
        sleep 0.1
    done
done

# The same script for everyone; `true` stands in for the plugins in the sshd-bound limit.
"$agent" plugins script --checks "$checks" --plugins-dir "$plugins" >"$dir/bundle.sh"
token=$(grep -o 'TRIAGE[0-9A-F]\{32\}' "$dir/bundle.sh" | head -1)
mkdir -p "$dir/noop/noop"
printf 'name: noop\nsummary: does nothing\nprotocol: local\nscript: check.sh\ntimeout: 15s\n' >"$dir/noop/noop/plugin.yaml"
echo 'echo "0 noop - ok"' >"$dir/noop/noop/check.sh"

ssh_opts=(-F /dev/null -i "$dir/key" -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile="$dir/known_hosts"
          -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o KexAlgorithms=curve25519-sha256)
sweep=("$agent" sweep --inventory "$dir/inventory.yaml" --concurrency "$c" --known-hosts "$dir/known_hosts"
       -i "$dir/key" -F /dev/null --format json)

run_tool() {
    local tool=$1 result=$dir/out.$1 complete host_before
    rm -rf "$result" "$result.d"
    host_before=$(host_ns)
    case $tool in
    triage)
        read -r wall cpu code < <(python3 "$here/measure.py" "$result" "${sweep[@]}" --checks "$checks" --plugins-dir "$plugins")
        complete=$(python3 "$here/count.py" triage "$result") ;;
    limit)
        read -r wall cpu code < <(python3 "$here/measure.py" "$result" "${sweep[@]}" --checks noop --plugins-dir "$dir/noop")
        complete=$(python3 "$here/count.py" triage "$result") ;;
    parallel-ssh)
        read -r wall cpu code < <(python3 "$here/measure.py" "$result" "$venv/bin/python" "$here/pssh-sweep.py" \
            "$dir/ports" "$dir/bundle.sh" "$dir/key" "$dir/known_hosts" "$c" "$result.d")
        complete=$(python3 "$here/count.py" markers "$token" 3 "$result.d") ;;
    ssh)
        mkdir -p "$result.d"
        read -r wall cpu code < <(python3 "$here/measure.py" "$result" xargs -P "$c" -I{} \
            sh -c 'out=$1/$2; shift 2; exec ssh "$@" <"$0" >"$out" 2>/dev/null' "$dir/bundle.sh" "$result.d" {} "${ssh_opts[@]}" -p {} root@127.0.0.1 sh -s \
            <"$dir/ports")
        cat "$result.d"/* >"$result.all" 2>/dev/null || true
        complete=$(python3 "$here/count.py" markers "$token" 3 "$result.all") ;;
    ansible)
        mkdir -p "$result.d" "$dir/ansible-cp" "$dir/ansible-tmp"
        read -r wall cpu code < <(env ANSIBLE_PIPELINING=1 ANSIBLE_HOST_KEY_CHECKING=1 ANSIBLE_REMOTE_USER=root \
            ANSIBLE_PRIVATE_KEY_FILE="$dir/key" ANSIBLE_SSH_CONTROL_PATH_DIR="$dir/ansible-cp" ANSIBLE_LOCAL_TEMP="$dir/ansible-tmp" \
            ANSIBLE_SSH_ARGS="-C -o ControlMaster=auto -o ControlPersist=60s ${ssh_opts[*]:2}" ANSIBLE_DEPRECATION_WARNINGS=0 \
            python3 "$here/measure.py" "$result" "$venv/bin/ansible" all -i "$dir/ansible.ini" -m script -a "$dir/bundle.sh" \
            -f "$c" -t "$result.d")
        complete=$(python3 "$here/count.py" tree "$token" 3 "$result.d") ;;
    esac
    echo "$tool $round $n $complete $wall $cpu $code $(( ($(host_ns) - host_before) / 1000000 ))" | tee -a "$out"
}

: >"$out"
for round in $(seq "$rounds"); do
    for tool in $tools; do run_tool "$tool"; done
done
