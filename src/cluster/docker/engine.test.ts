import { Readable } from 'node:stream';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { HarnessError } from '../../errors.js';
import { clientOptions, demuxed, EngineTimeout, engineMessage, engineResult, execResult, noDaemon, sinceParam, TIMED_OUT, within } from './engine.js';

/** One frame of the Engine's multiplexed stream: stream byte (1 stdout, 2 stderr), 3 zero bytes, big-endian length, payload. */
function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(8);
  head.writeUInt8(stream, 0);
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

const modem = new Docker({ socketPath: '/nonexistent.sock' }).modem;

describe('demuxed: stdout and stderr of an exec or logs stream', () => {
  it('splits frames that arrive cut anywhere, headers included, keeping each stream\'s order', async () => {
    const all = Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n'), frame(2, 'ünïcode\n')]);
    // Chunks of 3 bytes cut every header and every multi-byte character.
    const chunks = Array.from({ length: Math.ceil(all.length / 3) }, (_, i) => all.subarray(i * 3, i * 3 + 3));
    expect(await demuxed(modem, Readable.from(chunks))).toEqual({ stdout: 'out 1\nout 2\n', stderr: 'err 1\nünïcode\n' });
  });

  it('gives empty output for an empty stream, and no stderr when the process wrote none', async () => {
    expect(await demuxed(modem, Readable.from([]))).toEqual({ stdout: '', stderr: '' });
    expect(await demuxed(modem, Readable.from([frame(1, 'only out')]))).toEqual({ stdout: 'only out', stderr: '' });
  });

  it('rejects on a stream error instead of returning partial output as a result', async () => {
    const broken = new Readable({ read() { this.destroy(new Error('socket hang up')); } });
    await expect(demuxed(modem, broken)).rejects.toThrow('socket hang up');
  });
});

describe('execResult: the exit code is the exec inspection\'s', () => {
  it('keeps a non-zero exit and both streams as a result', () => {
    expect(execResult({ stdout: 'out\n', stderr: 'err\n' }, 3)).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    expect(execResult({ stdout: '', stderr: '' }, 0)).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('moves the runtime\'s error of a command that could not start to stderr, as the CLI printed it (126)', () => {
    const oci = 'OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuchbin": executable file not found in $PATH: unknown\r\n';
    expect(execResult({ stdout: oci, stderr: '' }, 126)).toEqual({ code: 126, stdout: '', stderr: oci });
    // A command that itself exits 126 keeps its own stdout.
    expect(execResult({ stdout: 'mine\n', stderr: '' }, 126)).toEqual({ code: 126, stdout: 'mine\n', stderr: '' });
  });
});

describe('engineMessage: what the CLI would have printed', () => {
  it('quotes the daemon (no such container, paused)', () => {
    const e = Object.assign(new Error('(HTTP code 409) container stopped/paused - Container x is paused, unpause the container before exec '), {
      statusCode: 409, json: { message: 'Container x is paused, unpause the container before exec' },
    });
    expect(engineMessage(e)).toBe('Error response from daemon: Container x is paused, unpause the container before exec');
    expect(engineMessage(Object.assign(new Error('(HTTP code 404) no such container - '), { statusCode: 404, json: null }))).toBe('Error response from daemon: no such container -');
  });

  it('says which daemon could not be reached and why', () => {
    const e = Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT' });
    expect(engineMessage(e, { host: 'unix:///var/run/docker.sock' })).toBe('Cannot connect to the Docker daemon at unix:///var/run/docker.sock (connect ENOENT /var/run/docker.sock). Is the docker daemon running?');
  });

  it('names the deadline of a call that ran out of time, as the CLI\'s result did', async () => {
    expect(engineMessage(new EngineTimeout(250))).toBe('(timed out after 250 ms)');
    const r = await engineResult(20, () => new Promise(() => undefined));
    expect(r).toEqual({ code: TIMED_OUT, stdout: '', stderr: '(timed out after 20 ms)' });
    expect(await engineResult(1000, async () => { throw Object.assign(new Error('x'), { statusCode: 404, json: { message: 'No such container: y' } }); }))
      .toEqual({ code: 1, stdout: '', stderr: 'Error response from daemon: No such container: y' });
  });
});

describe('within', () => {
  it('rejects at the deadline even when the call ignores its signal, and aborts the signal', async () => {
    let aborted = false;
    await expect(within(20, (signal) => {
      signal.addEventListener('abort', () => { aborted = true; });
      return new Promise(() => undefined);
    })).rejects.toBeInstanceOf(EngineTimeout);
    expect(aborted).toBe(true);
  });

  it('returns what an answered call gave', async () => {
    expect(await within(1000, async () => 42)).toBe(42);
  });
});

describe('noDaemon: the error of a daemon that does not answer', () => {
  it('names the daemon, the cause and the command that starts one', () => {
    const e = noDaemon(Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' }), {});
    expect(e).toBeInstanceOf(HarnessError);
    expect(e.code).toBe('MISSING_BINARY');
    expect(e.message).toMatch(/^no Docker daemon answers at (unix:\/\/\/var\/run\/docker\.sock|\S+) \(connect ECONNREFUSED \/var\/run\/docker\.sock\)\. Start it as root with: dockerd > \/tmp\/dockerd\.log 2>&1 &/);
    expect(noDaemon(new EngineTimeout(15000), { host: 'tcp://10.0.0.5:2376' }).message).toContain('at tcp://10.0.0.5:2376 ((timed out after 15000 ms))');
  });
});

describe('clientOptions: the daemon a cluster file names', () => {
  const read = (p: string) => Buffer.from(`<${p}>`);

  it('leaves DOCKER_HOST and its TLS variables to dockerode when no host is given', () => {
    expect(clientOptions({}, { DOCKER_HOST: 'tcp://x:2376' }, read)).toEqual({});
  });

  it('takes a unix socket, and lets no DOCKER_HOST or certificate leak into it', () => {
    const o = clientOptions({ host: 'unix:///run/user/1000/docker.sock' }, { DOCKER_TLS_VERIFY: '1' }, read);
    expect(o).toMatchObject({ socketPath: '/run/user/1000/docker.sock', protocol: 'http', host: undefined, ca: undefined });
    expect(Object.keys(o)).toContain('host'); // set to undefined: the modem's DOCKER_HOST default would win otherwise
  });

  it('speaks TLS to a tcp host with the files given', () => {
    expect(clientOptions({ host: 'tcp://10.0.0.5:2376', tls: { ca: '/c/ca.pem', cert: '/c/cert.pem', key: '/c/key.pem' } }, {}, read)).toMatchObject({
      protocol: 'https', host: '10.0.0.5', port: 2376, ca: read('/c/ca.pem'), cert: read('/c/cert.pem'), key: read('/c/key.pem'),
    });
  });

  it('takes the certificates from DOCKER_CERT_PATH when DOCKER_TLS_VERIFY is set (the CLI\'s rule), plain http without it', () => {
    expect(clientOptions({ host: 'tcp://h:2376' }, { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }, read)).toMatchObject({ protocol: 'https', ca: read('/certs/ca.pem'), key: read('/certs/key.pem') });
    expect(clientOptions({ host: 'tcp://h:2375' }, {}, read)).toMatchObject({ protocol: 'http', host: 'h', port: 2375, ca: undefined });
    expect(clientOptions({ host: 'tcp://h' }, {}, read)).toMatchObject({ port: 2375 });
  });

  it('reaches an ssh host as its user, through the ssh agent', () => {
    expect(clientOptions({ host: 'ssh://deploy@db1.example:2222' }, { SSH_AUTH_SOCK: '/tmp/agent.sock' }, read)).toMatchObject({
      protocol: 'ssh', host: 'db1.example', port: 2222, username: 'deploy', sshOptions: { agent: '/tmp/agent.sock' },
    });
    expect(clientOptions({ host: 'ssh://db1' }, {}, read)).toMatchObject({ protocol: 'ssh', host: 'db1', port: 22 });
  });

  it('refuses a scheme it cannot speak rather than guess', () => {
    expect(() => clientOptions({ host: 'npipe:////./pipe/docker_engine' }, {}, read)).toThrow(/expected unix:\/\/, tcp:\/\/ or ssh:\/\//);
  });
});

describe('sinceParam', () => {
  it('turns an ISO time into the seconds.nanoseconds the Engine API takes', () => {
    expect(sinceParam('2024-05-01T10:00:00.123Z')).toBe('1714557600.123000000');
    expect(sinceParam('2024-05-01T10:00:00Z')).toBe('1714557600.000000000');
    expect(() => sinceParam('yesterday')).toThrow('not a time: yesterday');
  });
});
