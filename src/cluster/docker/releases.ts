/**
 * The Debian releases the docker provider builds clusters from, and what each
 * one ships. The versions are the archive's as measured (docs/providers.md's release
 * table): `requires:` checks a scenario against them before any cluster
 * starts, and a moving suite's images are keyed by what the archive serves at
 * build time instead (images.ts), so a new upload is never hidden behind an
 * old tag.
 */

export type Release = 'bookworm' | 'trixie' | 'forky';
export const RELEASES: readonly Release[] = ['bookworm', 'trixie', 'forky'];

/** The components a scenario can require a version of. */
export type ComponentName = 'patroni' | 'postgres' | 'etcd' | 'haproxy';

export interface ReleaseInfo {
  /** Debian's suite: a stable release changes only by point releases; testing changes every day. */
  suite: 'oldstable' | 'stable' | 'testing';
  /** Testing: the packages change under the same suite name, so image tags include their versions (images.ts). */
  moving: boolean;
  /** PostgreSQL's major, installed as postgresql-<major>. */
  postgresMajor: number;
  /** Upstream versions as measured when the release was added (moving suites: a floor, the archive only moves forward). */
  versions: Record<ComponentName, string>;
  /** When `versions` were read off the archive. */
  measured: string;
}

export const RELEASE_INFO: Record<Release, ReleaseInfo> = {
  bookworm: { suite: 'oldstable', moving: false, postgresMajor: 15, versions: { patroni: '3.0.2', postgres: '15', etcd: '3.4', haproxy: '2.6' }, measured: '2026-11' },
  trixie: { suite: 'stable', moving: false, postgresMajor: 17, versions: { patroni: '4.0.7', postgres: '17', etcd: '3.5', haproxy: '3.0' }, measured: '2026-11' },
  forky: { suite: 'testing', moving: true, postgresMajor: 18, versions: { patroni: '4.1.5', postgres: '18', etcd: '3.5.30', haproxy: '3.2.26' }, measured: '2026-12-07' },
};

/** The Debian packages each image installs on a release (names only; a moving suite pins them to the archive's versions). */
export function imagePackages(release: Release): Record<'node' | 'etcd' | 'haproxy' | 'monitoring', string[]> {
  return {
    // pgbouncer and keepalived serve the seeds topology (seeds-render.ts); the minimal one leaves them unstarted.
    node: [`postgresql-${RELEASE_INFO[release].postgresMajor}`, 'patroni', 'python3-etcd', 'pgbouncer'],
    etcd: ['etcd-server', 'etcd-client'],
    haproxy: ['haproxy', 'keepalived'],
    monitoring: ['prometheus', 'prometheus-alertmanager'],
  };
}
