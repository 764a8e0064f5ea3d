import type { ContainerInfo } from 'dockerode';
import { describe, expect, it } from 'vitest';
import { OWNER_LABEL } from './owner.js';
import { publishedPort, runsOf } from './runs.js';
import { runSpec } from './start.js';
import { NODE_LABEL, RUN_LABEL } from './sweep.js';

/** `docker ps -a` rows as the Engine API lists them (only the fields the harness reads). */
function row(run: string | undefined, node: string, state: string, ports: ContainerInfo['Ports'] = []): ContainerInfo {
  const Labels: Record<string, string> = { [NODE_LABEL]: node, [OWNER_LABEL]: 'elsewhere/1/1' };
  if (run !== undefined) Labels[RUN_LABEL] = run;
  return { Id: `id-${node}`, Names: [`/pc-${run}-${node}`], Labels, State: state, Ports: ports } as unknown as ContainerInfo;
}

describe('the runs on the daemon, from the Engine API\'s container list', () => {
  it('groups containers by run, with the host ports published for PostgreSQL and REST only when published', () => {
    const runs = runsOf([
      row('r2', 'patroni2', 'running', [{ IP: '127.0.0.1', PrivatePort: 8008, PublicPort: 41002, Type: 'tcp' }, { IP: '127.0.0.1', PrivatePort: 5432, PublicPort: 41001, Type: 'tcp' }]),
      row('r1', 'etcd1', 'exited', [{ IP: '', PrivatePort: 2379, PublicPort: 0, Type: 'tcp' }]),
      row('r2', 'etcd1', 'paused'),
      row(undefined, 'stray', 'running'),
    ]);
    expect(runs.map((r) => r.runId)).toEqual(['r1', 'r2']);
    expect(runs[1]?.containers).toEqual([
      { node: 'etcd1', container: 'pc-r2-etcd1', state: 'paused' },
      { node: 'patroni2', container: 'pc-r2-patroni2', state: 'running', pgPort: 41001, restPort: 41002 },
    ]);
    // Another host's owner is not judged dead.
    expect(runs[0]).toMatchObject({ owner: 'elsewhere/1/1', ownerAlive: true });
  });

  it('does not take a UDP port or an unpublished one for a published TCP port', () => {
    expect(publishedPort([{ IP: '127.0.0.1', PrivatePort: 5432, PublicPort: 5555, Type: 'udp' }], 5432)).toBeUndefined();
    expect(publishedPort([{ IP: '', PrivatePort: 5432, PublicPort: 0, Type: 'tcp' }], 5432)).toBeUndefined();
  });
});

describe('runSpec: `docker run -d` of a run\'s container as the Engine API takes it', () => {
  it('fixes the address, labels, NET_ADMIN, ports on 127.0.0.1 only, the volume and the environment', () => {
    const spec = runSpec({
      name: 'pc-r-patroni1', hostname: 'patroni1', image: 'patroni-chaos/node:x', network: 'pc-r', ip: '172.28.1.20',
      labels: { [RUN_LABEL]: 'r', [NODE_LABEL]: 'patroni1' }, ports: { 5432: 41001, 8008: 41002 },
      env: { PATRONI_CONFIG_B64: 'eA==' }, binds: ['pc-r-patroni1-data:/var/lib/postgresql'],
    });
    expect(spec).toEqual({
      name: 'pc-r-patroni1', Hostname: 'patroni1', Image: 'patroni-chaos/node:x', Labels: { [RUN_LABEL]: 'r', [NODE_LABEL]: 'patroni1' },
      Env: ['PATRONI_CONFIG_B64=eA=='],
      ExposedPorts: { '5432/tcp': {}, '8008/tcp': {} },
      HostConfig: {
        NetworkMode: 'pc-r', CapAdd: ['NET_ADMIN'], Binds: ['pc-r-patroni1-data:/var/lib/postgresql'],
        PortBindings: { '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '41001' }], '8008/tcp': [{ HostIp: '127.0.0.1', HostPort: '41002' }] },
      },
      NetworkingConfig: { EndpointsConfig: { 'pc-r': { IPAMConfig: { IPv4Address: '172.28.1.20' } } } },
    });
    // The image's own command unless one is given (etcd's flags, the proxy's).
    expect(runSpec({ name: 'e', hostname: 'e', image: 'i', network: 'n', ip: '1.2.3.4', labels: {}, ports: {}, cmd: ['--name', 'etcd1'] }).Cmd).toEqual(['--name', 'etcd1']);
    expect('Cmd' in spec).toBe(false);
  });
});
