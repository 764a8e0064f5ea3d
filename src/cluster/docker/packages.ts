/**
 * The exact Debian package versions a docker cluster runs, read in its
 * containers with dpkg-query: a moving suite's images differ from one build
 * to the next, and the binaries' own version strings (report.json
 * `versions`) drop Debian's revision (4.1.5 for 4.1.5-2).
 */
import type { Release } from './releases.js';
import { imagePackages } from './releases.js';

/** `dpkg-query -W -f '${Package} ${Version}\n'` output -> package -> version; "not installed" lines have no version. */
export function parseDpkgQuery(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(\S+) (\S+)$/.exec(line.trim());
    if (m) out[m[1] as string] = m[2] as string;
  }
  return out;
}

/** Where each image's packages are read: one container of each image. */
export function packageProbes(release: Release, haproxy = 'haproxy'): Array<{ container: string; packages: string[] }> {
  const p = imagePackages(release);
  return [
    { container: 'patroni1', packages: p.node },
    { container: 'etcd1', packages: p.etcd },
    { container: haproxy, packages: p.haproxy },
    { container: 'prometheus', packages: p.monitoring },
  ];
}

export const DPKG_QUERY = ['dpkg-query', '-W', '-f', '${Package} ${Version}\\n'];
