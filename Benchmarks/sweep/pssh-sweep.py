"""parallel-ssh's side of the sweep benchmark: the same script on every host, pool size C.

parallel-ssh 2.x does not check host keys at all, so this client checks each host's key against
the same known_hosts file right after the handshake (libssh2's knownhost API, as triage does)
and refuses the host before authenticating when it does not match.

usage: pssh-sweep.py HOSTS_FILE SCRIPT KEY KNOWN_HOSTS CONCURRENCY OUT
HOSTS_FILE has one port per line (all on 127.0.0.1). Writes every host's stdout to OUT.
"""
import shlex
import sys

from gevent import monkey  # noqa: F401  (parallel-ssh runs on gevent)
from pssh.clients import ParallelSSHClient
from pssh.clients.native.single import SSHClient
from pssh.config import HostConfig
from ssh2 import knownhost as kh

hosts_file, script_file, key, known_hosts, concurrency, out = sys.argv[1:7]
ports = [int(line) for line in open(hosts_file) if line.strip()]
script = open(script_file).read()

KEY_TYPES = {
    0: kh.LIBSSH2_KNOWNHOST_KEY_SSHRSA, 1: kh.LIBSSH2_KNOWNHOST_KEY_SSHRSA,
    3: kh.LIBSSH2_KNOWNHOST_KEY_ECDSA_256, 4: kh.LIBSSH2_KNOWNHOST_KEY_ECDSA_384,
    5: kh.LIBSSH2_KNOWNHOST_KEY_ECDSA_521, 6: kh.LIBSSH2_KNOWNHOST_KEY_ED25519,
}


class CheckedClient(SSHClient):
    def _init_session(self, retries=1):
        super()._init_session(retries)
        key, key_type = self.session.hostkey()
        known = self.session.knownhost_init()
        known.readfile(known_hosts)
        mask = kh.LIBSSH2_KNOWNHOST_TYPE_PLAIN | kh.LIBSSH2_KNOWNHOST_KEYENC_RAW | KEY_TYPES.get(key_type, 0)
        known.checkp(b"127.0.0.1", self.port, key, mask)  # raises unless the key matches


class CheckedParallelClient(ParallelSSHClient):
    def _make_ssh_client(self, host, cfg, _pkey_data):
        return CheckedClient(host, user=cfg.user or self.user, port=cfg.port, pkey=_pkey_data,
                             num_retries=1, timeout=self.timeout, allow_agent=False, identity_auth=False)


client = CheckedParallelClient(["127.0.0.1"] * len(ports), host_config=[HostConfig(port=p) for p in ports],
                               user="root", pkey=key, pool_size=int(concurrency), timeout=60,
                               allow_agent=False, identity_auth=False, num_retries=1)
# The script goes in the command line: run_command starts every command before anything reads
# output, so feeding stdin afterwards would hold all N sessions open at once.
output = client.run_command("sh -c " + shlex.quote(script), stop_on_errors=False)
client.join(output)
failed = 0
with open(out, "w") as sink:
    for host_out in output:
        if host_out.exception is not None:
            failed += 1
            print(f"port {host_out.client.port if host_out.client else '?'}: {host_out.exception!r}", file=sys.stderr)
            continue
        for line in host_out.stdout:
            sink.write(line + "\n")
sys.exit(1 if failed else 0)
