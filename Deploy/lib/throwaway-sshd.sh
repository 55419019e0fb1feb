# shellcheck shell=bash disable=SC2154,SC2034 # sourced: $dir is the caller's, $sshd_pid is for it
# Sourced by the try-*.sh demos: starts a throwaway sshd on a free loopback port with its own
# host key and a technician key in "$dir" (which the caller made), and sets $port and $sshd_pid.
# The caller stops it by that PID.
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$dir/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -f "$dir/technician_ed25519" -C technician
cp "$dir/technician_ed25519.pub" "$dir/authorized_keys"
free_port() {
    local p=$((20000 + RANDOM % 12000))
    while (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((20000 + RANDOM % 12000)); done
    echo "$p"
}
port=$(free_port)
cat > "$dir/sshd_config" <<CONFIG
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_ed25519
PidFile none
AuthorizedKeysFile $dir/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
SetEnv SHLVL=1
CONFIG
/usr/sbin/sshd -D -f "$dir/sshd_config" -E "$dir/sshd.log" &
sshd_pid=$!
for _ in $(seq 50); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
