// Builds the docker provider's images of one or more releases and prints how
// long each took: a first call builds (cold), a second finds them (warm).
//   node bench/docker-images.mjs [bookworm|trixie]...   (default: both)
//   BENCH_COLD=1 removes the release's images first, to time a cold build.
import { buildImages, imageTags } from '../dist/cluster/docker/images.js';
import { docker } from '../dist/cluster/docker/cli.js';

const releases = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['bookworm', 'trixie'];
for (const release of releases) {
  if (process.env.BENCH_COLD === '1') {
    const tags = Object.values(imageTags(release)).reverse();
    await docker(['rmi', '-f', ...tags]);
    console.log(`removed ${tags.length} images of ${release}`);
  }
  const cold = await buildImages({ release, onProgress: (l) => console.log(`  ${l}`) });
  const warm = await buildImages({ release });
  const parts = cold.built.map((b) => `${b.kind} ${(b.ms / 1000).toFixed(1)} s`).join(', ');
  console.log(`${release}: first call ${(cold.ms / 1000).toFixed(1)} s (built: ${parts || 'nothing'}), second call ${(warm.ms / 1000).toFixed(2)} s (built ${warm.built.length})`);
  for (const [kind, tag] of Object.entries(cold.tags)) console.log(`  ${kind.padEnd(8)} ${tag}`);
}
