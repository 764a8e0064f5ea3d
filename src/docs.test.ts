/**
 * README and docs/ against the repository: every relative link leads to a
 * file (and a heading), every command the pages run is one the program has,
 * and the tables that restate the code (the CLI synopsis, which provider
 * runs which fault, the docker releases) say what the code says.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './cli/main.js';
import { providerFor } from './cli/providers.js';
import { RELEASES, RELEASE_INFO } from './cluster/docker/releases.js';
import { DOCKER } from './cluster/docker/entry.js';
import { loadClusterFile, type ClusterFile } from './cluster/external/cluster-file.js';
import { externalEntry } from './cluster/external/entry.js';
import { FAULTS, faultCatalog } from './faults/index.js';
import { checkUsage, isCli } from './test-support/cli-usage.js';
import { anchors, brokenLinks, codeBlocks, readDocs, relativeLinks, type Page } from './test-support/markdown.js';
import { shellCommands } from './test-support/shell-words.js';

const ROOT = new URL('../', import.meta.url);
const PAGES = readDocs(ROOT);
const page = (file: string): string => PAGES.find((p) => p.file === file)?.text ?? '';

/** A file's text; '' for a folder (a link to a folder is fine), undefined when nothing is there. */
function readRepo(file: string): string | undefined {
  try {
    return statSync(new URL(file, ROOT)).isDirectory() ? '' : readFileSync(new URL(file, ROOT), 'utf8');
  } catch {
    return undefined;
  }
}

/** The rows of the first Markdown table whose header starts with `first`, as cells without backticks. */
function table(text: string, first: string): string[][] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`| ${first} |`));
  const rows: string[][] = [];
  for (const l of lines.slice(at + 2)) {
    if (at === -1 || !l.startsWith('|')) break;
    rows.push(l.split('|').slice(1, -1).map((c) => c.trim().replace(/`/g, '')));
  }
  return rows;
}

/**
 * cli.md's synopsis: each command path (`run`, `cluster up`, '' for the
 * program's own options) and the long options its line names. Alternatives
 * ` | status [--json]` replace the last word of the path before them.
 */
function synopsis(text: string): Record<string, string[]> {
  const block = codeBlocks(text).find((b) => b.lang === '' && b.body.startsWith('patroni-chaos '))?.body ?? '';
  const entries = block.replace(/\n\s+/g, ' ').split('\n').filter((l) => l.startsWith('patroni-chaos '));
  const out: Record<string, string[]> = {};
  for (const entry of entries) {
    let parent: string[] = [];
    entry.slice('patroni-chaos '.length).split(/ \| (?=[a-z])/).forEach((alt, i) => {
      const words = alt.split(' ');
      const end = words.findIndex((w) => !/^[a-z][\w-]*$/.test(w));
      const path = [...(i === 0 ? [] : parent), ...words.slice(0, end === -1 ? words.length : end)];
      if (i === 0) parent = path.slice(0, -1);
      out[path.join(' ')] = [...new Set(alt.match(/--[a-z][\w-]*/g) ?? [])].sort();
    });
  }
  return out;
}

/** The same from the program: every command that has options or no subcommands, with its long options. */
function programSynopsis(cmd: Command, path: string[] = []): Record<string, string[]> {
  const own = cmd.options.flatMap((o) => (o.long === undefined ? [] : [o.long])).sort();
  const here = own.length > 0 || cmd.commands.length === 0 ? { [path.join(' ')]: own } : {};
  return Object.assign(here, ...cmd.commands.map((c) => programSynopsis(c, [...path, c.name()])));
}

describe('the link checker', () => {
  const pages: Page[] = [
    { file: 'README.md', text: '# Top\n\nSee [faults](docs/faults.md#on-docker), [here](#top), [web](https://x.org/a) and `[not](a link)`.\n\n```sh\n[x](in/code.md)\n```\n' },
    { file: 'docs/faults.md', text: '# Faults\n\n## On docker\n\n## On docker\n\nBack to [README](../README.md#top); [compose](../compose/).\n' },
  ];
  const files: Record<string, string> = { 'README.md': '# Top\n', 'docs/faults.md': '## On docker\n', compose: '' };

  it('takes relative links only, outside code', () => {
    expect(relativeLinks(pages[0]?.text ?? '')).toEqual(['docs/faults.md#on-docker', '#top']);
  });

  it('makes GitHub\'s anchors, repeats numbered', () => {
    expect([...anchors('# The external provider: drill a `staging` cluster\n## A B\n## A B\n```\n# not a heading\n```\n')])
      .toEqual(['the-external-provider-drill-a-staging-cluster', 'a-b', 'a-b-1']);
  });

  it('passes links that resolve, and fails a missing file, a missing anchor and a path out of the repository', () => {
    expect(brokenLinks(pages, (f) => files[f])).toEqual([]);
    const bad: Page[] = [{ file: 'docs/ci.md', text: '[a](faults.md) [b](faults.md#nowhere) [c](../../x.md) [d](#nope) [e](reports.md)\n# Ci\n' }];
    expect(brokenLinks(bad, (f) => ({ ...files, 'docs/faults.md': '## On docker\n' })[f])).toEqual([
      'docs/ci.md: faults.md#nowhere (no heading makes #nowhere in docs/faults.md)',
      'docs/ci.md: ../../x.md (outside the repository)',
      'docs/ci.md: #nope (no heading makes #nope in docs/ci.md)',
      'docs/ci.md: reports.md (no file docs/reports.md)',
    ]);
  });
});

describe('README and docs/', () => {
  it('are README and the reference pages it links to, each linked from README', () => {
    const docs = PAGES.map((p) => p.file).filter((f) => f.startsWith('docs/'));
    expect(docs.length).toBeGreaterThan(5);
    expect(docs.filter((f) => !relativeLinks(page('README.md')).includes(f))).toEqual([]);
  });

  it('link only to files and headings that exist', () => {
    expect(brokenLinks(PAGES, readRepo)).toEqual([]);
  });

  it('are in the npm package, with the files they link to', () => {
    const files = (JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { files: string[] }).files;
    const linked = [...new Set(PAGES.flatMap((p) => relativeLinks(p.text).map((t) => join(p.file, '..', t.split('#')[0] ?? '').replace(/\/$/, ''))))].filter((f) => f !== '' && !f.startsWith('.'));
    expect(linked.filter((f) => !files.some((top) => f === top || f.startsWith(`${top}/`)))).toEqual([]);
  });

  const runs = PAGES.flatMap(({ file, text }) => codeBlocks(text).filter((b) => b.lang === 'sh').flatMap((b) => shellCommands(b.body))
    .flatMap((words) => {
      const at = words.findIndex(isCli);
      return at === -1 ? [] : [[file, words.slice(at + 1).join(' '), words.slice(at + 1)] as const];
    }));

  it('run the CLI in their examples', () => {
    expect(runs.length).toBeGreaterThan(10);
  });

  it.each(runs)('%s: patroni-chaos %s: a command and options the program has', (_file, _text, args) => {
    expect(checkUsage(buildProgram(), args).problems).toEqual([]);
  });
});

describe('docs/cli.md', () => {
  it('reads its synopsis: paths, alternatives and continuation lines', () => {
    expect(synopsis('```\npatroni-chaos run <x>... [--a N] [--b]\n      [--c]\npatroni-chaos cluster up [--p local|docker] | status [--json] | down\npatroni-chaos --version [--json]\n```\n')).toEqual({
      run: ['--a', '--b', '--c'], 'cluster up': ['--p'], 'cluster status': ['--json'], 'cluster down': [], '': ['--json', '--version'],
    });
  });

  it('names every command and every option of the program, and nothing else', () => {
    expect(synopsis(page('docs/cli.md'))).toEqual(programSynopsis(buildProgram()));
  });
});

describe('docs/faults.md: which provider runs which fault', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pc-docs-'));
  writeFileSync(join(dir, 'rest.pw'), 'x\n');
  const example = readFileSync(new URL('compose/external/email-cluster.yaml', ROOT), 'utf8').replace('/etc/patroni-chaos/email-rest-password', join(dir, 'rest.pw'));
  writeFileSync(join(dir, 'c.yaml'), example);
  const withIptables = loadClusterFile(join(dir, 'c.yaml'), { EMAIL_PG_PASSWORD: 'x' });
  const variants: Array<[string, ClusterFile]> = [
    ['yes', { ...withIptables, members: withIptables.members.map(({ container: _, ...m }) => m), etcd: withIptables.etcd.map(({ container: _, ...e }) => e) }],
    ['with containers', { ...withIptables, iptables: false }],
    ['with containers and iptables: true', withIptables],
  ];
  const supported = (f: ClusterFile, action: string): boolean => {
    const e = externalEntry(f);
    return faultCatalog(e.name, e.capabilities, e.members, e.etcdMembers).actions.get(action)?.supported ?? false;
  };
  const cell = (ok: boolean | undefined): string => (ok ? 'yes' : 'no');

  it('has a row for every fault, and each row says what the providers\' catalogs say', () => {
    const expected = [...FAULTS.keys()].map((action) => [
      action,
      cell(providerFor('local', {}).catalog.actions.get(action)?.supported),
      cell(providerFor('docker', {}).catalog.actions.get(action)?.supported),
      variants.find(([, f]) => supported(f, action))?.[0] ?? 'no',
    ]);
    expect(table(page('docs/faults.md'), 'fault')).toEqual(expected);
  });

  it('tells the external cluster files apart (else every external cell would read the same)', () => {
    expect(variants.map(([, f]) => ['kill', 'partition-dcs'].map((a) => supported(f, a)))).toEqual([[false, false], [true, false], [true, true]]);
  });
});

describe('docs/providers.md: the docker releases', () => {
  it('has one row per release with the versions releases.ts holds, the default and testing\'s date marked', () => {
    const rows = table(page('docs/providers.md'), '`cluster.release`');
    const v = (r: (typeof RELEASES)[number]) => RELEASE_INFO[r].versions;
    expect(rows.map((r) => r[0]?.split(' ')[0])).toEqual([...RELEASES]);
    expect(rows.map((r) => r.slice(1))).toEqual(RELEASES.map((r) => [v(r).patroni, v(r).postgres, v(r).etcd, v(r).haproxy]));
    const byDefault = RELEASES.find((r) => JSON.stringify(v(r)) === JSON.stringify(DOCKER.versions?.(undefined).versions));
    expect(rows.filter((r) => r[0]?.includes('(default)')).map((r) => r[0]?.split(' ')[0])).toEqual([byDefault]);
    for (const r of RELEASES.filter((x) => RELEASE_INFO[x].moving)) expect(rows.find((row) => row[0]?.startsWith(`${r} `))?.[0]).toContain(`as of ${RELEASE_INFO[r].measured}`);
  });
});
