#!/bin/sh
# Config from HAPROXY_CONFIG_B64 (the harness) or a mounted file (docker-compose.yml).
set -eu
config=/etc/haproxy/haproxy.cfg
if [ -n "${HAPROXY_CONFIG_B64:-}" ]; then
  printf '%s' "$HAPROXY_CONFIG_B64" | base64 -d > /etc/haproxy/generated.cfg
  config=/etc/haproxy/generated.cfg
fi
# The seeds topology: keepalived moves the VIP between the two HAProxies (KEEPALIVED_CONFIG_B64 from the
# harness, or a mounted /etc/keepalived/keepalived.conf with KEEPALIVED=1 from docker-compose). It runs
# beside HAProxy, which stays PID 1, so that a killed HAProxy ends the container and the VRRP adverts with it.
# A `docker start` after a `docker kill` finds the pid files of the keepalived it killed in the
# container's filesystem; keepalived refuses to start when one names a live process, and pids are
# reused from 1 in the new incarnation: remove them before starting it.
rm -f /run/keepalived.pid /run/vrrp.pid /run/checkers.pid /run/bfd.pid /run/keepalived/*.pid
if [ -n "${KEEPALIVED_CONFIG_B64:-}" ]; then
  mkdir -p /etc/keepalived
  printf '%s' "$KEEPALIVED_CONFIG_B64" | base64 -d > /etc/keepalived/generated.conf
  keepalived --dont-fork --log-console -f /etc/keepalived/generated.conf &
elif [ "${KEEPALIVED:-}" = 1 ]; then
  keepalived --dont-fork --log-console -f /etc/keepalived/keepalived.conf &
fi
# -W master-worker, -db stay in the foreground: docker kill/stop signal it directly.
exec haproxy -W -db -f "$config"
