// The harness's own memory over a long run: the CLI runs a 10-minute scenario
// (scenarios/soak.yaml by default: faults drawn from a seed, the workload
// closed-loop, as fast as the cluster acknowledges), and this script reads the
// harness process's RSS from /proc every 30 s, then prints the peak, the
// acknowledged writes per second and the history's size on disk.
//   BENCH_SCENARIO (default scenarios/soak.yaml), BENCH_WRITERS (default 8: more
//   concurrent writers than the 2 cores, so the cluster, not the harness, is the limit),
//   BENCH_PROVIDER (default local), BENCH_SAMPLE_S (default 30), BENCH_SET (more --set key=value, space-separated,
//   e.g. steps[2].nemesis.duration=2m for a shorter run). Target (issue 10): RSS < 300 MB.
// Between samples, each new high of the RSS by more than 10 MB is printed with the harness's last
// progress line, so that a spike says which step it came in.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const scenario = process.env.BENCH_SCENARIO ?? 'scenarios/soak.yaml';
const writers = Number(process.env.BENCH_WRITERS ?? 8);
const provider = process.env.BENCH_PROVIDER ?? 'local';
const sampleMs = Number(process.env.BENCH_SAMPLE_S ?? 30) * 1000;
const dir = mkdtempSync(join(tmpdir(), 'pc-bench-memory-'));

/** VmRSS and VmHWM of a process in MB, or undefined once it has exited. */
function rssOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

const extra = (process.env.BENCH_SET ?? '').split(' ').filter(Boolean).flatMap((kv) => ['--set', kv]);
const args = ['bin/patroni-chaos.js', 'run', '--provider', provider, scenario, '--set', `workload.writers=${writers}`, ...extra, '--report-dir', dir];
console.log(`memory: node ${args.join(' ')}`);
const started = Date.now();
const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
let last = '';
child.stderr.on('data', (d) => { last = d.toString().trim().split('\n').at(-1) ?? last; });
// bin/patroni-chaos.js runs the program in this process (no re-exec), so the child is the harness.
const samples = [];
const timer = setInterval(() => {
  const m = rssOf(child.pid);
  if (m === undefined) return;
  samples.push(m.rss);
  console.log(`[${Math.round((Date.now() - started) / 1000)} s] RSS ${m.rss.toFixed(0)} MB (peak so far ${m.hwm.toFixed(0)} MB) | ${last.replace(/^\[[^\]]*\]\s*/, '').slice(0, 100)}`);
}, sampleMs);
let hwm = 0;
let reported = 0;
const peak = setInterval(() => {
  const m = rssOf(child.pid);
  if (m === undefined) return;
  hwm = Math.max(hwm, m.hwm);
  if (m.hwm > reported + 10) {
    if (reported > 0) console.log(`  [${Math.round((Date.now() - started) / 1000)} s] new high: ${m.hwm.toFixed(0)} MB | ${last.replace(/^\[[^\]]*\]\s*/, '').slice(0, 100)}`);
    reported = m.hwm;
  }
}, 250);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
clearInterval(timer);
clearInterval(peak);

const reports = execFileSync('find', [dir, '-name', 'report.json'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
for (const r of reports) {
  const json = JSON.parse(readFileSync(r, 'utf8'));
  const seconds = (Date.parse(json.ended_at ?? json.endedAt ?? '') - Date.parse(json.started_at ?? json.startedAt ?? '')) / 1000;
  const history = join(r, '..', 'history.jsonl');
  const ok = json.metrics?.writes?.ok ?? 0;
  console.log(`${json.scenario?.name ?? json.name ?? r}: ${ok} acknowledged writes${Number.isFinite(seconds) ? ` over ${seconds.toFixed(0)} s (${(ok / seconds).toFixed(0)}/s)` : ''}, history on disk ${(statSync(history).size / 2 ** 20).toFixed(0)} MB, verdict ${json.verdict}`);
}
console.log(`harness RSS: peak ${hwm.toFixed(0)} MB (VmHWM), ${samples.length} samples every ${sampleMs / 1000} s, last ${samples.at(-1)?.toFixed(0) ?? '-'} MB; target < 300 MB: ${hwm < 300 ? 'met' : 'NOT met'}; CLI exit ${code}`);
console.log(`reports in ${dir}`);
