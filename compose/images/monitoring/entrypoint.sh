#!/bin/sh
# prometheus | alertmanager, configured from the environment the harness sets
# (src/alerts/monitoring-setup.ts renders it): PROMETHEUS_CONFIG_B64 and one
# PROMETHEUS_RULE_<n>=<file name>:<base64> per rule file; ALERTMANAGER_CONFIG_B64.
# Each runs in the foreground as PID 1's child of exec: docker stop signals it directly.
set -eu
mkdir -p /etc/patroni-chaos/rules /var/lib/patroni-chaos
case "${1:-}" in
  prometheus)
    printf '%s' "$PROMETHEUS_CONFIG_B64" | base64 -d > /etc/patroni-chaos/prometheus.yml
    env | sed -n 's/^PROMETHEUS_RULE_[0-9]*=//p' | while IFS=: read -r name b64; do
      printf '%s' "$b64" | base64 -d > "/etc/patroni-chaos/rules/$name"
    done
    exec prometheus --config.file=/etc/patroni-chaos/prometheus.yml \
      --storage.tsdb.path=/var/lib/patroni-chaos/prometheus --web.listen-address=0.0.0.0:9090
    ;;
  alertmanager)
    printf '%s' "$ALERTMANAGER_CONFIG_B64" | base64 -d > /etc/patroni-chaos/alertmanager.yml
    # No cluster listener: one Alertmanager per run, no gossip.
    exec prometheus-alertmanager --config.file=/etc/patroni-chaos/alertmanager.yml \
      --storage.path=/var/lib/patroni-chaos/alertmanager --web.listen-address=0.0.0.0:9093 --cluster.listen-address=
    ;;
  *)
    echo "usage: monitoring-entrypoint prometheus|alertmanager" >&2
    exit 2
    ;;
esac
