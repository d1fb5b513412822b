import { defineConfig } from 'vitest/config';

// Every test runs on PGlite. With TEST_DATABASE_URL set, the flow tests (test/**, the ones that
// touch the database) run again on that PostgreSQL server, in a database of their own; the unit
// tests beside the code (src/**) need no database.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        test: {
          name: 'pglite',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
          exclude: ['test/e2e/**', '**/node_modules/**'],
          globalSetup: ['test/setup-pglite.ts'],
          env: { PARLEY_TEST_DB: 'pglite' },
        },
      },
      // Browser tests (Chromium through playwright-core) against a real server, one file at a time.
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/setup-pglite.ts', 'test/e2e/setup.ts'],
          env: { PARLEY_TEST_DB: 'pglite' },
          fileParallelism: false,
          testTimeout: 60_000,
        },
      },
      ...(process.env.TEST_DATABASE_URL
        ? [
            {
              test: {
                name: 'postgres',
                include: ['test/**/*.test.ts'],
                exclude: ['test/e2e/**', '**/node_modules/**'],
                globalSetup: ['test/setup-postgres.ts'],
                env: { PARLEY_TEST_DB: 'postgres' },
              },
            },
            // The live inbox once more on PostgreSQL (LISTEN/NOTIFY workers, the events poller).
            {
              test: {
                name: 'e2e-postgres',
                include: ['test/e2e/inbox.test.ts'],
                globalSetup: ['test/setup-postgres.ts', 'test/e2e/setup.ts'],
                env: { PARLEY_TEST_DB: 'postgres' },
                fileParallelism: false,
                testTimeout: 60_000,
              },
            },
          ]
        : []),
    ],
  },
});
