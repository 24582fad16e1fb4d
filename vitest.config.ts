import { defineConfig } from 'vitest/config';

/**
 * Tests whose assertions are about time on the wire (failover latency, advert gaps): they run
 * after everything else, one file at a time, so that the rest of the suite does not steal the
 * 2 cores from them.
 */
const TIMING = [
  'test/integration/vrrp-*.test.ts',
  'test/integration/supervisor-vip.test.ts',
  // Not timing-bound themselves, but building packages and booting containers loads both cores
  // for a minute: alone, they cannot starve the respawn and failover tests of the first group.
  'test/integration/package*.test.ts',
];

/**
 * Tests that boot user-mode Linux (IPVS kernel tests, the demo lab): last, two files at a time.
 * A guest is a uniprocessor kernel, one host core at most, so two guests share the 2 cores
 * without slowing each other, and the group takes half the time it takes one by one.
 */
const UML = ['test/kernel/**/*.test.ts', 'test/integration/demo.test.ts'];

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
        test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: [...TIMING, ...UML], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'timing', include: TIMING, exclude: UML, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
      {
        extends: true,
        test: { name: 'kernel', include: UML, maxWorkers: 2, sequence: { groupOrder: 2 } },
      },
    ],
  },
});
