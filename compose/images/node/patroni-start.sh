#!/bin/sh
# Patroni on the config the entrypoint chose, logging to the container's own
# output (docker logs) even when started by `docker exec -d`, whose output
# goes nowhere. With PATRONI_GATE (the entrypoint's first start of a run's
# member only), Python loads Patroni now and runs it once the gate file
# exists (PATRONI_PRELOAD_PY, from src/cluster/render/patroni-preload.ts).
if [ -n "${PATRONI_GATE:-}" ] && [ -n "${PATRONI_PRELOAD_PY:-}" ]; then
  exec python3 -c "$PATRONI_PRELOAD_PY" "$PATRONI_GATE" /etc/patroni/in-force.yml >>/proc/1/fd/1 2>>/proc/1/fd/2
fi
exec patroni /etc/patroni/in-force.yml >>/proc/1/fd/1 2>>/proc/1/fd/2
