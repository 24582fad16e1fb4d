import { defineConfig } from 'vitest/config';

/**
 * Tests whose assertions are about time on the wire or in a kernel (failover latency, advert gaps,
 * user-mode Linux): they run after everything else, one file at a time, so that the rest of the
 * suite does not steal the 2 cores from them.
 */
const TIMING = [
  'test/integration/vrrp-*.test.ts',
  'test/integration/supervisor-vip.test.ts',
  'test/kernel/**/*.test.ts',
  // The demo boots user-mode Linux and measures a failover on the wire.
  'test/integration/demo.test.ts',
  // Not timing-bound themselves, but building packages and booting containers loads both cores
  // for a minute: alone, they cannot starve the respawn and failover tests of the first group.
  'test/integration/package*.test.ts',
];

export default defineConfig({
  test: {
    // Integration tests build network namespaces and start daemons: give them room.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
    },
    projects: [
      {
        extends: true,
        test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: TIMING, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'timing', include: TIMING, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
