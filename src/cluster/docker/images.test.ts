import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COMPOSE_DIR, imageTags, packageSpec, parseCandidates, PROXY_DIST, RELEASES, type ArchiveVersions } from './images.js';

const TAG = /^patroni-chaos\/(base|common|node|etcd|haproxy|proxy|monitoring):(bookworm|trixie|forky)-[0-9a-f]{12}$/;

/** What forky's archive served on 2026-12-07 (apt-cache policy). */
const FORKY: ArchiveVersions = {
  'postgresql-18': '18.6-3', patroni: '4.1.5-2', 'python3-etcd': '0.4.5-7', 'etcd-server': '3.5.30-2', 'etcd-client': '3.5.30-2', haproxy: '3.2.26-1',
  pgbouncer: '1.26.1-1', keepalived: '1:2.3.4-1',
  prometheus: '3.5.3+ds-1', 'prometheus-alertmanager': '0.33.1+ds-1',
};
const archive = (release: string) => (release === 'forky' ? FORKY : undefined);

describe('imageTags', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const copy = () => {
    const d = mkdtempSync(join(tmpdir(), 'pc-compose-'));
    dirs.push(d);
    cpSync(COMPOSE_DIR, d, { recursive: true });
    return d;
  };

  it('names every image of both releases by release and a 12-digit content hash', () => {
    expect(RELEASES).toEqual(['bookworm', 'trixie', 'forky']);
    for (const release of RELEASES) {
      const tags = imageTags(release, COMPOSE_DIR, archive(release));
      expect(Object.keys(tags)).toEqual(['base', 'common', 'node', 'etcd', 'haproxy', 'proxy', 'monitoring']);
      for (const t of Object.values(tags)) expect(t).toMatch(TAG);
      for (const t of Object.values(tags)) expect(t).toContain(`:${release}-`);
    }
  });

  it('is stable for unchanged inputs and differs between releases', () => {
    expect(imageTags('bookworm')).toEqual(imageTags('bookworm'));
    expect(imageTags('bookworm', copy())).toEqual(imageTags('bookworm'));
    expect(imageTags('trixie').node).not.toBe(imageTags('bookworm').node.replace('bookworm', 'trixie'));
  });

  it('changes an image and its children, not its siblings, when its inputs change', () => {
    const before = imageTags('bookworm');
    const d = copy();
    appendFileSync(join(d, 'images', 'common', 'Dockerfile'), '\n# changed\n');
    const after = imageTags('bookworm', d);
    expect(after.base).toBe(before.base);
    for (const k of ['common', 'node', 'etcd', 'haproxy', 'proxy', 'monitoring'] as const) expect(after[k]).not.toBe(before[k]);

    const d2 = copy();
    appendFileSync(join(d2, 'images', 'haproxy', 'entrypoint.sh'), '\n# changed\n');
    const after2 = imageTags('bookworm', d2);
    expect(after2.haproxy).not.toBe(before.haproxy);
    expect(after2.node).toBe(before.node);
    expect(after2.etcd).toBe(before.etcd);
  });

  it('keys a moving release\'s package images by the versions its archive serves: a new upload is a new tag', () => {
    expect(() => imageTags('forky')).toThrow(/forky is a moving suite: its node image needs the versions the archive serves/);
    const today = imageTags('forky', COMPOSE_DIR, FORKY);
    const patroniUpload = imageTags('forky', COMPOSE_DIR, { ...FORKY, patroni: '4.1.6-1' });
    expect(patroniUpload.node).not.toBe(today.node);
    // Only the image that installs the package changes; the OS layers never depend on the archive.
    expect(patroniUpload.etcd).toBe(today.etcd);
    expect(patroniUpload.haproxy).toBe(today.haproxy);
    expect(patroniUpload.base).toBe(today.base);
    expect(patroniUpload.common).toBe(today.common);
    expect(imageTags('forky', COMPOSE_DIR, { ...FORKY, 'etcd-client': '3.5.31-1' }).etcd).not.toBe(today.etcd);
    // A stable release's tags ignore the archive: its point releases are not tracked.
    expect(imageTags('trixie', COMPOSE_DIR, { patroni: '9' })).toEqual(imageTags('trixie'));
  });

  it('puts the built proxy in the proxy image\'s tag alone', () => {
    const before = imageTags('bookworm');
    const dist = mkdtempSync(join(tmpdir(), 'pc-proxy-dist-'));
    dirs.push(dist);
    cpSync(PROXY_DIST, dist, { recursive: true });
    expect(imageTags('bookworm', COMPOSE_DIR, undefined, dist)).toEqual(before);
    appendFileSync(join(dist, 'toxics', 'latency.js'), '\n// changed\n');
    const after = imageTags('bookworm', COMPOSE_DIR, undefined, dist);
    expect(after.proxy).not.toBe(before.proxy);
    expect({ ...after, proxy: '' }).toEqual({ ...before, proxy: '' });
    // Source maps and declarations are not in the image: they do not change it.
    appendFileSync(join(dist, 'main.js.map'), ' ');
    expect(imageTags('bookworm', COMPOSE_DIR, undefined, dist).proxy).toBe(after.proxy);
  });

  it('pins a moving release\'s packages to the versions its tag was computed from, and names a package the archive lacks', () => {
    expect(packageSpec('node', 'forky', FORKY)).toBe('postgresql-18=18.6-3 patroni=4.1.5-2 python3-etcd=0.4.5-7 pgbouncer=1.26.1-1');
    expect(packageSpec('haproxy', 'forky', FORKY)).toBe('haproxy=3.2.26-1 keepalived=1:2.3.4-1');
    expect(packageSpec('etcd', 'forky', FORKY)).toBe('etcd-server=3.5.30-2 etcd-client=3.5.30-2');
    expect(packageSpec('node', 'bookworm')).toBe('postgresql-15 patroni python3-etcd pgbouncer');
    expect(packageSpec('node', 'trixie')).toBe('postgresql-17 patroni python3-etcd pgbouncer');
    const { haproxy: _gone, ...noHaproxy } = FORKY;
    expect(() => packageSpec('haproxy', 'forky', noHaproxy)).toThrow('the forky archive serves no package haproxy');
  });

  it('refuses an unknown release', () => {
    expect(() => imageTags('buster' as never)).toThrow(/unknown release "buster"/);
  });
});

describe('parseCandidates', () => {
  it('reads each package\'s candidate and leaves out what the archive does not serve', () => {
    const policy = [
      'patroni:', '  Installed: (none)', '  Candidate: 4.1.5-2', '  Version table:', '     4.1.5-2 500',
      'postgresql-18:', '  Installed: 18.5-1', '  Candidate: 18.6-3',
      'etcd-server:', '  Installed: (none)', '  Candidate: (none)',
    ].join('\n');
    expect(parseCandidates(policy)).toEqual({ patroni: '4.1.5-2', 'postgresql-18': '18.6-3' });
    expect(parseCandidates('')).toEqual({});
  });
});
