import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COMPOSE_DIR, imageTags, PROXY_DIST, RELEASES } from './images.js';

const TAG = /^patroni-chaos\/(base|common|node|etcd|haproxy|proxy):(bookworm|trixie)-[0-9a-f]{12}$/;

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
    for (const release of RELEASES) {
      const tags = imageTags(release);
      expect(Object.keys(tags)).toEqual(['base', 'common', 'node', 'etcd', 'haproxy', 'proxy']);
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
    for (const k of ['common', 'node', 'etcd', 'haproxy', 'proxy'] as const) expect(after[k]).not.toBe(before[k]);

    const d2 = copy();
    appendFileSync(join(d2, 'images', 'haproxy', 'entrypoint.sh'), '\n# changed\n');
    const after2 = imageTags('bookworm', d2);
    expect(after2.haproxy).not.toBe(before.haproxy);
    expect(after2.node).toBe(before.node);
    expect(after2.etcd).toBe(before.etcd);
  });

  it('puts the built proxy in the proxy image\'s tag alone', () => {
    const before = imageTags('bookworm');
    const dist = mkdtempSync(join(tmpdir(), 'pc-proxy-dist-'));
    dirs.push(dist);
    cpSync(PROXY_DIST, dist, { recursive: true });
    expect(imageTags('bookworm', COMPOSE_DIR, dist)).toEqual(before);
    appendFileSync(join(dist, 'toxics', 'latency.js'), '\n// changed\n');
    const after = imageTags('bookworm', COMPOSE_DIR, dist);
    expect(after.proxy).not.toBe(before.proxy);
    expect({ ...after, proxy: '' }).toEqual({ ...before, proxy: '' });
    // Source maps and declarations are not in the image: they do not change it.
    appendFileSync(join(dist, 'main.js.map'), ' ');
    expect(imageTags('bookworm', COMPOSE_DIR, dist).proxy).toBe(after.proxy);
  });

  it('refuses an unknown release', () => {
    expect(() => imageTags('buster' as never)).toThrow(/unknown release "buster"/);
  });
});
