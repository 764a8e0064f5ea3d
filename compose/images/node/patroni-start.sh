#!/bin/sh
# Patroni on the config the entrypoint chose, logging to the container's own
# output (docker logs) even when started by `docker exec -d`, whose output
# goes nowhere.
exec patroni /etc/patroni/in-force.yml >>/proc/1/fd/1 2>>/proc/1/fd/2
