/**
 * The docker provider's images, built locally (no registry is reachable):
 * base (debootstrap + docker import) -> common (tools every container needs)
 * -> node (Patroni + PostgreSQL), etcd, haproxy, proxy (the project's
 * Toxiproxy-API server on Debian's nodejs), monitoring (Prometheus and
 * Alertmanager, evaluating the documented alert rules). Each tag carries a hash of
 * everything that went into it, its parent's hash included, so an unchanged
 * input is never rebuilt and a changed one never reuses a stale image. On a
 * moving suite (testing) the archive is an input too: the node, etcd and
 * haproxy tags hash the versions it serves now, and their builds install
 * exactly those versions, so a new upload makes a new tag.
 *
 * Builds and the archive lookup run the docker CLI (cli.ts says why);
 * whether an image exists is asked of the Engine API (engine.ts).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../../errors.js';
import { cliEnv, docker } from './cli.js';
import { engine, engineMessage, requireDaemon, statusOf, within } from './engine.js';
import { imagePackages, RELEASE_INFO, RELEASES, type Release } from './releases.js';

export { RELEASES, type Release };

export type ImageKind = 'base' | 'common' | 'node' | 'etcd' | 'haproxy' | 'proxy' | 'monitoring';
export type ImageTags = Record<ImageKind, string>;

export const IMAGE_REPO = 'patroni-chaos';
const MIRROR = process.env['PATRONI_CHAOS_DEBIAN_MIRROR'] ?? 'http://deb.debian.org/debian';

/** compose/ sits three levels above this module, in src/ as in dist/. */
export const COMPOSE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../compose');

/** The built proxy (dist/proxy): beside this module in dist/, the build's copy when run from src/ (tests). */
export const PROXY_DIST = ((here) => (existsSync(join(here, '../../proxy/main.js')) ? resolve(here, '../../proxy') : resolve(here, '../../../dist/proxy')))(dirname(fileURLToPath(import.meta.url)));

const PARENT: Record<Exclude<ImageKind, 'base'>, ImageKind> = { common: 'base', node: 'common', etcd: 'common', haproxy: 'common', proxy: 'common', monitoring: 'common' };
const BUILD_ORDER: readonly ImageKind[] = ['base', 'common', 'node', 'etcd', 'haproxy', 'proxy', 'monitoring'];

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

/** Debian package -> the version the archive serves (`apt-cache policy`'s candidate). */
export type ArchiveVersions = Readonly<Record<string, string>>;

type PackageImage = 'node' | 'etcd' | 'haproxy' | 'monitoring';
const isPackageImage = (k: ImageKind): k is PackageImage => k === 'node' || k === 'etcd' || k === 'haproxy' || k === 'monitoring';

/**
 * What an image's build installs (its PACKAGES build argument): the names on
 * a stable release, `name=version` pins on a moving one, so that the image
 * holds exactly the versions its tag was computed from.
 */
export function packageSpec(kind: PackageImage, release: Release, archive?: ArchiveVersions): string {
  const names = imagePackages(release)[kind];
  if (!RELEASE_INFO[release].moving) return names.join(' ');
  if (archive === undefined) throw new HarnessError('INTERNAL', `${release} is a moving suite: its ${kind} image needs the versions the archive serves (archiveVersions)`);
  return names.map((n) => {
    const v = archive[n];
    if (v === undefined) throw new HarnessError('NOT_FOUND', `the ${release} archive serves no package ${n} (apt-cache policy has no candidate)`);
    return `${n}=${v}`;
  }).join(' ');
}

function hashOf(kind: ImageKind, release: Release, parentHash: string, composeDir: string, proxyDir: string, archive?: ArchiveVersions): string {
  const h = createHash('sha256');
  h.update(`${kind}\0${release}\0${parentHash}\0${kind === 'base' ? MIRROR : ''}\0`);
  if (isPackageImage(kind)) h.update(`${packageSpec(kind, release, archive)}\0`);
  for (const f of inputFiles(kind, composeDir, proxyDir)) {
    h.update(`${f.name}\0`);
    h.update(readFileSync(f.path));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 12);
}

function tagsOf(kinds: readonly ImageKind[], release: Release, composeDir: string, proxyDir: string, archive?: ArchiveVersions): Partial<ImageTags> {
  if (!RELEASES.includes(release)) throw new HarnessError('INTERNAL', `unknown release "${String(release)}" (known: ${RELEASES.join(', ')})`);
  const hashes = new Map<ImageKind, string>();
  for (const kind of kinds) {
    const parent = kind === 'base' ? '' : (hashes.get(PARENT[kind]) as string);
    hashes.set(kind, hashOf(kind, release, parent, composeDir, proxyDir, archive));
  }
  return Object.fromEntries(kinds.map((k) => [k, `${IMAGE_REPO}/${k}:${release}-${hashes.get(k) as string}`]));
}

/**
 * The tags of a release's images, e.g. node: `patroni-chaos/node:bookworm-3f2a9c01b7de`.
 * A moving release needs `archive`, the versions its archive serves (archiveVersions).
 */
export function imageTags(release: Release, composeDir = COMPOSE_DIR, archive?: ArchiveVersions, proxyDir = PROXY_DIST): ImageTags {
  return tagsOf(BUILD_ORDER, release, composeDir, proxyDir, archive) as ImageTags;
}

/** The tags that never depend on the archive's versions: the debootstrap base and the common tools. */
function osTags(release: Release, composeDir: string): Pick<ImageTags, 'base' | 'common'> {
  return tagsOf(['base', 'common'], release, composeDir, PROXY_DIST) as Pick<ImageTags, 'base' | 'common'>;
}

/**
 * `apt-cache policy` output -> each package's candidate version. A package
 * the archive does not serve ("Candidate: (none)", or absent) is left out.
 */
export function parseCandidates(policy: string): Record<string, string> {
  const out: Record<string, string> = {};
  let pkg: string | undefined;
  for (const line of policy.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head) { pkg = head[1]; continue; }
    const cand = /^\s+Candidate:\s+(\S+)/.exec(line);
    if (cand && pkg !== undefined && cand[1] !== '(none)') out[pkg] = cand[1] as string;
  }
  return out;
}

const lookups = new Map<string, Promise<ArchiveVersions>>();

/**
 * The versions a moving release's archive serves now for the packages its
 * images install, asked once per process per release: a throwaway container
 * of the release's common image (its sources list names the suite) runs
 * `apt-get update` and `apt-cache policy`. About 3 s against deb.debian.org.
 */
export function archiveVersions(release: Release, commonTag: string): Promise<ArchiveVersions> {
  const key = `${release}\0${commonTag}`;
  let p = lookups.get(key);
  if (p === undefined) {
    p = lookUpArchive(release, commonTag);
    lookups.set(key, p);
    p.catch(() => lookups.delete(key)); // a failed lookup (network) may be retried by a later call
  }
  return p;
}

async function lookUpArchive(release: Release, commonTag: string): Promise<ArchiveVersions> {
  const names = Object.values(imagePackages(release)).flat();
  const r = await docker(['run', '--rm', '--label', 'patroni-chaos.lookup=archive', commonTag, 'sh', '-c', `apt-get update -qq >/dev/null && apt-cache policy ${names.join(' ')}`], { timeoutMs: 180_000 });
  if (r.code !== 0) throw new HarnessError('INTERNAL', `reading the versions the ${release} archive serves failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(-1000)}`);
  const found = parseCandidates(r.stdout);
  const missing = names.filter((n) => found[n] === undefined);
  if (missing.length > 0) throw new HarnessError('NOT_FOUND', `the ${release} archive serves no ${missing.join(', ')} (apt-cache policy has no candidate)`);
  return found;
}

/** True when the daemon has the image; false only when it says it has none (404): any other failure throws. */
export async function imageExists(tag: string): Promise<boolean> {
  try {
    await within(30_000, () => engine().getImage(tag).inspect());
    return true;
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw new HarnessError('INTERNAL', `docker image inspect ${tag} failed: ${engineMessage(err)}`, { cause: err });
  }
}

export interface BuildOptions {
  release: Release;
  onProgress?: (line: string) => void;
  composeDir?: string;
}

export interface BuildResult {
  release: Release;
  tags: ImageTags;
  /** A moving release's: the versions its archive served, which the tags hash and the images hold. */
  archive?: ArchiveVersions;
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
    const child = spawn('sh', [join(composeDir, 'base', 'make-base.sh'), release, tag, MIRROR], { stdio: ['ignore', 'pipe', 'pipe'], env: cliEnv() });
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

async function buildFromDockerfile(kind: Exclude<ImageKind, 'base'>, tags: ImageTags, release: Release, composeDir: string, say: (l: string) => void, archive?: ArchiveVersions): Promise<void> {
  const context = kind === 'proxy' ? proxyContext(composeDir, PROXY_DIST) : join(composeDir, 'images', kind);
  try {
    await dockerBuild(kind, tags, release, context, say, archive);
  } finally {
    if (kind === 'proxy') rmSync(context, { recursive: true, force: true });
  }
}

async function dockerBuild(kind: Exclude<ImageKind, 'base'>, tags: ImageTags, release: Release, context: string, say: (l: string) => void, archive?: ArchiveVersions): Promise<void> {
  const parentArg = kind === 'common' ? `BASE=${tags.base}` : `COMMON=${tags.common}`;
  const tail: string[] = [];
  const r = await docker([
    'build', '--pull=false', '--rm', '--force-rm',
    '--build-arg', parentArg, '--build-arg', `RELEASE=${release}`,
    ...(isPackageImage(kind) ? ['--build-arg', `PACKAGES=${packageSpec(kind, release, archive)}`] : []),
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
  await requireDaemon();
  const built: BuildResult['built'] = [];
  const reused: ImageKind[] = [];
  // The archive is read with the common image, so a moving release's other tags are known only once it exists.
  let tags: Partial<ImageTags> = osTags(o.release, composeDir);
  let archive: ArchiveVersions | undefined;
  for (const kind of BUILD_ORDER) {
    if (isPackageImage(kind) && tags[kind] === undefined) {
      if (RELEASE_INFO[o.release].moving) {
        say(`${o.release} is Debian ${RELEASE_INFO[o.release].suite}: reading the versions its archive serves now`);
        archive = await archiveVersions(o.release, tags.common as string);
        say(`${o.release} archive: ${Object.entries(archive).map(([p, v]) => `${p} ${v}`).join(', ')}`);
      }
      tags = imageTags(o.release, composeDir, archive);
    }
    const tag = tags[kind] as string;
    if (await imageExists(tag)) {
      reused.push(kind);
      continue;
    }
    say(`building ${tag}`);
    const s = performance.now();
    if (kind === 'base') await buildBase(tag, o.release, composeDir, say);
    else await buildFromDockerfile(kind, tags as ImageTags, o.release, composeDir, say, archive);
    const ms = Math.round(performance.now() - s);
    built.push({ kind, tag, ms });
    say(`built ${tag} in ${(ms / 1000).toFixed(1)} s`);
  }
  const ms = Math.round(performance.now() - t0);
  say(built.length === 0 ? `images of ${o.release} up to date (${(ms / 1000).toFixed(1)} s)` : `images of ${o.release} ready in ${(ms / 1000).toFixed(1)} s`);
  return { release: o.release, tags: tags as ImageTags, ...(archive === undefined ? {} : { archive }), built, reused, ms };
}

/** Throws with the build command when an image of the release is missing (for callers that must not build). */
export async function requireImages(release: Release, composeDir = COMPOSE_DIR): Promise<ImageTags> {
  await requireDaemon();
  const os = osTags(release, composeDir);
  const requireAll = async (ts: readonly string[]) => {
    const missing = [];
    for (const t of ts) if (!(await imageExists(t))) missing.push(t);
    if (missing.length > 0) throw new HarnessError('MISSING_BINARY', `missing image(s) ${missing.join(', ')}. Build them with: patroni-chaos images build --release ${release}`);
  };
  await requireAll([os.base, os.common]);
  // A moving release's images are only current if they hold what the archive serves today.
  const tags = imageTags(release, composeDir, RELEASE_INFO[release].moving ? await archiveVersions(release, os.common) : undefined);
  await requireAll([tags.node, tags.etcd, tags.haproxy, tags.monitoring]);
  return tags;
}

