/**
 * Just enough Markdown for the tests that hold README and docs/ to the
 * repository: the pages, their fenced code blocks, their relative links
 * and the anchors GitHub makes of their headings. Pure but for `readDocs`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';

export interface Page {
  /** Relative to the repository's root, with `/`: `README.md`, `docs/faults.md`. */
  file: string;
  text: string;
}

/** README.md and every docs/*.md of the checkout at `root`: where the user-facing contracts are written. */
export function readDocs(root: URL): Page[] {
  const docs = readdirSync(new URL('docs/', root)).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`);
  return ['README.md', ...docs].map((file) => ({ file, text: readFileSync(new URL(file, root), 'utf8') }));
}

const FENCE = /^```([\w-]*)\n([\s\S]*?)^```$/gm;

/** The fenced code blocks of a page, with their info string (`sh`, `yaml`, or '' for none). */
export function codeBlocks(text: string): Array<{ lang: string; body: string }> {
  return [...text.matchAll(FENCE)].map((m) => ({ lang: m[1] ?? '', body: m[2] ?? '' }));
}

/** The text outside fenced blocks and inline code: where a link is a link. */
function prose(text: string): string {
  return text.replace(FENCE, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of text.replace(FENCE, '').matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const base = (m[1] ?? '').toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Link targets that stay in the repository: `[x](docs/a.md#b)`, `[x](#b)`; not http(s) or mailto. */
export function relativeLinks(text: string): string[] {
  return [...prose(text).matchAll(/\[[^\]\n]*\]\(([^)\s]+)(?: +"[^"]*")?\)/g)]
    .map((m) => m[1] ?? '')
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

/**
 * Every relative link of `pages` that points at no file, or at an anchor
 * no heading of that Markdown file makes, as `file: target (why)`.
 * `read` gives a file's text, or undefined when it does not exist.
 */
export function brokenLinks(pages: readonly Page[], read: (file: string) => string | undefined): string[] {
  return pages.flatMap(({ file, text }) => relativeLinks(text).flatMap((target) => {
    const [path = '', anchor] = target.split('#', 2);
    const to = path === '' ? file : posix.normalize(posix.join(posix.dirname(file), decodeURI(path).replace(/\/$/, '')));
    if (to.startsWith('../')) return [`${file}: ${target} (outside the repository)`];
    const body = to === file ? text : read(to);
    if (body === undefined) return [`${file}: ${target} (no file ${to})`];
    if (anchor === undefined || anchor === '' || !to.endsWith('.md')) return [];
    return anchors(body).has(anchor) ? [] : [`${file}: ${target} (no heading makes #${anchor} in ${to})`];
  }));
}
