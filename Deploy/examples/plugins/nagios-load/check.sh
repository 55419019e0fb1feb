# Runs the client's own check_load (Debian: monitoring-plugins-basic).
plugin=/usr/lib/nagios/plugins/check_load
if [ ! -x "$plugin" ]; then
    echo "LOAD UNKNOWN - $plugin not found: install monitoring-plugins-basic on this host"
    exit 3
fi
exec "$plugin" -w "$TRIAGE_WARN" -c "$TRIAGE_CRIT"
