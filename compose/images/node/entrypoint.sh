#!/bin/sh
# The member's supervisor, run by tini (PID 1). The harness passes the whole
# patroni.yml in PATRONI_CONFIG_B64 (no host folder to mount, and it survives
# `docker restart`); docker-compose.yml mounts /etc/patroni/patroni.yml instead.
#
# Patroni runs as this script's child rather than as PID 1, so that it can die
# alone (the kill-patroni fault) while PostgreSQL, orphaned to tini, keeps
# running and the container with it: the orphaned primary. A heal starts it
# again beside the running PostgreSQL with
#   docker exec -d -u postgres <container> patroni-start
# (same config, same environment). The script lives while Patroni or
# PostgreSQL runs, and forwards SIGTERM/SIGINT (docker stop, through tini) to
# Patroni, which stops PostgreSQL cleanly before the container ends.
set -eu
config=/etc/patroni/patroni.yml
if [ -n "${PATRONI_CONFIG_B64:-}" ]; then
  printf '%s' "$PATRONI_CONFIG_B64" | base64 -d > /etc/patroni/generated.yml
  config=/etc/patroni/generated.yml
fi
# What patroni-start runs, whoever starts it.
ln -sf "$config" /etc/patroni/in-force.yml
# patronictl reads this path by default, so `docker exec ... patronictl list` just works.
mkdir -p "$HOME/.config/patroni" && ln -sf "$config" "$HOME/.config/patroni/patronictl.yaml"

# The seeds topology (src/cluster/docker/seeds-render.ts): PgBouncer beside PostgreSQL, its ini and
# user list in PGBOUNCER_INI_B64 and PGBOUNCER_USERS_B64 (the harness), or mounted files with PGBOUNCER=1. It lives as long as the container, whoever
# runs Patroni; PgBouncer reconnects to PostgreSQL by itself when PostgreSQL comes back.
if [ -n "${PGBOUNCER_INI_B64:-}" ]; then
  install -d -m 0700 /run/postgresql/pgbouncer
  printf '%s' "$PGBOUNCER_INI_B64" | base64 -d > /run/postgresql/pgbouncer/pgbouncer.ini
  (umask 077 && printf '%s' "${PGBOUNCER_USERS_B64:-}" | base64 -d > /run/postgresql/pgbouncer/userlist.txt)
  pgbouncer /run/postgresql/pgbouncer/pgbouncer.ini >>/proc/1/fd/1 2>>/proc/1/fd/2 &
elif [ "${PGBOUNCER:-}" = 1 ]; then
  # docker-compose.seeds.yml mounts /etc/pgbouncer/pgbouncer.ini and its userlist.txt instead.
  pgbouncer /etc/pgbouncer/pgbouncer.ini >>/proc/1/fd/1 2>>/proc/1/fd/2 &
fi

forward() {
  pkill "-$1" -x patroni || true
}
trap 'forward TERM' TERM
trap 'forward INT' INT
# A run's member on its first start (PATRONI_BOOT_ETCD, from the harness): Patroni loads now, while
# etcd elects, and runs once every etcd listed serves a cluster version (at most 30 s): Patroni 3.0
# takes an etcd that answers before then ('not_decided') for none and asks again only 5 s later
# ("waiting on etcd"). A restart of the container, or a Patroni started again by a heal, runs at once.
if [ -n "${PATRONI_BOOT_ETCD:-}" ] && [ -n "${PATRONI_PRELOAD_PY:-}" ] && [ ! -e /etc/patroni/started-once ]; then
  : > /etc/patroni/started-once
  gate=/tmp/patroni-gate
  rm -f "$gate"
  PATRONI_GATE=$gate patroni-start &
  # In the background, so that docker stop's SIGTERM is forwarded meanwhile.
  python3 - "$PATRONI_BOOT_ETCD" <<'PY' &
import json, sys, time, urllib.request
urls, deadline = sys.argv[1].split(','), time.time() + 30
def decided(u):
    try:
        return json.load(urllib.request.urlopen(u + '/version', timeout=1)).get('etcdcluster', '')[:1].isdigit()
    except Exception:
        return False
while time.time() < deadline and not all(decided(u) for u in urls):
    time.sleep(0.05)
PY
  wait $! || true
  : > "$gate"
else
  patroni-start &
fi
# The first check waits for the child to have exec'd Patroni (its process name).
while sleep 0.5 & wait $!; pgrep -x patroni >/dev/null || pgrep -x postgres >/dev/null; do :; done
