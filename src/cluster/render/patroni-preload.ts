/**
 * Patroni started ahead of time: Patroni's Python and its modules take a few
 * tenths of a second to load (a second on a loaded machine), and Patroni must
 * not run before etcd serves (its etcd client waits 5 s after a first refused
 * or undecided contact). So the interpreter starts early, loads Patroni, and
 * waits for a gate file that the provider makes once etcd serves; Patroni's
 * own main() then runs exactly as its entry script would run it. The local
 * provider (local/patroni-launch.ts) and the docker node image (entrypoint.sh,
 * patroni-start.sh) both start it so.
 */

/**
 * Loads what Patroni's main() imports, waits for the gate (argv[1]), then runs
 * main() with the rest of argv as Patroni's. A module that a version lacks is
 * left to main() to import (or not): loading it early only saves time.
 */
export const PATRONI_PRELOAD = [
  'import os, sys, time',
  // Named as its entry script would be (ps, pgrep -x patroni: the docker entrypoint and faults find it so).
  'try:',
  "    import ctypes; ctypes.CDLL(None).prctl(15, b'patroni', 0, 0, 0)",
  'except Exception:',
  '    pass',
  "gate, sys.argv = sys.argv[1], ['patroni'] + sys.argv[2:]",
  'from patroni.__main__ import main',
  "for m in ('patroni.psycopg', 'patroni.config', 'patroni.validator', 'patroni.api', 'patroni.dcs', 'patroni.dcs.etcd3', 'patroni.ha', 'patroni.postgresql', 'patroni.request', 'patroni.watchdog'):",
  '    try:',
  '        __import__(m)',
  '    except Exception:',
  '        pass',
  'while not os.path.exists(gate):',
  '    time.sleep(0.01)',
  'sys.exit(main())',
].join('\n');
