import { defineConfig } from 'vitest/config';

// Tests import workspace packages through the "source" export condition, so they run against src/
// without a build step; the CommonJS interop tests load dist/ on purpose.
const resolve = { conditions: ['dbwire:source'] };
const ssr = { resolve: { conditions: ['dbwire:source'], externalConditions: ['dbwire:source'] } };

export default defineConfig({
  resolve,
  ssr,
  test: {
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      exclude: ['**/*.test.ts', '**/generated/**'],
      reporter: ['text-summary', 'text'],
    },
    projects: [
      {
        resolve,
        ssr,
        test: {
          name: 'unit',
          // Projects with different worker limits need distinct group orders: unit runs first.
          sequence: { groupOrder: 0 },
          // Property and fuzz tests run 20k-100k cases; on 2 cores shared with the integration project
          // the default 5 s is a coin toss, not a limit anyone chose.
          testTimeout: 30_000,
          include: ['packages/*/src/**/*.test.ts', 'tooling/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        resolve,
        ssr,
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['packages/*/test/**/*.test.ts', 'tooling/*/test/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tooling/servers/src/vitest-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 600_000,
          // Real servers on 2 cores: keep file-level parallelism modest.
          maxWorkers: 2,
        },
      },
    ],
  },
});
