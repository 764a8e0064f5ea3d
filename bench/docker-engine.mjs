// Docker CLI against the Engine API (dockerode, as src/cluster/docker/engine.ts uses it), call by call, on one
// short-lived container of a local image labelled patroni-chaos.devtest=docker-engine (removed at the end).
// Needs `npm run build` (dist/) and a daemon; starts no cluster. Usage: node bench/docker-engine.mjs [runs=20]
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';

const { execIn, containerLogs } = await import('../dist/cluster/docker/engine.js');
const N = Number(process.argv[2] ?? 20);
const d = new Docker();
const image = (await d.listImages()).flatMap((i) => i.RepoTags ?? []).find((t) => t.startsWith('patroni-chaos/common:'));
if (image === undefined) throw new Error('no patroni-chaos/common image: build one with patroni-chaos images build');
const name = `pcdev-engine-bench-${randomBytes(2).toString('hex')}`;
const c = await d.createContainer({ name, Image: image, Cmd: ['sleep', '600'], Labels: { 'patroni-chaos.devtest': 'docker-engine' } });
await c.start();

const cli = (...args) => {
  const r = spawnSync('docker', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
};
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
async function time(fn) {
  await fn(); // warm-up (connection, page cache)
  const ms = [];
  for (let i = 0; i < N; i++) { const t = performance.now(); await fn(); ms.push(performance.now() - t); }
  return median(ms);
}
const rows = [];
const pair = async (what, viaCli, viaApi) => rows.push({ what, cli: await time(viaCli), api: await time(viaApi) });
try {
  await pair('exec true', () => cli('exec', name, 'true'), async () => { const r = await execIn(name, ['true']); if (r.code !== 0) throw new Error(r.stderr); });
  await pair('exec -i cat (stdin 4 KiB)', () => { const r = spawnSync('docker', ['exec', '-i', name, 'cat'], { input: 'x'.repeat(4096) }); if (r.status !== 0) throw new Error('exec -i'); },
    async () => { const r = await execIn(name, ['cat'], { input: 'x'.repeat(4096) }); if (r.stdout.length !== 4096) throw new Error('stdin'); });
  await pair('inspect State.Status', () => cli('inspect', '--format', '{{.State.Status}}', name), () => c.inspect());
  await pair('pause + unpause', () => { cli('pause', name); cli('unpause', name); }, async () => { await c.pause(); await c.unpause(); });
  await pair('logs --tail 200', () => cli('logs', '--tail', '200', name), () => containerLogs(name, { tail: 200 }));
  await pair('ps -a --filter label', () => cli('ps', '-a', '--filter', 'label=patroni-chaos.devtest', '--format', '{{.Names}}'), () => d.listContainers({ all: true, filters: { label: ['patroni-chaos.devtest'] } }));
  await pair('update --cpus', () => cli('update', '--cpus', '1', name), () => c.update({ NanoCpus: 1e9 }));
  await pair('top -eo pid,stat,comm', () => cli('top', name, '-eo', 'pid,stat,comm'), () => c.top({ ps_args: '-eo pid,stat,comm' }));
} finally {
  await c.remove({ force: true });
}
console.log(`median of ${N} calls each (ms), docker CLI ${spawnSync('docker', ['version', '--format', '{{.Client.Version}}'], { encoding: 'utf8' }).stdout.trim()} vs dockerode against ${(await d.version()).Version}`);
for (const r of rows) console.log(`${r.what.padEnd(28)} cli ${r.cli.toFixed(1).padStart(7)}  api ${r.api.toFixed(1).padStart(7)}  (${(r.cli / r.api).toFixed(1)}x)`);
