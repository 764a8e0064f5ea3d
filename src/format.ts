/**
 * Number formatting shared by the checks' messages and the Markdown, HTML and compare outputs, so
 * that the same figure reads the same everywhere.
 */

/** "4.2 ms", "850 ms", "27.4 s", "2 min 05 s"; "—" when not measured. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  // Sub-10 ms latencies differ in their tenths; anything longer does not.
  if (abs < 9.95) return `${sign}${abs.toFixed(1).replace(/\.0$/, '')} ms`;
  if (abs < 999.5) return `${sign}${Math.round(abs)} ms`;
  // 59.96 s would round to "60.0 s"; switch to minutes on the rounded value.
  const tenths = Math.round(abs / 100);
  if (tenths < 600) return `${sign}${(tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(abs / 1000);
  return `${sign}${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** "1,234"; "—" when not measured. Locale-independent so reports are reproducible. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const [int = '0', frac] = String(Math.abs(n)).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 ? '-' : ''}${grouped}${frac === undefined ? '' : `.${frac}`}`;
}

/** Durations are the metrics named *_ms; everything else is a count. */
export function isDurationMetric(metric: string): boolean {
  return metric.endsWith('_ms');
}

export function formatMetric(metric: string, value: number | null | undefined): string {
  return isDurationMetric(metric) ? formatDuration(value) : formatCount(value);
}

/** A signed difference, "+22.8 s" / "-3"; "0" for no change, "—" when a side is missing. */
export function formatDelta(metric: string, delta: number | null): string {
  if (delta === null) return '—';
  if (delta === 0) return '0';
  const text = formatMetric(metric, delta);
  return delta > 0 ? `+${text}` : text;
}

/** Offset from the run start as "+12.3 s", the unit people read a drill timeline in. */
export function formatOffset(ms: number): string {
  return `+${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
