#!/bin/sh
# Config from HAPROXY_CONFIG_B64 (the harness) or a mounted file (docker-compose.yml).
set -eu
config=/etc/haproxy/haproxy.cfg
if [ -n "${HAPROXY_CONFIG_B64:-}" ]; then
  printf '%s' "$HAPROXY_CONFIG_B64" | base64 -d > /etc/haproxy/generated.cfg
  config=/etc/haproxy/generated.cfg
fi
# -W master-worker, -db stay in the foreground: docker kill/stop signal it directly.
exec haproxy -W -db -f "$config"
