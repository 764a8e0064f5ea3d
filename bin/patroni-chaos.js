#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm run build`.
import('../dist/cli/bin.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('patroni-chaos: dist/ is missing; run `npm run build` first\n');
    process.exit(3);
  }
  throw err;
});
