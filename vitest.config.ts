import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests on hand-made inputs, and integration tests
// (`*.itest.ts`) that start real PostgreSQL, Patroni, etcd and HAProxy.
// Integration tests run one file at a time: each boots a cluster, and a
// 2-core machine cannot host several without skewing the timings they check.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts'], testTimeout: 30_000 } },
      {
        test: {
          name: 'integration',
          include: ['src/**/*.itest.ts'],
          testTimeout: 600_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // testcontainers' reaper (Ryuk) is an image from Docker Hub, which is not reachable here;
          // the run-label sweep and the orphan reaping by owner label remove helper containers instead.
          env: { TESTCONTAINERS_RYUK_DISABLED: 'true' },
        },
      },
    ],
  },
});
