import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliArgv, cliEnv } from './cli.js';
import { daemonName } from './engine.js';

describe('cliArgv: the CLI on the daemon the Engine API calls use', () => {
  it('names DOCKER_HOST with -H, so that a docker context (or DOCKER_CONTEXT) cannot send a build elsewhere', () => {
    expect(cliArgv(['build', '-t', 'x', '.'], { DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_CONTEXT: 'laptop' })).toEqual(['-H', 'tcp://10.0.0.5:2376', 'build', '-t', 'x', '.']);
  });

  it('names the local socket dockerode uses when no DOCKER_HOST is set', () => {
    const argv = cliArgv(['run', '--rm', 'img'], { DOCKER_CONTEXT: 'remote' });
    expect(argv.slice(0, 2)).toEqual(['-H', daemonName({}, {})]);
    expect(argv[1]).toMatch(/^unix:\/\//);
  });

  it('gives a script that runs docker the same daemon in DOCKER_HOST', () => {
    expect(cliEnv({ DOCKER_CONTEXT: 'remote', PATH: '/bin' })).toMatchObject({ DOCKER_HOST: daemonName({}, {}), DOCKER_CONTEXT: 'remote', PATH: '/bin' });
    expect(cliEnv({ DOCKER_HOST: 'ssh://me@db1' }).DOCKER_HOST).toBe('ssh://me@db1');
  });
});

describe('daemonName: the daemon dockerode reaches, as -H takes it', () => {
  it('is the host given, else DOCKER_HOST, else Docker Desktop\'s socket when it exists, else /var/run/docker.sock (docker-modem\'s order)', () => {
    const desktop = join(homedir(), '.docker', 'run', 'docker.sock');
    expect(daemonName({ host: 'ssh://a@b' }, { DOCKER_HOST: 'tcp://c:2375' })).toBe('ssh://a@b');
    expect(daemonName({}, { DOCKER_HOST: 'tcp://c:2375' })).toBe('tcp://c:2375');
    expect(daemonName({}, {}, () => false)).toBe('unix:///var/run/docker.sock');
    expect(daemonName({}, { DOCKER_HOST: 'unix://' }, (p) => p === desktop)).toBe(`unix://${desktop}`);
  });
});
