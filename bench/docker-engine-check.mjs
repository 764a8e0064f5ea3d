// The engine module's calls against the local daemon, printed for a reader to compare with what the docker CLI gave
// (exit codes, stdin, demultiplexed output, timeouts, the daemon's messages). Makes only containers, a network and a
// volume labelled patroni-chaos.devtest=dockerode with a run id of its own, and removes them itself; no cluster, no sweep.
// Needs `npm run build` (dist/) and a patroni-chaos/common image. Usage: node bench/docker-engine-check.mjs (about 35 s:
// one graceful restart of a shell that ignores SIGTERM waits its 30 s).
import { randomBytes } from 'node:crypto';
const W = new URL('../dist/cluster/docker/', import.meta.url).href;
const { Container } = await import(W + 'container.js');
const { MemberContainer } = await import(W + 'member-container.js');
const { engine, execIn, requireDaemon, containerLogs } = await import(W + 'engine.js');
const { createRunNetwork } = await import(W + 'network.js');
const { runSpec } = await import(W + 'start.js');
const { leftovers } = await import(W + 'sweep.js');
const { listDockerRuns } = await import(W + 'runs.js');
const { imageExists } = await import(W + 'images.js');
const d = engine();
const IMG = (await d.listImages()).flatMap((i) => i.RepoTags ?? []).find((t) => t.startsWith('patroni-chaos/common:'));
if (IMG === undefined) throw new Error('no patroni-chaos/common image: build one with patroni-chaos images build');
const id = `devtest-dockerode-${randomBytes(2).toString('hex')}`;
const labels = { 'patroni-chaos.devtest': 'dockerode', 'patroni-chaos.run': id, 'patroni-chaos.node': 'x' };
const log = (k, v) => console.log(k.padEnd(34), JSON.stringify(v));
const made = { containers: [], networks: [], volumes: [] };
try {
  log('requireDaemon', await requireDaemon());
  log('imageExists common / missing', [await imageExists(IMG), await imageExists('patroni-chaos/none:nope')]);
  const net = await createRunNetwork(`pc-${id}`, labels); made.networks.push(net.name);
  log('network', { name: net.name, subnet: net.subnet, gw: net.gateway });
  await d.createVolume({ Name: `pc-${id}-data`, Labels: labels }); made.volumes.push(`pc-${id}-data`);
  const spec = runSpec({ name: `pc-${id}-a`, hostname: 'a', image: IMG, network: net.name, ip: net.ip(0), labels, ports: { 5432: 40000 + Math.floor(Math.random() * 2000) }, cmd: ['sh', '-c', 'echo started-out; echo started-err >&2; exec sleep 600'], env: { FOO: 'bar' }, binds: [`pc-${id}-data:/data`] });
  const c1 = await d.createContainer(spec); made.containers.push(spec.name); await c1.start();
  const box = new Container(spec.name);
  log('state', await box.state());
  log('ips (want ' + net.ip(0) + ')', await box.ips());
  log('exec env FOO, hostname', (await box.exec(['sh', '-c', 'echo $FOO $(hostname); id -un'])));
  log('exec as root', (await box.exec(['id', '-un'], { user: 'root' })));
  log('exec exit 3 + stderr', await box.exec(['sh', '-c', 'echo out; echo err >&2; exit 3']));
  log('exec missing binary', await box.exec(['nosuchbin']));
  log('exec stdin', await box.exec(['sh', '-c', 'cat > /tmp/f && wc -c < /tmp/f && cat /tmp/f'], { input: 'hello\nworld\n' }));
  const big = 'x'.repeat(1 << 20);
  log('exec stdin 1 MiB', (await box.exec(['wc', '-c'], { input: big })).stdout.trim());
  log('exec stdout 1 MiB', (await box.exec(['sh', '-c', 'head -c 1048576 /dev/zero | tr "\\0" y'])).stdout.length);
  const t0 = Date.now(); const slow = await box.exec(['sleep', '5'], { timeoutMs: 300 });
  log('exec timeout 300ms', { ...slow, ms: Date.now() - t0 });
  log('exec detach', await box.exec(['sh', '-c', 'sleep 1; echo detached > /tmp/d'], { detach: true }));
  await new Promise((r) => setTimeout(r, 1500));
  log('  detached wrote', (await box.exec(['cat', '/tmp/d'])).stdout);
  log('logs', await box.logs(10));
  const since = new Date(Date.now() - 60_000).toISOString();
  log('timestampedLogs since', await box.timestampedLogs(since));
  log('timestampedLogs future since', await box.timestampedLogs(new Date(Date.now() + 60_000).toISOString()));
  log('pid(etcd) = PID 1 on host', await box.pid('etcd'));
  log('nanoCpus', await box.nanoCpus()); await box.setCpus(0.5); log('after setCpus 0.5', await box.nanoCpus());
  log('daemonCpus', await box.daemonCpus());
  await box.pause(); log('paused state', await box.state());
  log('exec in paused', await box.exec(['true']));
  await box.unpause(); log('unpaused', await box.state());
  log('leftovers(run)', await leftovers(id));
  log('listDockerRuns mine', (await listDockerRuns()).filter((r) => r.runId === id));
  const mc = new MemberContainer(spec.name);
  log('MemberContainer pid(patroni) none', await mc.pid('patroni'));
  log('signal postgres (pkill no match)', await box.signal('postgres', 'SIGTERM'));
  const tr = Date.now(); await box.restart(); log('restart (running) ms', Date.now() - tr); log('  state, ips', [await box.state(), await box.ips()]);
  await box.kill('KILL'); log('after kill', await box.state());
  log('kill again (not running)', await box.kill('KILL').then(() => 'ok', (e) => e.message));
  await box.restart(); log('restart (exited) -> ', await box.state());
  await box.start(); log('start on running (304) ok', await box.state());
  log('require missing', await new Container('pc-no-such-devtest').require().then(() => 'ok', (e) => `${e.code}: ${e.message}`));
  log('state of missing', await new Container('pc-no-such-devtest').state().then(() => 'ok', (e) => e.message));
  log('logs of missing', await new Container('pc-no-such-devtest').logs());
  log('execIn missing', await execIn('pc-no-such-devtest', ['true']));
  // top as MemberContainer reads it: titles and rows.
  const spec2 = runSpec({ name: `pc-${id}-b`, hostname: 'b', image: IMG, network: net.name, ip: net.ip(1), labels, ports: {}, cmd: ['sh', '-c', 'sleep 600 & exec sleep 601'] });
  const c2 = await d.createContainer(spec2); made.containers.push(spec2.name); await c2.start();
  const top = await c2.top({ ps_args: '-eo pid,stat,comm' }); log('top', top);
  log('badhost', await requireDaemon({ host: 'unix:///nonexistent.sock' }).then(() => 'ok', (e) => `${e.code}: ${e.message}`));
} finally {
  for (const c of made.containers) await d.getContainer(c).remove({ force: true, v: true }).catch((e) => console.log('rm', c, e.message));
  for (const n of made.networks) await d.getNetwork(n).remove().catch((e) => console.log('rm', n, e.message));
  for (const v of made.volumes) await d.getVolume(v).remove().catch((e) => console.log('rm', v, e.message));
  const left = await d.listContainers({ all: true, filters: { label: [`patroni-chaos.run=${id}`] } });
  console.log('left after cleanup:', left.length, (await d.listNetworks({ filters: { label: [`patroni-chaos.run=${id}`] } })).length, ((await d.listVolumes({ filters: { label: [`patroni-chaos.run=${id}`] } })).Volumes ?? []).length);
}
