import { stringify } from 'yaml';
import { shellQuote } from './shell-quote.js';

/**
 * patroni.yml text. Patroni reads YAML 1.1 (PyYAML), where a bare on, off,
 * yes or no is a boolean: written as YAML 1.1, such strings are quoted and
 * reach Patroni (and its DCS /config) as the strings the scenario gave.
 */
export function patroniYaml(config: Record<string, unknown>): string {
  return stringify(config, { version: '1.1' });
}

/** initdb's options, as Patroni's bootstrap.initdb list spells them: the same for every provider. */
export const INITDB_OPTIONS: ReadonlyArray<string | Record<string, string>> = [{ encoding: 'UTF8' }, { locale: 'C' }, 'data-checksums'];

/** The initdb flags of a Patroni bootstrap.initdb list (Patroni's own rule: `--key=value`, `--flag`). */
export function initdbFlags(options: ReadonlyArray<string | Record<string, string>>): string[] {
  return options.flatMap((o) => (typeof o === 'string' ? [`--${o}`] : Object.entries(o).map(([k, v]) => `--${k}=${v}`)));
}

/**
 * The custom bootstrap command that copies a template data directory (made by
 * initdb with INITDB_OPTIONS) instead of running initdb; Patroni splits it with
 * shlex and then runs post_bootstrap as after initdb, which sets the run's own
 * superuser password (the template has none) and creates the other roles.
 * With `staged`, a whole copy made beforehand is renamed into place when there
 * is one (`mv -T` replaces an empty data folder and refuses a full one); the
 * template is copied otherwise (a second bootstrap attempt, a failed staging).
 */
export function copyCommand(template: string, dataDir: string, staged?: string): string {
  const copy = '{ mkdir -p -m 0700 "$1" && cp -a "$0"/. "$1"/; }';
  // mv's complaint, if any, stays in Patroni's log: a staging that never works would otherwise only show as slower starts.
  const script = staged === undefined ? copy : `{ [ -d "$2" ] && mv -T "$2" "$1"; } || ${copy}`;
  return `sh -c ${[script, template, dataDir, ...(staged === undefined ? [] : [staged])].map(shellQuote).join(' ')}`;
}

/** bootstrap's keys that make Patroni copy a template instead of running initdb (see copyCommand). */
export function templateBootstrap(command: string): Record<string, unknown> {
  return { method: 'template', template: { command, no_params: true } };
}

/**
 * pg_basebackup's options, as Patroni's postgresql.basebackup list spells them: the same for every provider.
 * A fast checkpoint: otherwise pg_basebackup waits for a spread one and a replica takes minutes to build.
 * No sync of its own: a copy taken from a running primary starts as a crashed one (its pg_control says
 * in production), and PostgreSQL fsyncs the whole data directory before it replays a record, so the
 * copy is on disk before the replica serves or acknowledges anything either way; that flush then falls
 * in the second Patroni 3.0 sleeps before it looks at a starting PostgreSQL again, instead of ahead of it.
 */
export const BASEBACKUP_OPTIONS: ReadonlyArray<string | Record<string, string>> = [{ checkpoint: 'fast' }, 'no-sync'];

/**
 * bootstrap.post_bootstrap: the member that bootstraps the cluster creates the
 * other members' replication slots, as Patroni's own would a loop later.
 * Patroni runs it before it takes the leader key, so the slots exist before
 * any replica can build itself from the leader; otherwise a replica that
 * finishes its basebackup within the leader's first loop finds no slot, and
 * PostgreSQL retries the stream only after wal_retrieve_retry_interval (5 s).
 * Slot names are Patroni's for these member names (lower-case letters, digits
 * and _, kept as they are). Undefined when the cluster does not use slots.
 */
export function slotsPostBootstrap(binDir: string, self: string, members: readonly string[], dcs: Record<string, unknown>): string | undefined {
  if (isOff((dcs['postgresql'] as { use_slots?: unknown } | undefined)?.use_slots)) return undefined;
  const others = members.filter((n) => n !== self);
  for (const n of others) if (!/^[a-z0-9_]{1,63}$/.test(n)) throw new Error(`member name ${n} is not its own replication slot name`);
  if (others.length === 0) return undefined;
  const sql = `SELECT pg_catalog.pg_create_physical_replication_slot(n, true) FROM unnest(ARRAY[${others.map((n) => `'${n}'`).join(',')}]) AS n WHERE n NOT IN (SELECT slot_name FROM pg_catalog.pg_replication_slots)`;
  // Patroni splits it as a shell would and appends the connection string, which psql takes as its database.
  return `${shellQuote(`${binDir}/psql`)} -X -q -o /dev/null -v ON_ERROR_STOP=1 -c ${shellQuote(sql)}`;
}

/** A setting Patroni reads as off: false, 0, null, or off/false/no/0 spelt as a string (its parse_bool). */
function isOff(v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v === 'string') return ['off', 'false', 'no', '0'].includes(v.trim().toLowerCase());
  return v === false || v === 0 || v === null;
}
