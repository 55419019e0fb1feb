"""The peer agents as their servers use them: Zabbix's zabbix_agentd polled item by item like a
Zabbix server, Prometheus's node_exporter scraped like a Prometheus server, and a throwaway sshd on
loopback for the collector's agentless checks. Used by footprint.py."""
import socket
import struct
import subprocess
import time
import urllib.request

# Items a Zabbix server would poll for what the triage plugins check: filesystems (space,
# inodes, options), interfaces and their counters, a TCP endpoint, listening ports, processes.
ZABBIX_ITEMS = [
    "vfs.fs.get", "vfs.fs.discovery", "vfs.fs.size[/,pused]", "vfs.fs.inode[/,pused]",
    "net.if.discovery", "net.if.in[lo]", "net.if.out[lo]", "net.if.in[lo,errors]",
    "net.tcp.port[127.0.0.1,10050]", "net.tcp.listen[10050]",
    "proc.num[zabbix_agentd]", "proc.num[,,run]", "system.cpu.load[all,avg1]", "system.uptime",
]


def zabbix_config(work):
    path = f"{work}/zabbix_agentd.conf"
    open(path, "w").write(f"LogType=console\nPidFile={work}/zabbix_agentd.pid\nServer=127.0.0.1\nListenIP=127.0.0.1\n"
                          "ListenPort=10050\nAllowRoot=1\nStartAgents=3\nTimeout=3\n")
    return path


def zabbix_get(key):
    with socket.create_connection(("127.0.0.1", 10050), timeout=5) as connection:
        body = key.encode()
        connection.sendall(b"ZBXD\x01" + struct.pack("<II", len(body), 0) + body)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    if not answer.startswith(b"ZBXD\x01"):
        raise RuntimeError(f"zabbix_agentd answered {key} with {answer[:40]!r}")
    return answer[13:].decode(errors="replace")


def poll_zabbix():
    """All items; returns how many were supported (a ZBX_NOTSUPPORTED answer is still work done)."""
    return sum(not zabbix_get(key).startswith("ZBX_NOTSUPPORTED") for key in ZABBIX_ITEMS)


def scrape_node_exporter():
    text = urllib.request.urlopen("http://127.0.0.1:9100/metrics", timeout=10).read().decode()
    if "node_filesystem_avail_bytes" not in text or "node_netstat_Tcp_CurrEstab" not in text:
        raise RuntimeError("node_exporter's scrape has no filesystem or TCP metrics")
    return text.count("\n")


class SSHHost:
    """An sshd for a loopback port with its own host key, a client key and a known_hosts line: the
    host a collector checks without an agent. The caller starts `command` (in a group of its own)."""

    def __init__(self, work, port):
        self.port, self.key, self.known_hosts = port, f"{work}/collector_ed25519", f"{work}/known_hosts"
        subprocess.run(["mkdir", "-p", "/run/sshd"], check=True)
        for name in ("host_ed25519", "collector_ed25519"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{work}/{name}"], check=True)
        open(f"{work}/authorized_keys", "w").write(open(f"{self.key}.pub").read())
        open(f"{work}/sshd_config", "w").write(
            f"Port {port}\nListenAddress 127.0.0.1\nHostKey {work}/host_ed25519\nPidFile {work}/sshd.pid\n"
            f"AuthorizedKeysFile {work}/authorized_keys\nPermitRootLogin prohibit-password\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\nSetEnv SHLVL=1\nLogLevel ERROR\n")
        key = " ".join(open(f"{work}/host_ed25519.pub").read().split()[:2])
        open(self.known_hosts, "w").write(f"[127.0.0.1]:{port} {key}\n")
        self.command = ["/usr/sbin/sshd", "-D", "-f", f"{work}/sshd_config", "-E", f"{work}/sshd.log"]

    def wait(self):
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the collector's sshd did not come up")
