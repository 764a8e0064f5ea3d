/** Where every provider keeps its runs' folders (configs, logs, data, reports' evidence). */
export const DEFAULT_RUN_ROOT = '/tmp/patroni-chaos';

export function runRoot(): string {
  return process.env['PATRONI_CHAOS_RUN_ROOT'] ?? DEFAULT_RUN_ROOT;
}
