# Runs the client's own check_disk (Debian: monitoring-plugins-basic) with the manifest's levels.
plugin=/usr/lib/nagios/plugins/check_disk
if [ ! -x "$plugin" ]; then
    echo "DISK UNKNOWN - $plugin not found: install monitoring-plugins-basic on this host"
    exit 3
fi
exec "$plugin" -w "$TRIAGE_WARN" -c "$TRIAGE_CRIT" -p "$TRIAGE_PATH"
