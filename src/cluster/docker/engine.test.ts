import { Duplex, Readable } from 'node:stream';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { HarnessError } from '../../errors.js';
import { clientOptions, demuxed, EngineTimeout, engineMessage, engineResult, execResult, execWith, KNOWN_HOSTS, noDaemon, sinceParam, TIMED_OUT, within, type ExecClient } from './engine.js';

/** One frame of the Engine's multiplexed stream: stream byte (1 stdout, 2 stderr), 3 zero bytes, big-endian length, payload. */
function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(8);
  head.writeUInt8(stream, 0);
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}


/** An Engine API error as docker-modem makes it; a streamed call (exec start) has no json, its body only in the text. */
function apiError(status: number, reason: string | undefined, body: string, streamed = false): Error {
  return Object.assign(new Error(`(HTTP code ${status}) ${reason ?? 'unexpected'} - ${body} `), { statusCode: status, reason, json: streamed ? null : { message: body } });
}

/** A hijacked exec stream: the frames given, then (unless `open`) its end; `onWrite` answers each write to stdin. */
function execStream(frames: Buffer[], o: { open?: boolean; onWrite?: (chunk: Buffer, done: (err?: Error) => void) => void } = {}): Duplex & { written: Buffer[] } {
  const written: Buffer[] = [];
  const s = new Duplex({
    read() {
      for (const f of frames.splice(0)) this.push(f);
      if (o.open !== true) this.push(null);
    },
    write(chunk: Buffer, _enc, done) {
      written.push(chunk);
      if (o.onWrite) o.onWrite(chunk, done);
      else done();
    },
  });
  return Object.assign(s, { written });
}

/** A client whose one exec does what it is told: create and start (or their refusals), then the inspection's exit code. */
function fakeClient(o: { create?: () => Promise<void>; start: (opts: Docker.ExecStartOptions) => Promise<Duplex>; exitCode?: number; inspect?: () => Promise<never> }) {
  const created: Docker.ExecCreateOptions[] = [];
  const started: Docker.ExecStartOptions[] = [];
  const client: ExecClient = {
    getContainer: () => ({
      exec: async (opts) => {
        created.push(opts);
        await o.create?.();
        return {
          start: (opts2) => { started.push(opts2); return o.start(opts2); },
          inspect: async () => (o.inspect ? o.inspect() : { Running: false, ExitCode: o.exitCode ?? 0 }),
        };
      },
    }),
  };
  return { client, created, started };
}

describe('execWith: an exec through the Engine API, as `docker exec` gave it', () => {
  it('gives the inspection\'s exit code with both streams', async () => {
    const { client } = fakeClient({ start: async () => execStream([frame(1, 'out\n'), frame(2, 'err\n')]), exitCode: 3 });
    expect(await execWith(client, 'c', ['x'])).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('reads the answer of a detached start, so that its socket is let go (the process could not exit for 30 s)', async () => {
    const answer = new Readable({ read() { this.push(null); } });
    let ended = false;
    answer.on('end', () => { ended = true; });
    const { client, started } = fakeClient({ start: async () => answer as unknown as Duplex });
    expect(await execWith(client, 'c', ['patroni'], { detach: true })).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(started[0]).toMatchObject({ Detach: true });
    await new Promise((r) => setTimeout(r, 10));
    expect(ended).toBe(true);
  });

  it('keeps the output a command gave before its deadline, and says it timed out on stderr, as the CLI did', async () => {
    const { client } = fakeClient({ start: async () => execStream([frame(1, 'half a line'), frame(2, 'warming up\n')], { open: true }) });
    expect(await execWith(client, 'c', ['x'], { timeoutMs: 50 })).toEqual({ code: TIMED_OUT, stdout: 'half a line', stderr: 'warming up\n\n(timed out after 50 ms)' });
  });

  it('gives the start the deadline\'s signal, and ends a stream that came back after the deadline', async () => {
    const stream = execStream([], { open: true });
    const { client, started } = fakeClient({ start: () => new Promise((r) => setTimeout(() => r(stream), 60)) });
    expect((await execWith(client, 'c', ['x'], { timeoutMs: 20 })).code).toBe(TIMED_OUT);
    expect(started[0]?.abortSignal).toBeInstanceOf(AbortSignal);
    await new Promise((r) => setTimeout(r, 80));
    expect(stream.destroyed).toBe(true);
  });

  it('sends stdin and closes it; a command that exits without reading it still gives its exit code and output', async () => {
    const fine = execStream([frame(1, 'read\n')]);
    const a = fakeClient({ start: async () => fine, exitCode: 0 });
    expect(await execWith(a.client, 'c', ['cat'], { input: 'data' })).toEqual({ code: 0, stdout: 'read\n', stderr: '' });
    expect(Buffer.concat(fine.written).toString()).toBe('data');
    expect(a.created[0]).toMatchObject({ AttachStdin: true });
    expect(a.started[0]).toMatchObject({ hijack: true, stdin: true });
    for (const code of ['EPIPE', 'ECONNRESET']) {
      const broken = execStream([frame(1, 'no stdin for me\n')], {
        open: true,
        onWrite: (_c, done) => setTimeout(() => done(Object.assign(new Error(`write ${code}`), { code })), 10),
      });
      const b = fakeClient({ start: async () => broken, exitCode: 5 });
      expect(await execWith(b.client, 'c', ['true'], { input: 'unread' })).toEqual({ code: 5, stdout: 'no stdin for me\n', stderr: '' });
    }
  });

  it('says a command never ran, and why, when the daemon would not start it', async () => {
    const refused = async (err: Error, where: 'create' | 'start') => execWith(fakeClient(where === 'create'
      ? { create: async () => { throw err; }, start: async () => execStream([]) }
      : { start: async () => { throw err; } }).client, 'c', ['x']);
    expect(await refused(apiError(409, 'container stopped/paused', 'Container c is paused, unpause the container before exec'), 'create'))
      .toEqual({ code: 1, stdout: '', stderr: 'Error response from daemon: Container c is paused, unpause the container before exec', noExit: 'paused' });
    expect((await refused(apiError(409, 'container stopped/paused', 'Container c is not running'), 'create')).noExit).toBe('gone');
    expect((await refused(apiError(404, 'no such container', 'No such container: c'), 'create')).noExit).toBe('gone');
    expect((await refused(apiError(409, 'container stopped/paused', 'Container c is restarting, wait until the container is running', true), 'start')).noExit).toBe('gone');
    // dockerode calls every 500 of a start "container not running": the daemon said otherwise, and only its words are kept.
    expect(await refused(apiError(500, 'container not running', 'unable to find user nosuchuser: no matching entries in passwd file', true), 'start'))
      .toEqual({ code: 1, stdout: '', stderr: 'Error response from daemon: unable to find user nosuchuser: no matching entries in passwd file', noExit: 'not-run' });
    expect((await refused(Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT' }), 'create')).noExit).toBe('not-run');
  });

  it('says a command that started has no exit code when its stream or inspection failed', async () => {
    const broken = execStream([frame(1, 'begun\n')], { open: true });
    setTimeout(() => broken.destroy(new Error('socket hang up')), 20);
    expect(await execWith(fakeClient({ start: async () => broken }).client, 'c', ['x'])).toEqual({ code: 1, stdout: 'begun\n', stderr: 'socket hang up', noExit: 'lost' });
    const gone = fakeClient({ start: async () => execStream([]), inspect: async () => { throw apiError(404, 'no such exec', 'No such exec instance: 1f'); } });
    expect(await execWith(gone.client, 'c', ['x'])).toEqual({ code: 1, stdout: '', stderr: 'Error response from daemon: No such exec instance: 1f', noExit: 'lost' });
  });
});

describe('demuxed: stdout and stderr of an exec or logs stream', () => {
  it('splits frames that arrive cut anywhere, headers included, keeping each stream\'s order', async () => {
    const all = Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n'), frame(2, 'ünïcode\n')]);
    // Chunks of 3 bytes cut every header and every multi-byte character.
    const chunks = Array.from({ length: Math.ceil(all.length / 3) }, (_, i) => all.subarray(i * 3, i * 3 + 3));
    expect(await demuxed(Readable.from(chunks))).toEqual({ stdout: 'out 1\nout 2\n', stderr: 'err 1\nünïcode\n' });
  });

  it('gives empty output for an empty stream, and no stderr when the process wrote none', async () => {
    expect(await demuxed(Readable.from([]))).toEqual({ stdout: '', stderr: '' });
    expect(await demuxed(Readable.from([frame(1, 'only out')]))).toEqual({ stdout: 'only out', stderr: '' });
  });

  it('splits a whole soak\'s logs in one buffer (docker-modem\'s demuxStream recursed per frame and overflowed the stack)', async () => {
    const n = 200_000;
    const all = Buffer.concat(Array.from({ length: n }, (_, i) => frame(i % 2 === 0 ? 1 : 2, `${i}\n`)));
    const got = await demuxed(Readable.from([all]));
    expect(got.stdout.split('\n').length - 1).toBe(n / 2);
    expect(got.stderr.split('\n').length - 1).toBe(n / 2);
    expect(got.stdout.startsWith('0\n2\n4\n')).toBe(true);
    expect(got.stderr.endsWith(`${n - 1}\n`)).toBe(true);
  });

  it('rejects on a stream error instead of returning partial output as a result', async () => {
    const broken = new Readable({ read() { this.destroy(new Error('socket hang up')); } });
    await expect(demuxed(broken)).rejects.toThrow('socket hang up');
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
    expect(engineMessage(apiError(404, 'no such container', '', true))).toBe('Error response from daemon: no such container');
  });

  it('says a refused ssh handshake was the host key\'s', () => {
    expect(engineMessage(new Error('Host denied (verification failed)'), { host: 'ssh://db1' })).toBe('Host denied (verification failed): the key ssh://db1 showed is not one known_hosts lists for it');
  });

  it('quotes only the daemon of a streamed call, not dockerode\'s guess at the status before it', () => {
    expect(engineMessage(apiError(500, 'container not running', 'unable to find user nosuchuser: no matching entries in passwd file', true)))
      .toBe('Error response from daemon: unable to find user nosuchuser: no matching entries in passwd file');
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

  /** Two ed25519 keys (ssh-keygen), and known_hosts lines ssh-keygen -H hashed: db1.example and [db1.example]:2222, with K1. */
  const K1 = 'AAAAC3NzaC1lZDI1NTE5AAAAIMzZRUR/JbN/yWO6VehY0IpkM3PmyvleF6AiOs+5PM3W';
  const K2 = 'AAAAC3NzaC1lZDI1NTE5AAAAINBxP934196MQFdaCZmDPUFlZIxk2M+njR8WOAjRcEC4';
  const HASHED = `|1|r/3GkbarLSM1v3BypLraFcbeyFk=|QKAAX5iIDx5rsqNCWLIx9A24Ylw= ssh-ed25519 ${K1}\n|1|Lh18sSUBx4P0Hhnm+Mr0sVdPK7I=|AykdK9eXYtmyeMAJBYXSPzRjOyQ= ssh-ed25519 ${K1}\n`;
  const withKnownHosts = (user: string, system = '') => (p: string) => {
    if (p === KNOWN_HOSTS[0]) return Buffer.from(user);
    if (p === KNOWN_HOSTS[1] && system !== '') return Buffer.from(system);
    throw Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' });
  };
  const verify = (o: ReturnType<typeof clientOptions>, key: string) => (o.sshOptions?.hostVerifier as (k: Buffer) => boolean)(Buffer.from(key, 'base64'));

  it('reaches an ssh host as its user, through the ssh agent', () => {
    expect(clientOptions({ host: 'ssh://deploy@db1.example:2222' }, { SSH_AUTH_SOCK: '/tmp/agent.sock' }, withKnownHosts(HASHED))).toMatchObject({
      protocol: 'ssh', host: 'db1.example', port: 2222, username: 'deploy', sshOptions: { agent: '/tmp/agent.sock' },
    });
    expect(clientOptions({ host: 'ssh://db1' }, {}, withKnownHosts(`db1 ssh-ed25519 ${K1}`))).toMatchObject({ protocol: 'ssh', host: 'db1', port: 22 });
  });

  it('takes only the key known_hosts lists for an ssh host, hashed or not, by its name and port', () => {
    const hashed = clientOptions({ host: 'ssh://deploy@db1.example:2222' }, {}, withKnownHosts(HASHED));
    expect(verify(hashed, K1)).toBe(true);
    expect(verify(hashed, K2)).toBe(false);
    // Listed in the system's file, by a wildcard; a key of another host does not count.
    const plain = clientOptions({ host: 'ssh://db7.example' }, {}, withKnownHosts(`other.example ssh-ed25519 ${K1}\n`, `# fleet\n*.example,!db9.example ssh-ed25519 ${K2} ops\n`));
    expect(verify(plain, K2)).toBe(true);
    expect(verify(plain, K1)).toBe(false);
  });

  it('refuses a revoked key even where another line lists it', () => {
    const o = clientOptions({ host: 'ssh://db1' }, {}, withKnownHosts(`db1 ssh-ed25519 ${K1}\n@revoked * ssh-ed25519 ${K1}\ndb1 ssh-ed25519 ${K2}\n`));
    expect(verify(o, K1)).toBe(false);
    expect(verify(o, K2)).toBe(true);
  });

  it('fails, with the command that lists it, for an ssh host known_hosts has no key for (also on another port, or excluded)', () => {
    expect(() => clientOptions({ host: 'ssh://deploy@db1.example:2200' }, {}, withKnownHosts(HASHED)))
      .toThrow('docker host ssh://deploy@db1.example:2200: [db1.example]:2200 has no key in');
    expect(() => clientOptions({ host: 'ssh://db9.example' }, {}, withKnownHosts(`*.example,!db9.example ssh-ed25519 ${K2}`))).toThrow(/ssh-keyscan db9\.example >> ~\/\.ssh\/known_hosts/);
    expect(() => clientOptions({ host: 'ssh://db1' }, {}, withKnownHosts(''))).toThrow(HarnessError);
  });

  it('checks the host key of an ssh:// DOCKER_HOST too (dockerode\'s own ssh takes any)', () => {
    const o = clientOptions({}, { DOCKER_HOST: 'ssh://me@db1' }, withKnownHosts(`db1 ssh-ed25519 ${K1}`));
    expect(o).toMatchObject({ protocol: 'ssh', host: 'db1', username: 'me' });
    expect(verify(o, K2)).toBe(false);
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
