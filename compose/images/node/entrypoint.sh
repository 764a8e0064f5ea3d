#!/bin/sh
# The harness passes the whole patroni.yml in PATRONI_CONFIG_B64 (no host
# folder to mount, and it survives `docker restart`); docker-compose.yml
# mounts /etc/patroni/patroni.yml instead.
set -eu
config=/etc/patroni/patroni.yml
if [ -n "${PATRONI_CONFIG_B64:-}" ]; then
  printf '%s' "$PATRONI_CONFIG_B64" | base64 -d > /etc/patroni/generated.yml
  config=/etc/patroni/generated.yml
fi
# patronictl reads this path by default, so `docker exec ... patronictl list` just works.
mkdir -p "$HOME/.config/patroni" && ln -sf "$config" "$HOME/.config/patroni/patronictl.yaml"
# Patroni as PID 1 forks itself and reaps PostgreSQL's orphans, so no init is needed.
exec patroni "$config"
