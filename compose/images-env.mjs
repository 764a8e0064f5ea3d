// Builds the docker provider's images of a release if they are missing and
// writes compose/.env naming them, which docker-compose reads by itself.
//   node compose/images-env.mjs [bookworm|trixie|forky]      (after npm run build)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildImages } from '../dist/cluster/docker/images.js';

const release = process.argv[2] ?? 'bookworm';
const { tags } = await buildImages({ release, onProgress: (l) => console.error(l) });
const env = [
  `# written by compose/images-env.mjs for ${release}`,
  `PATRONI_CHAOS_NODE_IMAGE=${tags.node}`,
  `PATRONI_CHAOS_ETCD_IMAGE=${tags.etcd}`,
  `PATRONI_CHAOS_HAPROXY_IMAGE=${tags.haproxy}`,
  '',
].join('\n');
writeFileSync(fileURLToPath(new URL('./.env', import.meta.url)), env);
process.stdout.write(env);
