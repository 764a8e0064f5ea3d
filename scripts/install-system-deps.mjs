#!/usr/bin/env node
// Installs what the local provider runs (PostgreSQL 15, Patroni, etcd, HAProxy,
// and Prometheus with Alertmanager, which evaluate the documented alert rules)
// from the distribution's packages when missing, then makes sure the
// distribution's own services stay down: only Patroni manages PostgreSQL here.
// With --docker, also what the docker provider's images are built with
// (docker.io, debootstrap), and a Docker daemon answering, started when none
// does: the tests need it, a local nightly does not. With --browser, also
// Chromium, which the timeline's browser test renders timeline.html with.
// Idempotent: a machine that has everything is left as it is.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';

const DOCKER = process.argv.includes('--docker');
const BROWSER = process.argv.includes('--browser');
const PACKAGES = ['postgresql-15', 'patroni', 'python3-etcd', 'etcd-server', 'etcd-client', 'haproxy', 'prometheus', 'prometheus-alertmanager', ...(DOCKER ? ['docker.io', 'debootstrap'] : []), ...(BROWSER ? ['chromium'] : [])];
const INSTALL = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${PACKAGES.join(' ')}`;

const executable = (f) => { try { accessSync(f, constants.X_OK); return true; } catch { return false; } };
const onPath = (name) => ['/usr/bin', '/usr/sbin', '/bin', '/sbin', '/usr/local/bin'].some((d) => executable(`${d}/${name}`));
const ok = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

function missing() {
  const m = [];
  if (!executable('/usr/lib/postgresql/15/bin/postgres')) m.push('postgresql-15');
  if (!onPath('patroni')) m.push('patroni');
  if (!ok('/usr/bin/python3', ['-c', 'import etcd'])) m.push('python3-etcd');
  if (!onPath('etcd')) m.push('etcd-server');
  if (!onPath('etcdctl')) m.push('etcd-client');
  if (!onPath('haproxy')) m.push('haproxy');
  if (!onPath('prometheus')) m.push('prometheus');
  if (!onPath('prometheus-alertmanager')) m.push('prometheus-alertmanager');
  if (DOCKER && !onPath('dockerd')) m.push('docker.io');
  if (DOCKER && !onPath('debootstrap')) m.push('debootstrap');
  if (BROWSER && !onPath('chromium')) m.push('chromium');
  return m;
}

function run(argv) {
  console.log(`+ ${argv.join(' ')}`);
  execFileSync(argv[0], argv.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function install(sudo) {
  const pre = sudo ? ['sudo', '-n'] : [];
  run([...pre, 'apt-get', 'update']);
  run([...pre, 'apt-get', 'install', '-y', '--no-install-recommends', ...PACKAGES]);
}

// The distribution starts its own PostgreSQL cluster on 5432 and its own etcd and
// HAProxy services (and Prometheus's); none of them is ours, and a stray PostgreSQL would confuse a run.
function quietDistributionServices(sudo) {
  const pre = sudo ? ['sudo', '-n'] : [];
  const quiet = (argv) => spawnSync(argv[0], argv.slice(1), { stdio: 'ignore' });
  for (const conf of ['/etc/postgresql/15/main/start.conf']) {
    if (existsSync(conf) && !/^manual/m.test(readFileSync(conf, 'utf8'))) {
      if (sudo) quiet([...pre, 'sh', '-c', `echo manual > ${conf}`]);
      else writeFileSync(conf, 'manual\n');
    }
  }
  if (ok('pg_ctlcluster', ['15', 'main', 'status'])) quiet([...pre, 'pg_ctlcluster', '15', 'main', 'stop']);
  const systemd = existsSync('/run/systemd/system');
  for (const svc of ['postgresql', 'patroni', 'etcd', 'haproxy', 'prometheus', 'prometheus-alertmanager']) {
    if (systemd) quiet([...pre, 'systemctl', 'disable', '--now', svc]);
    else {
      quiet([...pre, 'service', svc, 'stop']);
      quiet([...pre, 'update-rc.d', svc, 'disable']);
    }
  }
}

const root = process.getuid?.() === 0;
const sudo = !root && ok('sudo', ['-n', 'true']);
const need = missing();
if (need.length > 0) {
  if (!root && !sudo) {
    console.error(`patroni-chaos: missing system packages: ${need.join(', ')}.\nInstall them as root with:\n  ${INSTALL}`);
    process.exit(3);
  }
  console.log(`installing system packages: ${need.join(', ')}`);
  try {
    install(sudo);
  } catch {
    console.error(`patroni-chaos: installing failed. Run as root:\n  ${INSTALL}`);
    process.exit(3);
  }
  const still = missing();
  if (still.length > 0) {
    console.error(`patroni-chaos: still missing after install: ${still.join(', ')}. Run as root:\n  ${INSTALL}`);
    process.exit(3);
  }
}
if (root || sudo) quietDistributionServices(sudo);

// The docker provider's tests need a daemon. Without systemd (containers, CI sandboxes) nothing
// starts one: start it detached, as the distribution's service would, and wait until it answers.
function ensureDockerDaemon() {
  if (ok('docker', ['info'])) return;
  if (!root && !sudo) {
    console.error('patroni-chaos: no Docker daemon answers. Start it as root with: dockerd > /tmp/dockerd.log 2>&1 &');
    process.exit(3);
  }
  const argv = existsSync('/run/systemd/system') ? ['systemctl', 'start', 'docker'] : ['dockerd'];
  const [cmd, ...args] = sudo ? ['sudo', '-n', ...argv] : argv;
  console.log(`+ ${[cmd, ...args].join(' ')}${argv[0] === 'dockerd' ? ' > /tmp/dockerd.log 2>&1 &' : ''}`);
  if (argv[0] === 'dockerd') {
    const log = openSync('/tmp/dockerd.log', 'a');
    spawn(cmd, args, { detached: true, stdio: ['ignore', log, log] }).unref();
  } else spawnSync(cmd, args, { stdio: 'inherit' });
  for (let i = 0; i < 60 && !ok('docker', ['info']); i++) spawnSync('sleep', ['0.5']);
  if (!ok('docker', ['info'])) {
    console.error('patroni-chaos: dockerd did not come up; see /tmp/dockerd.log');
    process.exit(3);
  }
}
if (DOCKER) ensureDockerDaemon();
console.log(`system dependencies: postgresql-15, patroni, etcd, haproxy${DOCKER ? ', docker (daemon answering), debootstrap' : ''}${BROWSER ? ', chromium' : ''} present`);
