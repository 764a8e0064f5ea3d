/**
 * The docker provider's images, built locally (no registry is reachable):
 * base (debootstrap + docker import) -> common (tools every container needs)
 * -> node (Patroni + PostgreSQL), etcd, haproxy, proxy (the project's
 * Toxiproxy-API server on Debian's nodejs). Each tag carries a hash of
 * everything that went into it, its parent's hash included, so an unchanged
 * input is never rebuilt and a changed one never reuses a stale image.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../../errors.js';
import { docker, requireDaemon } from './cli.js';

export type Release = 'bookworm' | 'trixie';
export const RELEASES: readonly Release[] = ['bookworm', 'trixie'];

export type ImageKind = 'base' | 'common' | 'node' | 'etcd' | 'haproxy' | 'proxy';
export type ImageTags = Record<ImageKind, string>;

export const IMAGE_REPO = 'patroni-chaos';
const MIRROR = process.env['PATRONI_CHAOS_DEBIAN_MIRROR'] ?? 'http://deb.debian.org/debian';

/** compose/ sits three levels above this module, in src/ as in dist/. */
export const COMPOSE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../compose');

/** The built proxy (dist/proxy): beside this module in dist/, the build's copy when run from src/ (tests). */
export const PROXY_DIST = ((here) => (existsSync(join(here, '../../proxy/main.js')) ? resolve(here, '../../proxy') : resolve(here, '../../../dist/proxy')))(dirname(fileURLToPath(import.meta.url)));

const PARENT: Record<Exclude<ImageKind, 'base'>, ImageKind> = { common: 'base', node: 'common', etcd: 'common', haproxy: 'common', proxy: 'common' };
const BUILD_ORDER: readonly ImageKind[] = ['base', 'common', 'node', 'etcd', 'haproxy', 'proxy'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  }).sort();
}

/** The proxy's built modules that go into its image (no maps or declarations); none when it is not built. */
function proxyModules(proxyDir: string): string[] {
  return existsSync(proxyDir) ? filesUnder(proxyDir).filter((f) => f.endsWith('.js')) : [];
}

/** Inputs of one image, by a stable name: its build files, and for the proxy its built modules. */
function inputFiles(kind: ImageKind, composeDir: string, proxyDir: string): { name: string; path: string }[] {
  if (kind === 'base') return [{ name: 'base/make-base.sh', path: join(composeDir, 'base', 'make-base.sh') }];
  const own = filesUnder(join(composeDir, 'images', kind)).map((f) => ({ name: relative(composeDir, f), path: f }));
  return kind === 'proxy' ? [...own, ...proxyModules(proxyDir).map((f) => ({ name: `dist/proxy/${relative(proxyDir, f)}`, path: f }))] : own;
}

function hashOf(kind: ImageKind, release: Release, parentHash: string, composeDir: string, proxyDir: string): string {
  const h = createHash('sha256');
  h.update(`${kind}\0${release}\0${parentHash}\0${kind === 'base' ? MIRROR : ''}\0`);
  for (const f of inputFiles(kind, composeDir, proxyDir)) {
    h.update(`${f.name}\0`);
    h.update(readFileSync(f.path));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 12);
}

/** The tags of a release's images, e.g. node: `patroni-chaos/node:bookworm-3f2a9c01b7de`. */
export function imageTags(release: Release, composeDir = COMPOSE_DIR, proxyDir = PROXY_DIST): ImageTags {
  if (!RELEASES.includes(release)) throw new HarnessError('INTERNAL', `unknown release "${String(release)}" (known: ${RELEASES.join(', ')})`);
  const hashes = new Map<ImageKind, string>();
  for (const kind of BUILD_ORDER) {
    const parent = kind === 'base' ? '' : (hashes.get(PARENT[kind]) as string);
    hashes.set(kind, hashOf(kind, release, parent, composeDir, proxyDir));
  }
  return Object.fromEntries(BUILD_ORDER.map((k) => [k, `${IMAGE_REPO}/${k}:${release}-${hashes.get(k) as string}`])) as ImageTags;
}

export async function imageExists(tag: string): Promise<boolean> {
  return (await docker(['image', 'inspect', '--format', '{{.Id}}', tag], { timeoutMs: 30_000 })).code === 0;
}

export interface BuildOptions {
  release: Release;
  onProgress?: (line: string) => void;
  composeDir?: string;
}

export interface BuildResult {
  release: Release;
  tags: ImageTags;
  /** Images built by this call, with their build time. */
  built: { kind: ImageKind; tag: string; ms: number }[];
  /** Images that already existed. */
  reused: ImageKind[];
  /** Wall time of the whole call, checks included. */
  ms: number;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

async function buildBase(tag: string, release: Release, composeDir: string, say: (l: string) => void): Promise<void> {
  if (!isRoot()) {
    throw new HarnessError('MISSING_BINARY', `building the ${release} base image needs root (debootstrap). Run as root: ${join(composeDir, 'base', 'make-base.sh')} ${release} ${tag}`);
  }
  await new Promise<void>((done, reject) => {
    const child = spawn('sh', [join(composeDir, 'base', 'make-base.sh'), release, tag, MIRROR], { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const onData = (c: Buffer) => {
      for (const l of c.toString('utf8').split('\n')) {
        if (l.trim() === '') continue;
        tail.push(l);
        if (tail.length > 30) tail.shift();
        // debootstrap prints a line per package; only its phases are worth a progress line.
        if (!/^I: (Retrieving|Validating|Unpacking|Configuring|Extracting) \S+( \S+)?$/.test(l) || /Retrieving Release|Unpacking the base|Configuring the base/.test(l)) say(`base: ${l}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      // make-base.sh exits 3 when debootstrap or docker is missing, with the install command.
      if (code === 3) reject(new HarnessError('MISSING_BINARY', tail.join('\n')));
      else if (code !== 0) reject(new HarnessError('INTERNAL', `building the ${release} base image failed (exit ${code}):\n${tail.join('\n')}`));
      else done();
    });
  });
}

/**
 * The proxy's build context: its build files and the built proxy as proxy/
 * (a context cannot reach outside its folder). Removed by the caller.
 */
function proxyContext(composeDir: string, proxyDir: string): string {
  const modules = proxyModules(proxyDir);
  if (!modules.some((f) => f.endsWith('/main.js'))) throw new HarnessError('MISSING_BINARY', `the proxy is not built (${proxyDir}/main.js missing): run npm run build`);
  const dir = mkdtempSync(join(tmpdir(), 'pc-proxy-image-'));
  cpSync(join(composeDir, 'images', 'proxy'), dir, { recursive: true });
  for (const f of modules) cpSync(f, join(dir, 'proxy', relative(proxyDir, f)));
  return dir;
}

async function buildFromDockerfile(kind: Exclude<ImageKind, 'base'>, tags: ImageTags, release: Release, composeDir: string, say: (l: string) => void): Promise<void> {
  const parentArg = kind === 'common' ? `BASE=${tags.base}` : `COMMON=${tags.common}`;
  const context = kind === 'proxy' ? proxyContext(composeDir, PROXY_DIST) : join(composeDir, 'images', kind);
  try {
    await dockerBuild(kind, tags, release, parentArg, context, say);
  } finally {
    if (kind === 'proxy') rmSync(context, { recursive: true, force: true });
  }
}

async function dockerBuild(kind: Exclude<ImageKind, 'base'>, tags: ImageTags, release: Release, parentArg: string, context: string, say: (l: string) => void): Promise<void> {
  const tail: string[] = [];
  const r = await docker([
    'build', '--pull=false', '--rm', '--force-rm',
    '--build-arg', parentArg, '--build-arg', `RELEASE=${release}`,
    '--label', `patroni-chaos.image=${kind}`, '--label', `patroni-chaos.release=${release}`,
    '-t', tags[kind], context,
  ], {
    onLine: (l) => {
      tail.push(l);
      if (tail.length > 40) tail.shift();
      if (/^Step \d+\/\d+ :/.test(l) || /^Successfully (built|tagged)/.test(l)) say(`${kind}: ${l}`);
    },
  });
  if (r.code !== 0) {
    throw new HarnessError('INTERNAL', `docker build of ${tags[kind]} failed (exit ${r.code}); last output:\n${tail.join('\n')}`);
  }
}

/**
 * Builds whatever image of the release is missing, parents first; a second
 * call with unchanged inputs only checks that the tags exist.
 */
export async function buildImages(o: BuildOptions): Promise<BuildResult> {
  const t0 = performance.now();
  const say = o.onProgress ?? (() => undefined);
  const composeDir = o.composeDir ?? COMPOSE_DIR;
  const tags = imageTags(o.release, composeDir);
  await requireDaemon();
  const built: BuildResult['built'] = [];
  const reused: ImageKind[] = [];
  for (const kind of BUILD_ORDER) {
    if (await imageExists(tags[kind])) {
      reused.push(kind);
      continue;
    }
    say(`building ${tags[kind]}`);
    const s = performance.now();
    if (kind === 'base') await buildBase(tags.base, o.release, composeDir, say);
    else await buildFromDockerfile(kind, tags, o.release, composeDir, say);
    const ms = Math.round(performance.now() - s);
    built.push({ kind, tag: tags[kind], ms });
    say(`built ${tags[kind]} in ${(ms / 1000).toFixed(1)} s`);
  }
  const ms = Math.round(performance.now() - t0);
  say(built.length === 0 ? `images of ${o.release} up to date (${(ms / 1000).toFixed(1)} s)` : `images of ${o.release} ready in ${(ms / 1000).toFixed(1)} s`);
  return { release: o.release, tags, built, reused, ms };
}

/** Throws with the build command when an image of the release is missing (for callers that must not build). */
export async function requireImages(release: Release, composeDir = COMPOSE_DIR): Promise<ImageTags> {
  const tags = imageTags(release, composeDir);
  await requireDaemon();
  const missing = [];
  for (const kind of BUILD_ORDER) if (!(await imageExists(tags[kind]))) missing.push(tags[kind]);
  if (missing.length > 0) {
    throw new HarnessError('MISSING_BINARY', `missing image(s) ${missing.join(', ')}. Build them with: patroni-chaos images build --release ${release}`);
  }
  return tags;
}

