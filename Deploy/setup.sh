#!/usr/bin/env bash
# Installs from Debian what building and testing Triage need, and nothing more.
# Idempotent: packages already present are left alone and apt is not touched at all.
set -euo pipefail

packages=(
  pkg-config        # finds libssh2 for the CLibSSH2 system library target
  libssh2-1-dev     # the SSH client library TriageSSH wraps
  libssl-dev        # OpenSSL's TLS for TriageHTTP, the agent's HTTP client (libssh2 uses its libcrypto)
  libyaml-dev       # the YAML parser TriageYAML wraps (the agent's configurations and plugin manifests)
  openssh-client    # ssh-keygen and ssh-agent, used by the tests
  openssh-server    # the real sshd the tests start on loopback
  procps            # pgrep, used by the tests to prove a timed-out command was killed
  iproute2          # ip netns: the tests' network namespaces as test hosts
  dash              # /bin/sh on Debian: the plugins must run under it
  monitoring-plugins-basic  # real Nagios plugins (check_disk, check_load) the tests run through the agent
  curl              # the README's API examples and the coordinator's process tests
  python3-venv      # a private venv for schemathesis (Tests/Live/run.sh)
  chromium          # the real browser the dispatch board is tested in (headless)
  chromium-driver   # WebDriver for it: the board tests log in, click and book through it
  fonts-dejavu-core # so the board's screenshots have text in them
  postgresql        # PostgreSQL 15: the shared store's tests start a throwaway server; pg_dump for backups
  nginx-light       # the two-instance load-balancer example is checked through a real nginx
  shellcheck        # the plugins and Deploy scripts are checked with it (Tests/Live/run.sh)
  prometheus        # for promtool: /metrics is checked with `promtool check metrics` (its service is kept from starting)
  postfix           # the real MTA the mail tests deliver through to `triage mailgate` (started by the tests, loopback only)
  prometheus-alertmanager  # the real Alertmanager whose webhook the alert tests receive (started by the tests; its service is kept from starting)
)

if [ ! -f /etc/debian_version ]; then
  echo "setup.sh: this script is for Debian 12 (bookworm); install the equivalents of: ${packages[*]}" >&2
  exit 1
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: missing packages: ${missing[*]}" >&2
    echo "run as root:  sudo bash Deploy/setup.sh   (or: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  # Keep the package's own sshd service from starting: the tests start their own, on loopback.
  policy=/usr/sbin/policy-rc.d
  made_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && made_policy=1
  fi
  trap '[ "$made_policy" = 1 ] && rm -f "$policy"' EXIT
  export DEBIAN_FRONTEND=noninteractive
  # Postfix asks what it is for: local delivery only (the tests configure the rest and start it themselves).
  printf 'postfix postfix/main_mailer_type select Local only\npostfix postfix/mailname string triage.test\n' | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# axe-core, the accessibility checker the browser tests run on every page type: axe.min.js as
# PyPI's axe-playwright-python ships it (only the script is used), kept under .build/.
axe="$(cd "$(dirname "$0")/.." && pwd)/.build/axe-core/axe.min.js"
if [ ! -s "$axe" ]; then
  fetch=$(mktemp -d)
  python3 -m venv "$fetch/venv"
  "$fetch/venv/bin/pip" download -q --no-deps --dest "$fetch" "axe-playwright-python==0.1.8"
  mkdir -p "$(dirname "$axe")"
  python3 -c 'import glob, sys, zipfile
wheel = zipfile.ZipFile(glob.glob(sys.argv[1] + "/axe_playwright_python-*.whl")[0])
open(sys.argv[2], "wb").write(wheel.read("axe_playwright_python/axe.min.js"))' "$fetch" "$axe"
  rm -rf "$fetch"
fi

# The tests' receivers, in a venv of their own under .build/: aiosmtpd, the SMTP server the mail
# tests send to (Tests/Mail/smtp_sink.py), and the Standard Webhooks library the webhook receiver
# verifies signatures with (Tests/Webhooks/receiver.py).
mail_venv="$(cd "$(dirname "$0")/.." && pwd)/.build/mail-venv"
if ! "$mail_venv/bin/python3" -c 'import aiosmtpd, standardwebhooks' 2>/dev/null; then
  [ -x "$mail_venv/bin/pip" ] || python3 -m venv "$mail_venv"
  "$mail_venv/bin/pip" install -q "aiosmtpd==1.4.6" "standardwebhooks==1.1.0"
fi

# sshd refuses to start without its privilege-separation folder.
if [ "$(id -u)" -eq 0 ]; then mkdir -p /run/sshd; fi

if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    echo "setup.sh: Swift is at /opt/swift; add it to PATH:  export PATH=/opt/swift/usr/bin:\$PATH" >&2
  else
    echo "setup.sh: Swift 6.1 or newer is needed (swift.org toolchain for Debian 12); it is not a Debian package" >&2
  fi
  exit 1
fi
echo "setup.sh: ready ($(swift --version 2>/dev/null | head -n 1); libssh2 $(pkg-config --modversion libssh2); axe-core $(grep -o 'version="[0-9.]*"' "$axe" | head -n 1 | cut -d'"' -f2))"
